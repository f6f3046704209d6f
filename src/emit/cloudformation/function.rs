//! A function's resources: the function, its role, log group, invoke configuration and
//! alarm; and a schedule with its role.

use super::names::reference_value;
use super::policy::{policy_document, provenance, statements};
use super::values::{CODE_BUCKET, escape_sub, get_att, map, n, reference, s, sub, text, with_tags};
use crate::check::model::{Destination, EnvValue, Function, Kind, Program, Schedule, Tags};
use crate::emit::{ERROR_ALARM, Layout, LogicalIds as Id, Stack};
use serde_norway::{Mapping, Value};

/// The ARN of a queue or topic receiving a function's failures.
pub(super) fn destination_arn(destination: &Destination) -> Value {
    if destination.kind == Kind::Queue {
        get_att(&Id::queue(&destination.target), "Arn")
    } else {
        reference(&Id::topic(&destination.target))
    }
}

/// A function's resources: its log group, its role (with any managed policies), the function
/// itself, and its failure handling.
pub(super) fn add_function(
    resources: &mut Mapping,
    stack: &Stack<'_>,
    function: &Function,
    archive: &str,
) {
    let program = stack.program;
    let name = &function.name;
    let statements = statements(program, &stack.policies.function_role(name).statements);
    let provenance = provenance(stack.function_explanation(name));
    let layout = stack.function_layout(name);
    let tags = &program.tags(&function.tags);
    let log_group = Id::log_group(name);
    resources.insert(s(&log_group), log_group_resource(function, tags));
    let depends_on = add_function_role(resources, name, &statements, provenance, layout, tags);
    let properties = function_properties(program, function, archive, &log_group);
    let mut resource = Mapping::new();
    resource.insert(s("Type"), s("AWS::Lambda::Function"));
    if !depends_on.is_empty() {
        resource.insert(s("DependsOn"), Value::Sequence(depends_on));
    }
    resource.insert(s("Properties"), with_tags(Value::Mapping(properties), tags));
    resources.insert(s(&Id::function(name)), Value::Mapping(resource));
    add_failure_handling(resources, function, tags);
}

/// The function's log group, named after the stack and the function.
fn log_group_resource(function: &Function, tags: &Tags) -> Value {
    map([
        ("Type", s("AWS::Logs::LogGroup")),
        ("DeletionPolicy", s("Delete")),
        ("UpdateReplacePolicy", s("Delete")),
        (
            "Properties",
            with_tags(
                map([
                    (
                        "LogGroupName",
                        sub(&format!(
                            "/aws/lambda/${{AWS::StackName}}/{}",
                            escape_sub(&function.name)
                        )),
                    ),
                    ("RetentionInDays", n(function.log_retention_days)),
                ]),
                tags,
            ),
        ),
    ])
}

/// The function's role with its permissions laid out by `layout`; returns what the function
/// waits for. Statements too large for one inline policy go into managed policies attached to
/// the role (see `emit::policy`), inserted before the role; the function waits for them.
fn add_function_role(
    resources: &mut Mapping,
    name: &str,
    statements: &[Value],
    provenance: Value,
    layout: &Layout,
    tags: &Tags,
) -> Vec<Value> {
    let mut role = Mapping::new();
    role.insert(
        s("Description"),
        s(&format!("Role of function {name}, inferred by drc")),
    );
    role.insert(
        s("AssumeRolePolicyDocument"),
        policy_document(vec![map([
            ("Effect", s("Allow")),
            ("Principal", map([("Service", s("lambda.amazonaws.com"))])),
            ("Action", s("sts:AssumeRole")),
        ])]),
    );
    let mut depends_on = Vec::new();
    match layout {
        Layout::Inline => {
            role.insert(
                s("Policies"),
                Value::Sequence(vec![map([
                    ("PolicyName", s(&format!("{name}-permissions"))),
                    ("PolicyDocument", policy_document(statements.to_vec())),
                ])]),
            );
        }
        Layout::Managed(parts) => {
            for (index, part) in parts.iter().enumerate() {
                let id = Id::role_policy(name, index + 1);
                resources.insert(
                    s(&id),
                    managed_policy(name, index, parts.len(), &statements[part.clone()]),
                );
                depends_on.push(s(&id));
            }
        }
    }
    resources.insert(
        s(&Id::role(name)),
        map([
            ("Type", s("AWS::IAM::Role")),
            ("Metadata", provenance),
            ("Properties", with_tags(Value::Mapping(role), tags)),
        ]),
    );
    depends_on
}

