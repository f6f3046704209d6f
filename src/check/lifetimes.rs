//! DR-safety warnings about how long backups live (`W0108` to `W0112`): lifecycle rules,
//! Object Lock and replication that together keep a backup shorter than it looks, or longer
//! and dearer than meant.
//!
//! ```text
//! bucket backups {
//!   versioned = true  retain = true
//!   lifecycle { expire = 3650d  noncurrent_expire = 30d }
//! }
//! function backup { ...  put backups "daily/" }   // W0108: one overwrite, and the
//!                                                 // backup is gone 30 days later
//! ```

use super::model::{
    Access, Bucket, Function, LifecycleRule, LockMode, Program, Replication, Transition, Verb,
};
use crate::diagnostics::{Code, Diagnostic};
use std::collections::BTreeMap;

/// Every lifetime warning of a checked program.
pub fn check(program: &Program) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    // Each bucket's puts, in function order, gathered in one pass over the functions.
    let mut puts: BTreeMap<&str, Vec<(&Function, &Access)>> = BTreeMap::new();
    for function in program.functions() {
        for put in function.accesses.iter().filter(|a| a.verb == Verb::Put) {
            puts.entry(&put.target).or_default().push((function, put));
        }
    }
    for bucket in program.created_buckets() {
        let bucket_puts = puts
            .get(bucket.name.as_str())
            .map_or(&[][..], Vec::as_slice);
        overwrites_that_expire(bucket, bucket_puts, &mut warnings);
        short_storage(bucket, &mut warnings);
        lock_outlives_stack(bucket, &mut warnings);
        expiry_within_lock(bucket, &mut warnings);
        // A replica in another account keeps what its owner's rules say, which drc cannot see.
        for replication in &bucket.replicate_to {
            let replica = program.bucket(&replication.replica);
            if replica.existing.is_none() {
                replica_without_expiry(bucket, replica, replication, &mut warnings);
            }
        }
    }
    warnings
}

/// Whether a rule applies to keys under `prefix` (`None`: the whole bucket).
pub fn covers(rule: &LifecycleRule, prefix: Option<&str>) -> bool {
    match (rule.prefix.as_deref(), prefix) {
        (Some(rule), Some(prefix)) => prefix.starts_with(rule) || rule.starts_with(prefix),
        _ => true,
    }
}

/// W0108: a function may `put` where a noncurrent expiry deletes overwritten versions sooner
/// than the rule's `expire` keeps current ones (a bucket that keeps backups until deleted
/// declares no retention to compare with; the `retention` objective covers it).
fn overwrites_that_expire(
    bucket: &Bucket,
    puts: &[(&Function, &Access)],
    warnings: &mut Vec<Diagnostic>,
) {
    if !bucket.retain || !bucket.versioned {
        return;
    }
    for &(function, put) in puts {
        let Some((rule, days)) = bucket.lifecycle.rules.iter().find_map(|rule| {
            let days = rule.noncurrent_expire_days?;
            let kept = rule.expire_days?;
            (covers(rule, put.prefix.as_deref()) && days < kept).then_some((rule, days))
        }) else {
            continue;
        };
        let kept = rule.expire_days.expect("found with an expiry");
        warnings.push(
                Diagnostic::new(
                    Code::W0108,
                    format!(
                        "an overwrite by function `{}` can delete a backup in `{}` after {days} days",
                        function.name, bucket.name
                    ),
                    put.span,
                    "may overwrite existing backups",
                )
                .with_label(
                    rule.noncurrent_expire_span.unwrap_or(rule.span),
                    format!("overwritten versions are deleted after {days} days"),
                )
                .with_note(format!(
                    "backups are kept {kept} days, but putting an object under an existing key makes the backup noncurrent, and lifecycle deletes it {days} days later, in every replica too: a bug or leaked credential needs no delete permission to destroy them"
                ))
                .with_help(format!(
                    "keep overwritten versions as long as backups: `noncurrent_expire = {kept}d`, or have the bucket policy deny `s3:PutObject` without `s3:if-none-match` (then the code must write with `If-None-Match: *`, and CopyObject into the bucket needs it too)"
                )),
            );
    }
}

