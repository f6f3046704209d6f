//! Terraform JSON (`.tf.json`) for the AWS provider (v6).
//!
//! Buckets use the provider's split resources (versioning, encryption, public access block,
//! ownership controls, lifecycle, policy each in its own resource). Policies are
//! `aws_iam_policy_document` data sources. Every piece of user text that lands in a string
//! goes through [`literal`], which escapes `${` and `%{` so it can never become Terraform
//! interpolation or a template directive.

use super::{Archive, ERROR_ALARM, Layout, Stack};
use crate::check::model::{
    Attribute, Bucket, Destination, Encryption, EnvValue, Function, Kind, LifecycleRule, Param,
    ParamValue, Program, Queue, QueueEncryption, Reference, Retention, Schedule, Tags, Text,
    TextPart, Topic,
};
use crate::iam::Owner;
use crate::iam::explain::RoleExplanation;
use crate::iam::{self, Resource, Statement};
use crate::names::physical_prefix;
use serde_json::{Map, Value, json};

/// Renders the stack as a Terraform JSON configuration.
pub fn emit(stack: &Stack<'_>) -> String {
    let program = stack.program;
    let mut out = Tf::default();
    // Key policies and ARNs built from a bare function name need the partition and region.
    let uses_kms = program.buckets().iter().any(|b| {
        b.encryption == Encryption::Kms || b.existing.as_ref().is_some_and(|e| e.key.is_some())
    }) || program
        .queues()
        .iter()
        .any(|q| q.encryption == QueueEncryption::Kms)
        || !program.topics().is_empty()
        || program
            .existing_functions()
            .iter()
            .any(|f| f.arn.contains(iam::REGION));

    out.data("aws_caller_identity", "current", json!({}));
    if uses_kms {
        out.data("aws_partition", "current", json!({}));
        out.data("aws_region", "current", json!({}));
    }
    for bucket in program.created_buckets() {
        let log_sources: Vec<&Bucket> = program.log_sources(&bucket.name).collect();
        add_bucket(
            &mut out,
            bucket,
            &log_sources,
            &program.stack.name,
            &program.tags(&bucket.tags),
        );
    }
    if program.buckets().iter().any(|b| b.replicate_to.is_some()) {
        add_trust(&mut out, "assume_s3", "s3.amazonaws.com", false);
    }
    for bucket in program.buckets() {
        if let Some(role) = stack.policies.replication_role(&bucket.name) {
            add_replication(
                &mut out,
                bucket,
                program,
                &role.statements,
                &provenance(stack.explanation_of(&role.owner)),
                &program.tags(&bucket.tags),
            );
        }
    }
    if !program.functions().is_empty() {
        add_trust(&mut out, "assume_lambda", "lambda.amazonaws.com", false);
    }
    for (function, archive) in program.functions().iter().zip(&stack.archives) {
        let role = stack.policies.function_role(&function.name);
        let provenance = provenance(stack.function_explanation(&function.name));
        add_function(
            &mut out,
            function,
            &role.statements,
            &provenance,
            stack.function_layout(&function.name),
            archive,
            &program.tags(&function.tags),
        );
    }
    if !program.schedules().is_empty() {
        add_trust(
            &mut out,
            "assume_scheduler",
            "scheduler.amazonaws.com",
            true,
        );
    }
    for schedule in program.schedules() {
        let owner = Owner::Scheduler(schedule.name.clone());
        add_schedule(
            &mut out,
            schedule,
            &stack.policies.schedule_role(&schedule.name).statements,
            &provenance(stack.explanation_of(&owner)),
            &program.tags(&schedule.tags),
        );
    }
    for queue in program.queues() {
        add_queue(&mut out, queue, &program.stack.name, &program.stack.tags);
    }
    for topic in program.topics() {
        add_topic(&mut out, topic, &program.stack.name, &program.stack.tags);
    }

    let mut root = Map::new();
    root.insert("//".into(), json!(literal(&super::header(stack))));
    root.insert(
        "terraform".into(),
        json!({
            "required_version": ">= 1.5.0",
            "required_providers": { "aws": { "source": "hashicorp/aws", "version": "~> 6.0" } }
        }),
    );
    let mut variables = Map::new();
    variables.insert(
        "stack_name".into(),
        json!({
            "type": "string",
            "description": "Prefix of the physical names drc sets (Lambda function names, log groups)",
            "default": literal(&physical_prefix(&program.stack.name)),
        }),
    );
    for param in program.params() {
        variables.insert(param.name.clone(), variable(param));
    }
    root.insert("variable".into(), Value::Object(variables));
    root.insert("data".into(), Value::Object(out.data));
    root.insert("resource".into(), Value::Object(out.resources));
    let outputs = outputs(stack);
    if !outputs.is_empty() {
        root.insert("output".into(), Value::Object(outputs));
    }
    let mut text =
        serde_json::to_string_pretty(&Value::Object(root)).expect("JSON values always serialize");
    text.push('\n');
    text
}

