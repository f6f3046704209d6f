//! Values in a configuration: literal text and `${...}` interpolations (resource attributes,
//! data sources, variables), each as symbolic text (`${aws_s3_bucket.backups.arn}` is
//! `arn:{partition}:s3:::<bucket backups>`).

use super::Reader;
use crate::names::logical_stem;
use crate::verify::policy::fill;
use crate::verify::symbol::{Symbol, is_symbol};
use serde_json::Value;

/// What an attribute of a resource is: its physical name (`{name}`) or text around it, with
/// the provider's partition, region (the resource's `region` argument, or the provider's) and
/// account.
const ATTRIBUTES: &[(&str, &[&str], &str)] = &[
    ("aws_s3_bucket", &["arn"], "arn:{partition}:s3:::{name}"),
    ("aws_s3_bucket", &["id", "bucket"], "{name}"),
    (
        "aws_kms_key",
        &["arn"],
        "arn:{partition}:kms:{region}:{account}:key/{name}",
    ),
    ("aws_kms_key", &["key_id", "id"], "{name}"),
    (
        "aws_sqs_queue",
        &["arn"],
        "arn:{partition}:sqs:{region}:{account}:{name}",
    ),
    ("aws_sqs_queue", &["name"], "{name}"),
    (
        "aws_sqs_queue",
        &["id", "url"],
        "https://sqs.{region}.{url_suffix}/{account}/{name}",
    ),
    (
        "aws_sns_topic",
        &["arn", "id"],
        "arn:{partition}:sns:{region}:{account}:{name}",
    ),
    ("aws_sns_topic", &["name"], "{name}"),
    (
        "aws_lambda_function",
        &["arn"],
        "arn:{partition}:lambda:{region}:{account}:function:{name}",
    ),
    ("aws_lambda_function", &["function_name", "id"], "{name}"),
    (
        "aws_cloudwatch_log_group",
        &["arn"],
        "arn:{partition}:logs:{region}:{account}:log-group:{name}",
    ),
    ("aws_cloudwatch_log_group", &["name", "id"], "{name}"),
    (
        "aws_iam_role",
        &["arn"],
        "arn:{partition}:iam::{account}:role/{name}",
    ),
    ("aws_iam_role", &["name", "id"], "{name}"),
    (
        "aws_iam_policy",
        &["arn", "id"],
        "arn:{partition}:iam::{account}:policy/{name}",
    ),
    (
        "aws_scheduler_schedule",
        &["arn"],
        "arn:{partition}:scheduler:{region}:{account}:schedule/default/{name}",
    ),
];

impl Reader<'_, '_> {
    /// One reference inside `${...}`.
    pub(super) fn reference(&mut self, expression: &str, path: &str) -> Option<String> {
        let parts: Vec<&str> = expression.trim().split('.').collect();
        let partition = self.symbols.text(Symbol::Partition);
        let account = self.symbols.text(Symbol::Account);
        let value = match parts.as_slice() {
            ["data", "aws_partition", _, "partition"] => partition,
            ["data", "aws_region", _, "region" | "name"] => self.symbols.text(Symbol::Region),
            ["data", "aws_caller_identity", _, "account_id"] => account,
            ["var", "stack_name"] => self.symbols.text(Symbol::StackName),
            ["var", name] => self.symbols.text(Symbol::Param(logical_stem(name))),
            [kind, name, attribute] if kind.starts_with("aws_") => {
                let Some(body) = self.resource(kind, name) else {
                    self.problem(
                        path,
                        format!(
                            "`{expression}` refers to a resource the configuration does not declare"
                        ),
                    );
                    return None;
                };
                let Some(&(.., shape)) = ATTRIBUTES
                    .iter()
                    .find(|(k, attributes, _)| k == kind && attributes.contains(attribute))
                else {
                    self.problem(path, format!("`{expression}` is not modelled"));
                    return None;
                };
                let region = self.region(body);
                let name = self.name(kind, name, path)?;
                let suffix = self.symbols.text(Symbol::UrlSuffix);
                fill(shape, &partition, &region, &account, &name, &suffix)
            }
            _ => {
                self.problem(path, format!("`${{{expression}}}` is not modelled"));
                return None;
            }
        };
        Some(value)
    }

    /// A string with interpolations.
    pub(super) fn text(&mut self, value: &Value, path: &str) -> Option<String> {
        let text = match value {
            Value::String(text) => text,
            Value::Number(n) => return Some(n.to_string()),
            Value::Bool(b) => return Some(b.to_string()),
            _ => {
                self.problem(path, "expected text");
                return None;
            }
        };
        if text.chars().any(is_symbol) {
            self.problem(
                path,
                "text with private-use characters the verifier reserves",
            );
            return None;
        }
        let mut out = String::new();
        let mut rest = text.as_str();
        loop {
            let next = [rest.find("${"), rest.find("%{")]
                .into_iter()
                .flatten()
                .min();
            let Some(at) = next else {
                out.push_str(rest);
                break;
            };
            // `$${` and `%%{` are the escapes of a literal `${` and `%{`.
            if at > 0
                && rest[..at].ends_with(['$', '%'])
                && rest[at - 1..].starts_with(&rest[at..=at])
            {
                out.push_str(&rest[..at - 1]);
                out.push_str(&rest[at..at + 2]);
                rest = &rest[at + 2..];
                continue;
            }
            out.push_str(&rest[..at]);
            if rest[at..].starts_with("%{") {
                self.problem(path, "template directives (`%{`) are not modelled");
                return None;
            }
            let Some((inner, after)) = rest[at + 2..].split_once('}') else {
                self.problem(path, "`${` without `}`");
                return None;
            };
            out.push_str(&self.reference(inner, path)?);
            rest = after;
        }
        Some(out)
    }

    pub(super) fn texts(&mut self, value: &Value, path: &str) -> Option<Vec<String>> {
        match value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| self.text(item, &format!("{path}[{i}]")))
                .collect(),
            single => Some(vec![self.text(single, path)?]),
        }
    }

    /// The address `type.name` a `${type.name.attribute}` names, when the whole string is one.
    pub(super) fn referenced(value: &Value) -> Option<(&str, &str)> {
        let inner = value.as_str()?.strip_prefix("${")?.strip_suffix('}')?;
        let mut parts = inner.split('.');
        let first = parts.next()?;
        if first == "data" {
            return None;
        }
        Some((first, parts.next()?))
    }

    /// The policy document a `${data.aws_iam_policy_document.name.json}` names.
    pub(super) fn document_name(value: &Value) -> Option<&str> {
        let inner = value.as_str()?.strip_prefix("${")?.strip_suffix('}')?;
        inner
            .strip_prefix("data.aws_iam_policy_document.")?
            .strip_suffix(".json")
    }
}
