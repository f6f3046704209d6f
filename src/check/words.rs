//! The words diagnostics use: a value described by its type (`a duration`), shown as written,
//! lists of names (`` `s3` or `kms` ``) and articles.

use super::units;
use crate::syntax::ast::{StrPart, ValueKind};

/// How a value reads in "found ...".
pub(super) fn describe(kind: &ValueKind) -> &'static str {
    match kind {
        ValueKind::Str(_) => "a string",
        ValueKind::Int(_) => "a number",
        ValueKind::Bool(_) => "a boolean",
        ValueKind::Quantity(_, unit) if units::is_duration_unit(unit) => "a duration",
        ValueKind::Quantity(_, unit) if units::is_size_unit(unit) => "a size",
        ValueKind::Quantity(..) => "a number with a unit",
        ValueKind::Word(w) if w.contains('.') => "a reference",
        ValueKind::Word(_) => "a name",
        ValueKind::Interpolated(_) => "a string with parameters",
        ValueKind::List(_) => "a list",
    }
}

/// A value written back as source text (for "quote it" help).
pub(super) fn value_text(kind: &ValueKind) -> String {
    match kind {
        ValueKind::Str(s) | ValueKind::Word(s) => s.clone(),
        ValueKind::Int(n) => n.to_string(),
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::Quantity(n, u) => format!("{n}{u}"),
        ValueKind::Interpolated(parts) => parts
            .iter()
            .map(|part| match part {
                StrPart::Literal(text) => text.replace("${", "$${"),
                StrPart::Param(name) => format!("${{{}}}", name.text),
            })
            .collect(),
        ValueKind::List(values) => format!(
            "[{}]",
            values
                .iter()
                .map(|v| value_text(&v.kind))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// "`a`, `b` and `c`"
pub(super) fn list<'s>(words: impl IntoIterator<Item = &'s str>) -> String {
    let words: Vec<String> = words.into_iter().map(|w| format!("`{w}`")).collect();
    match words.as_slice() {
        [] => "none".to_owned(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "a bucket", "an item"
pub(super) fn article(word: &str) -> String {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an `{word}`")
    } else {
        format!("a `{word}`")
    }
}
