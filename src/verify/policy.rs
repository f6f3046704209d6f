//! The symbolic form of IAM documents and of what one target's templates grant: a
//! [`Reading`]. Both readers produce it, the expectation is written in it, and the evaluator
//! only ever sees it, so nothing here knows CloudFormation or Terraform.
//!
//! ```text
//! role of function backup (BackupFunctionRole)
//!   trust:    Allow Service lambda.amazonaws.com  sts:AssumeRole
//!   identity: Allow s3:PutObject on arn:{partition}:s3:::<bucket backups>/daily/*
//! resource policy of bucket backups
//!   Deny * s3:* on [arn:{partition}:s3:::<bucket backups>, .../*] if Bool aws:SecureTransport false
//! ```

use super::symbol::Item;
use std::collections::BTreeMap;

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Effect {
    /// `"Effect": "Allow"`
    Allow,
    /// `"Effect": "Deny"`
    Deny,
}

/// `Action`/`NotAction` or `Resource`/`NotResource`: patterns, or everything but them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Patterns {
    /// `NotAction` / `NotResource`.
    pub negated: bool,
    /// Symbolic text with `*` and `?`.
    pub items: Vec<String>,
}

impl Patterns {
    /// Exactly these patterns.
    pub fn of<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> Self {
        Patterns {
            negated: false,
            items: items.into_iter().map(Into::into).collect(),
        }
    }
}

/// One principal of a `Principal` element.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Principal {
    /// `"*"` or `{"AWS": "*"}`: everyone, anonymous included.
    Anyone,
    /// `{"AWS": "arn:...:root"}` or an account id: any principal of that account.
    Account(String),
    /// `{"AWS": "arn:..."}`: one IAM principal (symbolic ARN).
    Arn(String),
    /// `{"Service": "lambda.amazonaws.com"}`
    Service(String),
    /// `{"Federated": ...}` or `{"CanonicalUser": ...}`: matched only by itself.
    Other(String),
}

/// `Principal` / `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Principals {
    /// `NotPrincipal`.
    pub negated: bool,
    /// Who.
    pub items: Vec<Principal>,
}

/// A condition operator without its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Test {
    /// `StringEquals`
    StringEquals,
    /// `StringNotEquals`
    StringNotEquals,
    /// `StringEqualsIgnoreCase`
    StringEqualsIgnoreCase,
    /// `StringNotEqualsIgnoreCase`
    StringNotEqualsIgnoreCase,
    /// `StringLike`
    StringLike,
    /// `StringNotLike`
    StringNotLike,
    /// `ArnEquals` and `ArnLike` (the same test: both take wildcards).
    ArnLike,
    /// `ArnNotEquals` and `ArnNotLike`.
    ArnNotLike,
    /// `Bool`
    Bool,
    /// `Null`
    Null,
}

/// The operators the evaluator models, by name.
pub const TESTS: &[(&str, Test)] = &[
    ("StringEquals", Test::StringEquals),
    ("StringNotEquals", Test::StringNotEquals),
    ("StringEqualsIgnoreCase", Test::StringEqualsIgnoreCase),
    ("StringNotEqualsIgnoreCase", Test::StringNotEqualsIgnoreCase),
    ("StringLike", Test::StringLike),
    ("StringNotLike", Test::StringNotLike),
    ("ArnEquals", Test::ArnLike),
    ("ArnLike", Test::ArnLike),
    ("ArnNotEquals", Test::ArnNotLike),
    ("ArnNotLike", Test::ArnNotLike),
    ("Bool", Test::Bool),
    ("Null", Test::Null),
];

impl Test {
    /// Whether the test is a negated one, true when the key is absent.
    pub fn negated(self) -> bool {
        matches!(
            self,
            Test::StringNotEquals
                | Test::StringNotEqualsIgnoreCase
                | Test::StringNotLike
                | Test::ArnNotLike
        )
    }
}

/// Multi-valued key qualifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SetOperator {
    /// `ForAnyValue:`
    AnyValue,
    /// `ForAllValues:`
    AllValues,
}

/// One `operator: { key: values }` pair of a `Condition` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The test.
    pub test: Test,
    /// `...IfExists`: true when the key is absent.
    pub if_exists: bool,
    /// `ForAnyValue:` / `ForAllValues:`.
    pub set: Option<SetOperator>,
    /// The key, lowercase (IAM compares keys without case).
    pub key: String,
    /// The values (symbolic text); one matching is enough.
    pub values: Vec<String>,
    /// The key as written (`kms:ViaService`), for messages.
    pub name: String,
}

/// Where a statement comes from: a template, or what a declaration entitles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Read from a template.
    Read {
        /// The template's file name.
        file: String,
        /// The policy in it: `policy backup-permissions of BackupFunctionRole`.
        policy: String,
        /// The statement's `Sid`, or its position (`#2`).
        sid: String,
    },
    /// Entitled by a declaration or a built-in rule.
    Entitled(Reason),
}

