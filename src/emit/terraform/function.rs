//! A function's resources: the function, its role and trust, log group, invoke
//! configuration, alarm and failure destinations; and a schedule with its role.

use super::policy::statement;
use super::values::{Tf, literal, reference_value, text, with_tags};
use crate::check::model::{Destination, EnvValue, Function, Kind, Schedule, Tags};
use crate::emit::{Archive, ERROR_ALARM, Layout};
use crate::iam::Statement;
use serde_json::{Map, Value, json};

/// The ARN of a queue or topic receiving a function's failures.
pub(super) fn destination_arn(destination: &Destination) -> String {
    let target = &destination.target;
    if destination.kind == Kind::Queue {
        format!("${{aws_sqs_queue.{target}.arn}}")
    } else {
        format!("${{aws_sns_topic.{target}.arn}}")
    }
}

/// The event invoke configuration (retries, event age, on-failure destination) and the
/// alarm on the function's errors.
pub(super) fn add_failure_handling(out: &mut Tf, function: &Function, tags: &Tags) {
    let name = function.name.as_str();
    let failure = &function.failure;
    if failure.needs_invoke_config() {
        let mut body = Map::new();
        body.insert(
            "function_name".into(),
            json!(format!("${{aws_lambda_function.{name}.function_name}}")),
        );
        body.insert("qualifier".into(), json!("$LATEST"));
        if let Some(retries) = failure.retry_attempts {
            body.insert("maximum_retry_attempts".into(), json!(retries));
        }
        if let Some(age) = failure.max_event_age_s {
            body.insert("maximum_event_age_in_seconds".into(), json!(age));
        }
        if let Some(on_failure) = &failure.on_failure {
            body.insert(
                "destination_config".into(),
                json!({ "on_failure": { "destination": destination_arn(on_failure) } }),
            );
        }
        out.resource(
            "aws_lambda_function_event_invoke_config",
            name,
            Value::Object(body),
        );
    }
    if let Some(alarm) = &failure.alarm {
        out.resource(
            "aws_cloudwatch_metric_alarm",
            name,
            with_tags(
            json!({
                "alarm_name": format!("${{var.stack_name}}-{}-errors", literal(name)),
                "alarm_description": literal(&format!("Function {name} reported errors")),
                "namespace": ERROR_ALARM.namespace,
                "metric_name": ERROR_ALARM.metric,
                "dimensions": { "FunctionName": format!("${{aws_lambda_function.{name}.function_name}}") },
                "statistic": ERROR_ALARM.statistic,
                "period": ERROR_ALARM.period_s,
                "evaluation_periods": 1,
                "threshold": ERROR_ALARM.threshold,
                "comparison_operator": ERROR_ALARM.comparison,
                "treat_missing_data": ERROR_ALARM.missing_data,
                "alarm_actions": [format!("${{aws_sns_topic.{}.arn}}", alarm.target)],
            }),
            tags,
            ),
        );
    }
    if let Some((queue, topic)) = crate::emit::alarmed_failure_queue(function) {
        // `-` is in no `.dr` name: `<function>_failures` was the error alarm's address of a
        // function named so.
        out.resource(
            "aws_cloudwatch_metric_alarm",
            &format!("{name}-failures"),
            queue_alarm(
                &format!("{name}-failures"),
                &format!("Runs of function {name} failed into queue {queue}"),
                queue,
                topic,
                tags,
            ),
        );
    }
}

/// An alarm named `<stack>-<suffix>` on messages waiting in `aws_sqs_queue.<queue>`
/// ([`FAILURE_QUEUE_ALARM`]), to `aws_sns_topic.<topic>`.
///
/// [`FAILURE_QUEUE_ALARM`]: crate::emit::FAILURE_QUEUE_ALARM
fn queue_alarm(suffix: &str, description: &str, queue: &str, topic: &str, tags: &Tags) -> Value {
    let a = &crate::emit::FAILURE_QUEUE_ALARM;
    with_tags(
        json!({
            "alarm_name": format!("${{var.stack_name}}-{}", literal(suffix)),
            "alarm_description": literal(description),
            "namespace": a.namespace,
            "metric_name": a.metric,
            "dimensions": { "QueueName": format!("${{aws_sqs_queue.{queue}.name}}") },
            "statistic": a.statistic,
            "period": a.period_s,
            "evaluation_periods": 1,
            "threshold": a.threshold,
            "comparison_operator": a.comparison,
            "treat_missing_data": a.missing_data,
            "alarm_actions": [format!("${{aws_sns_topic.{topic}.arn}}")],
        }),
        tags,
    )
}

