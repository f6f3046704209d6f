//! A bucket's `lifecycle { ... }` and `lifecycle "prefix/" { ... }` blocks: transitions between
//! storage classes, expiry, noncurrent versions and aborted uploads, checked against S3's rules
//! for transitions ([`super::limits::STORAGE_CLASSES`]).

use super::body::Body;
use super::checker::Checker;
use super::limits;
use super::model::{Lifecycle, LifecycleRule, Transition};
use super::words::list;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::Ident;
use std::collections::BTreeMap;

/// The whole-bucket `lifecycle { ... }` block: a rule's attributes plus the bucket-wide abort.
pub(super) const LIFECYCLE_ATTRIBUTES: &[&str] = &[
    "standard_ia",
    "intelligent_tiering",
    "glacier_ir",
    "glacier",
    "deep_archive",
    "expire",
    "noncurrent_standard_ia",
    "noncurrent_intelligent_tiering",
    "noncurrent_glacier_ir",
    "noncurrent_glacier",
    "noncurrent_deep_archive",
    "noncurrent_expire",
    "abort_incomplete_uploads",
];
/// A `lifecycle "prefix/" { ... }` rule: everything but the bucket-wide abort, which is last.
pub(super) const LIFECYCLE_RULE_ATTRIBUTES: &[&str] = LIFECYCLE_ATTRIBUTES
    .split_at(LIFECYCLE_ATTRIBUTES.len() - 1)
    .0;
pub(super) const DEFAULT_ABORT_UPLOAD_DAYS: u32 = 7;

impl<'a> Checker<'a> {
    /// The bucket's `lifecycle` blocks: the unlabelled one (whole bucket, with the bucket-wide
    /// abort of incomplete uploads) and one per labelled prefix.
    pub(super) fn lifecycle(
        &mut self,
        bucket: &Ident,
        body: &Body<'a>,
        versioned: bool,
    ) -> Lifecycle {
        let mut abort_incomplete_upload_days = DEFAULT_ABORT_UPLOAD_DAYS;
        let mut rules = Vec::new();
        if let Some(nested) = body.blocks.get("lifecycle") {
            let inner = self.body(&nested.body, LIFECYCLE_ATTRIBUTES, &[], false, "lifecycle");
            abort_incomplete_upload_days = self
                .days(&inner, "abort_incomplete_uploads")
                .unwrap_or(DEFAULT_ABORT_UPLOAD_DAYS);
            let rule = self.lifecycle_rule(bucket, &inner, None, versioned, nested.name.span);
            if rule.has_actions() {
                rules.push(rule);
            }
        }
        let mut prefixes: BTreeMap<&str, Span> = BTreeMap::new();
        for nested in body.labelled.iter().filter(|n| n.name.text == "lifecycle") {
            let (text, span) = nested.label.as_ref().expect("labelled blocks have a label");
            let inner = self.body(&nested.body, LIFECYCLE_ATTRIBUTES, &[], false, "lifecycle");
            if let Some(abort) = inner.attributes.get("abort_incomplete_uploads") {
                self.error(
                    Diagnostic::new(
                        Code::E0202,
                        "`abort_incomplete_uploads` is bucket-wide",
                        abort.key.span,
                        format!("not valid in the rule for \"{text}\""),
                    )
                    .with_note(format!(
                        "the attributes of a prefix's rule are {}",
                        list(LIFECYCLE_RULE_ATTRIBUTES.iter().copied())
                    ))
                    .with_help("move this line into the bucket's `lifecycle { ... }` block, without a label"),
                );
            }
            if let Some(first) = prefixes.insert(text, *span) {
                self.error(
                    Diagnostic::new(
                        Code::E0212,
                        format!("two lifecycle rules for the prefix \"{text}\""),
                        *span,
                        "second rule for this prefix",
                    )
                    .with_label(first, "first rule for it")
                    .with_help("merge the two blocks into one"),
                );
                continue;
            }
            let prefix = self.lifecycle_prefix(text, *span);
            let rule = self.lifecycle_rule(bucket, &inner, prefix, versioned, *span);
            if !rule.has_actions() && inner.attributes.is_empty() {
                self.error(
                    Diagnostic::new(
                        Code::E0213,
                        format!("the lifecycle rule for \"{text}\" does nothing"),
                        nested.body.span,
                        "no transition or expiration",
                    )
                    .with_help(
                        "add a transition or an expiration, like `glacier = 30d` or `expire = 365d`, or remove the block",
                    ),
                );
            }
            rules.push(rule);
        }
        Lifecycle {
            abort_incomplete_upload_days,
            rules,
        }
    }

    /// A lifecycle rule's label: the literal start of the keys it applies to.
    pub(super) fn lifecycle_prefix(&mut self, text: &str, span: Span) -> Option<String> {
        let problem = if text.is_empty() {
            Some("an empty prefix")
        } else if text.starts_with('/') {
            Some("S3 keys do not start with `/`")
        } else if text.contains(['*', '?']) {
            Some("lifecycle prefixes are literal: `*` and `?` match only themselves")
        } else if text.len() > usize::try_from(limits::KEY_PREFIX_BYTES.max).expect("small") {
            Some("longer than the 1024 bytes an S3 key can have")
        } else {
            None
        };
        let Some(problem) = problem else {
            return Some(text.to_owned());
        };
        let help = if text.is_empty() {
            "leave the label out to apply the rule to the whole bucket: `lifecycle { ... }`"
                .to_owned()
        } else {
            format!(
                "write the literal start of the keys, like \"{}\"",
                text.trim_start_matches('/').trim_end_matches(['*', '?'])
            )
        };
        self.error(
            Diagnostic::new(
                Code::E0309,
                format!("invalid key prefix \"{text}\""),
                span,
                problem,
            )
            .with_help(help),
        );
        None
    }

