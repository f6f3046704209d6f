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

mod cycles;
mod documents;
mod facts;
mod nested;
mod values;

use super::policy::{
    MessagingFacts, Owner, Problem, Reading, RoleReading, ScheduleFacts, Statement,
};
use super::symbol::{Item, ItemKind, Symbol, Symbols};
use super::tree::{self, NULL, Node};
use std::collections::BTreeMap;
use std::collections::HashMap;

/// Resource types, the suffix drc gives their logical IDs, and the item kind they are.
const ITEMS: &[(&str, &str, ItemKind)] = &[
    ("AWS::S3::Bucket", "Bucket", ItemKind::Bucket),
    ("AWS::KMS::Key", "BucketKey", ItemKind::BucketKey),
    ("AWS::KMS::Key", "QueueKey", ItemKind::QueueKey),
    ("AWS::KMS::Key", "TopicKey", ItemKind::TopicKey),
    ("AWS::SQS::Queue", "Queue", ItemKind::Queue),
    (
        "AWS::SQS::Queue",
        "ScheduleDeadLetters",
        ItemKind::ScheduleQueue,
    ),
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

/// Resource types that grant nothing and carry no fact the proof needs.
const INERT: &[&str] = &[
    "AWS::CloudFormation::Stack",
    "AWS::SNS::Subscription",
    "AWS::CloudWatch::Alarm",
    "AWS::Logs::LogGroup",
];

/// One template file of the stack.
struct Template<'a> {
    file: String,
    /// `None` for the stack's own template and its nested stacks; the region of a
    /// `<stack>.<region>.cfn.yaml`.
    region: Option<String>,
    /// For a nested stack's template: the template that declares the
    /// `AWS::CloudFormation::Stack`, and that resource's logical ID.
    parent: Option<(usize, String)>,
    root: Node<'a>,
    /// Logical ID -> position in `Resources`.
    index: HashMap<String, usize>,
}

/// One template, parsed, with the position of each resource in its `Resources`.
fn template<'t>(name: &str, bytes: &'t [u8]) -> Result<Template<'t>, String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| format!("`{name}` is not a CloudFormation template: {e}"))?;
    let root =
        tree::parse(text).map_err(|e| format!("`{name}` is not a CloudFormation template: {e}"))?;
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
    Ok(Template {
        file: name.to_owned(),
        region,
        parent: None,
        root,
        index,
    })
}

/// Reads the CloudFormation templates of one stack (`files`: name and bytes). An error is a
/// file that is not YAML; what the reader cannot model is a problem in the reading.
pub fn read(
    files: &[(&str, &[u8])],
    symbols: &mut Symbols,
    provenance: bool,
) -> Result<Reading, String> {
    // Each template is parsed on its own, so a split stack's are parsed in parallel; the
    // error reported is the first file's, whichever thread met it first.
    let kib = files.iter().map(|(_, bytes)| bytes.len()).sum::<usize>() / 1024;
    let mut templates = crate::parallel::map(files, kib, |&(name, bytes)| template(name, bytes))
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    let missing = nested::link(&mut templates);
    let mut reader = Reader {
        templates: &templates,
        symbols,
        problems: Vec::new(),
        provenance,
    };
    for (t, id, file) in missing {
        reader.problem(
            t,
            &format!("Resources.{id}.Properties.TemplateURL"),
            format!("the nested stack's template `{file}` is not among the files read"),
        );
    }
    // CloudFormation refuses resources that depend on each other in a cycle: between the
    // nested stacks of a split, that would be a placement's slip. A nested template holds
    // whole units, the same resources as a template of its own, where every fixture's
    // units are checked; so only templates that are not nested are walked (a walk of every
    // part costs a split stack about a twentieth of its build).
    let cycles = crate::parallel::map(&templates, kib, |template| {
        template
            .parent
            .is_none()
            .then(|| cycles::cycle(&template.root))
            .flatten()
    });
    for (t, cycle) in cycles.into_iter().enumerate() {
        if let Some(cycle) = cycle {
            reader.problem(
                t,
                &format!("Resources.{}", cycle[0]),
                format!(
                    "resources depend on each other in a cycle, which CloudFormation refuses: {}",
                    cycle.join(" -> ")
                ),
            );
        }
    }
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
    /// Whether to read the provenance beside each role (only `drc verify` needs it).
    provenance: bool,
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
                        if item.kind == ItemKind::ScheduleQueue {
                            // A schedule's own: the schedule's facts name it.
                        } else if kind == "AWS::SQS::Queue" {
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
                        let dead_letter = target
                            .get("DeadLetterConfig")
                            .and_then(|d| d.get("Arn"))
                            .and_then(|v| {
                                self.text(t, v, &format!("{at}.Target.DeadLetterConfig.Arn"))
                            });
                        reading.facts.schedules.insert(
                            item.stem,
                            ScheduleFacts {
                                target: arn,
                                role,
                                dead_letter,
                            },
                        );
                    }
                    "AWS::IAM::Role" => {
                        let role = self.role(t, resource, &mut managed_links);
                        if self.provenance
                            && let Some(causes) = self.causes(t, id)
                        {
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
}
