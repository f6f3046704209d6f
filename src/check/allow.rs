//! `allow W0105 "reason"`: silencing one warning where it is meant, with the reason written
//! beside it.
//!
//! ```dr
//! bucket access_logs {
//!   retain = true
//!   allow W0105 "access logs are never overwritten: S3 writes each log object once"
//! }
//! ```
//!
//! The grammar reads the line as a verb statement (`allow` acting on `W0105`, with a string);
//! [`Body`](super::body::Body) leaves such lines out of every block, and this room reads them
//! from the syntax trees of the stack. An `allow` silences the warnings of its code whose
//! primary label points into the block it is written in: an item's whole declaration, or a
//! nested block such as one `lifecycle` rule. Each silenced warning is kept, with the reason,
//! in [`Program::silenced`](super::model::Program::silenced), so `drc explain` and the
//! machine-readable outputs can list what was silenced.
//!
//! An `allow` must name a warning code (`E0224` otherwise) and give a non-empty reason
//! (`E0225`). On a stack without errors, an `allow` that silences nothing is a warning
//! itself (`W0003`), so stale allows do not pile up.

use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::source::Span;
use crate::syntax::ast::{Ast, Block, Entry, Verb};

/// The keyword of the statement.
pub(super) const KEYWORD: &str = "allow";

/// A warning an `allow` line silenced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Silenced {
    /// The warning as it would have been reported.
    pub warning: Diagnostic,
    /// The `allow` line that silenced it.
    pub allow: Span,
    /// The reason the line gives.
    pub reason: String,
}

/// One `allow` line and where it applies.
struct Allow<'a> {
    statement: &'a Verb,
    /// The warning it names, when it names one that can be allowed.
    code: Option<Code>,
    /// The block it is written in: the whole item for a line of the item's own block.
    scope: Span,
    /// `bucket `logs`` or `lifecycle rule of bucket `logs``, for messages.
    place: String,
    used: bool,
}

/// Checks every `allow` line of the stack `asts`, then moves the warnings they silence from
/// `diagnostics` into the returned list. Unless `diagnostics` hold an error, an `allow` that
/// silenced nothing is reported (`W0003`).
pub(super) fn apply(asts: &[&Ast], diagnostics: &mut Vec<Diagnostic>) -> Vec<Silenced> {
    let mut allows = Vec::new();
    for item in asts.iter().flat_map(|ast| &ast.items) {
        let place = format!("{} `{}`", item.kind.text, item.name.text);
        collect(&item.body, item.span, &place, &mut allows);
    }
    for allow in &mut allows {
        allow.code = validate(allow.statement, diagnostics);
    }
    let mut silenced = Vec::new();
    let mut kept = Vec::with_capacity(diagnostics.len());
    for warning in diagnostics.drain(..) {
        let by = (warning.severity() == Severity::Warning)
            .then(|| {
                allows.iter_mut().find(|a| {
                    a.code == Some(warning.code) && contains(a.scope, warning.primary.span)
                })
            })
            .flatten();
        match by {
            Some(allow) => {
                allow.used = true;
                silenced.push(Silenced {
                    warning,
                    allow: allow.statement.span,
                    reason: reason(allow.statement),
                });
            }
            None => kept.push(warning),
        }
    }
    *diagnostics = kept;
    silenced.sort_by_key(|s| (s.warning.primary.span, s.warning.code));
    if !diagnostics.iter().any(Diagnostic::is_error) {
        let unused: Vec<Diagnostic> = allows
            .iter()
            .filter(|a| a.code.is_some() && !a.used)
            .map(|a| unused(a, diagnostics))
            .collect();
        diagnostics.extend(unused);
    }
    silenced
}

