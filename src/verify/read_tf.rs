//! Reads a Terraform JSON configuration back into a [`Reading`], as a tool outside drc would:
//! from the bytes, with Terraform's rules for interpolation (`${...}`, `$${` for a literal
//! `${`) and the AWS provider's meaning of each attribute drc refers to.
//!
//! ```text
//! "resources": ["${aws_s3_bucket.backups.arn}/daily/*"]
//!   aws_s3_bucket.backups.arn is arn:${partition}:s3:::<its bucket name>
//!   => arn:{partition}:s3:::<bucket backups>/daily/*
//! ```
//!
//! Which `.dr` item a resource is comes from its address: drc names resources after the
//! `.dr` item (`aws_s3_bucket.backups`, `aws_kms_key.backups` for that bucket's key). Policies
//! are `aws_iam_policy_document` data sources, attached through `aws_iam_role_policy`,
//! `aws_iam_policy` with `aws_iam_role_policy_attachment`, `aws_s3_bucket_policy` and the
//! `policy` of `aws_kms_key`. Attribute meanings: the AWS provider's documentation
//! (<https://registry.terraform.io/providers/hashicorp/aws/latest/docs>); `arn` of
//! `aws_cloudwatch_log_group` has no `:*` suffix. Anything not modelled is a [`Problem`].

use super::policy::{
    BucketFacts, Condition, Effect, FunctionFacts, MessagingFacts, Origin, Owner, Patterns,
    Principal, Principals, Problem, Reading, RoleReading, ScheduleFacts, Statement, cause, fill,
    operator, principal,
};
use super::symbol::{Item, ItemKind, Symbol, Symbols, is_symbol};
use crate::names::logical_stem;
use serde_json::Value;
use std::collections::BTreeMap;

/// Resource types that grant nothing and carry no fact the proof needs.
const INERT: &[&str] = &[
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_ownership_controls",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_cloudwatch_log_group",
    "aws_cloudwatch_metric_alarm",
    "aws_sns_topic_subscription",
];

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

/// A bucket's replication: the role's address, the replica's ARN, the replica's key.
type Replication = (Option<String>, String, Option<String>);

/// The prefix drc's provenance comment starts with.
const WHY: &str = "Why each action is granted: ";

/// Reads the Terraform configuration of one stack (`file`: name and bytes).
pub fn read(file: &str, bytes: &[u8], symbols: &mut Symbols) -> Result<Reading, String> {
    let root: Value = serde_json::from_slice(bytes)
        .map_err(|e| format!("`{file}` is not a Terraform JSON configuration: {e}"))?;
    let mut reader = Reader {
        file,
        root: &root,
        symbols,
        problems: Vec::new(),
    };
    let mut reading = reader.read();
    reading.files = vec![file.to_owned()];
    reading.problems.extend(reader.problems);
    reading.problems.sort();
    Ok(reading)
}

struct Reader<'r, 's> {
    file: &'r str,
    root: &'r Value,
    symbols: &'s mut Symbols,
    problems: Vec<Problem>,
}

/// A resource's address parts and body.
type Resource<'r> = (&'r str, &'r str, &'r Value);

