//! A bucket's `object_lock { mode = ..., retain = ... }`: the lock mode and default retention.

use super::body::Body;
use super::checker::Checker;
use super::limits;
use super::model::{LockMode, ObjectLock, Retention};
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::ast::{Ident, Nested, ValueKind};

pub(super) const OBJECT_LOCK_ATTRIBUTES: &[&str] = &["mode", "retain"];
pub(super) const LOCK_MODES: &[&str] = &["governance", "compliance"];
impl<'a> Checker<'a> {
    /// `object_lock { mode = compliance  retain = 30d }`
    pub(super) fn object_lock(
        &mut self,
        bucket: &Ident,
        nested: &'a Nested,
        versioned: bool,
    ) -> Option<ObjectLock> {
        let inner = self.body(
            &nested.body,
            OBJECT_LOCK_ATTRIBUTES,
            &[],
            false,
            "object_lock",
        );
        for (key, example) in [("mode", "mode = governance"), ("retain", "retain = 30d")] {
            if !inner.attributes.contains_key(key) {
                self.error(
                    Diagnostic::new(
                        Code::E0205,
                        format!("`object_lock` has no `{key}`"),
                        nested.name.span,
                        format!("missing `{key}`"),
                    )
                    .with_note("S3 needs both a mode and a retention period for default retention")
                    .with_help(format!("add `{example}` to the block")),
                );
            }
        }
        if !versioned {
            self.error(
                Diagnostic::new(
                    Code::E0323,
                    "object lock needs a versioned bucket",
                    nested.name.span,
                    "object lock turned on here",
                )
                .with_label(bucket.span, "this bucket is not versioned")
                .with_note("S3 locks object versions, so Object Lock requires versioning")
                .with_help("add `versioned = true` to the bucket"),
            );
        }
        let mode = match self.word(&inner, "mode", LOCK_MODES) {
            Some(("compliance", _)) => Some(LockMode::Compliance),
            Some(_) => Some(LockMode::Governance),
            None => None,
        };
        let retain = self.retention(&inner);
        Some(ObjectLock {
            span: nested.name.span,
            mode: mode?,
            retain: retain?,
        })
    }

    /// `retain = 30d` (days) or `retain = 7y` (years, as S3 counts them).
    pub(super) fn retention(&mut self, inner: &Body<'a>) -> Option<Retention> {
        let value = &inner.attributes.get("retain")?.value;
        if let ValueKind::Quantity(years, unit) = &value.kind
            && unit == "y"
        {
            return self
                .in_range(
                    *years,
                    value.span,
                    limits::OBJECT_LOCK_YEARS,
                    "years",
                    "retain",
                )
                .map(|y| Retention::Years(u32::try_from(y).expect("limit fits in u32")));
        }
        self.whole_days(inner, "retain", limits::OBJECT_LOCK_DAYS)
            .map(|(days, _)| Retention::Days(days))
    }
}
