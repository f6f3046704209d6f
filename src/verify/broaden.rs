//! `drc diff` in requests: what the new version of a stack allows that the old one does not,
//! as concrete requests over the same universe the proof uses, most dangerous first.
//!
//! Both sides' entitlements come from their checked programs ([`super::expect`]), which the
//! proof holds equal to what each build writes. Every role's identity and trust policy and
//! every resource policy of the new side is compared with the old side's; a request the new
//! side allows and the old one did not (or that the old side denied and the new one no
//! longer does) is a [`NewRequest`], ranked:
//!
//! 1. destructive: it deletes data, or changes retention, Object Lock, versioning,
//!    replication, lifecycle, a policy or encryption ([`DESTRUCTIVE`]);
//! 2. cross-account or public: anyone or another account may make it, or it names a resource
//!    in an account the ARN spells out (a function or key outside the stack);
//! 3. the rest.
//!
//! ```text
//! ! [deletes] `backup` may `s3:DeleteObject` on `arn:{partition}:s3:::<bucket backups>/x`
//!     <- new.dr:19:3  delete backups
//! ```

use super::eval::{Decision, Evaluator, Question, Resources};
use super::expect::{self, describe_owner};
use super::policy::{Origin, Owner, Reason, ResourcePolicy, Statement};
use super::report::caller;
use super::symbol::{ItemKind, Symbol, Symbols, glob_ignore_case};
use super::universe::{Caller, catalog};
use crate::check::model::Program;
use crate::iam::diff::{NewRequest, Rank};
use crate::source::SourceMap;
use serde_json::{Value, json};
use std::fmt::Write as _;

/// Actions that destroy data or weaken its protection, with the word a report shows:
/// deletions; retention, Object Lock, versioning and replication; lifecycle; policies;
/// encryption. Patterns as IAM writes them.
pub const DESTRUCTIVE: &[(&str, &str)] = &[
    ("*:Delete*", "deletes"),
    ("sqs:PurgeQueue", "deletes"),
    ("kms:ScheduleKeyDeletion", "deletes"),
    ("s3:PutObjectRetention", "retention"),
    ("s3:PutObjectLegalHold", "retention"),
    ("s3:BypassGovernanceRetention", "retention"),
    ("logs:PutRetentionPolicy", "retention"),
    ("s3:PutBucketObjectLockConfiguration", "lock"),
    ("s3:PutBucketVersioning", "versioning"),
    ("s3:PutReplicationConfiguration", "replication"),
    ("s3:PutLifecycleConfiguration", "lifecycle"),
    ("*:Put*Policy", "policy"),
    ("kms:PutKeyPolicy", "policy"),
    ("s3:PutEncryptionConfiguration", "encryption"),
    ("kms:Disable*", "encryption"),
];

/// One side of a comparison: a checked stack and the files it came from.
pub type Side<'a> = (&'a Program, &'a SourceMap);

