//! Code actions: the fix a diagnostic's help proposes, as an edit. A "did you mean `x`?"
//! (or "use `x` instead", "quote it: `x`", "remove the quotes: `x`") replaces what the
//! diagnostic points at; an "add `x` to the block" (or "... to the bucket", "add `x`: ...")
//! adds the line to the item or block the diagnostic is about.

use super::world::World;
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span};
use crate::syntax::ast::{Block, Entry};
use lsp_types::{CodeAction, CodeActionKind, Range, TextEdit, WorkspaceEdit};
use std::collections::HashMap;

/// A fix, read from a diagnostic's help.
#[derive(Debug, PartialEq, Eq)]
enum Fix {
    /// Write this instead of what the diagnostic points at; (`true`) inside its quotes, if
    /// it is a string.
    Replace(String, bool),
    /// Add this line to the item, or (`true`) to the block the diagnostic names if it names
    /// one.
    Add(String, bool),
}

/// The text between the first pair of backticks after `prefix`, and what follows it.
fn quoted<'h>(help: &'h str, prefix: &str) -> Option<(&'h str, &'h str)> {
    let rest = help.strip_prefix(prefix)?.strip_prefix('`')?;
    let end = rest.find('`')?;
    Some((&rest[..end], &rest[end + 1..]))
}

/// The fixes a help proposes.
fn fixes(help: &str) -> Vec<Fix> {
    if let Some((first, rest)) = quoted(help, "did you mean ") {
        let mut fixes = vec![Fix::Replace(first.to_owned(), true)];
        if let Some((second, _)) = quoted(rest, " or ") {
            fixes.push(Fix::Replace(second.to_owned(), true));
        }
        return fixes;
    }
    for prefix in ["quote it: ", "remove the quotes: "] {
        if let Some((text, _)) = quoted(help, prefix) {
            return vec![Fix::Replace(text.to_owned(), false)];
        }
    }
    if let Some((text, " instead")) = quoted(help, "use ") {
        return vec![Fix::Replace(text.to_owned(), true)];
    }
    if let Some((text, rest)) = quoted(help, "add ") {
        let to_item = rest.starts_with(" to the bucket") || rest.starts_with(':');
        let to_block = rest.starts_with(" to the block");
        if (to_item || to_block) && text.contains(" = ") {
            return vec![Fix::Add(text.to_owned(), to_block)];
        }
    }
    Vec::new()
}

/// The code actions for the diagnostics of `file` that touch `range`.
pub fn actions(world: &World<'_>, file: FileId, range: Range) -> Vec<CodeAction> {
    let mut actions = Vec::new();
    for diagnostic in &world.diagnostics {
        let span = diagnostic.primary.span;
        let here = world.range(span);
        if span.file != file || here.end < range.start || here.start > range.end {
            continue;
        }
        let Some(help) = &diagnostic.help else {
            continue;
        };
        for fix in fixes(help) {
            let Some((title, edit)) = edit(world, diagnostic, &fix) else {
                continue;
            };
            let uri = world.location(span).uri;
            actions.push(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![super::diagnostics::convert(world, diagnostic)]),
                edit: Some(WorkspaceEdit::new(HashMap::from([(uri, vec![edit])]))),
                is_preferred: Some(true),
                ..CodeAction::default()
            });
        }
    }
    actions
}

fn edit(world: &World<'_>, diagnostic: &Diagnostic, fix: &Fix) -> Option<(String, TextEdit)> {
    let span = diagnostic.primary.span;
    match fix {
        Fix::Replace(text, keep_quotes) => {
            // A help may write the whole line (`use `runtime = nodejs24.x` instead`) where the
            // diagnostic points at the value only.
            let source = world.text(span.file);
            let before = source[..span.start as usize].trim_end();
            let text = match text.split_once(" = ") {
                Some((key, value))
                    if before.ends_with('=')
                        && before[..before.len() - 1].trim_end().ends_with(key) =>
                {
                    value
                }
                _ => text.as_str(),
            };
            // A string keeps its quotes when the help names what goes inside.
            let written = &source[span.range()];
            let quoted = written.len() >= 2 && written.starts_with('"') && written.ends_with('"');
            let text = if *keep_quotes && quoted && !text.starts_with('"') {
                format!("\"{text}\"")
            } else {
                text.to_owned()
            };
            Some((
                format!("Replace with `{text}`"),
                TextEdit::new(world.range(span), text),
            ))
        }
        Fix::Add(line, to_block) => {
            let block = block_of(world, span, *to_block)?;
            let text = world.text(span.file);
            let close = block.span.end as usize - 1;
            let line_start = text[..close].rfind('\n').map_or(0, |n| n + 1);
            let insert = if text[line_start..close].trim().is_empty() {
                let indent = &text[line_start..close];
                let at = Span::new(span.file, line_start, line_start);
                TextEdit::new(world.range(at), format!("{indent}  {line}\n"))
            } else {
                let at = Span::new(span.file, close, close);
                TextEdit::new(world.range(at), format!(" {line} "))
            };
            Some((format!("Add `{line}`"), insert))
        }
    }
}

/// The block a diagnostic about `span` means: the nested block whose name it points at (when
/// `nested`), or else the item it is in.
fn block_of<'w>(world: &'w World<'_>, span: Span, nested: bool) -> Option<&'w Block> {
    fn nested_named(entries: &[Entry], span: Span) -> Option<&Block> {
        entries.iter().find_map(|entry| match entry {
            Entry::Nested(n) if n.name.span == span => Some(&n.body),
            Entry::Nested(n) => nested_named(&n.body.entries, span),
            _ => None,
        })
    }
    let ast = world.ast(span.file)?;
    let item = ast
        .items
        .iter()
        .find(|item| item.span.start <= span.start && span.end <= item.span.end)?;
    let inner = nested
        .then(|| nested_named(&item.body.entries, span))
        .flatten();
    Some(inner.unwrap_or(&item.body))
}

#[cfg(test)]
mod tests {
    use super::{Fix, fixes};

    #[test]
    fn fixes_are_read_from_helps() {
        let replace = |s: &str| Fix::Replace(s.to_owned(), true);
        assert_eq!(fixes("did you mean `retain`?"), [replace("retain")]);
        assert_eq!(
            fixes("did you mean `x.name` or `x.arn`?"),
            [replace("x.name"), replace("x.arn")]
        );
        assert_eq!(fixes("use `5m` instead"), [replace("5m")]);
        assert_eq!(
            fixes("add `runtime = nodejs24.x` to the block"),
            [Fix::Add("runtime = nodejs24.x".to_owned(), true)]
        );
        assert_eq!(
            fixes("add `encryption = kms`: drc creates a key with rotation for this bucket"),
            [Fix::Add("encryption = kms".to_owned(), false)]
        );
        assert_eq!(fixes("add `versioned = true` to `a`, `b`"), []);
        assert_eq!(fixes("keep one of them"), []);
    }
}