/// The `allow` lines of `block` and of the blocks nested in it.
fn collect<'a>(block: &'a Block, scope: Span, place: &str, allows: &mut Vec<Allow<'a>>) {
    for entry in &block.entries {
        match entry {
            Entry::Verb(statement) if statement.verb.text == KEYWORD => allows.push(Allow {
                statement,
                code: None,
                scope,
                place: place.to_owned(),
                used: false,
            }),
            Entry::Nested(nested) => {
                let inner = format!("`{}` block of {place}", nested.name.text);
                collect(&nested.body, nested.span, &inner, allows);
            }
            Entry::Attribute(_) | Entry::Verb(_) => {}
        }
    }
}

/// The warning code an `allow` names, or `None` after reporting why it cannot be allowed.
fn validate(statement: &Verb, diagnostics: &mut Vec<Diagnostic>) -> Option<Code> {
    let written = statement.target.text.as_str();
    let span = statement.target.span;
    let Some(code) = Code::named(written) else {
        let warnings = Code::ALL
            .iter()
            .filter(|c| c.severity() == Severity::Warning && **c != Code::W0003)
            .map(|c| c.as_str());
        let d = Diagnostic::new(
            Code::E0224,
            format!("`allow` names `{written}`, which is not a drc code"),
            span,
            "not a code",
        )
        .with_note("an `allow` names the code of a warning, like `W0105`, as the warning prints it")
        .with_suggestion(&written.to_ascii_uppercase(), warnings);
        diagnostics.push(d);
        return None;
    };
    if code.severity() == Severity::Error {
        diagnostics.push(
            Diagnostic::new(
                Code::E0224,
                format!("`{written}` is an error, which cannot be allowed"),
                span,
                "an error, not a warning",
            )
            .with_note("an error means drc cannot write correct output; only warnings (`W` codes) can be allowed")
            .with_help(format!("fix what `{written}` reports: `drc explain --code {written}` shows how")),
        );
        return None;
    }
    if code == Code::W0003 {
        diagnostics.push(
            Diagnostic::new(
                Code::E0224,
                "`W0003` cannot be allowed",
                span,
                "reports an `allow` that silences nothing",
            )
            .with_help("remove the `allow` that silences nothing instead"),
        );
        return None;
    }
    if reason(statement).trim().is_empty() {
        let span = statement
            .prefix
            .as_ref()
            .map_or(statement.span, |(_, span)| *span);
        diagnostics.push(
            Diagnostic::new(
                Code::E0225,
                format!("`allow {written}` gives no reason"),
                span,
                "a reason is required",
            )
            .with_note(
                "the reason stays beside the line, for the next reader and for `drc explain`",
            )
            .with_help(format!(
                "say why the warning does not apply here: `allow {written} \"...\"`"
            )),
        );
        return None;
    }
    Some(code)
}

/// W0003: an `allow` that silenced nothing. A warning of its code reported elsewhere is
/// pointed at: the `allow` is probably on the wrong item.
fn unused(allow: &Allow, reported: &[Diagnostic]) -> Diagnostic {
    let statement = allow.statement;
    let code = statement.target.text.as_str();
    let d = Diagnostic::new(
        Code::W0003,
        format!("`allow {code}` silences nothing"),
        statement.verb.span.to(statement.target.span),
        format!("no `{code}` warning points into this {}", allow.place),
    )
    .with_note("an `allow` silences the warnings of its code whose `^^^` label is inside the block the `allow` is written in");
    match reported.iter().find(|d| Some(d.code) == allow.code) {
        Some(elsewhere) => d
            .with_label(
                elsewhere.primary.span,
                format!("a `{code}` warning points here"),
            )
            .with_help("move the line into the block this warning points into"),
        None => d.with_help("remove the line: the warning it silenced is no longer reported"),
    }
}

/// The reason an `allow` line gives (empty without one).
fn reason(statement: &Verb) -> String {
    statement
        .prefix
        .as_ref()
        .map(|(text, _)| text.clone())
        .unwrap_or_default()
}

/// Whether `inner` lies within `outer`.
fn contains(outer: Span, inner: Span) -> bool {
    outer.file == inner.file && outer.start <= inner.start && inner.end <= outer.end
}
