//! What is written at an offset of a file, and where every name is declared and used: the
//! questions hover, completion, navigation and rename ask of a syntax tree.

use crate::check::model::Kind;
use crate::check::vocabulary::{self, Attribute as Doc, Words};
use crate::source::Span;
use crate::syntax::ast::{
    Ast, Attribute, Entry, Ident, Import, Item, Nested, StrPart, Value, ValueKind, Verb,
};

/// What the cursor is on.
#[derive(Debug, Clone, Copy)]
pub enum Found<'a> {
    /// An import's path.
    Import(&'a Import),
    /// An item's kind: `bucket`.
    Kind(&'a Item),
    /// An item's name, where it is declared.
    Name(&'a Item),
    /// An attribute's key, in an item or in one of its blocks.
    Key(&'a Item, Option<&'a Nested>, &'a Attribute),
    /// An attribute's value (or one value of a list).
    Value(&'a Item, Option<&'a Nested>, &'a Attribute, &'a Value),
    /// The name of a nested block.
    Block(&'a Nested),
    /// A verb's keyword.
    Verb(&'a Verb),
    /// A verb's target.
    Target(&'a Verb),
    /// `${name}` in a string: the parameter's name.
    Param(&'a Ident),
}

fn contains(span: Span, offset: usize) -> bool {
    span.start as usize <= offset && offset <= span.end as usize
}

/// What is at byte `offset` of the file whose tree is `ast`.
pub fn at(ast: &Ast, offset: usize) -> Option<Found<'_>> {
    if let Some(import) = ast.imports.iter().find(|i| contains(i.path_span, offset)) {
        return Some(Found::Import(import));
    }
    let item = ast.items.iter().find(|item| contains(item.span, offset))?;
    if contains(item.kind.span, offset) {
        return Some(Found::Kind(item));
    }
    if contains(item.name.span, offset) {
        return Some(Found::Name(item));
    }
    in_entries(item, None, &item.body.entries, offset)
}

fn in_entries<'a>(
    item: &'a Item,
    block: Option<&'a Nested>,
    entries: &'a [Entry],
    offset: usize,
) -> Option<Found<'a>> {
    for entry in entries {
        match entry {
            Entry::Attribute(a) if contains(a.key.span, offset) => {
                return Some(Found::Key(item, block, a));
            }
            Entry::Attribute(a) if contains(a.value.span, offset) => {
                return Some(in_value(item, block, a, &a.value, offset));
            }
            Entry::Verb(v) if contains(v.verb.span, offset) => return Some(Found::Verb(v)),
            Entry::Verb(v) if contains(v.target.span, offset) => {
                return Some(Found::Target(v));
            }
            Entry::Nested(n) if contains(n.name.span, offset) => return Some(Found::Block(n)),
            Entry::Nested(n) if contains(n.body.span, offset) => {
                return in_entries(item, Some(n), &n.body.entries, offset);
            }
            _ => {}
        }
    }
    None
}

fn in_value<'a>(
    item: &'a Item,
    block: Option<&'a Nested>,
    attribute: &'a Attribute,
    value: &'a Value,
    offset: usize,
) -> Found<'a> {
    match &value.kind {
        ValueKind::List(values) => values
            .iter()
            .find(|v| contains(v.span, offset))
            .map_or(Found::Value(item, block, attribute, value), |v| {
                in_value(item, block, attribute, v, offset)
            }),
        ValueKind::Interpolated(parts) => parts
            .iter()
            .find_map(|part| match part {
                StrPart::Param(name) if contains(name.span, offset) => Some(Found::Param(name)),
                _ => None,
            })
            .unwrap_or(Found::Value(item, block, attribute, value)),
        _ => Found::Value(item, block, attribute, value),
    }
}

/// The explanation of an attribute of an item of kind `kind`, in `block` if it is in one.
pub fn attribute_doc(kind: &str, block: Option<&Nested>, key: &str) -> Option<&'static Doc> {
    attribute_in(kind, block.map(|b| b.name.text.as_str()), key)
}

/// The explanation of an attribute of an item of kind `kind`, in the block named `block`.
pub fn attribute_in(kind: &str, block: Option<&str>, key: &str) -> Option<&'static Doc> {
    let attributes = match block {
        None => vocabulary::kind(kind)?.attributes,
        Some(name) => vocabulary::block(name)?.attributes,
    };
    attributes.iter().find(|a| a.name == key)
}

/// What fits as the value of `key` (of an item of kind `kind`, in `block` if it is in one).
pub fn value_words(kind: &str, block: Option<&Nested>, key: &str) -> Words {
    words_in(kind, block.map(|b| b.name.text.as_str()), key)
}

/// What fits as the value of `key` of an item of kind `kind`, in the block named `block`.
pub fn words_in(kind: &str, block: Option<&str>, key: &str) -> Words {
    if let Some(doc) = attribute_in(kind, block, key) {
        return doc.words;
    }
    // The keys of `env` are free; its values may be references.
    block
        .and_then(vocabulary::block)
        .map_or(Words::None, |b| b.values)
}

/// A name as written somewhere in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// The name.
    pub name: String,
    /// Where it is written.
    pub span: Span,
    /// The kind of item it declares, where it is a declaration.
    pub declares: Option<Kind>,
}

/// Every declaration and use of a name in a file: item names, verb targets, names and
/// references in attribute values (`invoke = copy`, `backups.name`), and parameters in
/// strings (`${stage}`).
pub fn occurrences(ast: &Ast) -> Vec<Occurrence> {
    let mut found = Vec::new();
    for item in &ast.items {
        let kind = crate::check::vocabulary::kind(&item.kind.text).map(|k| k.kind);
        if kind.is_some_and(|k| k != Kind::Stack) {
            found.push(Occurrence {
                name: item.name.text.clone(),
                span: item.name.span,
                declares: kind,
            });
        }
        entries(&item.kind.text, None, &item.body.entries, &mut found);
    }
    found
}

fn entries(kind: &str, block: Option<&Nested>, list: &[Entry], found: &mut Vec<Occurrence>) {
    for entry in list {
        match entry {
            Entry::Attribute(a) => {
                let words = value_words(kind, block, &a.key.text);
                value(words, &a.value, found);
            }
            Entry::Verb(v) => found.push(Occurrence {
                name: v.target.text.clone(),
                span: v.target.span,
                declares: None,
            }),
            Entry::Nested(n) => entries(kind, Some(n), &n.body.entries, found),
        }
    }
}

fn value(words: Words, value: &Value, found: &mut Vec<Occurrence>) {
    match &value.kind {
        ValueKind::Word(word) => {
            let name = match words {
                Words::Names(_) => word.as_str(),
                Words::Reference => word.split('.').next().unwrap_or(word),
                _ => return,
            };
            let start = value.span.start as usize;
            found.push(Occurrence {
                name: name.to_owned(),
                span: Span::new(value.span.file, start, start + name.len()),
                declares: None,
            });
        }
        ValueKind::Interpolated(parts) => {
            for part in parts {
                if let StrPart::Param(ident) = part {
                    found.push(Occurrence {
                        name: ident.text.clone(),
                        span: ident.span,
                        declares: None,
                    });
                }
            }
        }
        ValueKind::List(values) => {
            for v in values {
                self::value(words, v, found);
            }
        }
        _ => {}
    }
}
