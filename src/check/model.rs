//! The checked model: what a `.dr` file means, with every value typed, every unit converted,
//! every name resolved. Invariant: a [`Program`] exists only if checking found no error, so
//! later stages never re-validate and never see a dangling reference.

use super::runtimes::Runtime;
use crate::source::{FileId, Span};
use std::collections::BTreeMap;

/// The marker for the deployment region inside condition values and ARNs.
pub const REGION: &str = "{region}";
/// The marker for the deployment partition inside ARNs.
pub const PARTITION: &str = "{partition}";
/// The marker for the deployment account inside ARNs.
pub const ACCOUNT: &str = "{account}";

/// `tags { team = "platform" }`: tag keys and values, sorted by key.
pub type Tags = BTreeMap<String, String>;

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
    /// Parameters left open for deploy time, in source order (those fixed by `--set` were
    /// substituted into the text that uses them and are not listed).
    pub params: Vec<Param>,
    /// Queues in source order.
    pub queues: Vec<Queue>,
    /// Topics in source order.
    pub topics: Vec<Topic>,
    /// Functions outside the stack (`existing = "..."`), in source order.
    pub existing_functions: Vec<ExistingFunction>,
    /// `output` items in source order.
    pub outputs: Vec<Output>,
    /// The warnings `allow` lines silenced, in reading order, each with its reason.
    pub silenced: Vec<super::allow::Silenced>,
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

    /// The buckets the stack creates in the region it is deployed to (no `region`).
    pub fn local_buckets(&self) -> impl Iterator<Item = &Bucket> {
        self.created_buckets().filter(|b| b.region.is_none())
    }

    /// The buckets that deliver their server access logs to `bucket`.
    pub fn log_sources<'p>(&'p self, bucket: &'p str) -> impl Iterator<Item = &'p Bucket> {
        self.buckets
            .iter()
            .filter(move |b| b.access_logs.as_ref().is_some_and(|l| l.bucket == bucket))
    }

    /// The other regions buckets are created in (`region = "..."`), sorted, each once.
    pub fn other_regions(&self) -> Vec<&'static str> {
        let mut regions: Vec<&'static str> = self
            .buckets
            .iter()
            .filter_map(|b| b.region.map(|r| r.code))
            .collect();
        regions.sort_unstable();
        regions.dedup();
        regions
    }

    /// The function with this name. Names come from the checker, so the function exists.
    pub fn function(&self, name: &str) -> &Function {
        self.functions
            .iter()
            .find(|f| f.name == name)
            .expect("references are resolved by the checker")
    }

    /// The queue with this name. Names come from the checker, so the queue exists.
    pub fn queue(&self, name: &str) -> &Queue {
        self.queues
            .iter()
            .find(|q| q.name == name)
            .expect("references are resolved by the checker")
    }

    /// The function outside the stack with this name, if `name` is one.
    pub fn existing_function(&self, name: &str) -> Option<&ExistingFunction> {
        self.existing_functions.iter().find(|f| f.name == name)
    }

    /// The tags of a resource whose item has `tags`: the stack's tags, overridden key by key
    /// by the item's. Every taggable resource drc emits for the item gets exactly these.
    pub fn tags(&self, item: &Tags) -> Tags {
        let mut tags = self.stack.tags.clone();
        tags.extend(item.iter().map(|(k, v)| (k.clone(), v.clone())));
        tags
    }
}

/// `queue name { ... }`: an SQS standard queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queue {
    /// The `.dr` name.
    pub name: String,
    /// The name's span.
    pub span: Span,
    /// `retention = 14d`, in seconds (default 14 days).
    pub retention_s: u32,
    /// `encryption = sqs | kms` (default `sqs`).
    pub encryption: QueueEncryption,
    /// Where `encryption` was set, if it was.
    pub encryption_span: Option<Span>,
}

/// Server-side encryption of a queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum QueueEncryption {
    /// SSE-SQS: keys managed by SQS.
    Sqs,
    /// SSE-KMS with a customer managed key that drc creates, rotation on.
    Kms,
}