/// The requests `new` allows that `old` does not (either may be missing: a stack added or
/// removed), ranked and grouped by cause.
pub fn requests(old: Option<Side<'_>>, new: Option<Side<'_>>) -> Vec<NewRequest> {
    let mut symbols = Symbols::new();
    let expected = |side: Option<Side<'_>>, symbols: &mut Symbols| {
        side.map(|(program, sources)| expect::from_program(program, sources, symbols))
            .unwrap_or_default()
    };
    let before = expected(old, &mut symbols);
    let after = expected(new, &mut symbols);
    let mut evaluator = Evaluator::new(false);
    let mut out = Collected::default();
    let empty: Vec<Statement> = Vec::new();
    for (owner, role) in &after.roles {
        let old_role = before.roles.get(owner);
        let subject = match owner {
            Owner::Function(_) => format!(
                "`{}`",
                describe_owner(owner, &symbols).trim_start_matches("function ")
            ),
            _ => format!("the role of {}", describe_owner(owner, &symbols)),
        };
        let role_arn = format!(
            "arn:{}:iam::{}:role/{}",
            symbols.text(Symbol::Partition),
            symbols.text(Symbol::Account),
            symbols.item(ItemKind::Role, &describe_owner(owner, &symbols))
        );
        let questions = [
            (
                subject.clone(),
                Question {
                    left: &role.identity,
                    right: old_role.map_or(&empty, |r| &r.identity),
                    services: super::actions::SERVICES,
                    resources: Resources::Open,
                    callers: false,
                    tri_state: false,
                },
            ),
            (
                format!("the role of {}", describe_owner(owner, &symbols)),
                Question {
                    left: &role.trust,
                    right: old_role.map_or(&empty, |r| &r.trust),
                    services: &["sts"],
                    resources: Resources::Within(&role_arn),
                    callers: true,
                    tri_state: false,
                },
            ),
        ];
        let role = describe_owner(owner, &symbols);
        for (subject, question) in questions {
            let plain = (subject.as_str(), role.as_str());
            collect(&mut out, plain, &question, &mut evaluator, &mut symbols);
        }
    }
    let none = ResourcePolicy::default();
    for (item, policy) in &after.resource_policies {
        let old_policy = before.resource_policies.get(item).unwrap_or(&none);
        let services: &[&str] = match item.kind {
            ItemKind::Bucket => &["s3"],
            ItemKind::BucketKey | ItemKind::QueueKey | ItemKind::TopicKey => &["kms"],
            ItemKind::Queue | ItemKind::ScheduleQueue => &["sqs"],
            ItemKind::Topic => &["sns"],
            _ => &["lambda"],
        };
        let subject = format!(
            "the policy of {} {}",
            item_word(item.kind),
            symbols.display_name(item)
        );
        let question = Question {
            left: &policy.statements,
            right: &old_policy.statements,
            services,
            resources: Resources::Within(&policy.arn),
            callers: true,
            tri_state: true,
        };
        collect(
            &mut out,
            (&subject, &subject),
            &question,
            &mut evaluator,
            &mut symbols,
        );
    }
    let mut requests = out.requests;
    requests.sort_by_key(|r| r.rank);
    requests
}

/// A group of requests: rank, why, subject, actions, causes.
type Group = (Rank, &'static str, String, Vec<&'static str>, Vec<String>);

/// Requests found so far, one per group.
#[derive(Default)]
struct Collected {
    requests: Vec<NewRequest>,
    groups: Vec<Group>,
}

fn item_word(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Bucket => "bucket",
        ItemKind::BucketKey => "the key of bucket",
        ItemKind::QueueKey => "the key of queue",
        ItemKind::TopicKey => "the key of topic",
        ItemKind::Queue => "queue",
        ItemKind::ScheduleQueue => "the dead-letter queue of schedule",
        ItemKind::Topic => "topic",
        _ => "function",
    }
}

/// The rank of an action, and why.
fn rank_of(action: &str) -> Option<&'static str> {
    DESTRUCTIVE
        .iter()
        .find(|(pattern, _)| glob_ignore_case(pattern, action))
        .map(|(_, why)| *why)
}

