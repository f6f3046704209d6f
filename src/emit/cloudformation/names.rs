//! How a bucket and its key are named in the template: by `!Ref` in the stack's region, or
//! through the parameters a regional template's outputs fill.

use super::values::{get_att, reference, sub, sub_template, text};
use crate::check::model::{Attribute, Kind, Program, Reference};
use crate::emit::LogicalIds as Id;
use serde_norway::Value;

/// The name of a bucket of the stack. The template of the stack's region names a bucket in
/// another region by its `name`, or by the parameter its own template's output fills.
pub(super) fn bucket_name(program: &Program, bucket: &str) -> Value {
    let b = program.bucket(bucket);
    match (&b.region, &b.bucket_name) {
        (None, _) => reference(&Id::bucket(bucket)),
        (Some(_), Some(name)) => text(name),
        (Some(_), None) => reference(&remote_name_param(bucket)),
    }
}

/// The ARN of a bucket of the stack, as [`bucket_name`] names it.
pub(super) fn bucket_arn(program: &Program, bucket: &str) -> Value {
    if program.bucket(bucket).region.is_none() {
        get_att(&Id::bucket(bucket), "Arn")
    } else {
        sub(&bucket_arn_template(program, bucket))
    }
}

/// The ARN of a bucket of the stack inside `!Sub`.
pub(super) fn bucket_arn_template(program: &Program, bucket: &str) -> String {
    let b = program.bucket(bucket);
    match (&b.region, &b.bucket_name) {
        (None, _) => format!("${{{}.Arn}}", Id::bucket(bucket)),
        (Some(_), Some(name)) => format!("arn:${{AWS::Partition}}:s3:::{}", sub_template(name)),
        (Some(_), None) => format!(
            "arn:${{AWS::Partition}}:s3:::${{{}}}",
            remote_name_param(bucket)
        ),
    }
}

/// The ARN of the KMS key drc creates for a bucket; for a bucket in another region, the
/// parameter its own template's output fills (a key's ARN holds an ID AWS chooses).
pub(super) fn bucket_key_arn(program: &Program, bucket: &str) -> Value {
    if program.bucket(bucket).region.is_none() {
        get_att(&Id::bucket_key(bucket), "Arn")
    } else {
        reference(&remote_key_param(bucket))
    }
}

/// The output of a bucket's regional template, and the parameter of the main template it
/// fills, holding the bucket's name: `ReplicaBucketName`. No resource ID ends in `Name`,
/// and the main template has no output for a bucket it does not create.
pub(super) fn remote_name_param(bucket: &str) -> String {
    format!("{}Name", Id::bucket(bucket))
}

/// As [`remote_name_param`], for the ARN of the bucket's key: `ReplicaBucketKeyArn`.
pub(super) fn remote_key_param(bucket: &str) -> String {
    format!("{}KeyArn", Id::bucket(bucket))
}

/// The value of `item.name`, `item.arn` or `queue.url`: `Ref` and `Fn::GetAtt` return
/// values per resource type (`AWS::SQS::Queue`'s `Ref` is its URL, `AWS::SNS::Topic`'s its
/// ARN). Sources: the "Return values" of
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sqs-queue.html>
/// and <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sns-topic.html>.
pub(super) fn reference_value(program: &Program, r: &Reference) -> Value {
    match (r.kind, r.attribute) {
        (Kind::Bucket, Attribute::Name) => bucket_name(program, &r.item),
        (Kind::Bucket, _) => bucket_arn(program, &r.item),
        (Kind::Queue, Attribute::Name) => get_att(&Id::queue(&r.item), "QueueName"),
        (Kind::Queue, Attribute::Arn) => get_att(&Id::queue(&r.item), "Arn"),
        (Kind::Queue, Attribute::Url) => reference(&Id::queue(&r.item)),
        (Kind::Topic, Attribute::Name) => get_att(&Id::topic(&r.item), "TopicName"),
        (Kind::Topic, _) => reference(&Id::topic(&r.item)),
        (_, Attribute::Name) => reference(&Id::function(&r.item)),
        (_, _) => get_att(&Id::function(&r.item), "Arn"),
    }
}
