//! CloudFormation YAML.
//!
//! Intrinsic functions are written in their short forms (`!Ref`, `!GetAtt`, `!Sub`). User
//! text that lands inside `!Sub` is escaped (`${` becomes `${!`), so it can never become a
//! substitution. Retained buckets (and their keys) get `DeletionPolicy: Retain` and
//! `UpdateReplacePolicy: Retain`; every other stateful resource says `Delete` explicitly.
//!
//! This is the only module that uses the YAML library (`serde_norway`, see
//! `docs/architecture.md`).

use super::{ERROR_ALARM, Layout, LogicalIds as Id, Stack};
use crate::check::model::{
    Attribute, Bucket, Destination, Encryption, EnvValue, Function, Kind, LifecycleRule, Param,
    ParamType, ParamValue, Program, Queue, QueueEncryption, Reference, Retention, Schedule, Tags,
    Text, TextPart, Topic, Transition,
};
use crate::iam::Owner;
use crate::iam::explain::RoleExplanation;
use crate::iam::{self, Resource, Statement};
use serde_norway::value::{Tag, TaggedValue};
use serde_norway::{Mapping, Value};

/// Renders the stack as a CloudFormation template.
pub fn emit(stack: &Stack<'_>) -> String {
    let program = stack.program;
    let mut template = Mapping::new();
    template.insert(s("AWSTemplateFormatVersion"), s("2010-09-09"));
    if let Some(description) = &program.stack.description {
        template.insert(s("Description"), s(description));
    }
    let parameters = parameters(stack);
    if !parameters.is_empty() {
        template.insert(s("Parameters"), Value::Mapping(parameters));
    }
    let mut resources = Mapping::new();
    for bucket in program.local_buckets() {
        let log_sources: Vec<&Bucket> = program.log_sources(&bucket.name).collect();
        add_bucket(
            &mut resources,
            program,
            bucket,
            &log_sources,
            &program.stack.name,
            &program.tags(&bucket.tags),
        );
    }
    for bucket in program.buckets() {
        if let Some(role) = stack.policies.replication_role(&bucket.name) {
            add_replication_role(
                &mut resources,
                &bucket.name,
                &statements(program, &role.statements),
                provenance(stack.explanation_of(&role.owner)),
                &program.tags(&bucket.tags),
            );
        }
    }
    for (function, archive) in program.functions().iter().zip(&stack.archives) {
        add_function(&mut resources, stack, function, &archive.file_name);
    }
    for schedule in program.schedules() {
        let owner = Owner::Scheduler(schedule.name.clone());
        add_schedule(
            &mut resources,
            schedule,
            &statements(
                program,
                &stack.policies.schedule_role(&schedule.name).statements,
            ),
            provenance(stack.explanation_of(&owner)),
            &program.tags(&schedule.tags),
        );
    }
    for queue in program.queues() {
        add_queue(
            &mut resources,
            queue,
            &program.stack.name,
            &program.stack.tags,
        );
    }
    for topic in program.topics() {
        add_topic(
            &mut resources,
            topic,
            &program.stack.name,
            &program.stack.tags,
        );
    }
    template.insert(s("Resources"), Value::Mapping(resources));
    let outputs = outputs(stack);
    if !outputs.is_empty() {
        template.insert(s("Outputs"), Value::Mapping(outputs));
    }
    render(stack, template)
}

/// The template of the buckets a stack creates in another `region`. It is deployed as a
/// stack of its own in that region, before the main template, whose parameters its outputs
/// fill (a name and a key ARN cannot cross regions by export).
pub fn emit_regional(stack: &Stack<'_>, region: &str) -> String {
    let program = stack.program;
    let buckets: Vec<&Bucket> = program
        .created_buckets()
        .filter(|b| b.region.is_some_and(|r| r.code == region))
        .collect();
    let mut template = Mapping::new();
    template.insert(s("AWSTemplateFormatVersion"), s("2010-09-09"));
    template.insert(
        s("Description"),
        s(&format!(
            "Buckets of stack {} in {region}: deploy this template in {region} before {}",
            program.stack.name,
            super::Target::CloudFormation.file_name(&program.stack.name)
        )),
    );
    let used: Vec<&str> = buckets
        .iter()
        .filter_map(|b| b.bucket_name.as_ref())
        .flat_map(|name| &name.parts)
        .filter_map(|part| match part {
            TextPart::Param(name) => Some(name.as_str()),
            TextPart::Literal(_) => None,
        })
        .collect();
    let mut parameters = Mapping::new();
    for param in program
        .params()
        .iter()
        .filter(|p| used.contains(&p.name.as_str()))
    {
        parameters.insert(s(&Id::param(&param.name)), param_declaration(param));
    }
    if !parameters.is_empty() {
        template.insert(s("Parameters"), Value::Mapping(parameters));
    }
    let mut resources = Mapping::new();
    let mut outputs = Mapping::new();
    for bucket in buckets {
        add_bucket(
            &mut resources,
            program,
            bucket,
            &[],
            &program.stack.name,
            &program.tags(&bucket.tags),
        );
        let id = Id::bucket(&bucket.name);
        outputs.insert(
            s(&remote_name_param(&bucket.name)),
            map([
                ("Description", s(&format!("Name of bucket {}", bucket.name))),
                ("Value", reference(&id)),
            ]),
        );
        if bucket.encryption == Encryption::Kms {
            outputs.insert(
                s(&remote_key_param(&bucket.name)),
                map([
                    (
                        "Description",
                        s(&format!("ARN of the KMS key of bucket {}", bucket.name)),
                    ),
                    ("Value", get_att(&Id::bucket_key(&bucket.name), "Arn")),
                ]),
            );
        }
    }
    template.insert(s("Resources"), Value::Mapping(resources));
    template.insert(s("Outputs"), Value::Mapping(outputs));
    render(stack, template)
}

