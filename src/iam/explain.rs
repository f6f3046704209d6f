//! Explaining permissions: every role, statement and action of a program's [`Policies`], and
//! for each action the declarations or built-in rules that caused it, as text for people
//! ([`Explanation::text`]), as versioned JSON for tools ([`Explanation::json`]), and as the
//! per-statement provenance the templates carry ([`RoleExplanation::provenance`]).
//!
//! ```text
//! role of function backup
//!   BackupsObjectsDaily: s3:PutObject
//!     on objects of bucket backups under "daily/"
//!     s3:PutObject  <- examples/dr.dr:17:3  put backups "daily/"
//! ```
//!
//! An explanation is built from one stack's policies and the source files they came from (a
//! stack may import files), each shown under the name the caller chooses: the path as given
//! on the command line, or the bare file name inside templates, so their bytes never depend
//! on where drc ran.

use super::{Condition, Owner, Policies, Resource};
use crate::source::{SourceMap, Span};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The version of the JSON forms of `drc explain` and `drc diff`. It changes only when a
/// field changes meaning or disappears; new fields may appear without a new version.
pub const FORMAT_VERSION: u32 = 1;

/// Every permission of one stack, with the cause of each action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The roles, in the order [`Policies::roles`] has them.
    pub roles: Vec<RoleExplanation>,
}

/// One role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleExplanation {
    /// Who assumes it.
    pub owner: Owner,
    /// Its statements, in the policy's order.
    pub statements: Vec<StatementExplanation>,
}

/// One statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementExplanation {
    /// The statement id, as in the templates.
    pub sid: String,
    /// The resource.
    pub resource: Resource,
    /// Its condition, if any.
    pub condition: Option<Condition>,
    /// The actions, sorted, each with its causes.
    pub actions: Vec<ActionExplanation>,
}

/// One action and why it is granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionExplanation {
    /// `s3:PutObject`
    pub name: &'static str,
    /// Its causes, sorted by position.
    pub causes: Vec<CauseExplanation>,
}

/// One reason for an action: a declaration (its source text) or a built-in rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CauseExplanation {
    /// Where it is written.
    pub location: Location,
    /// The built-in rule, or `None` when the cause is the declaration itself.
    pub rule: Option<&'static str>,
    /// The declaration's source text (for a rule: the text its location points at).
    pub source: String,
    /// The whole source line the cause starts on.
    pub line_text: String,
}

impl CauseExplanation {
    /// `put backups "daily/"`, or `built-in: every function writes its own logs`.
    pub fn text(&self) -> String {
        self.rule
            .map_or_else(|| self.source.clone(), |rule| format!("built-in: {rule}"))
    }
}

/// A position in a source file, 1-based.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// The file, as the explanation was asked to name it.
    pub file: String,
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// How an explanation names source files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileNames {
    /// As the files were given or imported (`examples/dr.dr`): for people at a terminal.
    AsGiven,
    /// The file name without directories (`dr.dr`): for templates, whose bytes must not
    /// depend on the directory drc ran in.
    BaseName,
}

impl FileNames {
    /// The name of a file as this choice shows it.
    pub fn show(self, name: &str) -> &str {
        match self {
            FileNames::AsGiven => name,
            FileNames::BaseName => name.rsplit(['/', '\\']).next().unwrap_or(name),
        }
    }
}

