//! Reviewing changes: what a change to `.dr` files does to permissions and to the safety of
//! the data, and whether any of it broadens what is allowed.
//!
//! Stacks are matched by name (two files given directly are one stack), roles by owner,
//! buckets by name. Inside a role every (action, resource, condition) grant of
//! the new side is compared with the old side's grants of the same action: a grant that no
//! old grant covers broadens, either by widening an old one (`put backups "daily/2024/"`
//! became `put backups "daily/"`) or as a new one. The reverse gives what was narrowed or
//! removed. A new role that may invoke a function (a schedule's, say) is a new grant and
//! broadens; so do buckets that lose a protection (see
//! [`Weakening`]). The verify stage adds the concrete requests the new side newly allows,
//! ranked ([`NewRequest`]).
//!
//! ```text
//! stack disaster_recovery
//!   role of function backup
//!     + s3:DeleteObject on all objects of bucket backups
//!         <- new.dr:24:3  delete backups
//! ```

use super::explain::{
    ActionExplanation, CauseExplanation, Explanation, FORMAT_VERSION, FileNames, Location,
    RoleExplanation, condition_json, describe_condition, location_json, owner_json, resource_json,
};
use super::weakening::bucket_changes;
pub use super::weakening::{BucketChange, Weakening};
use super::{Condition, Owner, Policies, Resource};
use crate::check::model::{Bucket, Program};
use crate::source::SourceMap;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// One side of a comparison: a checked stack and the explanation of its policies.
#[derive(Debug, Clone)]
pub struct Side<'a> {
    /// The checked program.
    pub program: &'a Program,
    /// Its policies with their causes.
    pub explanation: Explanation,
    sources: &'a SourceMap,
    names: FileNames,
}

impl<'a> Side<'a> {
    /// A checked program, its policies, and the files they came from, named as `names` says.
    pub fn new(
        program: &'a Program,
        policies: &Policies,
        sources: &'a SourceMap,
        names: FileNames,
    ) -> Self {
        Side {
            program,
            explanation: super::explain::explain(policies, sources, names),
            sources,
            names,
        }
    }
}

/// Everything that changed between two sets of stacks, stack by stack (sorted by name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    /// Every stack of either side.
    pub stacks: Vec<StackDiff>,
}

/// The changes of one stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackDiff {
    /// The stack's name.
    pub stack: String,
    /// Whether it exists on both sides.
    pub status: Status,
    /// Roles whose permissions changed.
    pub roles: Vec<RoleDiff>,
    /// Protections of buckets that changed.
    pub buckets: Vec<BucketChange>,
    /// The requests the new side allows and the old side does not, most dangerous first. The
    /// verify stage, which knows requests, fills them in (`crate::verify::broaden`).
    pub requests: Vec<NewRequest>,
}

/// How dangerous a newly allowed request is, most dangerous first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    /// It deletes data, or changes retention, Object Lock, lifecycle, a policy or encryption.
    Destructive,
    /// Another account, or anyone, may make it; or it reaches into another account.
    CrossAccountOrPublic,
    /// Everything else.
    Other,
}

impl Rank {
    /// The stable name in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Rank::Destructive => "destructive",
            Rank::CrossAccountOrPublic => "cross_account_or_public",
            Rank::Other => "other",
        }
    }
}

/// A request the new side allows and the old side does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    /// How dangerous it is.
    pub rank: Rank,
    /// Why it ranks so: `deletes`, `lock`, `public`, ...; empty for [`Rank::Other`].
    pub why: String,
    /// The request for people: `` `backup` may `s3:DeleteObject` on `arn:...` ``.
    pub text: String,
    /// More requests of the same kind, from the same causes.
    pub similar: usize,
    /// What allows it on the new side: `new.dr:19:3  delete backups`, or a built-in rule.
    pub causes: Vec<String>,
    /// The request as JSON (`subject`, `action`, `also_actions`, `resource`, `caller`,
    /// `context`).
    pub json: Value,
}

/// Whether something exists on the old side, the new side or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Only in NEW.
    Added,
    /// Only in OLD.
    Removed,
    /// In both, with changes.
    Changed,
    /// In both, the same.
    Unchanged,
}

impl Status {
    fn word(self) -> &'static str {
        match self {
            Status::Added => "added",
            Status::Removed => "removed",
            Status::Changed => "changed",
            Status::Unchanged => "unchanged",
        }
    }
}

