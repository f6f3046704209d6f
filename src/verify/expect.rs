//! What the declarations entitle, written as IAM statements: for every role its identity and
//! trust policy, for every resource its resource policy. The statements come straight from
//! the verb table ([`crate::iam::actions`]) and the built-in rules, one per declaration, never
//! from the policies `infer` merged: a slip in merging, splitting or emitting shows up as a
//! difference.
//!
//! Two sources of declarations give the same [`Expected`]:
//!
//! - [`from_program`]: the checked `.dr` program (`drc build` proves its outputs against it);
//! - [`from_reading`]: what the templates themselves record (`drc verify` on built outputs):
//!   the verb declarations from the provenance beside each role (`put  backups "daily/"` at
//!   `disaster_recovery.dr:85:3`), and the built-in rules from the resources the templates
//!   create (a bucket's encryption key, a function's log group and failure destinations, a
//!   schedule's target, a bucket's replication). An item outside the stack is known only by the
//!   ARN its statements name: the verifier learns it from the statements the provenance ties
//!   to the declaration, and refuses a learned ARN with a wildcard or two different ones.

use super::policy::{
    Condition, Effect, Origin, Owner, Patterns, Principal, Principals, Problem, Reading, Reason,
    ResourcePolicy, Statement, Test, cause,
};
use super::symbol::{Item, ItemKind, Symbol, Symbols, has_wildcard};
use crate::check::model::{
    ACCOUNT, Encryption, Kind, PARTITION, Program, QueueEncryption, REGION, TextPart, Verb,
};
use crate::iam::actions::{self, Scope};
use crate::names::logical_stem;
use crate::source::{SourceMap, Span};
use std::collections::BTreeMap;

/// The rules behind built-in entitlements, in words.
pub mod rules {
    /// A function's own log streams.
    pub const OWN_LOGS: &str = "every function writes its own logs";
    /// `on_failure = ...`
    pub const ON_FAILURE: &str = "failed asynchronous invocations go to the on-failure destination";
    /// `dead_letter = ...`
    pub const DEAD_LETTER: &str = "failed events go to the dead-letter target";
    /// A schedule's role.
    pub const SCHEDULE: &str = "a schedule's role may invoke the function it targets";
    /// A replication role.
    pub const REPLICATION: &str =
        "S3 replicates new object versions to the replica, never deletions";
    /// A locked source.
    pub const LOCKED_REPLICATION: &str =
        "the source has Object Lock: each replica keeps its version's retention and legal hold";
    /// Both buckets with keys.
    pub const ENCRYPTED_REPLICATION: &str = "both buckets use KMS keys: S3 decrypts each version with the source's key and encrypts its replica with the replica's";
    /// The service that assumes a role.
    pub const TRUST: &str = "only the service the role is for may assume it";
    /// Every bucket's policy.
    pub const TLS_ONLY: &str = "every bucket refuses requests without TLS";
    /// Access log delivery.
    pub const ACCESS_LOGS: &str = "S3 delivers a bucket's server access logs under its prefix";
    /// Every key's policy.
    pub const KEY_ADMIN: &str =
        "the account administers every key drc creates; its IAM policies decide who uses it";
    /// Topic keys.
    pub const ALARMS_PUBLISH: &str =
        "CloudWatch alarms may use the key of a topic to publish to it";
}

/// What the declarations entitle.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expected {
    /// Every role drc should create.
    pub roles: BTreeMap<Owner, ExpectedRole>,
    /// Every resource policy, by resource (empty when the resource should have none).
    pub resource_policies: BTreeMap<Item, ResourcePolicy>,
    /// Declarations whose entitlement cannot be worked out from the templates.
    pub problems: Vec<Problem>,
}

/// One role's entitlement.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExpectedRole {
    /// Who may assume it.
    pub trust: Vec<Statement>,
    /// What it may do.
    pub identity: Vec<Statement>,
}

/// A KMS key and the service that uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    arn: String,
    /// `s3.{region}.amazonaws.com`
    via: String,
}

/// What a verb acts on, resolved to ARNs.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Bucket { arn: String, key: Option<Key> },
    Function(String),
    Queue { arn: String, key: Option<Key> },
    Topic { arn: String, key: Option<Key> },
}

impl Target {
    fn key(&self) -> Option<&Key> {
        match self {
            Target::Bucket { key, .. } | Target::Queue { key, .. } | Target::Topic { key, .. } => {
                key.as_ref()
            }
            Target::Function(_) => None,
        }
    }
}

fn allow(
    actions: &[&str],
    resource: String,
    condition: Option<Condition>,
    reason: &Reason,
) -> Statement {
    Statement {
        effect: Effect::Allow,
        principals: None,
        actions: Patterns::of(actions.iter().copied()),
        resources: Some(Patterns::of([resource])),
        conditions: condition.into_iter().collect(),
        origin: Origin::Entitled(reason.clone()),
    }
}

