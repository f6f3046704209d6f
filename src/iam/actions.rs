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
//! - Versions: `GetObject` with a `versionId` needs `s3:GetObjectVersion`
//!   (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html>), listing versions
//!   needs `s3:ListBucketVersions`
//!   (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html>), and
//!   deleting a version needs `s3:DeleteObjectVersion`
//!   (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html>).
//! - Tags: <https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectTagging.html> and
//!   <https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectTagging.html>.
//! - Lambda actions: <https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html>
//! - SNS actions: <https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html>;
//!   a publisher to a topic encrypted with a customer managed key needs `kms:GenerateDataKey`
//!   and `kms:Decrypt` on it:
//!   <https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html>
//! - SQS actions: <https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsqs.html>;
//!   a producer sending to an SSE-KMS queue needs `kms:GenerateDataKey` and `kms:Decrypt`:
//!   <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html>
//! - CloudWatch Logs actions a function needs to write its own logs:
//!   <https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html>

use crate::check::model::{Kind, Verb};

/// What ARN an action is granted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// `arn:aws:s3:::bucket/prefix*`: the objects under the prefix.
    Objects,
    /// `arn:aws:s3:::bucket`: the bucket itself; a prefix becomes an `s3:prefix` condition.
    Bucket,
    /// The target function's ARN.
    Function,
    /// The target topic's ARN.
    Topic,
    /// The target queue's ARN.
    Queue,
}

/// One row of the permission table.
#[derive(Debug)]
pub struct VerbRule {
    /// The verb.
    pub verb: Verb,
    /// The IAM actions it grants.
    pub actions: &'static [&'static str],
    /// What they are granted on.
    pub scope: Scope,
    /// The KMS actions it adds on the target's key: a bucket's or queue's with
    /// `encryption = kms`, and every topic's.
    pub kms_actions: &'static [&'static str],
    /// One sentence for people.
    pub summary: &'static str,
}

