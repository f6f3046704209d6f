//! Text that may insert parameters ([`Text`]), and the parameters themselves.

use crate::source::Span;

/// User text that may insert parameters: `"backups-${stage}"`. Literal parts hold the text
/// as the user meant it (escapes resolved); each target escapes them its own way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    /// The parts in order; adjacent literals are merged, so a text without parameters is at
    /// most one literal part.
    pub parts: Vec<TextPart>,
}

/// A piece of [`Text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextPart {
    /// Literal text.
    Literal(String),
    /// The value of the parameter with this name (one of [`Program::params`](super::Program::params)).
    Param(String),
}

impl Text {
    /// Text without parameters.
    pub fn literal(text: impl Into<String>) -> Self {
        let text = text.into();
        let parts = if text.is_empty() {
            Vec::new()
        } else {
            vec![TextPart::Literal(text)]
        };
        Self { parts }
    }

    /// Appends a part, merging adjacent literals.
    pub fn push(&mut self, part: TextPart) {
        match (self.parts.last_mut(), part) {
            (_, TextPart::Literal(text)) if text.is_empty() => {}
            (Some(TextPart::Literal(last)), TextPart::Literal(text)) => last.push_str(&text),
            (_, part) => self.parts.push(part),
        }
    }

    /// The whole text when it inserts no parameter.
    pub fn as_literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [] => Some(""),
            [TextPart::Literal(text)] => Some(text),
            _ => None,
        }
    }

    /// The parts in order: `Some(literal)`, or `None` where a parameter is inserted.
    pub fn pieces(&self) -> Vec<Option<&str>> {
        self.parts
            .iter()
            .map(|part| match part {
                TextPart::Literal(text) => Some(text.as_str()),
                TextPart::Param(_) => None,
            })
            .collect()
    }

    /// The literal parts, in order.
    pub fn literals(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|part| match part {
            TextPart::Literal(text) => Some(text.as_str()),
            TextPart::Param(_) => None,
        })
    }
}

/// `param stage { type = string  default = "dev"  allowed = ["dev", "prod"] }`: a value chosen
/// at deploy time (a CloudFormation parameter, a Terraform variable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The `.dr` name, used as `${name}` in strings.
    pub name: String,
    /// The name's span.
    pub span: Span,
    /// `type = string | number` (default `string`).
    pub kind: ParamType,
    /// `default = ...`, of the parameter's type and in the allowed set.
    pub default: Option<ParamValue>,
    /// `allowed = [...]`: the only values accepted (empty: any value of the type).
    pub allowed: Vec<ParamValue>,
    /// `description = "..."`
    pub description: Option<String>,
}

/// The type of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamType {
    /// `type = string`
    String,
    /// `type = number`: a whole number.
    Number,
}

impl ParamType {
    /// The keyword, as written in `.dr`.
    pub fn keyword(self) -> &'static str {
        match self {
            ParamType::String => "string",
            ParamType::Number => "number",
        }
    }
}

/// A value of a parameter.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamValue {
    /// A string.
    String(String),
    /// A whole number.
    Number(u64),
}

impl ParamValue {
    /// The value as text, as it is inserted into strings.
    pub fn text(&self) -> String {
        match self {
            ParamValue::String(text) => text.clone(),
            ParamValue::Number(number) => number.to_string(),
        }
    }
}
