//! A checked function: its settings, environment, what it does to which item ([`Access`]),
//! where its failures go; and functions outside the stack.

use super::text::Text;
use super::vocabulary::{Kind, Tags, Verb};
use crate::check::runtimes::Runtime;
use crate::source::Span;

/// `function name { existing = "..." }`: a function drc neither creates nor changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingFunction {
    /// The `.dr` name.
    pub name: String,
    /// The name's span.
    pub span: Span,
    /// Its ARN. A bare function name becomes an ARN in the stack's own partition, region
    /// and account, written with the markers [`PARTITION`](super::PARTITION),
    /// [`REGION`](super::REGION) and [`ACCOUNT`](super::ACCOUNT).
    pub arn: String,
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
    /// `tags { ... }`: the function's own tags (see [`Program::tags`](super::Program::tags)).
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
    /// A queue's URL, which the SQS API takes to send a message.
    Url,
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
