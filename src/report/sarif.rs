//! `--message-format sarif`: the diagnostics as one SARIF 2.1.0 log, the format GitHub code
//! scanning uploads (`github/codeql-action/upload-sarif`) and other review tools read.
//!
//! One run, whose tool is drc with a rule per code that occurs (its title, its page as help,
//! its level), and a result per diagnostic: the primary label is the location, secondary
//! labels are related locations, notes and help follow the message, and a "did you mean"
//! is a fix. A warning an `allow` silenced is a result with an in-source suppression and
//! its reason, so code scanning shows it as suppressed rather than losing it. Regions give
//! lines and columns (columns in Unicode code points, as `columnKind` says) and byte
//! offsets; file names are relative URI references, as code scanning expects paths
//! relative to the repository.

use super::{Position, replacement};
use crate::check::Silenced;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::source::{SourceMap, Span};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// The schema the log names (the OASIS standard with its errata).
pub const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The SARIF log of a compilation's diagnostics and the warnings it silenced.
pub fn log(diagnostics: &[Diagnostic], silenced: &[Silenced], sources: &SourceMap) -> Value {
    let codes: BTreeSet<Code> = diagnostics
        .iter()
        .map(|d| d.code)
        .chain(silenced.iter().map(|s| s.warning.code))
        .collect();
    let codes: Vec<Code> = codes.into_iter().collect();
    let index = |code: Code| codes.binary_search(&code).expect("every code has a rule");
    let mut results: Vec<Value> = diagnostics
        .iter()
        .map(|d| result(d, index(d.code), sources))
        .collect();
    results.extend(silenced.iter().map(|s| {
        let mut value = result(&s.warning, index(s.warning.code), sources);
        value["suppressions"] = json!([{
            "kind": "inSource",
            "justification": s.reason,
            "location": location(sources, s.allow, Some("allowed here")),
        }]);
        value
    }));
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "drc",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": codes.iter().map(|&code| rule(code)).collect::<Vec<_>>(),
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// A code as a rule: its title, the first paragraph of its page, the page as help.
fn rule(code: Code) -> Value {
    let page = code.page();
    let summary = page
        .split("\n\n")
        .nth(1)
        .map_or(code.title(), str::trim)
        .replace('\n', " ");
    json!({
        "id": code.as_str(),
        "shortDescription": { "text": code.title() },
        "fullDescription": { "text": summary },
        "help": { "text": page, "markdown": page },
        "defaultConfiguration": { "level": level(code.severity()) },
        "properties": { "tags": [if code.severity() == Severity::Error { "error" } else { "warning" }] },
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// One diagnostic as a result.
fn result(d: &Diagnostic, rule_index: usize, sources: &SourceMap) -> Value {
    let mut text = format!("{}: {}", d.message, d.primary.message);
    for note in &d.notes {
        text.push_str("\nnote: ");
        text.push_str(note);
    }
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let mut value = json!({
        "ruleId": d.code.as_str(),
        "ruleIndex": rule_index,
        "level": level(d.severity()),
        "message": { "text": text },
        "locations": [location(sources, d.primary.span, None)],
    });
    if !d.secondary.is_empty() {
        let related: Vec<Value> = d
            .secondary
            .iter()
            .enumerate()
            .map(|(id, label)| {
                let mut related = location(sources, label.span, Some(&label.message));
                related["id"] = json!(id);
                related
            })
            .collect();
        value["relatedLocations"] = json!(related);
    }
    if let Some((at, replacement)) = replacement(d, sources) {
        let p = Position::of(sources, at);
        value["fixes"] = json!([{
            "description": { "text": format!("write `{replacement}`") },
            "artifactChanges": [{
                "artifactLocation": { "uri": uri(p.file) },
                "replacements": [{
                    "deletedRegion": region(&p),
                    "insertedContent": { "text": replacement },
                }],
            }],
        }]);
    }
    value
}

/// A location object: the file and region, and an optional message.
fn location(sources: &SourceMap, span: Span, message: Option<&str>) -> Value {
    let p = Position::of(sources, span);
    let file = sources.get(span.file);
    let mut region = region(&p);
    region["snippet"] = json!({ "text": file.line_text(p.byte_start) });
    let mut value = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(p.file) },
            "region": region,
        }
    });
    if let Some(message) = message {
        value["message"] = json!({ "text": message });
    }
    value
}

fn region(p: &Position) -> Value {
    json!({
        "startLine": p.line_start,
        "startColumn": p.column_start,
        "endLine": p.line_end,
        "endColumn": p.column_end,
        "byteOffset": p.byte_start,
        "byteLength": p.byte_end - p.byte_start,
    })
}

/// A file name as a URI reference: relative names stay relative (code scanning resolves
/// them against the repository), absolute ones become `file://` URIs, and every byte that
/// may not stand in a path is percent-encoded (`<stdin>` is `%3Cstdin%3E`).
pub fn uri(name: &str) -> String {
    let path = name.replace('\\', "/");
    let mut out = String::new();
    let drive = path.as_bytes().get(1) == Some(&b':')
        && path.starts_with(|c: char| c.is_ascii_alphabetic());
    if path.starts_with('/') {
        out.push_str("file://");
    } else if drive {
        out.push_str("file:///");
    }
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}
