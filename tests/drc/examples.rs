//! Every program under `examples/` builds on both targets without a single diagnostic, and
//! builds to the same bytes every time.

use crate::support::{compile_file, root};

fn examples() -> Vec<std::path::PathBuf> {
    let mut paths: Vec<_> = std::fs::read_dir(root().join("examples"))
        .expect("examples/ exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "dr"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 3,
        "expected at least three examples, found {paths:?}"
    );
    paths
}

#[test]
fn every_example_builds_cleanly_on_both_targets() {
    for path in examples() {
        let display = path.to_string_lossy().into_owned();
        let (sources, compilation) = compile_file(&path, &display);
        assert!(
            compilation.diagnostics.is_empty(),
            "{display}:\n{}",
            drc::render(&compilation.diagnostics, &sources, false)
        );
        let stack = &compilation.stacks[0];
        let names: Vec<&str> = stack
            .artifacts
            .iter()
            .map(|a| a.file_name.as_str())
            .collect();
        assert!(
            names.contains(&format!("{}.cfn.yaml", stack.name).as_str()),
            "{names:?}"
        );
        assert!(
            names.contains(&format!("{}.tf.json", stack.name).as_str()),
            "{names:?}"
        );
        assert!(names.iter().any(|n| n.ends_with(".zip")), "{names:?}");
    }
}

#[test]
fn examples_build_to_identical_bytes() {
    for path in examples() {
        let display = path.to_string_lossy().into_owned();
        let (_, first) = compile_file(&path, &display);
        let (_, second) = compile_file(&path, &display);
        for (a, b) in first.stacks[0]
            .artifacts
            .iter()
            .zip(&second.stacks[0].artifacts)
        {
            assert_eq!(a.file_name, b.file_name);
            assert!(
                a.bytes == b.bytes,
                "{display}: {} differs between runs",
                a.file_name
            );
        }
    }
}

#[test]
fn the_disaster_recovery_example_is_the_book_stack_done_right() {
    let (_, compilation) = compile_file(
        &root().join("examples/disaster_recovery.dr"),
        "disaster_recovery.dr",
    );
    let cfn = crate::support::artifact_text(&compilation, ".cfn.yaml");
    let tf = crate::support::artifact_text(&compilation, ".tf.json");
    // The backup bucket survives stack deletion and replacement on both targets.
    let template: serde_norway::Value = serde_norway::from_str(&cfn).expect("valid YAML");
    let backups = &template["Resources"]["BackupsBucket"];
    assert_eq!(backups["DeletionPolicy"], "Retain");
    assert_eq!(backups["UpdateReplacePolicy"], "Retain");
    assert!(
        template["Resources"]["BackupsBucket"]
            .get("RemovalPolicy")
            .is_none()
    );
    let config: serde_json::Value = serde_json::from_str(&tf).expect("valid JSON");
    assert_eq!(
        config["resource"]["aws_s3_bucket"]["backups"]["lifecycle"]["prevent_destroy"],
        true
    );
    // EventBridge Scheduler runs the schedule with a role of its own, assumed only by the
    // scheduler service from this account; no resource-based permission is left.
    let schedule = &template["Resources"]["NightlySchedule"];
    assert_eq!(schedule["Type"], "AWS::Scheduler::Schedule");
    let role = &template["Resources"]["NightlyScheduleRole"]["Properties"];
    let trust = &role["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(trust["Principal"]["Service"], "scheduler.amazonaws.com");
    assert!(
        trust["Condition"]["StringEquals"]
            .get("aws:SourceAccount")
            .is_some()
    );
    let invoke = &role["Policies"][0]["PolicyDocument"]["Statement"][0];
    assert_eq!(invoke["Action"][0], "lambda:InvokeFunction");
    assert!(
        template["Resources"]
            .as_mapping()
            .expect("resources")
            .values()
            .all(|r| r["Type"] != "AWS::Lambda::Permission")
    );
    let tf_schedule = &config["resource"]["aws_scheduler_schedule"]["nightly"];
    assert_eq!(
        tf_schedule["target"]["role_arn"],
        "${aws_iam_role.nightly.arn}"
    );
    assert!(config["resource"].get("aws_lambda_permission").is_none());
    // The runtime is current.
    assert_eq!(
        template["Resources"]["BackupFunction"]["Properties"]["Runtime"],
        "nodejs24.x"
    );
    // The full story: the source is outside the stack, the backups are locked, tiered and
    // replicated (deletions never replicate), and failures are kept and alarmed.
    let resources = template["Resources"].as_mapping().expect("resources");
    assert!(!resources.contains_key("AppDataBucket"));
    let properties = &backups["Properties"];
    assert_eq!(properties["ObjectLockEnabled"], true);
    assert_eq!(
        properties["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]["Mode"],
        "COMPLIANCE"
    );
    let replication = &properties["ReplicationConfiguration"]["Rules"][0];
    assert_eq!(replication["DeleteMarkerReplication"]["Status"], "Disabled");
    let lifecycle = properties["LifecycleConfiguration"]["Rules"]
        .as_sequence()
        .expect("rules");
    assert!(
        lifecycle
            .iter()
            .any(|r| r["Prefix"] == "daily/"
                && r["Transitions"][1]["StorageClass"] == "DEEP_ARCHIVE")
    );
    // Every failure is heard of: the function's errors, the runs it failed into its
    // failure queue, and the runs the scheduler failed to invoke (issue 13, point 5).
    for alarm in [
        "BackupFunctionErrorAlarm",
        "BackupFunctionFailureAlarm",
        "NightlyScheduleDeadLetterAlarm",
    ] {
        assert_eq!(
            template["Resources"][alarm]["Type"], "AWS::CloudWatch::Alarm",
            "{alarm}"
        );
    }
    assert_eq!(
        schedule["Properties"]["ScheduleExpressionTimezone"],
        "Europe/Paris"
    );
    assert_eq!(template["Parameters"]["StageParam"]["Default"], "dev");
    assert!(
        config["resource"]["aws_s3_bucket"]
            .get("app_data")
            .is_none()
    );
    assert!(
        config["resource"]["aws_s3_bucket_replication_configuration"]
            .get("backups")
            .is_some()
    );
}
