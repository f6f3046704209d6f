//! Policy size: how a role's statements are written so that IAM accepts them.
//!
//! IAM limits a role's inline policies to 10,240 characters together and a customer managed
//! policy to 6,144, counted without whitespace ([`limits::INLINE_ROLE_POLICY_CHARS`],
//! [`limits::MANAGED_POLICY_CHARS`]). drc measures the policy document it emits, as IAM will
//! see it once deployed, and chooses a [`Layout`]: one inline policy when it fits, otherwise
//! the statements in order, whole, packed into as few managed policies as fit, at most
//! [`limits::MANAGED_POLICIES_PER_ROLE`].
//!
//! Parts of ARNs are only known at deploy time, so the measure uses an upper bound for each
//! (the [`Bounds`]): the partition and region at their bound lengths, 12-digit account ids,
//! 63 characters for a bucket name S3 generates, 64 for a function name, 36 for a KMS key id,
//! and a log group named after a 128-character stack. Each action list is counted as a list
//! and each string as JSON escapes it (every character outside ASCII as `\uXXXX`), so the
//! measure never falls short of what either target deploys.

use crate::check::limits;
use crate::check::model::{Program, Text};
use crate::iam::{self, Resource, Role, Statement};
use serde_json::{Value, json};
use std::ops::Range;

/// How one role's statements are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// One inline policy holding every statement.
    Inline,
    /// Customer managed policies attached to the role; each holds a run of consecutive
    /// statements (indexes into the role's statements), in order, covering all of them.
    Managed(Vec<Range<usize>>),
}

impl Layout {
    /// The number of managed policies (and, on Terraform, of attachments) it needs.
    pub fn managed_policies(&self) -> usize {
        match self {
            Layout::Inline => 0,
            Layout::Managed(parts) => parts.len(),
        }
    }
}

/// Why a role's statements cannot be written within IAM's limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overflow {
    /// One statement alone is larger than a managed policy may be.
    Statement {
        /// The statement's index in the role.
        index: usize,
        /// Its measured size, in a policy document of its own.
        chars: usize,
    },
    /// The statements need more managed policies than a role may have attached.
    TooManyPolicies {
        /// How many they need.
        needed: usize,
        /// The measured size of the whole policy.
        chars: usize,
    },
}

/// Upper bounds, in characters, of the ARN parts only known at deploy time.
pub struct Bounds;

impl Bounds {
    /// The partition: `aws-us-gov` (10) is the longest today; 16 leaves room for new ones.
    pub const PARTITION: usize = 16;
    /// The region: `ap-southeast-7` (14) is among the longest today; 20 leaves room.
    pub const REGION: usize = 20;
    /// An AWS account id is always 12 digits.
    pub const ACCOUNT: usize = 12;
    /// A Lambda function name (CloudFormation generates one; Terraform's is `<stack>-<name>`).
    pub const FUNCTION_NAME: usize = 64;
    /// An SQS queue name: at most 80 characters.
    pub const QUEUE_NAME: usize = 80;
    /// An SNS topic name: at most 256 characters.
    pub const TOPIC_NAME: usize = 256;
}

/// Chooses how a role's statements are written.
pub fn layout(program: &Program, role: &Role) -> Result<Layout, Overflow> {
    let sizes: Vec<usize> = role
        .statements
        .iter()
        .map(|s| statement_chars(program, s))
        .collect();
    let total = document_chars(&sizes);
    if total <= as_usize(limits::INLINE_ROLE_POLICY_CHARS.max) {
        return Ok(Layout::Inline);
    }
    let managed_max = as_usize(limits::MANAGED_POLICY_CHARS.max);
    let mut parts: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    for (index, &chars) in sizes.iter().enumerate() {
        if document_chars(&[chars]) > managed_max {
            return Err(Overflow::Statement {
                index,
                chars: document_chars(&[chars]),
            });
        }
        if document_chars(&sizes[start..=index]) > managed_max {
            parts.push(start..index);
            start = index;
        }
    }
    parts.push(start..sizes.len());
    if parts.len() > as_usize(limits::MANAGED_POLICIES_PER_ROLE.max) {
        return Err(Overflow::TooManyPolicies {
            needed: parts.len(),
            chars: total,
        });
    }
    Ok(Layout::Managed(parts))
}

/// The size of the whole policy document of a role, as [`layout`] measures it.
pub fn role_chars(program: &Program, role: &Role) -> usize {
    let sizes: Vec<usize> = role
        .statements
        .iter()
        .map(|s| statement_chars(program, s))
        .collect();
    document_chars(&sizes)
}

fn as_usize(n: u64) -> usize {
    usize::try_from(n).expect("limits are small")
}

/// `{"Version":"2012-10-17","Statement":[` statements joined by `,` `]}`.
fn document_chars(statements: &[usize]) -> usize {
    let empty = chars(&json!({ "Version": "2012-10-17", "Statement": [] }));
    empty + statements.iter().sum::<usize>() + statements.len().saturating_sub(1)
}

