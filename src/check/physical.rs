//! The names drc gives resources and the rules it writes per bucket, each held to its AWS
//! limit ([`limits`]) at its longest possible value, so a stack that compiles does not fail
//! at deploy time.
//!
//! On Terraform, names start with `${var.stack_name}`, whose default is the stack's name
//! with `_` turned into `-`. A name is checked with that default, and the variable gets a
//! `validation` that refuses any value longer than the room the longest name leaves
//! ([`stack_name_room`]), so a longer `-var stack_name=...` fails at plan, not at apply.
//!
//! ```text
//! stack nightly_backups_for_every_tenant_of_the_platform
//! queue failed_runs_of_the_nightly_backup_job   # nightly-backups-...-failed_runs_... > 80: E0209
//! ```

use super::checker::Checker;
use super::limits::{self, Limit};
use super::model::{Bucket, Function, Program, Queue, Schedule, Stack, Topic};
use crate::diagnostics::{Code, Diagnostic};
use crate::names;
use crate::source::Span;

/// One name drc sets: `before`, then (when `stacked`) the stack prefix and `-`, then the
/// item's `.dr` name, then `after`.
pub struct PhysicalName<'a> {
    /// What the name names, for messages: "function", "queue", "log group".
    pub what: &'static str,
    /// The service whose limit it is: "Lambda", "SQS".
    pub service: &'static str,
    /// What the limit is on, in the note: "Lambda function", "SQS queue".
    pub kind: &'static str,
    /// The item whose name to shorten: "function", "schedule".
    pub owner: &'static str,
    /// The limit on its length.
    pub limit: Limit,
    /// Text before the stack prefix.
    pub before: &'static str,
    /// Whether the name starts with the stack prefix (Terraform's `${var.stack_name}-`).
    pub stacked: bool,
    /// The item's `.dr` name.
    pub item: &'a str,
    /// Text after the item's name.
    pub after: &'static str,
    /// The item's name, where an error points.
    pub span: Span,
}

impl PhysicalName<'_> {
    /// The name with `prefix` as the stack prefix.
    pub fn with_prefix(&self, prefix: &str) -> String {
        let stack = if self.stacked {
            format!("{prefix}-")
        } else {
            String::new()
        };
        format!("{}{stack}{}{}", self.before, self.item, self.after)
    }

    /// The characters left for the stack prefix, if the name has one.
    fn room(&self) -> Option<usize> {
        self.stacked.then(|| {
            let fixed = self.before.len() + 1 + self.item.len() + self.after.len();
            usize::try_from(self.limit.max)
                .expect("small")
                .saturating_sub(fixed)
        })
    }
}

