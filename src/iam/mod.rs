//! The infer stage: [`Program`] to [`Policies`].
//!
//! Every function gets one role. Its statements come only from the verbs the function
//! declares, through the table in [`actions`], plus built-in rules: writing its own logs,
//! using the KMS key of an encrypted bucket, queue or topic, and sending failed events to
//! its `on_failure` and `dead_letter` targets (the `send` or `publish` row of the table,
//! whichever the target's kind needs). Each schedule gets a role of its own, assumed by
//! EventBridge Scheduler, allowed only to invoke the schedule's function and to send the runs
//! it failed to invoke to the schedule's own dead-letter queue. A bucket with
//! `replicate_to` gets a role for S3 to assume, with only the replication actions on the two
//! buckets ([`actions::REPLICATION_SOURCE_BUCKET_ACTIONS`] and the lists after it, the
//! Object Lock one only when the source is locked). Every action records what caused it
//! ([`explain`] accounts for them), so every permission can answer "why is this here?".
//!
//! ```text
//! function backup { put backups "daily/" }
//!   => s3:PutObject on arn:aws:s3:::<backups>/daily/*      (caused by `put backups "daily/"`)
//! ```

pub mod actions;
pub mod diff;
pub mod explain;
mod resource;
pub mod weakening;

pub use resource::Resource;

pub use crate::check::model::Verb;
pub use actions::{Scope, VERBS, VerbRule};

use crate::check::model::{Encryption, Kind, Program, QueueEncryption};
use crate::source::Span;
use std::collections::BTreeMap;

/// Every permission drc infers for a program. Invariant: no action or resource is a
/// wildcard; object actions are only on object ARNs and bucket actions only on bucket ARNs.
/// A role is found by its owner through an index built with the roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policies {
    roles: Vec<Role>,
    /// Each owner's position in `roles`.
    index: BTreeMap<Owner, usize>,
}

/// One IAM role drc creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// Who assumes it.
    pub owner: Owner,
    /// Its statements, in a stable order (by resource, then condition).
    pub statements: Vec<Statement>,
}

/// Who assumes a role. Each variant is one kind of role drc infers; emitters and `explain`
/// match on it exhaustively, so a new kind of role cannot be forgotten in one of them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Owner {
    /// The execution role of a function (assumed by `lambda.amazonaws.com`).
    Function(String),
    /// The role EventBridge Scheduler assumes to run a schedule (assumed by
    /// `scheduler.amazonaws.com`, only from this account).
    Scheduler(String),
    /// The role S3 assumes to replicate a bucket (`s3.amazonaws.com`); the source bucket.
    Replication(String),
}

impl Owner {
    /// How the role reads for people: `function backup`.
    pub fn describe(&self) -> String {
        match self {
            Owner::Function(f) => format!("function {f}"),
            Owner::Scheduler(s) => format!("schedule {s} (assumed by EventBridge Scheduler)"),
            Owner::Replication(b) => format!("replication of bucket {b}"),
        }
    }
}

impl Policies {
    /// Policies made of these roles, indexed by owner (an owner's first role, should it
    /// have several).
    pub fn new(roles: Vec<Role>) -> Self {
        let mut index = BTreeMap::new();
        for (i, role) in roles.iter().enumerate() {
            index.entry(role.owner.clone()).or_insert(i);
        }
        Self { roles, index }
    }

    /// One role per function, in the program's function order, then the roles of other
    /// services drc configures. Who may invoke a function is read from them too: drc
    /// writes no resource-based permission (a schedule invokes with its own role).
    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    /// The position of an owner's role in [`Policies::roles`], if it has one.
    pub fn position(&self, owner: &Owner) -> Option<usize> {
        self.index.get(owner).copied()
    }

    /// The role of an owner, if it has one.
    pub fn role(&self, owner: &Owner) -> Option<&Role> {
        self.position(owner).map(|i| &self.roles[i])
    }