/// The template as YAML, under drc's header.
fn render(stack: &Stack<'_>, template: Mapping) -> String {
    let yaml = serde_norway::to_string(&Value::Mapping(template))
        .expect("a mapping of strings, numbers and tags always serializes");
    // The YAML library writes the string `OFF` plain, which CloudFormation's YAML 1.1
    // parser reads as the boolean `false`. Quote it where drc writes it: the line is
    // matched with its exact indentation, which user text (always deeper, or quoted)
    // cannot have.
    let yaml = yaml.replace(
        "\n      FlexibleTimeWindow:\n        Mode: OFF\n",
        "\n      FlexibleTimeWindow:\n        Mode: 'OFF'\n",
    );
    format!("# {}\n{yaml}", super::header(stack))
}

/// The stack's `param`s (IDs ending in `Param`); for each bucket in another region, its name
/// (unless it has a `name`) and its key's ARN, which the regional template's outputs of the
/// same IDs give; then the bucket the code archives were uploaded to. That ID ends in
/// `Archives`, which no resource or output ID does. Each function's S3 key is written into
/// the template itself (it carries the archive's hash), so new code changes the template and
/// CloudFormation updates the function; a key parameter would keep its previous value on
/// `aws cloudformation deploy`.
fn parameters(stack: &Stack<'_>) -> Mapping {
    let program = stack.program;
    let mut parameters = Mapping::new();
    for param in program.params() {
        parameters.insert(s(&Id::param(&param.name)), param_declaration(param));
    }
    let mut string_parameter = |id: String, description: String, pattern: &str| {
        parameters.insert(
            s(&id),
            map([
                ("Type", s("String")),
                ("Description", s(&description)),
                ("AllowedPattern", s(pattern)),
            ]),
        );
    };
    for bucket in program.created_buckets() {
        let Some(region) = bucket.region else {
            continue;
        };
        let source = |output: &str| {
            format!(
                "output {output} of the stack deployed from {} in {}",
                regional_file_name(&program.stack.name, region.code),
                region.code
            )
        };
        if bucket.bucket_name.is_none() {
            let id = remote_name_param(&bucket.name);
            let description = format!("Name of bucket {}: {}", bucket.name, source(&id));
            string_parameter(id, description, BUCKET_NAME_PATTERN);
        }
        if bucket.encryption == Encryption::Kms {
            let id = remote_key_param(&bucket.name);
            let description = format!(
                "ARN of the KMS key of bucket {}: {}",
                bucket.name,
                source(&id)
            );
            let pattern = format!(
                "^arn:aws[a-z-]*:kms:{}:[0-9]{{12}}:key/[0-9a-f-]{{36}}$",
                region.code
            );
            string_parameter(id, description, &pattern);
        }
    }
    if program.functions().is_empty() {
        return parameters;
    }
    parameters.insert(
        s(CODE_BUCKET),
        map([
            ("Type", s("String")),
            (
                "Description",
                s("S3 bucket holding the function code archives that drc build wrote (upload them before deploying)"),
            ),
            ("AllowedPattern", s(BUCKET_NAME_PATTERN)),
        ]),
    );
    parameters
}

/// The file name of a stack's template for the buckets it creates in another region.
pub fn regional_file_name(stack: &str, region: &str) -> String {
    format!("{stack}.{region}.cfn.yaml")
}

/// What an S3 bucket name looks like, for parameters that hold one.
const BUCKET_NAME_PATTERN: &str = "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$";

/// A `param` as a template parameter: its type, default, allowed values and description.
fn param_declaration(param: &Param) -> Value {
    let mut body = Mapping::new();
    let kind = match param.kind {
        ParamType::String => "String",
        ParamType::Number => "Number",
    };
    body.insert(s("Type"), s(kind));
    if let Some(default) = &param.default {
        body.insert(s("Default"), param_value(default));
    }
    if !param.allowed.is_empty() {
        body.insert(
            s("AllowedValues"),
            Value::Sequence(param.allowed.iter().map(param_value).collect()),
        );
    }
    if let Some(description) = &param.description {
        body.insert(s("Description"), s(description));
    }
    Value::Mapping(body)
}

/// The parameter naming the bucket that holds code archives.
const CODE_BUCKET: &str = "CodeArchives";

