//! Queues and topics, with their keys.

use super::bucket::key;
use super::values::{get_att, map, n, reference, s, with_tags};
use crate::check::model::{Queue, QueueEncryption, Tags, Topic};
use crate::emit::LogicalIds as Id;
use serde_norway::{Mapping, Value};

pub(super) fn add_queue(resources: &mut Mapping, queue: &Queue, stack: &str, tags: &Tags) {
    let mut properties = Mapping::new();
    properties.insert(s("MessageRetentionPeriod"), n(queue.retention_s));
    match queue.encryption {
        QueueEncryption::Sqs => {
            properties.insert(s("SqsManagedSseEnabled"), Value::Bool(true));
        }
        QueueEncryption::Kms => {
            properties.insert(
                s("KmsMasterKeyId"),
                get_att(&Id::queue_key(&queue.name), "Arn"),
            );
            resources.insert(
                s(&Id::queue_key(&queue.name)),
                key(
                    &format!(
                        "Encrypts the messages of queue {} in stack {stack}",
                        queue.name
                    ),
                    "Delete",
                    Vec::new(),
                    tags,
                ),
            );
        }
    }
    resources.insert(
        s(&Id::queue(&queue.name)),
        map([
            ("Type", s("AWS::SQS::Queue")),
            ("DeletionPolicy", s("Delete")),
            ("UpdateReplacePolicy", s("Delete")),
            ("Properties", with_tags(Value::Mapping(properties), tags)),
        ]),
    );
}

pub(super) fn add_topic(resources: &mut Mapping, topic: &Topic, stack: &str, tags: &Tags) {
    let key_id = Id::topic_key(&topic.name);
    resources.insert(
        s(&key_id),
        key(
            &format!(
                "Encrypts the messages of topic {} in stack {stack}",
                topic.name
            ),
            "Delete",
            vec![cloudwatch_uses_key()],
            tags,
        ),
    );
    let id = Id::topic(&topic.name);
    resources.insert(
        s(&id),
        map([
            ("Type", s("AWS::SNS::Topic")),
            (
                "Properties",
                with_tags(map([("KmsMasterKeyId", get_att(&key_id, "Arn"))]), tags),
            ),
        ]),
    );
    if let Some(email) = &topic.email {
        resources.insert(
            s(&Id::topic_subscription(&topic.name)),
            map([
                ("Type", s("AWS::SNS::Subscription")),
                (
                    "Properties",
                    map([
                        ("TopicArn", reference(&id)),
                        ("Protocol", s("email")),
                        ("Endpoint", s(email)),
                    ]),
                ),
            ]),
        );
    }
}

/// The key policy statement that lets CloudWatch alarms publish to a topic encrypted with
/// the key: CloudWatch encrypts the message itself, so it needs the key, and the AWS managed
/// `aws/sns` key's policy cannot grant it (see docs/security.md).
pub(super) fn cloudwatch_uses_key() -> Value {
    map([
        ("Sid", s("CloudWatchAlarmsPublish")),
        ("Effect", s("Allow")),
        (
            "Principal",
            map([("Service", s("cloudwatch.amazonaws.com"))]),
        ),
        (
            "Action",
            Value::Sequence(vec![s("kms:Decrypt"), s("kms:GenerateDataKey")]),
        ),
        ("Resource", s("*")),
    ])
}
