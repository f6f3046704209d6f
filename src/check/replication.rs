//! A bucket's `replicate_to = other` (or a list of destinations, one replication rule each):
//! the replicas named once each, versioning on both sides, encryption that both sides must
//! share (E0326), and regions.

use super::body::Body;
use super::bucket::TargetBucket;
use super::checker::Checker;
use super::limits;
use super::model::{Bucket, Encryption, Replication};
use super::words::list;
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::ast::ValueKind;

impl<'a> Checker<'a> {
    /// `replicate_to = replica` or `replicate_to = [replica, vault]`: the names only, each
    /// destination once (E0344) and at most S3's rules per configuration (E0345);
    /// [`Checker::check_replication`] resolves them.
    pub(super) fn replicate_to(&mut self, body: &Body<'a>) -> Vec<Replication> {
        let Some(attribute) = body.attributes.get("replicate_to") else {
            return Vec::new();
        };
        let values = match &attribute.value.kind {
            ValueKind::List(values) => values.iter().collect(),
            _ => vec![&attribute.value],
        };
        let mut destinations: Vec<Replication> = Vec::new();
        for value in values {
            let ValueKind::Word(w) = &value.kind else {
                self.wrong_type(value, &value.kind, "the name of a bucket, like `replica`");
                continue;
            };
            if w.contains('.') {
                self.wrong_type(value, &value.kind, "the name of a bucket, like `replica`");
                continue;
            }
            if let Some(first) = destinations.iter().find(|r| &r.replica == w) {
                self.error(
                    Diagnostic::new(
                        Code::E0344,
                        format!("`{w}` is named twice in `replicate_to`"),
                        value.span,
                        "named again here",
                    )
                    .with_label(first.replica_span, "first named here")
                    .with_note("each destination gets one replication rule; a second would copy every object to the same bucket again")
                    .with_help(format!("remove the second `{w}`")),
                );
                continue;
            }
            destinations.push(Replication {
                replica: w.clone(),
                span: attribute.span,
                replica_span: value.span,
            });
        }
        let limit = limits::REPLICATION_RULES;
        if destinations.len() as u64 > limit.max {
            self.error(
                Diagnostic::new(
                    Code::E0345,
                    format!(
                        "`replicate_to` names {} destinations, more than S3's {}",
                        destinations.len(),
                        limit.max
                    ),
                    destinations[usize::try_from(limit.max).expect("a small limit")].replica_span,
                    format!(
                        "destination {}: S3 takes {} rules, one per destination",
                        limit.max + 1,
                        limit.max
                    ),
                )
                .with_note(format!(
                    "a bucket's replication configuration holds at most {} rules (see {})",
                    limit.max, limit.source
                ))
                .with_help(format!(
                    "name at most {} destinations, or split them over several source buckets",
                    limit.max
                )),
            );
        }
        destinations
    }

    /// Each `replicate_to`: the replica is another bucket, both sides are versioned, a locked
    /// source has a locked replica, and the features drc does not combine with replication yet
    /// are absent.
    pub(super) fn check_replication(&mut self, buckets: &[Bucket]) {
        for (source, replication) in buckets
            .iter()
            .flat_map(|b| b.replicate_to.iter().map(move |r| (b, r)))
        {
            if source.existing.is_some() {
                continue; // E0333 already said this setting cannot be used
            }
            let target = TargetBucket {
                name: &replication.replica,
                span: replication.replica_span,
                why: "a bucket replicates to another bucket",
                what: "a replica",
                existing_help: "make sure it is versioned",
                other_account: true,
            };
            let Some(replica) = self.target_bucket(buckets, source, &target, || {
                Diagnostic::new(
                    Code::E0324,
                    format!("bucket `{}` replicates to itself", source.name),
                    replication.replica_span,
                    "the replica must be another bucket",
                )
                .with_help("declare a replica, `bucket replica { versioned = true }`, and write `replicate_to = replica`")
            }) else {
                continue;
            };
            // A replica in another account is configured by its owner (docs/deploying.md):
            // drc checks only what the stack decides, the source's versioning and the key.
            let other_account = replica.existing.is_some();
            let unversioned: Vec<&Bucket> = [source, replica]
                .into_iter()
                .filter(|b| !b.versioned && b.existing.is_none())
                .collect();
            if !unversioned.is_empty() {
                let mut d = Diagnostic::new(
                    Code::E0325,
                    "replication needs versioning on both buckets",
                    replication.span,
                    "replication turned on here",
                )
                .with_note("S3 replicates object versions, so both the source and the replica must be versioned");
                for bucket in &unversioned {
                    d = d.with_label(bucket.span, format!("`{}` is not versioned", bucket.name));
                }
                let names = list(unversioned.iter().map(|b| b.name.as_str()));
                self.error(d.with_help(format!("add `versioned = true` to {names}")));
            }
            if other_account {
                self.other_account_key(source, replica, replication);
                continue;
            }
            if source.object_lock.is_some() && replica.object_lock.is_none() {
                self.error(
                    Diagnostic::new(
                        Code::E0327,
                        "replica of a bucket with Object Lock has no Object Lock",
                        replica.span,
                        format!("`{}` has no `object_lock`", replica.name),
                    )
                    .with_label(source.span, format!("`{}` has `object_lock`", source.name))
                    .with_label(replication.span, "replication turned on here")
                    .with_note("S3 replicates locked object versions only to a bucket with Object Lock, where they keep their retention")
                    .with_help(format!(
                        "add an `object_lock` block to `{}`, like the one of `{}`",
                        replica.name, source.name
                    )),
                );
            }
            if source.encryption != replica.encryption {
                self.encryption_mismatch(source, replica, replication);
            }
        }
    }

