//! `bucket name { ... }`: the bucket itself, its name, encryption, region (`region = "..."`,
//! E0337) and its `existing = "..."` form. The bucket's lifecycle, lock, replication and
//! access logs have rooms of their own; [`TargetBucket`] is what replication and access logs
//! share when they name another bucket.

use super::body::Body;
use super::checker::Checker;
use super::limits;
use super::model::{Bucket, Encryption, Existing, Kind, OtherRegion};
use super::regions;
use super::text::text_display;
use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::source::Span;
use crate::syntax::ast::Ident;

/// AWS partitions, the second field of an ARN.
/// Source: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html>
pub(super) const PARTITIONS: &[&str] = &["aws", "aws-cn", "aws-us-gov"];
pub(super) const ENCRYPTIONS: &[&str] = &["s3", "kms"];
/// The bucket named by a setting that sends data to another bucket, and the words its
/// diagnostics use.
pub(super) struct TargetBucket<'t> {
    /// The named bucket.
    pub(super) name: &'t str,
    /// Where it is named.
    pub(super) span: Span,
    /// Why it must be a bucket (E0402's note).
    pub(super) why: &'static str,
    /// Its role, for an existing bucket's error: `a replica`.
    pub(super) what: &'static str,
    /// What drc would have to do to an existing bucket (`make sure it is versioned`).
    pub(super) existing_help: &'static str,
    /// Whether an existing bucket in another account (with `account`) may be the target.
    pub(super) other_account: bool,
}

/// Why a string is not a KMS key ARN (`arn:<partition>:kms:<region>:<account>:key/<id>`).
pub(super) fn kms_key_arn_problem(text: &str) -> Option<&'static str> {
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = parts.as_slice() else {
        return Some("not of the form arn:<partition>:kms:<region>:<account>:key/<key-id>");
    };
    if *arn != "arn" || !PARTITIONS.contains(partition) || *service != "kms" || region.is_empty() {
        return Some("not of the form arn:<partition>:kms:<region>:<account>:key/<key-id>");
    }
    if account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
        return Some("the account must be 12 digits");
    }
    match resource.strip_prefix("key/") {
        Some(id) if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') => {
            None
        }
        _ if resource.starts_with("alias/") => Some("an alias ARN: IAM needs the key ARN"),
        _ => Some("the resource must be `key/<key-id>`"),
    }
}

impl<'a> Checker<'a> {
    pub(super) fn bucket(&mut self, name: &Ident, body: &Body<'a>) -> Bucket {
        let bucket_name = self.text(body, "name").and_then(|(text, span)| {
            let problem = match text.as_literal() {
                Some(whole) => limits::bucket_name_problem(whole).map(|p| (p, None)),
                None => limits::bucket_name_parts_problem(&text.pieces())
                    .map(|p| (p, None))
                    .or_else(|| self.bucket_name_value_problem(&text)),
            };
            if let Some((problem, value)) = problem {
                let mut d = Diagnostic::new(Code::E0308, format!("`{}` is not a valid S3 bucket name", text_display(&text)), span, problem)
                    .with_note("see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html");
                if let Some((param, value, declared)) = value {
                    d = d
                        .with_label(declared, format!("`{param}` can be `{value}`"))
                        .with_help(format!("change the name or the values `{param}` can take"));
                } else {
                    d = d.with_help("leave `name` out to let AWS choose a unique name");
                }
                self.error(d);
                None
            } else {
                Some(text)
            }
        });
        let versioned = self.boolean(body, "versioned").unwrap_or(false);
        let retain = self.boolean(body, "retain").unwrap_or(false);
        let (encryption, encryption_span) = match self.word(body, "encryption", ENCRYPTIONS) {
            Some(("kms", span)) => (Encryption::Kms, Some(span)),
            Some((_, span)) => (Encryption::S3, Some(span)),
            None => (Encryption::S3, None),
        };
        let lifecycle = self.lifecycle(name, body, versioned);
        let replicate_to = self.replicate_to(body);
        let existing = self.existing(name, body);
        let region = self.region(body);
        let access_logs = body
            .blocks
            .get("access_logs")
            .and_then(|nested| self.access_logs(name, nested));
        let object_lock = body
            .blocks
            .get("object_lock")
            .and_then(|nested| self.object_lock(name, nested, versioned));
        let tags = self.tags(body);
        Bucket {
            name: name.text.clone(),
            span: name.span,
            bucket_name,
            versioned,
            retain,
            retain_span: body.attributes.get("retain").map(|a| a.span),
            encryption,
            encryption_span,
            lifecycle,
            tags,
            object_lock,
            replicate_to,
            access_logs,
            existing,
            region,
        }
    }

