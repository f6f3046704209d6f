//! Reads CloudFormation templates back into a [`Reading`], as a tool outside drc would: from
//! the bytes, with CloudFormation's own rules for `Ref`, `Fn::GetAtt`, `Fn::Sub` and
//! `Fn::Join`, parameters, and the templates of a stack's other regions
//! (`<stack>.<region>.cfn.yaml`, whose outputs fill the main template's parameters of the
//! same name).
//!
//! ```text
//! Resource: !Sub ${BackupsBucket.Arn}/daily/*
//!   BackupsBucket is an AWS::S3::Bucket: its Arn is arn:${AWS::Partition}:s3:::<its name>
//!   => arn:{partition}:s3:::<bucket backups>/daily/*
//! ```
//!
//! Which `.dr` item a resource is comes from its logical ID: drc names them `<Stem><Suffix>`
//! (`BackupsBucket`, `BackupsBucketKey`, `BackupFunction`), and the stem is what
//! [`crate::names::logical_stem`] makes of the `.dr` name. The meaning of each reference is
//! CloudFormation's (return values of `Ref` and `Fn::GetAtt` per resource type:
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html>).
//! Anything the reader does not model is a [`Problem`], and the proof is withheld.

use super::policy::{
    BucketFacts, Effect, FunctionFacts, MessagingFacts, Origin, Patterns, Principal, Principals,
    Problem, Reading, RoleReading, ScheduleFacts, Statement, cause, operator, principal,
};
use super::policy::{Condition, Owner, fill};
use super::symbol::{Item, ItemKind, Symbol, Symbols, is_symbol};
use super::yaml::{self, NULL, Node};
use std::collections::BTreeMap;
use std::collections::HashMap;

/// Resource types, the suffix drc gives their logical IDs, and the item kind they are.
const ITEMS: &[(&str, &str, ItemKind)] = &[
    ("AWS::S3::Bucket", "Bucket", ItemKind::Bucket),
    ("AWS::KMS::Key", "BucketKey", ItemKind::BucketKey),
    ("AWS::KMS::Key", "QueueKey", ItemKind::QueueKey),
    ("AWS::KMS::Key", "TopicKey", ItemKind::TopicKey),
    ("AWS::SQS::Queue", "Queue", ItemKind::Queue),
    ("AWS::SNS::Topic", "Topic", ItemKind::Topic),
    ("AWS::Lambda::Function", "Function", ItemKind::Function),
    (
        "AWS::Logs::LogGroup",
        "FunctionLogGroup",
        ItemKind::LogGroup,
    ),
    ("AWS::Scheduler::Schedule", "Schedule", ItemKind::Schedule),
    ("AWS::IAM::Role", "", ItemKind::Role),
    ("AWS::IAM::ManagedPolicy", "", ItemKind::ManagedPolicy),
];

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

/// Resource types that grant nothing and carry no fact the proof needs.
const INERT: &[&str] = &[
    "AWS::SNS::Subscription",
    "AWS::CloudWatch::Alarm",
    "AWS::Logs::LogGroup",
];

/// One template file of the stack.
struct Template<'a> {
    file: String,
    /// `None` for the stack's own template; the region of a `<stack>.<region>.cfn.yaml`.
    region: Option<String>,
    root: Node<'a>,
    /// Logical ID -> position in `Resources`.
    index: HashMap<String, usize>,
}

/// Reads the CloudFormation templates of one stack (`files`: name and bytes). An error is a
/// file that is not YAML; what the reader cannot model is a problem in the reading.
pub fn read(files: &[(&str, &[u8])], symbols: &mut Symbols) -> Result<Reading, String> {
    let mut templates = Vec::new();
    for (name, bytes) in files {
        let text = std::str::from_utf8(bytes)
            .map_err(|e| format!("`{name}` is not a CloudFormation template: {e}"))?;
        let root = yaml::parse(text)
            .map_err(|e| format!("`{name}` is not a CloudFormation template: {e}"))?;
        let stem = name.strip_suffix(".cfn.yaml").unwrap_or(name);
        let region = stem.split_once('.').map(|(_, region)| region.to_owned());
        let index = root
            .get("Resources")
            .and_then(Node::as_mapping)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .filter_map(|(i, (id, _))| Some((id.as_str()?.to_owned(), i)))
            .collect();
        templates.push(Template {
            file: (*name).to_owned(),
            region,
            root,
            index,
        });
    }
    let mut reader = Reader {
        templates: &templates,
        symbols,
        problems: Vec::new(),
    };
    let mut reading = reader.read();
    reading.files = files.iter().map(|(name, _)| (*name).to_owned()).collect();
    reading.problems.extend(reader.problems);
    reading.problems.sort();
    Ok(reading)
}