/// Data sources and resources, grouped by type in insertion order.
#[derive(Default)]
struct Tf {
    data: Map<String, Value>,
    resources: Map<String, Value>,
}

impl Tf {
    fn data(&mut self, kind: &str, name: &str, body: Value) {
        insert(&mut self.data, kind, name, body);
    }

    fn resource(&mut self, kind: &str, name: &str, body: Value) {
        insert(&mut self.resources, kind, name, body);
    }
}

fn insert(block: &mut Map<String, Value>, kind: &str, name: &str, body: Value) {
    block
        .entry(kind.to_owned())
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .expect("type blocks are objects")
        .insert(name.to_owned(), body);
}

/// Adds `tags` (a map) to a resource's body, unless there are none. Each taggable resource
/// is one call: `with_tags(body, tags)`. Tags are written on each resource rather than as
/// the provider's `default_tags`: drc emits no provider block (the configuration can be
/// used as a module), and CloudFormation has to list them per resource anyway.
fn with_tags(mut body: Value, tags: &Tags) -> Value {
    if let (Value::Object(m), false) = (&mut body, tags.is_empty()) {
        let tags: Map<String, Value> = tags
            .iter()
            .map(|(k, v)| (literal(k), json!(literal(v))))
            .collect();
        m.insert("tags".into(), Value::Object(tags));
    }
    body
}

/// One `lifecycle` block as an S3 lifecycle rule.
fn lifecycle_rule(index: usize, rule: &LifecycleRule) -> Value {
    let filter = rule
        .prefix
        .as_ref()
        .map_or_else(|| json!({}), |prefix| json!({ "prefix": literal(prefix) }));
    let mut out = json!({
        "id": super::lifecycle_rule_id(index, rule),
        "status": "Enabled",
        "filter": filter,
    });
    if !rule.transitions.is_empty() {
        out["transition"] = rule
            .transitions
            .iter()
            .map(|t| json!({ "days": t.days, "storage_class": t.class.aws }))
            .collect();
    }
    if let Some(days) = rule.expire_days {
        out["expiration"] = json!({ "days": days });
    }
    if !rule.noncurrent_transitions.is_empty() {
        out["noncurrent_version_transition"] = rule
            .noncurrent_transitions
            .iter()
            .map(|t| json!({ "noncurrent_days": t.days, "storage_class": t.class.aws }))
            .collect();
    }
    if let Some(days) = rule.noncurrent_expire_days {
        out["noncurrent_version_expiration"] = json!({ "noncurrent_days": days });
    }
    out
}

