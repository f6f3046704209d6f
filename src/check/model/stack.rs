//! The stack's own settings and its outputs.

use super::function::Reference;
use super::text::Text;
use super::vocabulary::Tags;
use crate::source::Span;

/// `stack name { ... }`, or the defaults when the file has no stack item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stack {
    /// The stack's name: output files are named after it.
    pub name: String,
    /// `description = "..."`
    pub description: Option<String>,
    /// `deny_warnings = true`: every warning in this stack's file is an error.
    pub deny_warnings: bool,
    /// The stack item's name, or the start of the file when there is none.
    pub span: Span,
    /// `tags { ... }`: applied to every taggable resource of the stack.
    pub tags: Tags,
    /// `objectives { ... }`: what the stack must guarantee, proven by the checker.
    pub objectives: Objectives,
}

/// `objectives { rpo = 24h  retention = 35d  copies = 2  regions = 2  accounts = 2
/// immutable = true }`:
/// each declared objective with the span of its value. Invariant: numbers are at least 1.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Objectives {
    /// `rpo = 24h`: the most data one may lose, in seconds.
    pub rpo_s: Option<(u64, Span)>,
    /// `retention = 35d`: how long every backup must survive any writer, in days.
    pub retention_days: Option<(u32, Span)>,
    /// `copies = 2`: buckets holding each backup.
    pub copies: Option<(u64, Span)>,
    /// `regions = 2`: regions holding each backup.
    pub regions: Option<(u64, Span)>,
    /// `accounts = 2`: accounts holding each backup.
    pub accounts: Option<(u64, Span)>,
    /// `immutable = true`: nobody may delete or overwrite a backup before `retention`.
    pub immutable: Option<(bool, Span)>,
}

impl Objectives {
    /// Whether any objective is declared.
    pub fn any(&self) -> bool {
        self.rpo_s.is_some()
            || self.retention_days.is_some()
            || self.copies.is_some()
            || self.regions.is_some()
            || self.accounts.is_some()
            || self.immutable.is_some()
    }
}

/// `output name { value = backups.name ... }`: a value the deployed stack reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// The `.dr` name: the Terraform output's name; the CloudFormation output's logical ID
    /// is its stem plus `Output`.
    pub name: String,
    /// The name's span.
    pub span: Span,
    /// `value = backups.name`
    pub value: Reference,
    /// `export = "..."`: a CloudFormation export name (Terraform has no exports). Without a
    /// parameter in it, CloudFormation's export is `<stack name>-<export>`, so two
    /// deployments of one template never export the same name.
    pub export: Option<Text>,
    /// `description = "..."`
    pub description: Option<String>,
}