impl Origin {
    /// The statement for people: `BackupsObjectsDaily in policy backup-permissions of
    /// BackupFunctionRole (disaster_recovery.cfn.yaml)`, or the reason.
    pub fn describe(&self) -> String {
        match self {
            Origin::Read { file, policy, sid } => format!("{sid} in {policy} ({file})"),
            Origin::Entitled(reason) => reason.describe(),
        }
    }
}

/// Why something is entitled.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    /// A line of the `.dr` file: `put  backups "daily/"` at `disaster_recovery.dr:85:3`.
    Declared {
        /// `file:line:column`.
        location: String,
        /// The declaration as written.
        text: String,
    },
    /// A built-in rule, for one item: "every function writes its own logs" for `function backup`.
    Rule {
        /// The rule.
        rule: &'static str,
        /// Where it applies: `function backup`.
        subject: String,
    },
}

impl Reason {
    /// For people: `put backups "daily/" (disaster_recovery.dr:85:3)`, `built-in: ...`.
    pub fn describe(&self) -> String {
        match self {
            Reason::Declared { location, text } => {
                let text: Vec<&str> = text.split_whitespace().collect();
                format!("`{}` ({location})", text.join(" "))
            }
            Reason::Rule { rule, subject } => format!("built-in: {rule} ({subject})"),
        }
    }
}

/// One statement of an IAM document, symbolic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// Allow or deny.
    pub effect: Effect,
    /// `Principal` / `NotPrincipal`; `None` in identity policies.
    pub principals: Option<Principals>,
    /// `Action` / `NotAction`.
    pub actions: Patterns,
    /// `Resource` / `NotResource`; `None` in trust policies (they have none).
    pub resources: Option<Patterns>,
    /// Every condition must hold.
    pub conditions: Vec<Condition>,
    /// Where it comes from.
    pub origin: Origin,
}

/// Who assumes a role, as the templates wire it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Owner {
    /// The role a function runs with (by the function's stem).
    Function(String),
    /// The role an EventBridge Scheduler schedule invokes its target with.
    Schedule(String),
    /// The role S3 replicates a bucket with (the source bucket's stem).
    Replication(String),
    /// A role nothing in the templates uses (its template id).
    Unused(String),
}

/// The resource-based policy of a resource the templates create (a bucket, a key, a topic, a
/// queue, a function), empty when it has none.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResourcePolicy {
    /// The resource's ARN, symbolic: what requests to it name.
    pub arn: String,
    /// Its statements (for a function, one per Lambda permission).
    pub statements: Vec<Statement>,
}

/// One role as a target writes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoleReading {
    /// Its template id: `BackupFunctionRole`, `aws_iam_role.backup`.
    pub id: String,
    /// The trust policy.
    pub trust: Vec<Statement>,
    /// Every identity policy attached to it (inline and managed), statements in order.
    pub identity: Vec<Statement>,
}

/// Facts about a bucket the templates create, for the entitlement of `drc verify`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BucketFacts {
    /// Its ARN.
    pub arn: String,
    /// The region it is created in (symbolic: `{region}` or a literal).
    pub region: String,
    /// The ARN of the KMS key its objects are encrypted with by default, if any.
    pub key: Option<String>,
    /// Whether it has Object Lock.
    pub locked: bool,
    /// Replication: the role's template id and each rule's destination.
    pub replication: Option<(Option<String>, Vec<Destination>)>,
    /// Access logging: the log bucket's name (symbolic) and the prefix.
    pub logging: Option<(String, String)>,
}

/// One replication rule's destination, as the templates write it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Destination {
    /// The replica's ARN.
    pub arn: String,
    /// The key replicas are encrypted with, if the rule names one.
    pub key: Option<String>,
    /// Whether the rule hands each replica to the destination's owner
    /// (`AccessControlTranslation`, for a replica in another account).
    pub owner_override: bool,
}

/// Facts about a function the templates create.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FunctionFacts {
    /// Its ARN.
    pub arn: String,
    /// The template id of the role it runs with.
    pub role: Option<String>,
    /// The name of the log group it writes to (symbolic).
    pub log_group: Option<String>,
    /// The ARN failed asynchronous invocations go to.
    pub on_failure: Option<String>,
    /// The ARN failed events go to.
    pub dead_letter: Option<String>,
}

/// Facts about a queue or topic the templates create.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MessagingFacts {
    /// Its ARN.
    pub arn: String,
    /// The ARN of its KMS key, when it has one drc created.
    pub key: Option<String>,
}

/// Facts about a schedule.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScheduleFacts {
    /// The ARN it invokes.
    pub target: String,
    /// The template id of the role it invokes with.
    pub role: Option<String>,
    /// The ARN of the queue its failed invocations go to.
    pub dead_letter: Option<String>,
}

