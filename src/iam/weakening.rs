//! What `drc diff` says about a bucket's protections: retention, versioning, encryption,
//! expiry, replication and Object Lock, each change marked as weakening (more can be lost or
//! read) or strengthening.

use super::explain::Location;
use crate::check::model::{Bucket, Encryption, LockMode, ObjectLock, Retention};

/// A protection of a bucket that changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketChange {
    /// The bucket.
    pub bucket: String,
    /// What changed.
    pub change: Weakening,
    /// The setting before and after, as written.
    pub before: String,
    /// After.
    pub after: String,
    /// Where the new side declares the bucket.
    pub location: Location,
}

/// Changes to a bucket that matter for disaster recovery. Each broadens in one direction
/// (what can be lost or read) and is reported, without broadening, in the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Weakening {
    /// `retain = true` went away: deleting the stack or replacing the bucket deletes it.
    RetainRemoved,
    /// `retain = true` was added.
    RetainAdded,
    /// `versioned = true` went away: overwritten or deleted objects cannot be restored.
    VersioningRemoved,
    /// `versioned = true` was added.
    VersioningAdded,
    /// `encryption = kms` went away: reading objects no longer needs the bucket's own key.
    KmsRemoved,
    /// `encryption = kms` was added.
    KmsAdded,
    /// `lifecycle { expire }` was added or shortened: objects are deleted sooner.
    ExpiryShortened,
    /// `lifecycle { expire }` was removed or lengthened.
    ExpiryLengthened,
    /// `lifecycle { noncurrent_expire }` was added or shortened: fewer old versions to restore.
    NoncurrentExpiryShortened,
    /// `lifecycle { noncurrent_expire }` was removed or lengthened.
    NoncurrentExpiryLengthened,
    /// `replicate_to` went away, or names another replica: new versions are no longer copied
    /// to the old replica.
    ReplicationRemoved,
    /// `replicate_to` was added.
    ReplicationAdded,
    /// `object_lock` went away, or its retention got shorter or moved from compliance to
    /// governance: new versions can be deleted or overwritten sooner, or by more principals.
    LockWeakened,
    /// `object_lock` was added, or its retention got longer or stricter.
    LockStrengthened,
}

impl Weakening {
    /// Whether the change lets more be lost or read.
    pub fn broadens(self) -> bool {
        matches!(
            self,
            Weakening::RetainRemoved
                | Weakening::VersioningRemoved
                | Weakening::KmsRemoved
                | Weakening::ExpiryShortened
                | Weakening::NoncurrentExpiryShortened
                | Weakening::ReplicationRemoved
                | Weakening::LockWeakened
        )
    }

    /// The stable name in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Weakening::RetainRemoved => "retain_removed",
            Weakening::RetainAdded => "retain_added",
            Weakening::VersioningRemoved => "versioning_removed",
            Weakening::VersioningAdded => "versioning_added",
            Weakening::KmsRemoved => "kms_removed",
            Weakening::KmsAdded => "kms_added",
            Weakening::ExpiryShortened => "expiry_shortened",
            Weakening::ExpiryLengthened => "expiry_lengthened",
            Weakening::NoncurrentExpiryShortened => "noncurrent_expiry_shortened",
            Weakening::NoncurrentExpiryLengthened => "noncurrent_expiry_lengthened",
            Weakening::ReplicationRemoved => "replication_removed",
            Weakening::ReplicationAdded => "replication_added",
            Weakening::LockWeakened => "lock_weakened",
            Weakening::LockStrengthened => "lock_strengthened",
        }
    }

    /// What it means, for people.
    pub fn describe(self) -> &'static str {
        match self {
            Weakening::RetainRemoved => {
                "is no longer retained: deleting the stack or replacing the bucket deletes its data"
            }
            Weakening::RetainAdded => "is now retained",
            Weakening::VersioningRemoved => {
                "is no longer versioned: overwritten and deleted objects cannot be restored"
            }
            Weakening::VersioningAdded => "is now versioned",
            Weakening::KmsRemoved => {
                "no longer uses its own KMS key: reading objects needs only S3 permissions"
            }
            Weakening::KmsAdded => "now uses its own KMS key",
            Weakening::ExpiryShortened => "expires objects sooner",
            Weakening::ExpiryLengthened => "expires objects later, or no longer",
            Weakening::NoncurrentExpiryShortened => "deletes old versions sooner",
            Weakening::NoncurrentExpiryLengthened => "keeps old versions longer",
            Weakening::ReplicationRemoved => {
                "no longer replicates to its replica: new versions have no second copy there"
            }
            Weakening::ReplicationAdded => "now replicates to a replica",
            Weakening::LockWeakened => {
                "has a weaker Object Lock: new versions can be deleted or overwritten sooner"
            }
            Weakening::LockStrengthened => "has a stronger Object Lock",
        }
    }
}