/// The permission changes of one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleDiff {
    /// Who assumes the role.
    pub owner: Owner,
    /// Added, removed or changed.
    pub status: Status,
    /// What changed, sorted by kind, then resource.
    pub changes: Vec<GrantChange>,
}

/// What an action is granted on: a resource under an optional condition.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Grant {
    /// The resource.
    pub resource: Resource,
    /// The condition.
    pub condition: Option<Condition>,
}

/// How a grant changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// Actions granted on something no old grant of theirs covered.
    Added,
    /// Actions now granted on something wider than before ([`GrantChange::from`]).
    Widened,
    /// Actions now granted on something narrower than before.
    Narrowed,
    /// Actions no longer granted at all on [`GrantChange::grant`].
    Removed,
}

impl ChangeKind {
    /// Whether the change allows more than before.
    pub fn broadens(self) -> bool {
        matches!(self, ChangeKind::Added | ChangeKind::Widened)
    }

    fn word(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Widened => "widened",
            ChangeKind::Narrowed => "narrowed",
            ChangeKind::Removed => "removed",
        }
    }

    fn sign(self) -> &'static str {
        match self {
            ChangeKind::Added => "+",
            ChangeKind::Widened => "+~",
            ChangeKind::Narrowed => "-~",
            ChangeKind::Removed => "-",
        }
    }
}

/// Some actions whose grant changed the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantChange {
    /// How.
    pub kind: ChangeKind,
    /// The grant as it is now (for [`ChangeKind::Removed`]: as it was).
    pub grant: Grant,
    /// What it was, for widened and narrowed grants.
    pub from: Option<Grant>,
    /// The actions, sorted, with their causes on the side that has the grant.
    pub actions: Vec<ActionExplanation>,
}

/// Compares two versions of one stack, whatever each is named (two files given directly).
pub fn diff_pair(old: &Side<'_>, new: &Side<'_>) -> Diff {
    Diff {
        stacks: vec![stack_diff(&new.program.stack.name, Some(old), Some(new))],
    }
}

/// Compares two sets of stacks, matched by stack name (two directories).
pub fn diff(old: &[Side<'_>], new: &[Side<'_>]) -> Diff {
    let by_name = |sides: &[Side<'_>]| -> BTreeMap<String, usize> {
        sides
            .iter()
            .enumerate()
            .map(|(i, s)| (s.program.stack.name.clone(), i))
            .collect()
    };
    let (old_names, new_names) = (by_name(old), by_name(new));
    let names: BTreeSet<&String> = old_names.keys().chain(new_names.keys()).collect();
    let stacks = names
        .into_iter()
        .map(|name| {
            let before = old_names.get(name).map(|&i| &old[i]);
            let after = new_names.get(name).map(|&i| &new[i]);
            stack_diff(name, before, after)
        })
        .collect();
    Diff { stacks }
}

fn stack_diff(name: &str, old: Option<&Side<'_>>, new: Option<&Side<'_>>) -> StackDiff {
    let empty = Explanation { roles: Vec::new() };
    let old_expl = old.map_or(&empty, |s| &s.explanation);
    let new_expl = new.map_or(&empty, |s| &s.explanation);

    let (old_roles, new_roles) = (roles_by_owner(old_expl), roles_by_owner(new_expl));
    let owners: BTreeSet<&Owner> = old_roles.keys().chain(new_roles.keys()).copied().collect();
    let roles = owners
        .into_iter()
        .filter_map(|owner| {
            let before = old_roles.get(owner).copied();
            let after = new_roles.get(owner).copied();
            let changes = grant_changes(
                &grants(before.map(|r| &r.statements[..]).unwrap_or_default()),
                &grants(after.map(|r| &r.statements[..]).unwrap_or_default()),
            );
            let status = match (before, after) {
                (None, _) => Status::Added,
                (_, None) => Status::Removed,
                _ if changes.is_empty() => return None,
                _ => Status::Changed,
            };
            Some(RoleDiff {
                owner: owner.clone(),
                status,
                changes,
            })
        })
        .collect();

    let mut buckets = Vec::new();
    if let (Some(old), Some(new)) = (old, new) {
        for after in new.program.buckets() {
            if let Some(before) = old.program.find_bucket(&after.name) {
                buckets.extend(bucket_changes(before, after, &locate(new, after)));
            }
        }
    }

    let mut diff = StackDiff {
        stack: name.to_owned(),
        status: match (old, new) {
            (None, _) => Status::Added,
            (_, None) => Status::Removed,
            _ => Status::Unchanged,
        },
        roles,
        buckets,
        requests: Vec::new(),
    };
    if diff.status == Status::Unchanged && diff.has_changes() {
        diff.status = Status::Changed;
    }
    diff
}

