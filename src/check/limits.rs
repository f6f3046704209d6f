//! Service limits and naming rules that drc checks at compile time: one table of numbers,
//! each with the AWS page it comes from, and the rule functions that read it.

/// A numeric limit with its source.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// Smallest accepted value.
    pub min: u64,
    /// Largest accepted value.
    pub max: u64,
    /// The AWS page that states it.
    pub source: &'static str,
}

/// Lambda memory, in MB.
pub const LAMBDA_MEMORY_MB: Limit = Limit {
    min: 128,
    max: 10_240,
    source: "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html",
};

/// Lambda timeout, in seconds.
pub const LAMBDA_TIMEOUT_S: Limit = Limit {
    min: 1,
    max: 900,
    source: "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html",
};

/// Total size of a function's environment variables, in bytes.
pub const LAMBDA_ENV_BYTES: Limit = Limit {
    min: 0,
    max: 4096,
    source: "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html",
};

/// Lambda function name length (drc names functions `<stack>-<function>` on Terraform).
pub const LAMBDA_FUNCTION_NAME: Limit = Limit {
    min: 1,
    max: 64,
    source: "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html",
};

/// Lambda function description length.
pub const LAMBDA_DESCRIPTION: Limit = Limit {
    min: 0,
    max: 256,
    source: "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html",
};

/// Lambda ephemeral storage (`/tmp`), in MB.
pub const LAMBDA_EPHEMERAL_MB: Limit = Limit {
    min: 512,
    max: 10_240,
    source: "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html",
};

/// Reserved concurrency of one function. Lambda's default concurrency quota is 1,000 per
/// Region and it always keeps 100 unreserved, so at most 900 can be reserved without a quota
/// increase; 0 stops every invocation.
pub const LAMBDA_RESERVED_CONCURRENCY: Limit = Limit {
    min: 0,
    max: 900,
    source: "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html",
};

/// Retry attempts of an asynchronous invocation.
pub const LAMBDA_RETRY_ATTEMPTS: Limit = Limit {
    min: 0,
    max: 2,
    source: "https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html",
};

/// Maximum age of an asynchronous event, in seconds.
pub const LAMBDA_EVENT_AGE_S: Limit = Limit {
    min: 60,
    max: 21_600,
    source: "https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html",
};

/// SQS queue name length (drc names queues `<stack>-<queue>` on Terraform, and a schedule's
/// dead-letter queue `<stack>-<schedule>-dead-letters`).
pub const SQS_QUEUE_NAME: Limit = Limit {
    min: 1,
    max: 80,
    source: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html",
};

/// SQS message retention, in seconds.
pub const SQS_RETENTION_S: Limit = Limit {
    min: 60,
    max: 1_209_600,
    source: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html",
};

/// Lambda handler length.
pub const LAMBDA_HANDLER: Limit = Limit {
    min: 1,
    max: 128,
    source: "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html",
};

/// EventBridge schedule rate, in minutes.
pub const SCHEDULE_RATE_MINUTES: Limit = Limit {
    min: 1,
    max: u32::MAX as u64,
    source: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html",
};

/// EventBridge Scheduler schedule description length.
pub const SCHEDULE_DESCRIPTION: Limit = Limit {
    min: 0,
    max: 512,
    source: "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html",
};

/// EventBridge Scheduler flexible time window, in minutes.
pub const SCHEDULE_FLEXIBLE_WINDOW_MINUTES: Limit = Limit {
    min: 1,
    max: 1440,
    source: "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_FlexibleTimeWindow.html",
};

/// EventBridge Scheduler retry attempts.
pub const SCHEDULE_RETRIES: Limit = Limit {
    min: 0,
    max: 185,
    source: "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html",
};

/// EventBridge Scheduler maximum event age, in seconds.
pub const SCHEDULE_EVENT_AGE_S: Limit = Limit {
    min: 60,
    max: 86_400,
    source: "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html",
};

/// A schedule's JSON payload, in bytes: EventBridge Scheduler invokes Lambda
/// asynchronously, and an asynchronous invocation carries at most 1 MB.
pub const SCHEDULE_PAYLOAD_BYTES: Limit = Limit {
    min: 0,
    max: 1_048_576,
    source: "https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html",
};

/// Outputs in one CloudFormation template.
pub const CFN_OUTPUTS: Limit = Limit {
    min: 0,
    max: 200,
    source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/outputs-section-structure.html",
};

/// CloudFormation output description length, in bytes.
pub const OUTPUT_DESCRIPTION: Limit = Limit {
    min: 0,
    max: 1024,
    source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/outputs-section-structure.html",
};

