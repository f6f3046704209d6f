//! Values in a template: literal text, and CloudFormation's `Ref`, `Fn::GetAtt`, `Fn::Sub`
//! and `Fn::Join`, each as symbolic text (`!GetAtt BackupsBucket.Arn` is
//! `arn:{partition}:s3:::<bucket backups>`).

use super::Reader;
use crate::verify::policy::fill;
use crate::verify::symbol::{Symbol, is_symbol};
use crate::verify::tree::Node;
use std::collections::BTreeMap;

/// The return values of `Fn::GetAtt` drc uses, per resource type: the physical name
/// (`{name}`) or text around it, with the stack's partition, region and account.
const ATTRIBUTES: &[(&str, &str, &str)] = &[
    ("AWS::S3::Bucket", "Arn", "arn:{partition}:s3:::{name}"),
    (
        "AWS::KMS::Key",
        "Arn",
        "arn:{partition}:kms:{region}:{account}:key/{name}",
    ),
    ("AWS::KMS::Key", "KeyId", "{name}"),
    (
        "AWS::SQS::Queue",
        "Arn",
        "arn:{partition}:sqs:{region}:{account}:{name}",
    ),
    ("AWS::SQS::Queue", "QueueName", "{name}"),
    (
        "AWS::SQS::Queue",
        "QueueUrl",
        "https://sqs.{region}.{url_suffix}/{account}/{name}",
    ),
    (
        "AWS::SNS::Topic",
        "TopicArn",
        "arn:{partition}:sns:{region}:{account}:{name}",
    ),
    ("AWS::SNS::Topic", "TopicName", "{name}"),
    (
        "AWS::Lambda::Function",
        "Arn",
        "arn:{partition}:lambda:{region}:{account}:function:{name}",
    ),
    (
        "AWS::Logs::LogGroup",
        "Arn",
        "arn:{partition}:logs:{region}:{account}:log-group:{name}:*",
    ),
    (
        "AWS::IAM::Role",
        "Arn",
        "arn:{partition}:iam::{account}:role/{name}",
    ),
    (
        "AWS::IAM::ManagedPolicy",
        "PolicyArn",
        "arn:{partition}:iam::{account}:policy/{name}",
    ),
    (
        "AWS::Scheduler::Schedule",
        "Arn",
        "arn:{partition}:scheduler:{region}:{account}:schedule/default/{name}",
    ),
];

impl Reader<'_, '_> {
    /// `Ref`: a pseudo parameter, a resource, or a parameter (filled by another template's
    /// output of the same name, or left open).
    pub(super) fn reference(&mut self, t: usize, name: &str, path: &str) -> Option<String> {
        let pseudo = match name {
            "AWS::Partition" => Some(Symbol::Partition),
            "AWS::AccountId" => Some(Symbol::Account),
            "AWS::StackName" => Some(Symbol::StackName),
            "AWS::URLSuffix" => Some(Symbol::UrlSuffix),
            "AWS::Region" => return Some(self.region(t)),
            _ => None,
        };
        if let Some(symbol) = pseudo {
            return Some(self.symbols.text(symbol));
        }
        if let Some(resource) = self.resource(t, name) {
            let (.., kind, _) = resource;
            return match kind {
                "AWS::S3::Bucket"
                | "AWS::KMS::Key"
                | "AWS::Lambda::Function"
                | "AWS::Logs::LogGroup"
                | "AWS::IAM::Role"
                | "AWS::Scheduler::Schedule" => self.name(t, resource),
                "AWS::SNS::Topic" | "AWS::IAM::ManagedPolicy" => self.arn(t, resource, path),
                "AWS::SQS::Queue" => self.attribute(t, name, "QueueUrl", path),
                other => {
                    self.problem(t, path, format!("`Ref` of a {other} is not modelled"));
                    None
                }
            };
        }
        let parameters = self.templates[t].root.get("Parameters");
        if parameters.and_then(|p| p.get(name)).is_some() {
            // A nested template's parameter: the value its parent passes.
            if let Some((parent, stack)) = &self.templates[t].parent
                && let Some(value) = self
                    .resource(*parent, stack)
                    .and_then(|(.., properties)| properties.get("Parameters"))
                    .and_then(|p| p.get(name))
            {
                let path = format!("Resources.{stack}.Properties.Parameters.{name}");
                return self.text(*parent, value, &path);
            }
            // Otherwise a template of another region fills it with its output of the same
            // name (drc's convention for buckets in other regions); nested templates never do.
            for other in 0..self.templates.len() {
                if other == t || self.templates[other].region.is_none() {
                    continue;
                }
                if let Some(value) = self.templates[other]
                    .root
                    .get("Outputs")
                    .and_then(|o| o.get(name))
                    .and_then(|o| o.get("Value"))
                {
                    return self.text(other, value, &format!("Outputs.{name}.Value"));
                }
            }
            let stem = name
                .strip_suffix("Param")
                .filter(|s| !s.is_empty())
                .unwrap_or(name);
            return Some(self.symbols.text(Symbol::Param(stem.to_owned())));
        }
        self.problem(
            t,
            path,
            format!("`Ref` to `{name}`, which the template does not declare"),
        );
        None
    }