/// Managed policy `index` of `count` holding part of function `name`'s `statements`.
fn managed_policy(name: &str, index: usize, count: usize, statements: &[Value]) -> Value {
    map([
        ("Type", s("AWS::IAM::ManagedPolicy")),
        (
            "Properties",
            map([
                (
                    "Description",
                    s(&format!(
                        "Permissions of function {name} ({} of {count}), inferred by drc",
                        index + 1,
                    )),
                ),
                ("Roles", Value::Sequence(vec![reference(&Id::role(name))])),
                ("PolicyDocument", policy_document(statements.to_vec())),
            ]),
        ),
    ])
}

/// The `AWS::Lambda::Function` properties (without tags), its code at `archive` and its logs
/// in `log_group`.
fn function_properties(
    program: &Program,
    function: &Function,
    archive: &str,
    log_group: &str,
) -> Mapping {
    let name = &function.name;
    let mut properties = Mapping::new();
    if let Some(description) = &function.description {
        properties.insert(s("Description"), text(description));
    }
    properties.insert(s("Runtime"), s(function.runtime.id));
    properties.insert(s("Handler"), s(&function.handler));
    properties.insert(s("Role"), get_att(&Id::role(name), "Arn"));
    properties.insert(s("MemorySize"), n(function.memory_mb));
    properties.insert(s("Timeout"), n(function.timeout_s));
    if let Some(architecture) = function.architecture {
        properties.insert(s("Architectures"), Value::Sequence(vec![s(architecture)]));
    }
    if let Some(mb) = function.ephemeral_storage_mb {
        properties.insert(s("EphemeralStorage"), map([("Size", n(mb))]));
    }
    if let Some(reserved) = function.reserved_concurrency {
        properties.insert(s("ReservedConcurrentExecutions"), n(reserved));
    }
    if let Some(dead_letter) = &function.failure.dead_letter {
        properties.insert(
            s("DeadLetterConfig"),
            map([("TargetArn", destination_arn(dead_letter))]),
        );
    }
    properties.insert(
        s("Code"),
        map([("S3Bucket", reference(CODE_BUCKET)), ("S3Key", s(archive))]),
    );
    if !function.env.is_empty() {
        let mut variables = Mapping::new();
        for (key, value) in &function.env {
            let value = match value {
                EnvValue::Literal(value) => text(value),
                EnvValue::Ref(r) => reference_value(program, r),
            };
            variables.insert(s(key), value);
        }
        properties.insert(
            s("Environment"),
            map([("Variables", Value::Mapping(variables))]),
        );
    }
    properties.insert(
        s("LoggingConfig"),
        map([("LogFormat", s("Text")), ("LogGroup", reference(log_group))]),
    );
    properties
}

