//! `--message-format json`: one JSON object per line, in the shape of rustc's JSON
//! diagnostics (the `message` of cargo's `compiler-message`), so tools that read those read
//! drc's.
//!
//! ```text
//! {"$message_type":"diagnostic","message":"no bucket named `dta`","code":{"code":"E0401",...},
//!  "level":"error","spans":[{"file_name":"stack.dr","byte_start":120,"byte_end":123,
//!  "line_start":9,"line_end":9,"column_start":7,"column_end":10,"is_primary":true,
//!  "text":[...],"label":"not defined in this stack","suggested_replacement":null,...}],
//!  "children":[{"message":"did you mean `data`?","level":"help","spans":[{...,
//!  "suggested_replacement":"data","suggestion_applicability":"MaybeIncorrect"}],...}],
//!  "rendered":"error[E0401]: ..."}
//! ```
//!
//! Secondary labels are further spans with `is_primary: false`; notes and the help are
//! `children`. Every diagnostic is a line with `"$message_type": "diagnostic"`, in reading
//! order; then each warning an `allow` silenced, with `"$message_type": "silenced"` and an
//! `allow` object (its span and reason); then one `"$message_type": "summary"` line with the
//! counts.

use super::{Position, replacement};
use crate::check::Silenced;
use crate::diagnostics::{Diagnostic, Label, Severity};
use crate::source::{SourceMap, Span};
use serde_json::{Value, json};

/// The JSON lines for a compilation's diagnostics and the warnings it silenced.
pub fn lines(diagnostics: &[Diagnostic], silenced: &[Silenced], sources: &SourceMap) -> String {
    let mut out = String::new();
    let mut push = |value: &Value| {
        out.push_str(&value.to_string());
        out.push('\n');
    };
    for d in diagnostics {
        push(&diagnostic(d, sources));
    }
    for s in silenced {
        let mut value = diagnostic(&s.warning, sources);
        value["$message_type"] = json!("silenced");
        value["allow"] = json!({
            "reason": s.reason,
            "span": span(sources, s.allow, true, Some("allowed here"), None),
        });
        push(&value);
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    push(&json!({
        "$message_type": "summary",
        "errors": errors,
        "warnings": diagnostics.len() - errors,
        "silenced": silenced.len(),
        "success": errors == 0,
    }));
    out
}

/// One diagnostic as rustc writes it.
pub fn diagnostic(d: &Diagnostic, sources: &SourceMap) -> Value {
    let label = |l: &Label, primary: bool| span(sources, l.span, primary, Some(&l.message), None);
    let spans: Vec<Value> = std::iter::once(label(&d.primary, true))
        .chain(d.secondary.iter().map(|l| label(l, false)))
        .collect();
    let mut children: Vec<Value> = d
        .notes
        .iter()
        .map(|note| child("note", note, &[]))
        .collect();
    if let Some(help) = &d.help {
        let suggested: Vec<Value> = replacement(d, sources)
            .map(|(at, text)| span(sources, at, true, None, Some(text)))
            .into_iter()
            .collect();
        children.push(child("help", help, &suggested));
    }
    json!({
        "$message_type": "diagnostic",
        "message": d.message,
        "code": {
            "code": d.code.as_str(),
            "title": d.code.title(),
            "explanation": d.code.page(),
        },
        "level": level(d.severity()),
        "spans": spans,
        "children": children,
        "rendered": rendered(d, sources),
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn child(level: &str, message: &str, spans: &[Value]) -> Value {
    json!({
        "message": message,
        "code": null,
        "level": level,
        "spans": spans,
        "children": [],
        "rendered": null,
    })
}

/// A span object: where, the lines it covers with the part highlighted, its label, and the
/// text to replace it with if it carries a suggestion.
fn span(
    sources: &SourceMap,
    at: Span,
    primary: bool,
    label: Option<&str>,
    suggested: Option<&str>,
) -> Value {
    let p = Position::of(sources, at);
    let file = sources.get(at.file);
    let text: Vec<Value> = (p.line_start..=p.line_end)
        .map(|line| {
            let start = if line == p.line_start {
                p.column_start
            } else {
                1
            };
            let offset = if line == p.line_start {
                p.byte_start
            } else {
                // The first byte of a later line: where the previous line's break ends.
                let mut offset = p.byte_start;
                for _ in p.line_start..line {
                    offset += file.text[offset..].find('\n').map_or(0, |n| n + 1);
                }
                offset
            };
            let whole = file.line_text(offset);
            let end = if line == p.line_end {
                p.column_end
            } else {
                whole.chars().count() + 1
            };
            json!({ "text": whole, "highlight_start": start, "highlight_end": end })
        })
        .collect();
    json!({
        "file_name": p.file,
        "byte_start": p.byte_start,
        "byte_end": p.byte_end,
        "line_start": p.line_start,
        "line_end": p.line_end,
        "column_start": p.column_start,
        "column_end": p.column_end,
        "is_primary": primary,
        "text": text,
        "label": label,
        "suggested_replacement": suggested,
        "suggestion_applicability": suggested.map(|_| "MaybeIncorrect"),
        "expansion": null,
    })
}

/// The diagnostic as `drc check` prints it, without the summary line.
fn rendered(d: &Diagnostic, sources: &SourceMap) -> String {
    let text = crate::diagnostics::render(std::slice::from_ref(d), sources, false);
    let body = text.trim_end_matches('\n');
    match body.rsplit_once('\n') {
        Some((diagnostic, _summary)) => format!("{}\n", diagnostic.trim_end_matches('\n')),
        None => text,
    }
}
