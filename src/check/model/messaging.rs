//! Checked SQS queues and SNS topics.

use crate::source::Span;

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
