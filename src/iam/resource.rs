//! What a statement is granted on: [`Resource`], target-neutral, with the words people read
//! and the IAM resource type of its ARN. The emitters turn it into an ARN expression.

/// What a statement is granted on, target-neutral; emitters turn it into an ARN expression.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Resource {
    /// A bucket's ARN.
    Bucket(String),
    /// `bucket-arn/prefix*`, or `bucket-arn/*` without a prefix.
    Objects {
        /// The bucket.
        bucket: String,
        /// The key prefix (empty for the whole bucket).
        prefix: String,
    },
    /// The KMS key drc creates for a bucket.
    BucketKey(String),
    /// The log streams of a function's log group.
    LogStreams(String),
    /// A function's ARN.
    Function(String),
    /// A function outside the stack: its `.dr` name and ARN (with the markers
    /// [`crate::check::model::PARTITION`], [`crate::check::model::REGION`] and
    /// [`crate::check::model::ACCOUNT`] when it was given by name).
    ExistingFunction {
        /// The `.dr` name.
        name: String,
        /// The ARN.
        arn: String,
    },
    /// A queue's ARN.
    Queue(String),
    /// The ARN of the dead-letter queue drc creates for a schedule (the schedule's name).
    ScheduleDeadLetters(String),
    /// The KMS key drc creates for a queue with `encryption = kms`.
    QueueKey(String),
    /// A topic's ARN.
    Topic(String),
    /// The KMS key drc creates for every topic.
    TopicKey(String),
    /// The ARN of a bucket outside the stack (`existing = ...`).
    ExistingBucket {
        /// The `.dr` name.
        bucket: String,
        /// Its ARN, a literal.
        arn: String,
    },
    /// `arn/prefix*` of a bucket outside the stack.
    ExistingObjects {
        /// The `.dr` name.
        bucket: String,
        /// Its ARN, a literal.
        arn: String,
        /// The key prefix (empty for the whole bucket).
        prefix: String,
    },
    /// The KMS key of a bucket outside the stack (`key = ...`).
    ExistingKey {
        /// The `.dr` name of the bucket.
        bucket: String,
        /// The key's ARN, a literal.
        arn: String,
    },
}

impl Resource {
    /// How the resource reads for people: `objects of bucket backups under "daily/"`.
    pub fn describe(&self) -> String {
        match self {
            Self::Bucket(b) => format!("bucket {b}"),
            Self::Objects { bucket, prefix } if prefix.is_empty() => {
                format!("all objects of bucket {bucket}")
            }
            Self::Objects { bucket, prefix } => {
                format!("objects of bucket {bucket} under \"{prefix}\"")
            }
            Self::BucketKey(b) => format!("the KMS key of bucket {b}"),
            Self::LogStreams(f) => format!("the log streams of function {f}'s log group"),
            Self::Function(f) => format!("function {f}"),
            Self::ExistingFunction { name, .. } => format!("existing function {name}"),
            Self::Queue(q) => format!("queue {q}"),
            Self::ScheduleDeadLetters(s) => format!("the dead-letter queue of schedule {s}"),
            Self::QueueKey(q) => format!("the KMS key of queue {q}"),
            Self::Topic(t) => format!("topic {t}"),
            Self::TopicKey(t) => format!("the KMS key of topic {t}"),
            Self::ExistingBucket { bucket, arn } => format!("existing bucket {bucket} ({arn})"),
            Self::ExistingObjects {
                bucket,
                arn,
                prefix,
            } if prefix.is_empty() => {
                format!("all objects of existing bucket {bucket} ({arn})")
            }
            Self::ExistingObjects {
                bucket,
                arn,
                prefix,
            } => {
                format!("objects of existing bucket {bucket} ({arn}) under \"{prefix}\"")
            }
            Self::ExistingKey { bucket, arn } => {
                format!("the KMS key of existing bucket {bucket} ({arn})")
            }
        }
    }
}

impl Resource {
    /// The IAM resource type the ARN is of, as the Service Authorization Reference names it:
    /// `("s3", "object")`. The action-table test checks every emitted action against it.
    pub fn iam_type(&self) -> (&'static str, &'static str) {
        match self {
            Resource::Bucket(_) | Resource::ExistingBucket { .. } => ("s3", "bucket"),
            Resource::Objects { .. } | Resource::ExistingObjects { .. } => ("s3", "object"),
            Resource::LogStreams(_) => ("logs", "log-stream"),
            Resource::Function(_) | Resource::ExistingFunction { .. } => ("lambda", "function"),
            Resource::Queue(_) | Resource::ScheduleDeadLetters(_) => ("sqs", "queue"),
            Resource::Topic(_) => ("sns", "topic"),
            Resource::BucketKey(_)
            | Resource::ExistingKey { .. }
            | Resource::QueueKey(_)
            | Resource::TopicKey(_) => ("kms", "key"),
        }
    }

    /// The service a key is used through, for its `kms:ViaService` condition.
    pub(super) fn via_service(&self) -> &'static str {
        match self {
            Resource::QueueKey(_) => "sqs",
            Resource::TopicKey(_) => "sns",
            _ => "s3",
        }
    }
}