/// A change found, before the bucket and location are attached: what changed, before, after.
type Found = (Weakening, String, String);

/// Every protection of the bucket that differs between `old` and `new`, in a fixed order:
/// retention, versioning, encryption, replication, Object Lock, expiry.
pub(super) fn bucket_changes(old: &Bucket, new: &Bucket, location: &Location) -> Vec<BucketChange> {
    let mut found = Vec::new();
    setting_changes(old, new, &mut found);
    replication_and_lock_changes(old, new, &mut found);
    expiry_changes(old, new, &mut found);
    found
        .into_iter()
        .map(|(change, before, after)| BucketChange {
            bucket: new.name.clone(),
            change,
            before,
            after,
            location: location.clone(),
        })
        .collect()
}

/// `true` or `false`, as written.
fn on_off(b: bool) -> String {
    if b { "true" } else { "false" }.to_owned()
}

/// A number of days as written, or `not set`.
fn days(d: Option<u32>) -> String {
    d.map_or_else(|| "not set".to_owned(), |d| format!("{d}d"))
}

/// Changes to `retain`, `versioned` and `encryption`.
fn setting_changes(old: &Bucket, new: &Bucket, found: &mut Vec<Found>) {
    let encryption = |e: Encryption| match e {
        Encryption::S3 => "s3".to_owned(),
        Encryption::Kms => "kms".to_owned(),
    };
    if old.retain != new.retain {
        let change = if new.retain {
            Weakening::RetainAdded
        } else {
            Weakening::RetainRemoved
        };
        found.push((change, on_off(old.retain), on_off(new.retain)));
    }
    if old.versioned != new.versioned {
        let change = if new.versioned {
            Weakening::VersioningAdded
        } else {
            Weakening::VersioningRemoved
        };
        found.push((change, on_off(old.versioned), on_off(new.versioned)));
    }
    if old.encryption != new.encryption {
        let change = if new.encryption == Encryption::Kms {
            Weakening::KmsAdded
        } else {
            Weakening::KmsRemoved
        };
        found.push((
            change,
            encryption(old.encryption),
            encryption(new.encryption),
        ));
    }
}

/// Changes to `replicate_to` and `object_lock`.
fn replication_and_lock_changes(old: &Bucket, new: &Bucket, found: &mut Vec<Found>) {
    let replicas =
        |b: &Bucket| -> Vec<String> { b.replicate_to.iter().map(|r| r.replica.clone()).collect() };
    let (a, b) = (replicas(old), replicas(new));
    if a != b {
        // A destination no longer named is a copy fewer, whatever else was added.
        let change = if a.iter().any(|r| !b.contains(r)) {
            Weakening::ReplicationRemoved
        } else {
            Weakening::ReplicationAdded
        };
        let shown = |r: Vec<String>| match r.as_slice() {
            [] => "not set".to_owned(),
            [one] => one.clone(),
            many => format!("[{}]", many.join(", ")),
        };
        found.push((change, shown(a), shown(b)));
    }
    if let Some(stronger) = lock_stronger(old.object_lock.as_ref(), new.object_lock.as_ref()) {
        let change = if stronger {
            Weakening::LockStrengthened
        } else {
            Weakening::LockWeakened
        };
        found.push((
            change,
            lock(old.object_lock.as_ref()),
            lock(new.object_lock.as_ref()),
        ));
    }
}