struct Reader<'t, 's> {
    templates: &'t [Template<'t>],
    symbols: &'s mut Symbols,
    problems: Vec<Problem>,
}

/// A resource's logical ID, type and properties.
type Resource<'t> = (&'t str, &'t str, &'t Node<'t>);

impl<'t> Reader<'t, '_> {
    fn problem(&mut self, t: usize, path: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            file: self.templates[t].file.clone(),
            path: path.to_owned(),
            message: message.into(),
        });
    }

    fn resources(&self, t: usize) -> Vec<Resource<'t>> {
        let Some(Node::Mapping(resources)) = self.templates[t].root.get("Resources") else {
            return Vec::new();
        };
        resources
            .iter()
            .filter_map(|(id, body)| {
                let id = id.as_str()?;
                let kind = body.get("Type")?.as_str()?;
                Some((id, kind, body.get("Properties").unwrap_or(&NULL)))
            })
            .collect()
    }

    fn resource(&self, t: usize, id: &str) -> Option<Resource<'t>> {
        let template = &self.templates[t];
        let at = *template.index.get(id)?;
        let (id, body) = &template.root.get("Resources")?.as_mapping()?[at];
        let kind = body.get("Type")?.as_str()?;
        Some((id.as_str()?, kind, body.get("Properties").unwrap_or(&NULL)))
    }

    /// The item a resource is, by its type and logical ID.
    fn item(id: &str, kind: &str) -> Option<Item> {
        let mut fallback = None;
        for (type_name, suffix, item) in ITEMS {
            if *type_name != kind {
                continue;
            }
            if suffix.is_empty() {
                return Some(Item {
                    kind: *item,
                    stem: id.to_owned(),
                });
            }
            if let Some(stem) = id.strip_suffix(suffix).filter(|s| !s.is_empty()) {
                return Some(Item {
                    kind: *item,
                    stem: stem.to_owned(),
                });
            }
            fallback.get_or_insert(Item {
                kind: *item,
                stem: id.to_owned(),
            });
        }
        fallback
    }

    fn region(&mut self, t: usize) -> String {
        match &self.templates[t].region {
            Some(region) => region.clone(),
            None => self.symbols.text(Symbol::Region),
        }
    }

    /// The physical name of a resource: an explicit bucket name, or the item's symbol.
    fn name(&mut self, t: usize, resource: Resource<'t>) -> Option<String> {
        let (id, kind, properties) = resource;
        let item = Self::item(id, kind)?;
        if item.kind == ItemKind::Bucket
            && let Some(name) = properties.get("BucketName")
        {
            return self.text(t, name, &format!("Resources.{id}.Properties.BucketName"));
        }
        Some(self.symbols.item(item.kind, &item.stem))
    }

    fn arn(&mut self, t: usize, resource: Resource<'t>, path: &str) -> Option<String> {
        let attribute = match resource.1 {
            "AWS::SNS::Topic" => "TopicArn",
            "AWS::IAM::ManagedPolicy" => "PolicyArn",
            _ => "Arn",
        };
        self.attribute(t, resource.0, attribute, path)
    }

    /// `Ref`: a pseudo parameter, a resource, or a parameter (filled by another template's
    /// output of the same name, or left open).
    fn reference(&mut self, t: usize, name: &str, path: &str) -> Option<String> {
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
            for other in 0..self.templates.len() {
                if other == t {
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
    fn attribute(&mut self, t: usize, id: &str, attribute: &str, path: &str) -> Option<String> {
        let Some(resource) = self.resource(t, id) else {
            self.problem(
                t,
                path,
                format!("`Fn::GetAtt` of `{id}`, which the template does not declare"),
            );
            return None;
        };
        let kind = resource.1;
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

    /// A string value: literal text or an intrinsic function.
    fn text(&mut self, t: usize, value: &Node, path: &str) -> Option<String> {
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
    fn texts(&mut self, t: usize, value: &Node, path: &str) -> Option<Vec<String>> {
        match value {
            Node::Sequence(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| self.text(t, item, &format!("{path}[{i}]")))
                .collect(),
            single => Some(vec![self.text(t, single, path)?]),
        }
    }

    fn intrinsic(&mut self, t: usize, function: &str, arg: &Node, path: &str) -> Option<String> {
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
    fn sub(
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
    fn referenced<'n>(value: &'n Node) -> Option<&'n str> {
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

    /// A policy document's statements.
    fn document(&mut self, t: usize, value: &Node, path: &str, policy: &str) -> Vec<Statement> {
        let statements = match value.get("Statement") {
            Some(Node::Sequence(list)) => list.iter().collect::<Vec<_>>(),
            Some(single @ Node::Mapping(_)) => vec![single],
            _ => {
                self.problem(t, path, "a policy document without statements");
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (i, statement) in statements.into_iter().enumerate() {
            let path = format!("{path}.Statement[{i}]");
            if let Some(statement) = self.statement(t, statement, &path, policy, i) {
                out.push(statement);
            }
        }
        out
    }

    fn statement(
        &mut self,
        t: usize,
        value: &Node,
        path: &str,
        policy: &str,
        index: usize,
    ) -> Option<Statement> {
        let Node::Mapping(map) = value else {
            self.problem(t, path, "a statement that is not a mapping");
            return None;
        };
        let mut sid = format!("#{}", index + 1);
        let mut effect = None;
        let mut principals = None;
        let mut actions = None;
        let mut resources = None;
        let mut conditions = Vec::new();
        for (key, field) in map {
            let key = key.as_str().unwrap_or_default();
            let at = format!("{path}.{key}");
            match key {
                "Sid" => sid = self.text(t, field, &at)?,
                "Effect" => match field.as_str() {
                    Some("Allow") => effect = Some(Effect::Allow),
                    Some("Deny") => effect = Some(Effect::Deny),
                    _ => {
                        self.problem(t, &at, "`Effect` is neither `Allow` nor `Deny`");
                        return None;
                    }
                },
                "Principal" | "NotPrincipal" => {
                    let items = match field {
                        Node::Scalar(star) if star == "*" => vec![Principal::Anyone],
                        Node::Mapping(kinds) => {
                            let mut items = Vec::new();
                            for (kind, values) in kinds {
                                let kind = kind.as_str().unwrap_or_default().to_owned();
                                for value in self.texts(t, values, &format!("{at}.{kind}"))? {
                                    items.push(principal(&kind, &value));
                                }
                            }
                            items
                        }
                        _ => {
                            self.problem(t, &at, "a principal that is neither `*` nor a mapping");
                            return None;
                        }
                    };
                    principals = Some(Principals {
                        negated: key == "NotPrincipal",
                        items,
                    });
                }
                "Action" | "NotAction" => {
                    actions = Some(Patterns {
                        negated: key == "NotAction",
                        items: self.texts(t, field, &at)?,
                    });
                }
                "Resource" | "NotResource" => {
                    resources = Some(Patterns {
                        negated: key == "NotResource",
                        items: self.texts(t, field, &at)?,
                    });
                }
                "Condition" => conditions = self.conditions(t, field, &at)?,
                other => {
                    self.problem(
                        t,
                        &at,
                        format!("`{other}` is not a statement element the verifier models"),
                    );
                    return None;
                }
            }
        }
        let Some(effect) = effect else {
            self.problem(t, path, "a statement without `Effect`");
            return None;
        };
        let Some(actions) = actions else {
            self.problem(t, path, "a statement without `Action` or `NotAction`");
            return None;
        };
        Some(Statement {
            effect,
            principals,
            actions,
            resources,
            conditions,
            origin: Origin::Read {
                file: self.templates[t].file.clone(),
                policy: policy.to_owned(),
                sid,
            },
        })
    }

    fn conditions(&mut self, t: usize, value: &Node, path: &str) -> Option<Vec<Condition>> {
        let Node::Mapping(operators) = value else {
            self.problem(t, path, "`Condition` is not a mapping");
            return None;
        };
        let mut out = Vec::new();
        for (name, keys) in operators {
            let name = name.as_str().unwrap_or_default();
            let Some((test, if_exists, set)) = operator(name) else {
                self.problem(
                    t,
                    path,
                    format!("condition operator `{name}` is not modelled"),
                );
                return None;
            };
            let Node::Mapping(keys) = keys else {
                self.problem(t, path, format!("`{name}` is not a mapping of keys"));
                return None;
            };
            for (key, values) in keys {
                let key = key.as_str().unwrap_or_default();
                out.push(Condition {
                    test,
                    if_exists,
                    set,
                    key: key.to_ascii_lowercase(),
                    values: self.texts(t, values, &format!("{path}.{name}.{key}"))?,
                    name: key.to_owned(),
                });
            }
        }
        Some(out)
    }

    fn read(&mut self) -> Reading {
        let mut reading = Reading::default();
        // Role id -> its reading; attachments (role id, statements) from separate policies.
        let mut roles: BTreeMap<String, RoleReading> = BTreeMap::new();
        let mut attached: Vec<(String, Vec<Statement>)> = Vec::new();
        let mut managed: BTreeMap<String, Vec<Statement>> = BTreeMap::new();
        let mut managed_links: Vec<(String, String)> = Vec::new();
        let mut provenance: BTreeMap<String, Vec<(String, String, String)>> = BTreeMap::new();
        let mut invoke_configs: Vec<(String, String)> = Vec::new();
        for t in 0..self.templates.len() {
            for resource in self.resources(t) {
                let (id, kind, properties) = resource;
                let at = format!("Resources.{id}.Properties");
                let item = Self::item(id, kind);
                match kind {
                    "AWS::S3::Bucket" => {
                        let item = item.expect("buckets are items");
                        let facts = self.bucket(t, resource);
                        reading
                            .resource_policies
                            .entry(item.clone())
                            .or_default()
                            .arn
                            .clone_from(&facts.arn);
                        reading.facts.buckets.insert(item.stem, facts);
                    }
                    "AWS::KMS::Key" => {
                        let item = item.expect("keys are items");
                        let arn = self.arn(t, resource, &at).unwrap_or_default();
                        let statements = match properties.get("KeyPolicy") {
                            Some(policy) => self.document(
                                t,
                                policy,
                                &format!("{at}.KeyPolicy"),
                                &format!("key policy of {id}"),
                            ),
                            None => Vec::new(),
                        };
                        let entry = reading.resource_policies.entry(item).or_default();
                        entry.arn = arn;
                        entry.statements.extend(statements);
                    }
                    "AWS::SQS::Queue" | "AWS::SNS::Topic" => {
                        let item = item.expect("queues and topics are items");
                        let arn = self.arn(t, resource, &at).unwrap_or_default();
                        let key = match properties.get("KmsMasterKeyId") {
                            Some(key) => self.text(t, key, &format!("{at}.KmsMasterKeyId")),
                            None => None,
                        };
                        reading
                            .resource_policies
                            .entry(item.clone())
                            .or_default()
                            .arn
                            .clone_from(&arn);
                        let facts = MessagingFacts { arn, key };
                        if kind == "AWS::SQS::Queue" {
                            reading.facts.queues.insert(item.stem, facts);
                        } else {
                            reading.facts.topics.insert(item.stem, facts);
                        }
                    }
                    "AWS::Lambda::Function" => {
                        let item = item.expect("functions are items");
                        let facts = self.function(t, resource);
                        reading
                            .resource_policies
                            .entry(item.clone())
                            .or_default()
                            .arn
                            .clone_from(&facts.arn);
                        reading.facts.functions.insert(item.stem, facts);
                    }
                    "AWS::Lambda::EventInvokeConfig" => {
                        let function = properties
                            .get("FunctionName")
                            .and_then(Self::referenced)
                            .map(str::to_owned);
                        let destination = properties
                            .get("DestinationConfig")
                            .and_then(|d| d.get("OnFailure"))
                            .and_then(|d| d.get("Destination"));
                        if let (Some(function), Some(destination)) = (function, destination)
                            && let Some(arn) = self.text(
                                t,
                                destination,
                                &format!("{at}.DestinationConfig.OnFailure.Destination"),
                            )
                        {
                            invoke_configs.push((function, arn));
                        }
                    }
                    "AWS::Scheduler::Schedule" => {
                        let item = item.expect("schedules are items");
                        let target = properties.get("Target").unwrap_or(&NULL);
                        let arn = target
                            .get("Arn")
                            .and_then(|v| self.text(t, v, &format!("{at}.Target.Arn")))
                            .unwrap_or_default();
                        let role = target
                            .get("RoleArn")
                            .and_then(Self::referenced)
                            .map(str::to_owned);
                        reading
                            .facts
                            .schedules
                            .insert(item.stem, ScheduleFacts { target: arn, role });
                    }
                    "AWS::IAM::Role" => {
                        let role = self.role(t, resource, &mut managed_links);
                        if let Some(causes) = self.provenance(t, id) {
                            provenance.insert(id.to_owned(), causes);
                        }
                        roles.insert(id.to_owned(), role);
                    }
                    "AWS::IAM::RolePolicy" | "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                        let name = properties
                            .get("PolicyName")
                            .and_then(Node::as_str)
                            .unwrap_or(id);
                        let statements = match properties.get("PolicyDocument") {
                            Some(document) => self.document(
                                t,
                                document,
                                &format!("{at}.PolicyDocument"),
                                &format!("policy {name} ({id})"),
                            ),
                            None => Vec::new(),
                        };
                        for other in ["Users", "Groups"] {
                            if properties.get(other).is_some() {
                                self.problem(t, &format!("{at}.{other}"), "policies of users and groups are not modelled");
                            }
                        }
                        let targets: Vec<String> = match properties.get("RoleName") {
                            Some(role) => Self::referenced(role).into_iter().map(str::to_owned).collect(),
                            None => properties
                                .get("Roles")
                                .and_then(Node::as_sequence)
                                .map(|roles| {
                                    roles
                                        .iter()
                                        .filter_map(Self::referenced)
                                        .map(str::to_owned)
                                        .collect()
                                })
                                .unwrap_or_default(),
                        };
                        if kind == "AWS::IAM::ManagedPolicy" {
                            managed.insert(id.to_owned(), statements);
                            for role in targets {
                                managed_links.push((role, id.to_owned()));
                            }
                        } else {
                            for role in targets {
                                attached.push((role, statements.clone()));
                            }
                        }
                    }
                    "AWS::S3::BucketPolicy" => {
                        self.resource_policy(t, resource, "Bucket", &mut reading);
                    }
                    "AWS::SNS::TopicPolicy" => {
                        self.resource_policy(t, resource, "Topics", &mut reading);
                    }
                    "AWS::SQS::QueuePolicy" => {
                        self.resource_policy(t, resource, "Queues", &mut reading);
                    }
                    "AWS::Lambda::Permission" => self.permission(t, resource, &mut reading),
                    kind if INERT.contains(&kind) => {}
                    other => self.problem(
                        t,
                        &format!("Resources.{id}"),
                        format!("resource type {other} is not modelled: it may grant access the proof cannot see"),
                    ),
                }
            }
        }
        for (function, arn) in invoke_configs {
            let stem = function.strip_suffix("Function").unwrap_or(&function);
            if let Some(facts) = reading.facts.functions.get_mut(stem) {
                facts.on_failure = Some(arn);
            }
        }
        managed_links.sort();
        managed_links.dedup();
        for (role, policy) in managed_links {
            if let Some(statements) = managed.get(&policy) {
                attached.push((role, statements.clone()));
            }
        }
        for (role, statements) in attached {
            match roles.get_mut(&role) {
                Some(reading) => reading.identity.extend(statements),
                None => self.problem(
                    0,
                    &format!("Resources.{role}"),
                    "a policy attached to a role the templates do not declare",
                ),
            }
        }
        // Who assumes each role, as the templates wire it.
        let mut owners: BTreeMap<String, Owner> = BTreeMap::new();
        let wired =
            reading
                .facts
                .functions
                .iter()
                .filter_map(|(stem, f)| Some((f.role.clone()?, Owner::Function(stem.clone()))))
                .chain(
                    reading.facts.schedules.iter().filter_map(|(stem, s)| {
                        Some((s.role.clone()?, Owner::Schedule(stem.clone())))
                    }),
                )
                .chain(reading.facts.buckets.iter().filter_map(|(stem, b)| {
                    Some((
                        b.replication.as_ref()?.0.clone()?,
                        Owner::Replication(stem.clone()),
                    ))
                }))
                .collect::<Vec<_>>();
        for (role, owner) in wired {
            if let Some(first) = owners.get(&role) {
                let message =
                    format!("role {role} is used by two owners ({first:?} and {owner:?})");
                self.problem(0, &format!("Resources.{role}"), message);
            } else {
                owners.insert(role, owner);
            }
        }
        for (id, mut role) in roles {
            role.id.clone_from(&id);
            let owner = owners
                .get(&id)
                .cloned()
                .unwrap_or_else(|| Owner::Unused(id.clone()));
            if let Some(causes) = provenance.remove(&id) {
                reading.provenance.insert(owner.clone(), causes);
            }
            reading.roles.insert(owner, role);
        }
        reading
    }

    fn bucket(&mut self, t: usize, resource: Resource<'t>) -> BucketFacts {
        let (id, _, properties) = resource;
        let at = format!("Resources.{id}.Properties");
        let arn = self.arn(t, resource, &at).unwrap_or_default();
        let region = self.region(t);
        let mut key = None;
        if let Some(Node::Sequence(rules)) = properties
            .get("BucketEncryption")
            .and_then(|e| e.get("ServerSideEncryptionConfiguration"))
        {
            for rule in rules {
                let default = rule.get("ServerSideEncryptionByDefault");
                let algorithm = default
                    .and_then(|d| d.get("SSEAlgorithm"))
                    .and_then(Node::as_str);
                if let (Some("aws:kms" | "aws:kms:dsse"), Some(id)) =
                    (algorithm, default.and_then(|d| d.get("KMSMasterKeyID")))
                {
                    key = self.text(t, id, &format!("{at}.BucketEncryption"));
                }
            }
        }
        let locked = properties
            .get("ObjectLockEnabled")
            .is_some_and(Node::is_true);
        let replication = properties.get("ReplicationConfiguration").and_then(|r| {
            let role = r.get("Role").and_then(Self::referenced).map(str::to_owned);
            let rules = r.get("Rules").and_then(Node::as_sequence)?;
            if rules.len() != 1 {
                self.problem(
                    t,
                    &format!("{at}.ReplicationConfiguration"),
                    "replication with other than one rule is not modelled",
                );
            }
            let destination = rules.first()?.get("Destination")?;
            let bucket = self.text(
                t,
                destination.get("Bucket")?,
                &format!("{at}.ReplicationConfiguration"),
            )?;
            let key = destination
                .get("EncryptionConfiguration")
                .and_then(|e| e.get("ReplicaKmsKeyID"))
                .and_then(|k| self.text(t, k, &format!("{at}.ReplicationConfiguration")));
            Some((role, bucket, key))
        });
        let logging = properties.get("LoggingConfiguration").and_then(|l| {
            let bucket = self.text(
                t,
                l.get("DestinationBucketName")?,
                &format!("{at}.LoggingConfiguration"),
            )?;
            let prefix = match l.get("LogFilePrefix") {
                Some(prefix) => self.text(t, prefix, &format!("{at}.LoggingConfiguration"))?,
                None => String::new(),
            };
            Some((bucket, prefix))
        });
        BucketFacts {
            arn,
            region,
            key,
            locked,
            replication,
            logging,
        }
    }

    fn function(&mut self, t: usize, resource: Resource<'t>) -> FunctionFacts {
        let (id, _, properties) = resource;
        let at = format!("Resources.{id}.Properties");
        let arn = self.arn(t, resource, &at).unwrap_or_default();
        let role = properties
            .get("Role")
            .and_then(Self::referenced)
            .map(str::to_owned);
        let log_group = properties
            .get("LoggingConfig")
            .and_then(|l| l.get("LogGroup"))
            .and_then(|g| self.text(t, g, &format!("{at}.LoggingConfig.LogGroup")));
        let dead_letter = properties
            .get("DeadLetterConfig")
            .and_then(|d| d.get("TargetArn"))
            .and_then(|d| self.text(t, d, &format!("{at}.DeadLetterConfig.TargetArn")));
        FunctionFacts {
            arn,
            role,
            log_group,
            on_failure: None,
            dead_letter,
        }
    }

    fn role(
        &mut self,
        t: usize,
        resource: Resource<'t>,
        managed_links: &mut Vec<(String, String)>,
    ) -> RoleReading {
        let (id, _, properties) = resource;
        let at = format!("Resources.{id}.Properties");
        let trust = if let Some(document) = properties.get("AssumeRolePolicyDocument") {
            self.document(
                t,
                document,
                &format!("{at}.AssumeRolePolicyDocument"),
                &format!("trust policy of {id}"),
            )
        } else {
            self.problem(t, &at, "a role without a trust policy");
            Vec::new()
        };
        let mut identity = Vec::new();
        if let Some(Node::Sequence(policies)) = properties.get("Policies") {
            for (i, policy) in policies.iter().enumerate() {
                let name = policy
                    .get("PolicyName")
                    .and_then(Node::as_str)
                    .unwrap_or("(unnamed)");
                if let Some(document) = policy.get("PolicyDocument") {
                    identity.extend(self.document(
                        t,
                        document,
                        &format!("{at}.Policies[{i}].PolicyDocument"),
                        &format!("policy {name} of {id}"),
                    ));
                }
            }
        }
        if let Some(Node::Sequence(arns)) = properties.get("ManagedPolicyArns") {
            for (i, arn) in arns.iter().enumerate() {
                match Self::referenced(arn)
                    .filter(|p| self.resource(t, p).is_some_and(|r| r.1 == "AWS::IAM::ManagedPolicy"))
                {
                    Some(policy) => managed_links.push((id.to_owned(), policy.to_owned())),
                    None => self.problem(
                        t,
                        &format!("{at}.ManagedPolicyArns[{i}]"),
                        "a managed policy the templates do not contain: what it allows cannot be proven",
                    ),
                }
            }
        }
        if properties.get("PermissionsBoundary").is_some() {
            self.problem(
                t,
                &format!("{at}.PermissionsBoundary"),
                "permissions boundaries are not modelled",
            );
        }
        RoleReading {
            id: id.to_owned(),
            trust,
            identity,
        }
    }

    /// `Metadata: {drc: {provenance: {Sid: {action: [cause, ...]}}}}` of a role.
    fn provenance(&mut self, t: usize, id: &str) -> Option<Vec<(String, String, String)>> {
        let metadata = self.templates[t]
            .root
            .get("Resources")?
            .get(id)?
            .get("Metadata")?
            .get("drc")?
            .get("provenance")?;
        let mut out = Vec::new();
        for (sid, actions) in metadata.as_mapping()? {
            for (action, causes) in actions.as_mapping()? {
                for text in causes.as_sequence()? {
                    let (Some(sid), Some(action), Some(text)) =
                        (sid.as_str(), action.as_str(), text.as_str())
                    else {
                        continue;
                    };
                    if cause(text).is_none() {
                        self.problem(
                            t,
                            &format!("Resources.{id}.Metadata"),
                            format!("a cause without a location: {text}"),
                        );
                    }
                    out.push((sid.to_owned(), action.to_owned(), text.to_owned()));
                }
            }
        }
        Some(out)
    }

    /// A bucket, topic or queue policy: its document, on each resource `field` names.
    fn resource_policy(
        &mut self,
        t: usize,
        resource: Resource<'t>,
        field: &str,
        reading: &mut Reading,
    ) {
        let (id, _, properties) = resource;
        let at = format!("Resources.{id}.Properties");
        let targets: Vec<&Node> = match properties.get(field) {
            Some(Node::Sequence(list)) => list.iter().collect(),
            Some(single) => vec![single],
            None => Vec::new(),
        };
        let statements = match properties.get("PolicyDocument") {
            Some(document) => self.document(
                t,
                document,
                &format!("{at}.PolicyDocument"),
                &format!("resource policy {id}"),
            ),
            None => Vec::new(),
        };
        for target in targets {
            let item = Self::referenced(target)
                .and_then(|r| self.resource(t, r))
                .and_then(|(r, kind, _)| Self::item(r, kind));
            match item {
                Some(item) => reading
                    .resource_policies
                    .entry(item)
                    .or_default()
                    .statements
                    .extend(statements.iter().cloned()),
                None => self.problem(
                    t,
                    &format!("{at}.{field}"),
                    "a policy on a resource the templates do not create",
                ),
            }
        }
    }

    /// `AWS::Lambda::Permission`: one statement of the function's resource policy.
    fn permission(&mut self, t: usize, resource: Resource<'t>, reading: &mut Reading) {
        let (id, _, properties) = resource;
        let at = format!("Resources.{id}.Properties");
        let Some(function) = properties
            .get("FunctionName")
            .and_then(Self::referenced)
            .and_then(|r| self.resource(t, r))
            .filter(|r| r.1 == "AWS::Lambda::Function")
        else {
            self.problem(
                t,
                &format!("{at}.FunctionName"),
                "a permission on a function the templates do not create",
            );
            return;
        };
        let item = Self::item(function.0, function.1).expect("functions are items");
        let arn = self.arn(t, function, &at).unwrap_or_default();
        let text = |reader: &mut Self, field: &str| -> Option<String> {
            properties
                .get(field)
                .and_then(|v| reader.text(t, v, &format!("{at}.{field}")))
        };
        let (Some(action), Some(who)) = (text(self, "Action"), text(self, "Principal")) else {
            self.problem(t, &at, "a permission without an action or a principal");
            return;
        };
        let caller = if who == "*" {
            Principal::Anyone
        } else if who.ends_with(".amazonaws.com") || who.ends_with(".amazonaws.com.cn") {
            Principal::Service(who)
        } else {
            principal("AWS", &who)
        };
        let mut conditions = Vec::new();
        for (field, test, key) in [
            ("SourceArn", "ArnLike", "aws:SourceArn"),
            ("SourceAccount", "StringEquals", "aws:SourceAccount"),
            ("PrincipalOrgID", "StringEquals", "aws:PrincipalOrgID"),
            (
                "FunctionUrlAuthType",
                "StringEquals",
                "lambda:FunctionUrlAuthType",
            ),
        ] {
            if let Some(value) = text(self, field) {
                let (test_value, if_exists, set) = operator(test).expect("known operators");
                conditions.push(Condition {
                    test: test_value,
                    if_exists,
                    set,
                    key: key.to_ascii_lowercase(),
                    values: vec![value],
                    name: key.to_owned(),
                });
            }
        }
        let statement = Statement {
            effect: Effect::Allow,
            principals: Some(Principals {
                negated: false,
                items: vec![caller],
            }),
            actions: Patterns::of([action]),
            resources: Some(Patterns::of([arn.clone()])),
            conditions,
            origin: Origin::Read {
                file: self.templates[t].file.clone(),
                policy: format!("Lambda permission {id}"),
                sid: id.to_owned(),
            },
        };
        let entry = reading.resource_policies.entry(item).or_default();
        entry.arn = arn;
        entry.statements.push(statement);
    }
}
