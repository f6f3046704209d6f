//! Document symbols: the items of a file, each with its blocks, attributes and verbs.

use super::world::World;
use crate::source::FileId;
use crate::syntax::ast::Entry;
use lsp_types::{DocumentSymbol, SymbolKind};

/// The outline of `file`.
pub fn symbols(world: &World<'_>, file: FileId) -> Vec<DocumentSymbol> {
    let Some(ast) = world.ast(file) else {
        return Vec::new();
    };
    ast.items
        .iter()
        .map(|item| {
            let kind = match item.kind.text.as_str() {
                "function" => SymbolKind::FUNCTION,
                "param" => SymbolKind::VARIABLE,
                "schedule" => SymbolKind::EVENT,
                "output" => SymbolKind::PROPERTY,
                "stack" => SymbolKind::NAMESPACE,
                "queue" | "topic" => SymbolKind::INTERFACE,
                _ => SymbolKind::OBJECT,
            };
            symbol(
                world,
                &item.name.text,
                Some(item.kind.text.clone()),
                kind,
                (item.span, item.name.span),
                children(world, &item.body.entries),
            )
        })
        .collect()
}

fn children(world: &World<'_>, entries: &[Entry]) -> Vec<DocumentSymbol> {
    entries
        .iter()
        .map(|entry| match entry {
            Entry::Attribute(a) => symbol(
                world,
                &a.key.text,
                None,
                SymbolKind::FIELD,
                (a.span, a.key.span),
                Vec::new(),
            ),
            Entry::Nested(n) => symbol(
                world,
                &n.name.text,
                n.label.as_ref().map(|(label, _)| format!("\"{label}\"")),
                SymbolKind::STRUCT,
                (n.span, n.name.span),
                children(world, &n.body.entries),
            ),
            Entry::Verb(v) => symbol(
                world,
                &format!("{} {}", v.verb.text, v.target.text),
                v.prefix.as_ref().map(|(prefix, _)| format!("\"{prefix}\"")),
                SymbolKind::OPERATOR,
                (v.span, v.verb.span),
                Vec::new(),
            ),
        })
        .collect()
}

#[allow(deprecated)] // `deprecated` is a field the protocol still requires.
fn symbol(
    world: &World<'_>,
    name: &str,
    detail: Option<String>,
    kind: SymbolKind,
    (span, name_span): (crate::Span, crate::Span),
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    DocumentSymbol {
        name: name.to_owned(),
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: world.range(span),
        selection_range: world.range(name_span),
        children: (!children.is_empty()).then_some(children),
    }
}