    /// `region = "eu-central-1"`: a Region code of the `aws` partition.
    pub(super) fn region(&mut self, body: &Body<'a>) -> Option<OtherRegion> {
        let (code, span) = self.string(body, "region")?;
        if let Some(region) = regions::by_code(&code) {
            return Some(OtherRegion {
                code: region.code,
                span,
            });
        }
        let codes = regions::REGIONS.iter().map(|r| r.code);
        let mut d = Diagnostic::new(
            Code::E0337,
            format!("unknown region `{code}`"),
            span,
            "not a Region code of the aws partition",
        )
        .with_note("Region codes are lowercase, like `eu-central-1` or `us-west-2` (see https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html)");
        let lower = code.to_ascii_lowercase();
        d = if let Some(region) = regions::by_code(&lower) {
            d.with_help(format!(
                "Region codes are lowercase: write `{}`",
                region.code
            ))
        } else if did_you_mean(&code, codes.clone()).is_some() {
            d.with_suggestion(&code, codes)
        } else {
            d.with_help(
                "write the code of the Region the bucket should live in, like `eu-central-1`",
            )
        };
        self.error(d);
        None
    }

    /// `existing = "my-data"` (or an S3 ARN) and its `key`: a bucket drc must not change, so
    /// every other setting is an error.
    pub(super) fn existing(&mut self, bucket: &Ident, body: &Body<'a>) -> Option<Existing> {
        let key = self.existing_key(body);
        let account = self.account(body);
        let Some(attribute) = body.attributes.get("existing") else {
            if let Some(attribute) = body.attributes.get("account") {
                self.error(
                    Diagnostic::new(
                        Code::E0343,
                        "`account` is only for existing buckets",
                        attribute.key.span,
                        "this bucket is created by the stack, in the stack's account",
                    )
                    .with_help("to copy backups into another account, declare that account's bucket with `existing = \"bucket-name\"` and `account`, and replicate to it"),
                );
            }
            if let Some(attribute) = body.attributes.get("key") {
                self.error(
                    Diagnostic::new(
                        Code::E0334,
                        "`key` is only for existing buckets",
                        attribute.key.span,
                        "this bucket is created by the stack",
                    )
                    .with_help("use `encryption = kms` to have drc create and use a key, or add `existing = \"bucket-name\"` if the bucket lives outside the stack"),
                );
            }
            return None;
        };
        let (text, span) = self.string(body, "existing")?;
        let (name, arn) = self.existing_name(&text, span)?;
        self.refuse_changes(bucket, body, attribute.span, &name);
        Some(Existing {
            name,
            arn,
            key,
            account,
        })
    }

