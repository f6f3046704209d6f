//! Typed value readers: strings, numbers, booleans, words from a list, durations and sizes
//! with their units, ranges and lengths, and the words diagnostics use to describe a value.

use super::body::Body;
use super::checker::Checker;
use super::limits::{self, Limit};
use super::units;
use super::words::{describe, list, value_text};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{Value, ValueKind};

impl<'a> Checker<'a> {
    /// A lifecycle period: a duration in whole days.
    pub(super) fn days(&mut self, body: &Body<'a>, key: &str) -> Option<u32> {
        self.whole_days(body, key, limits::LIFECYCLE_DAYS)
            .map(|(days, _)| days)
    }

    /// A duration in whole days within `limit`, with the value's span.
    pub(super) fn whole_days(
        &mut self,
        body: &Body<'a>,
        key: &str,
        limit: Limit,
    ) -> Option<(u32, Span)> {
        let (seconds, span) = self.duration(body, key)?;
        if seconds % 86_400 != 0 {
            self.error(
                Diagnostic::new(
                    Code::E0302,
                    format!("`{key}` is a whole number of days"),
                    span,
                    "not a whole number of days",
                )
                .with_help(format!(
                    "write it in days, like `{}d`",
                    (seconds / 86_400).max(1)
                )),
            );
            return None;
        }
        self.in_range(seconds / 86_400, span, limit, "days", key)
            .map(|d| (u32::try_from(d).expect("limit fits in u32"), span))
    }

    /// Reports a flexible window that is not whole minutes; `Some` when it is.
    pub(super) fn whole_minutes(&mut self, seconds: u64, span: Span, key: &str) -> Option<()> {
        if seconds % 60 == 0 {
            return Some(());
        }
        self.error(
            Diagnostic::new(
                Code::E0303,
                format!("`{key}` must be a whole number of minutes"),
                span,
                "not a whole number of minutes",
            )
            .with_note(format!(
                "EventBridge Scheduler counts the window in minutes ({})",
                limits::SCHEDULE_FLEXIBLE_WINDOW_MINUTES.source
            ))
            .with_help(format!("use `{}m`", (seconds / 60).max(1))),
        );
        None
    }

    pub(super) fn wrong_type(&mut self, value: &Value, found: &ValueKind, expected: &str) {
        let mut d = Diagnostic::new(
            Code::E0301,
            format!("expected {expected}, found {}", describe(found)),
            value.span,
            format!("expected {expected}"),
        );
        if let ValueKind::Str(s) = found {
            let as_bool = expected.contains("`true`") && (s == "true" || s == "false");
            let as_quantity = expected.contains("like `")
                && s.starts_with(|c: char| c.is_ascii_digit())
                && s.chars().all(|c| c.is_ascii_alphanumeric());
            let as_name = !expected.contains("`true`")
                && !expected.contains("like `")
                && !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
            if as_bool || as_quantity || as_name {
                d = d.with_help(format!("remove the quotes: `{s}`"));
            }
        }
        self.error(d);
    }

    pub(super) fn string(&mut self, body: &Body<'a>, key: &str) -> Option<(String, Span)> {
        let value = &body.attributes.get(key)?.value;
        match &value.kind {
            ValueKind::Str(s) => Some((s.clone(), value.span)),
            ValueKind::Interpolated(parts) => {
                self.fixed_parts(parts, value.span, &format!("`{key}`"), None)
            }
            other => {
                let mut d = Diagnostic::new(
                    Code::E0301,
                    format!("expected a string, found {}", describe(other)),
                    value.span,
                    "expected a string",
                );
                if !matches!(other, ValueKind::Str(_)) {
                    let text = &value_text(other);
                    d = d.with_help(format!("quote it: `\"{text}\"`"));
                }
                self.error(d);
                None
            }
        }
    }

    pub(super) fn integer(&mut self, body: &Body<'a>, key: &str) -> Option<(u64, Span)> {
        let value = &body.attributes.get(key)?.value;
        match &value.kind {
            ValueKind::Int(n) => Some((*n, value.span)),
            other => {
                self.wrong_type(value, other, "a whole number");
                None
            }
        }
    }

    /// The bare name of another item: `on_failure = failures`.
    pub(super) fn target_name(
        &mut self,
        body: &Body<'a>,
        key: &str,
        expected: &str,
    ) -> Option<(String, Span)> {
        let value = &body.attributes.get(key)?.value;
        match &value.kind {
            ValueKind::Word(w) if !w.contains('.') => Some((w.clone(), value.span)),
            other => {
                self.wrong_type(value, other, expected);
                None
            }
        }
    }

    pub(super) fn boolean(&mut self, body: &Body<'a>, key: &str) -> Option<bool> {
        let value = &body.attributes.get(key)?.value;
        match &value.kind {
            ValueKind::Bool(b) => Some(*b),
            other => {
                self.wrong_type(value, other, "`true` or `false`");
                None
            }
        }
    }

