//! A plain-text account of a program's policies: every role, statement and action, and for
//! each action the declarations or built-in rules that caused it.
//!
//! ```text
//! role of function backup
//!   BackupsObjectsDaily: s3:PutObject
//!     on objects of bucket backups under "daily/"
//!     s3:PutObject  <- examples/dr.dr:17:3  put backups "daily/"
//! ```

use super::{Policies, Resource};
use crate::source::SourceMap;
use std::fmt::Write as _;

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

/// Renders the policies with provenance.
pub fn render(policies: &Policies, sources: &SourceMap) -> String {
    let mut out = String::new();
    for role in &policies.roles {
        let _ = writeln!(out, "role of {}", role.owner.describe());
        for statement in &role.statements {
            let names: Vec<&str> = statement.actions.iter().map(|a| a.name).collect();
            let _ = writeln!(out, "  {}: {}", statement.sid, names.join(", "));
            let _ = writeln!(out, "    on {}", describe_resource(&statement.resource));
            if let Some(c) = &statement.condition {
                let _ = writeln!(
                    out,
                    "    if {} {} {}",
                    c.key,
                    c.operator,
                    c.values.join(" | ")
                );
            }
            for action in &statement.actions {
                for cause in &action.causes {
                    let span = cause.span();
                    let file = sources.get(span.file);
                    let what = cause.rule().map_or_else(
                        || file.slice(span).to_owned(),
                        |rule| format!("built-in: {rule}"),
                    );
                    let _ = writeln!(
                        out,
                        "    {}  <- {}  {what}",
                        action.name,
                        sources.location(span)
                    );
                }
            }
        }
    }
    for invocation in &policies.invocations {
        let span = invocation.span;
        let _ = writeln!(
            out,
            "events.amazonaws.com may invoke function {} for the rule of schedule {}  <- {}",
            invocation.function,
            invocation.schedule,
            sources.location(span)
        );
    }
    out
}
