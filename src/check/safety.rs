//! DR-safety warnings: a checked [`Program`] that deploys fine but puts its backups at risk,
//! or will fail at run time with `AccessDenied`.
//!
//! The pass runs after resolution, on a program without errors, and only warns (`W0101` to
//! `W0107`). A *backup bucket* is a retained bucket (`retain = true`): one whose data is meant
//! to outlive the stack.
//!
//! ```text
//! bucket backups { versioned = true  retain = true  encryption = kms }
//! function backup {
//!   ...
//!   put    backups "daily/"
//!   delete backups             // W0101: the writer can also delete what it wrote
//! }
//! ```

use super::model::{Bucket, EnvValue, Function, Kind, Program, Verb};
use crate::diagnostics::{Code, Diagnostic};

/// Every DR-safety warning of a checked program, in no particular order (the pipeline
/// sorts them).
pub fn check(program: &Program) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for bucket in program.buckets() {
        warnings.extend(unversioned_backups(bucket));
        // A log bucket cannot use SSE-KMS (E0329), and an existing bucket is not drc's to
        // configure: neither is asked for a key.
        let log_bucket = program.log_sources(&bucket.name).next().is_some();
        if !log_bucket && bucket.existing.is_none() {
            warnings.extend(backups_without_key(bucket));
        }
    }
    for function in program.functions() {
        writer_that_deletes(program, function, &mut warnings);
        unused_references(function, &mut warnings);
        unnamed_targets(program, function, &mut warnings);
        versions_without_versioning(program, function, &mut warnings);
    }
    warnings
}

/// Whether two key prefixes can name the same object: one is a prefix of the other, or
/// either is the whole bucket.
fn overlap(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.starts_with(b) || b.starts_with(a),
        _ => true,
    }
}

/// `put backups "daily/"` as written, for help text.
fn statement(verb: Verb, bucket: &str, prefix: Option<&str>) -> String {
    let keyword = verb.keyword();
    match prefix {
        Some(p) => format!("{keyword} {bucket} \"{p}\""),
        None => format!("{keyword} {bucket}"),
    }
}

/// W0101 and W0102: a function that may delete (or destroy versions of) data it may also
/// write, in a bucket meant to keep it; or that may destroy versions in a backup bucket.
fn writer_that_deletes(program: &Program, function: &Function, warnings: &mut Vec<Diagnostic>) {
    for deletion in function.accesses.iter().filter(|a| a.verb.deletes()) {
        let bucket = program.bucket(&deletion.target);
        let writes: Vec<_> = function
            .accesses
            .iter()
            .filter(|a| {
                a.verb == Verb::Put
                    && a.target == deletion.target
                    && overlap(a.prefix.as_deref(), deletion.prefix.as_deref())
            })
            .collect();
        let forever = deletion.verb == Verb::DeleteVersions;
        if !writes.is_empty() && (bucket.retain || bucket.versioned) {
            let (what, label, lifecycle) = if forever {
                (
                    "write and permanently delete",
                    "can destroy every version of what this function writes",
                    "noncurrent_expire = 90d",
                )
            } else {
                (
                    "write and delete",
                    "can also delete what this function writes",
                    "expire = 90d",
                )
            };
            let kept = if bucket.retain {
                "retained: it holds backups"
            } else {
                "versioned: it keeps old versions to recover from"
            };
            let mut d = Diagnostic::new(
                Code::W0101,
                format!(
                    "function `{}` can both {what} in bucket `{}`",
                    function.name, bucket.name
                ),
                deletion.span,
                label,
            );
            for write in writes {
                d = d.with_label(write.span, "writes here");
            }
            warnings.push(
                d.with_label(bucket.span, format!("`{}` is {kept}", bucket.name))
                    .with_note("one bug or leaked credential in this function could overwrite the data and remove it in the same run")
                    .with_help(format!(
                        "split the writer from a pruner: move `{}` into a function of its own, or remove it and let a lifecycle rule expire old backups: `lifecycle {{ {lifecycle} }}` on `{}`",
                        statement(deletion.verb, &deletion.target, deletion.prefix.as_deref()),
                        bucket.name
                    )),
            );
        } else if forever && bucket.retain {
            let mut d = Diagnostic::new(
                Code::W0102,
                format!(
                    "function `{}` can permanently delete versions in backup bucket `{}`",
                    function.name, bucket.name
                ),
                deletion.span,
                "bypasses versioning: what this deletes cannot be recovered",
            );
            if let Some(retain) = bucket.retain_span {
                d = d.with_label(retain, "retained: its data is meant to be kept");
            }
            warnings.push(
                d.with_help(format!(
                    "remove this line and let a lifecycle rule delete old versions: `lifecycle {{ noncurrent_expire = 90d }}` on `{}`",
                    bucket.name
                )),
            );
        }
    }
}

/// W0103: the environment passes a bucket the function may not act on.
fn unused_references(function: &Function, warnings: &mut Vec<Diagnostic>) {
    for (key, value) in &function.env {
        let EnvValue::Ref(reference) = value else {
            continue;
        };
        if reference.kind != Kind::Bucket
            || function.accesses.iter().any(|a| a.target == reference.item)
        {
            continue;
        }
        let bucket = &reference.item;
        warnings.push(
            Diagnostic::new(
                Code::W0103,
                format!(
                    "function `{}` is given bucket `{bucket}` but may not act on it",
                    function.name
                ),
                reference.span,
                format!("no verb of `{}` acts on `{bucket}`", function.name),
            )
            .with_note(format!(
                "drc grants only what the verbs declare: every S3 request the code makes on `{bucket}` will fail with AccessDenied"
            ))
            .with_help(format!(
                "add the verb the code needs, like `read {bucket}`, or remove `{key}` if the code does not use it"
            )),
        );
    }
}

