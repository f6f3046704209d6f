//! Queues and topics, with their keys.

use super::bucket::add_key;
use super::values::{Tf, literal, with_tags};
use crate::check::model::{Queue, QueueEncryption, Tags, Topic};
use serde_json::{Map, Value, json};

pub(super) fn add_queue(out: &mut Tf, queue: &Queue, stack: &str, tags: &Tags) {
    let name = queue.name.as_str();
    let mut body = Map::new();
    body.insert(
        "name".into(),
        json!(format!("${{var.stack_name}}-{}", literal(name))),
    );
    body.insert("message_retention_seconds".into(), json!(queue.retention_s));
    match queue.encryption {
        QueueEncryption::Sqs => {
            body.insert("sqs_managed_sse_enabled".into(), json!(true));
        }
        QueueEncryption::Kms => {
            body.insert(
                "kms_master_key_id".into(),
                json!(format!("${{aws_kms_key.{name}.arn}}")),
            );
            add_key(
                out,
                name,
                &format!("Encrypts the messages of queue {name} in stack {stack}"),
                false,
                Vec::new(),
                tags,
                None,
            );
        }
    }
    out.resource("aws_sqs_queue", name, with_tags(Value::Object(body), tags));
}

pub(super) fn add_topic(out: &mut Tf, topic: &Topic, stack: &str, tags: &Tags) {
    let name = topic.name.as_str();
    // CloudWatch encrypts alarm notifications itself, so it needs the key; the AWS managed
    // aws/sns key's policy cannot grant it (see docs/security.md).
    add_key(
        out,
        name,
        &format!("Encrypts the messages of topic {name} in stack {stack}"),
        false,
        vec![json!({
            "sid": "CloudWatchAlarmsPublish",
            "effect": "Allow",
            "actions": ["kms:Decrypt", "kms:GenerateDataKey"],
            "resources": ["*"],
            "principals": [{ "type": "Service", "identifiers": ["cloudwatch.amazonaws.com"] }],
        })],
        tags,
        None,
    );
    out.resource(
        "aws_sns_topic",
        name,
        with_tags(
            json!({
                "name": format!("${{var.stack_name}}-{}", literal(name)),
                "kms_master_key_id": format!("${{aws_kms_key.{name}.arn}}"),
            }),
            tags,
        ),
    );
    if let Some(email) = &topic.email {
        out.resource(
            "aws_sns_topic_subscription",
            name,
            json!({
                "topic_arn": format!("${{aws_sns_topic.{name}.arn}}"),
                "protocol": "email",
                "endpoint": literal(email),
            }),
        );
    }
}