/// `topic name { ... }`: an SNS standard topic, always encrypted with a key drc creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    /// The `.dr` name.
    pub name: String,
    /// The name's span.
    pub span: Span,
    /// `email = "ops@example.com"`: one email subscription.
    pub email: Option<String>,
}

/// `function name { existing = "..." }`: a function drc neither creates nor changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingFunction {
    /// The `.dr` name.
    pub name: String,
    /// The name's span.
    pub span: Span,
    /// Its ARN. A bare function name becomes an ARN in the stack's own partition, region
    /// and account, written with the markers [`PARTITION`],
    /// [`REGION`] and [`ACCOUNT`].
    pub arn: String,
}

/// `stack name { ... }`, or the defaults when the file has no stack item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stack {
    /// The stack's name: output files are named after it.
    pub name: String,
    /// `description = "..."`
    pub description: Option<String>,
    /// `deny_warnings = true`: every warning in this stack's file is an error.
    pub deny_warnings: bool,
    /// The stack item's name, or the start of the file when there is none.
    pub span: Span,
    /// `tags { ... }`: applied to every taggable resource of the stack.
    pub tags: Tags,
}

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
    /// `tags { ... }`: the bucket's own tags (see [`Program::tags`]).
    pub tags: Tags,
    /// `object_lock { ... }`
    pub object_lock: Option<ObjectLock>,
    /// `replicate_to = replica`
    pub replicate_to: Option<Replication>,
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

/// `replicate_to = replica`: S3 copies every new object version to the replica bucket, in the
/// same region or in the replica's `region`. Invariant: the replica is another bucket of the
/// stack, both are versioned, both use the same kind of encryption (SSE-S3, or each its own
/// KMS key), and the replica has Object Lock when the source has it.
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
    pub description: Option<Text>,
    /// `env { KEY = value }`, sorted by key.
    pub env: Vec<(String, EnvValue)>,
    /// The verb statements, in source order.
    pub accesses: Vec<Access>,
    /// `architecture = arm64 | x86_64`; `None` leaves Lambda's default (`x86_64`).
    pub architecture: Option<&'static str>,
    /// `reserved_concurrency = 10`
    pub reserved_concurrency: Option<u32>,
    /// `ephemeral_storage = 1GB`, in MB; `None` leaves Lambda's default (512 MB).
    pub ephemeral_storage_mb: Option<u32>,
    /// Where failed asynchronous invocations go, and who hears of errors.
    pub failure: Failure,
    /// `tags { ... }`: the function's own tags (see [`Program::tags`]).
    pub tags: Tags,
}

/// A function's failure handling: `on_failure`, `dead_letter`, `retry_attempts`,
/// `max_event_age` and `alarm`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Failure {
    /// `on_failure = failures`: the on-failure destination of asynchronous invocations.
    pub on_failure: Option<Destination>,
    /// `dead_letter = failures`: the dead-letter queue or topic.
    pub dead_letter: Option<Destination>,
    /// `retry_attempts = 0..2`
    pub retry_attempts: Option<u32>,
    /// `max_event_age = 1h`, in seconds.
    pub max_event_age_s: Option<u32>,
    /// `alarm = alerts`: the topic an alarm on the function's errors notifies.
    pub alarm: Option<Destination>,
}

impl Failure {
    /// Whether the function has any way to report a failure.
    pub fn reports(&self) -> bool {
        self.on_failure.is_some() || self.dead_letter.is_some() || self.alarm.is_some()
    }

    /// Whether Lambda's event invoke configuration is needed.
    pub fn needs_invoke_config(&self) -> bool {
        self.on_failure.is_some() || self.retry_attempts.is_some() || self.max_event_age_s.is_some()
    }
}

/// A queue or topic that receives something from a function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// The queue's or topic's name.
    pub target: String,
    /// [`Kind::Queue`] or [`Kind::Topic`] once resolved.
    pub kind: Kind,
    /// The value's span.
    pub span: Span,
}

/// The value of an environment variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvValue {
    /// Text, possibly inserting parameters.
    Literal(Text),
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
    /// `param`
    Param,
    /// `queue`
    Queue,
    /// `topic`
    Topic,
    /// `output`
    Output,
}

