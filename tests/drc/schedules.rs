//! Schedules, alarms, outputs and tags, checked through the compiler on sources built in the test
//! (cases too large for a fixture, and properties read back from both templates).

use crate::support::today;
use drc::{Compilation, Options, SourceMap, Target};

/// A function whose failures alarm a topic, so scheduling it draws no warning.
const FUNCTION: &str = "topic alerts {}\nfunction backup {\n  runtime = nodejs24.x\n  handler = \"index.handler\"\n  code = \"lambda\"\n  alarm = alerts\n}\n";

/// Compiles a source whose functions' code is one in-memory file.
fn compile(text: &str) -> Compilation {
    struct OneFile;
    impl drc::CodeSource for OneFile {
        fn files(&self, _dr_path: &str, _dir: &str) -> Result<Vec<drc::CodeFile>, String> {
            Ok(vec![drc::CodeFile {
                path: "index.mjs".to_owned(),
                bytes: b"export const handler = async () => {};\n".to_vec(),
                executable: false,
            }])
        }
    }
    let mut sources = SourceMap::new();
    sources.add("test.dr", text.to_owned());
    let options = Options {
        targets: Target::ALL.to_vec(),
        today: today(),
        deny_warnings: false,
        set: std::collections::BTreeMap::new(),
    };
    drc::compile(&sources, &options, &OneFile)
}

fn codes(compilation: &Compilation) -> Vec<&'static str> {
    compilation
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect()
}

#[test]
fn a_payload_over_one_megabyte_is_refused() {
    let big = "x".repeat(1_048_576);
    let text = format!(
        "{FUNCTION}schedule nightly {{\n  every = 24h\n  invoke = backup\n  payload {{ data = \"{big}\" }}\n}}\n"
    );
    assert_eq!(codes(&compile(&text)), ["E0362"]);
    let small = "x".repeat(1_048_576 - 100);
    let text = format!(
        "{FUNCTION}schedule nightly {{\n  every = 24h\n  invoke = backup\n  payload {{ data = \"{small}\" }}\n}}\n"
    );
    assert!(codes(&compile(&text)).is_empty());
}

#[test]
fn the_payload_is_the_same_json_on_both_targets() {
    let text = format!(
        "{FUNCTION}schedule nightly {{\n  cron = \"0 3 * * ? *\"\n  timezone = \"UTC\"\n  invoke = backup\n  payload {{\n    b = 2\n    a = \"$${{x}}\"\n    nested {{ ok = true }}\n  }}\n}}\n"
    );
    let compilation = compile(&text);
    assert!(codes(&compilation).is_empty());
    let cfn: serde_norway::Value =
        serde_norway::from_str(&crate::support::artifact_text(&compilation, ".cfn.yaml"))
            .expect("YAML");
    let tf: serde_json::Value =
        serde_json::from_str(&crate::support::artifact_text(&compilation, ".tf.json"))
            .expect("JSON");
    let expected = r#"{"b":2,"a":"${x}","nested":{"ok":true}}"#;
    let properties = &cfn["Resources"]["NightlySchedule"]["Properties"];
    assert_eq!(properties["Target"]["Input"], expected);
    assert_eq!(properties["ScheduleExpressionTimezone"], "UTC");
    // Terraform escapes `${` so the payload is never interpolated.
    let schedule = &tf["resource"]["aws_scheduler_schedule"]["nightly"];
    assert_eq!(schedule["target"]["input"], expected.replace("${", "$${"));
    assert_eq!(schedule["schedule_expression_timezone"], "UTC");
    assert_eq!(schedule["flexible_time_window"]["mode"], "OFF");
}

#[test]
fn a_schedule_without_a_flexible_window_says_off_quoted() {
    // CloudFormation reads YAML 1.1, where a plain `OFF` is the boolean `false`.
    let text = format!("{FUNCTION}schedule nightly {{\n  every = 24h\n  invoke = backup\n}}\n");
    let cfn = crate::support::artifact_text(&compile(&text), ".cfn.yaml");
    assert!(
        cfn.contains("      FlexibleTimeWindow:\n        Mode: 'OFF'\n"),
        "{cfn}"
    );
    assert!(!cfn.contains("Mode: OFF"));
}

