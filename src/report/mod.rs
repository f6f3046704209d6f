//! Diagnostics for tools rather than terminals: one JSON object per line in the shape of
//! rustc's JSON diagnostics ([`mod@json`]), or a SARIF 2.1.0 log for code scanning ([`sarif`]);
//! and the warnings `allow` lines silenced, as text and JSON for `drc explain`.
//!
//! Every format says where a diagnostic points in the units its readers count in: byte
//! offsets, and 1-based lines and columns (columns in characters, the end one past the last
//! character), through [`Position`]. Like the rest of the library, these functions return
//! text or values; the CLI prints them.

pub mod json;
pub mod sarif;

use crate::check::Silenced;
use crate::diagnostics::Diagnostic;
use crate::source::{SourceMap, Span};
use serde_json::{Value, json};
use std::fmt::Write as _;

/// Where a span is, in bytes and in lines and columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position<'a> {
    /// The file's name, as given.
    pub file: &'a str,
    /// The first byte.
    pub byte_start: usize,
    /// One past the last byte.
    pub byte_end: usize,
    /// The line of the first character, from 1.
    pub line_start: usize,
    /// The column of the first character, in characters, from 1.
    pub column_start: usize,
    /// The line of the end.
    pub line_end: usize,
    /// The column one past the last character.
    pub column_end: usize,
}

impl<'a> Position<'a> {
    /// The position of `span` in its file.
    pub fn of(sources: &'a SourceMap, span: Span) -> Self {
        let file = sources.get(span.file);
        let (line_start, column_start) = file.line_col(span.start as usize);
        let (line_end, column_end) = file.line_col(span.end as usize);
        Position {
            file: &file.name,
            byte_start: span.start as usize,
            byte_end: span.end as usize,
            line_start,
            column_start,
            line_end,
            column_end,
        }
    }
}

/// Where a diagnostic's "did you mean" applies: the span of the wrong text, found once
/// inside the primary label's span or else a secondary one's, and what to write there.
pub fn replacement<'d>(diagnostic: &'d Diagnostic, sources: &SourceMap) -> Option<(Span, &'d str)> {
    let suggestion = diagnostic.suggestion.as_ref()?;
    let wrong = suggestion.wrong.as_str();
    if wrong.is_empty() {
        return None;
    }
    let labels = std::iter::once(&diagnostic.primary).chain(&diagnostic.secondary);
    labels.into_iter().find_map(|label| {
        let text = sources.get(label.span.file).slice(label.span);
        let at = text.find(wrong)?;
        if text[at + wrong.len()..].contains(wrong) {
            return None;
        }
        let start = label.span.start as usize + at;
        Some((
            Span::new(label.span.file, start, start + wrong.len()),
            suggestion.replacement.as_str(),
        ))
    })
}

/// The silenced warnings, for `drc explain`: each with where it points, the `allow` line
/// and its reason. Empty when nothing was silenced.
pub fn silenced_text(silenced: &[Silenced], sources: &SourceMap) -> String {
    let mut text = String::new();
    if silenced.is_empty() {
        return text;
    }
    text.push_str("silenced warnings\n");
    for s in silenced {
        let _ = writeln!(
            text,
            "  {} at {}: {}\n    allowed at {}: \"{}\"",
            s.warning.code.as_str(),
            sources.location(s.warning.primary.span),
            s.warning.message,
            sources.location(s.allow),
            s.reason
        );
    }
    text
}

/// The silenced warnings as JSON, for `drc explain --format json`.
pub fn silenced_json(silenced: &[Silenced], sources: &SourceMap) -> Value {
    let location = |span: Span| {
        let p = Position::of(sources, span);
        json!({ "file": p.file, "line": p.line_start, "column": p.column_start })
    };
    silenced
        .iter()
        .map(|s| {
            json!({
                "code": s.warning.code.as_str(),
                "message": s.warning.message,
                "location": location(s.warning.primary.span),
                "allow": { "location": location(s.allow), "reason": s.reason },
            })
        })
        .collect()
}