    /// The execution role of a function. Every function has one.
    pub fn function_role(&self, function: &str) -> &Role {
        self.role(&Owner::Function(function.to_owned()))
            .expect("infer gives every function a role")
    }

    /// The role EventBridge Scheduler assumes for a schedule. Every schedule has one.
    pub fn schedule_role(&self, schedule: &str) -> &Role {
        self.role(&Owner::Scheduler(schedule.to_owned()))
            .expect("infer gives every schedule a role")
    }

    /// The replication role of a bucket with `replicate_to`, if it has one.
    pub fn replication_role(&self, bucket: &str) -> Option<&Role> {
        self.role(&Owner::Replication(bucket.to_owned()))
    }
}

/// One `Allow` statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// A statement id derived from the resource, unique within the role.
    pub sid: String,
    /// The actions, sorted, each with its causes.
    pub actions: Vec<Action>,
    /// The one resource the actions are granted on.
    pub resource: Resource,
    /// A condition, if any.
    pub condition: Option<Condition>,
}

/// One granted action and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// `s3:PutObject`
    pub name: &'static str,
    /// The declarations and rules that caused it, sorted.
    pub causes: Vec<Cause>,
}

/// Why an action is granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cause {
    /// A verb statement in the function (its span).
    Verb(Span),
    /// The function writes its own logs (span of the function's name).
    OwnLogs(Span),
    /// The bucket is encrypted with a KMS key (span of `encryption = kms`, or of the bucket).
    BucketKey(Span),
    /// Failed asynchronous invocations go to this destination (span of `on_failure = ...`).
    OnFailure(Span),
    /// Failed events go to this dead-letter target (span of `dead_letter = ...`).
    DeadLetter(Span),
    /// The queue is encrypted with a KMS key (span of `encryption = kms`).
    QueueKey(Span),
    /// Every topic is encrypted with a KMS key drc creates (span of the topic's name).
    TopicKey(Span),
    /// A schedule invokes its target function (span of the schedule's `invoke = ...`).
    ScheduleTarget(Span),
    /// A schedule's runs that fail to invoke go to its own dead-letter queue (span of the
    /// schedule's name).
    ScheduleDeadLetters(Span),
    /// The bucket replicates to another (span of `replicate_to = ...`).
    Replication(Span),
    /// A bucket with Object Lock replicates to another (span of `replicate_to = ...`).
    LockedReplication(Span),
    /// A KMS-encrypted bucket replicates to another (span of `replicate_to = ...`).
    EncryptedReplication(Span),
    /// The replica is in another account (span of `replicate_to = ...`).
    OtherAccountReplication(Span),
}

impl Cause {
    /// The built-in rule behind the cause, for people; `None` for a declaration, which is
    /// best shown as the source text at [`Cause::span`].
    pub fn rule(self) -> Option<&'static str> {
        match self {
            Cause::Verb(_) => None,
            Cause::OwnLogs(_) => Some("every function writes its own logs"),
            Cause::BucketKey(_) => Some("the bucket is encrypted with a KMS key"),
            Cause::OnFailure(_) => {
                Some("failed asynchronous invocations go to the on-failure destination")
            }
            Cause::DeadLetter(_) => Some("failed events go to the dead-letter target"),
            Cause::QueueKey(_) => Some("the queue is encrypted with a KMS key"),
            Cause::TopicKey(_) => Some("every topic is encrypted with a KMS key drc creates"),
            Cause::ScheduleTarget(_) => {
                Some("a schedule's role may invoke the function it targets")
            }
            Cause::ScheduleDeadLetters(_) => Some(
                "a schedule's role may send the runs it failed to invoke to the schedule's dead-letter queue",
            ),
            Cause::Replication(_) => {
                Some("S3 replicates new object versions to the replica, never deletions")
            }
            Cause::LockedReplication(_) => Some(
                "the source has Object Lock: each replica keeps its version's retention and legal hold",
            ),
            Cause::EncryptedReplication(_) => Some(
                "both buckets use KMS keys: S3 decrypts each version with the source's key and encrypts its replica with the replica's",
            ),
            Cause::OtherAccountReplication(_) => Some(
                "the replica is in another account: S3 makes that account the owner of each replica",
            ),
        }
    }

    /// Where the cause is written.
    pub fn span(self) -> Span {
        match self {
            Cause::Verb(s)
            | Cause::OwnLogs(s)
            | Cause::BucketKey(s)
            | Cause::OnFailure(s)
            | Cause::DeadLetter(s)
            | Cause::QueueKey(s)
            | Cause::TopicKey(s)
            | Cause::ScheduleTarget(s)
            | Cause::ScheduleDeadLetters(s)
            | Cause::Replication(s)
            | Cause::LockedReplication(s)
            | Cause::EncryptedReplication(s)
            | Cause::OtherAccountReplication(s) => s,
        }
    }
}