/// W0110: an object moved to a class and moved on or deleted before the class's minimum
/// storage duration, which S3 bills in full.
fn short_storage(bucket: &Bucket, warnings: &mut Vec<Diagnostic>) {
    for rule in &bucket.lifecycle.rules {
        let pairs = [
            (&rule.transitions, rule.expire_days, false, "expires"),
            (
                &rule.noncurrent_transitions,
                rule.noncurrent_expire_days,
                false,
                "expires",
            ),
            // A current version can become noncurrent the day after it moved.
            (
                &rule.transitions,
                rule.noncurrent_expire_days,
                true,
                "can expire once overwritten",
            ),
        ];
        for (transitions, end, overwritten, what) in pairs {
            if let Some((transition, stay)) = too_short(transitions, end, overwritten) {
                let class = transition.class;
                warnings.push(
                    Diagnostic::new(
                        Code::W0110,
                        format!(
                            "objects of `{}` can leave {} after {stay} days, before its {}-day minimum",
                            bucket.name, class.aws, class.min_storage_days
                        ),
                        rule.span,
                        format!("moves to {} at day {}, then {what}", class.aws, transition.days),
                    )
                    .with_note(format!(
                        "S3 bills an object in {} for at least {} days, however soon it is deleted (see {})",
                        class.aws, class.min_storage_days, "https://aws.amazon.com/s3/storage-classes/"
                    ))
                    .with_help(format!(
                        "keep objects at least {} days in {}, or move them to a class with a shorter minimum",
                        class.min_storage_days, class.aws
                    )),
                );
            }
        }
    }
}

/// The first transition whose stay, up to the next transition or `end`, is shorter than
/// its class's minimum storage duration. With `overwritten`, `end` counts from the day the
/// version becomes noncurrent, which can be the day after it moved: the stay is `end`.
fn too_short(
    transitions: &[Transition],
    end: Option<u32>,
    overwritten: bool,
) -> Option<(Transition, u32)> {
    transitions.iter().enumerate().find_map(|(i, t)| {
        let stay = match transitions.get(i + 1) {
            Some(next) => next.days - t.days,
            None if overwritten => end?,
            None => end?.saturating_sub(t.days),
        };
        (stay < t.class.min_storage_days).then_some((*t, stay))
    })
}

/// W0111: a compliance-mode lock on a bucket that the stack deletes with itself.
fn lock_outlives_stack(bucket: &Bucket, warnings: &mut Vec<Diagnostic>) {
    let Some(lock) = bucket
        .object_lock
        .filter(|l| l.mode == LockMode::Compliance)
    else {
        return;
    };
    if bucket.retain {
        return;
    }
    warnings.push(
        Diagnostic::new(
            Code::W0111,
            format!("bucket `{}` has a compliance-mode lock but is not retained", bucket.name),
            lock.span,
            "nobody can delete its objects before their lock ends",
        )
        .with_label(bucket.span, "has no `retain = true`")
        .with_note("deleting or replacing the stack then fails on this bucket, for as long as any object is locked, and no one can shorten a compliance lock")
        .with_help("add `retain = true`: a bucket that holds locked data outlives the stack"),
    );
}

/// W0112: an expiry shorter than the Object Lock: lifecycle cannot delete a locked version,
/// so the rule promises an end the lock postpones.
fn expiry_within_lock(bucket: &Bucket, warnings: &mut Vec<Diagnostic>) {
    let Some(lock) = bucket.object_lock else {
        return;
    };
    let locked = lock.retain.days();
    for rule in &bucket.lifecycle.rules {
        let expiries = [
            (rule.expire_days, rule.expire_span, "expire"),
            (
                rule.noncurrent_expire_days,
                rule.noncurrent_expire_span,
                "noncurrent_expire",
            ),
        ];
        for (days, span, key) in expiries {
            let (Some(days), Some(span)) = (days, span) else {
                continue;
            };
            if days >= locked {
                continue;
            }
            warnings.push(
                Diagnostic::new(
                    Code::W0112,
                    format!("`{key}` of `{}` is shorter than its object lock", bucket.name),
                    span,
                    format!("{days} days"),
                )
                .with_label(lock.span, format!("every version is locked {locked} days"))
                .with_note("lifecycle cannot delete a locked version: it stays, and is billed, until its lock ends")
                .with_help(format!("write `{key} = {locked}d` or longer, or shorten the lock")),
            );
        }
    }
}

/// W0109: a replica that keeps what its source expires: lifecycle rules are not replicated.
fn replica_without_expiry(
    source: &Bucket,
    replica: &Bucket,
    replication: &Replication,
    warnings: &mut Vec<Diagnostic>,
) {
    let Some(days) = source
        .lifecycle
        .rules
        .iter()
        .filter_map(|r| r.expire_days)
        .max()
    else {
        return;
    };
    if replica
        .lifecycle
        .rules
        .iter()
        .any(|r| r.expire_days.is_some())
    {
        return;
    }
    warnings.push(
        Diagnostic::new(
            Code::W0109,
            format!("replica `{}` keeps every backup forever", replica.name),
            replica.span,
            "no `expire` of its own",
        )
        .with_label(replication.replica_span, format!("`{}` expires its objects after {days} days, and replicates here", source.name))
        .with_note("S3 replicates objects, not lifecycle rules: a replica keeps every version until its own rules delete it")
        .with_help(format!(
            "give `{}` a lifecycle of its own, like `lifecycle {{ expire = {days}d }}`",
            replica.name
        )),
    );
}