/// A function's resources: its log group, role, permissions, the function itself, and its
/// failure handling.
pub(super) fn add_function(
    out: &mut Tf,
    function: &Function,
    statements: &[Statement],
    provenance: &str,
    layout: &Layout,
    archive: &Archive,
    tags: &Tags,
) {
    let name = function.name.as_str();
    let physical = format!("${{var.stack_name}}-{}", literal(name));
    out.resource(
        "aws_cloudwatch_log_group",
        name,
        with_tags(
            json!({
                "name": format!("/aws/lambda/{physical}"),
                "retention_in_days": function.log_retention_days,
            }),
            tags,
        ),
    );

    out.resource(
        "aws_iam_role",
        name,
        with_tags(
            json!({
                "description": literal(&format!("Role of function {name}, inferred by drc")),
                "assume_role_policy": "${data.aws_iam_policy_document.assume_lambda.json}",
            }),
            tags,
        ),
    );
    let depends_on = add_permissions(out, name, statements, provenance, layout);
    let body = function_body(function, &physical, archive, &depends_on);
    out.resource(
        "aws_lambda_function",
        name,
        with_tags(Value::Object(body), tags),
    );
    add_failure_handling(out, function, tags);
}

/// The function role's permissions, laid out by `layout`; returns what the function waits for.
/// Statements too large for one inline policy go into managed policies attached to the role
/// (see `emit::policy`); the function waits for the attachments.
fn add_permissions(
    out: &mut Tf,
    name: &str,
    statements: &[Statement],
    provenance: &str,
    layout: &Layout,
) -> Vec<String> {
    match layout {
        Layout::Inline => {
            let policy = format!("role_{name}");
            let statements: Vec<Value> = statements.iter().map(statement).collect();
            out.data(
                "aws_iam_policy_document",
                &policy,
                json!({ "//": provenance, "statement": statements }),
            );
            out.resource(
                "aws_iam_role_policy",
                name,
                json!({
                    "name": literal(&format!("{name}-permissions")),
                    "role": format!("${{aws_iam_role.{name}.id}}"),
                    "policy": format!("${{data.aws_iam_policy_document.{policy}.json}}"),
                }),
            );
            vec![format!("aws_iam_role_policy.{name}")]
        }
        Layout::Managed(parts) => parts
            .iter()
            .enumerate()
            .map(|(index, part)| {
                add_managed_part(
                    out,
                    name,
                    &statements[part.clone()],
                    provenance,
                    index,
                    parts.len(),
                )
            })
            .collect(),
    }
}

/// Managed policy `index` of `count` for function `name`, attached to its role; returns the
/// attachment's address.
fn add_managed_part(
    out: &mut Tf,
    name: &str,
    statements: &[Statement],
    provenance: &str,
    index: usize,
    count: usize,
) -> String {
    // `<function>_<n>`: the function name is everything before the last `_`,
    // so two functions' parts never share a name.
    let part_name = format!("{name}_{}", index + 1);
    let document = format!("managed_{part_name}");
    let statements: Vec<Value> = statements.iter().map(statement).collect();
    out.data(
        "aws_iam_policy_document",
        &document,
        json!({ "//": provenance, "statement": statements }),
    );
    out.resource(
        "aws_iam_policy",
        &part_name,
        json!({
            "description": literal(&format!(
                "Permissions of function {name} ({} of {count}), inferred by drc",
                index + 1,
            )),
            "policy": format!("${{data.aws_iam_policy_document.{document}.json}}"),
        }),
    );
    out.resource(
        "aws_iam_role_policy_attachment",
        &part_name,
        json!({
            "role": format!("${{aws_iam_role.{name}.name}}"),
            "policy_arn": format!("${{aws_iam_policy.{part_name}.arn}}"),
        }),
    );
    format!("aws_iam_role_policy_attachment.{part_name}")
}

