//! Completion: item kinds at the top level; in a block, its attributes, nested blocks and
//! (in a function) verbs; after `key =`, the words that fit the attribute (enum words,
//! runtimes, `true`/`false`) or the names of the stack that do; after a verb, the names of
//! the items it may act on.
//!
//! The context is read from the text before the cursor, not from the tree: while a line is
//! being typed the file rarely parses. The names come from the last analysis, which parses
//! what it can.

use super::locate::{self, Occurrence};
use super::world::World;
use crate::check::model::{Kind, Verb};
use crate::check::runtimes::RUNTIMES;
use crate::check::vocabulary::{self, Words};
use crate::source::FileId;
use lsp_types::{
    CompletionItem, CompletionItemKind, Documentation, MarkupContent, MarkupKind, Position,
};

/// Where the cursor is, as far as completion cares.
#[derive(Debug, PartialEq, Eq)]
enum Context<'t> {
    /// Where an item or import may start.
    TopLevel,
    /// Where an entry may start, in the block path (`["bucket", "lifecycle"]`: kind, then
    /// nested blocks).
    Entry(Vec<&'t str>),
    /// After `key =`.
    Value(Vec<&'t str>, &'t str),
    /// After a verb.
    Target(Vec<&'t str>, Verb),
    /// Nothing to offer (a name being declared, a string, a comment).
    Nothing,
}

/// The completion items at `position` of `file`.
pub fn complete(world: &World<'_>, file: FileId, position: Position) -> Vec<CompletionItem> {
    let text = world.text(file);
    let offset = world.offset(file, position);
    let (context, partial) = context(text, offset);
    let mut items = match context {
        Context::TopLevel => kinds(),
        Context::Entry(path) => entries(&path),
        Context::Value(path, key) => {
            let block = path.get(1..).and_then(|rest| rest.last().copied());
            let words = locate::words_in(path[0], block, key);
            values(world, file, words)
        }
        Context::Target(path, verb) if path.len() == 1 => names(world, file, &[verb.target()]),
        Context::Target(..) | Context::Nothing => Vec::new(),
    };
    items.retain(|item| item.label.starts_with(partial));
    items
}

fn item(
    label: &str,
    kind: CompletionItemKind,
    detail: &str,
    doc: Option<String>,
) -> CompletionItem {
    CompletionItem {
        label: label.to_owned(),
        kind: Some(kind),
        detail: (!detail.is_empty()).then(|| detail.to_owned()),
        documentation: doc.map(|value| {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            })
        }),
        ..CompletionItem::default()
    }
}

fn kinds() -> Vec<CompletionItem> {
    let mut items: Vec<CompletionItem> = vocabulary::VOCABULARY
        .iter()
        .map(|k| {
            item(
                k.kind.keyword(),
                CompletionItemKind::KEYWORD,
                "item kind",
                Some(k.meaning.to_owned()),
            )
        })
        .collect();
    items.push(item(
        "import",
        CompletionItemKind::KEYWORD,
        "import \"file.dr\"",
        Some("The items of another `.dr` file join this stack.".to_owned()),
    ));
    items
}

fn entries(path: &[&str]) -> Vec<CompletionItem> {
    let Some(kind) = vocabulary::kind(path[0]) else {
        return Vec::new();
    };
    let (attributes, blocks, verbs) = match path.len() {
        1 => (kind.attributes, kind.blocks, kind.verbs),
        2 => match vocabulary::block(path[1]) {
            Some(block) => (block.attributes, &[][..], false),
            None => return Vec::new(),
        },
        _ => return Vec::new(),
    };
    let mut items: Vec<CompletionItem> = attributes
        .iter()
        .map(|a| {
            item(
                a.name,
                CompletionItemKind::PROPERTY,
                a.value,
                Some(a.meaning.to_owned()),
            )
        })
        .collect();
    items.extend(blocks.iter().map(|b| {
        item(
            b.name,
            CompletionItemKind::MODULE,
            "block",
            Some(b.meaning.to_owned()),
        )
    }));
    if verbs {
        items.extend(crate::iam::actions::VERBS.iter().map(|rule| {
            item(
                rule.keyword(),
                CompletionItemKind::FUNCTION,
                &format!("verb on a {}", rule.target().keyword()),
                Some(format!("{}: {}", rule.summary, rule.actions.join(", "))),
            )
        }));
    }
    items
}

