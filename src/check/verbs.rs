//! Verb statements in a function (`read backups "daily/"`): the verb, its prefix, and,
//! once every name is declared, its target ([`Pending`] to [`super::model::Access`]).

use super::checker::Checker;
use super::limits;
use super::model::{Access, Kind, Verb};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{self};

/// A verb statement with its rule and checked prefix, before its target is resolved.
pub(super) type CheckedVerb<'a> = (&'a ast::Verb, Verb, Option<String>);

/// A verb or reference waiting for all names to be declared.
pub(super) struct Pending<'a> {
    pub(super) function: usize,
    pub(super) verb: &'a ast::Verb,
    pub(super) declared: Verb,
    pub(super) prefix: Option<String>,
}

/// How to fix a refused key prefix.
pub(super) fn prefix_help(verb: Verb, text: &str) -> String {
    if verb.target() != Kind::Bucket {
        format!(
            "remove the prefix: `{} <{}>`",
            verb.keyword(),
            verb.target().keyword()
        )
    } else if text.contains(['*', '?']) {
        format!(
            "drc adds the wildcard itself: write \"{}\"",
            text.trim_end_matches(['*', '?'])
        )
    } else if text.starts_with('/') {
        format!("write \"{}\"", text.trim_start_matches('/'))
    } else {
        "a prefix is the literal start of object keys, like \"daily/\"".to_owned()
    }
}

impl<'a> Checker<'a> {
    pub(super) fn prefix(&mut self, verb: Verb, text: &str, span: Span) -> Option<String> {
        let problem = if verb.target() != Kind::Bucket {
            Some(format!(
                "`{}` acts on a whole {} and takes no key prefix",
                verb.keyword(),
                verb.target().keyword()
            ))
        } else if text.is_empty() {
            Some("an empty prefix: leave it out to act on the whole bucket".to_owned())
        } else if text.starts_with('/') {
            Some("S3 keys do not start with `/`".to_owned())
        } else if let Some(c) = text.chars().find(|c| matches!(c, '*' | '?' | '$')) {
            Some(format!(
                "`{c}` would act as a wildcard or variable in the IAM policy"
            ))
        } else if text.len() > usize::try_from(limits::KEY_PREFIX_BYTES.max).expect("small") {
            Some(format!(
                "longer than the {} bytes an S3 key can have",
                limits::KEY_PREFIX_BYTES.max
            ))
        } else {
            None
        };
        if let Some(problem) = problem {
            self.error(
                Diagnostic::new(
                    Code::E0309,
                    format!("invalid key prefix \"{text}\""),
                    span,
                    problem,
                )
                .with_help(prefix_help(verb, text)),
            );
            return None;
        }
        Some(text.to_owned())
    }

    pub(super) fn access(&mut self, p: &Pending<'a>) -> Option<Access> {
        let target = &p.verb.target;
        let verb = p.declared;
        let why = format!("`{}` acts on {}s", verb.keyword(), verb.target().keyword());
        if !self.expect_kind(&target.text, target.span, verb.target(), &why) {
            return None;
        }
        Some(Access {
            verb,
            target: target.text.clone(),
            prefix: p.prefix.clone(),
            span: p.verb.span,
        })
    }
}