/// W0104: a verb on a bucket whose name the code has no way to learn.
fn unnamed_targets(program: &Program, function: &Function, warnings: &mut Vec<Diagnostic>) {
    let mut reported: Vec<&str> = Vec::new();
    for access in &function.accesses {
        let target = access.target.as_str();
        if access.verb.target() != Kind::Bucket || reported.contains(&target) {
            continue;
        }
        reported.push(target);
        // An explicit or existing bucket's name is known when the code is written.
        let bucket = program.bucket(target);
        let named = bucket.bucket_name.is_some() || bucket.existing.is_some();
        let passed = function
            .env
            .iter()
            .any(|(_, v)| matches!(v, EnvValue::Ref(r) if r.item == target));
        if named || passed {
            continue;
        }
        let variable = format!("{}_BUCKET", target.to_ascii_uppercase());
        warnings.push(
            Diagnostic::new(
                Code::W0104,
                format!(
                    "function `{}` acts on bucket `{target}` but is not told its name",
                    function.name
                ),
                access.span,
                "the code cannot know which bucket this is",
            )
            .with_label(function.span, format!("no variable of `{}`'s `env` refers to `{target}`", function.name))
            .with_note(format!(
                "AWS chooses the name of `{target}` at deploy time, because it has no `name = \"...\"`"
            ))
            .with_help(format!(
                "pass the name to the code: `env {{ {variable} = {target}.name }}`"
            )),
        );
    }
}

/// W0105: a backup bucket without versioning.
fn unversioned_backups(bucket: &Bucket) -> Option<Diagnostic> {
    let retain = bucket
        .retain_span
        .filter(|_| bucket.retain && !bucket.versioned)?;
    Some(
        Diagnostic::new(
            Code::W0105,
            format!("backup bucket `{}` is not versioned", bucket.name),
            retain,
            "kept after the stack is gone, but one overwrite or delete destroys the only copy",
        )
        .with_label(bucket.span, "has no `versioned = true`")
        .with_help(
            "add `versioned = true`, and `lifecycle { noncurrent_expire = 90d }` to bound what old versions cost",
        ),
    )
}

/// W0106: a backup bucket encrypted with keys S3 manages rather than its own KMS key.
fn backups_without_key(bucket: &Bucket) -> Option<Diagnostic> {
    if !bucket.retain || bucket.encryption == super::model::Encryption::Kms {
        return None;
    }
    let retain = bucket.retain_span?;
    let d = Diagnostic::new(
        Code::W0106,
        format!(
            "backup bucket `{}` is not encrypted with its own KMS key",
            bucket.name
        ),
        bucket.encryption_span.unwrap_or(retain),
        if bucket.encryption_span.is_some() {
            "SSE-S3: keys managed by S3, usable by anyone with S3 read access"
        } else {
            "retained, but encrypted with the default SSE-S3"
        },
    );
    let d = if bucket.encryption_span.is_some() {
        d.with_label(retain, "retained: it holds backups")
    } else {
        d
    };
    Some(
        d.with_note("with a KMS key, reading a backup also needs the key, every use of the key is logged in CloudTrail, and disabling the key cuts off all access at once")
            .with_help(if bucket.encryption_span.is_some() {
                "write `encryption = kms`: drc creates a key with rotation for this bucket"
            } else {
                "add `encryption = kms`: drc creates a key with rotation for this bucket"
            }),
    )
}

/// W0107: a version verb on a bucket that keeps no versions.
fn versions_without_versioning(
    program: &Program,
    function: &Function,
    warnings: &mut Vec<Diagnostic>,
) {
    for access in function
        .accesses
        .iter()
        .filter(|a| a.verb.needs_versioning())
    {
        let bucket = program.bucket(&access.target);
        if bucket.versioned {
            continue;
        }
        let plain = match access.verb {
            Verb::ReadVersions => Verb::Read,
            Verb::ListVersions => Verb::List,
            _ => Verb::Delete,
        };
        warnings.push(
            Diagnostic::new(
                Code::W0107,
                format!(
                    "`{}` on bucket `{}`, which keeps no versions",
                    access.verb.keyword(),
                    bucket.name
                ),
                access.span,
                "acts on object versions",
            )
            .with_label(bucket.span, "not versioned")
            .with_help(format!(
                "add `versioned = true` to `{}`, or write `{}`",
                bucket.name,
                statement(plain, &access.target, access.prefix.as_deref())
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::overlap;

    #[test]
    fn prefixes_overlap_when_one_starts_the_other_or_either_is_the_whole_bucket() {
        assert!(overlap(Some("daily/"), Some("daily/2026/")));
        assert!(overlap(Some("daily/2026/"), Some("daily/")));
        assert!(overlap(None, Some("daily/")));
        assert!(overlap(Some("daily/"), None));
        assert!(overlap(None, None));
        assert!(!overlap(Some("daily/"), Some("weekly/")));
        assert!(!overlap(Some("tmp/"), Some("scratch/")));
    }
}
