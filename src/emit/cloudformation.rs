//! CloudFormation YAML.
//!
//! Intrinsic functions are written in their short forms (`!Ref`, `!GetAtt`, `!Sub`). User
//! text that lands inside `!Sub` is escaped (`${` becomes `${!`), so it can never become a
//! substitution. Retained buckets (and their keys) get `DeletionPolicy: Retain` and
//! `UpdateReplacePolicy: Retain`; every other stateful resource says `Delete` explicitly.
//!
//! This is the only module that uses the YAML library (`serde_norway`, see
//! `docs/architecture.md`).

use super::{LogicalIds as Id, Stack};
use crate::check::model::{
    Attribute, Bucket, Encryption, EnvValue, Function, Kind, LifecycleRule, Retention, Schedule,
    Transition,
};
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
    for bucket in program.created_buckets() {
        let log_sources: Vec<&Bucket> = program
            .buckets
            .iter()
            .filter(|b| {
                b.access_logs
                    .as_ref()
                    .is_some_and(|l| l.bucket == bucket.name)
            })
            .collect();
        add_bucket(&mut resources, bucket, &log_sources, &program.stack.name);
    }
    for bucket in &program.buckets {
        if let Some(role) = stack.policies.replication_role(&bucket.name) {
            add_replication_role(&mut resources, &bucket.name, &role.statements);
        }
    }
    for (function, archive) in program.functions.iter().zip(&stack.archives) {
        let role = stack.policies.function_role(&function.name);
        add_function(
            &mut resources,
            function,
            &role.statements,
            &archive.file_name,
        );
    }
    for schedule in &program.schedules {
        add_schedule(&mut resources, schedule);
    }
    template.insert(s("Resources"), Value::Mapping(resources));
    let outputs = outputs(stack);
    if !outputs.is_empty() {
        template.insert(s("Outputs"), Value::Mapping(outputs));
    }
    let yaml = serde_norway::to_string(&Value::Mapping(template))
        .expect("a mapping of strings, numbers and tags always serializes");
    format!("# {}\n{yaml}", super::header(stack))
}

/// The one parameter: the bucket the code archives were uploaded to. Its ID ends in
/// `Archives`, which no resource or output ID does. Each function's S3 key is written into the template itself (it
/// carries the archive's hash), so new code changes the template and CloudFormation updates
/// the function; a key parameter would keep its previous value on `aws cloudformation deploy`.
fn parameters(stack: &Stack<'_>) -> Mapping {
    let mut parameters = Mapping::new();
    if stack.program.functions.is_empty() {
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
            ("AllowedPattern", s("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")),
        ]),
    );
    parameters
}

/// The parameter naming the bucket that holds code archives.
const CODE_BUCKET: &str = "CodeArchives";

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

fn add_bucket(resources: &mut Mapping, bucket: &Bucket, log_sources: &[&Bucket], stack: &str) {
    let policy = if bucket.retain { "Retain" } else { "Delete" };
    let id = Id::bucket(&bucket.name);
    let mut properties = Mapping::new();
    if let Some(name) = &bucket.bucket_name {
        properties.insert(s("BucketName"), s(name));
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
        properties.insert(
            s("ReplicationConfiguration"),
            map([
                ("Role", get_att(&Id::replication_role(&bucket.name), "Arn")),
                (
                    "Rules",
                    Value::Sequence(vec![map([
                        ("Id", s("ReplicateToReplica")),
                        ("Status", s("Enabled")),
                        ("Priority", n(1)),
                        ("Filter", map([("Prefix", s(""))])),
                        ("DeleteMarkerReplication", map([("Status", s("Disabled"))])),
                        (
                            "Destination",
                            map([("Bucket", get_att(&Id::bucket(&replication.replica), "Arn"))]),
                        ),
                    ])]),
                ),
            ]),
        );
    }
    resources.insert(
        s(&id),
        map([
            ("Type", s("AWS::S3::Bucket")),
            ("DeletionPolicy", s(policy)),
            ("UpdateReplacePolicy", s(policy)),
            ("Properties", Value::Mapping(properties)),
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
            map([
                ("Type", s("AWS::KMS::Key")),
                ("DeletionPolicy", s(policy)),
                ("UpdateReplacePolicy", s(policy)),
                (
                    "Properties",
                    map([
                        (
                            "Description",
                            s(&format!(
                                "Encrypts the objects of bucket {} in stack {stack}",
                                bucket.name
                            )),
                        ),
                        ("EnableKeyRotation", Value::Bool(true)),
                        ("PendingWindowInDays", n(30)),
                        (
                            "KeyPolicy",
                            policy_document(vec![map([
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
                            ])]),
                        ),
                    ]),
                ),
            ]),
        );
    }
}

/// The role S3 assumes to replicate a bucket, and its policy. The policy is a resource of its
/// own: it names the source bucket, which names the role, so an inline policy would be a
/// circular dependency.
fn add_replication_role(resources: &mut Mapping, bucket: &str, statements: &[Statement]) {
    let role = Id::replication_role(bucket);
    resources.insert(
        s(&role),
        map([
            ("Type", s("AWS::IAM::Role")),
            (
                "Properties",
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
                    (
                        "PolicyDocument",
                        policy_document(statements.iter().map(statement).collect()),
                    ),
                ]),
            ),
        ]),
    );
}

