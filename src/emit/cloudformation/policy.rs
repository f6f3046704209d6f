//! IAM policy documents: statements with their resources as the template names them, and
//! the provenance written beside each role.

use super::names::{bucket_arn, bucket_arn_template, bucket_key_arn};
use super::values::{escape_sub, get_att, map, reference, s, sub};
use crate::check::model::Program;
use crate::emit::LogicalIds as Id;
use crate::iam::explain::RoleExplanation;
use crate::iam::{self, Resource, Statement};
use serde_norway::{Mapping, Value};

/// `Metadata: {drc: {provenance: {Sid: {action: ["input.dr:12:3 put backups \"daily/\""]}}}}`:
/// why each action of a role is there. Metadata is never part of the policy.
pub(super) fn provenance(role: &RoleExplanation) -> Value {
    let mut statements = Mapping::new();
    for (sid, actions) in role.provenance() {
        let mut by_action = Mapping::new();
        for (action, causes) in actions {
            by_action.insert(
                s(action),
                Value::Sequence(causes.iter().map(|c| s(c)).collect()),
            );
        }
        statements.insert(s(sid), Value::Mapping(by_action));
    }
    map([("drc", map([("provenance", Value::Mapping(statements))]))])
}

/// A role's statements.
pub(super) fn statements(program: &Program, list: &[Statement]) -> Vec<Value> {
    list.iter().map(|st| statement(program, st)).collect()
}

/// One role statement.
pub(super) fn statement(program: &Program, statement: &Statement) -> Value {
    let actions: Vec<Value> = statement.actions.iter().map(|a| s(a.name)).collect();
    let mut m = Mapping::new();
    m.insert(s("Sid"), s(&statement.sid));
    m.insert(s("Effect"), s("Allow"));
    m.insert(s("Action"), Value::Sequence(actions));
    m.insert(s("Resource"), resource(program, &statement.resource));
    if let Some(condition) = &statement.condition {
        let values: Vec<Value> = condition
            .values
            .iter()
            .map(|v| {
                if v.contains(iam::REGION) {
                    sub(&escape_sub(v).replace(iam::REGION, "${AWS::Region}"))
                } else {
                    s(v)
                }
            })
            .collect();
        m.insert(
            s("Condition"),
            map([(
                condition.operator,
                map([(condition.key, Value::Sequence(values))]),
            )]),
        );
    }
    Value::Mapping(m)
}

/// The ARN expression of a policy resource.
pub(super) fn resource(program: &Program, resource: &Resource) -> Value {
    match resource {
        Resource::Bucket(b) => bucket_arn(program, b),
        Resource::Objects { bucket, prefix } => sub(&format!(
            "{}/{}*",
            bucket_arn_template(program, bucket),
            escape_sub(prefix)
        )),
        Resource::BucketKey(b) => bucket_key_arn(program, b),
        Resource::LogStreams(f) => sub(&format!(
            "arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:${{{}}}:log-stream:*",
            Id::log_group(f)
        )),
        Resource::Function(f) => get_att(&Id::function(f), "Arn"),
        Resource::ExistingFunction { arn, .. } => {
            if arn.contains(iam::REGION) {
                sub(&escape_sub(arn)
                    .replace(iam::PARTITION, "${AWS::Partition}")
                    .replace(iam::REGION, "${AWS::Region}")
                    .replace(iam::ACCOUNT, "${AWS::AccountId}"))
            } else {
                s(arn)
            }
        }
        Resource::Queue(q) => get_att(&Id::queue(q), "Arn"),
        Resource::ScheduleDeadLetters(s) => get_att(&Id::schedule_dead_letters(s), "Arn"),
        Resource::QueueKey(q) => get_att(&Id::queue_key(q), "Arn"),
        Resource::Topic(t) => reference(&Id::topic(t)),
        Resource::TopicKey(t) => get_att(&Id::topic_key(t), "Arn"),
        Resource::ExistingBucket { arn, .. } | Resource::ExistingKey { arn, .. } => s(arn),
        Resource::ExistingObjects { arn, prefix, .. } => s(&format!("{arn}/{prefix}*")),
    }
}

pub(super) fn policy_document(statements: Vec<Value>) -> Value {
    map([
        ("Version", s("2012-10-17")),
        ("Statement", Value::Sequence(statements)),
    ])
}
