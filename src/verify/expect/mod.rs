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

mod program;
mod reading;

pub use program::from_program;
pub use reading::from_reading;

use crate::check::model::{ACCOUNT, PARTITION, REGION, Verb};
use crate::iam::actions::{self, Scope};
use crate::verify::policy::{
    Condition, Effect, Origin, Owner, Patterns, Principal, Principals, Problem, Reason,
    ResourcePolicy, Statement, Test,
};
use crate::verify::symbol::{Item, ItemKind, Symbol, Symbols};
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
    /// A schedule's dead-letter queue.
    pub const SCHEDULE_DEAD_LETTERS: &str = "a schedule's role may send the runs it failed to invoke to the schedule's dead-letter queue";
    /// A replication role.
    pub const REPLICATION: &str =
        "S3 replicates new object versions to the replica, never deletions";
    /// A locked source.
    pub const LOCKED_REPLICATION: &str =
        "the source has Object Lock: each replica keeps its version's retention and legal hold";
    /// A replica in another account.
    pub const OTHER_ACCOUNT_REPLICATION: &str =
        "the replica is in another account: S3 makes that account the owner of each replica";
    /// Both buckets with keys.
    pub const ENCRYPTED_REPLICATION: &str = "both buckets use KMS keys: S3 decrypts each version with the source's key and encrypts its replica with the replica's";
    /// The service that assumes a role.
    pub const TRUST: &str = "only the service the role is for may assume it";
    /// Every bucket's policy.
    pub const TLS_ONLY: &str = "every bucket refuses requests without TLS";
    /// A KMS bucket's writes (`docs/security.md`).
    pub const OWN_KEY_ONLY: &str =
        "a KMS bucket refuses writes that ask for another encryption or another key";
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
    key_statement(
        out,
        target.key().filter(|_| !rule.kms_actions.is_empty()),
        rule.kms_actions,
        reason,
    );
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

/// The replication role's statements: reading the source once, then writing into each
/// destination (its `bool`: the rule hands replicas to the destination's owner).
fn replication(
    out: &mut Vec<Statement>,
    source: &Target,
    replicas: &[(Target, bool)],
    locked: bool,
    subject: &str,
) {
    let Target::Bucket {
        arn: source_arn,
        key: source_key,
    } = source
    else {
        return;
    };
    let reason = |rule| Reason::Rule {
        rule,
        subject: subject.to_owned(),
    };
    let base = reason(rules::REPLICATION);
    let encrypted = reason(rules::ENCRYPTED_REPLICATION);
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
    if locked {
        out.push(allow(
            actions::REPLICATION_SOURCE_LOCK_ACTIONS,
            format!("{source_arn}/*"),
            None,
            &reason(rules::LOCKED_REPLICATION),
        ));
    }
    key_statement(
        out,
        source_key.as_ref(),
        actions::REPLICATION_SOURCE_KEY_ACTIONS,
        &encrypted,
    );
    for (replica, owner_override) in replicas {
        let Target::Bucket {
            arn: replica_arn,
            key: replica_key,
        } = replica
        else {
            continue;
        };
        out.push(allow(
            actions::REPLICATION_REPLICA_OBJECT_ACTIONS,
            format!("{replica_arn}/*"),
            None,
            &base,
        ));
        if *owner_override {
            out.push(allow(
                actions::REPLICATION_OWNER_OVERRIDE_ACTIONS,
                format!("{replica_arn}/*"),
                None,
                &reason(rules::OTHER_ACCOUNT_REPLICATION),
            ));
        }
        key_statement(
            out,
            replica_key.as_ref(),
            actions::REPLICATION_REPLICA_KEY_ACTIONS,
            &encrypted,
        );
    }
}

/// A key grant, through the service in the key's region only.
fn key_statement(out: &mut Vec<Statement>, key: Option<&Key>, list: &[&str], reason: &Reason) {
    if let Some(key) = key {
        out.push(allow(
            list,
            key.arn.clone(),
            Some(condition(
                Test::StringEquals,
                "kms:ViaService",
                vec![key.via.clone()],
            )),
            reason,
        ));
    }
}

/// A bucket's policy: TLS only, and log delivery from each bucket that logs there.
fn bucket_policy(
    arn: &str,
    key: Option<&str>,
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
    // A KMS bucket refuses writes that ask for another encryption or another key (the key
    // id is compared as an ARN, its condition key's type).
    if let Some(key) = key {
        for (test, header, value) in [
            (
                Test::StringNotEquals,
                "s3:x-amz-server-side-encryption",
                "aws:kms",
            ),
            (
                Test::ArnNotLike,
                "s3:x-amz-server-side-encryption-aws-kms-key-id",
                key,
            ),
        ] {
            out.push(Statement {
                effect: Effect::Deny,
                principals: Some(Principals {
                    negated: false,
                    items: vec![Principal::Anyone],
                }),
                actions: Patterns::of(["s3:PutObject"]),
                resources: Some(Patterns::of([format!("{arn}/*")])),
                conditions: vec![Condition {
                    if_exists: true,
                    ..condition(test, header, vec![value.to_owned()])
                }],
                origin: Origin::Entitled(Reason::Rule {
                    rule: rules::OWN_KEY_ONLY,
                    subject: subject.to_owned(),
                }),
            });
        }
    }
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
/// The ARN of the dead-letter queue drc creates for a schedule, by the schedule's stem.
fn dead_letters_arn(stem: &str, symbols: &mut Symbols) -> String {
    let partition = symbols.text(Symbol::Partition);
    let region = symbols.text(Symbol::Region);
    let account = symbols.text(Symbol::Account);
    let name = symbols.item(ItemKind::ScheduleQueue, stem);
    format!("arn:{partition}:sqs:{region}:{account}:{name}")
}

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