/// Changes to the soonest expiry of current objects, then of noncurrent versions.
fn expiry_changes(old: &Bucket, new: &Bucket, found: &mut Vec<Found>) {
    // A shorter expiry (or a new one) deletes sooner.
    let sooner = |old: Option<u32>, new: Option<u32>| match (old, new) {
        (None, Some(_)) => Some(true),
        (Some(_), None) => Some(false),
        (Some(a), Some(b)) if a != b => Some(b < a),
        _ => None,
    };
    // The soonest any rule expires objects (or noncurrent versions), whatever its prefix.
    let soonest = |lifecycle: &crate::check::model::Lifecycle, noncurrent: bool| {
        lifecycle
            .rules
            .iter()
            .filter_map(|r| {
                if noncurrent {
                    r.noncurrent_expire_days
                } else {
                    r.expire_days
                }
            })
            .min()
    };
    let (a, b) = (
        soonest(&old.lifecycle, false),
        soonest(&new.lifecycle, false),
    );
    if let Some(sooner) = sooner(a, b) {
        let change = if sooner {
            Weakening::ExpiryShortened
        } else {
            Weakening::ExpiryLengthened
        };
        found.push((change, days(a), days(b)));
    }
    let (a, b) = (soonest(&old.lifecycle, true), soonest(&new.lifecycle, true));
    if let Some(sooner) = sooner(a, b) {
        let change = if sooner {
            Weakening::NoncurrentExpiryShortened
        } else {
            Weakening::NoncurrentExpiryLengthened
        };
        found.push((change, days(a), days(b)));
    }
}

/// `object_lock { mode retain }` as written, or `not set`.
fn lock(lock: Option<&ObjectLock>) -> String {
    lock.map_or_else(
        || "not set".to_owned(),
        |l| {
            format!(
                "{} {}",
                l.mode.aws().to_ascii_lowercase(),
                retention_text(l.retain)
            )
        },
    )
}

/// A default retention as written: `30d`, `1y`.
fn retention_text(retention: Retention) -> String {
    match retention {
        Retention::Days(d) => format!("{d}d"),
        Retention::Years(y) => format!("{y}y"),
    }
}

/// Whether the new Object Lock is stronger (`Some(true)`), weaker (`Some(false)`) or the
/// same. A lock that mixes a stricter mode with a shorter period (or the reverse) counts as
/// weaker: some versions are less protected than before.
fn lock_stronger(old: Option<&ObjectLock>, new: Option<&ObjectLock>) -> Option<bool> {
    let days = |r: Retention| match r {
        Retention::Days(d) => u64::from(d),
        Retention::Years(y) => u64::from(y) * 365,
    };
    let strict = |m: LockMode| m == LockMode::Compliance;
    match (old, new) {
        (None, None) => None,
        (None, Some(_)) => Some(true),
        (Some(_), None) => Some(false),
        (Some(a), Some(b)) => {
            let (da, db) = (days(a.retain), days(b.retain));
            let (sa, sb) = (strict(a.mode), strict(b.mode));
            if da == db && sa == sb {
                None
            } else {
                Some(db >= da && sb >= sa)
            }
        }
    }
}

#[cfg(test)]
mod lock_tests {
    use super::*;

    fn lock(mode: LockMode, retain: Retention) -> ObjectLock {
        ObjectLock {
            span: crate::source::Span::new(crate::source::FileId(0), 0, 0),
            mode,
            retain,
        }
    }

    #[test]
    fn object_lock_changes_are_ordered_by_mode_and_period() {
        let governance_30d = lock(LockMode::Governance, Retention::Days(30));
        let compliance_30d = lock(LockMode::Compliance, Retention::Days(30));
        let compliance_1y = lock(LockMode::Compliance, Retention::Years(1));
        let governance_2y = lock(LockMode::Governance, Retention::Years(2));
        let same = lock(LockMode::Compliance, Retention::Days(365));
        assert_eq!(lock_stronger(None, Some(&governance_30d)), Some(true));
        assert_eq!(lock_stronger(Some(&governance_30d), None), Some(false));
        assert_eq!(
            lock_stronger(Some(&governance_30d), Some(&compliance_30d)),
            Some(true)
        );
        assert_eq!(
            lock_stronger(Some(&compliance_1y), Some(&compliance_30d)),
            Some(false)
        );
        // A year is 365 days: the same protection, written differently.
        assert_eq!(lock_stronger(Some(&compliance_1y), Some(&same)), None);
        // Longer but looser: some versions lose protection, so it counts as weaker.
        assert_eq!(
            lock_stronger(Some(&compliance_1y), Some(&governance_2y)),
            Some(false)
        );
    }
}