/// Adds `Tags` (a list of `Key`/`Value` pairs, the shape every taggable type drc emits
/// uses) to a resource's properties, unless there are none. Each taggable resource is one
/// call: `with_tags(properties, tags)`.
fn with_tags(mut properties: Value, tags: &Tags) -> Value {
    if let (Value::Mapping(m), false) = (&mut properties, tags.is_empty()) {
        let list = tags
            .iter()
            .map(|(k, v)| map([("Key", s(k)), ("Value", s(v))]))
            .collect();
        m.insert(s("Tags"), Value::Sequence(list));
    }
    properties
}

/// One `lifecycle` block as an S3 lifecycle rule.
fn lifecycle_rule(index: usize, rule: &LifecycleRule) -> Value {
    let transitions = |list: &[Transition]| {
        Value::Sequence(
            list.iter()
                .map(|t| {
                    map([
                        ("StorageClass", s(t.class.aws)),
                        ("TransitionInDays", n(t.days)),
                    ])
                })
                .collect(),
        )
    };
    let mut out = Mapping::new();
    out.insert(s("Id"), s(&super::lifecycle_rule_id(index, rule)));
    out.insert(s("Status"), s("Enabled"));
    if let Some(prefix) = &rule.prefix {
        out.insert(s("Prefix"), s(prefix));
    }
    if !rule.transitions.is_empty() {
        out.insert(s("Transitions"), transitions(&rule.transitions));
    }
    if let Some(days) = rule.expire_days {
        out.insert(s("ExpirationInDays"), n(days));
    }
    if !rule.noncurrent_transitions.is_empty() {
        out.insert(
            s("NoncurrentVersionTransitions"),
            transitions(&rule.noncurrent_transitions),
        );
    }
    if let Some(days) = rule.noncurrent_expire_days {
        out.insert(
            s("NoncurrentVersionExpiration"),
            map([("NoncurrentDays", n(days))]),
        );
    }
    Value::Mapping(out)
}

