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

mod documents;
mod values;

use super::policy::{
    BucketFacts, Destination, FunctionFacts, MessagingFacts, Owner, Problem, Reading, RoleReading,
    ScheduleFacts, Statement,
};
use super::symbol::{Item, ItemKind, Symbol, Symbols};
use crate::names::logical_stem;
use crate::verify::tree::{NULL, Node as Value};
use std::collections::{BTreeMap, HashMap};

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

/// A bucket's replication: the role's address and each rule's destination.
type Replication = (Option<String>, Vec<Destination>);

/// The prefix drc's provenance comment starts with.
const WHY: &str = "Why each action is granted: ";

/// Reads the Terraform configuration of one stack (`file`: name and bytes).
pub fn read(
    file: &str,
    bytes: &[u8],
    symbols: &mut Symbols,
    provenance: bool,
) -> Result<Reading, String> {
    let root = crate::verify::tree::parse_json(bytes)
        .map_err(|e| format!("`{file}` is not a Terraform JSON configuration: {e}"))?;
    let mut index = HashMap::new();
    if let Some(Value::Mapping(types)) = root.get("resource") {
        for (kind, named) in types {
            let (Some(kind), Some(named)) = (kind.as_str(), named.as_mapping()) else {
                continue;
            };
            for (name, body) in named {
                if let Some(name) = name.as_str() {
                    index.insert((kind, name), body);
                }
            }
        }
    }
    let mut reader = Reader {
        file,
        root: &root,
        index,
        symbols,
        problems: Vec::new(),
        provenance,
    };
    let mut reading = reader.read();
    reading.files = vec![file.to_owned()];
    reading.problems.extend(reader.problems);
    reading.problems.sort();
    Ok(reading)
}

struct Reader<'r, 's> {
    file: &'r str,
    root: &'r Value<'r>,
    /// `(type, name)` -> the resource's body.
    index: HashMap<(&'r str, &'r str), &'r Value<'r>>,
    symbols: &'s mut Symbols,
    problems: Vec<Problem>,
    /// Whether to read the provenance of each role (only `drc verify` needs it).
    provenance: bool,
}

/// A resource's address parts and body.
type Resource<'r> = (&'r str, &'r str, &'r Value<'r>);

impl<'r> Reader<'r, '_> {
    fn problem(&mut self, path: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            file: self.file.to_owned(),
            path: path.to_owned(),
            message: message.into(),
        });
    }

    fn resources(&self) -> Vec<Resource<'r>> {
        let Some(Value::Mapping(types)) = self.root.get("resource") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (kind, named) in types {
            let (Some(kind), Some(named)) = (kind.as_str(), named.as_mapping()) else {
                continue;
            };
            for (name, body) in named {
                if let Some(name) = name.as_str() {
                    out.push((kind, name, body));
                }
            }
        }
        out
    }

    fn resource(&self, kind: &str, name: &str) -> Option<&'r Value<'r>> {
        self.index.get(&(kind, name)).copied()
    }

    /// The item a resource is, by its type and name.
    fn item(&self, kind: &str, name: &str) -> Option<Item> {
        let item_kind = match kind {
            "aws_s3_bucket" => ItemKind::Bucket,
            // A schedule's dead-letter queue has the schedule's name, which no queue can have.
            "aws_sqs_queue" if self.resource("aws_scheduler_schedule", name).is_some() => {
                ItemKind::ScheduleQueue
            }
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
                        | ItemKind::ScheduleQueue
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
                    if body.get("object_lock_enabled").is_some_and(Value::is_true) {
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
                    for rule in body.get("rule").and_then(Value::as_sequence).into_iter().flatten() {
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
                    let replication_rules = body.get("rule").and_then(Value::as_sequence).unwrap_or_default();
                    if replication_rules.is_empty() {
                        self.problem(&at, "replication without a rule is not modelled");
                    }
                    let destinations = replication_rules
                        .iter()
                        .filter_map(|rule| {
                            let destination = rule.get("destination")?;
                            let arn = destination.get("bucket").and_then(|b| self.text(b, &at))?;
                            let key = destination
                                .get("encryption_configuration")
                                .and_then(|e| e.get("replica_kms_key_id"))
                                .and_then(|k| self.text(k, &at));
                            let owner_override = destination
                                .get("access_control_translation")
                                .and_then(|a| a.get("owner"))
                                .and_then(Value::as_str)
                                == Some("Destination");
                            Some(Destination { arn, key, owner_override })
                        })
                        .collect();
                    replication.push((bucket, (role, destinations)));
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
                    if item.kind == ItemKind::ScheduleQueue {
                        // A schedule's own: the schedule's facts name it.
                    } else if kind == "aws_sqs_queue" {
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
                    let target = body.get("target").unwrap_or(&NULL);
                    let arn = target.get("arn").and_then(|a| self.text(a, &at)).unwrap_or_default();
                    let role = target
                        .get("role_arn")
                        .and_then(Self::referenced)
                        .map(|(k, n)| format!("{k}.{n}"));
                    let dead_letter = target
                        .get("dead_letter_config")
                        .and_then(|d| d.get("arn"))
                        .and_then(|a| self.text(a, &format!("{at}.target.dead_letter_config.arn")));
                    reading.facts.schedules.insert(item.stem, ScheduleFacts { target: arn, role, dead_letter });
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
            .and_then(Value::as_mapping)
            .map(|d| {
                d.iter()
                    .filter_map(|(k, _)| k.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let wanted = self.provenance;
        for document in documents.into_iter().filter(|_| wanted) {
            let Some(owner) = self.document_owner(&document) else {
                continue;
            };
            for entry in self.causes(&document) {
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
}