/// Explains one stack's policies. Every span in them must be in `sources`.
pub fn explain(policies: &Policies, sources: &SourceMap, names: FileNames) -> Explanation {
    let locate = |span: Span| {
        let file = sources.get(span.file);
        let (line, column) = file.line_col(span.start as usize);
        Location {
            file: names.show(&file.name).to_owned(),
            line,
            column,
        }
    };
    let slice = |span: Span| sources.get(span.file).slice(span).to_owned();
    let roles = policies
        .roles()
        .iter()
        .map(|role| RoleExplanation {
            owner: role.owner.clone(),
            statements: role
                .statements
                .iter()
                .map(|statement| StatementExplanation {
                    sid: statement.sid.clone(),
                    resource: statement.resource.clone(),
                    condition: statement.condition.clone(),
                    actions: statement
                        .actions
                        .iter()
                        .map(|action| ActionExplanation {
                            name: action.name,
                            causes: action
                                .causes
                                .iter()
                                .map(|cause| CauseExplanation {
                                    location: locate(cause.span()),
                                    rule: cause.rule(),
                                    source: slice(cause.span()),
                                    line_text: sources
                                        .get(cause.span().file)
                                        .line_text(cause.span().start as usize)
                                        .trim()
                                        .to_owned(),
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    Explanation { roles }
}

/// Whether a role belongs to the function named `name`.
fn owned_by_function(owner: &Owner, name: &str) -> bool {
    match owner {
        Owner::Function(f) => f == name,
        Owner::Scheduler(_) | Owner::Replication(_) => false,
    }
}

impl Explanation {
    /// The names of the functions that have a role, for "did you mean" on `--function`.
    #[allow(
        clippy::unnecessary_filter_map,
        reason = "roles of other owners than functions have no function name"
    )]
    pub fn function_names(&self) -> Vec<&str> {
        self.roles
            .iter()
            .filter_map(|role| match &role.owner {
                Owner::Function(f) => Some(f.as_str()),
                Owner::Scheduler(_) | Owner::Replication(_) => None,
            })
            .collect()
    }

    /// Only what concerns one function: its role and the permissions to invoke it. `None`
    /// when no function of that name has a role.
    #[must_use]
    pub fn for_function(&self, name: &str) -> Option<Explanation> {
        if !self
            .roles
            .iter()
            .any(|role| owned_by_function(&role.owner, name))
        {
            return None;
        }
        // Its own role, and every other role that may invoke it (a schedule's, say).
        let invokes = |role: &RoleExplanation| {
            role.statements.iter().any(|s| {
                matches!(&s.resource, Resource::Function(f) if f == name)
                    && s.actions.iter().any(|a| a.name == "lambda:InvokeFunction")
            })
        };
        let roles: Vec<RoleExplanation> = self
            .roles
            .iter()
            .filter(|role| owned_by_function(&role.owner, name) || invokes(role))
            .cloned()
            .collect();
        Some(Explanation { roles })
    }

    /// The explanation for people.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for role in &self.roles {
            let _ = writeln!(out, "role of {}", role.owner.describe());
            for statement in &role.statements {
                let names: Vec<&str> = statement.actions.iter().map(|a| a.name).collect();
                let _ = writeln!(out, "  {}: {}", statement.sid, names.join(", "));
                let _ = writeln!(out, "    on {}", statement.resource.describe());
                if let Some(c) = &statement.condition {
                    let _ = writeln!(out, "    if {}", describe_condition(c));
                }
                for action in &statement.actions {
                    for cause in &action.causes {
                        let _ = writeln!(
                            out,
                            "    {}  <- {}  {}",
                            action.name,
                            cause.location,
                            cause.text()
                        );
                    }
                }
            }
        }
        out
    }

    /// The explanation for tools: see "Explaining permissions" in `docs/permissions.md`.
    pub fn json(&self, stack: &str) -> Value {
        json!({
            "format_version": FORMAT_VERSION,
            "stack": stack,
            "roles": self.roles.iter().map(RoleExplanation::json).collect::<Vec<_>>(),
        })
    }
}

impl RoleExplanation {
    fn json(&self) -> Value {
        json!({
            "owner": owner_json(&self.owner),
            "role": self.owner.describe(),
            "statements": self.statements.iter().map(|s| json!({
                "sid": s.sid,
                "resource": resource_json(&s.resource),
                "condition": s.condition.as_ref().map(condition_json),
                "actions": s.actions.iter().map(|a| json!({
                    "action": a.name,
                    "causes": a.causes.iter().map(|c| json!({
                        "kind": if c.rule.is_some() { "rule" } else { "declaration" },
                        "location": location_json(&c.location),
                        "text": c.text(),
                        "source": c.source,
                        "line_text": c.line_text,
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    }

    /// Statement id -> action -> causes as `input.dr:12:3 put backups "daily/"`: what the
    /// templates record beside each role. Sorted, so the bytes are stable.
    pub fn provenance(&self) -> BTreeMap<&str, BTreeMap<&'static str, Vec<String>>> {
        self.statements
            .iter()
            .map(|statement| {
                let actions = statement
                    .actions
                    .iter()
                    .map(|action| {
                        let causes = action
                            .causes
                            .iter()
                            .map(|c| format!("{} {}", c.location, c.text()))
                            .collect();
                        (action.name, causes)
                    })
                    .collect();
                (statement.sid.as_str(), actions)
            })
            .collect()
    }
}

/// `s3:prefix StringLike daily/* | weekly/*`
pub fn describe_condition(condition: &Condition) -> String {
    format!(
        "{} {} {}",
        condition.key,
        condition.operator,
        condition.values.join(" | ")
    )
}

/// `{"kind": "function", "name": "backup"}`
pub fn owner_json(owner: &Owner) -> Value {
    match owner {
        Owner::Function(name) => json!({ "kind": "function", "name": name }),
        Owner::Scheduler(name) => json!({ "kind": "schedule", "name": name }),
        Owner::Replication(name) => json!({ "kind": "replication", "name": name }),
    }
}

/// A resource as JSON: its kind, the names it is made of, its IAM resource type and the
/// description people read.
pub fn resource_json(resource: &Resource) -> Value {
    let (service, kind) = resource.iam_type();
    let mut value = match resource {
        Resource::Bucket(b) => json!({ "kind": "bucket", "bucket": b }),
        Resource::Objects { bucket, prefix } => {
            json!({ "kind": "objects", "bucket": bucket, "prefix": prefix })
        }
        Resource::BucketKey(b) => json!({ "kind": "bucket_key", "bucket": b }),
        Resource::LogStreams(f) => json!({ "kind": "log_streams", "function": f }),
        Resource::Function(f) => json!({ "kind": "function", "function": f }),
        Resource::ExistingFunction { name, arn } => {
            json!({ "kind": "existing_function", "function": name, "arn": arn })
        }
        Resource::Queue(q) => json!({ "kind": "queue", "queue": q }),
        Resource::ScheduleDeadLetters(s) => {
            json!({ "kind": "schedule_dead_letters", "schedule": s })
        }
        Resource::QueueKey(q) => json!({ "kind": "queue_key", "queue": q }),
        Resource::Topic(t) => json!({ "kind": "topic", "topic": t }),
        Resource::TopicKey(t) => json!({ "kind": "topic_key", "topic": t }),
        Resource::ExistingBucket { bucket, arn } => {
            json!({ "kind": "existing_bucket", "bucket": bucket, "arn": arn })
        }
        Resource::ExistingObjects {
            bucket,
            arn,
            prefix,
        } => {
            json!({ "kind": "existing_objects", "bucket": bucket, "arn": arn, "prefix": prefix })
        }
        Resource::ExistingKey { bucket, arn } => {
            json!({ "kind": "existing_key", "bucket": bucket, "arn": arn })
        }
    };
    value["iam_type"] = json!(format!("{service}:{kind}"));
    value["description"] = json!(resource.describe());
    value
}

/// `{"operator": "StringLike", "key": "s3:prefix", "values": [...]}`
pub fn condition_json(condition: &Condition) -> Value {
    json!({ "operator": condition.operator, "key": condition.key, "values": condition.values })
}

/// `{"file": "input.dr", "line": 12, "column": 3}`
pub fn location_json(location: &Location) -> Value {
    json!({ "file": location.file, "line": location.line, "column": location.column })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceMap;

    fn explained(text: &str) -> Explanation {
        let mut sources = SourceMap::new();
        let file = sources.add("dir/input.dr", text);
        let (analyses, diagnostics) = crate::analyze(&sources, crate::date(2026, 11, 24));
        // Warnings (e.g. DR-safety ones) do not matter here; errors would leave no policies.
        assert!(
            !diagnostics.iter().any(crate::Diagnostic::is_error),
            "{diagnostics:?}"
        );
        let _ = file;
        explain(&analyses[0].policies, &sources, FileNames::BaseName)
    }

    const PROGRAM: &str = "bucket backups { versioned = true }\n\
        function backup {\n  runtime = nodejs24.x\n  handler = \"i.h\"\n  code = \"l\"\n  put backups \"daily/\"\n}\n\
        schedule nightly { every = 24h  invoke = backup }\n";

    #[test]
    fn every_action_names_its_declaration() {
        let explanation = explained(PROGRAM);
        let provenance = explanation.roles[0].provenance();
        assert_eq!(
            provenance["BackupsObjectsDaily"]["s3:PutObject"],
            vec!["input.dr:6:3 put backups \"daily/\"".to_owned()]
        );
        assert_eq!(
            provenance["BackupLogs"]["logs:PutLogEvents"],
            vec!["input.dr:2:10 built-in: every function writes its own logs".to_owned()]
        );
    }

    #[test]
    fn filters_by_function() {
        let explanation = explained(PROGRAM);
        let only = explanation.for_function("backup").expect("a role");
        // The function's own role and the role of the schedule that invokes it.
        let owners: Vec<String> = only.roles.iter().map(|r| r.owner.describe()).collect();
        assert_eq!(
            owners,
            [
                "function backup",
                "schedule nightly (assumed by EventBridge Scheduler)"
            ]
        );
        assert!(explanation.for_function("restore").is_none());
        assert_eq!(explanation.function_names(), vec!["backup"]);
    }

    #[test]
    fn json_has_locations_as_objects() {
        let json = explained(PROGRAM).json("input");
        let cause = &json["roles"][0]["statements"][0]["actions"][0]["causes"][0];
        assert_eq!(json["format_version"], 1);
        assert_eq!(cause["location"]["file"], "input.dr");
        assert!(cause["location"]["line"].is_u64());
    }
}
