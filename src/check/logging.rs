//! A bucket's `access_logs { bucket = ..., prefix = ... }`: server access logs, and the rules
//! for the bucket that receives them (same region, not itself, no KMS key).

use super::bucket::TargetBucket;
use super::checker::Checker;
use super::model::{AccessLogs, Bucket, Encryption};
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::ast::{Ident, Nested, ValueKind};

pub(super) const ACCESS_LOGS_ATTRIBUTES: &[&str] = &["bucket", "prefix"];
impl<'a> Checker<'a> {
    /// `access_logs { bucket = logs  prefix = "backups/" }`: the names only;
    /// [`Checker::check_access_logs`] resolves the log bucket.
    pub(super) fn access_logs(&mut self, bucket: &Ident, nested: &'a Nested) -> Option<AccessLogs> {
        let inner = self.body(
            &nested.body,
            ACCESS_LOGS_ATTRIBUTES,
            &[],
            false,
            "access_logs",
        );
        // `Err(())`: the prefix was reported invalid; the bucket is still checked.
        let prefix = match self.string(&inner, "prefix") {
            // An empty prefix puts the logs at the top of the log bucket, as S3 allows.
            Some((text, _)) if text.is_empty() => Ok(Some(text)),
            Some((text, span)) => self.lifecycle_prefix(&text, span).map(Some).ok_or(()),
            None => Ok(None),
        };
        let Some(attribute) = inner.attributes.get("bucket") else {
            self.error(
                Diagnostic::new(
                    Code::E0205,
                    "`access_logs` has no `bucket`",
                    nested.name.span,
                    "missing `bucket`",
                )
                .with_help("name the bucket that receives the logs: `bucket = logs`"),
            );
            return None;
        };
        match &attribute.value.kind {
            ValueKind::Word(w) if !w.contains('.') => Some(AccessLogs {
                bucket: w.clone(),
                prefix: prefix.ok()?.unwrap_or_else(|| format!("{}/", bucket.text)),
                span: nested.name.span,
                bucket_span: attribute.value.span,
            }),
            other => {
                self.wrong_type(&attribute.value, other, "the name of a bucket, like `logs`");
                None
            }
        }
    }

    /// Each `access_logs`: the log bucket is another bucket that S3 can deliver logs to.
    pub(super) fn check_access_logs(&mut self, buckets: &[Bucket]) {
        for source in buckets {
            let Some(logs) = &source.access_logs else {
                continue;
            };
            if source.existing.is_some() {
                continue; // E0333 already said this setting cannot be used
            }
            let target = TargetBucket {
                name: &logs.bucket,
                span: logs.bucket_span,
                why: "access logs go to a bucket",
                what: "a log bucket",
                existing_help: "let the logging service write to it",
                other_account: false,
            };
            let Some(target) = self.target_bucket(buckets, source, &target, || {
                Diagnostic::new(
                    Code::E0328,
                    format!("bucket `{}` logs its access to itself", source.name),
                    logs.bucket_span,
                    "the log bucket must be another bucket",
                )
                .with_note("every log delivery would be an access to log, without end")
                .with_help("declare a log bucket, `bucket logs { }`, and write `bucket = logs`")
            }) else {
                continue;
            };
            if target.encryption == Encryption::Kms {
                self.error(
                    Diagnostic::new(
                        Code::E0329,
                        format!("access logs cannot go to the KMS-encrypted bucket `{}`", target.name),
                        logs.bucket_span,
                        "this bucket uses `encryption = kms`",
                    )
                    .with_label(target.encryption_span.unwrap_or(target.span), "encrypted with a KMS key here")
                    .with_note("S3 delivers server access logs only to buckets with SSE-S3 default encryption (see https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html)")
                    .with_help(format!("remove `encryption = kms` from `{}`, or log to another bucket", target.name)),
                );
            }
            if target.object_lock.is_some() {
                self.error(
                    Diagnostic::new(
                        Code::E0330,
                        format!("access logs cannot go to `{}`, which has Object Lock", target.name),
                        logs.bucket_span,
                        "this bucket has a default retention period",
                    )
                    .with_label(target.span, "declared here")
                    .with_note("S3 does not deliver server access logs to a bucket with an Object Lock default retention period (see https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html)")
                    .with_help(format!("remove `object_lock` from `{}`, or log to another bucket", target.name)),
                );
            }
            if let Some(onward) = &target.access_logs {
                self.error(
                    Diagnostic::new(
                        Code::E0331,
                        format!("the log bucket `{}` logs its own access", target.name),
                        onward.span,
                        "a log bucket's access logs go here",
                    )
                    .with_label(logs.bucket_span, format!("`{}` receives access logs here", target.name))
                    .with_note("logs of log deliveries grow without purpose, and two buckets logging to each other cannot be created")
                    .with_help(format!("remove `access_logs` from `{}`", target.name)),
                );
            }
        }
    }
}