impl<'r> Reader<'r, '_> {
    fn problem(&mut self, path: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            file: self.file.to_owned(),
            path: path.to_owned(),
            message: message.into(),
        });
    }

    fn resources(&self) -> Vec<Resource<'r>> {
        let Some(Value::Object(types)) = self.root.get("resource") else {
            return Vec::new();
        };
        types
            .iter()
            .filter_map(|(kind, named)| Some((kind, named.as_object()?)))
            .flat_map(|(kind, named)| {
                named
                    .iter()
                    .map(move |(name, body)| (kind.as_str(), name.as_str(), body))
            })
            .collect()
    }

    fn resource(&self, kind: &str, name: &str) -> Option<&'r Value> {
        self.root.get("resource")?.get(kind)?.get(name)
    }

    /// The item a resource is, by its type and name.
    fn item(&self, kind: &str, name: &str) -> Option<Item> {
        let item_kind = match kind {
            "aws_s3_bucket" => ItemKind::Bucket,
            "aws_sqs_queue" => ItemKind::Queue,
            "aws_sns_topic" => ItemKind::Topic,
            "aws_lambda_function" => ItemKind::Function,
            "aws_cloudwatch_log_group" => ItemKind::LogGroup,
            "aws_scheduler_schedule" => ItemKind::Schedule,
            "aws_kms_key" => {
                if self.resource("aws_s3_bucket", name).is_some() {
                    ItemKind::BucketKey
                } else if self.resource("aws_sqs_queue", name).is_some() {
                    ItemKind::QueueKey
                } else {
                    ItemKind::TopicKey
                }
            }
            "aws_iam_role" => {
                return Some(Item {
                    kind: ItemKind::Role,
                    stem: format!("aws_iam_role.{name}"),
                });
            }
            "aws_iam_policy" => {
                return Some(Item {
                    kind: ItemKind::ManagedPolicy,
                    stem: format!("aws_iam_policy.{name}"),
                });
            }
            _ => return None,
        };
        Some(Item {
            kind: item_kind,
            stem: logical_stem(name),
        })
    }

    /// The region a resource is in: its `region` argument, or the provider's.
    fn region(&mut self, body: &Value) -> String {
        match body.get("region").and_then(Value::as_str) {
            Some(region) => region.to_owned(),
            None => self.symbols.text(Symbol::Region),
        }
    }

    /// The physical name of a resource: an explicit bucket name, or the item's symbol.
    fn name(&mut self, kind: &str, name: &str, path: &str) -> Option<String> {
        let item = self.item(kind, name)?;
        if item.kind == ItemKind::Bucket
            && let Some(explicit) = self.resource(kind, name).and_then(|b| b.get("bucket"))
        {
            return self.text(explicit, path);
        }
        Some(self.symbols.item(item.kind, &item.stem))
    }

    /// One reference inside `${...}`.
    fn reference(&mut self, expression: &str, path: &str) -> Option<String> {
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
    fn text(&mut self, value: &Value, path: &str) -> Option<String> {
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

    fn texts(&mut self, value: &Value, path: &str) -> Option<Vec<String>> {
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
    fn referenced(value: &Value) -> Option<(&str, &str)> {
        let inner = value.as_str()?.strip_prefix("${")?.strip_suffix('}')?;
        let mut parts = inner.split('.');
        let first = parts.next()?;
        if first == "data" {
            return None;
        }
        Some((first, parts.next()?))
    }

    /// The policy document a `${data.aws_iam_policy_document.name.json}` names.
    fn document_name(value: &Value) -> Option<&str> {
        let inner = value.as_str()?.strip_prefix("${")?.strip_suffix('}')?;
        inner
            .strip_prefix("data.aws_iam_policy_document.")?
            .strip_suffix(".json")
    }

    fn document(&mut self, value: &Value, path: &str, policy: &str) -> Vec<Statement> {
        let Some(name) = Self::document_name(value) else {
            self.problem(
                path,
                "a policy that is not an aws_iam_policy_document is not modelled",
            );
            return Vec::new();
        };
        let Some(document) = self
            .root
            .get("data")
            .and_then(|d| d.get("aws_iam_policy_document"))
            .and_then(|d| d.get(name))
        else {
            self.problem(path, format!("policy document `{name}` is not declared"));
            return Vec::new();
        };
        let at = format!("data.aws_iam_policy_document.{name}");
        let Value::Object(fields) = document else {
            self.problem(&at, "a policy document that is not an object");
            return Vec::new();
        };
        for key in fields.keys() {
            if !["statement", "//", "version"].contains(&key.as_str()) {
                self.problem(&at, format!("`{key}` of a policy document is not modelled"));
            }
        }
        let statements: Vec<&Value> = match document.get("statement") {
            Some(Value::Array(list)) => list.iter().collect(),
            Some(single @ Value::Object(_)) => vec![single],
            _ => Vec::new(),
        };
        let mut out = Vec::new();
        for (i, statement) in statements.into_iter().enumerate() {
            if let Some(s) = self.statement(statement, &format!("{at}.statement[{i}]"), policy, i) {
                out.push(s);
            }
        }
        out
    }

    fn statement(
        &mut self,
        value: &Value,
        path: &str,
        policy: &str,
        index: usize,
    ) -> Option<Statement> {
        let Value::Object(fields) = value else {
            self.problem(path, "a statement that is not an object");
            return None;
        };
        let mut sid = format!("#{}", index + 1);
        let mut effect = Effect::Allow;
        let mut principals = None;
        let mut actions = None;
        let mut resources = None;
        let mut conditions = Vec::new();
        for (key, field) in fields {
            let at = format!("{path}.{key}");
            match key.as_str() {
                "sid" => sid = self.text(field, &at)?,
                "effect" => match field.as_str() {
                    Some("Allow") => effect = Effect::Allow,
                    Some("Deny") => effect = Effect::Deny,
                    _ => {
                        self.problem(&at, "`effect` is neither `Allow` nor `Deny`");
                        return None;
                    }
                },
                "actions" | "not_actions" => {
                    actions = Some(Patterns {
                        negated: key == "not_actions",
                        items: self.texts(field, &at)?,
                    });
                }
                "resources" | "not_resources" => {
                    resources = Some(Patterns {
                        negated: key == "not_resources",
                        items: self.texts(field, &at)?,
                    });
                }
                "principals" | "not_principals" => {
                    let mut items = Vec::new();
                    for (i, block) in field.as_array().into_iter().flatten().enumerate() {
                        let kind = block
                            .get("type")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned();
                        let identifiers = block.get("identifiers").unwrap_or(&Value::Null);
                        for value in self.texts(identifiers, &format!("{at}[{i}].identifiers"))? {
                            items.push(principal(&kind, &value));
                        }
                    }
                    principals = Some(Principals {
                        negated: key == "not_principals",
                        items,
                    });
                }
                "condition" => {
                    for (i, block) in field.as_array().into_iter().flatten().enumerate() {
                        let at = format!("{at}[{i}]");
                        let test = block
                            .get("test")
                            .and_then(Value::as_str)
                            .unwrap_or_default();
                        let Some((test_value, if_exists, set)) = operator(test) else {
                            self.problem(
                                &at,
                                format!("condition operator `{test}` is not modelled"),
                            );
                            return None;
                        };
                        let variable = block
                            .get("variable")
                            .and_then(Value::as_str)
                            .unwrap_or_default();
                        let values =
                            self.texts(block.get("values").unwrap_or(&Value::Null), &at)?;
                        conditions.push(Condition {
                            test: test_value,
                            if_exists,
                            set,
                            key: variable.to_ascii_lowercase(),
                            values,
                            name: variable.to_owned(),
                        });
                    }
                }
                other => {
                    self.problem(
                        &at,
                        format!("`{other}` is not a statement argument the verifier models"),
                    );
                    return None;
                }
            }
        }
        let Some(actions) = actions else {
            self.problem(path, "a statement without `actions` or `not_actions`");
            return None;
        };
        Some(Statement {
            effect,
            principals,
            actions,
            resources,
            conditions,
            origin: Origin::Read {
                file: self.file.to_owned(),
                policy: policy.to_owned(),
                sid,
            },
        })
    }

    /// The provenance comment of a policy document: `Why each action is granted: <Sid>
    /// <action> <- <cause>; ...`. A cause may contain `; `, so entries are split only where
    /// the next one starts.
    fn provenance(&mut self, document: &str) -> Vec<(String, String, String)> {
        let Some(comment) = self
            .root
            .get("data")
            .and_then(|d| d.get("aws_iam_policy_document"))
            .and_then(|d| d.get(document))
            .and_then(|d| d.get("//"))
            .and_then(Value::as_str)
        else {
            return Vec::new();
        };
        let Some(mut rest) = comment.strip_prefix(WHY) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        while !rest.is_empty() {
            let Some((sid, after)) = rest.split_once(' ') else {
                break;
            };
            let Some((action, after)) = after.split_once(" <- ") else {
                break;
            };
            // The cause runs to the next `; <Sid> <service:Action> <- `, or to the end.
            let mut end = after.len();
            let mut search = 0;
            while let Some(at) = after[search..].find("; ").map(|at| at + search) {
                if entry_starts(&after[at + 2..]) {
                    end = at;
                    break;
                }
                search = at + 2;
            }
            let text = &after[..end];
            if cause(text).is_none() {
                self.problem(
                    &format!("data.aws_iam_policy_document.{document}"),
                    format!("a cause without a location: {text}"),
                );
            }
            out.push((sid.to_owned(), action.to_owned(), text.to_owned()));
            rest = after.get(end + 2..).unwrap_or_default();
        }
        out
    }

    fn read(&mut self) -> Reading {
        let mut reading = Reading::default();
        let mut roles: BTreeMap<String, RoleReading> = BTreeMap::new();
        let mut by_owner: BTreeMap<Owner, Vec<(String, String, String)>> = BTreeMap::new();
        let mut attached: Vec<(String, Vec<Statement>)> = Vec::new();
        let mut invoke_configs: Vec<(String, String)> = Vec::new();
        let mut encryption: Vec<(String, String)> = Vec::new();
        let mut locked: Vec<String> = Vec::new();
        let mut replication: Vec<(String, Replication)> = Vec::new();
        let mut logging: Vec<(String, (String, String))> = Vec::new();
        for (kind, name, body) in self.resources() {
            let at = format!("resource.{kind}.{name}");
            let item = self.item(kind, name);
            if let Some(item) = &item {
                if matches!(
                    item.kind,
                    ItemKind::Bucket
                        | ItemKind::Queue
                        | ItemKind::Topic
                        | ItemKind::Function
                        | ItemKind::Schedule
                ) {
                    self.symbols.learn_name(item.kind, name);
                }
                if matches!(
                    item.kind,
                    ItemKind::BucketKey
                        | ItemKind::QueueKey
                        | ItemKind::TopicKey
                        | ItemKind::LogGroup
                ) {
                    self.symbols.learn_name(item.kind, name);
                }
            }
            let bucket_of = |field: &str| -> Option<String> {
                let (k, n) = Self::referenced(body.get(field)?)?;
                (k == "aws_s3_bucket").then(|| logical_stem(n))
            };
            match kind {
                "aws_s3_bucket" => {
                    let item = item.expect("buckets are items");
                    let arn = self.reference(&format!("aws_s3_bucket.{name}.arn"), &at).unwrap_or_default();
                    let region = self.region(body);
                    if body.get("object_lock_enabled").and_then(Value::as_bool) == Some(true) {
                        locked.push(item.stem.clone());
                    }
                    reading.resource_policies.entry(item.clone()).or_default().arn.clone_from(&arn);
                    reading.facts.buckets.insert(
                        item.stem,
                        BucketFacts {
                            arn,
                            region,
                            ..BucketFacts::default()
                        },
                    );
                }
                "aws_s3_bucket_server_side_encryption_configuration" => {
                    let Some(bucket) = bucket_of("bucket") else { continue };
                    for rule in body.get("rule").and_then(Value::as_array).into_iter().flatten() {
                        let default = rule.get("apply_server_side_encryption_by_default");
                        let algorithm = default.and_then(|d| d.get("sse_algorithm")).and_then(Value::as_str);
                        if let (Some("aws:kms" | "aws:kms:dsse"), Some(key)) =
                            (algorithm, default.and_then(|d| d.get("kms_master_key_id")))
                            && let Some(key) = self.text(key, &at)
                        {
                            encryption.push((bucket.clone(), key));
                        }
                    }
                }
                "aws_s3_bucket_object_lock_configuration" => {
                    if let Some(bucket) = bucket_of("bucket") {
                        locked.push(bucket);
                    }
                }
                "aws_s3_bucket_replication_configuration" => {
                    let Some(bucket) = bucket_of("bucket") else { continue };
                    let role = body
                        .get("role")
                        .and_then(Self::referenced)
                        .map(|(k, n)| format!("{k}.{n}"));
                    let replication_rules = body.get("rule").and_then(Value::as_array);
                    if replication_rules.map_or(0, Vec::len) != 1 {
                        self.problem(&at, "replication with other than one rule is not modelled");
                    }
                    let Some(destination) = replication_rules.and_then(|r| r.first()).and_then(|r| r.get("destination")) else {
                        continue;
                    };
                    let Some(target) = destination.get("bucket").and_then(|b| self.text(b, &at)) else {
                        continue;
                    };
                    let key = destination
                        .get("encryption_configuration")
                        .and_then(|e| e.get("replica_kms_key_id"))
                        .and_then(|k| self.text(k, &at));
                    replication.push((bucket, (role, target, key)));
                }
                "aws_s3_bucket_logging" => {
                    let Some(bucket) = bucket_of("bucket") else { continue };
                    let target = body.get("target_bucket").and_then(|b| self.text(b, &at));
                    let prefix = match body.get("target_prefix") {
                        Some(p) => self.text(p, &at),
                        None => Some(String::new()),
                    };
                    if let (Some(target), Some(prefix)) = (target, prefix) {
                        logging.push((bucket, (target, prefix)));
                    }
                }
                "aws_kms_key" => {
                    let item = item.expect("keys are items");
                    let arn = self.reference(&format!("aws_kms_key.{name}.arn"), &at).unwrap_or_default();
                    let statements = match body.get("policy") {
                        Some(policy) => self.document(policy, &format!("{at}.policy"), &format!("key policy of aws_kms_key.{name}")),
                        None => Vec::new(),
                    };
                    let entry = reading.resource_policies.entry(item).or_default();
                    entry.arn = arn;
                    entry.statements.extend(statements);
                }
                "aws_sqs_queue" | "aws_sns_topic" => {
                    let item = item.expect("queues and topics are items");
                    let arn = self.reference(&format!("{kind}.{name}.arn"), &at).unwrap_or_default();
                    let key = body.get("kms_master_key_id").and_then(|k| self.text(k, &at));
                    reading.resource_policies.entry(item.clone()).or_default().arn.clone_from(&arn);
                    let facts = MessagingFacts { arn, key };
                    if kind == "aws_sqs_queue" {
                        reading.facts.queues.insert(item.stem, facts);
                    } else {
                        reading.facts.topics.insert(item.stem, facts);
                    }
                }
                "aws_lambda_function" => {
                    let item = item.expect("functions are items");
                    let arn = self.reference(&format!("aws_lambda_function.{name}.arn"), &at).unwrap_or_default();
                    let role = body
                        .get("role")
                        .and_then(Self::referenced)
                        .map(|(k, n)| format!("{k}.{n}"));
                    let log_group = body
                        .get("logging_config")
                        .and_then(|l| l.get("log_group"))
                        .and_then(|g| self.text(g, &at));
                    let dead_letter = body
                        .get("dead_letter_config")
                        .and_then(|d| d.get("target_arn"))
                        .and_then(|d| self.text(d, &at));
                    reading.resource_policies.entry(item.clone()).or_default().arn.clone_from(&arn);
                    reading.facts.functions.insert(
                        item.stem,
                        FunctionFacts {
                            arn,
                            role,
                            log_group,
                            on_failure: None,
                            dead_letter,
                        },
                    );
                }
                "aws_lambda_function_event_invoke_config" => {
                    let function = body
                        .get("function_name")
                        .and_then(Self::referenced)
                        .filter(|(k, _)| *k == "aws_lambda_function")
                        .map(|(_, n)| logical_stem(n));
                    let destination = body
                        .get("destination_config")
                        .and_then(|d| d.get("on_failure"))
                        .and_then(|d| d.get("destination"));
                    if let (Some(function), Some(destination)) = (function, destination)
                        && let Some(arn) = self.text(destination, &at)
                    {
                        invoke_configs.push((function, arn));
                    }
                }
                "aws_scheduler_schedule" => {
                    let item = item.expect("schedules are items");
                    let target = body.get("target").unwrap_or(&Value::Null);
                    let arn = target.get("arn").and_then(|a| self.text(a, &at)).unwrap_or_default();
                    let role = target
                        .get("role_arn")
                        .and_then(Self::referenced)
                        .map(|(k, n)| format!("{k}.{n}"));
                    reading.facts.schedules.insert(item.stem, ScheduleFacts { target: arn, role });
                }
                "aws_iam_role" => {
                    for field in ["inline_policy", "managed_policy_arns", "permissions_boundary"] {
                        if body.get(field).is_some() {
                            self.problem(&format!("{at}.{field}"), format!("`{field}` of a role is not modelled"));
                        }
                    }
                    let trust = if let Some(policy) = body.get("assume_role_policy") {
                        let policy_name = format!("trust policy of aws_iam_role.{name}");
                        self.document(policy, &format!("{at}.assume_role_policy"), &policy_name)
                    } else {
                        self.problem(&at, "a role without a trust policy");
                        Vec::new()
                    };
                    roles.insert(
                        format!("aws_iam_role.{name}"),
                        RoleReading {
                            id: format!("aws_iam_role.{name}"),
                            trust,
                            identity: Vec::new(),
                        },
                    );
                }
                "aws_iam_role_policy" => {
                    let role = body.get("role").and_then(Self::referenced).map(|(k, n)| format!("{k}.{n}"));
                    let policy_name = body.get("name").and_then(Value::as_str).unwrap_or(name);
                    let statements = match body.get("policy") {
                        Some(policy) => self.document(policy, &format!("{at}.policy"), &format!("policy {policy_name} (aws_iam_role_policy.{name})")),
                        None => Vec::new(),
                    };
                    match role {
                        Some(role) => attached.push((role, statements)),
                        None => self.problem(&format!("{at}.role"), "a role policy on a role the configuration does not declare"),
                    }
                }
                "aws_iam_role_policy_attachment" => {
                    let role = body.get("role").and_then(Self::referenced).map(|(k, n)| format!("{k}.{n}"));
                    let policy = body
                        .get("policy_arn")
                        .and_then(Self::referenced)
                        .filter(|(k, _)| *k == "aws_iam_policy")
                        .and_then(|(_, n)| self.resource("aws_iam_policy", n).map(|b| (n, b)));
                    match (role, policy) {
                        (Some(role), Some((policy_name, body))) => {
                            let statements = match body.get("policy") {
                                Some(policy) => self.document(policy, &format!("resource.aws_iam_policy.{policy_name}.policy"), &format!("policy aws_iam_policy.{policy_name}")),
                                None => Vec::new(),
                            };
                            attached.push((role, statements));
                        }
                        _ => self.problem(&at, "an attachment of a policy the configuration does not contain: what it allows cannot be proven"),
                    }
                }
                "aws_iam_policy" => {}
                "aws_s3_bucket_policy" | "aws_sns_topic_policy" | "aws_sqs_queue_policy" => {
                    let field = match kind {
                        "aws_s3_bucket_policy" => "bucket",
                        "aws_sns_topic_policy" => "arn",
                        _ => "queue_url",
                    };
                    let target = body
                        .get(field)
                        .and_then(Self::referenced)
                        .and_then(|(k, n)| self.item(k, n));
                    let statements = match body.get("policy") {
                        Some(policy) => self.document(policy, &format!("{at}.policy"), &format!("resource policy {kind}.{name}")),
                        None => Vec::new(),
                    };
                    match target {
                        Some(item) => reading.resource_policies.entry(item).or_default().statements.extend(statements),
                        None => self.problem(&format!("{at}.{field}"), "a policy on a resource the configuration does not create"),
                    }
                }
                "aws_lambda_permission" => self.permission(name, body, &mut reading),
                kind if INERT.contains(&kind) => {}
                other => self.problem(&at, format!("resource type {other} is not modelled: it may grant access the proof cannot see")),
            }
        }
        for (bucket, key) in encryption {
            if let Some(facts) = reading.facts.buckets.get_mut(&bucket) {
                facts.key = Some(key);
            }
        }
        for bucket in locked {
            if let Some(facts) = reading.facts.buckets.get_mut(&bucket) {
                facts.locked = true;
            }
        }
        for (bucket, value) in replication {
            if let Some(facts) = reading.facts.buckets.get_mut(&bucket) {
                facts.replication = Some(value);
            }
        }
        for (bucket, value) in logging {
            if let Some(facts) = reading.facts.buckets.get_mut(&bucket) {
                facts.logging = Some(value);
            }
        }
        for (function, arn) in invoke_configs {
            if let Some(facts) = reading.facts.functions.get_mut(&function) {
                facts.on_failure = Some(arn);
            }
        }
        for (role, statements) in attached {
            let Some(reading_role) = roles.get_mut(&role) else {
                self.problem(
                    &role,
                    "a policy attached to a role the configuration does not declare",
                );
                continue;
            };
            reading_role.identity.extend(statements);
        }
        // The provenance belongs to the owner its document is named after (`role_<function>`,
        // `managed_<function>_<n>`, `replication_<bucket>`), wherever the document is attached:
        // a document attached to another role does not bring its declarations along.
        let documents: Vec<String> = self
            .root
            .get("data")
            .and_then(|d| d.get("aws_iam_policy_document"))
            .and_then(Value::as_object)
            .map(|d| d.keys().cloned().collect())
            .unwrap_or_default();
        for document in documents {
            let Some(owner) = self.document_owner(&document) else {
                continue;
            };
            for entry in self.provenance(&document) {
                let causes = by_owner.entry(owner.clone()).or_default();
                if !causes.contains(&entry) {
                    causes.push(entry);
                }
            }
        }
        let mut owners: BTreeMap<String, Owner> = BTreeMap::new();
        let wired: Vec<(String, Owner)> =
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
                .collect();
        for (role, owner) in wired {
            if let Some(first) = owners.get(&role) {
                let message =
                    format!("role {role} is used by two owners ({first:?} and {owner:?})");
                self.problem(&role, message);
            } else {
                owners.insert(role, owner);
            }
        }
        for (id, role) in roles {
            let owner = owners
                .get(&id)
                .cloned()
                .unwrap_or_else(|| Owner::Unused(id.clone()));
            reading.roles.insert(owner, role);
        }
        reading.provenance = by_owner;
        reading
    }

    /// The owner a policy document is named after.
    fn document_owner(&self, document: &str) -> Option<Owner> {
        if let Some(bucket) = document.strip_prefix("replication_") {
            return Some(Owner::Replication(logical_stem(bucket)));
        }
        let name = match document.strip_prefix("managed_") {
            Some(rest) => rest.rsplit_once('_').map(|(name, _)| name)?,
            None => document.strip_prefix("role_")?,
        };
        if self.resource("aws_lambda_function", name).is_some() {
            Some(Owner::Function(logical_stem(name)))
        } else {
            self.resource("aws_scheduler_schedule", name)
                .map(|_| Owner::Schedule(logical_stem(name)))
        }
    }

    /// `aws_lambda_permission`: one statement of the function's resource policy.
    fn permission(&mut self, name: &str, body: &Value, reading: &mut Reading) {
        let at = format!("resource.aws_lambda_permission.{name}");
        let Some((_, function)) = body
            .get("function_name")
            .and_then(Self::referenced)
            .filter(|(k, _)| *k == "aws_lambda_function")
        else {
            self.problem(
                &format!("{at}.function_name"),
                "a permission on a function the configuration does not create",
            );
            return;
        };
        let item = Item {
            kind: ItemKind::Function,
            stem: logical_stem(function),
        };
        let arn = self
            .reference(&format!("aws_lambda_function.{function}.arn"), &at)
            .unwrap_or_default();
        let action = body.get("action").and_then(|a| self.text(a, &at));
        let who = body.get("principal").and_then(|p| self.text(p, &at));
        let (Some(action), Some(who)) = (action, who) else {
            self.problem(&at, "a permission without an action or a principal");
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
            ("source_arn", "ArnLike", "aws:SourceArn"),
            ("source_account", "StringEquals", "aws:SourceAccount"),
            ("principal_org_id", "StringEquals", "aws:PrincipalOrgID"),
            (
                "function_url_auth_type",
                "StringEquals",
                "lambda:FunctionUrlAuthType",
            ),
        ] {
            if let Some(value) = body.get(field).and_then(|v| self.text(v, &at)) {
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
        let entry = reading.resource_policies.entry(item).or_default();
        entry.arn.clone_from(&arn);
        entry.statements.push(Statement {
            effect: Effect::Allow,
            principals: Some(Principals {
                negated: false,
                items: vec![caller],
            }),
            actions: Patterns::of([action]),
            resources: Some(Patterns::of([arn])),
            conditions,
            origin: Origin::Read {
                file: self.file.to_owned(),
                policy: format!("aws_lambda_permission.{name}"),
                sid: name.to_owned(),
            },
        });
    }
}

/// Whether text starts a provenance entry: `<Sid> <service:Action> <- `.
fn entry_starts(text: &str) -> bool {
    let Some((sid, rest)) = text.split_once(' ') else {
        return false;
    };
    let Some((action, _)) = rest.split_once(" <- ") else {
        return false;
    };
    !sid.is_empty()
        && sid.chars().all(|c| c.is_ascii_alphanumeric())
        && action.split_once(':').is_some_and(|(service, name)| {
            !service.is_empty() && !name.is_empty() && !action.contains(' ')
        })
}