/// A condition on a statement: `operator: { key: values }`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Condition {
    /// `StringLike`, `StringEquals`
    pub operator: &'static str,
    /// `s3:prefix`, `kms:ViaService`
    pub key: &'static str,
    /// The values (sorted). `{region}` in a value stands for the deployment region.
    pub values: Vec<String>,
}

pub use crate::check::model::{ACCOUNT, PARTITION, REGION};

/// Infers the policies of a checked program.
pub fn infer(program: &Program) -> Policies {
    let mut roles: Vec<Role> = program
        .functions()
        .iter()
        .map(|function| {
            // (resource, condition key) -> actions with causes, and condition values.
            let mut grants: Grants = BTreeMap::new();
            for access in &function.accesses {
                let prefix = access.prefix.clone();
                grant(
                    program,
                    &mut grants,
                    access.verb,
                    &access.target,
                    prefix,
                    Cause::Verb(access.span),
                );
            }
            let failure = &function.failure;
            let destinations = [
                (&failure.on_failure, Cause::OnFailure as fn(Span) -> Cause),
                (&failure.dead_letter, Cause::DeadLetter),
            ];
            for (destination, cause) in destinations {
                if let Some(d) = destination {
                    let verb = if d.kind == Kind::Queue {
                        Verb::Send
                    } else {
                        Verb::Publish
                    };
                    grant(program, &mut grants, verb, &d.target, None, cause(d.span));
                }
            }
            let logs = grants
                .entry((Resource::LogStreams(function.name.clone()), None, None))
                .or_default();
            for action in actions::LOG_ACTIONS {
                logs.add(action, Cause::OwnLogs(function.span));
            }
            Role {
                owner: Owner::Function(function.name.clone()),
                statements: statements(program, grants),
            }
        })
        .collect();
    roles.extend(program.schedules().iter().map(|schedule| {
        let mut grants: Grants = BTreeMap::new();
        let grant = grants
            .entry((Resource::Function(schedule.target.clone()), None, None))
            .or_default();
        for action in actions::rule(Verb::Invoke).actions {
            grant.add(action, Cause::ScheduleTarget(schedule.target_span));
        }
        let dead_letters = grants
            .entry((
                Resource::ScheduleDeadLetters(schedule.name.clone()),
                None,
                None,
            ))
            .or_default();
        for action in actions::SCHEDULE_DEAD_LETTER_ACTIONS {
            dead_letters.add(action, Cause::ScheduleDeadLetters(schedule.span));
        }
        Role {
            owner: Owner::Scheduler(schedule.name.clone()),
            statements: statements(program, grants),
        }
    }));
    roles.extend(
        program
            .buckets()
            .iter()
            .filter_map(|bucket| replication_role(program, bucket)),
    );
    Policies::new(roles)
}