fn add_bucket(out: &mut Tf, bucket: &Bucket, log_sources: &[&Bucket], stack: &str, tags: &Tags) {
    let name = bucket.name.as_str();
    // A bucket in another region: every resource of it says where (the AWS provider's
    // resource-level `region`, provider 6.0 and later).
    let placed = |mut body: Value| {
        if let (Some(region), Value::Object(m)) = (bucket.region, &mut body) {
            m.insert("region".into(), json!(region.code));
        }
        body
    };
    let id = format!("${{aws_s3_bucket.{name}.id}}");
    let arn = format!("${{aws_s3_bucket.{name}.arn}}");

    let mut body = Map::new();
    if let Some(explicit) = &bucket.bucket_name {
        body.insert("bucket".into(), json!(text(explicit)));
    }
    body.insert("force_destroy".into(), json!(false));
    if bucket.retain {
        body.insert("lifecycle".into(), json!({ "prevent_destroy": true }));
    }
    out.resource(
        "aws_s3_bucket",
        name,
        placed(with_tags(Value::Object(body), tags)),
    );
    if let Some(lock) = &bucket.object_lock {
        let retention = match lock.retain {
            Retention::Days(days) => json!({ "mode": lock.mode.aws(), "days": days }),
            Retention::Years(years) => json!({ "mode": lock.mode.aws(), "years": years }),
        };
        out.resource(
            "aws_s3_bucket_object_lock_configuration",
            name,
            // Object Lock is turned on by this resource (`object_lock_enabled` defaults to
            // `Enabled`), not by `object_lock_enabled` on `aws_s3_bucket`, which would replace
            // an existing bucket when the lock is added later.
            placed(json!({
                "bucket": id,
                "object_lock_enabled": "Enabled",
                "rule": { "default_retention": retention },
                "depends_on": [format!("aws_s3_bucket_versioning.{name}")],
            })),
        );
    }

    if bucket.versioned {
        out.resource(
            "aws_s3_bucket_versioning",
            name,
            placed(json!({ "bucket": id, "versioning_configuration": { "status": "Enabled" } })),
        );
    }
    let default = match bucket.encryption {
        Encryption::S3 => json!({ "sse_algorithm": "AES256" }),
        Encryption::Kms => json!({
            "sse_algorithm": "aws:kms",
            "kms_master_key_id": format!("${{aws_kms_key.{name}.arn}}"),
        }),
    };
    out.resource(
        "aws_s3_bucket_server_side_encryption_configuration",
        name,
        placed(json!({ "bucket": id, "rule": [{ "apply_server_side_encryption_by_default": default, "bucket_key_enabled": true }] })),
    );
    out.resource(
        "aws_s3_bucket_public_access_block",
        name,
        placed(json!({
            "bucket": id,
            "block_public_acls": true,
            "block_public_policy": true,
            "ignore_public_acls": true,
            "restrict_public_buckets": true,
        })),
    );
    out.resource(
        "aws_s3_bucket_ownership_controls",
        name,
        placed(json!({ "bucket": id, "rule": { "object_ownership": "BucketOwnerEnforced" } })),
    );

    let lifecycle = &bucket.lifecycle;
    let mut rules = vec![json!({
        "id": "AbortIncompleteUploads",
        "status": "Enabled",
        "filter": {},
        "abort_incomplete_multipart_upload": { "days_after_initiation": lifecycle.abort_incomplete_upload_days },
    })];
    for (index, rule) in lifecycle.rules.iter().enumerate() {
        rules.push(lifecycle_rule(index, rule));
    }
    let mut lifecycle_body = json!({ "bucket": id, "rule": rules });
    if bucket.versioned {
        lifecycle_body["depends_on"] = json!([format!("aws_s3_bucket_versioning.{name}")]);
    }
    out.resource(
        "aws_s3_bucket_lifecycle_configuration",
        name,
        placed(lifecycle_body),
    );

    if let Some(logs) = &bucket.access_logs {
        out.resource(
            "aws_s3_bucket_logging",
            name,
            placed(json!({
                "bucket": id,
                "target_bucket": format!("${{aws_s3_bucket.{}.id}}", logs.bucket),
                "target_prefix": literal(&logs.prefix),
            })),
        );
    }
    let policy = format!("bucket_{name}");
    let mut statements = vec![json!({
        "sid": "DenyInsecureTransport",
        "effect": "Deny",
        "actions": ["s3:*"],
        "resources": [arn, format!("{arn}/*")],
        "principals": [{ "type": "*", "identifiers": ["*"] }],
        "condition": [{ "test": "Bool", "variable": "aws:SecureTransport", "values": ["false"] }],
    })];
    for source in log_sources {
        let logs = source
            .access_logs
            .as_ref()
            .expect("filtered on access_logs");
        statements.push(json!({
            "sid": format!("AccessLogsFrom{}", crate::names::logical_stem(&source.name)),
            "effect": "Allow",
            "actions": ["s3:PutObject"],
            "resources": [format!("{arn}/{}*", literal(&logs.prefix))],
            "principals": [{ "type": "Service", "identifiers": ["logging.s3.amazonaws.com"] }],
            "condition": [
                { "test": "ArnLike", "variable": "aws:SourceArn", "values": [format!("${{aws_s3_bucket.{}.arn}}", source.name)] },
                { "test": "StringEquals", "variable": "aws:SourceAccount", "values": ["${data.aws_caller_identity.current.account_id}"] },
            ],
        }));
    }
    out.data(
        "aws_iam_policy_document",
        &policy,
        json!({ "statement": statements }),
    );
    out.resource(
        "aws_s3_bucket_policy",
        name,
        placed(json!({
            "bucket": id,
            "policy": format!("${{data.aws_iam_policy_document.{policy}.json}}"),
            "depends_on": [format!("aws_s3_bucket_public_access_block.{name}")],
        })),
    );

    if bucket.encryption == Encryption::Kms {
        add_key(
            out,
            name,
            &format!("Encrypts the objects of bucket {name} in stack {stack}"),
            bucket.retain,
            Vec::new(),
            tags,
            bucket.region.map(|r| r.code),
        );
    }
}