/// The newly allowed requests of one comparison (left: new, right: old), grouped by rank,
/// subject, actions and causes. `subject` is the role or resource for people, `plain` the
/// same for tools (`function backup`).
fn collect(
    out: &mut Collected,
    (subject, plain): (&str, &str),
    question: &Question,
    evaluator: &mut Evaluator,
    symbols: &mut Symbols,
) {
    let Ok(differences) = evaluator.compare(question, symbols) else {
        return;
    };
    let catalog = catalog();
    let own_account = symbols.text(Symbol::Account);
    for d in differences {
        let newly_allowed = d.left == Decision::Allow && d.right != Decision::Allow;
        let no_longer_denied = d.right == Decision::Deny && d.left != Decision::Deny;
        if !newly_allowed && !no_longer_denied {
            continue;
        }
        let resource = symbols.show(&d.resource);
        // Public or cross-account: the caller, or the account the resource's ARN names.
        let outside = match &d.caller {
            Some(Caller::Anonymous) => Some("public"),
            Some(Caller::Iam { account, .. }) if *account != own_account => Some("cross-account"),
            _ => d
                .resource
                .split(':')
                .nth(4)
                .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
                .map(|_| "cross-account"),
        };
        let causes: Vec<String> = d
            .left_by
            .iter()
            .map(|&i| match &question.left[i].origin {
                Origin::Entitled(Reason::Declared { location, text }) => {
                    format!(
                        "{location}  {}",
                        text.split_whitespace().collect::<Vec<_>>().join(" ")
                    )
                }
                origin => origin.describe(),
            })
            .collect();
        let causes = if no_longer_denied && causes.is_empty() {
            d.right_by
                .iter()
                .map(|&i| format!("no longer: {}", question.right[i].origin.describe()))
                .collect()
        } else {
            causes
        };
        // Split the class's actions by rank: one request per rank.
        let mut groups: Vec<(Rank, &'static str, Vec<&'static str>)> = Vec::new();
        for &a in &d.actions {
            let name = catalog.actions[a].name;
            let (rank, why) = match (rank_of(name), outside) {
                (Some(why), _) => (Rank::Destructive, why),
                (None, Some(why)) => (Rank::CrossAccountOrPublic, why),
                (None, None) => (Rank::Other, ""),
            };
            match groups.iter_mut().find(|(r, w, _)| *r == rank && *w == why) {
                Some(group) => group.2.push(name),
                None => groups.push((rank, why, vec![name])),
            }
        }
        for (rank, why, actions) in groups {
            let who = d.caller.as_ref().map(|c| caller(c, |t| symbols.show(t)));
            // The keys the statements in play for this request test, spelled as written.
            let considered = d.considered.iter().map(|&i| match question.left.get(i) {
                Some(statement) => statement,
                None => &question.right[i - question.left.len()],
            });
            let written: Vec<(&str, &str)> = considered
                .flat_map(|s| s.conditions.iter())
                .map(|c| (c.key.as_str(), c.name.as_str()))
                .collect();
            let context: Vec<(String, Option<String>)> = d
                .context
                .iter()
                .filter_map(|(k, v)| {
                    let (_, name) = written.iter().find(|(key, _)| key == k)?;
                    Some(((*name).to_owned(), v.as_ref().map(|v| symbols.show(v))))
                })
                .collect();
            let mut request = format!("`{}`", actions[0]);
            if actions.len() > 1 {
                let shown: Vec<&str> = actions[1..].iter().take(4).copied().collect();
                let _ = write!(request, " (and {}", shown.join(", "));
                if actions.len() - 1 > shown.len() {
                    let _ = write!(request, " and {} more", actions.len() - 1 - shown.len());
                }
                request.push(')');
            }
            let _ = write!(request, " on `{resource}`");
            for (key, value) in &context {
                let _ = match value {
                    Some(value) => write!(request, " with {key} = `{value}`"),
                    None => write!(request, " without {key}"),
                };
            }
            let text = match (&who, no_longer_denied && !newly_allowed) {
                (Some(who), true) => format!("{subject} no longer denies {request} by {who}"),
                (Some(who), false) => format!("{subject} lets {who} make {request}"),
                (None, _) => format!("{subject} may {request}"),
            };
            let group = (
                rank,
                why,
                subject.to_owned(),
                actions.clone(),
                causes.clone(),
            );
            if let Some(at) = out.groups.iter().position(|g| *g == group) {
                out.requests[at].similar += 1;
                continue;
            }
            out.groups.push(group);
            out.requests.push(NewRequest {
                rank,
                why: why.to_owned(),
                text,
                similar: 0,
                causes: causes.clone(),
                json: json!({
                    "subject": plain,
                    "action": actions[0],
                    "also_actions": actions[1..],
                    "resource": resource,
                    "caller": who,
                    "context": context.iter().map(|(k, v)| (k.clone(), v.clone().map_or(Value::Null, Value::String))).collect::<serde_json::Map<_, _>>(),
                }),
            });
        }
    }
}