    /// One lifecycle block's transitions and expirations, checked against S3's constraints.
    pub(super) fn lifecycle_rule(
        &mut self,
        bucket: &Ident,
        inner: &Body<'a>,
        prefix: Option<String>,
        versioned: bool,
        span: Span,
    ) -> LifecycleRule {
        if !versioned {
            for (key, attribute) in &inner.attributes {
                if key.starts_with("noncurrent_") {
                    self.error(
                        Diagnostic::new(
                            Code::W0002,
                            format!("`{key}` has no effect on an unversioned bucket"),
                            attribute.span,
                            "only versioned buckets have noncurrent versions",
                        )
                        .with_label(bucket.span, "this bucket is not versioned")
                        .with_help("add `versioned = true` to the bucket, or remove this line"),
                    );
                }
            }
        }
        let transitions = self.transitions(inner, "");
        let noncurrent_transitions = self.transitions(inner, "noncurrent_");
        let expire_days = self.expiration(inner, "expire", &transitions);
        let noncurrent_expire_days =
            self.expiration(inner, "noncurrent_expire", &noncurrent_transitions);
        let at = |key: &str| inner.attributes.get(key).map(|a| a.span);
        LifecycleRule {
            span,
            expire_span: at("expire"),
            noncurrent_expire_span: at("noncurrent_expire"),
            prefix,
            transitions: transitions.into_iter().map(|(t, _)| t).collect(),
            expire_days,
            noncurrent_transitions: noncurrent_transitions.into_iter().map(|(t, _)| t).collect(),
            noncurrent_expire_days,
        }
    }

    /// The transitions of one kind (`""` current, `"noncurrent_"` noncurrent versions), in
    /// waterfall order, each checked against its class's minimum and the one before it.
    pub(super) fn transitions(&mut self, inner: &Body<'a>, kind: &str) -> Vec<(Transition, Span)> {
        let mut found: Vec<(Transition, Span)> = Vec::new();
        for class in limits::STORAGE_CLASSES {
            let key = format!("{kind}{}", class.keyword);
            let Some((days, span)) = self.whole_days(inner, &key, limits::TRANSITION_DAYS) else {
                continue;
            };
            if days < class.min_days {
                self.error(
                    Diagnostic::new(
                        Code::E0320,
                        format!("`{key}` is too early"),
                        span,
                        format!(
                            "S3 moves objects to {} after at least {} days",
                            class.aws, class.min_days
                        ),
                    )
                    .with_note(format!("see {}", limits::STORAGE_CLASSES_SOURCE))
                    .with_help(format!(
                        "write `{key} = {}d` or more, or use `intelligent_tiering`, which has no minimum",
                        class.min_days
                    )),
                );
                continue;
            }
            if let Some((before, before_span)) = found.last().copied() {
                let earliest = before.days + before.class.min_stay_days.max(1);
                if days < earliest {
                    let why = if before.class.min_stay_days > 0 {
                        format!(
                            "objects must stay {} days in {} before moving on",
                            before.class.min_stay_days, before.class.aws
                        )
                    } else {
                        "each transition must come later than the one before".to_owned()
                    };
                    self.error(
                        Diagnostic::new(
                            Code::E0321,
                            format!("`{key}` must come after `{kind}{}`", before.class.keyword),
                            span,
                            format!("{days} days, but must be at least {earliest}"),
                        )
                        .with_label(
                            before_span,
                            format!("{} after {} days", before.class.aws, before.days),
                        )
                        .with_note(format!(
                            "objects only move down the storage classes {} ({why}; see {})",
                            list(limits::STORAGE_CLASSES.iter().map(|c| c.keyword)),
                            limits::STORAGE_CLASSES_SOURCE
                        ))
                        .with_help(format!(
                            "write `{key} = {earliest}d` or more, or remove one of the transitions"
                        )),
                    );
                    continue;
                }
            }
            found.push((Transition { class, days }, span));
        }
        found
    }

    /// An expiration (`expire`, `noncurrent_expire`), which must come after the last
    /// transition of the same versions.
    pub(super) fn expiration(
        &mut self,
        inner: &Body<'a>,
        key: &str,
        transitions: &[(Transition, Span)],
    ) -> Option<u32> {
        let (days, span) = self.whole_days(inner, key, limits::LIFECYCLE_DAYS)?;
        if let Some((last, last_span)) = transitions.last().copied()
            && days <= last.days
        {
            self.error(
                Diagnostic::new(
                    Code::E0322,
                    format!("`{key}` comes before the last transition"),
                    span,
                    format!("expires after {days} days"),
                )
                .with_label(
                    last_span,
                    format!("moved to {} after {} days", last.class.aws, last.days),
                )
                .with_note("S3 rejects a rule whose expiration is not later than its transitions")
                .with_help(format!(
                    "expire after {}d or more, or remove the transition",
                    last.days + 1
                )),
            );
            return None;
        }
        Some(days)
    }
}