/// The role S3 assumes to replicate a bucket: read the source's versions (with their retention
/// and legal hold when the source has Object Lock), write replicas into each destination, and
/// decrypt with the source's key and encrypt with each replica's when they use KMS keys.
fn replication_role(program: &Program, bucket: &crate::check::model::Bucket) -> Option<Role> {
    // The source's grants come from the first destination's attribute: every destination
    // is on the same `replicate_to` line.
    let first = bucket.replicate_to.first()?;
    let mut grants: Grants = BTreeMap::new();
    let mut add = |resource: Resource, list: &[&'static str], cause: Cause, condition| {
        let grant = grants.entry((resource, None, condition)).or_default();
        for action in list {
            grant.add(action, cause);
        }
    };
    let source_objects = Resource::Objects {
        bucket: bucket.name.clone(),
        prefix: String::new(),
    };
    let cause = Cause::Replication(first.span);
    add(
        Resource::Bucket(bucket.name.clone()),
        actions::REPLICATION_SOURCE_BUCKET_ACTIONS,
        cause,
        None,
    );
    add(
        source_objects.clone(),
        actions::REPLICATION_SOURCE_OBJECT_ACTIONS,
        cause,
        None,
    );
    if bucket.object_lock.is_some() {
        add(
            source_objects,
            actions::REPLICATION_SOURCE_LOCK_ACTIONS,
            Cause::LockedReplication(first.span),
            None,
        );
    }
    // The checker makes both sides use KMS keys or neither (E0326).
    let via = Some(("StringEquals", "kms:ViaService"));
    let encrypted = bucket.encryption == Encryption::Kms;
    if encrypted {
        add(
            Resource::BucketKey(bucket.name.clone()),
            actions::REPLICATION_SOURCE_KEY_ACTIONS,
            Cause::EncryptedReplication(first.span),
            via,
        );
    }
    for replication in &bucket.replicate_to {
        let replica = &replication.replica;
        add(
            replica_objects(program, replica),
            actions::REPLICATION_REPLICA_OBJECT_ACTIONS,
            Cause::Replication(replication.span),
            None,
        );
        let other_account = program
            .bucket(replica)
            .existing
            .as_ref()
            .is_some_and(|e| e.account.is_some());
        if other_account {
            add(
                replica_objects(program, replica),
                actions::REPLICATION_OWNER_OVERRIDE_ACTIONS,
                Cause::OtherAccountReplication(replication.span),
                None,
            );
        }
        if encrypted {
            add(
                replica_key(program, replica),
                actions::REPLICATION_REPLICA_KEY_ACTIONS,
                Cause::EncryptedReplication(replication.span),
                via,
            );
        }
    }
    Some(Role {
        owner: Owner::Replication(bucket.name.clone()),
        statements: statements(program, grants),
    })
}

/// Every object of a replica: of a bucket of the stack, or of one in another account.
fn replica_objects(program: &Program, replica: &str) -> Resource {
    match &program.bucket(replica).existing {
        Some(existing) => Resource::ExistingObjects {
            bucket: replica.to_owned(),
            arn: existing.arn.clone(),
            prefix: String::new(),
        },
        None => Resource::Objects {
            bucket: replica.to_owned(),
            prefix: String::new(),
        },
    }
}

/// The key replicas are encrypted with: the one drc creates for a replica of the stack, or
/// the `key` of one in another account (the checker requires it when the source has a key).
fn replica_key(program: &Program, replica: &str) -> Resource {
    match program
        .bucket(replica)
        .existing
        .as_ref()
        .and_then(|e| e.key.as_ref())
    {
        Some(arn) => Resource::ExistingKey {
            bucket: replica.to_owned(),
            arn: arn.clone(),
        },
        None => Resource::BucketKey(replica.to_owned()),
    }
}

/// Adds the grants one verb on one target implies, with their KMS grants, for `cause`.
fn grant(
    program: &Program,
    grants: &mut Grants,
    verb: Verb,
    target: &str,
    prefix: Option<String>,
    cause: Cause,
) {
    let rule = actions::rule(verb);
    let (resource, condition) = granted_resource(program, rule, target, prefix.as_deref());
    // Each listing verb keeps its own statement, so that its prefixes condition only its own
    // action: `list a "x/"` and `list_versions a "y/"` stay apart.
    let lister = (rule.scope == Scope::Bucket).then_some(verb);
    let entry = grants.entry((resource, lister, condition)).or_default();
    for action in rule.actions {
        entry.add(action, cause);
    }
    if rule.scope == Scope::Bucket {
        // Listing without a prefix lifts the condition for the whole bucket.
        entry.prefixes.push(prefix.map(|p| format!("{p}*")));
    }
    if let Some((key, key_cause)) = target_key(program, rule.target(), target)
        && !rule.kms_actions.is_empty()
    {
        let key_grant = grants
            .entry((key, None, Some(("StringEquals", "kms:ViaService"))))
            .or_default();
        for action in rule.kms_actions {
            key_grant.add(action, cause);
            key_grant.add(action, key_cause);
        }
    }
}

