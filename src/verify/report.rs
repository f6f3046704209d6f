//! What the proof found, for people (`drc verify` text), for tools (`--format json`), and as
//! internal-error diagnostics of `drc build`. Every finding is one concrete request:
//!
//! ```text
//! cloudformation: `backup` may `s3:DeleteObject` on `arn:{partition}:s3:::<bucket backups>/daily/x`, which no declaration entitles
//!     allowed by BackupsObjectsDaily in policy backup-permissions of BackupFunctionRole (dr.cfn.yaml)
//! ```

use super::eval::Decision;
use super::policy::Problem;
use super::universe::Caller;
use serde_json::{Value, json};
use std::fmt::Write as _;

/// The version of the JSON report.
pub const FORMAT_VERSION: u32 = 1;

/// Which policy a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Policy {
    /// What a role may do.
    Identity,
    /// Who may assume a role.
    Trust,
    /// A resource-based policy (bucket, key, topic, queue, Lambda permissions).
    Resource,
}

impl Policy {
    fn word(self) -> &'static str {
        match self {
            Policy::Identity => "identity",
            Policy::Trust => "trust",
            Policy::Resource => "resource",
        }
    }
}

/// How the templates and the entitlement disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// The templates allow (or fail to deny) more than declared.
    OverGrant,
    /// The templates allow less than declared.
    UnderGrant,
    /// The two targets decide the request differently.
    TargetsDiffer,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::OverGrant => "over_grant",
            Kind::UnderGrant => "under_grant",
            Kind::TargetsDiffer => "targets_differ",
        }
    }
}

/// A concrete request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The action.
    pub action: String,
    /// Other actions that behave the same on this request.
    pub also: Vec<String>,
    /// The resource, for people: `arn:{partition}:s3:::<bucket backups>/daily/x`.
    pub resource: String,
    /// Who asks (trust and resource policies).
    pub caller: Option<String>,
    /// The condition keys the deciding statements test: value, or absent.
    pub context: Vec<(String, Option<String>)>,
}

impl Request {
    fn actions_text(&self) -> String {
        let mut text = format!("`{}`", self.action);
        if !self.also.is_empty() {
            let shown: Vec<&str> = self.also.iter().take(4).map(String::as_str).collect();
            let more = self.also.len() - shown.len();
            let _ = write!(text, " (and {}", shown.join(", "));
            if more > 0 {
                let _ = write!(text, " and {more} more");
            }
            text.push(')');
        }
        text
    }

    /// `` `s3:PutObject` on `arn:...` with s3:prefix = `daily/x` ``
    pub fn text(&self) -> String {
        let mut text = format!("{} on `{}`", self.actions_text(), self.resource);
        for (key, value) in &self.context {
            match value {
                Some(value) => {
                    let _ = write!(text, " with {key} = `{value}`");
                }
                None => {
                    let _ = write!(text, " without {key}");
                }
            }
        }
        text
    }

    fn json(&self) -> Value {
        let context: serde_json::Map<String, Value> = self
            .context
            .iter()
            .map(|(k, v)| (k.clone(), v.clone().map_or(Value::Null, Value::String)))
            .collect();
        json!({
            "action": self.action,
            "also_actions": self.also,
            "resource": self.resource,
            "caller": self.caller,
            "context": context,
        })
    }
}

/// Requests on which the templates and the declarations (or the two targets) disagree the
/// same way, for the same statements: one shown, the others kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Over, under, or between targets.
    pub kind: Kind,
    /// `cloudformation`, `terraform`, or `cloudformation and terraform`.
    pub target: String,
    /// Which policy.
    pub policy: Policy,
    /// The role or resource: `` `backup` ``, `` bucket `backups` ``.
    pub subject: String,
    /// The role's owner or the resource's item, as the templates name it.
    pub key: FindingKey,
    /// The request shown.
    pub request: Request,
    /// More requests decided the same way by the same statements.
    pub similar: Vec<Request>,
    /// What the templates decide (left side of a comparison).
    pub actual: Decision,
    /// What should be decided (right side; the other target for [`Kind::TargetsDiffer`]).
    pub expected: Decision,
    /// The statements that decide it in the templates.
    pub decided_by: Vec<String>,
    /// The declarations or rules that decide it in the entitlement (or the other target).
    pub entitled_by: Vec<String>,
}

/// What a finding is about, for mapping it back to the `.dr` file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum FindingKey {
    /// A role, by owner.
    Role(super::policy::Owner),
    /// A resource, by item.
    Resource(super::symbol::Item),
}

/// A decision for people: `allowed`.
pub fn decision(d: Decision) -> &'static str {
    match d {
        Decision::Allow => "allowed",
        Decision::Deny => "denied",
        Decision::Neither => "not allowed",
    }
}

/// A caller for people.
pub fn caller(caller: &Caller, show: impl Fn(&str) -> String) -> String {
    match caller {
        Caller::Anonymous => "anyone (unauthenticated)".to_owned(),
        Caller::Iam { arn, .. } => format!("`{}`", show(arn)),
        Caller::Service(service) => format!("service `{service}`"),
    }
}

