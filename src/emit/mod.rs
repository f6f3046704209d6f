//! The emit stage: [`Policies`] and [`Program`] to artifacts (bytes with file names).
//!
//! [`lower`] first builds the target-neutral [`Stack`]: the checked program, its policies,
//! the names every resource gets on each target, and each function's code archive. The
//! CloudFormation and Terraform emitters then only translate it; neither decides anything
//! about naming, permissions or packaging on its own.

pub mod cloudformation;
pub mod package;
pub mod terraform;

use crate::check::limits;
use crate::check::model::{LifecycleRule, Program};
use crate::diagnostics::{Code, Diagnostic};
use crate::iam::Policies;
use crate::names::logical_stem;
pub use package::{Archive, CodeFile, CodeSource};

/// An output target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// CloudFormation YAML (`<stack>.cfn.yaml`).
    CloudFormation,
    /// Terraform JSON (`<stack>.tf.json`).
    Terraform,
}

impl Target {
    /// Both targets, in output order.
    pub const ALL: [Target; 2] = [Target::CloudFormation, Target::Terraform];

    /// The template's file name for a stack.
    pub fn file_name(self, stack: &str) -> String {
        match self {
            Target::CloudFormation => format!("{stack}.cfn.yaml"),
            Target::Terraform => format!("{stack}.tf.json"),
        }
    }
}

/// One output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// File name, without directories.
    pub file_name: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// The lowered, target-neutral stack. Invariant: it fits CloudFormation's resource limit,
/// and every function has exactly one archive (same order as the program's functions).
#[derive(Debug)]
pub struct Stack<'p> {
    /// The checked program.
    pub program: &'p Program,
    /// Its inferred policies.
    pub policies: &'p Policies,
    /// One code archive per function, in function order.
    pub archives: Vec<Archive>,
    /// The source file's name (without directories), for the "generated from" header.
    pub source_name: String,
}

/// CloudFormation logical IDs: the `.dr` name's stem plus a suffix per resource role. Every
/// suffix ends in a word no other role ends in, so IDs of different roles never collide.
pub struct LogicalIds;

impl LogicalIds {
    /// `AWS::S3::Bucket`
    pub fn bucket(name: &str) -> String {
        format!("{}Bucket", logical_stem(name))
    }
    /// `AWS::S3::BucketPolicy`
    pub fn bucket_policy(name: &str) -> String {
        format!("{}BucketPolicy", logical_stem(name))
    }
    /// `AWS::KMS::Key` of a bucket
    pub fn bucket_key(name: &str) -> String {
        format!("{}BucketKey", logical_stem(name))
    }
    /// `AWS::IAM::Role` S3 assumes to replicate a bucket
    pub fn replication_role(name: &str) -> String {
        format!("{}ReplicationRole", logical_stem(name))
    }
    /// `AWS::IAM::RolePolicy` of a bucket's replication role
    pub fn replication_policy(name: &str) -> String {
        format!("{}ReplicationPolicy", logical_stem(name))
    }
    /// `AWS::Lambda::Function`
    pub fn function(name: &str) -> String {
        format!("{}Function", logical_stem(name))
    }
    /// `AWS::IAM::Role` of a function
    pub fn role(name: &str) -> String {
        format!("{}FunctionRole", logical_stem(name))
    }
    /// `AWS::Logs::LogGroup` of a function
    pub fn log_group(name: &str) -> String {
        format!("{}FunctionLogGroup", logical_stem(name))
    }
    /// `AWS::Events::Rule`
    pub fn schedule(name: &str) -> String {
        format!("{}Schedule", logical_stem(name))
    }
    /// `AWS::Lambda::Permission` letting a schedule's rule invoke its function
    pub fn schedule_permission(name: &str) -> String {
        format!("{}SchedulePermission", logical_stem(name))
    }
}

/// The `Id` of a bucket's lifecycle rule on both targets: `Objects` for the whole-bucket rule,
/// `Prefix<n>` (its position among the bucket's rules) for a prefix's rule. The bucket-wide
/// abort rule is `AbortIncompleteUploads`, which neither form can be.
pub(crate) fn lifecycle_rule_id(index: usize, rule: &LifecycleRule) -> String {
    match rule.prefix {
        None => "Objects".to_owned(),
        Some(_) => format!("Prefix{index}"),
    }
}

/// The number of CloudFormation resources a program becomes.
pub fn resource_count(program: &Program) -> usize {
    let buckets: usize = program
        .created_buckets()
        .map(|b| {
            2 + usize::from(b.encryption == crate::check::model::Encryption::Kms)
                + 2 * usize::from(b.replicate_to.is_some())
        })
        .sum();
    buckets + 3 * program.functions.len() + 2 * program.schedules.len()
}

/// Lowers a checked program and its policies, packaging each function's code.
pub fn lower<'p>(
    program: &'p Program,
    policies: &'p Policies,
    source_name: &str,
    dr_path: &str,
    code: &dyn CodeSource,
) -> Result<Stack<'p>, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let count = resource_count(program);
    if count > usize::try_from(limits::CFN_RESOURCES.max).expect("small") {
        diagnostics.push(
            Diagnostic::new(
                Code::E0501,
                format!("this stack needs {count} CloudFormation resources"),
                program.stack.span,
                format!(
                    "more than the {} resources one template can hold",
                    limits::CFN_RESOURCES.max
                ),
            )
            .with_note(format!("see {}", limits::CFN_RESOURCES.source))
            .with_help("split the file into several stacks"),
        );
    }
    let mut archives = Vec::new();
    for function in &program.functions {
        match package::archive(&program.stack.name, function, dr_path, code) {
            Ok(archive) => archives.push(archive),
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    if diagnostics.is_empty() {
        Ok(Stack {
            program,
            policies,
            archives,
            source_name: source_name.to_owned(),
        })
    } else {
        Err(diagnostics)
    }
}

/// Emits one target's template. The code archives it refers to are the stack's
/// [`Stack::archives`], shared by both targets.
pub fn emit(stack: &Stack<'_>, target: Target) -> Artifact {
    let template = match target {
        Target::CloudFormation => cloudformation::emit(stack),
        Target::Terraform => terraform::emit(stack),
    };
    Artifact {
        file_name: target.file_name(&stack.program.stack.name),
        bytes: template.into_bytes(),
    }
}

impl From<Archive> for Artifact {
    fn from(archive: Archive) -> Self {
        Artifact {
            file_name: archive.file_name,
            bytes: archive.bytes,
        }
    }
}

/// The one-line header both templates carry.
pub(crate) fn header(stack: &Stack<'_>) -> String {
    format!(
        "Generated by drc {} from {}. Edit the .dr file, not this one.",
        env!("CARGO_PKG_VERSION"),
        stack.source_name
    )
}