/// The `aws_lambda_function` body (without tags), named `physical`, from `archive`, waiting
/// for `depends_on`.
fn function_body(
    function: &Function,
    physical: &str,
    archive: &Archive,
    depends_on: &[String],
) -> Map<String, Value> {
    let name = function.name.as_str();
    let mut body = Map::new();
    body.insert("function_name".into(), json!(physical));
    if let Some(description) = &function.description {
        body.insert("description".into(), json!(text(description)));
    }
    body.insert(
        "role".into(),
        json!(format!("${{aws_iam_role.{name}.arn}}")),
    );
    body.insert("runtime".into(), json!(function.runtime.id));
    body.insert("handler".into(), json!(literal(&function.handler)));
    body.insert("memory_size".into(), json!(function.memory_mb));
    body.insert("timeout".into(), json!(function.timeout_s));
    if let Some(architecture) = function.architecture {
        body.insert("architectures".into(), json!([architecture]));
    }
    if let Some(mb) = function.ephemeral_storage_mb {
        body.insert("ephemeral_storage".into(), json!({ "size": mb }));
    }
    if let Some(reserved) = function.reserved_concurrency {
        body.insert("reserved_concurrent_executions".into(), json!(reserved));
    }
    if let Some(dead_letter) = &function.failure.dead_letter {
        body.insert(
            "dead_letter_config".into(),
            json!({ "target_arn": destination_arn(dead_letter) }),
        );
    }
    body.insert(
        "filename".into(),
        json!(format!("${{path.module}}/{}", literal(&archive.file_name))),
    );
    body.insert("source_code_hash".into(), json!(archive.sha256_base64));
    if !function.env.is_empty() {
        body.insert(
            "environment".into(),
            json!({ "variables": environment(function) }),
        );
    }
    body.insert(
        "logging_config".into(),
        json!({ "log_format": "Text", "log_group": format!("${{aws_cloudwatch_log_group.{name}.name}}") }),
    );
    body.insert("depends_on".into(), json!(depends_on));
    body
}

/// The function's environment variables, references turned into interpolations.
fn environment(function: &Function) -> Map<String, Value> {
    function
        .env
        .iter()
        .map(|(key, value)| {
            let value = match value {
                EnvValue::Literal(value) => text(value),
                EnvValue::Ref(r) => reference_value(r),
            };
            (key.clone(), json!(value))
        })
        .collect()
}

/// An `aws_iam_role` named after its `.dr` item, its trust policy (a policy document data
/// source) and one inline policy with `statements`.
pub(super) fn add_role(
    out: &mut Tf,
    name: &str,
    description: &str,
    trust: &str,
    statements: &[Statement],
    provenance: &str,
    tags: &Tags,
) {
    let policy = format!("role_{name}");
    let statements: Vec<Value> = statements.iter().map(statement).collect();
    out.data(
        "aws_iam_policy_document",
        &policy,
        json!({ "//": provenance, "statement": statements }),
    );
    out.resource(
        "aws_iam_role",
        name,
        with_tags(
            json!({
                "description": literal(description),
                "assume_role_policy": format!("${{data.aws_iam_policy_document.{trust}.json}}"),
            }),
            tags,
        ),
    );
    out.resource(
        "aws_iam_role_policy",
        name,
        json!({
            "name": literal(&format!("{name}-permissions")),
            "role": format!("${{aws_iam_role.{name}.id}}"),
            "policy": format!("${{data.aws_iam_policy_document.{policy}.json}}"),
        }),
    );
}

/// The trust policy `data.aws_iam_policy_document.<name>`: `service` may assume the role,
/// only on behalf of this account when `own_account_only`.
pub(super) fn add_trust(out: &mut Tf, name: &str, service: &str, own_account_only: bool) {
    let mut statement = json!({
        "effect": "Allow",
        "actions": ["sts:AssumeRole"],
        "principals": [{ "type": "Service", "identifiers": [service] }],
    });
    if own_account_only {
        statement["condition"] = json!([{
            "test": "StringEquals",
            "variable": "aws:SourceAccount",
            "values": ["${data.aws_caller_identity.current.account_id}"],
        }]);
    }
    out.data(
        "aws_iam_policy_document",
        name,
        json!({ "statement": [statement] }),
    );
}