/// CloudFormation export name length.
pub const EXPORT_NAME: Limit = Limit {
    min: 1,
    max: 255,
    source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-exports.html",
};

/// Tags on one resource.
pub const TAGS_PER_RESOURCE: Limit = Limit {
    min: 0,
    max: 50,
    source: TAGGING_SOURCE,
};

/// Tag key length, in characters.
pub const TAG_KEY: Limit = Limit {
    min: 1,
    max: 128,
    source: TAGGING_SOURCE,
};

/// Tag value length, in characters.
pub const TAG_VALUE: Limit = Limit {
    min: 0,
    max: 256,
    source: TAGGING_SOURCE,
};

/// The AWS tagging rules: counts, lengths, characters and the reserved `aws:` prefix.
pub const TAGGING_SOURCE: &str =
    "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html#tag-conventions";

/// CloudFormation template description length, in bytes.
pub const STACK_DESCRIPTION: Limit = Limit {
    min: 0,
    max: 1024,
    source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-description-structure.html",
};

/// Resources in one CloudFormation template.
pub const CFN_RESOURCES: Limit = Limit {
    min: 0,
    max: 500,
    source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html",
};

/// CloudFormation parameters in one template.
pub const CFN_PARAMETERS: Limit = Limit {
    min: 0,
    max: 200,
    source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html",
};

/// The size of a template CloudFormation reads from S3 (as nested templates are), in bytes.
pub const CFN_TEMPLATE_BYTES: Limit = Limit {
    min: 0,
    max: 1_000_000,
    source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html",
};

/// S3 lifecycle periods, in days.
pub const LIFECYCLE_DAYS: Limit = Limit {
    min: 1,
    max: 2_147_483_647,
    source: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleExpiration.html",
};

/// Days in a lifecycle transition: 0 moves objects on the first lifecycle run after creation
/// (classes with a larger minimum say so in [`STORAGE_CLASSES`]).
pub const TRANSITION_DAYS: Limit = Limit {
    min: 0,
    max: 2_147_483_647,
    source: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_Transition.html",
};

/// A storage class a lifecycle rule can move objects to, and the constraints S3 puts on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct StorageClass {
    /// The `.dr` attribute: `glacier_ir = 30d` (and `noncurrent_glacier_ir = 30d`).
    pub keyword: &'static str,
    /// The name S3, CloudFormation and Terraform use: `GLACIER_IR`.
    pub aws: &'static str,
    /// The fewest days after creation (or after becoming noncurrent) S3 accepts.
    pub min_days: u32,
    /// The days an object must stay in this class before a later transition.
    pub min_stay_days: u32,
    /// The minimum storage duration S3 charges for: an object deleted, overwritten or moved
    /// out earlier is billed for the remaining days
    /// (<https://aws.amazon.com/s3/storage-classes/>, "Minimum storage duration").
    pub min_storage_days: u32,
}

/// The storage classes lifecycle rules can move objects to, in S3's transition waterfall
/// order: objects only move down this list, so a rule's transitions must be in this order,
/// each later than the one before (and at least `min_stay_days` later). S3 Standard-IA needs
/// 30 days after creation and 30 days of stay before a later transition; the others accept 0.
/// Sources:
/// <https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html>
/// (supported transitions, the waterfall, "Constraints and considerations for transitions"),
/// <https://docs.aws.amazon.com/AmazonS3/latest/API/API_Transition.html> (valid days per class).
pub const STORAGE_CLASSES: &[StorageClass] = &[
    StorageClass {
        keyword: "standard_ia",
        min_storage_days: 30,
        aws: "STANDARD_IA",
        min_days: 30,
        min_stay_days: 30,
    },
    StorageClass {
        keyword: "intelligent_tiering",
        min_storage_days: 0,
        aws: "INTELLIGENT_TIERING",
        min_days: 0,
        min_stay_days: 0,
    },
    StorageClass {
        keyword: "glacier_ir",
        min_storage_days: 90,
        aws: "GLACIER_IR",
        min_days: 0,
        min_stay_days: 0,
    },
    StorageClass {
        keyword: "glacier",
        min_storage_days: 90,
        aws: "GLACIER",
        min_days: 0,
        min_stay_days: 0,
    },
    StorageClass {
        keyword: "deep_archive",
        min_storage_days: 180,
        aws: "DEEP_ARCHIVE",
        min_days: 0,
        min_stay_days: 0,
    },
];

/// The source of [`STORAGE_CLASSES`], for notes in diagnostics.
pub const STORAGE_CLASSES_SOURCE: &str = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html";