/// A customer managed key `aws_kms_key.<name>`, rotation on, with AWS's default key policy
/// (the account's IAM policies decide who uses it) and any `extra` statements; in `region`
/// when it is not the configuration's.
fn add_key(
    out: &mut Tf,
    name: &str,
    description: &str,
    retain: bool,
    extra: Vec<Value>,
    tags: &Tags,
    region: Option<&str>,
) {
    let key_policy = format!("key_{name}");
    let mut statements = vec![json!({
        "sid": "AccountAdministersKey",
        "effect": "Allow",
        "actions": ["kms:*"],
        "resources": ["*"],
        "principals": [{
            "type": "AWS",
            "identifiers": ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"],
        }],
    })];
    statements.extend(extra);
    out.data(
        "aws_iam_policy_document",
        &key_policy,
        json!({ "statement": statements }),
    );
    let mut key = json!({
        "description": literal(description),
        "enable_key_rotation": true,
        "deletion_window_in_days": 30,
        "policy": format!("${{data.aws_iam_policy_document.{key_policy}.json}}"),
    });
    if retain {
        key["lifecycle"] = json!({ "prevent_destroy": true });
    }
    if let Some(region) = region {
        key["region"] = json!(region);
    }
    out.resource("aws_kms_key", name, with_tags(key, tags));
}

fn add_queue(out: &mut Tf, queue: &Queue, stack: &str, tags: &Tags) {
    let name = queue.name.as_str();
    let mut body = Map::new();
    body.insert(
        "name".into(),
        json!(format!("${{var.stack_name}}-{}", literal(name))),
    );
    body.insert("message_retention_seconds".into(), json!(queue.retention_s));
    match queue.encryption {
        QueueEncryption::Sqs => {
            body.insert("sqs_managed_sse_enabled".into(), json!(true));
        }
        QueueEncryption::Kms => {
            body.insert(
                "kms_master_key_id".into(),
                json!(format!("${{aws_kms_key.{name}.arn}}")),
            );
            add_key(
                out,
                name,
                &format!("Encrypts the messages of queue {name} in stack {stack}"),
                false,
                Vec::new(),
                tags,
                None,
            );
        }
    }
    out.resource("aws_sqs_queue", name, with_tags(Value::Object(body), tags));
}

fn add_topic(out: &mut Tf, topic: &Topic, stack: &str, tags: &Tags) {
    let name = topic.name.as_str();
    // CloudWatch encrypts alarm notifications itself, so it needs the key; the AWS managed
    // aws/sns key's policy cannot grant it (see docs/security.md).
    add_key(
        out,
        name,
        &format!("Encrypts the messages of topic {name} in stack {stack}"),
        false,
        vec![json!({
            "sid": "CloudWatchAlarmsPublish",
            "effect": "Allow",
            "actions": ["kms:Decrypt", "kms:GenerateDataKey"],
            "resources": ["*"],
            "principals": [{ "type": "Service", "identifiers": ["cloudwatch.amazonaws.com"] }],
        })],
        tags,
        None,
    );
    out.resource(
        "aws_sns_topic",
        name,
        with_tags(
            json!({
                "name": format!("${{var.stack_name}}-{}", literal(name)),
                "kms_master_key_id": format!("${{aws_kms_key.{name}.arn}}"),
            }),
            tags,
        ),
    );
    if let Some(email) = &topic.email {
        out.resource(
            "aws_sns_topic_subscription",
            name,
            json!({
                "topic_arn": format!("${{aws_sns_topic.{name}.arn}}"),
                "protocol": "email",
                "endpoint": literal(email),
            }),
        );
    }
}

/// The ARN of a queue or topic receiving a function's failures.
fn destination_arn(destination: &Destination) -> String {
    let target = &destination.target;
    if destination.kind == Kind::Queue {
        format!("${{aws_sqs_queue.{target}.arn}}")
    } else {
        format!("${{aws_sns_topic.{target}.arn}}")
    }
}

