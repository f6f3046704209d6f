//! A bucket's resources: the bucket with its encryption, versioning, lifecycle, Object Lock,
//! replication and logging; its TLS-only policy; its KMS key; and its replication role.

use super::names::{bucket_arn, bucket_key_arn};
use super::policy::policy_document;
use super::values::{escape_sub, get_att, map, n, reference, s, sub, text, with_tags};
use crate::check::model::{
    Bucket, Encryption, Lifecycle, LifecycleRule, ObjectLock, Program, Replication, Retention,
    Tags, Transition,
};
use crate::emit::LogicalIds as Id;
use crate::emit::deny_operator;
use crate::emit::policy::OTHER_ENCRYPTION;
use serde_norway::{Mapping, Value};

/// One `lifecycle` block as an S3 lifecycle rule.
pub(super) fn lifecycle_rule(index: usize, rule: &LifecycleRule) -> Value {
    let transitions = |list: &[Transition]| {
        Value::Sequence(
            list.iter()
                .map(|t| {
                    map([
                        ("StorageClass", s(t.class.aws)),
                        ("TransitionInDays", n(t.days)),
                    ])
                })
                .collect(),
        )
    };
    let mut out = Mapping::new();
    out.insert(s("Id"), s(&crate::emit::lifecycle_rule_id(index, rule)));
    out.insert(s("Status"), s("Enabled"));
    if let Some(prefix) = &rule.prefix {
        out.insert(s("Prefix"), s(prefix));
    }
    if !rule.transitions.is_empty() {
        out.insert(s("Transitions"), transitions(&rule.transitions));
    }
    if let Some(days) = rule.expire_days {
        out.insert(s("ExpirationInDays"), n(days));
    }
    if !rule.noncurrent_transitions.is_empty() {
        out.insert(
            s("NoncurrentVersionTransitions"),
            transitions(&rule.noncurrent_transitions),
        );
    }
    if let Some(days) = rule.noncurrent_expire_days {
        out.insert(
            s("NoncurrentVersionExpiration"),
            map([("NoncurrentDays", n(days))]),
        );
    }
    Value::Mapping(out)
}

/// A bucket's resources: the bucket, its TLS-only policy and, under KMS, its key.
pub(super) fn add_bucket(
    resources: &mut Mapping,
    program: &Program,
    bucket: &Bucket,
    log_sources: &[&Bucket],
    stack: &str,
    tags: &Tags,
) {
    let policy = if bucket.retain { "Retain" } else { "Delete" };
    let id = Id::bucket(&bucket.name);
    resources.insert(
        s(&id),
        map([
            ("Type", s("AWS::S3::Bucket")),
            ("DeletionPolicy", s(policy)),
            ("UpdateReplacePolicy", s(policy)),
            (
                "Properties",
                with_tags(Value::Mapping(bucket_properties(program, bucket)), tags),
            ),
        ]),
    );
    resources.insert(
        s(&Id::bucket_policy(&bucket.name)),
        map([
            ("Type", s("AWS::S3::BucketPolicy")),
            // A retained bucket keeps its TLS-only policy when the stack goes.
            ("DeletionPolicy", s(policy)),
            ("UpdateReplacePolicy", s(policy)),
            (
                "Properties",
                map([
                    ("Bucket", reference(&id)),
                    (
                        "PolicyDocument",
                        policy_document(bucket_statements(bucket, &id, log_sources)),
                    ),
                ]),
            ),
        ]),
    );
    if bucket.encryption == Encryption::Kms {
        resources.insert(
            s(&Id::bucket_key(&bucket.name)),
            key(
                &format!(
                    "Encrypts the objects of bucket {} in stack {stack}",
                    bucket.name
                ),
                policy,
                Vec::new(),
                tags,
            ),
        );
    }
}