fn add_function(
    resources: &mut Mapping,
    function: &Function,
    statements: &[Statement],
    archive: &str,
) {
    let name = &function.name;
    let log_group = Id::log_group(name);
    resources.insert(
        s(&log_group),
        map([
            ("Type", s("AWS::Logs::LogGroup")),
            ("DeletionPolicy", s("Delete")),
            ("UpdateReplacePolicy", s("Delete")),
            (
                "Properties",
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
            ),
        ]),
    );

    let statements: Vec<Value> = statements.iter().map(statement).collect();
    resources.insert(
        s(&Id::role(name)),
        map([
            ("Type", s("AWS::IAM::Role")),
            (
                "Properties",
                map([
                    (
                        "Description",
                        s(&format!("Role of function {name}, inferred by drc")),
                    ),
                    (
                        "AssumeRolePolicyDocument",
                        policy_document(vec![map([
                            ("Effect", s("Allow")),
                            ("Principal", map([("Service", s("lambda.amazonaws.com"))])),
                            ("Action", s("sts:AssumeRole")),
                        ])]),
                    ),
                    (
                        "Policies",
                        Value::Sequence(vec![map([
                            ("PolicyName", s(&format!("{name}-permissions"))),
                            ("PolicyDocument", policy_document(statements)),
                        ])]),
                    ),
                ]),
            ),
        ]),
    );

    let mut properties = Mapping::new();
    if let Some(description) = &function.description {
        properties.insert(s("Description"), s(description));
    }
    properties.insert(s("Runtime"), s(function.runtime.id));
    properties.insert(s("Handler"), s(&function.handler));
    properties.insert(s("Role"), get_att(&Id::role(name), "Arn"));
    properties.insert(s("MemorySize"), n(function.memory_mb));
    properties.insert(s("Timeout"), n(function.timeout_s));
    properties.insert(
        s("Code"),
        map([("S3Bucket", reference(CODE_BUCKET)), ("S3Key", s(archive))]),
    );
    if !function.env.is_empty() {
        let mut variables = Mapping::new();
        for (key, value) in &function.env {
            let value = match value {
                EnvValue::Literal(text) => s(text),
                EnvValue::Ref(r) => match (r.kind, r.attribute) {
                    (Kind::Bucket, Attribute::Name) => reference(&Id::bucket(&r.item)),
                    (Kind::Bucket, Attribute::Arn) => get_att(&Id::bucket(&r.item), "Arn"),
                    (_, Attribute::Name) => reference(&Id::function(&r.item)),
                    (_, Attribute::Arn) => get_att(&Id::function(&r.item), "Arn"),
                },
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
    resources.insert(
        s(&Id::function(name)),
        map([
            ("Type", s("AWS::Lambda::Function")),
            ("Properties", Value::Mapping(properties)),
        ]),
    );
}

fn add_schedule(resources: &mut Mapping, schedule: &Schedule) {
    let id = Id::schedule(&schedule.name);
    let function = Id::function(&schedule.target);
    let mut properties = Mapping::new();
    if let Some(description) = &schedule.description {
        properties.insert(s("Description"), s(description));
    }
    properties.insert(s("ScheduleExpression"), s(&schedule.expression.to_aws()));
    properties.insert(
        s("State"),
        s(if schedule.enabled {
            "ENABLED"
        } else {
            "DISABLED"
        }),
    );
    properties.insert(
        s("Targets"),
        Value::Sequence(vec![map([
            ("Id", s(&schedule.target)),
            ("Arn", get_att(&function, "Arn")),
        ])]),
    );
    resources.insert(
        s(&id),
        map([
            ("Type", s("AWS::Events::Rule")),
            ("Properties", Value::Mapping(properties)),
        ]),
    );
    resources.insert(
        s(&Id::schedule_permission(&schedule.name)),
        map([
            ("Type", s("AWS::Lambda::Permission")),
            (
                "Properties",
                map([
                    ("Action", s("lambda:InvokeFunction")),
                    ("FunctionName", get_att(&function, "Arn")),
                    ("Principal", s("events.amazonaws.com")),
                    ("SourceArn", get_att(&id, "Arn")),
                    ("SourceAccount", reference("AWS::AccountId")),
                ]),
            ),
        ]),
    );
}

fn outputs(stack: &Stack<'_>) -> Mapping {
    let mut outputs = Mapping::new();
    for bucket in stack.program.created_buckets() {
        let id = Id::bucket(&bucket.name);
        outputs.insert(
            s(&format!("{id}Name")),
            map([
                ("Description", s(&format!("Name of bucket {}", bucket.name))),
                ("Value", reference(&id)),
            ]),
        );
    }
    for function in &stack.program.functions {
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
    outputs
}

/// One role statement.
fn statement(statement: &Statement) -> Value {
    let actions: Vec<Value> = statement.actions.iter().map(|a| s(a.name)).collect();
    let mut m = Mapping::new();
    m.insert(s("Sid"), s(&statement.sid));
    m.insert(s("Effect"), s("Allow"));
    m.insert(s("Action"), Value::Sequence(actions));
    m.insert(s("Resource"), resource(&statement.resource));
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
fn resource(resource: &Resource) -> Value {
    match resource {
        Resource::Bucket(b) => get_att(&Id::bucket(b), "Arn"),
        Resource::Objects { bucket, prefix } => sub(&format!(
            "${{{}.Arn}}/{}*",
            Id::bucket(bucket),
            escape_sub(prefix)
        )),
        Resource::BucketKey(b) => get_att(&Id::bucket_key(b), "Arn"),
        Resource::LogStreams(f) => sub(&format!(
            "arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:${{{}}}:log-stream:*",
            Id::log_group(f)
        )),
        Resource::Function(f) => get_att(&Id::function(f), "Arn"),
        Resource::ExistingBucket { arn, .. } | Resource::ExistingKey { arn, .. } => s(arn),
        Resource::ExistingObjects { arn, prefix, .. } => s(&format!("{arn}/{prefix}*")),
    }
}

fn policy_document(statements: Vec<Value>) -> Value {
    map([
        ("Version", s("2012-10-17")),
        ("Statement", Value::Sequence(statements)),
    ])
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