/// The event invoke configuration (retries, event age, on-failure destination) and the
/// alarm on the function's errors.
fn add_failure_handling(out: &mut Tf, function: &Function, tags: &Tags) {
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
}

/// The role S3 assumes to replicate a bucket, its policy, and the replication configuration.
/// Resource names end in `-replication`: `.dr` names cannot contain `-`, so they never
/// collide with a function's role.
fn add_replication(
    out: &mut Tf,
    bucket: &Bucket,
    program: &Program,
    statements: &[Statement],
    provenance: &str,
    tags: &Tags,
) {
    let Some(replication) = &bucket.replicate_to else {
        return;
    };
    let name = bucket.name.as_str();
    let role = format!("{name}-replication");
    let policy = format!("replication_{name}");
    let statements: Vec<Value> = statements.iter().map(statement).collect();
    out.data(
        "aws_iam_policy_document",
        &policy,
        json!({ "//": provenance, "statement": statements }),
    );
    out.resource(
        "aws_iam_role",
        &role,
        with_tags(
            json!({
                "description": literal(&format!("Role S3 assumes to replicate bucket {name}, inferred by drc")),
                "assume_role_policy": "${data.aws_iam_policy_document.assume_s3.json}",
            }),
            tags,
        ),
    );
    out.resource(
        "aws_iam_role_policy",
        &role,
        json!({
            "name": literal(&format!("{name}-replication")),
            "role": format!("${{aws_iam_role.{role}.id}}"),
            "policy": format!("${{data.aws_iam_policy_document.{policy}.json}}"),
        }),
    );
    let replica = replication.replica.as_str();
    let mut depends_on = vec![
        format!("aws_s3_bucket_versioning.{name}"),
        format!("aws_s3_bucket_versioning.{replica}"),
        format!("aws_iam_role_policy.{role}"),
    ];
    // A locked source replicates only to a locked replica: the replica's lock is turned on
    // by its own resource, so replication waits for it (and for the source's).
    for locked in [name, replica] {
        if program.bucket(locked).object_lock.is_some() {
            depends_on.push(format!("aws_s3_bucket_object_lock_configuration.{locked}"));
        }
    }
    let mut replication_rule = json!({
        "id": "ReplicateToReplica",
        "status": "Enabled",
        "priority": 1,
        "filter": {},
        "delete_marker_replication": { "status": "Disabled" },
        "destination": { "bucket": format!("${{aws_s3_bucket.{replica}.arn}}") },
    });
    // SSE-KMS objects are replicated only when asked, and encrypted with the replica's key
    // (the checker makes both sides use a key or neither).
    if bucket.encryption == Encryption::Kms {
        replication_rule["source_selection_criteria"] =
            json!({ "sse_kms_encrypted_objects": { "status": "Enabled" } });
        replication_rule["destination"]["encryption_configuration"] =
            json!({ "replica_kms_key_id": format!("${{aws_kms_key.{replica}.arn}}") });
    }
    out.resource(
        "aws_s3_bucket_replication_configuration",
        name,
        json!({
            "bucket": format!("${{aws_s3_bucket.{name}.id}}"),
            "role": format!("${{aws_iam_role.{role}.arn}}"),
            "rule": [replication_rule],
            "depends_on": depends_on,
        }),
    );
}

fn add_function(
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
    // Statements too large for one inline policy go into managed policies attached to the
    // role (see `emit::policy`); the function waits for the attachments.
    let depends_on: Vec<String> = match layout {
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
                // `<function>_<n>`: the function name is everything before the last `_`,
                // so two functions' parts never share a name.
                let part_name = format!("{name}_{}", index + 1);
                let document = format!("managed_{part_name}");
                let statements: Vec<Value> =
                    statements[part.clone()].iter().map(statement).collect();
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
                            "Permissions of function {name} ({} of {}), inferred by drc",
                            index + 1,
                            parts.len()
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
            })
            .collect(),
    };

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
        let variables: Map<String, Value> = function
            .env
            .iter()
            .map(|(key, value)| {
                let value = match value {
                    EnvValue::Literal(value) => text(value),
                    EnvValue::Ref(r) => match (r.kind, r.attribute) {
                        (Kind::Bucket, Attribute::Name) => {
                            format!("${{aws_s3_bucket.{}.id}}", r.item)
                        }
                        (Kind::Bucket, Attribute::Arn) => {
                            format!("${{aws_s3_bucket.{}.arn}}", r.item)
                        }
                        (_, Attribute::Name) => {
                            format!("${{aws_lambda_function.{}.function_name}}", r.item)
                        }
                        (_, Attribute::Arn) => format!("${{aws_lambda_function.{}.arn}}", r.item),
                    },
                };
                (key.clone(), json!(value))
            })
            .collect();
        body.insert("environment".into(), json!({ "variables": variables }));
    }
    body.insert(
        "logging_config".into(),
        json!({ "log_format": "Text", "log_group": format!("${{aws_cloudwatch_log_group.{name}.name}}") }),
    );
    body.insert("depends_on".into(), json!(depends_on));
    out.resource(
        "aws_lambda_function",
        name,
        with_tags(Value::Object(body), tags),
    );
    add_failure_handling(out, function, tags);
}