/// `copies` and `regions` objectives: at least one (drc's own rule: a count of places).
pub const OBJECTIVE_COUNT: Limit = Limit {
    min: 1,
    max: 100,
    source: "docs/language.md#objectives",
};

/// S3 Object Lock default retention, in days (`retain = 30d`).
pub const OBJECT_LOCK_DAYS: Limit = Limit {
    min: 1,
    max: 36_500,
    source: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_DefaultRetention.html",
};

/// S3 Object Lock default retention, in years (`retain = 7y`).
pub const OBJECT_LOCK_YEARS: Limit = Limit {
    min: 1,
    max: 100,
    source: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_DefaultRetention.html",
};

/// S3 object key prefix length, in bytes (the longest key S3 accepts).
pub const KEY_PREFIX_BYTES: Limit = Limit {
    min: 1,
    max: 1024,
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html",
};

/// The retention periods CloudWatch Logs accepts, in days.
/// Source: <https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html>
pub const LOG_RETENTION_DAYS: &[u32] = &[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// Environment variable names Lambda reserves.
/// Source: <https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime>
pub const RESERVED_ENV_VARS: &[&str] = &[
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_DEFAULT_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_LAMBDA_RUNTIME_API",
    "AWS_REGION",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "LAMBDA_RUNTIME_DIR",
    "LAMBDA_TASK_ROOT",
];

/// Why an environment variable name is refused, or `None` if it is fine. Lambda requires a
/// letter first, at least two characters, and only letters, digits and `_`.
/// Source: <https://docs.aws.amazon.com/lambda/latest/api/API_Environment.html>
pub fn env_var_problem(name: &str) -> Option<String> {
    if RESERVED_ENV_VARS.contains(&name) {
        return Some(format!("`{name}` is reserved by Lambda"));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Some("names must start with a letter".to_owned());
    }
    if name.len() < 2 {
        return Some("names must be at least two characters long".to_owned());
    }
    None
}

/// Why an explicit S3 bucket name breaks S3's naming rules, or `None` if it is fine.
/// Source: <https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html>
pub fn bucket_name_problem(name: &str) -> Option<String> {
    bucket_name_problem_of(name, true, true)
}

/// What is wrong with the literal parts of a bucket name that inserts parameters, if anything:
/// the rules that hold whatever the parameters' values are. `parts` are the name's pieces in
/// order: `Some(literal)`, or `None` where a parameter is inserted.
pub fn bucket_name_parts_problem(parts: &[Option<&str>]) -> Option<String> {
    let literal_length: usize = parts.iter().flatten().map(|l| l.len()).sum();
    if literal_length > 63 {
        return Some(format!(
            "bucket names are at most 63 characters long; the fixed text alone has {literal_length}"
        ));
    }
    let last = parts.len().saturating_sub(1);
    parts.iter().enumerate().find_map(|(i, part)| {
        part.and_then(|literal| bucket_name_problem_of(literal, i == 0, i == last))
    })
}

/// The rules on one piece of a bucket name; `start` and `end` say whether the piece begins or
/// ends the name (a whole name is both).
fn bucket_name_problem_of(name: &str, start: bool, end: bool) -> Option<String> {
    const RESERVED_PREFIXES: &[&str] = &["xn--", "sthree-", "amzn-s3-demo-"];
    const RESERVED_SUFFIXES: &[&str] = &["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];
    if start && end && !(3..=63).contains(&name.len()) {
        return Some(format!(
            "bucket names are 3 to 63 characters long; this one has {}",
            name.len()
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '.' || *c == '-'))
    {
        return Some(format!(
            "bucket names use only lowercase letters, digits, `.` and `-`, not `{c}`"
        ));
    }
    let alphanumeric = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    if start && !name.starts_with(alphanumeric) || end && !name.ends_with(alphanumeric) {
        return Some("bucket names start and end with a letter or a digit".to_owned());
    }
    if name.contains("..") {
        return Some("bucket names cannot contain two adjacent periods".to_owned());
    }
    if start
        && end
        && name.split('.').count() == 4
        && name.split('.').all(|part| part.parse::<u8>().is_ok())
    {
        return Some("bucket names cannot look like an IP address".to_owned());
    }
    if let Some(prefix) = RESERVED_PREFIXES
        .iter()
        .find(|p| start && name.starts_with(*p))
    {
        return Some(format!("the prefix `{prefix}` is reserved by S3"));
    }
    if let Some(suffix) = RESERVED_SUFFIXES.iter().find(|s| end && name.ends_with(*s)) {
        return Some(format!("the suffix `{suffix}` is reserved by S3"));
    }
    None
}

/// Characters of all inline policies of one IAM role together, counted without whitespace.
pub const INLINE_ROLE_POLICY_CHARS: Limit = Limit {
    min: 0,
    max: 10_240,
    source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
};

/// Characters of one customer managed policy, counted without whitespace.
pub const MANAGED_POLICY_CHARS: Limit = Limit {
    min: 0,
    max: 6_144,
    source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
};

/// Managed policies attached to one IAM role (the default quota; it can be raised to 25).
pub const MANAGED_POLICIES_PER_ROLE: Limit = Limit {
    min: 0,
    max: 10,
    source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
};

/// Rules of one bucket's replication configuration, so destinations of one `replicate_to`
/// (drc writes one rule per destination).
pub const REPLICATION_RULES: Limit = Limit {
    min: 1,
    max: 1_000,
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-add-config.html",
};

/// S3 bucket name length, in characters.
pub const BUCKET_NAME: Limit = Limit {
    min: 3,
    max: 63,
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
};

/// SNS topic name length (drc names topics `<stack>-<topic>` on Terraform).
pub const SNS_TOPIC_NAME: Limit = Limit {
    min: 1,
    max: 256,
    source: "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html",
};

/// CloudWatch Logs log group name length (drc names a function's `/aws/lambda/<function name>`).
pub const LOG_GROUP_NAME: Limit = Limit {
    min: 1,
    max: 512,
    source: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
};

/// CloudWatch alarm name length (drc names a function's alarms `<function name>-errors` and
/// `<function name>-failures` on Terraform).
pub const ALARM_NAME: Limit = Limit {
    min: 1,
    max: 255,
    source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
};

/// Name of an inline role policy (`<function>-permissions`, `<bucket>-replication`).
pub const ROLE_POLICY_NAME: Limit = Limit {
    min: 1,
    max: 128,
    source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html",
};

/// CloudFormation logical ID length.
pub const LOGICAL_ID: Limit = Limit {
    min: 1,
    max: 255,
    source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/resources-section-structure.html",
};

/// Lifecycle rules in one bucket's lifecycle configuration.
pub const LIFECYCLE_RULES: Limit = Limit {
    min: 0,
    max: 1_000,
    source: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleConfiguration.html",
};

/// CloudFormation stack name length, in characters.
pub const STACK_NAME: Limit = Limit {
    min: 1,
    max: 128,
    source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html",
};

/// The key ID in a KMS key ARN: a UUID, or `mrk-` and 32 hex digits for a multi-Region key.
pub const KMS_KEY_ID: Limit = Limit {
    min: 36,
    max: 36,
    source: "https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id-key-id",
};
/// Why an `existing = "..."` function reference is refused, or `None` if it is fine. It is a
/// function name (letters, digits, `-`, `_`; at most 64) or an unqualified function ARN
/// `arn:<partition>:lambda:<region>:<12-digit account>:function:<name>`.
/// Source: <https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html>
pub fn existing_function_problem(text: &str) -> Option<String> {
    let name_problem = |name: &str| {
        if name.is_empty() || name.len() > 64 {
            Some(format!(
                "function names are 1 to 64 characters; this one has {}",
                name.len()
            ))
        } else {
            name.chars()
                .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
                .map(|c| format!("function names use letters, digits, `-` and `_`, not `{c}`"))
        }
    };
    if !text.starts_with("arn:") {
        return name_problem(text);
    }
    let parts: Vec<&str> = text.split(':').collect();
    match parts.as_slice() {
        [
            "arn",
            partition,
            "lambda",
            region,
            account,
            "function",
            name,
        ] => {
            if !partition.starts_with("aws") {
                Some(format!("`{partition}` is not an AWS partition"))
            } else if region.is_empty()
                || !region
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                Some(format!("`{region}` is not a Region"))
            } else if account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
                Some(format!("`{account}` is not a 12-digit account ID"))
            } else {
                name_problem(name)
            }
        }
        ["arn", _, "lambda", _, _, "function", _, _] => {
            Some("a version or alias ARN: drc grants on the unqualified function ARN".to_owned())
        }
        _ => Some(
            "not a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>)"
                .to_owned(),
        ),
    }
}

/// Why an email address for an SNS subscription is refused, or `None` if it is fine. SNS
/// sends a confirmation to it; drc checks only its shape: one `@`, no spaces, a dot in the
/// domain.
pub fn email_problem(text: &str) -> Option<&'static str> {
    let Some((local, domain)) = text.split_once('@') else {
        return Some("an email address has an `@`");
    };
    if local.is_empty() || domain.contains('@') {
        return Some("an email address has one `@` with text before it");
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("an email address has no spaces");
    }
    if !domain.contains('.') || domain.starts_with('.') || domain.ends_with('.') {
        return Some("the domain needs a dot, like `example.com`");
    }
    None
}

