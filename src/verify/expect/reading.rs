//! The entitlement the templates of one target record (what `drc verify` proves them
//! against): the verb declarations from the provenance beside each role, the built-in rules
//! from the resources the templates create, and the ARNs of items outside the stack learned
//! from the statements their declarations cause.

use super::{
    Expected, ExpectedRole, Key, Target, allow, bucket_policy, dead_letters_arn, describe_owner,
    key_policy, replication, rules, trust, verb, via_of_arn,
};
use crate::check::model::{Kind, Verb};
use crate::iam::actions::{self, Scope};
use crate::verify::policy::{Origin, Owner, Problem, Reading, Reason, ResourcePolicy, cause};
use crate::verify::symbol::{Item, ItemKind, Symbol, Symbols, has_wildcard};
use std::collections::BTreeMap;

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
                    // Only the schedule's own queue: another queue named there is refused.
                    let own = dead_letters_arn(stem, symbols);
                    match &schedule.dead_letter {
                        Some(arn) if *arn == own => identity.push(allow(
                            actions::SCHEDULE_DEAD_LETTER_ACTIONS,
                            own,
                            None,
                            &Reason::Rule {
                                rule: rules::SCHEDULE_DEAD_LETTERS,
                                subject: subject.clone(),
                            },
                        )),
                        Some(arn) => problem(
                            role.id.clone(),
                            format!(
                                "{subject} sends the runs it failed to invoke to {}, which is not its own dead-letter queue",
                                symbols.show(arn)
                            ),
                        ),
                        None => {}
                    }
                }
            }
            Owner::Replication(stem) => {
                let (Some(source), Some(bucket)) = (bucket_target(stem), facts.buckets.get(stem))
                else {
                    continue;
                };
                let Some((_, destinations)) = &bucket.replication else {
                    continue;
                };
                let replicas: Vec<(Target, bool)> = destinations
                    .iter()
                    .map(|destination| {
                        let replica_facts =
                            facts.buckets.values().find(|b| b.arn == destination.arn);
                        let key = destination
                            .key
                            .clone()
                            .or_else(|| replica_facts.and_then(|b| b.key.clone()))
                            .map(|arn| {
                                let via = match replica_facts {
                                    Some(b) => format!("s3.{}.amazonaws.com", b.region),
                                    // A replica outside the stack: its key's region, from its ARN.
                                    None => via_of_arn("s3", &arn, symbols),
                                };
                                Key { arn, via }
                            });
                        let replica = Target::Bucket {
                            arn: destination.arn.clone(),
                            key,
                        };
                        (replica, destination.owner_override)
                    })
                    .collect();
                let name = symbols.display_name(&Item {
                    kind: ItemKind::Bucket,
                    stem: stem.clone(),
                });
                replication(
                    &mut identity,
                    &source,
                    &replicas,
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
                let key = facts
                    .buckets
                    .values()
                    .find(|b| b.arn == policy.arn)
                    .and_then(|b| b.key.as_deref());
                bucket_policy(
                    &policy.arn,
                    key,
                    &format!("bucket {name}"),
                    &sources,
                    symbols,
                )
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
    use super::{Verb, declaration};

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