/// The `AWS::S3::Bucket` properties: name, encryption, public access, ownership, versioning,
/// Object Lock, lifecycle, logging and replication, in that order.
fn bucket_properties(program: &Program, bucket: &Bucket) -> Mapping {
    let mut properties = Mapping::new();
    if let Some(name) = &bucket.bucket_name {
        properties.insert(s("BucketName"), text(name));
    }
    properties.insert(s("BucketEncryption"), encryption(bucket));
    properties.insert(
        s("PublicAccessBlockConfiguration"),
        map([
            ("BlockPublicAcls", Value::Bool(true)),
            ("BlockPublicPolicy", Value::Bool(true)),
            ("IgnorePublicAcls", Value::Bool(true)),
            ("RestrictPublicBuckets", Value::Bool(true)),
        ]),
    );
    properties.insert(
        s("OwnershipControls"),
        map([(
            "Rules",
            Value::Sequence(vec![map([("ObjectOwnership", s("BucketOwnerEnforced"))])]),
        )]),
    );
    if bucket.versioned {
        properties.insert(
            s("VersioningConfiguration"),
            map([("Status", s("Enabled"))]),
        );
    }
    if let Some(lock) = &bucket.object_lock {
        properties.insert(s("ObjectLockEnabled"), Value::Bool(true));
        properties.insert(s("ObjectLockConfiguration"), object_lock(lock));
    }
    properties.insert(s("LifecycleConfiguration"), lifecycle(&bucket.lifecycle));
    if let Some(logs) = &bucket.access_logs {
        properties.insert(
            s("LoggingConfiguration"),
            map([
                (
                    "DestinationBucketName",
                    reference(&Id::bucket(&logs.bucket)),
                ),
                ("LogFilePrefix", s(&logs.prefix)),
            ]),
        );
    }
    if !bucket.replicate_to.is_empty() {
        properties.insert(
            s("ReplicationConfiguration"),
            replication_configuration(program, bucket),
        );
    }
    properties
}

/// Default encryption: SSE-S3, or SSE-KMS under the bucket's own key, with bucket keys on.
fn encryption(bucket: &Bucket) -> Value {
    let default = match bucket.encryption {
        Encryption::S3 => map([("SSEAlgorithm", s("AES256"))]),
        Encryption::Kms => map([
            ("SSEAlgorithm", s("aws:kms")),
            (
                "KMSMasterKeyID",
                get_att(&Id::bucket_key(&bucket.name), "Arn"),
            ),
        ]),
    };
    map([(
        "ServerSideEncryptionConfiguration",
        Value::Sequence(vec![map([
            ("ServerSideEncryptionByDefault", default),
            ("BucketKeyEnabled", Value::Bool(true)),
        ])]),
    )])
}

/// The `object lock` block as an Object Lock configuration with a default retention.
fn object_lock(lock: &ObjectLock) -> Value {
    let period = match lock.retain {
        Retention::Days(days) => ("Days", n(days)),
        Retention::Years(years) => ("Years", n(years)),
    };
    map([
        ("ObjectLockEnabled", s("Enabled")),
        (
            "Rule",
            map([(
                "DefaultRetention",
                map([("Mode", s(lock.mode.aws())), period]),
            )]),
        ),
    ])
}

/// The lifecycle configuration: aborting incomplete uploads first, then each `lifecycle` rule.
fn lifecycle(lifecycle: &Lifecycle) -> Value {
    let mut rules = vec![map([
        ("Id", s("AbortIncompleteUploads")),
        ("Status", s("Enabled")),
        (
            "AbortIncompleteMultipartUpload",
            map([(
                "DaysAfterInitiation",
                n(lifecycle.abort_incomplete_upload_days),
            )]),
        ),
    ])];
    for (index, rule) in lifecycle.rules.iter().enumerate() {
        rules.push(lifecycle_rule(index, rule));
    }
    map([("Rules", Value::Sequence(rules))])
}