/// The size of one statement at its largest once deployed.
fn statement_chars(program: &Program, statement: &Statement) -> usize {
    let mut value = json!({
        "Sid": statement.sid,
        "Effect": "Allow",
        "Action": statement.actions.iter().map(|a| a.name).collect::<Vec<_>>(),
        "Resource": longest_arn(program, &statement.resource),
    });
    if let Some(condition) = &statement.condition {
        let region = filler(Bounds::REGION);
        let values: Vec<String> = condition
            .values
            .iter()
            .map(|v| v.replace(iam::REGION, &region))
            .collect();
        value["Condition"] = json!({ condition.operator: { condition.key: values } });
    }
    chars(&value)
}

/// The ARN a resource deploys to, with every part known only at deploy time at its bound.
fn longest_arn(program: &Program, resource: &Resource) -> String {
    let partition = filler(Bounds::PARTITION);
    let region = filler(Bounds::REGION);
    let account = filler(Bounds::ACCOUNT);
    let bucket_arn = |bucket: &str| {
        // A name that inserts a parameter is bounded like a generated one.
        let name = program
            .bucket(bucket)
            .bucket_name
            .as_ref()
            .and_then(Text::as_literal)
            .map_or_else(|| filler(as_usize(limits::BUCKET_NAME.max)), str::to_owned);
        format!("arn:{partition}:s3:::{name}")
    };
    match resource {
        Resource::Bucket(b) => bucket_arn(b),
        Resource::Objects { bucket, prefix } => format!("{}/{prefix}*", bucket_arn(bucket)),
        // CloudFormation names the group `/aws/lambda/<stack>/<function>`; Terraform
        // `/aws/lambda/<stack>-<function>`, whose stack part is bounded by the function name.
        Resource::LogStreams(f) => format!(
            "arn:{partition}:logs:{region}:{account}:log-group:/aws/lambda/{}/{f}:log-stream:*",
            filler(as_usize(limits::STACK_NAME.max))
        ),
        Resource::Function(_) => format!(
            "arn:{partition}:lambda:{region}:{account}:function:{}",
            filler(Bounds::FUNCTION_NAME)
        ),
        Resource::ExistingBucket { arn, .. } | Resource::ExistingKey { arn, .. } => arn.clone(),
        Resource::ExistingObjects { arn, prefix, .. } => format!("{arn}/{prefix}*"),
        Resource::ExistingFunction { arn, .. } => arn
            .replace(iam::PARTITION, &partition)
            .replace(iam::REGION, &region)
            .replace(iam::ACCOUNT, &account),
        Resource::BucketKey(_) | Resource::QueueKey(_) | Resource::TopicKey(_) => format!(
            "arn:{partition}:kms:{region}:{account}:key/{}",
            filler(as_usize(limits::KMS_KEY_ID.max))
        ),
        Resource::Queue(_) | Resource::ScheduleDeadLetters(_) => format!(
            "arn:{partition}:sqs:{region}:{account}:{}",
            filler(Bounds::QUEUE_NAME)
        ),
        Resource::Topic(_) => format!(
            "arn:{partition}:sns:{region}:{account}:{}",
            filler(Bounds::TOPIC_NAME)
        ),
    }
}

fn filler(length: usize) -> String {
    "x".repeat(length)
}

/// Characters of a value as compact JSON, counting each non-ASCII character as the `\uXXXX`
/// escapes it may be stored as.
fn chars(value: &Value) -> usize {
    let text = serde_json::to_string(value).expect("JSON values always serialize");
    text.chars()
        .map(|c| if c.is_ascii() { 1 } else { 6 * c.len_utf16() })
        .sum()
}

/// On a KMS bucket, the bucket policy denies `s3:PutObject` when the request asks for another
/// encryption than SSE-KMS, or another key than the bucket's: so "reading a backup needs the
/// key too" holds for every writer. A write without these headers gets the bucket's default
/// encryption, its own key, and is allowed. Both targets write these statements, by `Sid`
/// and condition key
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-kms-encryption.html>,
/// "Requiring SSE-KMS for all objects written to a bucket").
pub const OTHER_ENCRYPTION: [(&str, &str); 2] = [
    ("DenyOtherEncryption", "s3:x-amz-server-side-encryption"),
    (
        "DenyOtherKey",
        "s3:x-amz-server-side-encryption-aws-kms-key-id",
    ),
];

#[cfg(test)]
mod tests {
    use super::{Bounds, chars, document_chars};
    use serde_json::json;

    #[test]
    fn a_document_is_measured_as_compact_json() {
        let statement =
            json!({ "Sid": "A", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn" });
        let document =
            json!({ "Version": "2012-10-17", "Statement": [statement.clone(), statement.clone()] });
        let compact = serde_json::to_string(&document).expect("serializes");
        assert_eq!(
            document_chars(&[chars(&statement), chars(&statement)]),
            compact.len()
        );
        assert_eq!(
            document_chars(&[]),
            r#"{"Version":"2012-10-17","Statement":[]}"#.len()
        );
    }

    #[test]
    fn non_ascii_counts_as_its_escapes() {
        assert_eq!(chars(&json!("é")), 2 + 6);
        assert_eq!(chars(&json!("😀")), 2 + 12);
        assert_eq!(chars(&json!("a\"b")), 2 + 4);
    }

    #[test]
    fn bounds_cover_the_longest_known_values() {
        assert!(Bounds::PARTITION >= "aws-us-gov".len());
        assert!(Bounds::REGION >= "ap-southeast-7".len());
        assert_eq!(Bounds::ACCOUNT, "123456789012".len());
    }
}