/// Why a CloudFormation export name is refused, or `None` if it is fine: 1 to 255
/// characters, only letters, digits, `:` and `-`.
/// Source: <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-exports.html>
pub fn export_name_problem(name: &str) -> Option<String> {
    let length = name.chars().count() as u64;
    if length < EXPORT_NAME.min {
        return Some("an export name cannot be empty".to_owned());
    }
    if length > EXPORT_NAME.max {
        return Some(format!(
            "export names are at most {} characters; this one has {length}",
            EXPORT_NAME.max
        ));
    }
    name.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == ':' || *c == '-'))
        .map(|c| format!("export names use only letters, digits, `:` and `-`, not `{c}`"))
}

/// Whether a character may appear in a tag key or value: letters, digits and white space
/// (any script), and `_ . : / = + - @`.
fn tag_char(c: char) -> bool {
    c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c)
}

/// Why a tag key is refused, or `None` if it is fine. Source: [`TAGGING_SOURCE`].
pub fn tag_key_problem(key: &str) -> Option<String> {
    let length = key.chars().count() as u64;
    if !(TAG_KEY.min..=TAG_KEY.max).contains(&length) {
        return Some(format!(
            "tag keys are {} to {} characters; this one has {length}",
            TAG_KEY.min, TAG_KEY.max
        ));
    }
    if key.to_ascii_lowercase().starts_with("aws:") {
        return Some("the prefix `aws:` is reserved for tags AWS sets".to_owned());
    }
    key.chars()
        .find(|c| !tag_char(*c))
        .map(|c| format!("`{c}` is not allowed in a tag key"))
}