/// The event invoke configuration (retries, event age, on-failure destination) and the
/// alarm on the function's errors.
pub(super) fn add_failure_handling(resources: &mut Mapping, function: &Function, tags: &Tags) {
    let name = &function.name;
    let failure = &function.failure;
    if failure.needs_invoke_config() {
        let mut properties = Mapping::new();
        properties.insert(s("FunctionName"), reference(&Id::function(name)));
        properties.insert(s("Qualifier"), s("$LATEST"));
        if let Some(retries) = failure.retry_attempts {
            properties.insert(s("MaximumRetryAttempts"), n(retries));
        }
        if let Some(age) = failure.max_event_age_s {
            properties.insert(s("MaximumEventAgeInSeconds"), n(age));
        }
        if let Some(on_failure) = &failure.on_failure {
            properties.insert(
                s("DestinationConfig"),
                map([(
                    "OnFailure",
                    map([("Destination", destination_arn(on_failure))]),
                )]),
            );
        }
        resources.insert(
            s(&Id::invoke_config(name)),
            map([
                ("Type", s("AWS::Lambda::EventInvokeConfig")),
                ("Properties", Value::Mapping(properties)),
            ]),
        );
    }
    if let Some(alarm) = &failure.alarm {
        resources.insert(
            s(&Id::error_alarm(name)),
            map([
                ("Type", s("AWS::CloudWatch::Alarm")),
                (
                    "Properties",
                    with_tags(
                        map([
                            (
                                "AlarmDescription",
                                s(&format!("Function {name} reported errors")),
                            ),
                            ("Namespace", s(ERROR_ALARM.namespace)),
                            ("MetricName", s(ERROR_ALARM.metric)),
                            (
                                "Dimensions",
                                Value::Sequence(vec![map([
                                    ("Name", s("FunctionName")),
                                    ("Value", reference(&Id::function(name))),
                                ])]),
                            ),
                            ("Statistic", s(ERROR_ALARM.statistic)),
                            ("Period", n(ERROR_ALARM.period_s)),
                            ("EvaluationPeriods", n(1)),
                            ("Threshold", n(ERROR_ALARM.threshold)),
                            ("ComparisonOperator", s(ERROR_ALARM.comparison)),
                            ("TreatMissingData", s(ERROR_ALARM.missing_data)),
                            (
                                "AlarmActions",
                                Value::Sequence(vec![reference(&Id::topic(&alarm.target))]),
                            ),
                        ]),
                        tags,
                    ),
                ),
            ]),
        );
    }
    if let Some((queue, topic)) = crate::emit::alarmed_failure_queue(function) {
        resources.insert(
            s(&Id::failure_alarm(name)),
            queue_alarm(
                &format!("Runs of function {name} failed into queue {queue}"),
                &Id::queue(queue),
                topic,
                tags,
            ),
        );
    }
}

/// An alarm on messages waiting in the queue `queue_id` ([`FAILURE_QUEUE_ALARM`]), to `topic`.
///
/// [`FAILURE_QUEUE_ALARM`]: crate::emit::FAILURE_QUEUE_ALARM
fn queue_alarm(description: &str, queue_id: &str, topic: &str, tags: &Tags) -> Value {
    let a = &crate::emit::FAILURE_QUEUE_ALARM;
    map([
        ("Type", s("AWS::CloudWatch::Alarm")),
        (
            "Properties",
            with_tags(
                map([
                    ("AlarmDescription", s(description)),
                    ("Namespace", s(a.namespace)),
                    ("MetricName", s(a.metric)),
                    (
                        "Dimensions",
                        Value::Sequence(vec![map([
                            ("Name", s("QueueName")),
                            ("Value", get_att(queue_id, "QueueName")),
                        ])]),
                    ),
                    ("Statistic", s(a.statistic)),
                    ("Period", n(a.period_s)),
                    ("EvaluationPeriods", n(1)),
                    ("Threshold", n(a.threshold)),
                    ("ComparisonOperator", s(a.comparison)),
                    ("TreatMissingData", s(a.missing_data)),
                    (
                        "AlarmActions",
                        Value::Sequence(vec![reference(&Id::topic(topic))]),
                    ),
                ]),
                tags,
            ),
        ),
    ])
}

/// An `AWS::IAM::Role` with one trust statement and one inline policy.
pub(super) fn role(
    description: &str,
    trust: Value,
    name: &str,
    statements: &[Value],
    provenance: Value,
    tags: &Tags,
) -> Value {
    let statements = statements.to_vec();
    map([
        ("Type", s("AWS::IAM::Role")),
        ("Metadata", provenance),
        (
            "Properties",
            with_tags(
                map([
                    ("Description", s(description)),
                    ("AssumeRolePolicyDocument", policy_document(vec![trust])),
                    (
                        "Policies",
                        Value::Sequence(vec![map([
                            ("PolicyName", s(&format!("{name}-permissions"))),
                            ("PolicyDocument", policy_document(statements)),
                        ])]),
                    ),
                ]),
                tags,
            ),
        ),
    ])
}

