//! Terraform JSON (`.tf.json`) for the AWS provider (v6).
//!
//! Buckets use the provider's split resources (versioning, encryption, public access block,
//! ownership controls, lifecycle, policy each in its own resource). Policies are
//! `aws_iam_policy_document` data sources. Every piece of user text that lands in a string
//! goes through [`literal`], which escapes `${` and `%{` so it can never become Terraform
//! interpolation or a template directive.

use super::{Archive, Stack};
use crate::check::model::{
    Attribute, Bucket, Encryption, EnvValue, Function, Kind, LifecycleRule, Retention, Schedule,
};
use crate::iam::{self, Resource, Statement};
use crate::names::physical_prefix;
use serde_json::{Map, Value, json};

/// Renders the stack as a Terraform JSON configuration.
pub fn emit(stack: &Stack<'_>) -> String {
    let program = stack.program;
    let mut out = Tf::default();
    let uses_kms = program.buckets.iter().any(|b| {
        b.encryption == Encryption::Kms || b.existing.as_ref().is_some_and(|e| e.key.is_some())
    });

    out.data("aws_caller_identity", "current", json!({}));
    if uses_kms {
        out.data("aws_partition", "current", json!({}));
        out.data("aws_region", "current", json!({}));
    }
    for bucket in program.created_buckets() {
        let log_sources: Vec<&Bucket> = program
            .buckets
            .iter()
            .filter(|b| {
                b.access_logs
                    .as_ref()
                    .is_some_and(|l| l.bucket == bucket.name)
            })
            .collect();
        add_bucket(&mut out, bucket, &log_sources, &program.stack.name);
    }
    if program.buckets.iter().any(|b| b.replicate_to.is_some()) {
        out.data(
            "aws_iam_policy_document",
            "assume_s3",
            json!({ "statement": [{
                "effect": "Allow",
                "actions": ["sts:AssumeRole"],
                "principals": [{ "type": "Service", "identifiers": ["s3.amazonaws.com"] }]
            }]}),
        );
    }
    for bucket in &program.buckets {
        if let Some(role) = stack.policies.replication_role(&bucket.name) {
            add_replication(&mut out, bucket, &role.statements);
        }
    }
    if !program.functions.is_empty() {
        out.data(
            "aws_iam_policy_document",
            "assume_lambda",
            json!({ "statement": [{
                "effect": "Allow",
                "actions": ["sts:AssumeRole"],
                "principals": [{ "type": "Service", "identifiers": ["lambda.amazonaws.com"] }]
            }]}),
        );
    }
    for (function, archive) in program.functions.iter().zip(&stack.archives) {
        let role = stack.policies.function_role(&function.name);
        add_function(&mut out, function, &role.statements, archive);
    }
    for schedule in &program.schedules {
        add_schedule(&mut out, schedule);
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
    root.insert(
        "variable".into(),
        json!({ "stack_name": {
            "type": "string",
            "description": "Prefix of the physical names drc sets (Lambda function names, log groups)",
            "default": literal(&physical_prefix(&program.stack.name)),
        }}),
    );
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

fn add_bucket(out: &mut Tf, bucket: &Bucket, log_sources: &[&Bucket], stack: &str) {
    let name = bucket.name.as_str();
    let id = format!("${{aws_s3_bucket.{name}.id}}");
    let arn = format!("${{aws_s3_bucket.{name}.arn}}");

    let mut body = Map::new();
    if let Some(explicit) = &bucket.bucket_name {
        body.insert("bucket".into(), json!(literal(explicit)));
    }
    body.insert("force_destroy".into(), json!(false));
    if bucket.retain {
        body.insert("lifecycle".into(), json!({ "prevent_destroy": true }));
    }
    out.resource("aws_s3_bucket", name, Value::Object(body));
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
            json!({
                "bucket": id,
                "object_lock_enabled": "Enabled",
                "rule": { "default_retention": retention },
                "depends_on": [format!("aws_s3_bucket_versioning.{name}")],
            }),
        );
    }

    if bucket.versioned {
        out.resource(
            "aws_s3_bucket_versioning",
            name,
            json!({ "bucket": id, "versioning_configuration": { "status": "Enabled" } }),
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
        json!({ "bucket": id, "rule": [{ "apply_server_side_encryption_by_default": default, "bucket_key_enabled": true }] }),
    );
    out.resource(
        "aws_s3_bucket_public_access_block",
        name,
        json!({
            "bucket": id,
            "block_public_acls": true,
            "block_public_policy": true,
            "ignore_public_acls": true,
            "restrict_public_buckets": true,
        }),
    );
    out.resource(
        "aws_s3_bucket_ownership_controls",
        name,
        json!({ "bucket": id, "rule": { "object_ownership": "BucketOwnerEnforced" } }),
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
        lifecycle_body,
    );

    if let Some(logs) = &bucket.access_logs {
        out.resource(
            "aws_s3_bucket_logging",
            name,
            json!({
                "bucket": id,
                "target_bucket": format!("${{aws_s3_bucket.{}.id}}", logs.bucket),
                "target_prefix": literal(&logs.prefix),
            }),
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
        json!({
            "bucket": id,
            "policy": format!("${{data.aws_iam_policy_document.{policy}.json}}"),
            "depends_on": [format!("aws_s3_bucket_public_access_block.{name}")],
        }),
    );

    if bucket.encryption == Encryption::Kms {
        let key_policy = format!("key_{name}");
        out.data(
            "aws_iam_policy_document",
            &key_policy,
            json!({ "statement": [{
                "sid": "AccountAdministersKey",
                "effect": "Allow",
                "actions": ["kms:*"],
                "resources": ["*"],
                "principals": [{
                    "type": "AWS",
                    "identifiers": ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"],
                }],
            }]}),
        );
        let mut key = json!({
            "description": literal(&format!("Encrypts the objects of bucket {name} in stack {stack}")),
            "enable_key_rotation": true,
            "deletion_window_in_days": 30,
            "policy": format!("${{data.aws_iam_policy_document.{key_policy}.json}}"),
        });
        if bucket.retain {
            key["lifecycle"] = json!({ "prevent_destroy": true });
        }
        out.resource("aws_kms_key", name, key);
    }
}

/// The role S3 assumes to replicate a bucket, its policy, and the replication configuration.
/// Resource names end in `-replication`: `.dr` names cannot contain `-`, so they never
/// collide with a function's role.
fn add_replication(out: &mut Tf, bucket: &Bucket, statements: &[Statement]) {
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
        json!({ "statement": statements }),
    );
    out.resource(
        "aws_iam_role",
        &role,
        json!({
            "description": literal(&format!("Role S3 assumes to replicate bucket {name}, inferred by drc")),
            "assume_role_policy": "${data.aws_iam_policy_document.assume_s3.json}",
        }),
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
    out.resource(
        "aws_s3_bucket_replication_configuration",
        name,
        json!({
            "bucket": format!("${{aws_s3_bucket.{name}.id}}"),
            "role": format!("${{aws_iam_role.{role}.arn}}"),
            "rule": [{
                "id": "ReplicateToReplica",
                "status": "Enabled",
                "priority": 1,
                "filter": {},
                "delete_marker_replication": { "status": "Disabled" },
                "destination": { "bucket": format!("${{aws_s3_bucket.{replica}.arn}}") },
            }],
            "depends_on": [
                format!("aws_s3_bucket_versioning.{name}"),
                format!("aws_s3_bucket_versioning.{replica}"),
                format!("aws_iam_role_policy.{role}"),
            ],
        }),
    );
}

fn add_function(out: &mut Tf, function: &Function, statements: &[Statement], archive: &Archive) {
    let name = function.name.as_str();
    let physical = format!("${{var.stack_name}}-{}", literal(name));
    out.resource(
        "aws_cloudwatch_log_group",
        name,
        json!({
            "name": format!("/aws/lambda/{physical}"),
            "retention_in_days": function.log_retention_days,
        }),
    );

    let policy = format!("role_{name}");
    let statements: Vec<Value> = statements.iter().map(statement).collect();
    out.data(
        "aws_iam_policy_document",
        &policy,
        json!({ "statement": statements }),
    );
    out.resource(
        "aws_iam_role",
        name,
        json!({
            "description": literal(&format!("Role of function {name}, inferred by drc")),
            "assume_role_policy": "${data.aws_iam_policy_document.assume_lambda.json}",
        }),
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

    let mut body = Map::new();
    body.insert("function_name".into(), json!(physical));
    if let Some(description) = &function.description {
        body.insert("description".into(), json!(literal(description)));
    }
    body.insert(
        "role".into(),
        json!(format!("${{aws_iam_role.{name}.arn}}")),
    );
    body.insert("runtime".into(), json!(function.runtime.id));
    body.insert("handler".into(), json!(literal(&function.handler)));
    body.insert("memory_size".into(), json!(function.memory_mb));
    body.insert("timeout".into(), json!(function.timeout_s));
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
                    EnvValue::Literal(text) => literal(text),
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
    body.insert(
        "depends_on".into(),
        json!([format!("aws_iam_role_policy.{name}")]),
    );
    out.resource("aws_lambda_function", name, Value::Object(body));
}

fn add_schedule(out: &mut Tf, schedule: &Schedule) {
    let name = schedule.name.as_str();
    let function = schedule.target.as_str();
    let mut rule = Map::new();
    if let Some(description) = &schedule.description {
        rule.insert("description".into(), json!(literal(description)));
    }
    rule.insert(
        "schedule_expression".into(),
        json!(schedule.expression.to_aws()),
    );
    rule.insert(
        "state".into(),
        json!(if schedule.enabled {
            "ENABLED"
        } else {
            "DISABLED"
        }),
    );
    out.resource("aws_cloudwatch_event_rule", name, Value::Object(rule));
    out.resource(
        "aws_cloudwatch_event_target",
        name,
        json!({
            "rule": format!("${{aws_cloudwatch_event_rule.{name}.name}}"),
            "target_id": function,
            "arn": format!("${{aws_lambda_function.{function}.arn}}"),
        }),
    );
    out.resource(
        "aws_lambda_permission",
        name,
        json!({
            // Unique per function: one function can have several schedules.
            "statement_id": format!("AllowSchedule_{name}"),
            "action": "lambda:InvokeFunction",
            "function_name": format!("${{aws_lambda_function.{function}.function_name}}"),
            "principal": "events.amazonaws.com",
            "source_arn": format!("${{aws_cloudwatch_event_rule.{name}.arn}}"),
            "source_account": "${data.aws_caller_identity.current.account_id}",
        }),
    );
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
    for function in &stack.program.functions {
        let name = &function.name;
        outputs.insert(
            format!("{name}_function_arn"),
            json!({ "description": literal(&format!("ARN of function {name}")), "value": format!("${{aws_lambda_function.{name}.arn}}") }),
        );
    }
    outputs
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
        Resource::ExistingBucket { arn, .. } | Resource::ExistingKey { arn, .. } => literal(arn),
        Resource::ExistingObjects { arn, prefix, .. } => literal(&format!("{arn}/{prefix}*")),
    }
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
