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

/// EventBridge rule description length.
pub const RULE_DESCRIPTION: Limit = Limit {
    min: 0,
    max: 512,
    source: "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html",
};

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
        aws: "STANDARD_IA",
        min_days: 30,
        min_stay_days: 30,
    },
    StorageClass {
        keyword: "intelligent_tiering",
        aws: "INTELLIGENT_TIERING",
        min_days: 0,
        min_stay_days: 0,
    },
    StorageClass {
        keyword: "glacier_ir",
        aws: "GLACIER_IR",
        min_days: 0,
        min_stay_days: 0,
    },
    StorageClass {
        keyword: "glacier",
        aws: "GLACIER",
        min_days: 0,
        min_stay_days: 0,
    },
    StorageClass {
        keyword: "deep_archive",
        aws: "DEEP_ARCHIVE",
        min_days: 0,
        min_stay_days: 0,
    },
];

/// The source of [`STORAGE_CLASSES`], for notes in diagnostics.
pub const STORAGE_CLASSES_SOURCE: &str = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html";

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
    const RESERVED_PREFIXES: &[&str] = &["xn--", "sthree-", "amzn-s3-demo-"];
    const RESERVED_SUFFIXES: &[&str] = &["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];
    if !(3..=63).contains(&name.len()) {
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
    if !name.starts_with(alphanumeric) || !name.ends_with(alphanumeric) {
        return Some("bucket names start and end with a letter or a digit".to_owned());
    }
    if name.contains("..") {
        return Some("bucket names cannot contain two adjacent periods".to_owned());
    }
    if name.split('.').count() == 4 && name.split('.').all(|part| part.parse::<u8>().is_ok()) {
        return Some("bucket names cannot look like an IP address".to_owned());
    }
    if let Some(prefix) = RESERVED_PREFIXES.iter().find(|p| name.starts_with(*p)) {
        return Some(format!("the prefix `{prefix}` is reserved by S3"));
    }
    if let Some(suffix) = RESERVED_SUFFIXES.iter().find(|s| name.ends_with(*s)) {
        return Some(format!("the suffix `{suffix}` is reserved by S3"));
    }
    None
}
