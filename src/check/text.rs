//! Text with `${param}`: reading a string that may insert parameters into a [`Text`], or a
//! string that must be fixed at compile time where AWS needs a literal.

use super::body::Body;
use super::checker::Checker;
use super::model::{Text, TextPart};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{StrPart, ValueKind};

/// Text as it would be written in a `.dr` string (without quotes and escapes).
pub(super) fn text_display(text: &Text) -> String {
    text.parts
        .iter()
        .map(|part| match part {
            TextPart::Literal(text) => text.replace("${", "$${"),
            TextPart::Param(name) => format!("${{{name}}}"),
        })
        .collect()
}

impl<'a> Checker<'a> {
    /// A string attribute that may insert parameters.
    pub(super) fn text(&mut self, body: &Body<'a>, key: &str) -> Option<(Text, Span)> {
        let value = &body.attributes.get(key)?.value;
        match &value.kind {
            ValueKind::Interpolated(parts) => {
                self.interpolate(parts).map(|text| (text, value.span))
            }
            _ => self
                .string(body, key)
                .map(|(text, span)| (Text::literal(text), span)),
        }
    }

    /// A string attribute that may insert only parameters fixed with `--set`.
    pub(super) fn fixed_text(
        &mut self,
        body: &Body<'a>,
        key: &str,
        what: &str,
        why: &str,
    ) -> Option<(String, Span)> {
        let value = &body.attributes.get(key)?.value;
        let ValueKind::Interpolated(parts) = &value.kind else {
            return self.string(body, key);
        };
        self.fixed_parts(parts, value.span, what, Some(why))
    }

    /// A string that may insert only parameters fixed with `--set`: their values substituted.
    pub(super) fn fixed_parts(
        &mut self,
        parts: &[StrPart],
        span: Span,
        what: &str,
        why: Option<&str>,
    ) -> Option<(String, Span)> {
        let text = self.interpolate(parts)?;
        if let Some(text) = text.as_literal() {
            return Some((text.to_owned(), span));
        }
        self.no_params_here(parts, what, why, true);
        None
    }

    /// Reports every parameter a string inserts where none is allowed (but those fixed with
    /// `--set`, when `allow_fixed`).
    pub(super) fn no_params_here(
        &mut self,
        parts: &[StrPart],
        what: &str,
        why: Option<&str>,
        allow_fixed: bool,
    ) {
        for part in parts {
            let StrPart::Param(name) = part else { continue };
            if let Some(state) = self.params.get_mut(&name.text) {
                state.used = true;
                if allow_fixed && state.fixed.is_some() {
                    continue;
                }
            }
            let mut d = Diagnostic::new(
                Code::E0382,
                format!("{what} cannot insert a parameter"),
                name.span,
                "a parameter is not allowed here",
            );
            d = d.with_note(why.map_or_else(
                || "parameters can be used in bucket names, descriptions and environment values; elsewhere only when fixed with `--set`".to_owned(),
                str::to_owned,
            ));
            d = if allow_fixed && why.is_some() {
                d.with_help(format!(
                    "fix the value when building, with `--set {}=VALUE`, or write the text out",
                    name.text
                ))
            } else {
                d.with_help(format!(
                    "write the text out, or write `$${{{}}}` for a literal `${{{}}}`",
                    name.text, name.text
                ))
            };
            self.error(d);
        }
    }

    /// The parts of a string, each parameter resolved: a fixed one is substituted, an open
    /// one is kept. Unknown names are reported.
    pub(super) fn interpolate(&mut self, parts: &[StrPart]) -> Option<Text> {
        let mut text = Text::default();
        let mut ok = true;
        for part in parts {
            match part {
                StrPart::Literal(literal) => text.push(TextPart::Literal(literal.clone())),
                StrPart::Param(name) => {
                    if let Some(state) = self.params.get_mut(&name.text) {
                        state.used = true;
                        text.push(match &state.fixed {
                            Some(value) => TextPart::Literal(value.text()),
                            None => TextPart::Param(name.text.clone()),
                        });
                        continue;
                    }
                    ok = false;
                    self.unknown_param(name);
                }
            }
        }
        ok.then_some(text)
    }
}