/// `replicate_to` as a replication configuration through the bucket's replication role: one
/// rule per destination, each in the V2 schema (`Filter`, `DeleteMarkerReplication`) with its
/// own `Priority`, as S3 requires of a configuration with several rules
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-add-config.html>).
fn replication_configuration(program: &Program, bucket: &Bucket) -> Value {
    let rules = bucket
        .replicate_to
        .iter()
        .enumerate()
        .map(|(index, replication)| replication_rule(program, bucket, index, replication))
        .collect();
    map([
        ("Role", get_att(&Id::replication_role(&bucket.name), "Arn")),
        ("Rules", Value::Sequence(rules)),
    ])
}

/// One destination's replication rule.
fn replication_rule(
    program: &Program,
    bucket: &Bucket,
    index: usize,
    replication: &Replication,
) -> Value {
    let mut destination = Mapping::new();
    let replica = program.bucket(&replication.replica);
    match &replica.existing {
        Some(existing) => destination.insert(s("Bucket"), s(&existing.arn)),
        None => destination.insert(s("Bucket"), bucket_arn(program, &replication.replica)),
    };
    // A replica in another account: its account owns each replica.
    if let Some(account) = crate::emit::other_account_replica(program, replication) {
        destination.insert(s("Account"), s(account));
        destination.insert(
            s("AccessControlTranslation"),
            map([("Owner", s("Destination"))]),
        );
    }
    let mut rule = Mapping::new();
    for (key, value) in [
        ("Id", s(&crate::emit::replication_rule_id(index))),
        ("Status", s("Enabled")),
        (
            "Priority",
            n(u32::try_from(index + 1).expect("at most 1,000 destinations (E0345)")),
        ),
        ("Filter", map([("Prefix", s(""))])),
        ("DeleteMarkerReplication", map([("Status", s("Disabled"))])),
    ] {
        rule.insert(s(key), value);
    }
    // SSE-KMS objects are replicated only when asked, and encrypted with the replica's
    // key (the checker makes both sides use a key or neither).
    if bucket.encryption == Encryption::Kms {
        rule.insert(
            s("SourceSelectionCriteria"),
            map([("SseKmsEncryptedObjects", map([("Status", s("Enabled"))]))]),
        );
        let key = match replica.existing.as_ref().and_then(|e| e.key.as_ref()) {
            Some(arn) => s(arn),
            None => bucket_key_arn(program, &replication.replica),
        };
        destination.insert(
            s("EncryptionConfiguration"),
            map([("ReplicaKmsKeyID", key)]),
        );
    }
    rule.insert(s("Destination"), Value::Mapping(destination));
    Value::Mapping(rule)
}

/// The bucket policy's statements: deny anything without TLS; on a KMS bucket, deny writes
/// that ask for another encryption or another key (see [`OTHER_ENCRYPTION`]); then let S3
/// server access logging deliver from each of `log_sources`.
fn bucket_statements(bucket: &Bucket, id: &str, log_sources: &[&Bucket]) -> Vec<Value> {
    let mut statements = vec![map([
        ("Sid", s("DenyInsecureTransport")),
        ("Effect", s("Deny")),
        ("Principal", s("*")),
        ("Action", s("s3:*")),
        (
            "Resource",
            Value::Sequence(vec![get_att(id, "Arn"), sub(&format!("${{{id}.Arn}}/*"))]),
        ),
        (
            "Condition",
            map([("Bool", map([("aws:SecureTransport", s("false"))]))]),
        ),
    ])];
    if bucket.encryption == Encryption::Kms {
        let key = get_att(&Id::bucket_key(&bucket.name), "Arn");
        for (sid, variable) in OTHER_ENCRYPTION {
            let value = if variable.ends_with("key-id") {
                key.clone()
            } else {
                s("aws:kms")
            };
            statements.push(map([
                ("Sid", s(sid)),
                ("Effect", s("Deny")),
                ("Principal", s("*")),
                ("Action", s("s3:PutObject")),
                ("Resource", sub(&format!("${{{id}.Arn}}/*"))),
                (
                    "Condition",
                    map([(deny_operator(variable), map([(variable, value)]))]),
                ),
            ]));
        }
    }
    statements.extend(log_sources.iter().map(|source| log_delivery(id, source)));
    statements
}

