//! Hover: what the word under the cursor means. An attribute's meaning and value (unit
//! included), a verb's IAM actions and the ARN they are granted on, a runtime's deprecation
//! dates, what a kind of item or a block makes, and where a name is declared.

use super::locate::{self, Found, Occurrence};
use super::world::World;
use crate::check::model::Verb;
use crate::check::runtimes::RUNTIMES;
use crate::check::vocabulary;
use crate::iam::actions::{self, Scope};
use crate::source::FileId;
use crate::syntax::ast::{Item, ValueKind};
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};
use std::fmt::Write as _;

/// The hover at `position` of `file`.
pub fn hover(world: &World<'_>, file: FileId, position: Position) -> Option<Hover> {
    let offset = world.offset(file, position);
    let found = locate::at(world.ast(file)?, offset)?;
    let (text, span) = match found {
        Found::Import(import) => (
            format!(
                "Imports the items of `{}`: they share this stack's names.",
                import.path
            ),
            import.path_span,
        ),
        Found::Kind(item) => {
            let doc = vocabulary::kind(&item.kind.text)?;
            (
                format!("**{}**: {}", item.kind.text, doc.meaning),
                item.kind.span,
            )
        }
        Found::Name(item) => (declaration(world, item), item.name.span),
        Found::Key(item, block, attribute) => {
            let text = match locate::attribute_doc(&item.kind.text, block, &attribute.key.text) {
                Some(doc) => format!(
                    "**{}** ({}): {}\n\nValue: {}.",
                    doc.name,
                    block.map_or(item.kind.text.as_str(), |b| b.name.text.as_str()),
                    doc.meaning,
                    doc.value
                ),
                None if block.is_some_and(|b| b.name.text == "env") => format!(
                    "The environment variable `{}` of function `{}`.",
                    attribute.key.text, item.name.text
                ),
                None => return None,
            };
            (text, attribute.key.span)
        }
        Found::Block(nested) => {
            let doc = vocabulary::block(&nested.name.text)?;
            (
                format!("**{}**: {}", doc.name, doc.meaning),
                nested.name.span,
            )
        }
        Found::Verb(verb) => (verb_text(world, file, verb)?, verb.verb.span),
        Found::Target(verb) => (named(world, file, &verb.target.text)?, verb.target.span),
        Found::Value(item, block, attribute, value) => {
            let words = locate::value_words(&item.kind.text, block, &attribute.key.text);
            match (&value.kind, words) {
                (ValueKind::Word(id), vocabulary::Words::Runtime) => {
                    (runtime_text(world, id)?, value.span)
                }
                (
                    ValueKind::Word(reference),
                    vocabulary::Words::Names(_) | vocabulary::Words::Reference,
                ) => {
                    let name = reference.split('.').next().unwrap_or(reference);
                    (named(world, file, name)?, value.span)
                }
                _ => return None,
            }
        }
        Found::Param(name) => (named(world, file, &name.text)?, name.span),
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range: Some(world.range(span)),
    })
}

/// "bucket `backups`", the kind's meaning and the line that declares it.
fn declaration(world: &World<'_>, item: &Item) -> String {
    let meaning = vocabulary::kind(&item.kind.text).map_or("", |k| k.meaning);
    let line = world
        .sources
        .get(item.name.span.file)
        .line_text(item.name.span.start as usize)
        .trim();
    format!(
        "**{} `{}`**, declared in `{}`:\n\n```dr\n{line}\n```\n\n{meaning}",
        item.kind.text,
        item.name.text,
        world.sources.get(item.name.span.file).name
    )
}

/// Where `name` is declared in the stack of `file`, explained.
fn named(world: &World<'_>, file: FileId, name: &str) -> Option<String> {
    let span = declared(world, file, name)?.span;
    let ast = world.ast(span.file)?;
    let item = ast.items.iter().find(|i| i.name.span == span)?;
    Some(declaration(world, item))
}

/// The declaration of `name` among the files of the stack of `file`.
pub fn declared(world: &World<'_>, file: FileId, name: &str) -> Option<Occurrence> {
    world.stack_of(file).into_iter().find_map(|f| {
        locate::occurrences(world.ast(f)?)
            .into_iter()
            .find(|o| o.declares.is_some() && o.name == name)
    })
}

/// A verb's IAM actions and the ARN they are granted on.
fn verb_text(world: &World<'_>, file: FileId, verb: &crate::syntax::ast::Verb) -> Option<String> {
    let rule = actions::rule(Verb::from_keyword(&verb.verb.text)?);
    let target = &verb.target.text;
    let prefix = verb.prefix.as_ref().map_or("", |(text, _)| text.as_str());
    let resource = match rule.scope {
        Scope::Objects => {
            format!("`arn:aws:s3:::<{target}>/{prefix}*` (the objects under the prefix)")
        }
        Scope::Bucket if prefix.is_empty() => format!("`arn:aws:s3:::<{target}>` (the bucket)"),
        Scope::Bucket => format!(
            "`arn:aws:s3:::<{target}>` (the bucket), limited to keys under `{prefix}` by an `s3:prefix` condition"
        ),
        Scope::Function => format!("the ARN of function `{target}`"),
        Scope::Topic => format!("the ARN of topic `{target}`"),
        Scope::Queue => format!("the ARN of queue `{target}`"),
    };
    let list = |actions: &[&str]| {
        actions
            .iter()
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut text = format!(
        "**{}** {}: {}.\n\nGrants {} on {resource}.",
        verb.verb.text,
        rule.target().keyword(),
        rule.summary,
        list(rule.actions)
    );
    if !rule.kms_actions.is_empty() {
        let when = match rule.target() {
            crate::check::model::Kind::Topic => "on the topic's KMS key",
            _ => "on its KMS key, when it has `encryption = kms`",
        };
        let _ = write!(text, "\n\nAlso {} {when}.", list(rule.kms_actions));
    }
    if declared(world, file, target).is_none() {
        let _ = write!(text, "\n\nNo item of this stack is named `{target}`.");
    }
    Some(text)
}

/// A runtime's deprecation dates, judged against today.
fn runtime_text(world: &World<'_>, id: &str) -> Option<String> {
    let runtime = RUNTIMES.iter().find(|r| r.id == id)?;
    let today = world.today();
    let mut text = format!(
        "**{id}**: deprecated on {}, new functions refused from {}, updates refused from {}.",
        runtime.deprecated, runtime.create_blocked, runtime.update_blocked
    );
    let status = if runtime.update_blocked <= today || runtime.create_blocked <= today {
        "AWS no longer accepts it"
    } else if runtime.deprecated <= today {
        "deprecated: AWS no longer patches it"
    } else {
        "supported"
    };
    let _ = write!(text, "\n\nToday ({today}): {status}.");
    if let Some(successor) = runtime.successor {
        let _ = write!(text, " Move to `{successor}`.");
    }
    Some(text)
}
