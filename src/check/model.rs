//! The checked model: what a `.dr` file means, with every value typed, every unit converted,
//! every name resolved. Invariant: a [`Program`] exists only if checking found no error, so
//! later stages never re-validate and never see a dangling reference.

use super::runtimes::Runtime;
use crate::source::{FileId, Span};

/// A checked stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    /// The file it came from.
    pub file: FileId,
    /// Stack-wide settings.
    pub stack: Stack,
    /// Buckets in source order.
    pub buckets: Vec<Bucket>,
    /// Functions in source order.
    pub functions: Vec<Function>,
    /// Schedules in source order.
    pub schedules: Vec<Schedule>,
}

impl Program {
    /// The bucket with this name. Names come from the checker, so the bucket exists.
    pub fn bucket(&self, name: &str) -> &Bucket {
        self.buckets
            .iter()
            .find(|b| b.name == name)
            .expect("references are resolved by the checker")
    }

    /// The buckets the stack creates: all but those declared with `existing`.
    pub fn created_buckets(&self) -> impl Iterator<Item = &Bucket> {
        self.buckets.iter().filter(|b| b.existing.is_none())
    }

    /// The function with this name. Names come from the checker, so the function exists.
    pub fn function(&self, name: &str) -> &Function {
        self.functions
            .iter()
            .find(|f| f.name == name)
            .expect("references are resolved by the checker")
    }
}

/// `stack name { ... }`, or the defaults when the file has no stack item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stack {
    /// The stack's name: output files are named after it.
    pub name: String,
    /// `description = "..."`
    pub description: Option<String>,
    /// The stack item's name, or the start of the file when there is none.
    pub span: Span,
}

/// `bucket name { ... }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// The `.dr` name.
    pub name: String,
    /// The name's span.
    pub span: Span,
    /// `name = "..."`: an explicit S3 bucket name (checked against S3's rules).
    pub bucket_name: Option<String>,
    /// `versioned = true`
    pub versioned: bool,
    /// `retain = true`: kept when the stack is deleted or the bucket replaced.
    pub retain: bool,
    /// `encryption = s3 | kms`
    pub encryption: Encryption,
    /// Where `encryption` was set, if it was.
    pub encryption_span: Option<Span>,
    /// `lifecycle { ... }` blocks
    pub lifecycle: Lifecycle,
    /// `object_lock { ... }`
    pub object_lock: Option<ObjectLock>,
    /// `replicate_to = replica`
    pub replicate_to: Option<Replication>,
    /// `access_logs { bucket = logs  prefix = "backups/" }`
    pub access_logs: Option<AccessLogs>,
    /// `existing = "my-data"`: a bucket outside the stack, which drc never creates or changes.
    pub existing: Option<Existing>,
}

/// A bucket that lives outside the stack. Invariant: the bucket has no other setting (drc
/// emits no resource for it), and it is neither a replica nor a log bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Existing {
    /// The S3 bucket name.
    pub name: String,
    /// Its ARN: as written, or `arn:aws:s3:::<name>` when only the name was given.
    pub arn: String,
    /// `key = "arn:aws:kms:...:key/..."`: the KMS key its objects are encrypted with.
    pub key: Option<String>,
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

/// `replicate_to = replica`: S3 copies every new object version to the replica bucket (same
/// region). Invariant: the replica is another bucket of the stack, both are versioned and
/// SSE-S3 encrypted, neither has Object Lock.
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

/// A default retention period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    /// `retain = 30d`
    Days(u32),
    /// `retain = 7y`
    Years(u32),
}

/// `function name { ... }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// The `.dr` name.
    pub name: String,
    /// The name's span.
    pub span: Span,
    /// `runtime = nodejs24.x`
    pub runtime: &'static Runtime,
    /// `handler = "backup.handler"`
    pub handler: String,
    /// `code = "dir"`: the directory, as written, relative to the `.dr` file.
    pub code: String,
    /// Where `code` was set.
    pub code_span: Span,
    /// `memory = 256MB`, in MB.
    pub memory_mb: u32,
    /// `timeout = 5m`, in seconds.
    pub timeout_s: u32,
    /// `log_retention = 365d`, in days (one of CloudWatch's allowed values).
    pub log_retention_days: u32,
    /// `description = "..."`
    pub description: Option<String>,
    /// `env { KEY = value }`, sorted by key.
    pub env: Vec<(String, EnvValue)>,
    /// The verb statements, in source order.
    pub accesses: Vec<Access>,
}

/// The value of an environment variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvValue {
    /// A fixed string.
    Literal(String),
    /// `backups.name`, resolved at deploy time.
    Ref(Reference),
}

/// `item.attribute`, checked: the item exists and has the attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The referenced item's name.
    pub item: String,
    /// What kind of item it is.
    pub kind: Kind,
    /// Which attribute.
    pub attribute: Attribute,
    /// Where the reference is written.
    pub span: Span,
}

/// What a reference reads from a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Attribute {
    /// The physical name.
    Name,
    /// The ARN.
    Arn,
}

/// The kinds of resource a `.dr` file declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `stack`
    Stack,
    /// `bucket`
    Bucket,
    /// `function`
    Function,
    /// `schedule`
    Schedule,
}

impl Kind {
    /// The keyword, as written in `.dr`.
    pub fn keyword(self) -> &'static str {
        match self {
            Kind::Stack => "stack",
            Kind::Bucket => "bucket",
            Kind::Function => "function",
            Kind::Schedule => "schedule",
        }
    }
}

/// What a function declares it does to a resource: `put backups "daily/"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    /// The verb.
    pub verb: crate::iam::Verb,
    /// The target's name (a bucket for bucket verbs, a function for `invoke`).
    pub target: String,
    /// The key prefix (bucket verbs only), without a trailing `*`.
    pub prefix: Option<String>,
    /// The whole statement: provenance for every permission it causes.
    pub span: Span,
}

/// `schedule name { ... }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// The `.dr` name.
    pub name: String,
    /// The name's span.
    pub span: Span,
    /// When it fires.
    pub expression: ScheduleExpression,
    /// The function it invokes.
    pub target: String,
    /// Where `invoke = ...` is written.
    pub target_span: Span,
    /// `enabled = false` creates the rule disabled.
    pub enabled: bool,
    /// `description = "..."`
    pub description: Option<String>,
}

/// When a schedule fires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleExpression {
    /// `every = 24h`, as a whole number of minutes (at least 1).
    Rate {
        /// Minutes between runs.
        minutes: u64,
    },
    /// `cron = "0 3 * * ? *"`, validated against AWS's six-field syntax.
    Cron(String),
}

impl ScheduleExpression {
    /// The EventBridge schedule expression: `rate(1 day)`, `cron(0 3 * * ? *)`.
    pub fn to_aws(&self) -> String {
        match self {
            ScheduleExpression::Rate { minutes } => {
                let (n, unit) = if minutes % (24 * 60) == 0 {
                    (minutes / (24 * 60), "day")
                } else if minutes % 60 == 0 {
                    (minutes / 60, "hour")
                } else {
                    (*minutes, "minute")
                };
                let plural = if n == 1 { "" } else { "s" };
                format!("rate({n} {unit}{plural})")
            }
            ScheduleExpression::Cron(fields) => format!("cron({fields})"),
        }
    }
}
