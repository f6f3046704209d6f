//! `env { KEY = value }` on a function: literal text, parameters and references
//! (`bucket.name`, `function.arn`), checked against Lambda's rules for variable names and the
//! reserved variables.

use super::checker::Checker;
use super::limits;
use super::model::{EnvValue, Text};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{Attribute, Entry, Nested, Value, ValueKind};
use std::collections::BTreeMap;

impl<'a> Checker<'a> {
    /// Checks an `env` block: each variable's name and value, then the size of them all.
    pub(super) fn env(&mut self, nested: &'a Nested) -> Vec<(String, EnvValue)> {
        let mut env = BTreeMap::new();
        let mut first_spans: BTreeMap<&str, Span> = BTreeMap::new();
        let mut bytes = 0usize;
        for entry in &nested.body.entries {
            let Some(attribute) = self.env_variable(entry, &mut first_spans) else {
                continue;
            };
            let key = attribute.key.text.as_str();
            let Some(env_value) = self.env_value(&attribute.value) else {
                continue;
            };
            bytes += key.len()
                + if let EnvValue::Literal(text) = &env_value {
                    text.literals().map(str::len).sum()
                } else {
                    0
                };
            env.insert(key.to_owned(), env_value);
        }
        self.check_env_size(nested, bytes);
        env.into_iter().collect()
    }

    /// One entry of `env`: the variable, unless the entry is not a `NAME = value` line
    /// (E0301), its key is quoted (E0214) or it is set twice (E0204). A name Lambda refuses
    /// (E0306) is reported and the variable kept.
    fn env_variable(
        &mut self,
        entry: &'a Entry,
        first_spans: &mut BTreeMap<&'a str, Span>,
    ) -> Option<&'a Attribute> {
        let Entry::Attribute(attribute) = entry else {
            let span = match entry {
                Entry::Nested(n) => n.span,
                Entry::Verb(v) => v.span,
                Entry::Attribute(_) => unreachable!("handled above"),
            };
            self.error(
                Diagnostic::new(
                    Code::E0301,
                    "`env` holds only `NAME = value` lines",
                    span,
                    "not a variable",
                )
                .with_help("write each variable as `NAME = \"value\"` or `NAME = bucket.name`"),
            );
            return None;
        };
        if attribute.quoted {
            self.quoted_key(attribute, "env");
            return None;
        }
        let key = attribute.key.text.as_str();
        if let Some(problem) = limits::env_var_problem(key) {
            self.error(
                Diagnostic::new(
                    Code::E0306,
                    format!("invalid environment variable name `{key}`"),
                    attribute.key.span,
                    problem,
                )
                .with_help(
                    "use a name like `BACKUP_BUCKET`: a letter, then letters, digits or `_`",
                ),
            );
        }
        if let Some(first) = first_spans.insert(key, attribute.key.span) {
            self.error(
                Diagnostic::new(
                    Code::E0204,
                    format!("`{key}` is set twice"),
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

    /// A variable's value, by kind of value: text (with parameters inserted), a number or
    /// boolean as text, or a reference; `None` (reported, E0301) for the others.
    fn env_value(&mut self, value: &Value) -> Option<EnvValue> {
        let env_value = match &value.kind {
            ValueKind::Str(s) => EnvValue::Literal(Text::literal(s.clone())),
            ValueKind::Interpolated(parts) => EnvValue::Literal(self.interpolate(parts)?),
            ValueKind::List(_) => {
                self.wrong_type(
                    value,
                    &value.kind,
                    "a string or a reference like `backups.name`",
                );
                return None;
            }
            ValueKind::Int(n) => EnvValue::Literal(Text::literal(n.to_string())),
            ValueKind::Bool(b) => EnvValue::Literal(Text::literal(b.to_string())),
            ValueKind::Word(w) if w.contains('.') => self.env_reference(value, w)?,
            ValueKind::Word(w) => {
                let mut d = Diagnostic::new(
                    Code::E0301,
                    "expected a string or a reference like `backups.name`",
                    value.span,
                    "a bare name is not a value",
                );
                d = if self.names.contains_key(w.as_str()) {
                    d.with_help(format!("did you mean `{w}.name` or `{w}.arn`?"))
                } else {
                    d.with_help(format!("if you meant the text, quote it: `\"{w}\"`"))
                };
                self.error(d);
                return None;
            }
            ValueKind::Quantity(..) => {
                self.error(
                    Diagnostic::new(
                        Code::E0301,
                        "expected a string or a reference like `backups.name`",
                        value.span,
                        "durations and sizes are not environment values",
                    )
                    .with_help("quote it to pass it as text"),
                );
                return None;
            }
        };
        Some(env_value)
    }

    /// `item.name` or `item.arn`: a reference, resolved once every name is declared (E0403
    /// for another attribute).
    fn env_reference(&mut self, value: &Value, word: &str) -> Option<EnvValue> {
        self.reference(value, word).map(EnvValue::Ref)
    }

    /// E0311: more bytes of names and values than Lambda allows.
    fn check_env_size(&mut self, nested: &Nested, bytes: usize) {
        if bytes > usize::try_from(limits::LAMBDA_ENV_BYTES.max).expect("small") {
            self.error(
                Diagnostic::new(
                    Code::E0311,
                    "environment variables are larger than Lambda allows",
                    nested.name.span,
                    format!("{bytes} bytes of names and values"),
                )
                .with_note(format!(
                    "Lambda allows {} bytes in all ({})",
                    limits::LAMBDA_ENV_BYTES.max,
                    limits::LAMBDA_ENV_BYTES.source
                ))
                .with_help("keep large configuration in S3 and pass its key instead"),
            );
        }
    }
}