#[test]
fn item_tags_override_stack_tags_on_every_taggable_resource() {
    let text = format!(
        "stack s {{ tags {{ team = \"platform\", env = \"prod\" }} }}\n{}schedule nightly {{\n  every = 24h\n  invoke = backup\n  tags {{ team = \"on-call\" }}\n}}\n",
        FUNCTION.replace(
            "code = \"lambda\"\n",
            "code = \"lambda\"\n  tags { team = \"backup\" }\n"
        )
    );
    let compilation = compile(&text);
    assert!(codes(&compilation).is_empty());
    let tf: serde_json::Value =
        serde_json::from_str(&crate::support::artifact_text(&compilation, ".tf.json"))
            .expect("JSON");
    for (kind, name, team) in [
        ("aws_lambda_function", "backup", "backup"),
        ("aws_cloudwatch_log_group", "backup", "backup"),
        ("aws_iam_role", "backup", "backup"),
        ("aws_iam_role", "nightly", "on-call"),
    ] {
        let tags = &tf["resource"][kind][name]["tags"];
        assert_eq!(tags["team"], team, "{kind}.{name}");
        assert_eq!(tags["env"], "prod", "{kind}.{name}");
    }
    let cfn: serde_norway::Value =
        serde_norway::from_str(&crate::support::artifact_text(&compilation, ".cfn.yaml"))
            .expect("YAML");
    for (id, team) in [
        ("BackupFunction", "backup"),
        ("BackupFunctionLogGroup", "backup"),
        ("BackupFunctionRole", "backup"),
        ("NightlyScheduleRole", "on-call"),
    ] {
        let tags = cfn["Resources"][id]["Properties"]["Tags"]
            .as_sequence()
            .expect("tags");
        let team_tag = tags.iter().find(|t| t["Key"] == "team").expect("team");
        assert_eq!(team_tag["Value"], team, "{id}");
        assert_eq!(tags.len(), 2, "{id}");
    }
}

#[test]
fn every_schedule_gets_a_dead_letter_queue_alarmed_to_its_functions_topic() {
    // `backup` has an alarm topic; `quiet` has none (W0301 says so), so its schedule's queue
    // gets no alarm.
    let text = format!(
        "{FUNCTION}function quiet {{\n  runtime = nodejs24.x\n  handler = \"index.handler\"\n  code = \"lambda\"\n}}\nschedule nightly {{\n  every = 24h\n  invoke = backup\n}}\nschedule hourly {{\n  every = 1h\n  invoke = quiet\n}}\n"
    );
    let compilation = compile(&text);
    assert!(compilation.succeeded(), "{:?}", codes(&compilation));
    let cfn: serde_norway::Value =
        serde_norway::from_str(&crate::support::artifact_text(&compilation, ".cfn.yaml"))
            .expect("YAML");
    let yaml = |v: &serde_norway::Value| serde_norway::to_string(v).expect("YAML");
    let resources = &cfn["Resources"];
    for (stem, alarmed) in [("Nightly", true), ("Hourly", false)] {
        let queue = &resources[format!("{stem}ScheduleDeadLetters").as_str()];
        assert_eq!(queue["Type"], "AWS::SQS::Queue");
        assert_eq!(queue["Properties"]["SqsManagedSseEnabled"], true);
        assert_eq!(queue["Properties"]["MessageRetentionPeriod"], 1_209_600);
        let queue_arn = format!("!GetAtt {stem}ScheduleDeadLetters.Arn\n");
        let target = &resources[format!("{stem}Schedule").as_str()]["Properties"]["Target"];
        assert_eq!(yaml(&target["DeadLetterConfig"]["Arn"]), queue_arn);
        // The schedule's role may send there, and to no other queue.
        let statements = &resources[format!("{stem}ScheduleRole").as_str()]["Properties"]["Policies"]
            [0]["PolicyDocument"]["Statement"];
        let sends: Vec<String> = statements
            .as_sequence()
            .expect("statements")
            .iter()
            .filter(|s| yaml(&s["Action"]).contains("sqs:"))
            .map(|s| format!("{}{}", yaml(&s["Action"]), yaml(&s["Resource"])))
            .collect();
        assert_eq!(sends, [format!("- sqs:SendMessage\n{queue_arn}")]);
        let alarm = &resources[format!("{stem}ScheduleDeadLetterAlarm").as_str()];
        assert_eq!(alarm.get("Type").is_some(), alarmed, "{stem}");
        if alarmed {
            let properties = &alarm["Properties"];
            assert_eq!(
                properties["MetricName"],
                "ApproximateNumberOfMessagesVisible"
            );
            assert_eq!(
                yaml(&properties["Dimensions"][0]["Value"]),
                format!("!GetAtt {stem}ScheduleDeadLetters.QueueName\n")
            );
            assert_eq!(yaml(&properties["AlarmActions"]), "- !Ref AlertsTopic\n");
        }
    }
    let tf: serde_json::Value =
        serde_json::from_str(&crate::support::artifact_text(&compilation, ".tf.json"))
            .expect("JSON");
    let resource = &tf["resource"];
    for (name, alarmed) in [("nightly", true), ("hourly", false)] {
        let queue = &resource["aws_sqs_queue"][name];
        assert_eq!(queue["sqs_managed_sse_enabled"], true);
        assert_eq!(
            queue["name"],
            format!("${{var.stack_name}}-{name}-dead-letters")
        );
        assert_eq!(
            resource["aws_scheduler_schedule"][name]["target"]["dead_letter_config"]["arn"],
            format!("${{aws_sqs_queue.{name}.arn}}")
        );
        let alarm = &resource["aws_cloudwatch_metric_alarm"][format!("{name}-dead-letters")];
        assert_eq!(!alarm.is_null(), alarmed, "{name}");
        if alarmed {
            assert_eq!(
                alarm["dimensions"]["QueueName"],
                format!("${{aws_sqs_queue.{name}.name}}")
            );
            assert_eq!(alarm["alarm_actions"][0], "${aws_sns_topic.alerts.arn}");
        }
    }
}