    pub(super) fn word(
        &mut self,
        body: &Body<'a>,
        key: &str,
        options: &[&'static str],
    ) -> Option<(&'static str, Span)> {
        let value = &body.attributes.get(key)?.value;
        let (ValueKind::Word(w) | ValueKind::Str(w)) = &value.kind else {
            self.wrong_type(
                value,
                &value.kind,
                &format!("one of {}", list(options.iter().copied())),
            );
            return None;
        };
        if let Some(option) = options.iter().find(|o| **o == w) {
            return Some((option, value.span));
        }
        self.error(
            Diagnostic::new(
                Code::E0304,
                format!("unknown {key} `{w}`"),
                value.span,
                format!("not a valid `{key}`"),
            )
            .with_note(format!(
                "`{key}` is one of {}",
                list(options.iter().copied())
            ))
            .with_suggestion(w, options.iter().copied()),
        );
        None
    }

    /// A quantity of the expected family (duration or size), converted by `convert`.
    pub(super) fn quantity(
        &mut self,
        body: &Body<'a>,
        key: &str,
        family: &str,
        example: &str,
        convert: fn(u64, &str) -> Option<u64>,
        family_units: fn() -> Box<dyn Iterator<Item = &'static str>>,
    ) -> Option<(u64, Span)> {
        let value = &body.attributes.get(key)?.value;
        let (number, unit) = match &value.kind {
            ValueKind::Quantity(n, u) => (*n, u.as_str()),
            ValueKind::Int(_) => {
                self.error(
                    Diagnostic::new(
                        Code::E0302,
                        format!("`{key}` needs a unit"),
                        value.span,
                        "a number without a unit",
                    )
                    .with_help(format!("write {family} like `{example}`")),
                );
                return None;
            }
            other => {
                self.wrong_type(value, other, &format!("{family} like `{example}`"));
                return None;
            }
        };
        if let Some(converted) = convert(number, unit) {
            return Some((converted, value.span));
        }
        if family_units().any(|u| u == unit) {
            self.error(
                Diagnostic::new(
                    Code::E0303,
                    format!("`{key}` is far too large"),
                    value.span,
                    "this overflows",
                )
                .with_help(format!("write {family} like `{example}`")),
            );
            return None;
        }
        let other_family = if units::is_duration_unit(unit) {
            Some("a duration")
        } else if units::is_size_unit(unit) {
            Some("a size")
        } else {
            None
        };
        let d = match other_family {
            Some(other) => Diagnostic::new(
                Code::E0302,
                format!("`{key}` is {family}, but `{number}{unit}` is {other}"),
                value.span,
                format!("expected {family} like `{example}`"),
            )
            .with_help(format!("write {family} like `{example}`")),
            None => Diagnostic::new(
                Code::E0302,
                format!("unknown unit `{unit}`"),
                value.span,
                format!("expected {family} like `{example}`"),
            )
            .with_note(format!("units of {family}: {}", list(family_units())))
            .with_suggestion_if(
                |near| near.eq_ignore_ascii_case(unit),
                unit,
                family_units(),
            ),
        };
        self.error(d);
        None
    }

    pub(super) fn duration(&mut self, body: &Body<'a>, key: &str) -> Option<(u64, Span)> {
        self.quantity(body, key, "a duration", "24h", units::seconds, || {
            Box::new(units::duration_units())
        })
    }

    pub(super) fn size(&mut self, body: &Body<'a>, key: &str) -> Option<(u64, Span)> {
        self.quantity(body, key, "a size", "256MB", units::megabytes, || {
            Box::new(units::size_units())
        })
    }

    pub(super) fn in_range(
        &mut self,
        value: u64,
        span: Span,
        limit: Limit,
        unit: &str,
        key: &str,
    ) -> Option<u64> {
        if (limit.min..=limit.max).contains(&value) {
            return Some(value);
        }
        let units = |n: u64| {
            if n == 1 {
                format!("1 {}", unit.trim_end_matches('s'))
            } else {
                format!("{n} {unit}")
            }
        };
        let bound = if value < limit.min {
            format!("at least {}", units(limit.min))
        } else {
            format!("at most {}", units(limit.max))
        };
        self.error(
            Diagnostic::new(
                Code::E0303,
                format!("`{key}` is out of range"),
                span,
                format!("{}; must be {bound}", units(value)),
            )
            .with_note(format!(
                "AWS accepts {} to {} {unit} ({})",
                limit.min, limit.max, limit.source
            ))
            .with_help(format!(
                "use a value from {} to {} {unit}",
                limit.min, limit.max
            )),
        );
        None
    }

    pub(super) fn check_length(&mut self, text: &str, span: Span, limit: Limit, what: &str) {
        if text.len() as u64 > limit.max {
            self.error(
                Diagnostic::new(
                    Code::E0303,
                    format!("{what} is too long"),
                    span,
                    format!("{} characters", text.len()),
                )
                .with_note(format!(
                    "AWS accepts at most {} ({})",
                    limit.max, limit.source
                ))
                .with_help("shorten it"),
            );
        }
    }
}
