//! Every limit a deployment of drc's output can reach, per target, in one table: what is
//! limited, the limit and its source (from [`limits`](super::limits)), and the code drc
//! reports before the limit is passed. `docs/limits.md` shows the table, and a test holds
//! the page equal to it.

use super::limits::{
    ALARM_NAME, BUCKET_NAME, CFN_OUTPUTS, CFN_PARAMETERS, CFN_RESOURCES, EXPORT_NAME,
    INLINE_ROLE_POLICY_CHARS, LAMBDA_DESCRIPTION, LAMBDA_ENV_BYTES, LAMBDA_FUNCTION_NAME,
    LIFECYCLE_RULES, LOG_GROUP_NAME, LOGICAL_ID, Limit, MANAGED_POLICIES_PER_ROLE,
    MANAGED_POLICY_CHARS, OUTPUT_DESCRIPTION, REPLICATION_RULES, ROLE_POLICY_NAME,
    SCHEDULE_DESCRIPTION, SCHEDULE_PAYLOAD_BYTES, SNS_TOPIC_NAME, SQS_QUEUE_NAME,
    STACK_DESCRIPTION, TAGS_PER_RESOURCE,
};
use std::fmt::Write as _;

/// Where a deployment limit applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Targets {
    /// Both templates.
    Both,
    /// The CloudFormation template only.
    CloudFormation,
    /// The Terraform configuration only (CloudFormation generates the name).
    Terraform,
}

impl Targets {
    /// The word `docs/limits.md` uses.
    pub fn word(self) -> &'static str {
        match self {
            Targets::Both => "both",
            Targets::CloudFormation => "CloudFormation",
            Targets::Terraform => "Terraform",
        }
    }
}

/// One limit a deployment of drc's output can reach, and how drc keeps within it.
#[derive(Debug)]
pub struct DeploymentLimit {
    /// What is limited, as `docs/limits.md` says it.
    pub what: &'static str,
    /// Where it applies.
    pub targets: Targets,
    /// The limit and its source.
    pub limit: Limit,
    /// The code drc reports when a stack would pass it; `None` when another limit always
    /// comes first (see `implied`).
    pub code: Option<crate::diagnostics::Code>,
    /// Why it cannot be reached, for a limit without a code.
    pub implied: &'static str,
}

/// Every limit drc's outputs can reach, per target: `docs/limits.md` is this table, and a
/// test holds them equal.
pub const DEPLOYMENT_LIMITS: &[DeploymentLimit] = {
    use crate::diagnostics::Code;
    const fn row(
        what: &'static str,
        targets: Targets,
        limit: Limit,
        code: Code,
    ) -> DeploymentLimit {
        DeploymentLimit {
            what,
            targets,
            limit,
            code: Some(code),
            implied: "",
        }
    }
    &[
        row(
            "nested stacks of a split stack (each a resource of the root template)",
            Targets::CloudFormation,
            CFN_RESOURCES,
            Code::E0501,
        ),
        row(
            "parameters of a nested stack (the values its items use from other nested stacks)",
            Targets::CloudFormation,
            CFN_PARAMETERS,
            Code::E0502,
        ),
        row(
            "outputs of a nested stack (the values other nested stacks use from its items)",
            Targets::CloudFormation,
            CFN_OUTPUTS,
            Code::E0502,
        ),
        row(
            "`output` items of a stack (the root template's outputs)",
            Targets::CloudFormation,
            CFN_OUTPUTS,
            Code::E0367,
        ),
        row(
            "logical ID length",
            Targets::CloudFormation,
            LOGICAL_ID,
            Code::E0541,
        ),
        row(
            "export name length",
            Targets::CloudFormation,
            EXPORT_NAME,
            Code::E0366,
        ),
        row(
            "template description, bytes",
            Targets::CloudFormation,
            STACK_DESCRIPTION,
            Code::E0303,
        ),
        row(
            "output description, bytes",
            Targets::CloudFormation,
            OUTPUT_DESCRIPTION,
            Code::E0303,
        ),
        row(
            "Lambda function name length",
            Targets::Terraform,
            LAMBDA_FUNCTION_NAME,
            Code::E0209,
        ),
        row(
            "SQS queue name length (and a schedule's dead-letter queue)",
            Targets::Terraform,
            SQS_QUEUE_NAME,
            Code::E0209,
        ),
        row(
            "SNS topic name length",
            Targets::Terraform,
            SNS_TOPIC_NAME,
            Code::E0540,
        ),
        DeploymentLimit {
            what: "log group name length",
            targets: Targets::Both,
            limit: LOG_GROUP_NAME,
            code: None,
            implied: "`/aws/lambda/` and a function name of at most 64 characters on Terraform; `/aws/lambda/`, a stack name of at most 128 and a function name on CloudFormation, which the 64 characters bound too",
        },
        DeploymentLimit {
            what: "alarm name length",
            targets: Targets::Terraform,
            limit: ALARM_NAME,
            code: None,
            implied: "a function name of at most 64 characters and `-errors` or `-failures`",
        },
        row(
            "inline role policy name length",
            Targets::Both,
            ROLE_POLICY_NAME,
            Code::E0540,
        ),
        row(
            "inline policies of one role, characters",
            Targets::Both,
            INLINE_ROLE_POLICY_CHARS,
            Code::E0520,
        ),
        row(
            "managed policy, characters",
            Targets::Both,
            MANAGED_POLICY_CHARS,
            Code::E0521,
        ),
        row(
            "managed policies on one role",
            Targets::Both,
            MANAGED_POLICIES_PER_ROLE,
            Code::E0520,
        ),
        row(
            "lifecycle rules in one bucket",
            Targets::Both,
            LIFECYCLE_RULES,
            Code::E0542,
        ),
        row(
            "replication rules in one bucket (one per destination)",
            Targets::Both,
            REPLICATION_RULES,
            Code::E0345,
        ),
        row(
            "bucket name length",
            Targets::Both,
            BUCKET_NAME,
            Code::E0308,
        ),
        row(
            "tags on one resource",
            Targets::Both,
            TAGS_PER_RESOURCE,
            Code::E0365,
        ),
        row(
            "environment variables of a function, bytes",
            Targets::Both,
            LAMBDA_ENV_BYTES,
            Code::E0311,
        ),
        row(
            "Lambda function description length",
            Targets::Both,
            LAMBDA_DESCRIPTION,
            Code::E0303,
        ),
        row(
            "schedule description length",
            Targets::Both,
            SCHEDULE_DESCRIPTION,
            Code::E0303,
        ),
        row(
            "schedule payload, bytes",
            Targets::Both,
            SCHEDULE_PAYLOAD_BYTES,
            Code::E0362,
        ),
    ]
};

/// The table of [`DEPLOYMENT_LIMITS`] as `docs/limits.md` shows it.
pub fn deployment_limits_table() -> String {
    let mut table = String::from(
        "| limit | target | at most | drc reports | source |\n| --- | --- | --- | --- | --- |\n",
    );
    for row in DEPLOYMENT_LIMITS {
        let check = row.code.map_or_else(
            || format!("cannot be reached: {}", row.implied),
            |code| format!("[{0}](errors/{0}.md)", code.as_str()),
        );
        let _ = writeln!(
            table,
            "| {} | {} | {} | {check} | <{}> |",
            row.what,
            row.targets.word(),
            row.limit.max,
            row.limit.source
        );
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_limits_md_shows_the_table() {
        let page = include_str!("../../docs/limits.md");
        let table = deployment_limits_table();
        assert!(
            page.contains(&table),
            "docs/limits.md must hold this table, as generated:\n\n{table}"
        );
    }
}