#[test]
fn a_dead_letter_queue_name_may_have_80_characters_and_no_more() {
    // Without a stack item the stack is `test`: `test-<schedule>-dead-letters` on Terraform.
    for (length, codes_seen) in [(62, vec![]), (63, vec!["E0209"])] {
        let name = format!("s{}", "x".repeat(length - 1));
        assert_eq!(format!("test-{name}-dead-letters").len(), length + 18);
        let text = format!("{FUNCTION}schedule {name} {{\n  every = 24h\n  invoke = backup\n}}\n");
        assert_eq!(codes(&compile(&text)), codes_seen, "{length}");
    }
}

#[test]
fn every_alarm_has_an_address_of_its_own_on_terraform() {
    // `a`'s failure-queue alarm and `a_failures`'s error alarm once shared the address
    // `aws_cloudwatch_metric_alarm.a_failures`, and Terraform kept only one of them.
    let text = "topic alerts {}\nqueue failed {}\nfunction a {\n  runtime = nodejs24.x\n  handler = \"index.handler\"\n  code = \"lambda\"\n  alarm = alerts\n  on_failure = failed\n}\nfunction a_failures {\n  runtime = nodejs24.x\n  handler = \"index.handler\"\n  code = \"lambda\"\n  alarm = alerts\n}\nschedule a_dead_letters {\n  every = 24h\n  invoke = a\n}\n";
    let compilation = compile(text);
    assert!(compilation.succeeded(), "{:?}", codes(&compilation));
    let cfn: serde_norway::Value =
        serde_norway::from_str(&crate::support::artifact_text(&compilation, ".cfn.yaml"))
            .expect("YAML");
    let cfn_alarms = cfn["Resources"]
        .as_mapping()
        .expect("resources")
        .values()
        .filter(|r| r["Type"] == "AWS::CloudWatch::Alarm")
        .count();
    // a's errors, a's failure queue, a_failures's errors, the schedule's dead-letter queue.
    assert_eq!(cfn_alarms, 4);
    let tf: serde_json::Value =
        serde_json::from_str(&crate::support::artifact_text(&compilation, ".tf.json"))
            .expect("JSON");
    let tf_alarms = tf["resource"]["aws_cloudwatch_metric_alarm"]
        .as_object()
        .expect("alarms");
    assert_eq!(
        tf_alarms.keys().collect::<Vec<_>>(),
        [
            "a",
            "a-failures",
            "a_failures",
            "a_dead_letters-dead-letters"
        ],
        "{tf_alarms:#?}"
    );
}