impl Kind {
    /// The keyword, as written in `.dr`.
    pub fn keyword(self) -> &'static str {
        match self {
            Kind::Stack => "stack",
            Kind::Bucket => "bucket",
            Kind::Function => "function",
            Kind::Schedule => "schedule",
            Kind::Param => "param",
            Kind::Queue => "queue",
            Kind::Topic => "topic",
            Kind::Output => "output",
        }
    }
}

/// What a function declares it does to a resource: `put backups "daily/"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    /// The verb.
    pub verb: Verb,
    /// The target's name (a bucket for bucket verbs, a function for `invoke`, a topic for
    /// `publish`, a queue for `send`).
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
    /// `enabled = false` creates the schedule disabled.
    pub enabled: bool,
    /// `description = "..."`
    pub description: Option<Text>,
    /// `timezone = "Europe/Paris"`: an IANA name the expression is evaluated in (UTC if
    /// absent).
    pub timezone: Option<String>,
    /// `payload { ... }` as compact JSON text, keys in source order.
    pub payload: Option<String>,
    /// `flexible_window = 15m`, in minutes: the schedule may fire up to this late.
    pub flexible_window_minutes: Option<u32>,
    /// `retries = 3`: retry attempts after a failed invocation (AWS default if absent).
    pub retries: Option<u32>,
    /// `max_event_age = 1h`, in seconds: give up retrying after this long.
    pub max_event_age_s: Option<u32>,
    /// `tags { ... }`: tags of the schedule's role (see [`Program::tags`]).
    pub tags: Tags,
}

/// `output name { value = backups.name ... }`: a value the deployed stack reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// The `.dr` name: the Terraform output's name; the CloudFormation output's logical ID
    /// is its stem plus `Output`.
    pub name: String,
    /// The name's span.
    pub span: Span,
    /// `value = backups.name`
    pub value: Reference,
    /// `export = "..."`: a CloudFormation export name (Terraform has no exports).
    pub export: Option<String>,
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

/// User text that may insert parameters: `"backups-${stage}"`. Literal parts hold the text
/// as the user meant it (escapes resolved); each target escapes them its own way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    /// The parts in order; adjacent literals are merged, so a text without parameters is at
    /// most one literal part.
    pub parts: Vec<TextPart>,
}

/// A piece of [`Text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextPart {
    /// Literal text.
    Literal(String),
    /// The value of the parameter with this name (one of [`Program::params`]).
    Param(String),
}

impl Text {
    /// Text without parameters.
    pub fn literal(text: impl Into<String>) -> Self {
        let text = text.into();
        let parts = if text.is_empty() {
            Vec::new()
        } else {
            vec![TextPart::Literal(text)]
        };
        Self { parts }
    }

    /// Appends a part, merging adjacent literals.
    pub fn push(&mut self, part: TextPart) {
        match (self.parts.last_mut(), part) {
            (_, TextPart::Literal(text)) if text.is_empty() => {}
            (Some(TextPart::Literal(last)), TextPart::Literal(text)) => last.push_str(&text),
            (_, part) => self.parts.push(part),
        }
    }

    /// The whole text when it inserts no parameter.
    pub fn as_literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [] => Some(""),
            [TextPart::Literal(text)] => Some(text),
            _ => None,
        }
    }

    /// The parts in order: `Some(literal)`, or `None` where a parameter is inserted.
    pub fn pieces(&self) -> Vec<Option<&str>> {
        self.parts
            .iter()
            .map(|part| match part {
                TextPart::Literal(text) => Some(text.as_str()),
                TextPart::Param(_) => None,
            })
            .collect()
    }

    /// The literal parts, in order.
    pub fn literals(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|part| match part {
            TextPart::Literal(text) => Some(text.as_str()),
            TextPart::Param(_) => None,
        })
    }
}

/// `param stage { type = string  default = "dev"  allowed = ["dev", "prod"] }`: a value chosen
/// at deploy time (a CloudFormation parameter, a Terraform variable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The `.dr` name, used as `${name}` in strings.
    pub name: String,
    /// The name's span.
    pub span: Span,
    /// `type = string | number` (default `string`).
    pub kind: ParamType,
    /// `default = ...`, of the parameter's type and in the allowed set.
    pub default: Option<ParamValue>,
    /// `allowed = [...]`: the only values accepted (empty: any value of the type).
    pub allowed: Vec<ParamValue>,
    /// `description = "..."`
    pub description: Option<String>,
}

