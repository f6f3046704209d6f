//! A checked bucket and everything configured on it: region, existing form, access logs,
//! replication, encryption, lifecycle rules and Object Lock.

use super::text::Text;
use super::vocabulary::Tags;
use crate::source::Span;

/// `bucket name { ... }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// The `.dr` name.
    pub name: String,
    /// The name's span.
    pub span: Span,
    /// `name = "..."`: an explicit S3 bucket name (checked against S3's rules).
    pub bucket_name: Option<Text>,
    /// `versioned = true`
    pub versioned: bool,
    /// `retain = true`: kept when the stack is deleted or the bucket replaced.
    pub retain: bool,
    /// Where `retain` was set, if it was.
    pub retain_span: Option<Span>,
    /// `encryption = s3 | kms`
    pub encryption: Encryption,
    /// Where `encryption` was set, if it was.
    pub encryption_span: Option<Span>,
    /// `lifecycle { ... }` blocks
    pub lifecycle: Lifecycle,
    /// `tags { ... }`: the bucket's own tags (see [`Program::tags`](super::Program::tags)).
    pub tags: Tags,
    /// `object_lock { ... }`
    pub object_lock: Option<ObjectLock>,
    /// `replicate_to = replica` or `replicate_to = [replica, vault]`: one entry per
    /// destination, in the order written (each a rule of the replication configuration).
    pub replicate_to: Vec<Replication>,
    /// `access_logs { bucket = logs  prefix = "backups/" }`
    pub access_logs: Option<AccessLogs>,
    /// `existing = "my-data"`: a bucket outside the stack, which drc never creates or changes.
    pub existing: Option<Existing>,
    /// `region = "eu-central-1"`: the bucket is created in another region than the stack.
    pub region: Option<OtherRegion>,
}

/// `region = "eu-central-1"`: a bucket created in another region than the one the stack is
/// deployed to. CloudFormation creates it with a template of its own for that region;
/// Terraform with the resource-level `region` argument. Invariant: the code is in
/// [`crate::check::regions::REGIONS`], and the bucket neither replicates nor logs its access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OtherRegion {
    /// The region code, `eu-central-1`.
    pub code: &'static str,
    /// The value's span.
    pub span: Span,
}

/// A bucket that lives outside the stack. Invariant: the bucket has no other setting (drc
/// emits no resource for it), it is never a log bucket, and it is a replica only when it has
/// an `account` (a copy in another account, whose owner configures it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Existing {
    /// The S3 bucket name.
    pub name: String,
    /// Its ARN: as written, or `arn:aws:s3:::<name>` when only the name was given.
    pub arn: String,
    /// `key = "arn:aws:kms:...:key/..."`: the KMS key its objects are encrypted with.
    pub key: Option<String>,
    /// `account = "123456789012"`: the account that owns it, when it is not the stack's. Such
    /// a bucket may be a replica (a copy in another account); S3 then makes that account the
    /// owner of every replica.
    pub account: Option<String>,
}

/// `access_logs { bucket = logs  prefix = "backups/" }`: S3 server access logs of this bucket
/// are delivered to another bucket of the stack. Invariant: the log bucket is another bucket,
/// SSE-S3 encrypted, without Object Lock, and does not log its own access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessLogs {
    /// The log bucket's `.dr` name.
    pub bucket: String,
    /// The key prefix of the log objects (default: the source bucket's name and `/`).
    pub prefix: String,
    /// The `access_logs` block's name span.
    pub span: Span,
    /// The log bucket name's span.
    pub bucket_span: Span,
}

/// `replicate_to = replica`: S3 copies every new object version to the replica bucket, in the
/// same region or in the replica's `region`. Invariant: the replica is another bucket of the
/// stack, both are versioned, both use the same kind of encryption (SSE-S3, or each its own
/// KMS key), and the replica has Object Lock when the source has it. A bucket's destinations
/// are distinct, and there are at most [`crate::check::limits::REPLICATION_RULES`] of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replication {
    /// The replica bucket's `.dr` name.
    pub replica: String,
    /// The attribute's span.
    pub span: Span,
    /// The replica name's span.
    pub replica_span: Span,
}

