//! The entitlement of a checked program: every declaration and built-in rule of the
//! `.dr` file, each as the statements it entitles (what `drc build` proves its outputs
//! against).

use super::{
    Expected, ExpectedRole, Key, Target, allow, bucket_policy, dead_letters_arn, key_policy,
    markers, replication, rules, trust, verb, via_of_arn,
};
use crate::check::model::{Encryption, Kind, Program, QueueEncryption, TextPart, Verb};
use crate::iam::actions::{self};
use crate::names::logical_stem;
use crate::source::{SourceMap, Span};
use crate::verify::policy::{Owner, Reason, ResourcePolicy};
use crate::verify::symbol::{Item, ItemKind, Symbol, Symbols};
use std::collections::BTreeMap;

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
                .buckets()
                .iter()
                .map(|b| b.name.as_str())
                .collect::<Vec<_>>(),
        ),
        (
            ItemKind::BucketKey,
            program.buckets().iter().map(|b| b.name.as_str()).collect(),
        ),
        (
            ItemKind::Function,
            program
                .functions()
                .iter()
                .map(|f| f.name.as_str())
                .collect(),
        ),
        (
            ItemKind::LogGroup,
            program
                .functions()
                .iter()
                .map(|f| f.name.as_str())
                .collect(),
        ),
        (
            ItemKind::Schedule,
            program
                .schedules()
                .iter()
                .map(|s| s.name.as_str())
                .collect(),
        ),
        (
            ItemKind::ScheduleQueue,
            program
                .schedules()
                .iter()
                .map(|s| s.name.as_str())
                .collect(),
        ),
        (
            ItemKind::Queue,
            program.queues().iter().map(|q| q.name.as_str()).collect(),
        ),
        (
            ItemKind::QueueKey,
            program.queues().iter().map(|q| q.name.as_str()).collect(),
        ),
        (
            ItemKind::Topic,
            program.topics().iter().map(|t| t.name.as_str()).collect(),
        ),
        (
            ItemKind::TopicKey,
            program.topics().iter().map(|t| t.name.as_str()).collect(),
        ),
    ] {
        for name in names {
            symbols.learn_name(kind, name);
        }
    }
    let mut targets: BTreeMap<String, Target> = BTreeMap::new();
    for bucket in program.buckets() {
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
    for function in program.functions() {
        let name = symbols.item(ItemKind::Function, &logical_stem(&function.name));
        targets.insert(
            function.name.clone(),
            Target::Function(format!(
                "arn:{partition}:lambda:{region}:{account}:function:{name}"
            )),
        );
    }
    for function in program.existing_functions() {
        targets.insert(
            function.name.clone(),
            Target::Function(markers(&function.arn, symbols)),
        );
    }
    for queue in program.queues() {
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
    for topic in program.topics() {
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
    for function in program.functions() {
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
    for schedule in program.schedules() {
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
        let dead_letters = dead_letters_arn(&logical_stem(&schedule.name), symbols);
        identity.push(allow(
            actions::SCHEDULE_DEAD_LETTER_ACTIONS,
            dead_letters.clone(),
            None,
            &Reason::Rule {
                rule: rules::SCHEDULE_DEAD_LETTERS,
                subject: format!("schedule {}", schedule.name),
            },
        ));
        expected.resource_policies.insert(
            Item {
                kind: ItemKind::ScheduleQueue,
                stem: logical_stem(&schedule.name),
            },
            ResourcePolicy {
                arn: dead_letters,
                statements: Vec::new(),
            },
        );
        let trust = trust(&owner, symbols);
        expected
            .roles
            .insert(owner, ExpectedRole { trust, identity });
    }
    for bucket in program.buckets() {
        if bucket.replicate_to.is_empty() {
            continue;
        }
        let owner = Owner::Replication(logical_stem(&bucket.name));
        let mut identity = Vec::new();
        let replicas: Vec<(Target, bool)> = bucket
            .replicate_to
            .iter()
            .map(|r| {
                let other_account = program
                    .bucket(&r.replica)
                    .existing
                    .as_ref()
                    .is_some_and(|e| e.account.is_some());
                (targets[&r.replica].clone(), other_account)
            })
            .collect();
        replication(
            &mut identity,
            &targets[&bucket.name],
            &replicas,
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
        let key_arn = key.as_ref().map(|k| k.arn.as_str());
        let statements = bucket_policy(arn, key_arn, &subject, &sources, symbols);
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
                .queues()
                .iter()
                .map(|q| q.name.as_str())
                .collect::<Vec<_>>(),
        ),
        (
            ItemKind::Topic,
            ItemKind::TopicKey,
            program.topics().iter().map(|t| t.name.as_str()).collect(),
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
    for function in program.functions() {
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