fn condition(test: Test, key: &str, values: Vec<String>) -> Condition {
    Condition {
        test,
        if_exists: false,
        set: None,
        key: key.to_ascii_lowercase(),
        values,
        name: key.to_owned(),
    }
}

/// The statements a verb on a target entitles, with the KMS actions on its key.
fn verb(
    out: &mut Vec<Statement>,
    verb: Verb,
    target: &Target,
    prefix: Option<&str>,
    reason: &Reason,
) -> Result<(), String> {
    let rule = actions::rule(verb);
    let statement = match (rule.scope, target) {
        (Scope::Objects, Target::Bucket { arn, .. }) => allow(
            rule.actions,
            format!("{arn}/{}*", prefix.unwrap_or_default()),
            None,
            reason,
        ),
        (Scope::Bucket, Target::Bucket { arn, .. }) => allow(
            rule.actions,
            arn.clone(),
            prefix.map(|p| condition(Test::StringLike, "s3:prefix", vec![format!("{p}*")])),
            reason,
        ),
        (Scope::Function, Target::Function(arn))
        | (Scope::Topic, Target::Topic { arn, .. })
        | (Scope::Queue, Target::Queue { arn, .. }) => {
            allow(rule.actions, arn.clone(), None, reason)
        }
        _ => {
            return Err(format!(
                "`{}` does not act on this kind of resource",
                rule.keyword()
            ));
        }
    };
    out.push(statement);
    if let Some(key) = target.key().filter(|_| !rule.kms_actions.is_empty()) {
        out.push(allow(
            rule.kms_actions,
            key.arn.clone(),
            Some(condition(
                Test::StringEquals,
                "kms:ViaService",
                vec![key.via.clone()],
            )),
            reason,
        ));
    }
    Ok(())
}

/// The trust policy of a role: its service, with the account condition for schedules.
fn trust(owner: &Owner, symbols: &mut Symbols) -> Vec<Statement> {
    let (service, conditions) = match owner {
        Owner::Function(_) => ("lambda.amazonaws.com", Vec::new()),
        Owner::Schedule(_) => (
            "scheduler.amazonaws.com",
            vec![condition(
                Test::StringEquals,
                "aws:SourceAccount",
                vec![symbols.text(Symbol::Account)],
            )],
        ),
        Owner::Replication(_) => ("s3.amazonaws.com", Vec::new()),
        Owner::Unused(_) => return Vec::new(),
    };
    vec![Statement {
        effect: Effect::Allow,
        principals: Some(Principals {
            negated: false,
            items: vec![Principal::Service(service.to_owned())],
        }),
        actions: Patterns::of(["sts:AssumeRole"]),
        resources: None,
        conditions,
        origin: Origin::Entitled(Reason::Rule {
            rule: rules::TRUST,
            subject: describe_owner(owner, symbols),
        }),
    }]
}

/// An owner for people: `function backup`.
pub fn describe_owner(owner: &Owner, symbols: &Symbols) -> String {
    let name = |kind: ItemKind, stem: &str| {
        symbols.display_name(&Item {
            kind,
            stem: stem.to_owned(),
        })
    };
    match owner {
        Owner::Function(stem) => format!("function {}", name(ItemKind::Function, stem)),
        Owner::Schedule(stem) => format!("schedule {}", name(ItemKind::Schedule, stem)),
        Owner::Replication(stem) => {
            format!("replication of bucket {}", name(ItemKind::Bucket, stem))
        }
        Owner::Unused(id) => format!("role {id}, which nothing uses"),
    }
}

/// The replication role's statements.
fn replication(
    out: &mut Vec<Statement>,
    source: &Target,
    replica: &Target,
    locked: bool,
    subject: &str,
) {
    let (
        Target::Bucket {
            arn: source_arn,
            key: source_key,
        },
        Target::Bucket {
            arn: replica_arn,
            key: replica_key,
        },
    ) = (source, replica)
    else {
        return;
    };
    let reason = |rule| Reason::Rule {
        rule,
        subject: subject.to_owned(),
    };
    let base = reason(rules::REPLICATION);
    out.push(allow(
        actions::REPLICATION_SOURCE_BUCKET_ACTIONS,
        source_arn.clone(),
        None,
        &base,
    ));
    out.push(allow(
        actions::REPLICATION_SOURCE_OBJECT_ACTIONS,
        format!("{source_arn}/*"),
        None,
        &base,
    ));
    out.push(allow(
        actions::REPLICATION_REPLICA_OBJECT_ACTIONS,
        format!("{replica_arn}/*"),
        None,
        &base,
    ));
    if locked {
        out.push(allow(
            actions::REPLICATION_SOURCE_LOCK_ACTIONS,
            format!("{source_arn}/*"),
            None,
            &reason(rules::LOCKED_REPLICATION),
        ));
    }
    let encrypted = reason(rules::ENCRYPTED_REPLICATION);
    for (key, list) in [
        (source_key, actions::REPLICATION_SOURCE_KEY_ACTIONS),
        (replica_key, actions::REPLICATION_REPLICA_KEY_ACTIONS),
    ] {
        if let Some(key) = key {
            out.push(allow(
                list,
                key.arn.clone(),
                Some(condition(
                    Test::StringEquals,
                    "kms:ViaService",
                    vec![key.via.clone()],
                )),
                &encrypted,
            ));
        }
    }
}