/// Every name drc sets on either target, at its longest: a function's alarms are counted
/// with the longer suffix whichever it gets.
pub fn physical_names<'a>(
    buckets: &'a [Bucket],
    functions: &'a [Function],
    schedules: &'a [Schedule],
    queues: &'a [Queue],
    topics: &'a [Topic],
) -> Vec<PhysicalName<'a>> {
    let mut all = Vec::new();
    let mut add =
        |(what, service, kind): (&'static str, &'static str, &'static str),
         limit: Limit,
         (before, stacked): (&'static str, bool),
         (owner, item, after, span): (&'static str, &'a str, &'static str, Span)| {
            all.push(PhysicalName {
                what,
                service,
                kind,
                owner,
                limit,
                before,
                stacked,
                item,
                after,
                span,
            });
        };
    let lambda = ("function", "Lambda", "Lambda function");
    let sqs = ("queue", "SQS", "SQS queue");
    let policy = ("inline policy", "IAM", "IAM inline policy");
    for f in functions {
        let (item, span) = (f.name.as_str(), f.span);
        add(
            lambda,
            limits::LAMBDA_FUNCTION_NAME,
            ("", true),
            ("function", item, "", span),
        );
        add(
            ("log group", "CloudWatch Logs", "CloudWatch Logs log group"),
            limits::LOG_GROUP_NAME,
            ("/aws/lambda/", true),
            ("function", item, "", span),
        );
        add(
            policy,
            limits::ROLE_POLICY_NAME,
            ("", false),
            ("function", item, "-permissions", span),
        );
        if f.failure.alarm.is_some() {
            add(
                ("alarm", "CloudWatch", "CloudWatch alarm"),
                limits::ALARM_NAME,
                ("", true),
                ("function", item, "-failures", span),
            );
        }
    }
    for s in schedules {
        let (item, span) = (s.name.as_str(), s.span);
        add(
            ("dead-letter queue", "SQS", "SQS queue"),
            limits::SQS_QUEUE_NAME,
            ("", true),
            ("schedule", item, "-dead-letters", span),
        );
        add(
            policy,
            limits::ROLE_POLICY_NAME,
            ("", false),
            ("schedule", item, "-permissions", span),
        );
    }
    for b in buckets.iter().filter(|b| !b.replicate_to.is_empty()) {
        add(
            policy,
            limits::ROLE_POLICY_NAME,
            ("", false),
            ("bucket", &b.name, "-replication", b.span),
        );
    }
    for q in queues {
        add(
            sqs,
            limits::SQS_QUEUE_NAME,
            ("", true),
            ("queue", &q.name, "", q.span),
        );
    }
    for t in topics {
        add(
            ("topic", "SNS", "SNS topic"),
            limits::SNS_TOPIC_NAME,
            ("", true),
            ("topic", &t.name, "", t.span),
        );
    }
    all
}

/// The longest `stack_name` every stacked name of the program fits with, if any name is
/// stacked: Terraform's `validation` on the variable.
pub fn stack_name_room(program: &Program) -> Option<usize> {
    physical_names(
        program.buckets(),
        program.functions(),
        program.schedules(),
        program.queues(),
        program.topics(),
    )
    .iter()
    .filter_map(PhysicalName::room)
    .min()
}

impl Checker<'_> {
    /// E0209 (a Lambda function's or an SQS queue's name) and E0540 (any other name): each name, with the stack's
    /// default prefix, within its limit.
    pub(super) fn check_physical_names(&mut self, stack: &Stack, names: &[PhysicalName<'_>]) {
        let prefix = names::physical_prefix(&stack.name);
        for name in names {
            let text = name.with_prefix(&prefix);
            let length = text.chars().count();
            if length <= usize::try_from(name.limit.max).expect("small") {
                continue;
            }
            // Lambda function and SQS queue names keep the code they had before this table.
            let code = if name.service == "Lambda" || name.service == "SQS" {
                Code::E0209
            } else {
                Code::E0540
            };
            let (label, help) = if name.stacked {
                (
                    format!("{length} characters with the stack prefix"),
                    format!("shorten the {}'s or the stack's name", name.owner),
                )
            } else {
                (
                    format!("{length} characters"),
                    format!("shorten the {}'s name", name.owner),
                )
            };
            self.error(
                Diagnostic::new(
                    code,
                    format!(
                        "{} name `{text}` is too long for {}",
                        name.what, name.service
                    ),
                    name.span,
                    label,
                )
                .with_note(format!(
                    "{} names are at most {} characters ({})",
                    name.kind, name.limit.max, name.limit.source
                ))
                .with_help(help),
            );
        }
    }

    /// E0542: a bucket's lifecycle configuration holds its rules and the bucket-wide rule
    /// that aborts incomplete uploads; S3 takes at most [`limits::LIFECYCLE_RULES`].
    pub(super) fn check_lifecycle_rule_count(&mut self, buckets: &[Bucket]) {
        let max = usize::try_from(limits::LIFECYCLE_RULES.max).expect("small");
        for bucket in buckets.iter().filter(|b| b.existing.is_none()) {
            let count = bucket.lifecycle.rules.len() + 1;
            if count <= max {
                continue;
            }
            let first_over = &bucket.lifecycle.rules[max - 1];
            self.error(
                Diagnostic::new(
                    Code::E0542,
                    format!(
                        "bucket `{}` has {count} lifecycle rules, more than S3 takes",
                        bucket.name
                    ),
                    first_over.span,
                    format!("{count} rules with the one drc adds; S3 takes {max}"),
                )
                .with_label(bucket.span, "the bucket")
                .with_note(format!(
                    "a bucket's lifecycle configuration holds at most {max} rules ({}); drc adds one that aborts incomplete uploads",
                    limits::LIFECYCLE_RULES.source
                ))
                .with_help("cover several prefixes with one shorter prefix, or split the data over buckets"),
            );
        }
    }
}