/// The resource `rule` grants on for `target` (under `prefix` for objects), and the condition
/// a bucket-level grant carries.
fn granted_resource(
    program: &Program,
    rule: &VerbRule,
    target: &str,
    prefix: Option<&str>,
) -> (Resource, Option<(&'static str, &'static str)>) {
    // A bucket outside the stack is granted on by its literal ARN.
    let existing = (rule.target() == Kind::Bucket)
        .then(|| program.bucket(target).existing.as_ref())
        .flatten();
    match (rule.scope, existing) {
        (Scope::Objects, None) => (
            Resource::Objects {
                bucket: target.to_owned(),
                prefix: prefix.unwrap_or_default().to_owned(),
            },
            None,
        ),
        (Scope::Objects, Some(existing)) => (
            Resource::ExistingObjects {
                bucket: target.to_owned(),
                arn: existing.arn.clone(),
                prefix: prefix.unwrap_or_default().to_owned(),
            },
            None,
        ),
        (Scope::Bucket, None) => (
            Resource::Bucket(target.to_owned()),
            Some(("StringLike", "s3:prefix")),
        ),
        (Scope::Bucket, Some(existing)) => (
            Resource::ExistingBucket {
                bucket: target.to_owned(),
                arn: existing.arn.clone(),
            },
            Some(("StringLike", "s3:prefix")),
        ),
        (Scope::Function, _) => match program.existing_function(target) {
            Some(existing) => (
                Resource::ExistingFunction {
                    name: existing.name.clone(),
                    arn: existing.arn.clone(),
                },
                None,
            ),
            None => (Resource::Function(target.to_owned()), None),
        },
        (Scope::Topic, _) => (Resource::Topic(target.to_owned()), None),
        (Scope::Queue, _) => (Resource::Queue(target.to_owned()), None),
    }
}

/// The key `target` (of `kind`) is encrypted with, and the rule that says so.
fn target_key(program: &Program, kind: Kind, target: &str) -> Option<(Resource, Cause)> {
    match kind {
        Kind::Bucket => {
            let bucket = program.bucket(target);
            let key_cause = Cause::BucketKey(bucket.encryption_span.unwrap_or(bucket.span));
            match &bucket.existing {
                Some(existing) => existing.key.as_ref().map(|arn| {
                    (
                        Resource::ExistingKey {
                            bucket: bucket.name.clone(),
                            arn: arn.clone(),
                        },
                        key_cause,
                    )
                }),
                None => (bucket.encryption == Encryption::Kms)
                    .then(|| (Resource::BucketKey(bucket.name.clone()), key_cause)),
            }
        }
        Kind::Queue => {
            let queue = program.queue(target);
            (queue.encryption == QueueEncryption::Kms).then(|| {
                (
                    Resource::QueueKey(queue.name.clone()),
                    Cause::QueueKey(queue.encryption_span.unwrap_or(queue.span)),
                )
            })
        }
        Kind::Topic => {
            let topic = program.topic(target);
            Some((
                Resource::TopicKey(topic.name.clone()),
                Cause::TopicKey(topic.span),
            ))
        }
        Kind::Stack | Kind::Function | Kind::Schedule | Kind::Param | Kind::Output => None,
    }
}

/// Grants keyed by resource, listing verb (bucket-level grants only) and condition
/// (operator, key).
type Grants = BTreeMap<(Resource, Option<Verb>, Option<(&'static str, &'static str)>), Grant>;