impl Finding {
    /// The one-line statement of the finding.
    pub fn headline(&self) -> String {
        let request = self.request.text();
        let caller = self.request.caller.clone().unwrap_or_default();
        let entitled = self.entitled_by.join(" and ");
        let line = match (self.kind, self.policy) {
            (Kind::OverGrant, Policy::Identity) => {
                format!(
                    "{} may {request}, which no declaration entitles",
                    self.subject
                )
            }
            (Kind::UnderGrant, Policy::Identity) => {
                format!(
                    "{} may not {request}, which {entitled} entitles",
                    self.subject
                )
            }
            (Kind::OverGrant, Policy::Trust) => format!(
                "{} can be assumed by {caller} ({request}), which no declaration entitles",
                self.subject,
            ),
            (Kind::UnderGrant, Policy::Trust) => format!(
                "{} cannot be assumed by {caller} ({request}), which {entitled} entitles",
                self.subject,
            ),
            (Kind::OverGrant | Kind::UnderGrant, Policy::Resource) => {
                let does = match self.actual {
                    Decision::Allow => "allows",
                    Decision::Deny => "denies",
                    Decision::Neither if self.expected == Decision::Deny => "does not deny",
                    Decision::Neither => "does not allow",
                };
                let tail = match (self.expected, entitled.is_empty()) {
                    (Decision::Allow, false) => format!("which {entitled} entitles"),
                    (Decision::Deny, false) => format!("which {entitled} requires to deny"),
                    (_, _) if self.actual == Decision::Allow => {
                        "which no declaration entitles".to_owned()
                    }
                    (_, _) => "which no declaration or rule asks for".to_owned(),
                };
                format!(
                    "the policy of {} {does} {request} by {caller}, {tail}",
                    self.subject
                )
            }
            (Kind::TargetsDiffer, _) => {
                let (left, right) = self
                    .target
                    .split_once(" and ")
                    .unwrap_or((&self.target, ""));
                let who = if caller.is_empty() {
                    String::new()
                } else {
                    format!(" by {caller}")
                };
                format!(
                    "{} ({} policy): {request}{who} is {} on {left} but {} on {right}",
                    self.subject,
                    self.policy.word(),
                    decision(self.actual),
                    decision(self.expected),
                )
            }
        };
        match self.similar.len() {
            0 => line,
            1 => format!("{line} (and 1 more request like it)"),
            n => format!("{line} (and {n} more requests like it)"),
        }
    }

    /// The finding as JSON.
    pub fn json(&self) -> Value {
        json!({
            "kind": self.kind.word(),
            "target": self.target,
            "policy": self.policy.word(),
            "subject": self.subject,
            "request": self.request.json(),
            "similar_requests": self.similar.iter().map(Request::json).collect::<Vec<_>>(),
            "decision": decision(self.actual),
            "expected": decision(self.expected),
            "decided_by": self.decided_by,
            "entitled_by": self.entitled_by,
            "message": self.headline(),
        })
    }
}

/// The proof of one stack.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StackReport {
    /// The stack's name.
    pub stack: String,
    /// The targets read: `cloudformation`, `terraform`.
    pub targets: Vec<&'static str>,
    /// The files read.
    pub files: Vec<String>,
    /// Roles compared.
    pub roles: usize,
    /// Resource policies compared.
    pub resource_policies: usize,
    /// Disagreements, each a concrete request.
    pub findings: Vec<Finding>,
    /// What could not be modelled: the proof is withheld.
    pub problems: Vec<Problem>,
}

impl StackReport {
    /// Whether the stack is proven: no finding and nothing unmodelled.
    pub fn proven(&self) -> bool {
        self.findings.is_empty() && self.problems.is_empty()
    }
}

/// The proof of every stack given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// By stack name.
    pub stacks: Vec<StackReport>,
}

/// Findings shown per stack in text; JSON has them all.
const SHOWN: usize = 20;

impl Report {
    /// Whether every stack is proven.
    pub fn proven(&self) -> bool {
        self.stacks.iter().all(StackReport::proven)
    }

    /// The report for people.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for stack in &self.stacks {
            let targets = stack.targets.join(" and ");
            if stack.proven() {
                let _ = writeln!(
                    out,
                    "stack {}: proven on {targets}: {} roles and {} resource policies allow exactly what is declared",
                    stack.stack, stack.roles, stack.resource_policies
                );
                continue;
            }
            let _ = writeln!(
                out,
                "stack {}: NOT proven on {targets}: {} findings, {} problems",
                stack.stack,
                stack.findings.len(),
                stack.problems.len()
            );
            for problem in &stack.problems {
                let _ = writeln!(
                    out,
                    "  cannot model {}: {} ({})",
                    problem.file, problem.message, problem.path
                );
            }
            for finding in stack.findings.iter().take(SHOWN) {
                let _ = writeln!(out, "  {}: {}", finding.target, finding.headline());
                for by in &finding.decided_by {
                    let _ = writeln!(out, "      {} by {by}", decision(finding.actual));
                }
                for by in finding.entitled_by.iter().skip(1) {
                    let _ = writeln!(out, "      also entitled by {by}");
                }
            }
            if stack.findings.len() > SHOWN {
                let _ = writeln!(
                    out,
                    "  ... and {} more (all of them with --format json)",
                    stack.findings.len() - SHOWN
                );
            }
        }
        let failed = self.stacks.iter().filter(|s| !s.proven()).count();
        if failed == 0 {
            let _ = writeln!(out, "proven: {} stacks", self.stacks.len());
        } else {
            let _ = writeln!(out, "not proven: {failed} of {} stacks", self.stacks.len());
        }
        out
    }

    /// The report for tools.
    pub fn json(&self) -> Value {
        json!({
            "format_version": FORMAT_VERSION,
            "proven": self.proven(),
            "action_table": {"source": super::actions::SOURCE, "generated": super::actions::GENERATED},
            "stacks": self.stacks.iter().map(|s| json!({
                "stack": s.stack,
                "targets": s.targets,
                "files": s.files,
                "proven": s.proven(),
                "roles": s.roles,
                "resource_policies": s.resource_policies,
                "findings": s.findings.iter().map(Finding::json).collect::<Vec<_>>(),
                "problems": s.problems.iter().map(|p| json!({
                    "file": p.file, "path": p.path, "message": p.message,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    }
}
