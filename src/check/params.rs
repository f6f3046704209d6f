//! `param name { type = ..., default = ..., allowed = [...] }`: parameters left open for deploy
//! time, `--set NAME=VALUE` on the command line, and what the checker knows of a parameter's
//! values while it checks the text that inserts it.

use super::body::Body;
use super::checker::{Checker, ParamState};
use super::limits;
use super::model::{Kind, Param, ParamType, ParamValue, Text, TextPart};
use super::words::{describe, list, value_text};
use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::source::Span;
use crate::syntax::ast::{Ast, Ident, Value, ValueKind};
use std::collections::{BTreeMap, BTreeSet};

pub(super) const PARAM_TYPES: &[&str] = &["string", "number"];

/// Names a parameter cannot have, and why. Terraform reserves some variable names
/// (<https://developer.hashicorp.com/terraform/language/values/variables#declaring-an-input-variable>);
/// drc's own Terraform output declares `stack_name`.
pub(super) const RESERVED_PARAM_NAMES: &[(&str, &str)] = &[
    (
        "stack_name",
        "drc's Terraform output declares the variable `stack_name` itself",
    ),
    ("source", "Terraform reserves `source` as a variable name"),
    ("version", "Terraform reserves `version` as a variable name"),
    (
        "providers",
        "Terraform reserves `providers` as a variable name",
    ),
    ("count", "Terraform reserves `count` as a variable name"),
    (
        "for_each",
        "Terraform reserves `for_each` as a variable name",
    ),
    (
        "lifecycle",
        "Terraform reserves `lifecycle` as a variable name",
    ),
    (
        "depends_on",
        "Terraform reserves `depends_on` as a variable name",
    ),
    ("locals", "Terraform reserves `locals` as a variable name"),
];

/// The names of the parameters a file declares (whether or not they check).
pub fn param_names(ast: &Ast) -> impl Iterator<Item = String> + '_ {
    ast.items
        .iter()
        .filter(|item| item.kind.text == Kind::Param.keyword())
        .map(|item| item.name.text.clone())
}

/// The error for `--set NAME=VALUE` when no file declares `param NAME`. There is no span to
/// point at in a command line, so it points at the start of the first file.
pub fn unknown_set(name: &str, declared: &BTreeSet<String>, at: Span) -> Diagnostic {
    let mut d = Diagnostic::new(
        Code::E0387,
        format!("`--set {name}=...` names no parameter"),
        at,
        format!("no `param {name}` is declared"),
    )
    .with_note(if declared.is_empty() {
        "the stack declares no parameters".to_owned()
    } else {
        format!(
            "the parameters are {}",
            list(declared.iter().map(String::as_str))
        )
    });
    d = if did_you_mean(name, declared.iter().map(String::as_str)).is_some() {
        d.with_suggestion(name, declared.iter().map(String::as_str))
    } else {
        d.with_help(format!(
            "declare it with `param {name} {{ type = string }}`, or drop the `--set`"
        ))
    };
    d
}

/// A parameter, one value it can take, and where the parameter is declared.
pub(super) type KnownValue = (String, String, Span);

/// Parameter values written as in `.dr`: "`\"dev\"` and `\"prod\"`".
pub(super) fn list_values(values: &[ParamValue]) -> String {
    let words: Vec<String> = values
        .iter()
        .map(|v| match v {
            ParamValue::String(text) => format!("\"{text}\""),
            ParamValue::Number(number) => number.to_string(),
        })
        .collect();
    list(words.iter().map(String::as_str))
}

impl<'a> Checker<'a> {
    /// Checks a `param` item and records what is known of its values for the text that
    /// inserts it.
    pub(super) fn param(&mut self, name: &Ident, body: &Body<'a>) -> Param {
        self.check_param_name(name);
        let kind = match self.word(body, "type", PARAM_TYPES) {
            Some(("number", _)) => ParamType::Number,
            _ => ParamType::String,
        };
        let description = self.string(body, "description").map(|(text, _)| text);
        let allowed_value = body.attributes.get("allowed").map(|a| &a.value);
        let allowed = allowed_value.map_or_else(Vec::new, |value| self.allowed(value, kind));
        let default = body.attributes.get("default").and_then(|attribute| {
            self.param_default(&attribute.value, kind, allowed_value, &allowed)
        });
        let fixed = self
            .set
            .get(&name.text)
            .and_then(|raw| self.fixed_value(name, raw, kind, allowed_value, &allowed));
        self.params.insert(
            name.text.clone(),
            ParamState {
                span: name.span,
                known: if allowed.is_empty() {
                    default.iter().cloned().collect()
                } else {
                    allowed.clone()
                },
                fixed,
                used: false,
            },
        );
        Param {
            name: name.text.clone(),
            span: name.span,
            kind,
            default,
            allowed,
            description,
        }
    }

