//! The permission table: each verb a function can declare, the IAM actions it grants, and
//! the resource those actions are granted on. This table is the only source of actions in
//! role policies; `docs/permissions.md` prints it with the same sources.
//!
//! Sources:
//! - S3 actions, resources and condition keys:
//!   <https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html>
//! - KMS permissions S3 needs for SSE-KMS objects:
//!   <https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#aws-managed-customer-managed-keys>
//!   and multipart uploads with SSE-KMS:
//!   <https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions>
//! - Lambda actions: <https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html>
//! - CloudWatch Logs actions a function needs to write its own logs:
//!   <https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html>

use crate::check::model::Kind;

/// A verb a function can declare on a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verb {
    /// `read bucket ["prefix"]`: get objects.
    Read,
    /// `list bucket ["prefix"]`: list keys.
    List,
    /// `put bucket ["prefix"]`: write objects (never delete or configure).
    Put,
    /// `delete bucket ["prefix"]`: delete objects.
    Delete,
    /// `invoke function`: call another function.
    Invoke,
}

/// What ARN an action is granted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// `arn:aws:s3:::bucket/prefix*`: the objects under the prefix.
    Objects,
    /// `arn:aws:s3:::bucket`: the bucket itself; a prefix becomes an `s3:prefix` condition.
    Bucket,
    /// The target function's ARN.
    Function,
}

/// One row of the permission table.
#[derive(Debug)]
pub struct VerbRule {
    /// The verb.
    pub verb: Verb,
    /// How it is written in `.dr`.
    pub keyword: &'static str,
    /// The kind of resource it acts on.
    pub target: Kind,
    /// The IAM actions it grants.
    pub actions: &'static [&'static str],
    /// What they are granted on.
    pub scope: Scope,
    /// The KMS actions it adds on the bucket's key when the bucket uses `encryption = kms`.
    pub kms_actions: &'static [&'static str],
    /// One sentence for people.
    pub summary: &'static str,
}

/// Every verb, in the order the docs list them.
pub static VERBS: &[VerbRule] = &[
    VerbRule {
        verb: Verb::Read,
        keyword: "read",
        target: Kind::Bucket,
        actions: &["s3:GetObject"],
        scope: Scope::Objects,
        kms_actions: &["kms:Decrypt"],
        summary: "read objects (current versions) under the prefix",
    },
    VerbRule {
        verb: Verb::List,
        keyword: "list",
        target: Kind::Bucket,
        actions: &["s3:ListBucket"],
        scope: Scope::Bucket,
        kms_actions: &[],
        summary: "list keys, limited to the prefix by an `s3:prefix` condition",
    },
    VerbRule {
        verb: Verb::Put,
        keyword: "put",
        target: Kind::Bucket,
        actions: &["s3:PutObject"],
        scope: Scope::Objects,
        // GenerateDataKey encrypts new objects; Decrypt is needed to complete multipart
        // uploads of SSE-KMS objects (it cannot read objects without s3:GetObject).
        kms_actions: &["kms:Decrypt", "kms:GenerateDataKey"],
        summary: "write objects under the prefix; never delete, ACL or bucket configuration",
    },
    VerbRule {
        verb: Verb::Delete,
        keyword: "delete",
        target: Kind::Bucket,
        actions: &["s3:DeleteObject"],
        scope: Scope::Objects,
        kms_actions: &[],
        summary: "delete objects under the prefix (adds a delete marker in versioned buckets)",
    },
    VerbRule {
        verb: Verb::Invoke,
        keyword: "invoke",
        target: Kind::Function,
        actions: &["lambda:InvokeFunction"],
        scope: Scope::Function,
        kms_actions: &[],
        summary: "invoke the function, synchronously or asynchronously",
    },
];

/// The replication role's actions on its source bucket: read the replication configuration
/// and list the bucket. Source:
/// <https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html>
pub const REPLICATION_SOURCE_BUCKET_ACTIONS: &[&str] =
    &["s3:GetReplicationConfiguration", "s3:ListBucket"];

/// The replication role's actions on the source bucket's object versions: read each version
/// with its ACL and tags. Source: as [`REPLICATION_SOURCE_BUCKET_ACTIONS`].
pub const REPLICATION_SOURCE_OBJECT_ACTIONS: &[&str] = &[
    "s3:GetObjectVersionAcl",
    "s3:GetObjectVersionForReplication",
    "s3:GetObjectVersionTagging",
];

/// The replication role's actions on the replica's objects: write replicas and their tags.
/// `s3:ReplicateDelete` is left out on purpose: drc turns delete-marker replication off, so a
/// delete in the source never reaches the replica (a backup copy must survive a deletion).
/// Source: as [`REPLICATION_SOURCE_BUCKET_ACTIONS`].
pub const REPLICATION_REPLICA_OBJECT_ACTIONS: &[&str] = &["s3:ReplicateObject", "s3:ReplicateTags"];

/// The actions every function gets on its own log group's streams.
pub const LOG_ACTIONS: &[&str] = &["logs:CreateLogStream", "logs:PutLogEvents"];

/// The rule of a verb.
pub fn rule(verb: Verb) -> &'static VerbRule {
    VERBS
        .iter()
        .find(|r| r.verb == verb)
        .expect("every verb has a row in the table")
}

/// Looks a verb up by its keyword.
pub fn by_keyword(keyword: &str) -> Option<&'static VerbRule> {
    VERBS.iter().find(|r| r.keyword == keyword)
}