    /// `Fn::GetAtt`: the return values drc uses, per resource type.
    pub(super) fn attribute(
        &mut self,
        t: usize,
        id: &str,
        attribute: &str,
        path: &str,
    ) -> Option<String> {
        let Some(resource) = self.resource(t, id) else {
            self.problem(
                t,
                path,
                format!("`Fn::GetAtt` of `{id}`, which the template does not declare"),
            );
            return None;
        };
        let kind = resource.1;
        if kind == "AWS::CloudFormation::Stack" {
            return self.nested_output(t, id, attribute, path);
        }
        let partition = self.symbols.text(Symbol::Partition);
        let account = self.symbols.text(Symbol::Account);
        let region = self.region(t);
        let name = self.name(t, resource)?;
        let Some(&(.., shape)) = ATTRIBUTES
            .iter()
            .find(|(k, a, _)| *k == kind && *a == attribute)
        else {
            self.problem(
                t,
                path,
                format!("`Fn::GetAtt` `{attribute}` of a {kind} is not modelled"),
            );
            return None;
        };
        let suffix = self.symbols.text(Symbol::UrlSuffix);
        let value = fill(shape, &partition, &region, &account, &name, &suffix);
        Some(value)
    }

    /// `!GetAtt <Stack>.Outputs.<Name>`: the output `Name` of the nested stack's template.
    fn nested_output(&mut self, t: usize, id: &str, attribute: &str, path: &str) -> Option<String> {
        let child = (0..self.templates.len()).find(|&c| {
            self.templates[c]
                .parent
                .as_ref()
                .is_some_and(|(parent, stack)| *parent == t && stack == id)
        });
        let value = attribute.strip_prefix("Outputs.").and_then(|name| {
            let child = child?;
            let value = self.templates[child]
                .root
                .get("Outputs")?
                .get(name)?
                .get("Value")?;
            Some((child, name, value))
        });
        let Some((child, name, value)) = value else {
            self.problem(
                t,
                path,
                format!(
                    "`Fn::GetAtt` `{attribute}` of nested stack `{id}` is no output of its template"
                ),
            );
            return None;
        };
        self.text(child, value, &format!("Outputs.{name}.Value"))
    }

    /// A string value: literal text or an intrinsic function.
    pub(super) fn text(&mut self, t: usize, value: &Node, path: &str) -> Option<String> {
        match value {
            Node::Scalar(text) => {
                if text.chars().any(is_symbol) {
                    self.problem(
                        t,
                        path,
                        "text with private-use characters the verifier reserves",
                    );
                    return None;
                }
                Some(text.to_string())
            }
            Node::Tagged(tag, inner) => self.intrinsic(t, tag, inner, path),
            Node::Mapping(entries) if entries.len() == 1 => {
                let (key, arg) = &entries[0];
                match key.as_str() {
                    Some("Ref") => self.intrinsic(t, "Ref", arg, path),
                    Some(function) if function.starts_with("Fn::") => {
                        self.intrinsic(t, &function["Fn::".len()..], arg, path)
                    }
                    _ => {
                        self.problem(t, path, "expected text");
                        None
                    }
                }
            }
            _ => {
                self.problem(t, path, "expected text");
                None
            }
        }
    }

    /// A list of strings, or one string.
    pub(super) fn texts(&mut self, t: usize, value: &Node, path: &str) -> Option<Vec<String>> {
        match value {
            Node::Sequence(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| self.text(t, item, &format!("{path}[{i}]")))
                .collect(),
            single => Some(vec![self.text(t, single, path)?]),
        }
    }