/// An explanation's roles by owner (an owner's first role, should it have several).
fn roles_by_owner(explanation: &Explanation) -> BTreeMap<&Owner, &RoleExplanation> {
    let mut roles = BTreeMap::new();
    for role in &explanation.roles {
        roles.entry(&role.owner).or_insert(role);
    }
    roles
}

/// Each action's grants, with the action's causes on each.
type Grants<'e> = BTreeMap<&'static str, BTreeMap<Grant, &'e ActionExplanation>>;

fn grants(statements: &[super::explain::StatementExplanation]) -> Grants<'_> {
    let mut grants: Grants<'_> = BTreeMap::new();
    for statement in statements {
        let grant = Grant {
            resource: statement.resource.clone(),
            condition: statement.condition.clone(),
        };
        for action in &statement.actions {
            grants
                .entry(action.name)
                .or_default()
                .insert(grant.clone(), action);
        }
    }
    grants
}

fn grant_changes(old: &Grants<'_>, new: &Grants<'_>) -> Vec<GrantChange> {
    let mut grouped: BTreeMap<(ChangeKind, Grant, Option<Grant>), Vec<ActionExplanation>> =
        BTreeMap::new();
    let none = BTreeMap::new();
    let actions: BTreeSet<&&str> = old.keys().chain(new.keys()).collect();
    for &&action in &actions {
        let before = old.get(action).unwrap_or(&none);
        let after = new.get(action).unwrap_or(&none);
        for (grant, explained) in after {
            if before.keys().any(|o| covers(o, grant)) {
                continue;
            }
            let from = before.keys().find(|o| covers(grant, o)).cloned();
            let kind = if from.is_some() {
                ChangeKind::Widened
            } else {
                ChangeKind::Added
            };
            grouped
                .entry((kind, grant.clone(), from))
                .or_default()
                .push((*explained).clone());
        }
        for (grant, explained) in before {
            if after.keys().any(|n| covers(n, grant)) {
                continue;
            }
            match after.keys().find(|n| covers(grant, n)) {
                Some(narrower) => grouped
                    .entry((ChangeKind::Narrowed, narrower.clone(), Some(grant.clone())))
                    .or_default()
                    .push((*after[narrower]).clone()),
                None => grouped
                    .entry((ChangeKind::Removed, grant.clone(), None))
                    .or_default()
                    .push((*explained).clone()),
            }
        }
    }
    grouped
        .into_iter()
        .map(|((kind, grant, from), actions)| GrantChange {
            kind,
            grant,
            from,
            actions,
        })
        .collect()
}

/// Whether everything `narrow` allows, `wide` allows too (for the same action).
fn covers(wide: &Grant, narrow: &Grant) -> bool {
    match (&wide.resource, &narrow.resource) {
        (
            Resource::Objects {
                bucket: a,
                prefix: p,
            },
            Resource::Objects {
                bucket: b,
                prefix: q,
            },
        ) => a == b && q.starts_with(p.as_str()) && wide.condition == narrow.condition,
        (w, n) if w == n => match (&wide.condition, &narrow.condition) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(w), Some(n)) => {
                w.operator == n.operator
                    && w.key == n.key
                    && n.values
                        .iter()
                        .all(|v| w.values.iter().any(|wv| value_covers(w.operator, wv, v)))
            }
        },
        _ => false,
    }
}

/// Whether a condition value allows everything another one does: equal, or for
/// `StringLike` a `prefix*` pattern that the other pattern starts with.
fn value_covers(operator: &str, wide: &str, narrow: &str) -> bool {
    if wide == narrow {
        return true;
    }
    match wide.strip_suffix('*') {
        Some(prefix) if operator == "StringLike" && !prefix.contains(['*', '?']) => {
            narrow.starts_with(prefix)
        }
        _ => false,
    }
}

/// Where a bucket is declared.
fn locate(side: &Side<'_>, bucket: &Bucket) -> Location {
    let file = side.sources.get(bucket.span.file);
    let (line, column) = file.line_col(bucket.span.start as usize);
    Location {
        file: side.names.show(&file.name).to_owned(),
        line,
        column,
    }
}

impl StackDiff {
    fn has_changes(&self) -> bool {
        !self.roles.is_empty() || !self.buckets.is_empty() || !self.requests.is_empty()
    }

