//! A plain-text account of a program's policies (see [`super::explain`], which builds it):
//! every role, statement and action, and for each action the declarations or built-in rules
//! that caused it.
//!
//! ```text
//! role of function backup
//!   BackupsObjectsDaily: s3:PutObject
//!     on objects of bucket backups under "daily/"
//!     s3:PutObject  <- examples/dr.dr:17:3  put backups "daily/"
//! ```

use super::{Policies, Resource};
use crate::source::SourceMap;

/// How a resource reads for people.
pub fn describe_resource(resource: &Resource) -> String {
    match resource {
        Resource::Bucket(b) => format!("bucket {b}"),
        Resource::Objects { bucket, prefix } if prefix.is_empty() => {
            format!("all objects of bucket {bucket}")
        }
        Resource::Objects { bucket, prefix } => {
            format!("objects of bucket {bucket} under \"{prefix}\"")
        }
        Resource::BucketKey(b) => format!("the KMS key of bucket {b}"),
        Resource::LogStreams(f) => format!("the log streams of function {f}'s log group"),
        Resource::Function(f) => format!("function {f}"),
        Resource::ExistingFunction { name, .. } => format!("existing function {name}"),
        Resource::Queue(q) => format!("queue {q}"),
        Resource::QueueKey(q) => format!("the KMS key of queue {q}"),
        Resource::Topic(t) => format!("topic {t}"),
        Resource::TopicKey(t) => format!("the KMS key of topic {t}"),
        Resource::ExistingBucket { bucket, arn } => format!("existing bucket {bucket} ({arn})"),
        Resource::ExistingObjects {
            bucket,
            arn,
            prefix,
        } if prefix.is_empty() => {
            format!("all objects of existing bucket {bucket} ({arn})")
        }
        Resource::ExistingObjects {
            bucket,
            arn,
            prefix,
        } => {
            format!("objects of existing bucket {bucket} ({arn}) under \"{prefix}\"")
        }
        Resource::ExistingKey { bucket, arn } => {
            format!("the KMS key of existing bucket {bucket} ({arn})")
        }
    }
}

/// Renders the policies with provenance: [`super::explain::Explanation::text`] for a
/// program's policies, naming the file as the source map does.
pub fn render(policies: &Policies, sources: &SourceMap) -> String {
    super::explain::explain(policies, sources, super::explain::FileNames::AsGiven).text()
}