/// What the templates create, by item stem: what `drc verify` derives the built-in rules'
/// entitlements from (the declarations themselves come from the provenance).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facts {
    /// Buckets.
    pub buckets: BTreeMap<String, BucketFacts>,
    /// Functions.
    pub functions: BTreeMap<String, FunctionFacts>,
    /// Queues.
    pub queues: BTreeMap<String, MessagingFacts>,
    /// Topics.
    pub topics: BTreeMap<String, MessagingFacts>,
    /// Schedules.
    pub schedules: BTreeMap<String, ScheduleFacts>,
}

/// Something in a template the verifier cannot model: the proof is withheld.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// The template's file name.
    pub file: String,
    /// Where in it: `Resources.BackupFunctionRole.Properties.Policies[0]`.
    pub path: String,
    /// What.
    pub message: String,
}

/// The causes the templates record beside a role, by statement id: `(sid, action, cause)`.
pub type Provenance = Vec<(String, String, String)>;

/// What one target's templates grant, symbolically.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reading {
    /// The template files read.
    pub files: Vec<String>,
    /// Every role, by who assumes it.
    pub roles: BTreeMap<Owner, RoleReading>,
    /// Every resource-based policy (bucket, key, topic and queue policies, Lambda
    /// permissions), by the resource it is on. Every created bucket, key, topic, queue and
    /// function has an entry.
    pub resource_policies: BTreeMap<Item, ResourcePolicy>,
    /// What the templates create.
    pub facts: Facts,
    /// The provenance of each role.
    pub provenance: BTreeMap<Owner, Provenance>,
    /// What could not be modelled.
    pub problems: Vec<Problem>,
}

/// A condition operator by name: the test, `...IfExists`, `ForAnyValue:`/`ForAllValues:`.
pub fn operator(name: &str) -> Option<(Test, bool, Option<SetOperator>)> {
    let (set, rest) = if let Some(rest) = name.strip_prefix("ForAnyValue:") {
        (Some(SetOperator::AnyValue), rest)
    } else if let Some(rest) = name.strip_prefix("ForAllValues:") {
        (Some(SetOperator::AllValues), rest)
    } else {
        (None, name)
    };
    let (if_exists, base) = match rest.strip_suffix("IfExists") {
        Some(base) => (true, base),
        None => (false, rest),
    };
    let test = TESTS.iter().find(|(n, _)| *n == base)?.1;
    Some((test, if_exists, set))
}

/// One principal of a `Principal` element: `kind` is `AWS`, `Service`, `Federated`,
/// `CanonicalUser` or `*`. An account is written as its root's ARN or its id.
pub fn principal(kind: &str, value: &str) -> Principal {
    match kind {
        "*" => Principal::Anyone,
        "AWS" if value == "*" => Principal::Anyone,
        "AWS" => {
            let parts: Vec<&str> = value.split(':').collect();
            match parts.as_slice() {
                ["arn", _, "iam", "", account, "root"] | [account] => {
                    Principal::Account((*account).to_owned())
                }
                _ => Principal::Arn(value.to_owned()),
            }
        }
        "Service" => Principal::Service(value.to_owned()),
        other => Principal::Other(format!("{other}:{value}")),
    }
}

/// Parses a cause the templates record beside a role: `backup.dr:85:3 put  backups "daily/"`
/// or `backup.dr:67:10 built-in: every function writes its own logs`, into its location and
/// text.
pub fn cause(text: &str) -> Option<(&str, &str)> {
    // The location is `file:line:column`: the first space after two numbers.
    let mut search = 0;
    while let Some(space) = text[search..].find(' ').map(|at| at + search) {
        let location = &text[..space];
        let mut parts = location.rsplitn(3, ':');
        let column = parts.next()?;
        let line = parts.next();
        let file = parts.next();
        if let (Some(line), Some(file)) = (line, file)
            && !file.is_empty()
            && [line, column]
                .iter()
                .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        {
            return Some((location, &text[space + 1..]));
        }
        search = space + 1;
    }
    None
}

/// Fills an attribute's shape (`arn:{partition}:s3:::{name}`) with symbolic text.
pub fn fill(
    shape: &str,
    partition: &str,
    region: &str,
    account: &str,
    name: &str,
    url_suffix: &str,
) -> String {
    let mut out = String::with_capacity(shape.len() + name.len());
    let mut rest = shape;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        let Some((field, after)) = rest[at + 1..].split_once('}') else {
            break;
        };
        match field {
            "partition" => out.push_str(partition),
            "region" => out.push_str(region),
            "account" => out.push_str(account),
            "name" => out.push_str(name),
            "url_suffix" => out.push_str(url_suffix),
            other => {
                out.push('{');
                out.push_str(other);
                out.push('}');
            }
        }
        rest = after;
    }
    out.push_str(rest);
    out
}