/// The type of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamType {
    /// `type = string`
    String,
    /// `type = number`: a whole number.
    Number,
}

impl ParamType {
    /// The keyword, as written in `.dr`.
    pub fn keyword(self) -> &'static str {
        match self {
            ParamType::String => "string",
            ParamType::Number => "number",
        }
    }
}

/// A value of a parameter.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamValue {
    /// A string.
    String(String),
    /// A whole number.
    Number(u64),
}

impl ParamValue {
    /// The value as text, as it is inserted into strings.
    pub fn text(&self) -> String {
        match self {
            ParamValue::String(text) => text.clone(),
            ParamValue::Number(number) => number.to_string(),
        }
    }
}

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
    /// `read_versions bucket ["prefix"]`: get specific (also noncurrent) versions of objects.
    ReadVersions,
    /// `list_versions bucket ["prefix"]`: list object versions and delete markers.
    ListVersions,
    /// `delete_versions bucket ["prefix"]`: permanently delete specific object versions.
    DeleteVersions,
    /// `tag bucket ["prefix"]`: replace the tags of objects (current versions).
    Tag,
    /// `read_tags bucket ["prefix"]`: read the tags of objects (current versions).
    ReadTags,
    /// `publish topic`: publish messages to an SNS topic.
    Publish,
    /// `send queue`: send messages to an SQS queue.
    Send,
}

/// Every verb, how it is written in `.dr` and the kind of item it acts on, in the order the
/// docs list them. What each verb grants is the permission table, `crate::iam::actions::VERBS`.
const VERB_WORDS: &[(Verb, &str, Kind)] = &[
    (Verb::Read, "read", Kind::Bucket),
    (Verb::List, "list", Kind::Bucket),
    (Verb::Put, "put", Kind::Bucket),
    (Verb::Delete, "delete", Kind::Bucket),
    (Verb::Invoke, "invoke", Kind::Function),
    (Verb::ReadVersions, "read_versions", Kind::Bucket),
    (Verb::ListVersions, "list_versions", Kind::Bucket),
    (Verb::DeleteVersions, "delete_versions", Kind::Bucket),
    (Verb::Tag, "tag", Kind::Bucket),
    (Verb::ReadTags, "read_tags", Kind::Bucket),
    (Verb::Publish, "publish", Kind::Topic),
    (Verb::Send, "send", Kind::Queue),
];

impl Verb {
    /// Every verb, in the order the docs list them.
    pub fn all() -> impl Iterator<Item = Verb> + Clone {
        VERB_WORDS.iter().map(|(verb, _, _)| *verb)
    }

    /// The verb written `keyword` in `.dr`, if there is one.
    pub fn from_keyword(keyword: &str) -> Option<Verb> {
        VERB_WORDS
            .iter()
            .find(|(_, word, _)| *word == keyword)
            .map(|(verb, _, _)| *verb)
    }

    /// How the verb is written in `.dr`.
    pub fn keyword(self) -> &'static str {
        self.words().1
    }

    /// The kind of item the verb acts on.
    pub fn target(self) -> Kind {
        self.words().2
    }

    fn words(self) -> &'static (Verb, &'static str, Kind) {
        VERB_WORDS
            .iter()
            .find(|(verb, _, _)| *verb == self)
            .expect("every verb has a row in VERB_WORDS")
    }

    /// Whether the verb removes data: `delete` hides it behind a delete marker in a versioned
    /// bucket, `delete_versions` destroys it for good.
    pub fn deletes(self) -> bool {
        matches!(self, Verb::Delete | Verb::DeleteVersions)
    }

    /// Whether the verb only makes sense on a versioned bucket.
    pub fn needs_versioning(self) -> bool {
        matches!(
            self,
            Verb::ReadVersions | Verb::ListVersions | Verb::DeleteVersions
        )
    }
}