/// A bucket's policy: TLS only, and log delivery from each bucket that logs there.
fn bucket_policy(
    arn: &str,
    subject: &str,
    sources: &[(String, String)],
    symbols: &mut Symbols,
) -> Vec<Statement> {
    let mut out = vec![Statement {
        effect: Effect::Deny,
        principals: Some(Principals {
            negated: false,
            items: vec![Principal::Anyone],
        }),
        actions: Patterns::of(["s3:*"]),
        resources: Some(Patterns::of([arn.to_owned(), format!("{arn}/*")])),
        conditions: vec![condition(
            Test::Bool,
            "aws:SecureTransport",
            vec!["false".to_owned()],
        )],
        origin: Origin::Entitled(Reason::Rule {
            rule: rules::TLS_ONLY,
            subject: subject.to_owned(),
        }),
    }];
    let account = symbols.text(Symbol::Account);
    for (source, prefix) in sources {
        out.push(Statement {
            effect: Effect::Allow,
            principals: Some(Principals {
                negated: false,
                items: vec![Principal::Service("logging.s3.amazonaws.com".to_owned())],
            }),
            actions: Patterns::of(["s3:PutObject"]),
            resources: Some(Patterns::of([format!("{arn}/{prefix}*")])),
            conditions: vec![
                condition(Test::ArnLike, "aws:SourceArn", vec![source.clone()]),
                condition(
                    Test::StringEquals,
                    "aws:SourceAccount",
                    vec![account.clone()],
                ),
            ],
            origin: Origin::Entitled(Reason::Rule {
                rule: rules::ACCESS_LOGS,
                subject: subject.to_owned(),
            }),
        });
    }
    out
}

/// A key's policy: the account administers it; CloudWatch may use a topic's key.
fn key_policy(topic: bool, subject: &str, symbols: &mut Symbols) -> Vec<Statement> {
    let reason = |rule| {
        Origin::Entitled(Reason::Rule {
            rule,
            subject: subject.to_owned(),
        })
    };
    let mut out = vec![Statement {
        effect: Effect::Allow,
        principals: Some(Principals {
            negated: false,
            items: vec![Principal::Account(symbols.text(Symbol::Account))],
        }),
        actions: Patterns::of(["kms:*"]),
        resources: Some(Patterns::of(["*"])),
        conditions: Vec::new(),
        origin: reason(rules::KEY_ADMIN),
    }];
    if topic {
        out.push(Statement {
            effect: Effect::Allow,
            principals: Some(Principals {
                negated: false,
                items: vec![Principal::Service("cloudwatch.amazonaws.com".to_owned())],
            }),
            actions: Patterns::of(["kms:Decrypt", "kms:GenerateDataKey"]),
            resources: Some(Patterns::of(["*"])),
            conditions: Vec::new(),
            origin: reason(rules::ALARMS_PUBLISH),
        });
    }
    out
}

/// Symbolic text for an ARN written with drc's markers (`{partition}`, `{region}`, `{account}`).
fn markers(text: &str, symbols: &mut Symbols) -> String {
    text.replace(PARTITION, &symbols.text(Symbol::Partition))
        .replace(REGION, &symbols.text(Symbol::Region))
        .replace(ACCOUNT, &symbols.text(Symbol::Account))
}

/// `s3.eu-west-1.amazonaws.com` for a key given by ARN (its region), as `infer` words it.
fn via_of_arn(service: &str, arn: &str, symbols: &mut Symbols) -> String {
    let region = match arn.split(':').nth(3) {
        Some(region) if !region.is_empty() => region.to_owned(),
        _ => symbols.text(Symbol::Region),
    };
    format!("{service}.{region}.amazonaws.com")
}