/// Actions collected for one resource.
#[derive(Default)]
struct Grant {
    actions: BTreeMap<&'static str, Vec<Cause>>,
    /// For bucket-level grants: each list verb's prefix pattern, `None` for the whole bucket.
    prefixes: Vec<Option<String>>,
}

impl Grant {
    fn add(&mut self, action: &'static str, cause: Cause) {
        let causes = self.actions.entry(action).or_default();
        if !causes.contains(&cause) {
            causes.push(cause);
            causes.sort();
        }
    }
}

fn statements(program: &Program, grants: Grants) -> Vec<Statement> {
    let mut used_sids: BTreeMap<String, usize> = BTreeMap::new();
    grants
        .into_iter()
        .map(|((resource, lister, condition_key), grant)| {
            let condition = condition_key.and_then(|(operator, key)| match key {
                "s3:prefix" => {
                    let mut values: Vec<String> =
                        grant.prefixes.iter().cloned().collect::<Option<_>>()?;
                    values.sort();
                    values.dedup();
                    Some(Condition {
                        operator,
                        key,
                        values,
                    })
                }
                _ => Some(Condition {
                    operator,
                    key,
                    values: vec![format!(
                        "{}.{}.amazonaws.com",
                        resource.via_service(),
                        key_region(program, &resource)
                    )],
                }),
            });
            let mut sid = sid_for(&resource, lister);
            let n = used_sids.entry(sid.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                sid.push_str(&n.to_string());
            }
            Statement {
                sid,
                actions: grant
                    .actions
                    .into_iter()
                    .map(|(name, causes)| Action { name, causes })
                    .collect(),
                resource,
                condition,
            }
        })
        .collect()
}

/// The region S3 uses a bucket's key in, which is its bucket's region: the key's own region
/// for a key outside the stack, the bucket's `region` for a bucket in another region, the
/// deployment region otherwise.
fn key_region<'r>(program: &Program, resource: &'r Resource) -> &'r str {
    match resource {
        Resource::ExistingKey { arn, .. } => arn.split(':').nth(3).unwrap_or(REGION),
        Resource::BucketKey(bucket) => program.bucket(bucket).region.map_or(REGION, |r| r.code),
        _ => REGION,
    }
}

/// A readable statement id: alphanumeric, as IAM requires.
fn sid_for(resource: &Resource, lister: Option<Verb>) -> String {
    let stem = crate::names::logical_stem;
    match resource {
        Resource::Bucket(b) if lister == Some(Verb::ListVersions) => {
            format!("{}BucketVersions", stem(b))
        }
        Resource::Bucket(b) => format!("{}Bucket", stem(b)),
        Resource::Objects { bucket, prefix } => {
            let words: String = prefix
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(|w| stem(&w.to_ascii_lowercase()))
                .collect();
            format!("{}Objects{words}", stem(bucket))
        }
        Resource::BucketKey(b) => format!("{}Key", stem(b)),
        Resource::LogStreams(f) => format!("{}Logs", stem(f)),
        Resource::Function(f) | Resource::ExistingFunction { name: f, .. } => {
            format!("Invoke{}", stem(f))
        }
        Resource::Queue(q) => format!("SendTo{}", stem(q)),
        Resource::ScheduleDeadLetters(s) => format!("{}DeadLetters", stem(s)),
        Resource::QueueKey(q) => format!("{}QueueKey", stem(q)),
        Resource::Topic(t) => format!("PublishTo{}", stem(t)),
        Resource::TopicKey(t) => format!("{}TopicKey", stem(t)),
        Resource::ExistingBucket { bucket, .. } => format!("{}Bucket", stem(bucket)),
        Resource::ExistingObjects { bucket, prefix, .. } => sid_for(
            &Resource::Objects {
                bucket: bucket.clone(),
                prefix: prefix.clone(),
            },
            None,
        ),
        Resource::ExistingKey { bucket, .. } => format!("{}Key", stem(bucket)),
    }
}