    /// `account = "123456789012"`: twelve digits (E0342 otherwise).
    fn account(&mut self, body: &Body<'a>) -> Option<String> {
        let (text, span) = self.string(body, "account")?;
        if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
            return Some(text);
        }
        self.error(
            Diagnostic::new(
                Code::E0342,
                format!("`{text}` is not an AWS account ID"),
                span,
                "an account ID is twelve digits",
            )
            .with_note("see https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html")
            .with_help("write the 12-digit ID of the account that owns the bucket, like \"111122223333\""),
        );
        None
    }

    /// `key = "arn:aws:kms:..."`: the KMS key ARN of an existing bucket (E0335 otherwise).
    fn existing_key(&mut self, body: &Body<'a>) -> Option<String> {
        self.string(body, "key").and_then(|(text, span)| {
            if kms_key_arn_problem(&text).is_none() {
                return Some(text);
            }
            self.error(
                Diagnostic::new(
                    Code::E0335,
                    format!("`{text}` is not a KMS key ARN"),
                    span,
                    kms_key_arn_problem(&text).unwrap_or_default(),
                )
                .with_note("IAM policies name keys by key ARN; an alias or a key ID would not match")
                .with_help("write the key's ARN, like \"arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\""),
            );
            None
        })
    }

    /// An existing bucket's name and ARN, from its name or its S3 ARN (E0332 when either is
    /// malformed).
    fn existing_name(&mut self, text: &str, span: Span) -> Option<(String, String)> {
        let (name, arn) = match text.strip_prefix("arn:") {
            Some(rest) => {
                let name = rest
                    .split_once(":s3:::")
                    .filter(|(partition, _)| PARTITIONS.contains(partition))
                    .map(|(_, name)| name);
                let Some(name) = name else {
                    self.error(
                        Diagnostic::new(
                            Code::E0332,
                            format!("`{text}` is not an S3 bucket ARN"),
                            span,
                            "not of the form arn:<partition>:s3:::<bucket>",
                        )
                        .with_help("write the bucket's name, like \"my-data\", or its ARN, like \"arn:aws:s3:::my-data\""),
                    );
                    return None;
                };
                (name.to_owned(), text.to_owned())
            }
            None => (text.to_owned(), format!("arn:aws:s3:::{text}")),
        };
        if let Some(problem) = limits::bucket_name_problem(&name) {
            self.error(
                Diagnostic::new(Code::E0332, format!("`{name}` is not a valid S3 bucket name"), span, problem)
                    .with_note("see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html")
                    .with_help("write the existing bucket's exact name, or its ARN"),
            );
            return None;
        }
        Some((name, arn))
    }

    /// E0333 for every setting of an existing bucket other than `existing`, `key` and `account`:
    /// drc does not change buckets outside the stack.
    fn refuse_changes(&mut self, bucket: &Ident, body: &Body<'a>, existing: Span, name: &str) {
        let changes = body
            .attributes
            .iter()
            .filter(|(key, _)| !matches!(**key, "existing" | "key" | "account"))
            .map(|(key, a)| (*key, a.key.span))
            .chain(body.blocks.iter().map(|(key, n)| (*key, n.name.span)))
            .chain(
                body.labelled
                    .iter()
                    .map(|n| (n.name.text.as_str(), n.name.span)),
            );
        let changes: Vec<(&str, Span)> = changes.collect();
        for (key, key_span) in changes {
            self.error(
                Diagnostic::new(
                    Code::E0333,
                    format!("`{key}` would change the existing bucket `{}`", bucket.text),
                    key_span,
                    "drc does not change buckets outside the stack",
                )
                .with_label(existing, "the bucket lives outside the stack")
                .with_help(format!(
                    "remove `{key}`: configure `{name}` where it is managed, or leave `existing` out to create a new bucket"
                )),
            );
        }
    }

    /// A bucket outside the stack named where drc would have to change it.
    pub(super) fn existing_as_target(
        &mut self,
        bucket: &Bucket,
        span: Span,
        role: &str,
        change: &str,
        other_account: bool,
    ) {
        let d = Diagnostic::new(
            Code::E0336,
            format!("the existing bucket `{}` cannot be {role}", bucket.name),
            span,
            format!("drc cannot {change} without changing it"),
        )
        .with_label(bucket.span, "declared with `existing` here");
        let d = if other_account {
            d.with_note("a bucket in another account can be a replica: its owner configures it (see docs/deploying.md)")
                .with_help(format!(
                    "declare {role} that the stack creates, without `existing`, or add `account = \"<its account ID>\"` to `{}` if another account owns it",
                    bucket.name
                ))
        } else {
            d.with_help(format!(
                "declare {role} that the stack creates, without `existing`"
            ))
        };
        self.error(d);
    }

    /// The bucket a setting of `source` sends data to (its replica, its log bucket), once it
    /// is a bucket of the stack other than `source`; otherwise reports why (the diagnostic
    /// `itself` when it is `source`) and gives `None`.
    pub(super) fn target_bucket<'b>(
        &mut self,
        buckets: &'b [Bucket],
        source: &Bucket,
        target: &TargetBucket<'_>,
        itself: impl FnOnce() -> Diagnostic,
    ) -> Option<&'b Bucket> {
        if !self.expect_kind(target.name, target.span, Kind::Bucket, target.why) {
            return None;
        }
        let bucket = buckets.iter().find(|b| b.name == target.name)?;
        let other_account = bucket
            .existing
            .as_ref()
            .is_some_and(|e| e.account.is_some());
        if bucket.existing.is_some() && !(other_account && target.other_account) {
            self.existing_as_target(
                bucket,
                target.span,
                target.what,
                target.existing_help,
                target.other_account,
            );
            return None;
        }
        if bucket.name == source.name {
            self.error(itself());
            return None;
        }
        Some(bucket)
    }

    /// A bucket in another region only receives data: it neither replicates nor logs its
    /// access (E0338), and no bucket logs its access to it (E0339).
    pub(super) fn check_regions(&mut self, buckets: &[Bucket]) {
        for bucket in buckets {
            let Some(region) = bucket.region else {
                continue;
            };
            let settings = [
                bucket
                    .replicate_to
                    .first()
                    .map(|r| ("replicate_to", r.span)),
                bucket.access_logs.as_ref().map(|l| ("access_logs", l.span)),
            ];
            for (setting, span) in settings.into_iter().flatten() {
                self.error(
                    Diagnostic::new(
                        Code::E0338,
                        format!("bucket `{}` in {} cannot use `{setting}`", bucket.name, region.code),
                        span,
                        "drc does not configure this on a bucket in another region",
                    )
                    .with_label(region.span, "the bucket lives in another region")
                    .with_note("a bucket with `region` is a copy that receives data, such as a replica; replication and access logging are configured in the stack's own region")
                    .with_help(format!("remove `{setting}`, or remove `region` to keep `{}` in the stack's region", bucket.name)),
                );
            }
        }
        for source in buckets {
            let Some(logs) = &source.access_logs else {
                continue;
            };
            let Some(target) = buckets.iter().find(|b| b.name == logs.bucket) else {
                continue;
            };
            if source.region.is_none() {
                if let Some(region) = target.region {
                    self.error(
                        Diagnostic::new(
                            Code::E0339,
                            format!("access logs of `{}` cannot go to `{}` in {}", source.name, target.name, region.code),
                            logs.bucket_span,
                            format!("`{}` is in another region", target.name),
                        )
                        .with_label(region.span, "placed in another region here")
                        .with_note("S3 delivers server access logs only to a bucket in the source bucket's region (see https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html)")
                        .with_help(format!("remove `region` from `{}`, or log to a bucket in the stack's region", target.name)),
                    );
                }
            }
        }
    }
}