/// An EventBridge Scheduler schedule, the role it assumes to invoke its function, and its
/// dead-letter queue, with an alarm to `alarm` (the function's alarm topic) when there is one.
/// Schedules are not taggable; their role and queue carry the tags.
pub(super) fn add_schedule(
    resources: &mut Mapping,
    schedule: &Schedule,
    statements: &[Value],
    provenance: Value,
    alarm: Option<&str>,
    tags: &Tags,
) {
    let name = &schedule.name;
    add_dead_letters(resources, name, alarm, tags);
    let role_id = Id::schedule_role(name);
    resources.insert(
        s(&role_id),
        role(
            &format!("Role EventBridge Scheduler assumes for schedule {name}, inferred by drc"),
            map([
                ("Effect", s("Allow")),
                (
                    "Principal",
                    map([("Service", s("scheduler.amazonaws.com"))]),
                ),
                ("Action", s("sts:AssumeRole")),
                (
                    "Condition",
                    map([(
                        "StringEquals",
                        map([("aws:SourceAccount", reference("AWS::AccountId"))]),
                    )]),
                ),
            ]),
            name,
            statements,
            provenance,
            tags,
        ),
    );
    resources.insert(
        s(&Id::schedule(name)),
        map([
            ("Type", s("AWS::Scheduler::Schedule")),
            (
                "Properties",
                Value::Mapping(schedule_properties(schedule, &role_id)),
            ),
        ]),
    );
}

/// A schedule's dead-letter queue (SQS-managed encryption, [`SCHEDULE_DEAD_LETTER_RETENTION_S`])
/// and, when the invoked function has an alarm topic, an alarm on the queue to that topic.
///
/// [`SCHEDULE_DEAD_LETTER_RETENTION_S`]: crate::emit::SCHEDULE_DEAD_LETTER_RETENTION_S
fn add_dead_letters(resources: &mut Mapping, name: &str, alarm: Option<&str>, tags: &Tags) {
    let queue_id = Id::schedule_dead_letters(name);
    resources.insert(
        s(&queue_id),
        map([
            ("Type", s("AWS::SQS::Queue")),
            ("DeletionPolicy", s("Delete")),
            ("UpdateReplacePolicy", s("Delete")),
            (
                "Properties",
                with_tags(
                    map([
                        (
                            "MessageRetentionPeriod",
                            n(crate::emit::SCHEDULE_DEAD_LETTER_RETENTION_S),
                        ),
                        ("SqsManagedSseEnabled", Value::Bool(true)),
                    ]),
                    tags,
                ),
            ),
        ]),
    );
    if let Some(topic) = alarm {
        resources.insert(
            s(&Id::schedule_dead_letter_alarm(name)),
            queue_alarm(
                &format!("Schedule {name} failed to invoke its function"),
                &queue_id,
                topic,
                tags,
            ),
        );
    }
}

/// The `AWS::Scheduler::Schedule` properties: when it fires, and its target invoked through
/// the role `role_id`.
fn schedule_properties(schedule: &Schedule, role_id: &str) -> Mapping {
    let mut properties = Mapping::new();
    if let Some(description) = &schedule.description {
        properties.insert(s("Description"), text(description));
    }
    properties.insert(s("ScheduleExpression"), s(&schedule.expression.to_aws()));
    if let Some(timezone) = &schedule.timezone {
        properties.insert(s("ScheduleExpressionTimezone"), s(timezone));
    }
    properties.insert(
        s("State"),
        s(if schedule.enabled {
            "ENABLED"
        } else {
            "DISABLED"
        }),
    );
    properties.insert(
        s("FlexibleTimeWindow"),
        match schedule.flexible_window_minutes {
            Some(minutes) => map([
                ("Mode", s("FLEXIBLE")),
                ("MaximumWindowInMinutes", n(minutes)),
            ]),
            None => map([("Mode", s("OFF"))]),
        },
    );
    let mut target = Mapping::new();
    target.insert(s("Arn"), get_att(&Id::function(&schedule.target), "Arn"));
    target.insert(s("RoleArn"), get_att(role_id, "Arn"));
    if let Some(payload) = &schedule.payload {
        target.insert(s("Input"), s(payload));
    }
    let mut retry = Mapping::new();
    if let Some(age) = schedule.max_event_age_s {
        retry.insert(s("MaximumEventAgeInSeconds"), n(age));
    }
    if let Some(retries) = schedule.retries {
        retry.insert(s("MaximumRetryAttempts"), n(retries));
    }
    if !retry.is_empty() {
        target.insert(s("RetryPolicy"), Value::Mapping(retry));
    }
    target.insert(
        s("DeadLetterConfig"),
        map([(
            "Arn",
            get_att(&Id::schedule_dead_letters(&schedule.name), "Arn"),
        )]),
    );
    properties.insert(s("Target"), Value::Mapping(target));
    properties
}
