//! The Terraform document being built ([`Tf`]: resources, data sources, variables) and the
//! strings that go into it: user text through [`literal`], which escapes `${` and `%{`,
//! parameters as `${var.NAME}`, references, tags.

use crate::check::model::{Attribute, Kind, ParamValue, Reference, Tags, Text, TextPart};
use serde_json::{Map, Value, json};

/// Data sources and resources, grouped by type in insertion order.
#[derive(Default)]
pub(super) struct Tf {
    pub(super) data: Map<String, Value>,
    pub(super) resources: Map<String, Value>,
}

impl Tf {
    pub(super) fn data(&mut self, kind: &str, name: &str, body: Value) {
        insert(&mut self.data, kind, name, body);
    }

    pub(super) fn resource(&mut self, kind: &str, name: &str, body: Value) {
        insert(&mut self.resources, kind, name, body);
    }

    /// Merges fragments, in order.
    pub(super) fn extend(&mut self, fragments: Vec<Tf>) {
        for fragment in fragments {
            self.merge(fragment);
        }
    }

    /// Adds what `other` holds, in its order, as if it had been added here: fragments built
    /// apart (in parallel) and merged in order give the configuration built in one pass.
    pub(super) fn merge(&mut self, other: Tf) {
        for (block, from) in [
            (&mut self.data, other.data),
            (&mut self.resources, other.resources),
        ] {
            for (kind, named) in from {
                let Value::Object(named) = named else {
                    unreachable!("type blocks are objects");
                };
                for (name, body) in named {
                    insert(block, &kind, &name, body);
                }
            }
        }
    }
}

/// Adds `kind.name`. An address is written once (or again with the same body, for shared
/// documents): a second, different body would silently replace the first.
pub(super) fn insert(block: &mut Map<String, Value>, kind: &str, name: &str, body: Value) {
    let named = block
        .entry(kind.to_owned())
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .expect("type blocks are objects");
    assert!(
        named.get(name).is_none_or(|p| *p == body),
        "two different {kind}.{name} in one configuration"
    );
    named.insert(name.to_owned(), body);
}

/// Adds `tags` (a map) to a resource's body, unless there are none. Each taggable resource
/// is one call: `with_tags(body, tags)`. Tags are written on each resource rather than as
/// the provider's `default_tags`: drc emits no provider block (the configuration can be
/// used as a module), and CloudFormation has to list them per resource anyway.
pub(super) fn with_tags(mut body: Value, tags: &Tags) -> Value {
    if let (Value::Object(m), false) = (&mut body, tags.is_empty()) {
        let tags: Map<String, Value> = tags
            .iter()
            .map(|(k, v)| (literal(k), json!(literal(v))))
            .collect();
        m.insert("tags".into(), Value::Object(tags));
    }
    body
}

/// The expression of `item.name`, `item.arn` or `queue.url`, from the AWS provider's
/// attributes of each resource type.
pub(super) fn reference_value(r: &Reference) -> String {
    let (resource, attribute) = match (r.kind, r.attribute) {
        (Kind::Bucket, Attribute::Name) => ("aws_s3_bucket", "id"),
        (Kind::Bucket, _) => ("aws_s3_bucket", "arn"),
        (Kind::Queue, Attribute::Name) => ("aws_sqs_queue", "name"),
        (Kind::Queue, Attribute::Arn) => ("aws_sqs_queue", "arn"),
        (Kind::Queue, Attribute::Url) => ("aws_sqs_queue", "url"),
        (Kind::Topic, Attribute::Name) => ("aws_sns_topic", "name"),
        (Kind::Topic, _) => ("aws_sns_topic", "arn"),
        (_, Attribute::Name) => ("aws_lambda_function", "function_name"),
        (_, _) => ("aws_lambda_function", "arn"),
    };
    format!("${{{resource}.{}.{attribute}}}", r.item)
}

/// A parameter's default value.
pub(super) fn param_value(value: &ParamValue) -> Value {
    match value {
        ParamValue::String(text) => json!(text),
        ParamValue::Number(number) => json!(number),
    }
}

/// A string inside a Terraform expression: quoted, with HCL's escapes and `${`/`%{` escaped.
pub(super) fn hcl_string(text: &str) -> String {
    let escaped = literal(text)
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
        .replace('\t', "\\t");
    format!("\"{escaped}\"")
}

/// User text: literal parts through [`literal`], each parameter as `${var.<name>}`.
pub(super) fn text(text: &Text) -> String {
    text.parts
        .iter()
        .map(|part| match part {
            TextPart::Literal(text) => literal(text),
            TextPart::Param(name) => format!("${{var.{name}}}"),
        })
        .collect()
}

/// User text as a Terraform string literal: `${` and `%{` are escaped as `$${` and `%%{`.
pub fn literal(text: &str) -> String {
    text.replace("${", "$${").replace("%{", "%%{")
}