/// Every verb, in the order the docs list them.
pub static VERBS: &[VerbRule] = &[
    VerbRule {
        verb: Verb::Read,
        actions: &["s3:GetObject"],
        scope: Scope::Objects,
        kms_actions: &["kms:Decrypt"],
        summary: "read objects (current versions) under the prefix",
    },
    VerbRule {
        verb: Verb::List,
        actions: &["s3:ListBucket"],
        scope: Scope::Bucket,
        kms_actions: &[],
        summary: "list keys, limited to the prefix by an `s3:prefix` condition",
    },
    VerbRule {
        verb: Verb::Put,
        actions: &["s3:PutObject"],
        scope: Scope::Objects,
        // GenerateDataKey encrypts new objects; Decrypt is needed to complete multipart
        // uploads of SSE-KMS objects (it cannot read objects without s3:GetObject).
        kms_actions: &["kms:Decrypt", "kms:GenerateDataKey"],
        summary: "write objects under the prefix; never delete, ACL or bucket configuration",
    },
    VerbRule {
        verb: Verb::Delete,
        actions: &["s3:DeleteObject"],
        scope: Scope::Objects,
        kms_actions: &[],
        summary: "delete objects under the prefix (adds a delete marker in versioned buckets)",
    },
    VerbRule {
        verb: Verb::Invoke,
        actions: &["lambda:InvokeFunction"],
        scope: Scope::Function,
        kms_actions: &[],
        summary: "invoke the function, synchronously or asynchronously",
    },
    VerbRule {
        verb: Verb::ReadVersions,
        actions: &["s3:GetObjectVersion"],
        scope: Scope::Objects,
        kms_actions: &["kms:Decrypt"],
        summary: "read any version of objects under the prefix, by version id",
    },
    VerbRule {
        verb: Verb::ListVersions,
        actions: &["s3:ListBucketVersions"],
        scope: Scope::Bucket,
        kms_actions: &[],
        summary: "list object versions and delete markers, limited to the prefix by an `s3:prefix` condition",
    },
    VerbRule {
        verb: Verb::DeleteVersions,
        actions: &["s3:DeleteObjectVersion"],
        scope: Scope::Objects,
        kms_actions: &[],
        summary: "permanently delete specific versions of objects under the prefix (cannot be undone)",
    },
    VerbRule {
        verb: Verb::Tag,
        actions: &["s3:PutObjectTagging"],
        scope: Scope::Objects,
        kms_actions: &[],
        summary: "replace the tags of objects under the prefix (current versions)",
    },
    VerbRule {
        verb: Verb::ReadTags,
        actions: &["s3:GetObjectTagging"],
        scope: Scope::Objects,
        kms_actions: &[],
        summary: "read the tags of objects under the prefix (current versions)",
    },
    VerbRule {
        verb: Verb::Publish,
        actions: &["sns:Publish"],
        scope: Scope::Topic,
        // Every topic is encrypted with a key drc creates: SNS generates a data key for
        // each message and decrypts it again, on behalf of the publisher.
        kms_actions: &["kms:Decrypt", "kms:GenerateDataKey"],
        summary: "publish messages to the topic",
    },
    VerbRule {
        verb: Verb::Send,
        actions: &["sqs:SendMessage"],
        scope: Scope::Queue,
        kms_actions: &["kms:Decrypt", "kms:GenerateDataKey"],
        summary: "send messages to the queue (never receive or delete them)",
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

/// The replication role's extra actions on the source's object versions when the source has
/// Object Lock: read each version's retention and legal hold, which its replica keeps.
/// Source:
/// <https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html#object-lock-managing-replication>
pub const REPLICATION_SOURCE_LOCK_ACTIONS: &[&str] =
    &["s3:GetObjectLegalHold", "s3:GetObjectRetention"];

/// The replication role's actions on the replica's objects: write replicas and their tags.
/// `s3:ReplicateDelete` is left out on purpose: drc turns delete-marker replication off, so a
/// delete in the source never reaches the replica (a backup copy must survive a deletion).
/// Source: as [`REPLICATION_SOURCE_BUCKET_ACTIONS`].
pub const REPLICATION_REPLICA_OBJECT_ACTIONS: &[&str] = &["s3:ReplicateObject", "s3:ReplicateTags"];

/// The replication role's action on the source bucket's KMS key, when the source uses
/// `encryption = kms`: decrypt each object version to replicate it. Source:
/// <https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html>
pub const REPLICATION_SOURCE_KEY_ACTIONS: &[&str] = &["kms:Decrypt"];

/// The replication role's actions on the replica's KMS key: encrypt each replica, and
/// decrypt, which S3 calls to verify the replica bucket's S3 Bucket Key before using it
/// (drc turns Bucket Keys on for every KMS-encrypted bucket). Source: as
/// [`REPLICATION_SOURCE_KEY_ACTIONS`], section "S3 Bucket Keys and replication".
pub const REPLICATION_REPLICA_KEY_ACTIONS: &[&str] = &["kms:Decrypt", "kms:Encrypt"];

/// The replication role's action on the replica's objects when the replica is in another
/// account: change each replica's owner to the destination bucket's owner (replication with
/// `AccessControlTranslation`). Source:
/// <https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-change-owner.html>
pub const REPLICATION_OWNER_OVERRIDE_ACTIONS: &[&str] = &["s3:ObjectOwnerOverrideToBucketOwner"];

/// The actions a schedule's role gets on the schedule's own dead-letter queue, where EventBridge
/// Scheduler puts a run it failed to invoke after its retries. The queue uses SQS-managed
/// encryption, so no KMS action is needed. Source (AWS's example grants it on `*`; drc grants
/// it on the one queue):
/// <https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html#configuring-schedule-dlq-permissions>
pub const SCHEDULE_DEAD_LETTER_ACTIONS: &[&str] = &["sqs:SendMessage"];

/// The actions every function gets on its own log group's streams.
pub const LOG_ACTIONS: &[&str] = &["logs:CreateLogStream", "logs:PutLogEvents"];

/// The rule of a verb.
pub fn rule(verb: Verb) -> &'static VerbRule {
    VERBS
        .iter()
        .find(|r| r.verb == verb)
        .expect("every verb has a row in the table")
}

impl VerbRule {
    /// How the verb is written in `.dr`.
    pub fn keyword(&self) -> &'static str {
        self.verb.keyword()
    }

    /// The kind of item the verb acts on.
    pub fn target(&self) -> Kind {
        self.verb.target()
    }
}