    /// Sets the requests newly allowed (sorted, most dangerous first); a stack without other
    /// changes becomes changed.
    pub fn set_requests(&mut self, mut requests: Vec<NewRequest>) {
        requests.sort_by_key(|r| r.rank);
        self.requests = requests;
        if self.status == Status::Unchanged && self.has_changes() {
            self.status = Status::Changed;
        }
    }

    /// Whether anything in the stack allows more than before.
    pub fn broadens(&self) -> bool {
        self.roles
            .iter()
            .flat_map(|r| &r.changes)
            .any(|c| c.kind.broadens())
            || self.buckets.iter().any(|b| b.change.broadens())
            || !self.requests.is_empty()
    }
}

impl Diff {
    /// Whether anything allows more than before: `drc diff` then exits with status 3.
    pub fn broadens(&self) -> bool {
        self.stacks.iter().any(StackDiff::broadens)
    }

    /// The report for people.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for stack in &self.stacks {
            if stack.status == Status::Unchanged {
                let _ = writeln!(out, "stack {}: no change", stack.stack);
                continue;
            }
            let _ = writeln!(out, "stack {} ({})", stack.stack, stack.status.word());
            for role in &stack.roles {
                let _ = writeln!(
                    out,
                    "  role of {} ({})",
                    role.owner.describe(),
                    role.status.word()
                );
                for change in &role.changes {
                    let names: Vec<&str> = change.actions.iter().map(|a| a.name).collect();
                    let _ = writeln!(
                        out,
                        "    {} {} {} on {}",
                        change.kind.sign(),
                        change.kind.word(),
                        names.join(", "),
                        describe_grant(&change.grant)
                    );
                    if let Some(from) = &change.from {
                        let _ = writeln!(out, "        was on {}", describe_grant(from));
                    }
                    for action in &change.actions {
                        for cause in &action.causes {
                            let _ = writeln!(
                                out,
                                "        {}  <- {}  {}",
                                action.name,
                                cause.location,
                                cause.text()
                            );
                        }
                    }
                }
            }
            for change in &stack.buckets {
                let sign = if change.change.broadens() { "!" } else { " " };
                let _ = writeln!(
                    out,
                    "  {sign} bucket {} {} ({} -> {})  <- {}",
                    change.bucket,
                    change.change.describe(),
                    change.before,
                    change.after,
                    change.location
                );
            }
            if !stack.requests.is_empty() {
                let _ = writeln!(out, "  requests newly allowed, most dangerous first:");
            }
            for request in &stack.requests {
                let sign = if request.rank == Rank::Other {
                    "+"
                } else {
                    "!"
                };
                let why = if request.why.is_empty() {
                    String::new()
                } else {
                    format!("[{}] ", request.why)
                };
                let more = match request.similar {
                    0 => String::new(),
                    1 => " (and 1 more request like it)".to_owned(),
                    n => format!(" (and {n} more requests like it)"),
                };
                let _ = writeln!(out, "    {sign} {why}{}{more}", request.text);
                for cause in &request.causes {
                    let _ = writeln!(out, "        <- {cause}");
                }
            }
        }
        let broadening = self.stacks.iter().filter(|s| s.broadens()).count();
        if broadening == 0 {
            let _ = writeln!(out, "nothing broadens");
        } else {
            let _ = writeln!(
                out,
                "permissions or protections broaden in {broadening} stack{}",
                if broadening == 1 { "" } else { "s" }
            );
        }
        out
    }

    /// The report for tools: see "Reviewing changes" in `docs/permissions.md`.
    pub fn json(&self) -> Value {
        json!({
            "format_version": FORMAT_VERSION,
            "broadens": self.broadens(),
            "stacks": self.stacks.iter().map(StackDiff::json).collect::<Vec<_>>(),
        })
    }
}