/// The entitlement of a checked program.
pub fn from_program(program: &Program, sources: &SourceMap, symbols: &mut Symbols) -> Expected {
    let partition = symbols.text(Symbol::Partition);
    let account = symbols.text(Symbol::Account);
    let region = symbols.text(Symbol::Region);
    let locate = |span: Span| -> String {
        let file = sources.get(span.file);
        let (line, column) = file.line_col(span.start as usize);
        format!("{}:{line}:{column}", file.name)
    };
    for (kind, names) in [
        (
            ItemKind::Bucket,
            program
                .buckets
                .iter()
                .map(|b| b.name.as_str())
                .collect::<Vec<_>>(),
        ),
        (
            ItemKind::BucketKey,
            program.buckets.iter().map(|b| b.name.as_str()).collect(),
        ),
        (
            ItemKind::Function,
            program.functions.iter().map(|f| f.name.as_str()).collect(),
        ),
        (
            ItemKind::LogGroup,
            program.functions.iter().map(|f| f.name.as_str()).collect(),
        ),
        (
            ItemKind::Schedule,
            program.schedules.iter().map(|s| s.name.as_str()).collect(),
        ),
        (
            ItemKind::Queue,
            program.queues.iter().map(|q| q.name.as_str()).collect(),
        ),
        (
            ItemKind::QueueKey,
            program.queues.iter().map(|q| q.name.as_str()).collect(),
        ),
        (
            ItemKind::Topic,
            program.topics.iter().map(|t| t.name.as_str()).collect(),
        ),
        (
            ItemKind::TopicKey,
            program.topics.iter().map(|t| t.name.as_str()).collect(),
        ),
    ] {
        for name in names {
            symbols.learn_name(kind, name);
        }
    }
    let mut targets: BTreeMap<String, Target> = BTreeMap::new();
    for bucket in &program.buckets {
        let target = if let Some(existing) = &bucket.existing {
            Target::Bucket {
                arn: markers(&existing.arn, symbols),
                key: existing.key.as_ref().map(|key| Key {
                    arn: markers(key, symbols),
                    via: via_of_arn("s3", key, symbols),
                }),
            }
        } else {
            let stem = logical_stem(&bucket.name);
            let name = match &bucket.bucket_name {
                Some(text) => text
                    .parts
                    .iter()
                    .map(|part| match part {
                        TextPart::Literal(text) => text.clone(),
                        TextPart::Param(name) => symbols.text(Symbol::Param(logical_stem(name))),
                    })
                    .collect(),
                None => symbols.item(ItemKind::Bucket, &stem),
            };
            let bucket_region = bucket
                .region
                .map_or_else(|| region.clone(), |r| r.code.to_owned());
            let key = (bucket.encryption == Encryption::Kms).then(|| Key {
                arn: format!(
                    "arn:{partition}:kms:{bucket_region}:{account}:key/{}",
                    symbols.item(ItemKind::BucketKey, &stem)
                ),
                via: format!("s3.{bucket_region}.amazonaws.com"),
            });
            Target::Bucket {
                arn: format!("arn:{partition}:s3:::{name}"),
                key,
            }
        };
        targets.insert(bucket.name.clone(), target);
    }
    for function in &program.functions {
        let name = symbols.item(ItemKind::Function, &logical_stem(&function.name));
        targets.insert(
            function.name.clone(),
            Target::Function(format!(
                "arn:{partition}:lambda:{region}:{account}:function:{name}"
            )),
        );
    }
    for function in &program.existing_functions {
        targets.insert(
            function.name.clone(),
            Target::Function(markers(&function.arn, symbols)),
        );
    }
    for queue in &program.queues {
        let stem = logical_stem(&queue.name);
        let key = (queue.encryption == QueueEncryption::Kms).then(|| Key {
            arn: format!(
                "arn:{partition}:kms:{region}:{account}:key/{}",
                symbols.item(ItemKind::QueueKey, &stem)
            ),
            via: format!("sqs.{region}.amazonaws.com"),
        });
        let name = symbols.item(ItemKind::Queue, &stem);
        targets.insert(
            queue.name.clone(),
            Target::Queue {
                arn: format!("arn:{partition}:sqs:{region}:{account}:{name}"),
                key,
            },
        );
    }
    for topic in &program.topics {
        let stem = logical_stem(&topic.name);
        let key = Some(Key {
            arn: format!(
                "arn:{partition}:kms:{region}:{account}:key/{}",
                symbols.item(ItemKind::TopicKey, &stem)
            ),
            via: format!("sns.{region}.amazonaws.com"),
        });
        let name = symbols.item(ItemKind::Topic, &stem);
        targets.insert(
            topic.name.clone(),
            Target::Topic {
                arn: format!("arn:{partition}:sns:{region}:{account}:{name}"),
                key,
            },
        );
    }

    let mut expected = Expected::default();
    for function in &program.functions {
        let stem = logical_stem(&function.name);
        let owner = Owner::Function(stem.clone());
        let subject = format!("function {}", function.name);
        let mut identity = Vec::new();
        for access in &function.accesses {
            let file = sources.get(access.span.file);
            let reason = Reason::Declared {
                location: locate(access.span),
                text: file.slice(access.span).to_owned(),
            };
            verb(
                &mut identity,
                access.verb,
                &targets[&access.target],
                access.prefix.as_deref(),
                &reason,
            )
            .expect("the checker matches verbs with their targets");
        }
        for (destination, rule) in [
            (&function.failure.on_failure, rules::ON_FAILURE),
            (&function.failure.dead_letter, rules::DEAD_LETTER),
        ] {
            if let Some(destination) = destination {
                let action = if destination.kind == Kind::Queue {
                    Verb::Send
                } else {
                    Verb::Publish
                };
                let reason = Reason::Rule {
                    rule,
                    subject: subject.clone(),
                };
                verb(
                    &mut identity,
                    action,
                    &targets[&destination.target],
                    None,
                    &reason,
                )
                .expect("failure targets are queues or topics");
            }
        }
        let group = symbols.item(ItemKind::LogGroup, &stem);
        identity.push(allow(
            actions::LOG_ACTIONS,
            format!("arn:{partition}:logs:{region}:{account}:log-group:{group}:log-stream:*"),
            None,
            &Reason::Rule {
                rule: rules::OWN_LOGS,
                subject,
            },
        ));
        let trust = trust(&owner, symbols);
        expected
            .roles
            .insert(owner, ExpectedRole { trust, identity });
    }
    for schedule in &program.schedules {
        let owner = Owner::Schedule(logical_stem(&schedule.name));
        let mut identity = Vec::new();
        let reason = Reason::Rule {
            rule: rules::SCHEDULE,
            subject: format!("schedule {}", schedule.name),
        };
        if let Target::Function(arn) = &targets[&schedule.target] {
            identity.push(allow(
                actions::rule(Verb::Invoke).actions,
                arn.clone(),
                None,
                &reason,
            ));
        }
        let trust = trust(&owner, symbols);
        expected
            .roles
            .insert(owner, ExpectedRole { trust, identity });
    }
    for bucket in &program.buckets {
        let Some(replica) = &bucket.replicate_to else {
            continue;
        };
        let owner = Owner::Replication(logical_stem(&bucket.name));
        let mut identity = Vec::new();
        replication(
            &mut identity,
            &targets[&bucket.name],
            &targets[&replica.replica],
            bucket.object_lock.is_some(),
            &format!("bucket {}", bucket.name),
        );
        let trust = trust(&owner, symbols);
        expected
            .roles
            .insert(owner, ExpectedRole { trust, identity });
    }
    // Resource policies: every created bucket and key, every topic, queue and function.
    for bucket in program.created_buckets() {
        let stem = logical_stem(&bucket.name);
        let Target::Bucket { arn, key } = &targets[&bucket.name] else {
            continue;
        };
        let sources: Vec<(String, String)> = program
            .log_sources(&bucket.name)
            .map(|source| {
                let Target::Bucket { arn, .. } = &targets[&source.name] else {
                    unreachable!("buckets are bucket targets")
                };
                let prefix = source
                    .access_logs
                    .as_ref()
                    .map(|l| l.prefix.clone())
                    .unwrap_or_default();
                (arn.clone(), prefix)
            })
            .collect();
        let subject = format!("bucket {}", bucket.name);
        let statements = bucket_policy(arn, &subject, &sources, symbols);
        expected.resource_policies.insert(
            Item {
                kind: ItemKind::Bucket,
                stem: stem.clone(),
            },
            ResourcePolicy {
                arn: arn.clone(),
                statements,
            },
        );
        if let Some(key) = key {
            let statements = key_policy(
                false,
                &format!("the key of bucket {}", bucket.name),
                symbols,
            );
            expected.resource_policies.insert(
                Item {
                    kind: ItemKind::BucketKey,
                    stem,
                },
                ResourcePolicy {
                    arn: key.arn.clone(),
                    statements,
                },
            );
        }
    }
    for (kind, key_kind, names) in [
        (
            ItemKind::Queue,
            ItemKind::QueueKey,
            program
                .queues
                .iter()
                .map(|q| q.name.as_str())
                .collect::<Vec<_>>(),
        ),
        (
            ItemKind::Topic,
            ItemKind::TopicKey,
            program.topics.iter().map(|t| t.name.as_str()).collect(),
        ),
    ] {
        for name in names {
            let stem = logical_stem(name);
            let (Target::Queue { arn, key } | Target::Topic { arn, key }) = &targets[name] else {
                continue;
            };
            expected.resource_policies.insert(
                Item {
                    kind,
                    stem: stem.clone(),
                },
                ResourcePolicy {
                    arn: arn.clone(),
                    statements: Vec::new(),
                },
            );
            if let Some(key) = key {
                let topic = kind == ItemKind::Topic;
                let what = if topic { "topic" } else { "queue" };
                let statements = key_policy(topic, &format!("the key of {what} {name}"), symbols);
                expected.resource_policies.insert(
                    Item {
                        kind: key_kind,
                        stem,
                    },
                    ResourcePolicy {
                        arn: key.arn.clone(),
                        statements,
                    },
                );
            }
        }
    }
    for function in &program.functions {
        let Target::Function(arn) = &targets[&function.name] else {
            continue;
        };
        expected.resource_policies.insert(
            Item {
                kind: ItemKind::Function,
                stem: logical_stem(&function.name),
            },
            ResourcePolicy {
                arn: arn.clone(),
                statements: Vec::new(),
            },
        );
    }
    expected
}

