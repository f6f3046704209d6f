//! Sorting a block's entries by role ([`Body`]): attributes, blocks, labelled blocks and verbs,
//! after unknown, repeated, misplaced and quoted entries were reported (E0202, E0204, E0207,
//! E0211, E0214). Every item kind's checker starts from a `Body`.

use super::checker::Checker;
use super::model::Verb;
use super::words::{article, list};
use crate::diagnostics::{Code, Diagnostic};
use crate::names;
use crate::syntax::ast::{self, Attribute, Block, Entry, Nested};
use std::collections::BTreeMap;

/// Blocks that take a string label (`lifecycle "daily/" { ... }`), and may repeat with
/// different labels.
pub(super) const LABELLED_BLOCKS: &[&str] = &["lifecycle"];
/// The entries of a block, sorted by role, after unknown and repeated entries were reported.
#[derive(Default)]
pub(super) struct Body<'a> {
    pub(super) attributes: BTreeMap<&'a str, &'a Attribute>,
    pub(super) blocks: BTreeMap<&'a str, &'a Nested>,
    /// Blocks with a label (`lifecycle "daily/" { ... }`), in source order.
    pub(super) labelled: Vec<&'a Nested>,
    pub(super) verbs: Vec<&'a ast::Verb>,
}

impl<'a> Checker<'a> {
    /// Sorts a block's entries, reporting unknown and repeated ones.
    pub(super) fn body(
        &mut self,
        block: &'a Block,
        attributes: &[&'static str],
        blocks: &[&'static str],
        verbs: bool,
        context: &str,
    ) -> Body<'a> {
        let mut body = Body::default();
        for entry in &block.entries {
            match entry {
                Entry::Attribute(attribute) => {
                    self.body_attribute(&mut body, attribute, attributes, blocks, context);
                }
                Entry::Nested(nested) => self.body_block(&mut body, nested, blocks, context),
                // `allow W0105 "..."` lines are read by `allow.rs`, in every block.
                Entry::Verb(verb) if verb.verb.text == super::allow::KEYWORD => {}
                Entry::Verb(verb) => {
                    if verbs {
                        body.verbs.push(verb);
                    } else {
                        self.misplaced_verb(verb, context);
                    }
                }
            }
        }
        body
    }

    /// An attribute of a block: kept, unless its key is quoted (E0214), unknown (E0202) or
    /// set twice (E0204).
    fn body_attribute(
        &mut self,
        body: &mut Body<'a>,
        attribute: &'a Attribute,
        attributes: &[&'static str],
        blocks: &[&'static str],
        context: &str,
    ) {
        let key = attribute.key.text.as_str();
        if attribute.quoted {
            self.quoted_key(attribute, context);
        } else if !attributes.contains(&key) {
            let mut d = Diagnostic::new(
                Code::E0202,
                format!("unknown attribute `{key}` on {}", article(context)),
                attribute.key.span,
                format!("`{context}` has no attribute `{key}`"),
            )
            .with_note(format!(
                "the attributes of {} are {}",
                article(context),
                list(attributes.iter().copied())
            ));
            if blocks.contains(&key) {
                d = d.with_help(format!("`{key}` is a block: write `{key} {{ ... }}`"));
            } else {
                d = d.with_suggestion(key, attributes.iter().copied());
            }
            self.error(d);
        } else if let Some(first) = body.attributes.insert(key, attribute) {
            self.error(
                Diagnostic::new(
                    Code::E0204,
                    format!("`{key}` is set twice"),
                    attribute.key.span,
                    "set again here",
                )
                .with_label(first.key.span, "first set here")
                .with_help("keep one of them"),
            );
        }
    }

    /// A nested block: kept, unless it is unknown (E0202), labelled where blocks take no
    /// label (E0211) or repeated (E0204).
    fn body_block(
        &mut self,
        body: &mut Body<'a>,
        nested: &'a Nested,
        blocks: &[&'static str],
        context: &str,
    ) {
        let name = nested.name.text.as_str();
        if !blocks.contains(&name) {
            let mut d = Diagnostic::new(
                Code::E0202,
                format!("unknown block `{name}` in {}", article(context)),
                nested.name.span,
                format!("`{context}` has no block `{name}`"),
            );
            d = if blocks.is_empty() {
                d.with_note(format!("{} has no blocks", article(context)))
            } else {
                d.with_note(format!(
                    "the blocks of {} are {}",
                    article(context),
                    list(blocks.iter().copied())
                ))
            };
            self.error(d.with_suggestion(name, blocks.iter().copied()));
        } else if let Some((label, span)) = &nested.label {
            if LABELLED_BLOCKS.contains(&name) {
                body.labelled.push(nested);
            } else {
                self.error(
                    Diagnostic::new(
                        Code::E0211,
                        format!("block `{name}` takes no label"),
                        *span,
                        "a label here",
                    )
                    .with_note(format!(
                        "only {} blocks take a label",
                        list(LABELLED_BLOCKS.iter().copied())
                    ))
                    .with_help(format!("remove \"{label}\": write `{name} {{ ... }}`")),
                );
            }
        } else if let Some(first) = body.blocks.insert(name, nested) {
            self.error(
                Diagnostic::new(
                    Code::E0204,
                    format!("block `{name}` appears twice"),
                    nested.name.span,
                    "again here",
                )
                .with_label(first.name.span, "first here")
                .with_help("merge the two blocks into one"),
            );
        }
    }

    /// E0207: a verb in a block that takes only `key = value` lines.
    fn misplaced_verb(&mut self, verb: &ast::Verb, context: &str) {
        let mut d = Diagnostic::new(
            Code::E0207,
            format!(
                "`{} {}` is not valid in {}",
                verb.verb.text,
                verb.target.text,
                article(context)
            ),
            verb.span,
            format!("{} takes `key = value` lines, not verbs", article(context)),
        );
        d = if Verb::from_keyword(&verb.verb.text).is_some() {
            d.with_help("verbs say what a function does: move this line into a `function` block")
        } else {
            d.with_help(format!(
                "did you mean `{} = {}`?",
                verb.verb.text, verb.target.text
            ))
        };
        self.error(d);
    }

    /// E0214: a quoted key where keys are names (every block but `tags` and `payload`).
    pub(super) fn quoted_key(&mut self, attribute: &Attribute, context: &str) {
        let key = &attribute.key.text;
        let d = Diagnostic::new(
            Code::E0214,
            format!("quoted key `\"{key}\"` in {}", article(context)),
            attribute.key.span,
            "keys here are names, written without quotes",
        )
        .with_note("only `tags` and `payload` take quoted keys, for keys that are not names, like `\"cost-center\"`");
        let d = if names::is_name(key) {
            d.with_help(format!("write `{key} = ...`"))
        } else {
            d.with_help("write the setting's name without quotes")
        };
        self.error(d);
    }
}