    /// E0223: a parameter named with a name Terraform or drc reserves.
    fn check_param_name(&mut self, name: &Ident) {
        if let Some(why) = RESERVED_PARAM_NAMES
            .iter()
            .find(|(reserved, _)| *reserved == name.text)
            .map(|(_, why)| *why)
        {
            self.error(
                Diagnostic::new(
                    Code::E0223,
                    format!("`{}` cannot name a parameter", name.text),
                    name.span,
                    "reserved name",
                )
                .with_note(why)
                .with_help(format!("choose another name, like `{}_value`", name.text)),
            );
        }
    }

    /// `allowed = [...]`: the values that check, without repeats (E0386 for an empty list or
    /// a repeat, E0301 for a value that is not a list).
    fn allowed(&mut self, value: &Value, kind: ParamType) -> Vec<ParamValue> {
        let mut allowed: Vec<ParamValue> = Vec::new();
        match &value.kind {
            ValueKind::List(values) if values.is_empty() => self.error(
                Diagnostic::new(
                    Code::E0386,
                    "`allowed` lists no value",
                    value.span,
                    "an empty list",
                )
                .with_note("a parameter with no allowed value could never be given one")
                .with_help(
                    "list the values, like `allowed = [\"dev\", \"prod\"]`, or remove the line",
                ),
            ),
            ValueKind::List(values) => {
                let mut seen: BTreeMap<ParamValue, Span> = BTreeMap::new();
                for value in values {
                    let Some(checked) = self.param_value(value, kind, "an allowed value") else {
                        continue;
                    };
                    if let Some(first) = seen.insert(checked.clone(), value.span) {
                        self.error(
                            Diagnostic::new(
                                Code::E0386,
                                format!("`{}` is allowed twice", value_text(&value.kind)),
                                value.span,
                                "listed again here",
                            )
                            .with_label(first, "first listed here")
                            .with_help("remove one of them"),
                        );
                    } else {
                        allowed.push(checked);
                    }
                }
            }
            other => {
                let mut d = Diagnostic::new(
                    Code::E0301,
                    format!("expected a list, found {}", describe(other)),
                    value.span,
                    "expected a list of values",
                );
                if !matches!(other, ValueKind::Interpolated(_)) {
                    d = d.with_help(format!("put it in brackets: `[{}]`", value_text(other)));
                }
                self.error(d);
            }
        }
        allowed
    }

    /// `default = ...`: the default, if it checks and is among the allowed values (E0385).
    fn param_default(
        &mut self,
        value: &Value,
        kind: ParamType,
        allowed_value: Option<&Value>,
        allowed: &[ParamValue],
    ) -> Option<ParamValue> {
        let checked = self.param_value(value, kind, "the default")?;
        if let Some(list) =
            allowed_value.filter(|_| !allowed.is_empty() && !allowed.contains(&checked))
        {
            self.error(
                Diagnostic::new(
                    Code::E0385,
                    format!("the default `{}` is not an allowed value", checked.text()),
                    value.span,
                    "not in `allowed`",
                )
                .with_label(list.span, "the allowed values")
                .with_help(format!(
                    "use one of {} as the default, or add it to `allowed`",
                    list_values(allowed)
                )),
            );
            return None;
        }
        Some(checked)
    }

    /// `--set NAME=VALUE`: the value given on the command line, if it is of the parameter's
    /// type (E0384) and among its allowed values (E0385).
    fn fixed_value(
        &mut self,
        name: &Ident,
        raw: &str,
        kind: ParamType,
        allowed_value: Option<&Value>,
        allowed: &[ParamValue],
    ) -> Option<ParamValue> {
        let note = format!("the value comes from `--set {}={raw}`", name.text);
        let value = match kind {
            ParamType::String => ParamValue::String(raw.to_owned()),
            ParamType::Number => {
                let Ok(number) = raw.parse::<u64>() else {
                    self.error(
                        Diagnostic::new(
                            Code::E0384,
                            format!("`{raw}` is not a number"),
                            name.span,
                            "this parameter is a number",
                        )
                        .with_note(note)
                        .with_help(format!("give a whole number: `--set {}=3`", name.text)),
                    );
                    return None;
                };
                ParamValue::Number(number)
            }
        };
        if !allowed.is_empty() && !allowed.contains(&value) {
            let mut d = Diagnostic::new(
                Code::E0385,
                format!("`{raw}` is not an allowed value of `{}`", name.text),
                name.span,
                "the value given with `--set` is not allowed",
            )
            .with_note(note)
            .with_help(format!("use one of {}", list_values(allowed)));
            if let Some(list) = allowed_value {
                d = d.with_label(list.span, "the allowed values");
            }
            self.error(d);
            return None;
        }
        Some(value)
    }