/// Server-side encryption of a bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Encryption {
    /// SSE-S3 (AES256, keys managed by S3).
    S3,
    /// SSE-KMS with a customer managed key that drc creates, rotation on.
    Kms,
}

/// Lifecycle rules of a bucket, in days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lifecycle {
    /// `abort_incomplete_uploads = 7d` (default 7): incomplete multipart uploads are removed,
    /// bucket-wide.
    pub abort_incomplete_upload_days: u32,
    /// One rule per `lifecycle` block that does something: the unlabelled block (whole
    /// bucket) first, then labelled blocks in source order. Prefixes are distinct.
    pub rules: Vec<LifecycleRule>,
}

/// `lifecycle { ... }` or `lifecycle "prefix/" { ... }`: what happens to objects over time.
/// Invariant: at least one action; transitions are in waterfall order with increasing days,
/// and expirations come after the last transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifecycleRule {
    /// The block's name, or its label when it has one.
    pub span: Span,
    /// Where `expire` is written, if it is.
    pub expire_span: Option<Span>,
    /// Where `noncurrent_expire` is written, if it is.
    pub noncurrent_expire_span: Option<Span>,
    /// The key prefix the rule applies to; `None` for the whole bucket.
    pub prefix: Option<String>,
    /// `glacier_ir = 30d`: current versions move to a storage class.
    pub transitions: Vec<Transition>,
    /// `expire = 365d`: current versions expire.
    pub expire_days: Option<u32>,
    /// `noncurrent_glacier = 30d`: noncurrent versions move to a storage class.
    pub noncurrent_transitions: Vec<Transition>,
    /// `noncurrent_expire = 90d`: noncurrent versions are deleted.
    pub noncurrent_expire_days: Option<u32>,
}

impl LifecycleRule {
    /// Whether the rule moves or deletes anything.
    pub fn has_actions(&self) -> bool {
        !self.transitions.is_empty()
            || self.expire_days.is_some()
            || !self.noncurrent_transitions.is_empty()
            || self.noncurrent_expire_days.is_some()
    }
}

/// A move to a storage class after a number of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// The storage class, from [`crate::check::limits::STORAGE_CLASSES`].
    pub class: &'static crate::check::limits::StorageClass,
    /// Days after creation (or after becoming noncurrent).
    pub days: u32,
}

/// `object_lock { mode = compliance  retain = 30d }`: new object versions cannot be deleted or
/// overwritten before the retention period ends. Invariant: the bucket is versioned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectLock {
    /// The `object_lock` block's name.
    pub span: Span,
    /// `mode = governance | compliance`
    pub mode: LockMode,
    /// `retain = 30d` or `retain = 7y`
    pub retain: Retention,
}

/// An Object Lock retention mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockMode {
    /// Users with `s3:BypassGovernanceRetention` can shorten or remove the lock.
    Governance,
    /// Nobody, not even the account root, can shorten or remove the lock.
    Compliance,
}

impl LockMode {
    /// The name S3, CloudFormation and Terraform use.
    pub fn aws(self) -> &'static str {
        match self {
            LockMode::Governance => "GOVERNANCE",
            LockMode::Compliance => "COMPLIANCE",
        }
    }
}

impl Retention {
    /// The period in days, a year counted as 365 days (S3 counts a year as 365 days:
    /// <https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html>).
    pub fn days(self) -> u32 {
        match self {
            Retention::Days(days) => days,
            Retention::Years(years) => years.saturating_mul(365),
        }
    }
}

/// A default retention period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    /// `retain = 30d`
    Days(u32),
    /// `retain = 7y`
    Years(u32),
}
