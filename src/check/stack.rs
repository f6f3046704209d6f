//! `stack name { ... }`: the stack's description, `deny_warnings` and tags (tag rules and
//! counts for every item that has `tags`), and the default name of a stack without one.

use super::body::Body;
use super::checker::Checker;
use super::limits;
use super::model::{Objectives, Stack, Tags};
use super::words::{describe, value_text};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{Attribute, Entry, Ident, Value, ValueKind};
use std::collections::{BTreeMap, BTreeSet};

/// The objectives a stack can declare.
pub(super) const OBJECTIVES: &[&str] = &[
    "rpo",
    "retention",
    "copies",
    "regions",
    "accounts",
    "immutable",
];

/// The stack name when a file has no `stack` item: the file name, made a valid name.
pub(super) fn default_stack_name(stem: &str) -> String {
    let mut name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert_str(0, "stack_");
    }
    name
}

impl<'a> Checker<'a> {
    /// Checks the `stack` item: its description, `deny_warnings` and tags.
    pub(super) fn stack(&mut self, name: Ident, body: &Body<'a>) -> Stack {
        let description = self
            .fixed_text(
                body,
                "description",
                "the stack's description",
                "CloudFormation's template `Description` is plain text",
            )
            .map(|(text, span)| {
                self.check_length(
                    &text,
                    span,
                    limits::STACK_DESCRIPTION,
                    "a stack description",
                );
                text
            });
        let deny_warnings = self.boolean(body, "deny_warnings").unwrap_or(false);
        let tags = self.tags(body);
        let objectives = self.objectives(body);
        Stack {
            objectives,
            name: name.text,
            description,
            deny_warnings,
            span: name.span,
            tags,
        }
    }

    /// `objectives { ... }`: each a typed value; counts of at least 1 (E0303).
    fn objectives(&mut self, body: &Body<'a>) -> Objectives {
        let Some(nested) = body.blocks.get("objectives") else {
            return Objectives::default();
        };
        let inner = self.body(&nested.body, OBJECTIVES, &[], false, "objectives");
        let mut count = |key: &str| {
            let (n, span) = self.integer(&inner, key)?;
            self.in_range(n, span, limits::OBJECTIVE_COUNT, "", key)
                .map(|n| (n, span))
        };
        let copies = count("copies");
        let regions = count("regions");
        let accounts = count("accounts");
        Objectives {
            rpo_s: self.duration(&inner, "rpo"),
            retention_days: self.whole_days(&inner, "retention", limits::OBJECT_LOCK_DAYS),
            copies,
            regions,
            accounts,
            immutable: inner.attributes.get("immutable").and_then(|a| {
                let span = a.value.span;
                self.boolean(&inner, "immutable").map(|b| (b, span))
            }),
        }
    }

    /// `tags { key = "value" ... }` of an item, checked against AWS's tagging rules.
    pub(super) fn tags(&mut self, body: &Body<'a>) -> Tags {
        let mut tags = Tags::new();
        let Some(nested) = body.blocks.get("tags") else {
            return tags;
        };
        let mut first_spans: BTreeMap<&str, Span> = BTreeMap::new();
        for entry in &nested.body.entries {
            let Some(attribute) = self.tag_key(entry, &mut first_spans) else {
                continue;
            };
            let key = attribute.key.text.as_str();
            let Some(text) = self.tag_value(key, &attribute.value) else {
                continue;
            };
            tags.insert(key.to_owned(), text);
        }
        tags
    }

    /// One entry of `tags`: the tag, unless the entry is not a `key = "value"` line (E0301)
    /// or the key is set twice (E0204). A key AWS refuses (E0363) is reported and the tag
    /// kept.
    fn tag_key(
        &mut self,
        entry: &'a Entry,
        first_spans: &mut BTreeMap<&'a str, Span>,
    ) -> Option<&'a Attribute> {
        let attribute = self.key_value_entry(
            entry,
            "`tags` holds only `key = \"value\"` lines",
            "not a tag",
            "write each tag as `team = \"platform\"`",
        )?;
        let key = attribute.key.text.as_str();
        if let Some(problem) = limits::tag_key_problem(key) {
            self.error(
                Diagnostic::new(
                    Code::E0363,
                    format!("invalid tag key `{key}`"),
                    attribute.key.span,
                    problem,
                )
                .with_note(format!("see {}", limits::TAGGING_SOURCE))
                .with_help("use a key of 1 to 128 letters, digits, spaces and `_ . : / = + - @`, like `\"cost-center\"`"),
            );
        }
        if let Some(first) = first_spans.insert(key, attribute.key.span) {
            self.error(
                Diagnostic::new(
                    Code::E0204,
                    format!("tag `{key}` is set twice"),
                    attribute.key.span,
                    "set again here",
                )
                .with_label(first, "first set here")
                .with_help("keep one of them"),
            );
            return None;
        }
        Some(attribute)
    }

    /// A tag's value: a string, or text whose parameters are fixed with `--set` (E0301 for
    /// other values). A value AWS refuses (E0364) is reported and kept.
    fn tag_value(&mut self, key: &str, value: &Value) -> Option<String> {
        let text = match &value.kind {
            ValueKind::Str(s) => s.clone(),
            // Only a parameter fixed with `--set` is known when the tags are written.
            ValueKind::Interpolated(parts) => {
                self.fixed_parts(
                    parts,
                    value.span,
                    &format!("tag `{key}`"),
                    Some("tag values are written as plain text on both targets"),
                )?
                .0
            }
            other => {
                self.error(
                    Diagnostic::new(
                        Code::E0301,
                        format!("expected a string, found {}", describe(other)),
                        value.span,
                        "tag values are strings",
                    )
                    .with_help(format!("quote it: `\"{}\"`", value_text(other))),
                );
                return None;
            }
        };
        if let Some(problem) = limits::tag_value_problem(&text) {
            self.error(
                Diagnostic::new(
                    Code::E0364,
                    format!("invalid value for tag `{key}`"),
                    value.span,
                    problem,
                )
                .with_note(format!(
                    "tag values are up to 256 letters, digits, spaces and `_ . : / = + - @` ({})",
                    limits::TAGGING_SOURCE
                ))
                .with_help("remove or replace the character"),
            );
        }
        Some(text)
    }

    /// The stack's tags and an item's, merged, must fit on one resource.
    pub(super) fn check_tag_count(&mut self, stack: &Stack, tags: &Tags, span: Span) {
        let merged = stack
            .tags
            .keys()
            .chain(tags.keys())
            .collect::<BTreeSet<_>>()
            .len();
        if merged as u64 > limits::TAGS_PER_RESOURCE.max {
            self.error(
                Diagnostic::new(
                    Code::E0365,
                    format!("{merged} tags on one resource"),
                    span,
                    format!("the stack's and this item's tags make {merged}"),
                )
                .with_note(format!(
                    "a resource has at most {} tags ({})",
                    limits::TAGS_PER_RESOURCE.max,
                    limits::TAGGING_SOURCE
                ))
                .with_help("remove tags, or move rarely used ones into one value"),
            );
        }
    }
}