    /// A bucket name's problem with one parameter given one of the values it is known to take
    /// (its allowed values, or its default): the problem, and the parameter, the value and
    /// the parameter's span.
    pub(super) fn bucket_name_value_problem(
        &self,
        text: &Text,
    ) -> Option<(String, Option<KnownValue>)> {
        for part in &text.parts {
            let TextPart::Param(name) = part else {
                continue;
            };
            let Some(state) = self.params.get(name) else {
                continue;
            };
            for value in &state.known {
                let mut with_value = Text::default();
                for other in &text.parts {
                    with_value.push(match other {
                        TextPart::Param(p) if p == name => TextPart::Literal(value.text()),
                        other => other.clone(),
                    });
                }
                let problem = match with_value.as_literal() {
                    Some(whole) => limits::bucket_name_problem(whole),
                    None => limits::bucket_name_parts_problem(&with_value.pieces()),
                };
                if let Some(problem) = problem {
                    return Some((problem, Some((name.clone(), value.text(), state.span))));
                }
            }
        }
        None
    }

    /// A `default` or `allowed` value, of the parameter's type.
    pub(super) fn param_value(
        &mut self,
        value: &Value,
        kind: ParamType,
        what: &str,
    ) -> Option<ParamValue> {
        match (&value.kind, kind) {
            (ValueKind::Str(text), ParamType::String) => Some(ParamValue::String(text.clone())),
            (ValueKind::Int(number), ParamType::Number) => Some(ParamValue::Number(*number)),
            (ValueKind::Interpolated(parts), ParamType::String) => {
                // A parameter's values are the template's own: no parameter, fixed or not.
                self.no_params_here(
                    parts,
                    &format!("{what} of a parameter"),
                    Some("a parameter's values are fixed in the template, before any parameter has a value"),
                    false,
                );
                None
            }
            (other, _) => {
                let expected = match kind {
                    ParamType::String => "a string",
                    ParamType::Number => "a whole number",
                };
                let mut d = Diagnostic::new(
                    Code::E0384,
                    format!(
                        "{what} is {}, but the parameter is a {}",
                        describe(other),
                        kind.keyword()
                    ),
                    value.span,
                    format!("expected {expected}"),
                );
                d = match (other, kind) {
                    (ValueKind::Int(_), ParamType::String) => d.with_help(format!(
                        "quote it, `\"{}\"`, or declare `type = number`",
                        value_text(other)
                    )),
                    (ValueKind::Str(text), ParamType::Number) if text.parse::<u64>().is_ok() => {
                        d.with_help(format!("remove the quotes: `{text}`"))
                    }
                    (ValueKind::Str(_), ParamType::Number) => {
                        d.with_help("give a whole number, or declare `type = string`")
                    }
                    _ => d.with_help(format!("give {expected}")),
                };
                self.error(d);
                None
            }
        }
    }

    pub(super) fn unknown_param(&mut self, name: &Ident) {
        let mut d = Diagnostic::new(
            Code::E0381,
            format!("no parameter named `{}`", name.text),
            name.span,
            "not a parameter of this stack",
        );
        if let Some((kind, declared)) = self.names.get(name.text.as_str()).copied() {
            d = d
                .with_label(declared, format!("`{}` is a {}", name.text, kind.keyword()))
                .with_help(format!(
                    "only parameters can be inserted; for the {}'s name use a reference like `{}.name` as an environment value",
                    kind.keyword(),
                    name.text
                ));
        } else if let Some(near) =
            did_you_mean(&name.text, self.params.keys().map(String::as_str)).map(str::to_owned)
        {
            // The misspelling is a use: do not also call the parameter unused.
            if let Some(state) = self.params.get_mut(&near) {
                state.used = true;
            }
            d = d.with_suggestion(&name.text, self.params.keys().map(String::as_str));
        } else {
            d = d.with_help(format!(
                "declare it with `param {} {{ type = string }}`, or write `$${{{}}}` for a literal `${{{}}}`",
                name.text, name.text, name.text
            ));
        }
        self.error(d);
    }

    pub(super) fn check_unused_params(&mut self) {
        let unused: Vec<(String, Span)> = self
            .params
            .iter()
            .filter(|(_, state)| !state.used)
            .map(|(name, state)| (name.clone(), state.span))
            .collect();
        for (name, span) in unused {
            self.error(
                Diagnostic::new(
                    Code::W0501,
                    format!("parameter `{name}` is never used"),
                    span,
                    "no string inserts it",
                )
                .with_help(format!(
                    "insert it with `\"${{{name}}}\"` in a bucket name, a description or an environment value, or remove it"
                )),
            );
        }
    }
}