fn add_bucket(
    resources: &mut Mapping,
    program: &Program,
    bucket: &Bucket,
    log_sources: &[&Bucket],
    stack: &str,
    tags: &Tags,
) {
    let policy = if bucket.retain { "Retain" } else { "Delete" };
    let id = Id::bucket(&bucket.name);
    let mut properties = Mapping::new();
    if let Some(name) = &bucket.bucket_name {
        properties.insert(s("BucketName"), text(name));
    }
    let default = match bucket.encryption {
        Encryption::S3 => map([("SSEAlgorithm", s("AES256"))]),
        Encryption::Kms => map([
            ("SSEAlgorithm", s("aws:kms")),
            (
                "KMSMasterKeyID",
                get_att(&Id::bucket_key(&bucket.name), "Arn"),
            ),
        ]),
    };
    properties.insert(
        s("BucketEncryption"),
        map([(
            "ServerSideEncryptionConfiguration",
            Value::Sequence(vec![map([
                ("ServerSideEncryptionByDefault", default),
                ("BucketKeyEnabled", Value::Bool(true)),
            ])]),
        )]),
    );
    properties.insert(
        s("PublicAccessBlockConfiguration"),
        map([
            ("BlockPublicAcls", Value::Bool(true)),
            ("BlockPublicPolicy", Value::Bool(true)),
            ("IgnorePublicAcls", Value::Bool(true)),
            ("RestrictPublicBuckets", Value::Bool(true)),
        ]),
    );
    properties.insert(
        s("OwnershipControls"),
        map([(
            "Rules",
            Value::Sequence(vec![map([("ObjectOwnership", s("BucketOwnerEnforced"))])]),
        )]),
    );
    if bucket.versioned {
        properties.insert(
            s("VersioningConfiguration"),
            map([("Status", s("Enabled"))]),
        );
    }
    if let Some(lock) = &bucket.object_lock {
        let period = match lock.retain {
            Retention::Days(days) => ("Days", n(days)),
            Retention::Years(years) => ("Years", n(years)),
        };
        properties.insert(s("ObjectLockEnabled"), Value::Bool(true));
        properties.insert(
            s("ObjectLockConfiguration"),
            map([
                ("ObjectLockEnabled", s("Enabled")),
                (
                    "Rule",
                    map([(
                        "DefaultRetention",
                        map([("Mode", s(lock.mode.aws())), period]),
                    )]),
                ),
            ]),
        );
    }
    let lifecycle = &bucket.lifecycle;
    let mut rules = vec![map([
        ("Id", s("AbortIncompleteUploads")),
        ("Status", s("Enabled")),
        (
            "AbortIncompleteMultipartUpload",
            map([(
                "DaysAfterInitiation",
                n(lifecycle.abort_incomplete_upload_days),
            )]),
        ),
    ])];
    for (index, rule) in lifecycle.rules.iter().enumerate() {
        rules.push(lifecycle_rule(index, rule));
    }
    properties.insert(
        s("LifecycleConfiguration"),
        map([("Rules", Value::Sequence(rules))]),
    );
    if let Some(logs) = &bucket.access_logs {
        properties.insert(
            s("LoggingConfiguration"),
            map([
                (
                    "DestinationBucketName",
                    reference(&Id::bucket(&logs.bucket)),
                ),
                ("LogFilePrefix", s(&logs.prefix)),
            ]),
        );
    }
    if let Some(replication) = &bucket.replicate_to {
        let mut destination = Mapping::new();
        destination.insert(s("Bucket"), bucket_arn(program, &replication.replica));
        let mut rule = Mapping::new();
        for (key, value) in [
            ("Id", s("ReplicateToReplica")),
            ("Status", s("Enabled")),
            ("Priority", n(1)),
            ("Filter", map([("Prefix", s(""))])),
            ("DeleteMarkerReplication", map([("Status", s("Disabled"))])),
        ] {
            rule.insert(s(key), value);
        }
        // SSE-KMS objects are replicated only when asked, and encrypted with the replica's
        // key (the checker makes both sides use a key or neither).
        if bucket.encryption == Encryption::Kms {
            rule.insert(
                s("SourceSelectionCriteria"),
                map([("SseKmsEncryptedObjects", map([("Status", s("Enabled"))]))]),
            );
            destination.insert(
                s("EncryptionConfiguration"),
                map([(
                    "ReplicaKmsKeyID",
                    bucket_key_arn(program, &replication.replica),
                )]),
            );
        }
        rule.insert(s("Destination"), Value::Mapping(destination));
        properties.insert(
            s("ReplicationConfiguration"),
            map([
                ("Role", get_att(&Id::replication_role(&bucket.name), "Arn")),
                ("Rules", Value::Sequence(vec![Value::Mapping(rule)])),
            ]),
        );
    }
    resources.insert(
        s(&id),
        map([
            ("Type", s("AWS::S3::Bucket")),
            ("DeletionPolicy", s(policy)),
            ("UpdateReplacePolicy", s(policy)),
            ("Properties", with_tags(Value::Mapping(properties), tags)),
        ]),
    );

    let arn = get_att(&id, "Arn");
    let mut bucket_statements = vec![map([
        ("Sid", s("DenyInsecureTransport")),
        ("Effect", s("Deny")),
        ("Principal", s("*")),
        ("Action", s("s3:*")),
        (
            "Resource",
            Value::Sequence(vec![arn, sub(&format!("${{{id}.Arn}}/*"))]),
        ),
        (
            "Condition",
            map([("Bool", map([("aws:SecureTransport", s("false"))]))]),
        ),
    ])];
    // S3 server access logging delivers with this principal; the conditions pin each prefix
    // to the one source bucket in this account that logs there.
    for source in log_sources {
        let logs = source
            .access_logs
            .as_ref()
            .expect("filtered on access_logs");
        bucket_statements.push(map([
            (
                "Sid",
                s(&format!(
                    "AccessLogsFrom{}",
                    crate::names::logical_stem(&source.name)
                )),
            ),
            ("Effect", s("Allow")),
            (
                "Principal",
                map([("Service", s("logging.s3.amazonaws.com"))]),
            ),
            ("Action", s("s3:PutObject")),
            (
                "Resource",
                sub(&format!("${{{id}.Arn}}/{}*", escape_sub(&logs.prefix))),
            ),
            (
                "Condition",
                map([
                    (
                        "ArnLike",
                        map([("aws:SourceArn", get_att(&Id::bucket(&source.name), "Arn"))]),
                    ),
                    (
                        "StringEquals",
                        map([("aws:SourceAccount", reference("AWS::AccountId"))]),
                    ),
                ]),
            ),
        ]));
    }
    resources.insert(
        s(&Id::bucket_policy(&bucket.name)),
        map([
            ("Type", s("AWS::S3::BucketPolicy")),
            // A retained bucket keeps its TLS-only policy when the stack goes.
            ("DeletionPolicy", s(policy)),
            ("UpdateReplacePolicy", s(policy)),
            (
                "Properties",
                map([
                    ("Bucket", reference(&id)),
                    ("PolicyDocument", policy_document(bucket_statements)),
                ]),
            ),
        ]),
    );

    if bucket.encryption == Encryption::Kms {
        resources.insert(
            s(&Id::bucket_key(&bucket.name)),
            key(
                &format!(
                    "Encrypts the objects of bucket {} in stack {stack}",
                    bucket.name
                ),
                policy,
                Vec::new(),
                tags,
            ),
        );
    }
}

/// A customer managed key, rotation on, with AWS's default key policy (the account's IAM
/// policies decide who uses it) and any `extra` statements.
fn key(description: &str, deletion: &str, extra: Vec<Value>, tags: &Tags) -> Value {
    let mut statements = vec![map([
        ("Sid", s("AccountAdministersKey")),
        ("Effect", s("Allow")),
        (
            "Principal",
            map([(
                "AWS",
                sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root"),
            )]),
        ),
        ("Action", s("kms:*")),
        ("Resource", s("*")),
    ])];
    statements.extend(extra);
    map([
        ("Type", s("AWS::KMS::Key")),
        ("DeletionPolicy", s(deletion)),
        ("UpdateReplacePolicy", s(deletion)),
        (
            "Properties",
            with_tags(
                map([
                    ("Description", s(description)),
                    ("EnableKeyRotation", Value::Bool(true)),
                    ("PendingWindowInDays", n(30)),
                    ("KeyPolicy", policy_document(statements)),
                ]),
                tags,
            ),
        ),
    ])
}