impl StackDiff {
    fn json(&self) -> Value {
        json!({
            "stack": self.stack,
            "status": self.status.word(),
            "broadens": self.broadens(),
            "roles": self.roles.iter().map(|role| json!({
                "owner": owner_json(&role.owner),
                "role": role.owner.describe(),
                "status": role.status.word(),
                "changes": role.changes.iter().map(|c| json!({
                    "change": c.kind.word(),
                    "broadens": c.kind.broadens(),
                    "resource": resource_json(&c.grant.resource),
                    "condition": c.grant.condition.as_ref().map(condition_json),
                    "from": c.from.as_ref().map(|from| json!({
                        "resource": resource_json(&from.resource),
                        "condition": from.condition.as_ref().map(condition_json),
                    })),
                    "actions": c.actions.iter().map(|a| json!({
                        "action": a.name,
                        "causes": a.causes.iter().map(cause_json).collect::<Vec<_>>(),
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "buckets": self.buckets.iter().map(|b| json!({
                "bucket": b.bucket,
                "change": b.change.name(),
                "broadens": b.change.broadens(),
                "description": b.change.describe(),
                "before": b.before,
                "after": b.after,
                "location": location_json(&b.location),
            })).collect::<Vec<_>>(),
            "requests": self.requests.iter().map(|r| json!({
                "rank": r.rank.name(),
                "why": r.why,
                "request": r.json,
                "similar": r.similar,
                "causes": r.causes,
                "message": r.text,
            })).collect::<Vec<_>>(),
        })
    }
}

fn cause_json(cause: &CauseExplanation) -> Value {
    json!({
        "kind": if cause.rule.is_some() { "rule" } else { "declaration" },
        "location": location_json(&cause.location),
        "text": cause.text(),
    })
}

fn describe_grant(grant: &Grant) -> String {
    match &grant.condition {
        Some(c) => format!("{} if {}", grant.resource.describe(), describe_condition(c)),
        None => grant.resource.describe(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceMap;

    /// Diffs two programs given as text (each with one function `f` and a bucket `b`).
    fn changes(old: &str, new: &str) -> Diff {
        let head = "bucket b { versioned = true }\nfunction f {\n  runtime = nodejs24.x\n  handler = \"i.h\"\n  code = \"l\"\n  env { BUCKET = b.name }\n";
        // Both are stack `old`, so they are matched by name.
        let mut old_sources = SourceMap::new();
        old_sources.add("old.dr", format!("{head}{old}\n}}\n"));
        let mut new_sources = SourceMap::new();
        new_sources.add("new.dr", format!("stack old {{}}\n{head}{new}\n}}\n"));
        let today = crate::date(2026, 11, 24);
        let (a, da) = crate::analyze(&old_sources, today);
        let (b, db) = crate::analyze(&new_sources, today);
        let error = |d: &crate::Diagnostic| d.is_error();
        assert!(
            !da.iter().any(error) && !db.iter().any(error),
            "{da:?} {db:?}"
        );
        let old = Side::new(
            &a[0].program,
            &a[0].policies,
            &old_sources,
            FileNames::AsGiven,
        );
        let new = Side::new(
            &b[0].program,
            &b[0].policies,
            &new_sources,
            FileNames::AsGiven,
        );
        diff(&[old], &[new])
    }

    fn kinds(diff: &Diff) -> Vec<(ChangeKind, Vec<&'static str>)> {
        diff.stacks
            .iter()
            .flat_map(|s| &s.roles)
            .flat_map(|r| &r.changes)
            .map(|c| (c.kind, c.actions.iter().map(|a| a.name).collect()))
            .collect()
    }

    #[test]
    fn lifting_a_list_prefix_widens_and_adding_one_narrows() {
        let lifted = changes("  list b \"in/\"", "  list b");
        assert_eq!(
            kinds(&lifted),
            vec![(ChangeKind::Widened, vec!["s3:ListBucket"])]
        );
        assert!(lifted.broadens());
        let narrowed = changes("  list b", "  list b \"in/\"");
        assert_eq!(
            kinds(&narrowed),
            vec![(ChangeKind::Narrowed, vec!["s3:ListBucket"])]
        );
        assert!(!narrowed.broadens());
    }

    #[test]
    fn a_second_list_prefix_widens_but_a_sub_prefix_does_not() {
        let more = changes("  list b \"in/\"", "  list b \"in/\"\n  list b \"out/\"");
        assert_eq!(
            kinds(&more),
            vec![(ChangeKind::Widened, vec!["s3:ListBucket"])]
        );
        let sub = changes("  list b \"in/\"", "  list b \"in/\"\n  list b \"in/x/\"");
        assert!(!sub.broadens(), "{}", sub.text());
    }

    #[test]
    fn a_prefix_on_another_bucket_path_is_added_not_widened() {
        let other = changes("  put b \"daily/\"", "  put b \"weekly/\"");
        assert_eq!(
            kinds(&other),
            vec![
                (ChangeKind::Added, vec!["s3:PutObject"]),
                (ChangeKind::Removed, vec!["s3:PutObject"])
            ]
        );
    }

    #[test]
    fn moving_lines_changes_nothing() {
        let same = changes("  read b\n  put b \"x/\"", "  put b \"x/\"\n  read b");
        assert_eq!(same.stacks[0].status, Status::Unchanged);
        assert!(!same.broadens());
    }
}