    pub(super) fn intrinsic(
        &mut self,
        t: usize,
        function: &str,
        arg: &Node,
        path: &str,
    ) -> Option<String> {
        match (function, arg) {
            ("Ref", Node::Scalar(name)) => self.reference(t, name, path),
            ("GetAtt", Node::Scalar(dotted)) => {
                if let Some((id, attribute)) = dotted.split_once('.') {
                    self.attribute(t, id, attribute, path)
                } else {
                    self.problem(t, path, format!("`!GetAtt {dotted}` names no attribute"));
                    None
                }
            }
            ("GetAtt", Node::Sequence(pair)) if pair.len() == 2 => {
                if let (Some(id), Some(attribute)) = (pair[0].as_str(), pair[1].as_str()) {
                    self.attribute(t, id, attribute, path)
                } else {
                    self.problem(t, path, "`Fn::GetAtt` with computed names is not modelled");
                    None
                }
            }
            ("Sub", Node::Scalar(template)) => self.sub(t, template, &BTreeMap::new(), path),
            ("Sub", Node::Sequence(pair)) if pair.len() == 2 => {
                let Some(template) = pair[0].as_str() else {
                    self.problem(t, path, "`Fn::Sub` without a template string");
                    return None;
                };
                let mut variables = BTreeMap::new();
                if let Node::Mapping(map) = &pair[1] {
                    for (name, value) in map {
                        let name = name.as_str()?.to_owned();
                        let value = self.text(t, value, &format!("{path}.{name}"))?;
                        variables.insert(name, value);
                    }
                }
                self.sub(t, template, &variables, path)
            }
            ("Join", Node::Sequence(pair)) if pair.len() == 2 => {
                let delimiter = pair[0].as_str().unwrap_or_default().to_owned();
                let Node::Sequence(items) = &pair[1] else {
                    self.problem(t, path, "`Fn::Join` of a computed list is not modelled");
                    return None;
                };
                let parts: Option<Vec<String>> = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.text(t, item, &format!("{path}[{i}]")))
                    .collect();
                Some(parts?.join(&delimiter))
            }
            (other, _) => {
                self.problem(t, path, format!("`Fn::{other}` is not modelled"));
                None
            }
        }
    }

    /// `Fn::Sub`: `${Name}` and `${Id.Attribute}` replaced, `${!Text}` kept as `${Text}`.
    pub(super) fn sub(
        &mut self,
        t: usize,
        template: &str,
        variables: &BTreeMap<String, String>,
        path: &str,
    ) -> Option<String> {
        let mut out = String::new();
        let mut rest = template;
        while let Some(at) = rest.find("${") {
            out.push_str(&rest[..at]);
            let Some((inner, after)) = rest[at + 2..].split_once('}') else {
                self.problem(t, path, "`${` without `}` in `Fn::Sub`");
                return None;
            };
            if let Some(literal) = inner.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else if let Some(value) = variables.get(inner) {
                out.push_str(value);
            } else if !inner.starts_with("AWS::")
                && let Some((id, attribute)) = inner.split_once('.')
            {
                out.push_str(&self.attribute(t, id, attribute, path)?);
            } else {
                out.push_str(&self.reference(t, inner, path)?);
            }
            rest = after;
        }
        out.push_str(rest);
        if out.chars().any(is_symbol) && template.chars().any(is_symbol) {
            self.problem(
                t,
                path,
                "text with private-use characters the verifier reserves",
            );
            return None;
        }
        Some(out)
    }

    /// The logical ID a `!Ref X` or `!GetAtt X.Attribute` names.
    pub(super) fn referenced<'n>(value: &'n Node) -> Option<&'n str> {
        let (function, arg) = match value {
            Node::Tagged(tag, arg) => (tag.as_ref(), arg.as_ref()),
            Node::Mapping(entries) if entries.len() == 1 => {
                let (key, arg) = &entries[0];
                (key.as_str()?.trim_start_matches("Fn::"), arg)
            }
            _ => return None,
        };
        match (function, arg) {
            ("Ref", Node::Scalar(id)) => Some(id),
            ("GetAtt", Node::Scalar(dotted)) => dotted.split('.').next(),
            ("GetAtt", Node::Sequence(pair)) => pair.first()?.as_str(),
            _ => None,
        }
    }
}