fn add_queue(resources: &mut Mapping, queue: &Queue, stack: &str, tags: &Tags) {
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

fn add_topic(resources: &mut Mapping, topic: &Topic, stack: &str, tags: &Tags) {
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
fn cloudwatch_uses_key() -> Value {
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

/// The ARN of a queue or topic receiving a function's failures.
fn destination_arn(destination: &Destination) -> Value {
    if destination.kind == Kind::Queue {
        get_att(&Id::queue(&destination.target), "Arn")
    } else {
        reference(&Id::topic(&destination.target))
    }
}

/// The role S3 assumes to replicate a bucket, and its policy. The policy is a resource of its
/// own: it names the source bucket, which names the role, so an inline policy would be a
/// circular dependency.
fn add_replication_role(
    resources: &mut Mapping,
    bucket: &str,
    statements: &[Value],
    provenance: Value,
    tags: &Tags,
) {
    let role = Id::replication_role(bucket);
    resources.insert(
        s(&role),
        map([
            ("Type", s("AWS::IAM::Role")),
            ("Metadata", provenance),
            (
                "Properties",
                with_tags(
                    map([
                        (
                            "Description",
                            s(&format!(
                                "Role S3 assumes to replicate bucket {bucket}, inferred by drc"
                            )),
                        ),
                        (
                            "AssumeRolePolicyDocument",
                            policy_document(vec![map([
                                ("Effect", s("Allow")),
                                ("Principal", map([("Service", s("s3.amazonaws.com"))])),
                                ("Action", s("sts:AssumeRole")),
                            ])]),
                        ),
                    ]),
                    tags,
                ),
            ),
        ]),
    );
    resources.insert(
        s(&Id::replication_policy(bucket)),
        map([
            ("Type", s("AWS::IAM::RolePolicy")),
            (
                "Properties",
                map([
                    ("RoleName", reference(&role)),
                    ("PolicyName", s(&format!("{bucket}-replication"))),
                    ("PolicyDocument", policy_document(statements.to_vec())),
                ]),
            ),
        ]),
    );
}

fn add_function(resources: &mut Mapping, stack: &Stack<'_>, function: &Function, archive: &str) {
    let program = stack.program;
    let name = &function.name;
    let statements = statements(program, &stack.policies.function_role(name).statements);
    let provenance = provenance(stack.function_explanation(name));
    let layout = stack.function_layout(name);
    let tags = &program.tags(&function.tags);
    let log_group = Id::log_group(name);
    resources.insert(
        s(&log_group),
        map([
            ("Type", s("AWS::Logs::LogGroup")),
            ("DeletionPolicy", s("Delete")),
            ("UpdateReplacePolicy", s("Delete")),
            (
                "Properties",
                with_tags(
                    map([
                        (
                            "LogGroupName",
                            sub(&format!(
                                "/aws/lambda/${{AWS::StackName}}/{}",
                                escape_sub(name)
                            )),
                        ),
                        ("RetentionInDays", n(function.log_retention_days)),
                    ]),
                    tags,
                ),
            ),
        ]),
    );

    let mut role = Mapping::new();
    role.insert(
        s("Description"),
        s(&format!("Role of function {name}, inferred by drc")),
    );
    role.insert(
        s("AssumeRolePolicyDocument"),
        policy_document(vec![map([
            ("Effect", s("Allow")),
            ("Principal", map([("Service", s("lambda.amazonaws.com"))])),
            ("Action", s("sts:AssumeRole")),
        ])]),
    );
    // Statements too large for one inline policy go into managed policies attached to the
    // role (see `emit::policy`); the function waits for them.
    let mut depends_on = Vec::new();
    match layout {
        Layout::Inline => {
            role.insert(
                s("Policies"),
                Value::Sequence(vec![map([
                    ("PolicyName", s(&format!("{name}-permissions"))),
                    ("PolicyDocument", policy_document(statements.clone())),
                ])]),
            );
        }
        Layout::Managed(parts) => {
            for (index, part) in parts.iter().enumerate() {
                let id = Id::role_policy(name, index + 1);
                resources.insert(
                    s(&id),
                    map([
                        ("Type", s("AWS::IAM::ManagedPolicy")),
                        (
                            "Properties",
                            map([
                                (
                                    "Description",
                                    s(&format!(
                                        "Permissions of function {name} ({} of {}), inferred by drc",
                                        index + 1,
                                        parts.len()
                                    )),
                                ),
                                ("Roles", Value::Sequence(vec![reference(&Id::role(name))])),
                                (
                                    "PolicyDocument",
                                    policy_document(
                                        statements[part.clone()].to_vec(),
                                    ),
                                ),
                            ]),
                        ),
                    ]),
                );
                depends_on.push(s(&id));
            }
        }
    }
    resources.insert(
        s(&Id::role(name)),
        map([
            ("Type", s("AWS::IAM::Role")),
            ("Metadata", provenance),
            ("Properties", with_tags(Value::Mapping(role), tags)),
        ]),
    );

    let mut properties = Mapping::new();
    if let Some(description) = &function.description {
        properties.insert(s("Description"), text(description));
    }
    properties.insert(s("Runtime"), s(function.runtime.id));
    properties.insert(s("Handler"), s(&function.handler));
    properties.insert(s("Role"), get_att(&Id::role(name), "Arn"));
    properties.insert(s("MemorySize"), n(function.memory_mb));
    properties.insert(s("Timeout"), n(function.timeout_s));
    if let Some(architecture) = function.architecture {
        properties.insert(s("Architectures"), Value::Sequence(vec![s(architecture)]));
    }
    if let Some(mb) = function.ephemeral_storage_mb {
        properties.insert(s("EphemeralStorage"), map([("Size", n(mb))]));
    }
    if let Some(reserved) = function.reserved_concurrency {
        properties.insert(s("ReservedConcurrentExecutions"), n(reserved));
    }
    if let Some(dead_letter) = &function.failure.dead_letter {
        properties.insert(
            s("DeadLetterConfig"),
            map([("TargetArn", destination_arn(dead_letter))]),
        );
    }
    properties.insert(
        s("Code"),
        map([("S3Bucket", reference(CODE_BUCKET)), ("S3Key", s(archive))]),
    );
    if !function.env.is_empty() {
        let mut variables = Mapping::new();
        for (key, value) in &function.env {
            let value = match value {
                EnvValue::Literal(value) => text(value),
                EnvValue::Ref(r) => reference_value(program, r),
            };
            variables.insert(s(key), value);
        }
        properties.insert(
            s("Environment"),
            map([("Variables", Value::Mapping(variables))]),
        );
    }
    properties.insert(
        s("LoggingConfig"),
        map([
            ("LogFormat", s("Text")),
            ("LogGroup", reference(&log_group)),
        ]),
    );
    let mut resource = Mapping::new();
    resource.insert(s("Type"), s("AWS::Lambda::Function"));
    if !depends_on.is_empty() {
        resource.insert(s("DependsOn"), Value::Sequence(depends_on));
    }
    resource.insert(s("Properties"), with_tags(Value::Mapping(properties), tags));
    resources.insert(s(&Id::function(name)), Value::Mapping(resource));
    add_failure_handling(resources, function, tags);
}

/// The event invoke configuration (retries, event age, on-failure destination) and the
/// alarm on the function's errors.
fn add_failure_handling(resources: &mut Mapping, function: &Function, tags: &Tags) {
    let name = &function.name;
    let failure = &function.failure;
    if failure.needs_invoke_config() {
        let mut properties = Mapping::new();
        properties.insert(s("FunctionName"), reference(&Id::function(name)));
        properties.insert(s("Qualifier"), s("$LATEST"));
        if let Some(retries) = failure.retry_attempts {
            properties.insert(s("MaximumRetryAttempts"), n(retries));
        }
        if let Some(age) = failure.max_event_age_s {
            properties.insert(s("MaximumEventAgeInSeconds"), n(age));
        }
        if let Some(on_failure) = &failure.on_failure {
            properties.insert(
                s("DestinationConfig"),
                map([(
                    "OnFailure",
                    map([("Destination", destination_arn(on_failure))]),
                )]),
            );
        }
        resources.insert(
            s(&Id::invoke_config(name)),
            map([
                ("Type", s("AWS::Lambda::EventInvokeConfig")),
                ("Properties", Value::Mapping(properties)),
            ]),
        );
    }
    if let Some(alarm) = &failure.alarm {
        resources.insert(
            s(&Id::error_alarm(name)),
            map([
                ("Type", s("AWS::CloudWatch::Alarm")),
                (
                    "Properties",
                    with_tags(
                        map([
                            (
                                "AlarmDescription",
                                s(&format!("Function {name} reported errors")),
                            ),
                            ("Namespace", s(ERROR_ALARM.namespace)),
                            ("MetricName", s(ERROR_ALARM.metric)),
                            (
                                "Dimensions",
                                Value::Sequence(vec![map([
                                    ("Name", s("FunctionName")),
                                    ("Value", reference(&Id::function(name))),
                                ])]),
                            ),
                            ("Statistic", s(ERROR_ALARM.statistic)),
                            ("Period", n(ERROR_ALARM.period_s)),
                            ("EvaluationPeriods", n(1)),
                            ("Threshold", n(ERROR_ALARM.threshold)),
                            ("ComparisonOperator", s(ERROR_ALARM.comparison)),
                            ("TreatMissingData", s(ERROR_ALARM.missing_data)),
                            (
                                "AlarmActions",
                                Value::Sequence(vec![reference(&Id::topic(&alarm.target))]),
                            ),
                        ]),
                        tags,
                    ),
                ),
            ]),
        );
    }
}

/// An `AWS::IAM::Role` with one trust statement and one inline policy.
fn role(
    description: &str,
    trust: Value,
    name: &str,
    statements: &[Value],
    provenance: Value,
    tags: &Tags,
) -> Value {
    let statements = statements.to_vec();
    map([
        ("Type", s("AWS::IAM::Role")),
        ("Metadata", provenance),
        (
            "Properties",
            with_tags(
                map([
                    ("Description", s(description)),
                    ("AssumeRolePolicyDocument", policy_document(vec![trust])),
                    (
                        "Policies",
                        Value::Sequence(vec![map([
                            ("PolicyName", s(&format!("{name}-permissions"))),
                            ("PolicyDocument", policy_document(statements)),
                        ])]),
                    ),
                ]),
                tags,
            ),
        ),
    ])
}

/// An EventBridge Scheduler schedule and the role it assumes to invoke its function.
/// Schedules are not taggable; their role carries the tags.
fn add_schedule(
    resources: &mut Mapping,
    schedule: &Schedule,
    statements: &[Value],
    provenance: Value,
    tags: &Tags,
) {
    let name = &schedule.name;
    let role_id = Id::schedule_role(name);
    resources.insert(
        s(&role_id),
        role(
            &format!("Role EventBridge Scheduler assumes for schedule {name}, inferred by drc"),
            map([
                ("Effect", s("Allow")),
                (
                    "Principal",
                    map([("Service", s("scheduler.amazonaws.com"))]),
                ),
                ("Action", s("sts:AssumeRole")),
                (
                    "Condition",
                    map([(
                        "StringEquals",
                        map([("aws:SourceAccount", reference("AWS::AccountId"))]),
                    )]),
                ),
            ]),
            name,
            statements,
            provenance,
            tags,
        ),
    );
    let mut properties = Mapping::new();
    if let Some(description) = &schedule.description {
        properties.insert(s("Description"), text(description));
    }
    properties.insert(s("ScheduleExpression"), s(&schedule.expression.to_aws()));
    if let Some(timezone) = &schedule.timezone {
        properties.insert(s("ScheduleExpressionTimezone"), s(timezone));
    }
    properties.insert(
        s("State"),
        s(if schedule.enabled {
            "ENABLED"
        } else {
            "DISABLED"
        }),
    );
    properties.insert(
        s("FlexibleTimeWindow"),
        match schedule.flexible_window_minutes {
            Some(minutes) => map([
                ("Mode", s("FLEXIBLE")),
                ("MaximumWindowInMinutes", n(minutes)),
            ]),
            None => map([("Mode", s("OFF"))]),
        },
    );
    let mut target = Mapping::new();
    target.insert(s("Arn"), get_att(&Id::function(&schedule.target), "Arn"));
    target.insert(s("RoleArn"), get_att(&role_id, "Arn"));
    if let Some(payload) = &schedule.payload {
        target.insert(s("Input"), s(payload));
    }
    let mut retry = Mapping::new();
    if let Some(age) = schedule.max_event_age_s {
        retry.insert(s("MaximumEventAgeInSeconds"), n(age));
    }
    if let Some(retries) = schedule.retries {
        retry.insert(s("MaximumRetryAttempts"), n(retries));
    }
    if !retry.is_empty() {
        target.insert(s("RetryPolicy"), Value::Mapping(retry));
    }
    properties.insert(s("Target"), Value::Mapping(target));
    resources.insert(
        s(&Id::schedule(name)),
        map([
            ("Type", s("AWS::Scheduler::Schedule")),
            ("Properties", Value::Mapping(properties)),
        ]),
    );
}

fn outputs(stack: &Stack<'_>) -> Mapping {
    let mut outputs = Mapping::new();
    for bucket in stack.program.local_buckets() {
        let id = Id::bucket(&bucket.name);
        outputs.insert(
            s(&format!("{id}Name")),
            map([
                ("Description", s(&format!("Name of bucket {}", bucket.name))),
                ("Value", reference(&id)),
            ]),
        );
    }
    for function in stack.program.functions() {
        let id = Id::function(&function.name);
        outputs.insert(
            s(&format!("{id}Arn")),
            map([
                (
                    "Description",
                    s(&format!("ARN of function {}", function.name)),
                ),
                ("Value", get_att(&id, "Arn")),
            ]),
        );
    }
    for output in stack.program.outputs() {
        let mut body = Mapping::new();
        if let Some(description) = &output.description {
            body.insert(s("Description"), s(description));
        }
        body.insert(s("Value"), reference_value(stack.program, &output.value));
        if let Some(export) = &output.export {
            body.insert(s("Export"), map([("Name", s(export))]));
        }
        outputs.insert(s(&Id::output(&output.name)), Value::Mapping(body));
    }
    outputs
}

/// `Metadata: {drc: {provenance: {Sid: {action: ["input.dr:12:3 put backups \"daily/\""]}}}}`:
/// why each action of a role is there. Metadata is never part of the policy.
fn provenance(role: &RoleExplanation) -> Value {
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

/// The value of `item.name` or `item.arn`.
fn reference_value(program: &Program, r: &Reference) -> Value {
    match (r.kind, r.attribute) {
        (Kind::Bucket, Attribute::Name) => bucket_name(program, &r.item),
        (Kind::Bucket, Attribute::Arn) => bucket_arn(program, &r.item),
        (_, Attribute::Name) => reference(&Id::function(&r.item)),
        (_, Attribute::Arn) => get_att(&Id::function(&r.item), "Arn"),
    }
}

/// A role's statements.
fn statements(program: &Program, list: &[Statement]) -> Vec<Value> {
    list.iter().map(|st| statement(program, st)).collect()
}

/// One role statement.
fn statement(program: &Program, statement: &Statement) -> Value {
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
fn resource(program: &Program, resource: &Resource) -> Value {
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
        Resource::QueueKey(q) => get_att(&Id::queue_key(q), "Arn"),
        Resource::Topic(t) => reference(&Id::topic(t)),
        Resource::TopicKey(t) => get_att(&Id::topic_key(t), "Arn"),
        Resource::ExistingBucket { arn, .. } | Resource::ExistingKey { arn, .. } => s(arn),
        Resource::ExistingObjects { arn, prefix, .. } => s(&format!("{arn}/{prefix}*")),
    }
}

/// The name of a bucket of the stack. The template of the stack's region names a bucket in
/// another region by its `name`, or by the parameter its own template's output fills.
fn bucket_name(program: &Program, bucket: &str) -> Value {
    let b = program.bucket(bucket);
    match (&b.region, &b.bucket_name) {
        (None, _) => reference(&Id::bucket(bucket)),
        (Some(_), Some(name)) => text(name),
        (Some(_), None) => reference(&remote_name_param(bucket)),
    }
}

/// The ARN of a bucket of the stack, as [`bucket_name`] names it.
fn bucket_arn(program: &Program, bucket: &str) -> Value {
    if program.bucket(bucket).region.is_none() {
        get_att(&Id::bucket(bucket), "Arn")
    } else {
        sub(&bucket_arn_template(program, bucket))
    }
}

/// The ARN of a bucket of the stack inside `!Sub`.
fn bucket_arn_template(program: &Program, bucket: &str) -> String {
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
fn bucket_key_arn(program: &Program, bucket: &str) -> Value {
    if program.bucket(bucket).region.is_none() {
        get_att(&Id::bucket_key(bucket), "Arn")
    } else {
        reference(&remote_key_param(bucket))
    }
}

/// The output of a bucket's regional template, and the parameter of the main template it
/// fills, holding the bucket's name: `ReplicaBucketName`. No resource ID ends in `Name`,
/// and the main template has no output for a bucket it does not create.
fn remote_name_param(bucket: &str) -> String {
    format!("{}Name", Id::bucket(bucket))
}

/// As [`remote_name_param`], for the ARN of the bucket's key: `ReplicaBucketKeyArn`.
fn remote_key_param(bucket: &str) -> String {
    format!("{}KeyArn", Id::bucket(bucket))
}

fn policy_document(statements: Vec<Value>) -> Value {
    map([
        ("Version", s("2012-10-17")),
        ("Statement", Value::Sequence(statements)),
    ])
}

/// User text: a plain string, or `!Sub` with each parameter as `${<ID>Param}` when it
/// inserts any.
fn text(text: &Text) -> Value {
    match text.as_literal() {
        Some(plain) => s(plain),
        None => sub(&sub_template(text)),
    }
}

/// User text inside `!Sub`: literal parts escaped, each parameter as `${<ID>Param}`.
fn sub_template(text: &Text) -> String {
    text.parts
        .iter()
        .map(|part| match part {
            TextPart::Literal(literal) => escape_sub(literal),
            TextPart::Param(name) => format!("${{{}}}", Id::param(name)),
        })
        .collect()
}

/// A parameter's default or allowed value.
fn param_value(value: &ParamValue) -> Value {
    match value {
        ParamValue::String(text) => s(text),
        ParamValue::Number(number) => Value::Number((*number).into()),
    }
}

/// Literal text inside `!Sub`: `${` would start a substitution, `${!` is its escape.
fn escape_sub(text: &str) -> String {
    text.replace("${", "${!")
}

fn s(text: &str) -> Value {
    Value::String(text.to_owned())
}

fn n(number: u32) -> Value {
    Value::Number(number.into())
}

fn map<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Mapping(entries.into_iter().map(|(k, v)| (s(k), v)).collect())
}

fn tagged(tag: &str, value: Value) -> Value {
    Value::Tagged(Box::new(TaggedValue {
        tag: Tag::new(tag),
        value,
    }))
}

fn reference(id: &str) -> Value {
    tagged("Ref", s(id))
}

fn get_att(id: &str, attribute: &str) -> Value {
    tagged("GetAtt", s(&format!("{id}.{attribute}")))
}

fn sub(template: &str) -> Value {
    tagged("Sub", s(template))
}