    /// E0326 for a replica in another account: a KMS-encrypted source needs the replica's
    /// `key` (S3 encrypts each replica with it); an SSE-S3 source keeps SSE-S3 on its replicas,
    /// so a `key` there would protect nothing replication writes.
    fn other_account_key(&mut self, source: &Bucket, replica: &Bucket, replication: &Replication) {
        let key = replica.existing.as_ref().and_then(|e| e.key.as_ref());
        let d = match (source.encryption, key) {
            (Encryption::Kms, None) => Diagnostic::new(
                Code::E0326,
                format!(
                    "`{}` is encrypted with a KMS key but its replica `{}` names none",
                    source.name, replica.name
                ),
                source.encryption_span.unwrap_or(source.span),
                "encrypted with a KMS key here",
            )
            .with_label(replication.span, "replication turned on here")
            .with_note("S3 replicates SSE-KMS objects only when the replication names a key in the replica's region to encrypt the replicas with (see https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html)")
            .with_help(format!(
                "add `key = \"arn:aws:kms:...\"` to `{}`: the key its owner lets this stack's replication role use",
                replica.name
            )),
            (Encryption::S3, Some(_)) => Diagnostic::new(
                Code::E0326,
                format!(
                    "`{}` names a KMS key but its source `{}` is not encrypted with one",
                    replica.name, source.name
                ),
                replica.span,
                "a replica with a key",
            )
            .with_label(replication.span, "replication turned on here")
            .with_note("S3 keeps the encryption of the source object on its replica, so replicas of SSE-S3 objects would not use the replica's key (see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html#bucket-key-replication)")
            .with_help(format!(
                "add `encryption = kms` to `{}`, or remove `key` from `{}`",
                source.name, replica.name
            )),
            _ => return,
        };
        self.error(d);
    }

    /// E0326: a replica whose encryption is not its source's. A KMS-encrypted source needs a
    /// key on the replica (S3 replicates SSE-KMS objects only with a replica key); an
    /// SSE-S3 source keeps SSE-S3 on its replicas, so a replica key would protect nothing
    /// replication writes.
    pub(super) fn encryption_mismatch(
        &mut self,
        source: &Bucket,
        replica: &Bucket,
        replication: &Replication,
    ) {
        let (keyed, plain) = if source.encryption == Encryption::Kms {
            (source, replica)
        } else {
            (replica, source)
        };
        let d = Diagnostic::new(
            Code::E0326,
            format!(
                "`{}` is encrypted with a KMS key but its {} `{}` is not",
                keyed.name,
                if keyed.name == source.name {
                    "replica"
                } else {
                    "source"
                },
                plain.name
            ),
            keyed.encryption_span.unwrap_or(keyed.span),
            "encrypted with a KMS key here",
        )
        .with_label(replication.span, "replication turned on here");
        let d = if keyed.name == source.name {
            d.with_note("S3 replicates SSE-KMS objects only when the replication names a key in the replica's region to encrypt the replicas with (see https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html)")
                .with_help(format!("add `encryption = kms` to `{}`: drc creates its key and lets replication use both keys", replica.name))
        } else {
            d.with_note("S3 keeps the encryption of the source object on its replica, so replicas of SSE-S3 objects would not use the replica's key (see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html#bucket-key-replication)")
                .with_help(format!("add `encryption = kms` to `{}` as well, or remove it from `{}`", source.name, replica.name))
        };
        self.error(d);
    }
}