/// An `aws_iam_role` named after its `.dr` item, its trust policy (a policy document data
/// source) and one inline policy with `statements`.
fn add_role(
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
fn add_trust(out: &mut Tf, name: &str, service: &str, own_account_only: bool) {
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

/// An EventBridge Scheduler schedule and the role it assumes to invoke its function.
/// Schedules are not taggable; their role carries the tags.
fn add_schedule(
    out: &mut Tf,
    schedule: &Schedule,
    statements: &[Statement],
    provenance: &str,
    tags: &Tags,
) {
    let name = schedule.name.as_str();
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
    body.insert("target".into(), Value::Object(target));
    out.resource("aws_scheduler_schedule", name, Value::Object(body));
}

fn outputs(stack: &Stack<'_>) -> Map<String, Value> {
    let mut outputs = Map::new();
    for bucket in stack.program.created_buckets() {
        let name = &bucket.name;
        outputs.insert(
            format!("{name}_bucket_name"),
            json!({ "description": literal(&format!("Name of bucket {name}")), "value": format!("${{aws_s3_bucket.{name}.id}}") }),
        );
    }
    for function in stack.program.functions() {
        let name = &function.name;
        outputs.insert(
            format!("{name}_function_arn"),
            json!({ "description": literal(&format!("ARN of function {name}")), "value": format!("${{aws_lambda_function.{name}.arn}}") }),
        );
    }
    // User outputs keep their `.dr` name; the checker refuses names the ones above take.
    // Terraform has no exports: `export` only applies to CloudFormation.
    for output in stack.program.outputs() {
        let mut body = Map::new();
        if let Some(description) = &output.description {
            body.insert("description".into(), json!(literal(description)));
        }
        body.insert("value".into(), json!(reference_value(&output.value)));
        outputs.insert(output.name.clone(), Value::Object(body));
    }
    outputs
}

/// A `"//"` comment for a role's policy document: why each action is there, as
/// `Sid action <- input.dr:12:3 put backups "daily/"` items separated by `; `. Terraform
/// ignores `"//"` properties in block bodies.
fn provenance(role: &RoleExplanation) -> String {
    let mut items = Vec::new();
    for (sid, actions) in role.provenance() {
        for (action, causes) in actions {
            for cause in causes {
                items.push(format!("{sid} {action} <- {cause}"));
            }
        }
    }
    literal(&format!("Why each action is granted: {}", items.join("; ")))
}

/// The expression of `item.name` or `item.arn`.
fn reference_value(r: &Reference) -> String {
    match (r.kind, r.attribute) {
        (Kind::Bucket, Attribute::Name) => format!("${{aws_s3_bucket.{}.id}}", r.item),
        (Kind::Bucket, Attribute::Arn) => format!("${{aws_s3_bucket.{}.arn}}", r.item),
        (_, Attribute::Name) => format!("${{aws_lambda_function.{}.function_name}}", r.item),
        (_, Attribute::Arn) => format!("${{aws_lambda_function.{}.arn}}", r.item),
    }
}

fn statement(statement: &Statement) -> Value {
    let mut m = Map::new();
    m.insert("sid".into(), json!(statement.sid));
    m.insert("effect".into(), json!("Allow"));
    m.insert(
        "actions".into(),
        Value::Array(statement.actions.iter().map(|a| json!(a.name)).collect()),
    );
    m.insert("resources".into(), json!([resource(&statement.resource)]));
    if let Some(condition) = &statement.condition {
        let values: Vec<String> = condition
            .values
            .iter()
            .map(|v| literal(v).replace(iam::REGION, "${data.aws_region.current.region}"))
            .collect();
        m.insert(
            "condition".into(),
            json!([{ "test": condition.operator, "variable": condition.key, "values": values }]),
        );
    }
    Value::Object(m)
}

fn resource(resource: &Resource) -> String {
    match resource {
        Resource::Bucket(b) => format!("${{aws_s3_bucket.{b}.arn}}"),
        Resource::Objects { bucket, prefix } => {
            format!("${{aws_s3_bucket.{bucket}.arn}}/{}*", literal(prefix))
        }
        Resource::BucketKey(b) => format!("${{aws_kms_key.{b}.arn}}"),
        Resource::LogStreams(f) => format!("${{aws_cloudwatch_log_group.{f}.arn}}:log-stream:*"),
        Resource::Function(f) => format!("${{aws_lambda_function.{f}.arn}}"),
        Resource::ExistingFunction { arn, .. } => literal(arn)
            .replace(iam::PARTITION, "${data.aws_partition.current.partition}")
            .replace(iam::REGION, "${data.aws_region.current.region}")
            .replace(
                iam::ACCOUNT,
                "${data.aws_caller_identity.current.account_id}",
            ),
        Resource::Queue(q) => format!("${{aws_sqs_queue.{q}.arn}}"),
        Resource::QueueKey(q) => format!("${{aws_kms_key.{q}.arn}}"),
        Resource::Topic(t) => format!("${{aws_sns_topic.{t}.arn}}"),
        Resource::TopicKey(t) => format!("${{aws_kms_key.{t}.arn}}"),
        Resource::ExistingBucket { arn, .. } | Resource::ExistingKey { arn, .. } => literal(arn),
        Resource::ExistingObjects { arn, prefix, .. } => literal(&format!("{arn}/{prefix}*")),
    }
}

/// A `param` as a variable: its type, default and description, and a `validation` block
/// when it has allowed values.
fn variable(param: &Param) -> Value {
    let mut body = Map::new();
    body.insert("type".into(), json!(param.kind.keyword()));
    if let Some(default) = &param.default {
        body.insert("default".into(), param_value(default));
    }
    if let Some(description) = &param.description {
        body.insert("description".into(), json!(literal(description)));
    }
    if !param.allowed.is_empty() {
        let values: Vec<String> = param
            .allowed
            .iter()
            .map(|value| match value {
                ParamValue::String(text) => hcl_string(text),
                ParamValue::Number(number) => number.to_string(),
            })
            .collect();
        let shown: Vec<String> = param.allowed.iter().map(ParamValue::text).collect();
        body.insert(
            "validation".into(),
            json!([{
                "condition": format!("${{contains([{}], var.{})}}", values.join(", "), param.name),
                "error_message": literal(&format!("The {} must be one of: {}.", param.name, shown.join(", "))),
            }]),
        );
    }
    Value::Object(body)
}

/// A parameter's default value.
fn param_value(value: &ParamValue) -> Value {
    match value {
        ParamValue::String(text) => json!(text),
        ParamValue::Number(number) => json!(number),
    }
}

/// A string inside a Terraform expression: quoted, with HCL's escapes and `${`/`%{` escaped.
fn hcl_string(text: &str) -> String {
    let escaped = literal(text)
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
        .replace('\t', "\\t");
    format!("\"{escaped}\"")
}

/// User text: literal parts through [`literal`], each parameter as `${var.<name>}`.
fn text(text: &Text) -> String {
    text.parts
        .iter()
        .map(|part| match part {
            TextPart::Literal(text) => literal(text),
            TextPart::Param(name) => format!("${{var.{name}}}"),
        })
        .collect()
}

/// User text as a Terraform string literal: `${` and `%{` are escaped as `$${` and `%%{`.
pub fn literal(text: &str) -> String {
    text.replace("${", "$${").replace("%{", "%%{")
}

#[cfg(test)]
mod tests {
    use super::literal;

    #[test]
    fn escapes_interpolation_and_directives() {
        assert_eq!(literal("a ${var.x} b"), "a $${var.x} b");
        assert_eq!(literal("%{ if true }"), "%%{ if true }");
        assert_eq!(literal("$ and % and {}"), "$ and % and {}");
        assert_eq!(literal("$${"), "$$${");
    }
}