/// A verb declaration as the provenance records it: `put  backups "daily/"`.
fn declaration(text: &str) -> Option<(Verb, String, Option<String>)> {
    let text = text.trim();
    let (keyword, rest) = text.split_once(char::is_whitespace)?;
    let verb = Verb::from_keyword(keyword)?;
    let rest = rest.trim_start();
    let (target, rest) = match rest.find(|c: char| c.is_whitespace() || c == '"') {
        Some(at) => (&rest[..at], rest[at..].trim()),
        None => (rest, ""),
    };
    if !crate::names::is_name(target) {
        return None;
    }
    let prefix = if rest.is_empty() {
        None
    } else {
        let inner = rest.strip_prefix('"')?.strip_suffix('"')?;
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next()? {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    other => out.push(other),
                }
            } else {
                out.push(c);
            }
        }
        Some(out)
    };
    Some((verb, target.to_owned(), prefix))
}

/// The entitlement the templates of one target record: declarations from the provenance,
/// built-in rules from the resources they create.
pub fn from_reading(reading: &Reading, symbols: &mut Symbols) -> Expected {
    let mut expected = Expected::default();
    let file = reading.files.first().cloned().unwrap_or_default();
    let mut problem = |path: String, message: String| {
        expected.problems.push(Problem {
            file: file.clone(),
            path,
            message,
        });
    };
    let partition = symbols.text(Symbol::Partition);
    let account = symbols.text(Symbol::Account);
    let region = symbols.text(Symbol::Region);
    let facts = &reading.facts;
    let bucket_target = |stem: &str| -> Option<Target> {
        let bucket = facts.buckets.get(stem)?;
        Some(Target::Bucket {
            arn: bucket.arn.clone(),
            key: bucket.key.as_ref().map(|arn| Key {
                arn: arn.clone(),
                via: format!("s3.{}.amazonaws.com", bucket.region),
            }),
        })
    };
    let messaging = |arn: &str| -> Option<Target> {
        if let Some(queue) = facts.queues.values().find(|q| q.arn == arn) {
            return Some(Target::Queue {
                arn: queue.arn.clone(),
                key: queue.key.clone().map(|arn| Key {
                    arn,
                    via: format!("sqs.{region}.amazonaws.com"),
                }),
            });
        }
        let topic = facts.topics.values().find(|t| t.arn == arn)?;
        Some(Target::Topic {
            arn: topic.arn.clone(),
            key: topic.key.clone().map(|arn| Key {
                arn,
                via: format!("sns.{region}.amazonaws.com"),
            }),
        })
    };
    // The ARN of an item outside the stack, learned from the statements its declaration causes.
    let mut learned: BTreeMap<(String, &'static str), String> = BTreeMap::new();
    for (owner, role) in &reading.roles {
        let mut identity = Vec::new();
        let subject = describe_owner(owner, symbols);
        match owner {
            Owner::Function(stem) => {
                let Some(function) = facts.functions.get(stem) else {
                    problem(
                        role.id.clone(),
                        format!("the role of {subject}, which the templates do not create"),
                    );
                    continue;
                };
                let provenance = reading.provenance.get(owner).cloned().unwrap_or_default();
                let mut seen: Vec<&str> = Vec::new();
                for (_, _, text) in &provenance {
                    if seen.contains(&text.as_str()) {
                        continue;
                    }
                    seen.push(text);
                    let Some((location, declared)) = cause(text) else {
                        continue;
                    };
                    if declared.starts_with("built-in:") {
                        continue;
                    }
                    let Some((verb_kind, name, prefix)) = declaration(declared) else {
                        problem(
                            role.id.clone(),
                            format!("a cause that is no declaration drc knows: {declared}"),
                        );
                        continue;
                    };
                    let reason = Reason::Declared {
                        location: location.to_owned(),
                        text: declared.to_owned(),
                    };
                    let rule = actions::rule(verb_kind);
                    let target_kind = rule.target();
                    let item_kind = match target_kind {
                        Kind::Bucket => ItemKind::Bucket,
                        Kind::Function => ItemKind::Function,
                        Kind::Queue => ItemKind::Queue,
                        _ => ItemKind::Topic,
                    };
                    let target_stem = symbols.learn_name(item_kind, &name);
                    let known = match target_kind {
                        Kind::Bucket => bucket_target(&target_stem),
                        Kind::Function => facts
                            .functions
                            .get(&target_stem)
                            .map(|f| Target::Function(f.arn.clone())),
                        Kind::Queue | Kind::Topic => {
                            let facts = if target_kind == Kind::Queue {
                                &facts.queues
                            } else {
                                &facts.topics
                            };
                            facts.get(&target_stem).and_then(|m| messaging(&m.arn))
                        }
                        _ => None,
                    };
                    let target = match known {
                        Some(target) => target,
                        None if matches!(target_kind, Kind::Bucket | Kind::Function) => {
                            // Outside the stack: learn its ARN (and its key's) from the statements.
                            let causes: Vec<(&str, &str)> = provenance
                                .iter()
                                .filter(|(_, _, c)| c == text)
                                .map(|(sid, action, _)| (sid.as_str(), action.as_str()))
                                .collect();
                            let resources_of = |wanted: &[&str]| -> Vec<String> {
                                let sids: Vec<&str> = causes
                                    .iter()
                                    .filter(|(_, action)| wanted.contains(action))
                                    .map(|(sid, _)| *sid)
                                    .collect();
                                role.identity
                                    .iter()
                                    .filter(|s| matches!(&s.origin, Origin::Read { sid, .. } if sids.contains(&sid.as_str())))
                                    .filter_map(|s| s.resources.as_ref())
                                    .flat_map(|r| r.items.iter().cloned())
                                    .collect()
                            };
                            let suffix = match (rule.scope, &prefix) {
                                (Scope::Objects, p) => {
                                    format!("/{}*", p.as_deref().unwrap_or_default())
                                }
                                _ => String::new(),
                            };
                            let arns: Vec<String> = resources_of(rule.actions)
                                .into_iter()
                                .filter_map(|r| r.strip_suffix(&suffix).map(str::to_owned))
                                .collect();
                            let Some(arn) = arns.first().cloned() else {
                                problem(
                                    role.id.clone(),
                                    format!(
                                        "{} names {name}, outside the stack, but no statement the provenance ties to it names its ARN",
                                        reason.describe()
                                    ),
                                );
                                continue;
                            };
                            let mut consistent = arns.iter().all(|a| *a == arn);
                            let what = if target_kind == Kind::Bucket {
                                "bucket"
                            } else {
                                "function"
                            };
                            if let Some(first) = learned.get(&(name.clone(), what)) {
                                consistent &= *first == arn;
                            }
                            learned.insert((name.clone(), what), arn.clone());
                            if !consistent {
                                problem(
                                    role.id.clone(),
                                    format!(
                                        "{what} {name}, outside the stack, is named by different ARNs"
                                    ),
                                );
                            }
                            if has_wildcard(&arn) {
                                problem(
                                    role.id.clone(),
                                    format!(
                                        "the ARN of {what} {name}, outside the stack, has a wildcard: {}",
                                        symbols.show(&arn)
                                    ),
                                );
                            }
                            if target_kind == Kind::Function {
                                Target::Function(arn)
                            } else {
                                let caused_kms = causes
                                    .iter()
                                    .any(|(_, action)| rule.kms_actions.contains(action));
                                let key = if caused_kms {
                                    let keys = resources_of(rule.kms_actions);
                                    match keys.first() {
                                        Some(key) if !has_wildcard(key) => {
                                            if let Some(first) = learned.get(&(name.clone(), "key"))
                                                && first != key
                                            {
                                                problem(
                                                    role.id.clone(),
                                                    format!(
                                                        "the key of bucket {name}, outside the stack, is named by different ARNs"
                                                    ),
                                                );
                                            }
                                            learned.insert((name.clone(), "key"), key.clone());
                                            let via = via_of_arn("s3", key, symbols);
                                            Some(Key {
                                                arn: key.clone(),
                                                via,
                                            })
                                        }
                                        _ => {
                                            problem(
                                                role.id.clone(),
                                                format!(
                                                    "the key of bucket {name}, outside the stack, has no ARN without wildcards in the statements of its declaration"
                                                ),
                                            );
                                            None
                                        }
                                    }
                                } else {
                                    None
                                };
                                Target::Bucket { arn, key }
                            }
                        }
                        None => {
                            problem(
                                role.id.clone(),
                                format!(
                                    "{} names {name}, which the templates do not create",
                                    reason.describe()
                                ),
                            );
                            continue;
                        }
                    };
                    if let Err(why) = verb(
                        &mut identity,
                        verb_kind,
                        &target,
                        prefix.as_deref(),
                        &reason,
                    ) {
                        problem(role.id.clone(), why);
                    }
                }
                for (destination, rule) in [
                    (&function.on_failure, rules::ON_FAILURE),
                    (&function.dead_letter, rules::DEAD_LETTER),
                ] {
                    let Some(arn) = destination else { continue };
                    let reason = Reason::Rule {
                        rule,
                        subject: subject.clone(),
                    };
                    match messaging(arn) {
                        Some(target) => {
                            let action = if matches!(target, Target::Queue { .. }) {
                                Verb::Send
                            } else {
                                Verb::Publish
                            };
                            verb(&mut identity, action, &target, None, &reason)
                                .expect("queues and topics");
                        }
                        None => problem(
                            role.id.clone(),
                            format!(
                                "{subject} sends failures to {}, which is no queue or topic of the stack",
                                symbols.show(arn)
                            ),
                        ),
                    }
                }
                let group = function.log_group.clone().unwrap_or_else(|| {
                    format!("/aws/lambda/{}", symbols.item(ItemKind::Function, stem))
                });
                identity.push(allow(
                    actions::LOG_ACTIONS,
                    format!(
                        "arn:{partition}:logs:{region}:{account}:log-group:{group}:log-stream:*"
                    ),
                    None,
                    &Reason::Rule {
                        rule: rules::OWN_LOGS,
                        subject: subject.clone(),
                    },
                ));
            }
            Owner::Schedule(stem) => {
                if let Some(schedule) = facts.schedules.get(stem) {
                    let reason = Reason::Rule {
                        rule: rules::SCHEDULE,
                        subject: subject.clone(),
                    };
                    identity.push(allow(
                        actions::rule(Verb::Invoke).actions,
                        schedule.target.clone(),
                        None,
                        &reason,
                    ));
                }
            }
            Owner::Replication(stem) => {
                let (Some(source), Some(bucket)) = (bucket_target(stem), facts.buckets.get(stem))
                else {
                    continue;
                };
                let Some((_, destination, replica_key)) = &bucket.replication else {
                    continue;
                };
                let replica_facts = facts.buckets.values().find(|b| &b.arn == destination);
                let replica_region =
                    replica_facts.map_or_else(|| region.clone(), |b| b.region.clone());
                let key = replica_key
                    .clone()
                    .or_else(|| replica_facts.and_then(|b| b.key.clone()))
                    .map(|arn| Key {
                        arn,
                        via: format!("s3.{replica_region}.amazonaws.com"),
                    });
                let replica = Target::Bucket {
                    arn: destination.clone(),
                    key,
                };
                let name = symbols.display_name(&Item {
                    kind: ItemKind::Bucket,
                    stem: stem.clone(),
                });
                replication(
                    &mut identity,
                    &source,
                    &replica,
                    bucket.locked,
                    &format!("bucket {name}"),
                );
            }
            Owner::Unused(_) => {}
        }
        let trust = trust(owner, symbols);
        expected
            .roles
            .insert(owner.clone(), ExpectedRole { trust, identity });
    }
    // Every role the stack's owners need, even when the templates lack it.
    let needed: Vec<Owner> = facts
        .functions
        .keys()
        .map(|s| Owner::Function(s.clone()))
        .chain(facts.schedules.keys().map(|s| Owner::Schedule(s.clone())))
        .chain(
            facts
                .buckets
                .iter()
                .filter(|(_, b)| b.replication.is_some())
                .map(|(s, _)| Owner::Replication(s.clone())),
        )
        .collect();
    for owner in needed {
        if !expected.roles.contains_key(&owner) {
            let subject = describe_owner(&owner, symbols);
            problem(
                String::new(),
                format!("{subject} has no role in the templates"),
            );
        }
    }
    for (item, policy) in &reading.resource_policies {
        let name = symbols.display_name(item);
        let statements = match item.kind {
            ItemKind::Bucket => {
                let sources: Vec<(String, String)> = facts
                    .buckets
                    .values()
                    .filter_map(|b| {
                        let (target, prefix) = b.logging.as_ref()?;
                        (format!("arn:{partition}:s3:::{target}") == policy.arn)
                            .then(|| (b.arn.clone(), prefix.clone()))
                    })
                    .collect();
                bucket_policy(&policy.arn, &format!("bucket {name}"), &sources, symbols)
            }
            ItemKind::BucketKey => key_policy(false, &format!("the key of bucket {name}"), symbols),
            ItemKind::QueueKey => key_policy(false, &format!("the key of queue {name}"), symbols),
            ItemKind::TopicKey => key_policy(true, &format!("the key of topic {name}"), symbols),
            _ => Vec::new(),
        };
        expected.resource_policies.insert(
            item.clone(),
            ResourcePolicy {
                arn: policy.arn.clone(),
                statements,
            },
        );
    }
    expected
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_as_the_provenance_records_them() {
        assert_eq!(
            declaration(r#"put  backups "daily/""#),
            Some((Verb::Put, "backups".into(), Some("daily/".into())))
        );
        assert_eq!(
            declaration("list app_data"),
            Some((Verb::List, "app_data".into(), None))
        );
        assert_eq!(
            declaration(r#"read b "a\"b\\c""#),
            Some((Verb::Read, "b".into(), Some("a\"b\\c".into())))
        );
        assert_eq!(
            declaration("read\n   b"),
            Some((Verb::Read, "b".into(), None))
        );
        assert_eq!(
            declaration("built-in: every function writes its own logs"),
            None
        );
        assert_eq!(declaration("frobnicate b"), None);
    }
}
