//! The small pieces every part of the template is made of: YAML scalars and maps, the short-form
//! intrinsics (`!Ref`, `!GetAtt`, `!Sub`), text with parameters as `!Sub` with user text
//! escaped, and tags.

use crate::check::model::{ParamValue, Tags, Text, TextPart};
use crate::emit::LogicalIds as Id;
use serde_norway::Value;
use serde_norway::value::{Tag, TaggedValue};

/// What an S3 bucket name looks like, for parameters that hold one.
pub(super) const BUCKET_NAME_PATTERN: &str = "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$";

/// The parameter naming the bucket that holds code archives.
pub(super) const CODE_BUCKET: &str = "CodeArchives";

/// Adds `Tags` (a list of `Key`/`Value` pairs, the shape every taggable type drc emits
/// uses) to a resource's properties, unless there are none. Each taggable resource is one
/// call: `with_tags(properties, tags)`.
pub(super) fn with_tags(mut properties: Value, tags: &Tags) -> Value {
    if let (Value::Mapping(m), false) = (&mut properties, tags.is_empty()) {
        let list = tags
            .iter()
            .map(|(k, v)| map([("Key", s(k)), ("Value", s(v))]))
            .collect();
        m.insert(s("Tags"), Value::Sequence(list));
    }
    properties
}

/// User text: a plain string, or `!Sub` with each parameter as `${<ID>Param}` when it
/// inserts any.
pub(super) fn text(text: &Text) -> Value {
    match text.as_literal() {
        Some(plain) => s(plain),
        None => sub(&sub_template(text)),
    }
}

/// User text inside `!Sub`: literal parts escaped, each parameter as `${<ID>Param}`.
pub(super) fn sub_template(text: &Text) -> String {
    text.parts
        .iter()
        .map(|part| match part {
            TextPart::Literal(literal) => escape_sub(literal),
            TextPart::Param(name) => format!("${{{}}}", Id::param(name)),
        })
        .collect()
}

/// A parameter's default or allowed value.
pub(super) fn param_value(value: &ParamValue) -> Value {
    match value {
        ParamValue::String(text) => s(text),
        ParamValue::Number(number) => Value::Number((*number).into()),
    }
}

/// Literal text inside `!Sub`: `${` would start a substitution, `${!` is its escape.
pub(super) fn escape_sub(text: &str) -> String {
    text.replace("${", "${!")
}

pub(super) fn s(text: &str) -> Value {
    Value::String(text.to_owned())
}

pub(super) fn n(number: u32) -> Value {
    Value::Number(number.into())
}

pub(super) fn map<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Mapping(entries.into_iter().map(|(k, v)| (s(k), v)).collect())
}

pub(super) fn tagged(tag: &str, value: Value) -> Value {
    Value::Tagged(Box::new(TaggedValue {
        tag: Tag::new(tag),
        value,
    }))
}

pub(super) fn reference(id: &str) -> Value {
    tagged("Ref", s(id))
}

pub(super) fn get_att(id: &str, attribute: &str) -> Value {
    tagged("GetAtt", s(&format!("{id}.{attribute}")))
}

pub(super) fn sub(template: &str) -> Value {
    tagged("Sub", s(template))
}