fn values(world: &World<'_>, file: FileId, words: Words) -> Vec<CompletionItem> {
    let enum_member = |w: &str| item(w, CompletionItemKind::ENUM_MEMBER, "", None);
    match words {
        Words::None => Vec::new(),
        Words::Boolean => vec![enum_member("true"), enum_member("false")],
        Words::These(list) => list.iter().map(|w| enum_member(w)).collect(),
        Words::Runtime => {
            let today = world.today();
            RUNTIMES
                .iter()
                .filter(|r| r.create_blocked > today)
                .map(|r| {
                    let detail = if r.deprecated <= today {
                        format!("deprecated since {}", r.deprecated)
                    } else {
                        format!("supported until {}", r.deprecated)
                    };
                    item(r.id, CompletionItemKind::ENUM_MEMBER, &detail, None)
                })
                .collect()
        }
        Words::Names(kinds) => names(world, file, kinds),
        Words::Reference => declared(world, file)
            .into_iter()
            .filter(|o| {
                matches!(
                    o.declares,
                    Some(Kind::Bucket | Kind::Function | Kind::Queue | Kind::Topic)
                )
            })
            .flat_map(|o| {
                let attributes: &[&str] = if o.declares == Some(Kind::Queue) {
                    &["name", "arn", "url"]
                } else {
                    &["name", "arn"]
                };
                attributes
                    .iter()
                    .map(|attribute| {
                        item(
                            &format!("{}.{attribute}", o.name),
                            CompletionItemKind::REFERENCE,
                            &format!("the {attribute} of {}", kind_name(o.declares)),
                            None,
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .collect(),
    }
}

fn kind_name(kind: Option<Kind>) -> String {
    kind.map_or_else(String::new, |k| k.keyword().to_owned())
}

/// Every declaration of the stack of `file`.
fn declared(world: &World<'_>, file: FileId) -> Vec<Occurrence> {
    let mut found: Vec<Occurrence> = world
        .stack_of(file)
        .into_iter()
        .filter_map(|f| world.ast(f))
        .flat_map(locate::occurrences)
        .filter(|o| o.declares.is_some())
        .collect();
    found.sort_by(|a, b| a.name.cmp(&b.name));
    found.dedup_by(|a, b| a.name == b.name);
    found
}

/// The names of the items of these kinds in the stack of `file`.
fn names(world: &World<'_>, file: FileId, kinds: &[Kind]) -> Vec<CompletionItem> {
    declared(world, file)
        .into_iter()
        .filter(|o| o.declares.is_some_and(|k| kinds.contains(&k)))
        .map(|o| {
            item(
                &o.name,
                CompletionItemKind::REFERENCE,
                &kind_name(o.declares),
                None,
            )
        })
        .collect()
}

/// The context at `offset`, and the part of a word typed before it.
fn context(text: &str, offset: usize) -> (Context<'_>, &str) {
    let bytes = text.as_bytes();
    // Open blocks: the words before each `{` on its line.
    let mut open: Vec<Vec<&str>> = Vec::new();
    // Where the entry being typed starts: after a line break, `{`, `}` or `,`.
    let mut entry_start = 0;
    let mut i = 0;
    while i < offset {
        match bytes[i] {
            b'#' => {
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                if end >= offset {
                    return (Context::Nothing, "");
                }
                i = end;
                continue;
            }
            b'"' => {
                let mut j = i + 1;
                while j < text.len() && bytes[j] != b'"' && bytes[j] != b'\n' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                if j >= offset {
                    return (Context::Nothing, "");
                }
                i = j + 1;
                continue;
            }
            b'{' => {
                open.push(text[entry_start..i].split_whitespace().collect());
                entry_start = i + 1;
            }
            b'}' => {
                open.pop();
                entry_start = i + 1;
            }
            b'\n' | b',' => entry_start = i + 1,
            _ => {}
        }
        i += 1;
    }
    let typed = &text[entry_start..offset];
    let partial_start = typed
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .map_or(0, |at| at + 1);
    let partial = &typed[partial_start..];
    let before: Vec<&str> = typed[..partial_start].split_whitespace().collect();
    let Some(item) = open.first() else {
        return match before.as_slice() {
            [] => (Context::TopLevel, partial),
            _ => (Context::Nothing, partial),
        };
    };
    let mut path: Vec<&str> = vec![item.first().copied().unwrap_or_default()];
    path.extend(
        open[1..]
            .iter()
            .map(|words| words.first().copied().unwrap_or_default()),
    );
    let context = match before.as_slice() {
        [] => Context::Entry(path),
        [key, "="] => Context::Value(path, key),
        [verb] => match Verb::from_keyword(verb) {
            Some(verb) => Context::Target(path, verb),
            None => Context::Nothing,
        },
        _ => Context::Nothing,
    };
    (context, partial)
}

#[cfg(test)]
mod tests {
    use super::{Context, context};
    use crate::check::model::Verb;

    fn at(text: &str) -> (Context<'_>, &str) {
        let offset = text.find('|').expect("a cursor");
        context(&text[..offset], offset)
    }

    #[test]
    fn the_context_is_read_from_the_text_before_the_cursor() {
        assert_eq!(at("buc|"), (Context::TopLevel, "buc"));
        assert_eq!(at("bucket a {}\n|"), (Context::TopLevel, ""));
        assert_eq!(at("bucket a |"), (Context::Nothing, ""));
        assert_eq!(
            at("bucket a {\n  ver|"),
            (Context::Entry(vec!["bucket"]), "ver")
        );
        assert_eq!(
            at("bucket a {\n  lifecycle \"x/\" { expire = 1d, nonc|"),
            (Context::Entry(vec!["bucket", "lifecycle"]), "nonc")
        );
        assert_eq!(
            at("bucket a {\n  encryption = k|"),
            (Context::Value(vec!["bucket"], "encryption"), "k")
        );
        assert_eq!(
            at("function f {\n  env { A = back|"),
            (Context::Value(vec!["function", "env"], "A"), "back")
        );
        assert_eq!(
            at("function f {\n  put |"),
            (Context::Target(vec!["function"], Verb::Put), "")
        );
        assert_eq!(at("bucket a {\n  name = \"x|"), (Context::Nothing, ""));
        assert_eq!(at("bucket a { # note |"), (Context::Nothing, ""));
    }
}