/// An EventBridge Scheduler schedule, the role it assumes to invoke its function, and its
/// dead-letter queue, with an alarm to `alarm` (the function's alarm topic) when there is one.
/// Schedules are not taggable; their role carries the tags.
pub(super) fn add_schedule(
    out: &mut Tf,
    schedule: &Schedule,
    statements: &[Statement],
    provenance: &str,
    alarm: Option<&str>,
    tags: &Tags,
) {
    let name = schedule.name.as_str();
    add_dead_letters(out, name, alarm, tags);
    add_role(
        out,
        name,
        &format!("Role EventBridge Scheduler assumes for schedule {name}, inferred by drc"),
        "assume_scheduler",
        statements,
        provenance,
        tags,
    );
    let mut body = Map::new();
    if let Some(description) = &schedule.description {
        body.insert("description".into(), json!(text(description)));
    }
    body.insert(
        "schedule_expression".into(),
        json!(schedule.expression.to_aws()),
    );
    if let Some(timezone) = &schedule.timezone {
        body.insert("schedule_expression_timezone".into(), json!(timezone));
    }
    body.insert(
        "state".into(),
        json!(if schedule.enabled {
            "ENABLED"
        } else {
            "DISABLED"
        }),
    );
    body.insert(
        "flexible_time_window".into(),
        match schedule.flexible_window_minutes {
            Some(minutes) => json!({ "mode": "FLEXIBLE", "maximum_window_in_minutes": minutes }),
            None => json!({ "mode": "OFF" }),
        },
    );
    let mut target = Map::new();
    target.insert(
        "arn".into(),
        json!(format!("${{aws_lambda_function.{}.arn}}", schedule.target)),
    );
    target.insert(
        "role_arn".into(),
        json!(format!("${{aws_iam_role.{name}.arn}}")),
    );
    if let Some(payload) = &schedule.payload {
        target.insert("input".into(), json!(literal(payload)));
    }
    let mut retry = Map::new();
    if let Some(age) = schedule.max_event_age_s {
        retry.insert("maximum_event_age_in_seconds".into(), json!(age));
    }
    if let Some(retries) = schedule.retries {
        retry.insert("maximum_retry_attempts".into(), json!(retries));
    }
    if !retry.is_empty() {
        target.insert("retry_policy".into(), Value::Object(retry));
    }
    target.insert(
        "dead_letter_config".into(),
        json!({ "arn": format!("${{aws_sqs_queue.{name}.arn}}") }),
    );
    body.insert("target".into(), Value::Object(target));
    out.resource("aws_scheduler_schedule", name, Value::Object(body));
}

/// A schedule's dead-letter queue, `aws_sqs_queue.<schedule>` (no queue can have a schedule's
/// name), with SQS-managed encryption and [`SCHEDULE_DEAD_LETTER_RETENTION_S`]; and, when the
/// invoked function has an alarm topic, an alarm on the queue to that topic, addressed
/// `<schedule>-dead-letters` (a `-` no `.dr` name has, so no other alarm's address).
///
/// [`SCHEDULE_DEAD_LETTER_RETENTION_S`]: crate::emit::SCHEDULE_DEAD_LETTER_RETENTION_S
fn add_dead_letters(out: &mut Tf, name: &str, alarm: Option<&str>, tags: &Tags) {
    out.resource(
        "aws_sqs_queue",
        name,
        with_tags(
            json!({
                "name": format!("${{var.stack_name}}-{}-dead-letters", literal(name)),
                "message_retention_seconds": crate::emit::SCHEDULE_DEAD_LETTER_RETENTION_S,
                "sqs_managed_sse_enabled": true,
            }),
            tags,
        ),
    );
    if let Some(topic) = alarm {
        out.resource(
            "aws_cloudwatch_metric_alarm",
            &format!("{name}-dead-letters"),
            queue_alarm(
                &format!("{name}-dead-letters"),
                &format!("Schedule {name} failed to invoke its function"),
                name,
                topic,
                tags,
            ),
        );
    }
}
