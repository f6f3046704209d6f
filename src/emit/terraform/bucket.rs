//! A bucket's resources: the bucket and its split configuration resources (versioning,
//! encryption, public access block, ownership, lifecycle, Object Lock, logging, policy), its
//! KMS key, and its replication with its role.

use super::policy::statement;
use super::values::{Tf, literal, text, with_tags};
use crate::check::model::{
    Bucket, Encryption, LifecycleRule, ObjectLock, Program, Retention, Tags,
};
use crate::iam::Statement;
use serde_json::{Map, Value, json};

/// One `lifecycle` block as an S3 lifecycle rule.
pub(super) fn lifecycle_rule(index: usize, rule: &LifecycleRule) -> Value {
    let filter = rule
        .prefix
        .as_ref()
        .map_or_else(|| json!({}), |prefix| json!({ "prefix": literal(prefix) }));
    let mut out = json!({
        "id": crate::emit::lifecycle_rule_id(index, rule),
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

/// A bucket's resources: the bucket, its configuration resources, its policy and, under KMS,
/// its key.
pub(super) fn add_bucket(
    out: &mut Tf,
    bucket: &Bucket,
    log_sources: &[&Bucket],
    stack: &str,
    tags: &Tags,
) {
    let name = bucket.name.as_str();
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
        placed(bucket, with_tags(Value::Object(body), tags)),
    );
    if let Some(lock) = &bucket.object_lock {
        add_object_lock(out, bucket, lock);
    }
    add_protections(out, bucket);
    add_lifecycle(out, bucket);
    if let Some(logs) = &bucket.access_logs {
        out.resource(
            "aws_s3_bucket_logging",
            name,
            placed(
                bucket,
                json!({
                    "bucket": bucket_id(name),
                    "target_bucket": format!("${{aws_s3_bucket.{}.id}}", logs.bucket),
                    "target_prefix": literal(&logs.prefix),
                }),
            ),
        );
    }
    add_bucket_policy(out, bucket, log_sources);
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

/// A bucket in another region: every resource of it says where (the AWS provider's
/// resource-level `region`, provider 6.0 and later).
fn placed(bucket: &Bucket, mut body: Value) -> Value {
    if let (Some(region), Value::Object(m)) = (bucket.region, &mut body) {
        m.insert("region".into(), json!(region.code));
    }
    body
}

/// The interpolation of the bucket `name`'s id.
fn bucket_id(name: &str) -> String {
    format!("${{aws_s3_bucket.{name}.id}}")
}

/// The `object lock` block as an Object Lock configuration with a default retention.
fn add_object_lock(out: &mut Tf, bucket: &Bucket, lock: &ObjectLock) {
    let name = bucket.name.as_str();
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
        placed(
            bucket,
            json!({
                "bucket": bucket_id(name),
                "object_lock_enabled": "Enabled",
                "rule": { "default_retention": retention },
                "depends_on": [format!("aws_s3_bucket_versioning.{name}")],
            }),
        ),
    );
}

/// Versioning when asked, then default encryption, the public access block and object
/// ownership, which every bucket has.
fn add_protections(out: &mut Tf, bucket: &Bucket) {
    let name = bucket.name.as_str();
    let id = bucket_id(name);
    if bucket.versioned {
        out.resource(
            "aws_s3_bucket_versioning",
            name,
            placed(
                bucket,
                json!({ "bucket": id, "versioning_configuration": { "status": "Enabled" } }),
            ),
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
        placed(bucket, json!({ "bucket": id, "rule": [{ "apply_server_side_encryption_by_default": default, "bucket_key_enabled": true }] })),
    );
    out.resource(
        "aws_s3_bucket_public_access_block",
        name,
        placed(
            bucket,
            json!({
                "bucket": id,
                "block_public_acls": true,
                "block_public_policy": true,
                "ignore_public_acls": true,
                "restrict_public_buckets": true,
            }),
        ),
    );
    out.resource(
        "aws_s3_bucket_ownership_controls",
        name,
        placed(
            bucket,
            json!({ "bucket": id, "rule": { "object_ownership": "BucketOwnerEnforced" } }),
        ),
    );
}

/// The lifecycle configuration: aborting incomplete uploads first, then each `lifecycle` rule.
fn add_lifecycle(out: &mut Tf, bucket: &Bucket) {
    let name = bucket.name.as_str();
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
    let mut lifecycle_body = json!({ "bucket": bucket_id(name), "rule": rules });
    if bucket.versioned {
        lifecycle_body["depends_on"] = json!([format!("aws_s3_bucket_versioning.{name}")]);
    }
    out.resource(
        "aws_s3_bucket_lifecycle_configuration",
        name,
        placed(bucket, lifecycle_body),
    );
}

/// The bucket policy: deny anything without TLS; on a KMS bucket, deny writes under another
/// encryption or key ([`crate::emit::policy::OTHER_ENCRYPTION`]); then let S3 server access
/// logging deliver from each of `log_sources`.
fn add_bucket_policy(out: &mut Tf, bucket: &Bucket, log_sources: &[&Bucket]) {
    let name = bucket.name.as_str();
    let arn = format!("${{aws_s3_bucket.{name}.arn}}");
    let policy = format!("bucket_{name}");
    let mut statements = vec![json!({
        "sid": "DenyInsecureTransport",
        "effect": "Deny",
        "actions": ["s3:*"],
        "resources": [arn, format!("{arn}/*")],
        "principals": [{ "type": "*", "identifiers": ["*"] }],
        "condition": [{ "test": "Bool", "variable": "aws:SecureTransport", "values": ["false"] }],
    })];
    if bucket.encryption == Encryption::Kms {
        for (sid, variable) in crate::emit::policy::OTHER_ENCRYPTION {
            let value = if variable.ends_with("key-id") {
                format!("${{aws_kms_key.{name}.arn}}")
            } else {
                "aws:kms".to_owned()
            };
            statements.push(json!({
                "sid": sid,
                "effect": "Deny",
                "actions": ["s3:PutObject"],
                "resources": [format!("{arn}/*")],
                "principals": [{ "type": "*", "identifiers": ["*"] }],
                "condition": [{ "test": crate::emit::deny_operator(variable), "variable": variable, "values": [value] }],
            }));
        }
    }
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
        placed(
            bucket,
            json!({
                "bucket": bucket_id(name),
                "policy": format!("${{data.aws_iam_policy_document.{policy}.json}}"),
                "depends_on": [format!("aws_s3_bucket_public_access_block.{name}")],
            }),
        ),
    );
}

/// A customer managed key `aws_kms_key.<name>`, rotation on, with AWS's default key policy
/// (the account's IAM policies decide who uses it) and any `extra` statements; in `region`
/// when it is not the configuration's.
pub(super) fn add_key(
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

/// One destination's rule: the V2 schema (`filter`, `delete_marker_replication`) with its own
/// `priority`, as S3 requires of a configuration with several rules
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-add-config.html>).
fn replication_rule(
    program: &Program,
    bucket: &Bucket,
    index: usize,
    replication: &crate::check::model::Replication,
) -> Value {
    let replica = replication.replica.as_str();
    let existing = program.bucket(replica).existing.as_ref();
    let destination = match existing {
        Some(existing) => literal(&existing.arn),
        None => format!("${{aws_s3_bucket.{replica}.arn}}"),
    };
    let mut rule = json!({
        "id": crate::emit::replication_rule_id(index),
        "status": "Enabled",
        "priority": index + 1,
        "filter": {},
        "delete_marker_replication": { "status": "Disabled" },
        "destination": { "bucket": destination },
    });
    // A replica in another account: its account owns each replica.
    if let Some(account) = crate::emit::other_account_replica(program, replication) {
        rule["destination"]["account"] = json!(literal(account));
        rule["destination"]["access_control_translation"] = json!({ "owner": "Destination" });
    }
    // SSE-KMS objects are replicated only when asked, and encrypted with the replica's key
    // (the checker makes both sides use a key or neither).
    if bucket.encryption == Encryption::Kms {
        rule["source_selection_criteria"] =
            json!({ "sse_kms_encrypted_objects": { "status": "Enabled" } });
        let key = match existing.and_then(|e| e.key.as_ref()) {
            Some(arn) => literal(arn),
            None => format!("${{aws_kms_key.{replica}.arn}}"),
        };
        rule["destination"]["encryption_configuration"] = json!({ "replica_kms_key_id": key });
    }
    rule
}

/// The role S3 assumes to replicate a bucket, its policy, and the replication configuration.
/// Resource names end in `-replication`: `.dr` names cannot contain `-`, so they never
/// collide with a function's role.
pub(super) fn add_replication(
    out: &mut Tf,
    bucket: &Bucket,
    program: &Program,
    statements: &[Statement],
    provenance: &str,
    tags: &Tags,
) {
    if bucket.replicate_to.is_empty() {
        return;
    }
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
    // Replication waits for the versioning of the source and of each replica of the stack,
    // and, as a locked source replicates only to a locked replica, for their locks.
    let ours: Vec<&str> = std::iter::once(name)
        .chain(bucket.replicate_to.iter().map(|r| r.replica.as_str()))
        .filter(|b| program.bucket(b).existing.is_none())
        .collect();
    let mut depends_on: Vec<String> = ours
        .iter()
        .map(|b| format!("aws_s3_bucket_versioning.{b}"))
        .collect();
    depends_on.push(format!("aws_iam_role_policy.{role}"));
    for locked in ours {
        if program.bucket(locked).object_lock.is_some() {
            depends_on.push(format!("aws_s3_bucket_object_lock_configuration.{locked}"));
        }
    }
    let rules: Vec<Value> = bucket
        .replicate_to
        .iter()
        .enumerate()
        .map(|(index, replication)| replication_rule(program, bucket, index, replication))
        .collect();
    out.resource(
        "aws_s3_bucket_replication_configuration",
        name,
        json!({
            "bucket": format!("${{aws_s3_bucket.{name}.id}}"),
            "role": format!("${{aws_iam_role.{role}.arn}}"),
            "rule": rules,
            "depends_on": depends_on,
        }),
    );
}