/// S3 server access logging delivers with this principal; the conditions pin each prefix
/// to the one source bucket in this account that logs there.
fn log_delivery(id: &str, source: &Bucket) -> Value {
    let logs = source
        .access_logs
        .as_ref()
        .expect("filtered on access_logs");
    map([
        (
            "Sid",
            s(&format!(
                "AccessLogsFrom{}",
                crate::names::logical_stem(&source.name)
            )),
        ),
        ("Effect", s("Allow")),
        (
            "Principal",
            map([("Service", s("logging.s3.amazonaws.com"))]),
        ),
        ("Action", s("s3:PutObject")),
        (
            "Resource",
            sub(&format!("${{{id}.Arn}}/{}*", escape_sub(&logs.prefix))),
        ),
        (
            "Condition",
            map([
                (
                    "ArnLike",
                    map([("aws:SourceArn", get_att(&Id::bucket(&source.name), "Arn"))]),
                ),
                (
                    "StringEquals",
                    map([("aws:SourceAccount", reference("AWS::AccountId"))]),
                ),
            ]),
        ),
    ])
}

/// A customer managed key, rotation on, with AWS's default key policy (the account's IAM
/// policies decide who uses it) and any `extra` statements.
pub(super) fn key(description: &str, deletion: &str, extra: Vec<Value>, tags: &Tags) -> Value {
    let mut statements = vec![map([
        ("Sid", s("AccountAdministersKey")),
        ("Effect", s("Allow")),
        (
            "Principal",
            map([(
                "AWS",
                sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root"),
            )]),
        ),
        ("Action", s("kms:*")),
        ("Resource", s("*")),
    ])];
    statements.extend(extra);
    map([
        ("Type", s("AWS::KMS::Key")),
        ("DeletionPolicy", s(deletion)),
        ("UpdateReplacePolicy", s(deletion)),
        (
            "Properties",
            with_tags(
                map([
                    ("Description", s(description)),
                    ("EnableKeyRotation", Value::Bool(true)),
                    ("PendingWindowInDays", n(30)),
                    ("KeyPolicy", policy_document(statements)),
                ]),
                tags,
            ),
        ),
    ])
}

/// The role S3 assumes to replicate a bucket, and its policy. The policy is a resource of its
/// own: it names the source bucket, which names the role, so an inline policy would be a
/// circular dependency.
pub(super) fn add_replication_role(
    resources: &mut Mapping,
    bucket: &str,
    statements: &[Value],
    provenance: Value,
    tags: &Tags,
) {
    let role = Id::replication_role(bucket);
    resources.insert(
        s(&role),
        map([
            ("Type", s("AWS::IAM::Role")),
            ("Metadata", provenance),
            (
                "Properties",
                with_tags(
                    map([
                        (
                            "Description",
                            s(&format!(
                                "Role S3 assumes to replicate bucket {bucket}, inferred by drc"
                            )),
                        ),
                        (
                            "AssumeRolePolicyDocument",
                            policy_document(vec![map([
                                ("Effect", s("Allow")),
                                ("Principal", map([("Service", s("s3.amazonaws.com"))])),
                                ("Action", s("sts:AssumeRole")),
                            ])]),
                        ),
                    ]),
                    tags,
                ),
            ),
        ]),
    );
    resources.insert(
        s(&Id::replication_policy(bucket)),
        map([
            ("Type", s("AWS::IAM::RolePolicy")),
            (
                "Properties",
                map([
                    ("RoleName", reference(&role)),
                    ("PolicyName", s(&format!("{bucket}-replication"))),
                    ("PolicyDocument", policy_document(statements.to_vec())),
                ]),
            ),
        ]),
    );
}