/// Why a tag value is refused, or `None` if it is fine. Source: [`TAGGING_SOURCE`].
pub fn tag_value_problem(value: &str) -> Option<String> {
    let length = value.chars().count() as u64;
    if length > TAG_VALUE.max {
        return Some(format!(
            "tag values are at most {} characters; this one has {length}",
            TAG_VALUE.max
        ));
    }
    value
        .chars()
        .find(|c| !tag_char(*c))
        .map(|c| format!("`{c}` is not allowed in a tag value"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn existing_functions_are_names_or_unqualified_arns() {
        assert_eq!(existing_function_problem("legacy-report_2"), None);
        assert_eq!(
            existing_function_problem("arn:aws:lambda:eu-west-1:123456789012:function:legacy"),
            None
        );
        assert_eq!(
            existing_function_problem(
                "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:legacy"
            ),
            None
        );
        for bad in [
            "",
            "legacy report",
            &"x".repeat(65),
            "arn:aws:lambda:eu-west-1:1234:function:legacy",
            "arn:aws:lambda:eu-west-1:123456789012:function:legacy:prod",
            "arn:aws:s3:::bucket",
            "arn:aws:lambda:EU:123456789012:function:legacy",
        ] {
            assert!(existing_function_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn email_addresses_have_one_at_and_a_dotted_domain() {
        assert_eq!(email_problem("ops@example.com"), None);
        for bad in [
            "ops",
            "@example.com",
            "ops@localhost",
            "a@b@c.com",
            "o ps@example.com",
            "ops@example.",
        ] {
            assert!(email_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn export_names() {
        assert_eq!(export_name_problem("prod-backups:bucket"), None);
        assert!(export_name_problem("").is_some());
        assert!(export_name_problem("a_b").expect("refused").contains('_'));
        assert!(export_name_problem(&"a".repeat(256)).is_some());
        assert_eq!(export_name_problem(&"a".repeat(255)), None);
    }

    #[test]
    fn tags() {
        assert_eq!(tag_key_problem("cost-center:team/a b@c=d+e_f.g"), None);
        assert_eq!(tag_key_problem("équipe"), None);
        assert!(
            tag_key_problem("AWS:owner")
                .expect("refused")
                .contains("reserved")
        );
        assert!(tag_key_problem("").is_some());
        assert!(tag_key_problem(&"k".repeat(129)).is_some());
        assert_eq!(tag_key_problem(&"k".repeat(128)), None);
        assert!(tag_key_problem("a*b").expect("refused").contains('*'));
        assert_eq!(tag_value_problem(""), None);
        assert!(tag_value_problem(&"v".repeat(257)).is_some());
        assert!(tag_value_problem("50%").expect("refused").contains('%'));
    }
}
