//! The stack's own settings and its outputs.

use super::function::Reference;
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
    /// `export = "..."`: a CloudFormation export name (Terraform has no exports).
    pub export: Option<String>,
    /// `description = "..."`
    pub description: Option<String>,
}
