//! IAM policy statements as `aws_iam_policy_document` data, with resources as the
//! configuration names them, and the provenance written beside each role.

use super::values::literal;
use crate::iam::explain::RoleExplanation;
use crate::iam::{self, Resource, Statement};
use serde_json::{Map, Value, json};

/// A `"//"` comment for a role's policy document: why each action is there, as
/// `Sid action <- input.dr:12:3 put backups "daily/"` items separated by `; `. Terraform
/// ignores `"//"` properties in block bodies.
pub(super) fn provenance(role: &RoleExplanation) -> String {
    let mut items = Vec::new();
    for (sid, actions) in role.provenance() {
        for (action, causes) in actions {
            for cause in causes {
                items.push(format!("{sid} {action} <- {cause}"));
            }
        }
    }
    literal(&format!("Why each action is granted: {}", items.join("; ")))
}

pub(super) fn statement(statement: &Statement) -> Value {
    let mut m = Map::new();
    m.insert("sid".into(), json!(statement.sid));
    m.insert("effect".into(), json!("Allow"));
    m.insert(
        "actions".into(),
        Value::Array(statement.actions.iter().map(|a| json!(a.name)).collect()),
    );
    m.insert("resources".into(), json!([resource(&statement.resource)]));
    if let Some(condition) = &statement.condition {
        let values: Vec<String> = condition
            .values
            .iter()
            .map(|v| literal(v).replace(iam::REGION, "${data.aws_region.current.region}"))
            .collect();
        m.insert(
            "condition".into(),
            json!([{ "test": condition.operator, "variable": condition.key, "values": values }]),
        );
    }
    Value::Object(m)
}

pub(super) fn resource(resource: &Resource) -> String {
    match resource {
        Resource::Bucket(b) => format!("${{aws_s3_bucket.{b}.arn}}"),
        Resource::Objects { bucket, prefix } => {
            format!("${{aws_s3_bucket.{bucket}.arn}}/{}*", literal(prefix))
        }
        Resource::BucketKey(b) => format!("${{aws_kms_key.{b}.arn}}"),
        Resource::LogStreams(f) => format!("${{aws_cloudwatch_log_group.{f}.arn}}:log-stream:*"),
        Resource::Function(f) => format!("${{aws_lambda_function.{f}.arn}}"),
        Resource::ExistingFunction { arn, .. } => literal(arn)
            .replace(iam::PARTITION, "${data.aws_partition.current.partition}")
            .replace(iam::REGION, "${data.aws_region.current.region}")
            .replace(
                iam::ACCOUNT,
                "${data.aws_caller_identity.current.account_id}",
            ),
        // A schedule's dead-letter queue has the schedule's name, which no queue can have.
        Resource::Queue(q) | Resource::ScheduleDeadLetters(q) => {
            format!("${{aws_sqs_queue.{q}.arn}}")
        }
        Resource::QueueKey(q) => format!("${{aws_kms_key.{q}.arn}}"),
        Resource::Topic(t) => format!("${{aws_sns_topic.{t}.arn}}"),
        Resource::TopicKey(t) => format!("${{aws_kms_key.{t}.arn}}"),
        Resource::ExistingBucket { arn, .. } | Resource::ExistingKey { arn, .. } => literal(arn),
        Resource::ExistingObjects { arn, prefix, .. } => literal(&format!("{arn}/{prefix}*")),
    }
}
