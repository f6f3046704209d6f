//! The emit stage: [`Policies`] and [`Program`] to artifacts (bytes with file names).
//!
//! [`lower`] first builds the target-neutral [`Stack`]: the checked program, its policies,
//! the names every resource gets on each target, and each function's code archive. The
//! CloudFormation and Terraform emitters then only translate it; neither decides anything
//! about naming, permissions or packaging on its own.

pub mod cloudformation;
pub mod package;
pub mod parts;
pub mod policy;
pub mod terraform;

use crate::check::limits;
use crate::check::model::{LifecycleRule, Program};
use crate::diagnostics::{Code, Diagnostic};
use crate::iam::explain::{Explanation, RoleExplanation};
use crate::iam::{Owner, Policies};
use crate::names::logical_stem;
use crate::source::{SourceMap, Span};
pub use package::{Archive, CodeFile, CodeSource};
pub use policy::Layout;

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

/// The lowered, target-neutral stack. Invariant: when CloudFormation is a target, its units'
/// slots fit 500 nested stacks (`parts::fewest`), every function has exactly one archive
/// (same order as the program's functions), and every
/// role of the policies has its explanation and its layout, found through the policies'
/// index of owners.
#[derive(Debug)]
pub struct Stack<'p> {
    /// The checked program.
    pub program: &'p Program,
    /// Its inferred policies.
    pub policies: &'p Policies,
    /// The same policies with the cause of every action, for the provenance the templates
    /// record beside each role: one role per role of the policies, in their order.
    explanation: Explanation,
    /// One code archive per function, in function order.
    pub archives: Vec<Archive>,
    /// How each role's statements are written, in the order of the policies' roles.
    layouts: Vec<Layout>,
    /// The source file's name (without directories), for the "generated from" header.
    pub source_name: String,
}

impl Stack<'_> {
    /// The position of an owner's role among the policies' roles, its explanations and
    /// layouts.
    fn position(&self, owner: &Owner) -> usize {
        self.policies
            .position(owner)
            .expect("infer gives every function, schedule and replicated bucket its role")
    }

    /// How the role a function assumes writes its statements.
    pub fn function_layout(&self, function: &str) -> &Layout {
        &self.layouts[self.position(&Owner::Function(function.to_owned()))]
    }

    /// The explained role of any owner, for its provenance.
    pub fn explanation_of(&self, owner: &Owner) -> &RoleExplanation {
        &self.explanation.roles[self.position(owner)]
    }

    /// The explained role of a function, for its provenance.
    pub fn function_explanation(&self, function: &str) -> &RoleExplanation {
        self.explanation_of(&Owner::Function(function.to_owned()))
    }
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
    /// `AWS::IAM::ManagedPolicy` number `part` (from 1) of a function's role, when its
    /// statements do not fit one inline policy. No other ID ends in `Policy` and a digit.
    pub fn role_policy(name: &str, part: usize) -> String {
        format!("{}FunctionPolicy{part}", logical_stem(name))
    }
    /// `AWS::Logs::LogGroup` of a function
    pub fn log_group(name: &str) -> String {
        format!("{}FunctionLogGroup", logical_stem(name))
    }
    /// `AWS::Scheduler::Schedule`
    pub fn schedule(name: &str) -> String {
        format!("{}Schedule", logical_stem(name))
    }
    /// `AWS::IAM::Role` EventBridge Scheduler assumes for a schedule
    pub fn schedule_role(name: &str) -> String {
        format!("{}ScheduleRole", logical_stem(name))
    }
    /// A user's `output` (no resource and no built-in output ends in `Output`)
    pub fn output(name: &str) -> String {
        format!("{}Output", logical_stem(name))
    }
    /// A template parameter declared with `param` (no resource or output ID ends in `Param`)
    pub fn param(name: &str) -> String {
        format!("{}Param", logical_stem(name))
    }
    /// `AWS::Lambda::EventInvokeConfig` of a function
    pub fn invoke_config(name: &str) -> String {
        format!("{}FunctionInvokeConfig", logical_stem(name))
    }
    /// `AWS::CloudWatch::Alarm` on a function's errors
    pub fn error_alarm(name: &str) -> String {
        format!("{}FunctionErrorAlarm", logical_stem(name))
    }
    /// `AWS::CloudWatch::Alarm` on the messages in a function's failure queue
    pub fn failure_alarm(name: &str) -> String {
        format!("{}FunctionFailureAlarm", logical_stem(name))
    }
    /// `AWS::SQS::Queue` a schedule's failed invocations go to (no other ID ends in `Letters`)
    pub fn schedule_dead_letters(name: &str) -> String {
        format!("{}ScheduleDeadLetters", logical_stem(name))
    }
    /// `AWS::CloudWatch::Alarm` on the messages in a schedule's dead-letter queue
    pub fn schedule_dead_letter_alarm(name: &str) -> String {
        format!("{}ScheduleDeadLetterAlarm", logical_stem(name))
    }
    /// `AWS::SQS::Queue`
    pub fn queue(name: &str) -> String {
        format!("{}Queue", logical_stem(name))
    }
    /// `AWS::KMS::Key` of a queue
    pub fn queue_key(name: &str) -> String {
        format!("{}QueueKey", logical_stem(name))
    }
    /// `AWS::SNS::Topic`
    pub fn topic(name: &str) -> String {
        format!("{}Topic", logical_stem(name))
    }
    /// `AWS::KMS::Key` of a topic
    pub fn topic_key(name: &str) -> String {
        format!("{}TopicKey", logical_stem(name))
    }
    /// `AWS::SNS::Subscription` of a topic's email address
    pub fn topic_subscription(name: &str) -> String {
        format!("{}TopicSubscription", logical_stem(name))
    }
}

/// The alarm on a function's errors, the same on both targets.
pub struct ErrorAlarm {
    /// The metric's namespace.
    pub namespace: &'static str,
    /// The metric: invocations that ended in a function error.
    pub metric: &'static str,
    /// How data points are combined within a period.
    pub statistic: &'static str,
    /// The period, in seconds.
    pub period_s: u32,
    /// The alarm fires at this many errors in one period.
    pub threshold: u32,
    /// How the statistic is compared with the threshold.
    pub comparison: &'static str,
    /// Periods without data (no invocations) are not failures.
    pub missing_data: &'static str,
}

/// One error in one minute alarms. Lambda publishes `Errors` at one-minute resolution, so
/// 60 seconds is the shortest period that sees every data point, and a single failed run of
/// a nightly function is enough to notify. Sources:
/// <https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html> and
/// <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html>
pub const ERROR_ALARM: ErrorAlarm = ErrorAlarm {
    namespace: "AWS/Lambda",
    metric: "Errors",
    statistic: "Sum",
    period_s: 60,
    threshold: 1,
    comparison: "GreaterThanOrEqualToThreshold",
    missing_data: "notBreaching",
};

/// A failure queue with a message in it alarms: a run failed after its retries. SQS
/// publishes `ApproximateNumberOfMessagesVisible` every minute; five minutes of the maximum
/// see every message that stays. Source:
/// <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html>
pub const FAILURE_QUEUE_ALARM: ErrorAlarm = ErrorAlarm {
    namespace: "AWS/SQS",
    metric: "ApproximateNumberOfMessagesVisible",
    statistic: "Maximum",
    period_s: 300,
    threshold: 1,
    comparison: "GreaterThanOrEqualToThreshold",
    missing_data: "notBreaching",
};

/// The queue a function's failed runs land in, when its failures alarm a topic: the queue
/// gets an alarm of its own ([`FAILURE_QUEUE_ALARM`]) to that topic.
pub fn alarmed_failure_queue(function: &crate::check::model::Function) -> Option<(&str, &str)> {
    let alarm = function.failure.alarm.as_ref()?;
    let queue = function
        .failure
        .on_failure
        .as_ref()
        .filter(|d| d.kind == crate::check::model::Kind::Queue)?;
    Some((queue.target.as_str(), alarm.target.as_str()))
}

/// How long a schedule's dead-letter queue keeps a run EventBridge Scheduler failed to invoke:
/// 14 days, the longest SQS allows, so a failure first noticed days later can still be read
/// and the run replayed. Source:
/// <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html>
pub const SCHEDULE_DEAD_LETTER_RETENTION_S: u32 = 1_209_600;

/// The topic a schedule's dead-letter queue alarms ([`FAILURE_QUEUE_ALARM`]): the alarm topic
/// of the function the schedule invokes, if it has one. A function without one is what W0301
/// points out.
pub fn alarmed_dead_letters<'p>(
    program: &'p Program,
    schedule: &crate::check::model::Schedule,
) -> Option<&'p str> {
    let function = program.function(&schedule.target);
    function.failure.alarm.as_ref().map(|a| a.target.as_str())
}

/// The account of a replica when it is in another account: the replication rule then names
/// that account, hands it the replicas' ownership, and the stack outputs the replication
/// role's ARN for that account's bucket policy (docs/deploying.md).
pub fn other_account_replica<'p>(
    program: &'p Program,
    replication: &crate::check::model::Replication,
) -> Option<&'p str> {
    let replica = program.bucket(&replication.replica);
    replica.existing.as_ref()?.account.as_deref()
}

/// The other accounts a bucket replicates into, as the replication role's output describes
/// them (`account 111122223333`, `accounts 1111... and 4444...`); `None` when every replica
/// is in the stack's account (the output then does not exist).
pub fn other_accounts(program: &Program, bucket: &crate::check::model::Bucket) -> Option<String> {
    let mut accounts: Vec<&str> = bucket
        .replicate_to
        .iter()
        .filter_map(|r| other_account_replica(program, r))
        .collect();
    accounts.sort_unstable();
    accounts.dedup();
    match accounts.as_slice() {
        [] => None,
        [one] => Some(format!("account {one}")),
        [rest @ .., last] => Some(format!("accounts {} and {last}", rest.join(", "))),
    }
}

/// The `Id` of a bucket's replication rule on both targets: `ReplicateToReplica` for the
/// first destination (the only one of most buckets), `ReplicateToReplica<n>` for the n-th
/// after it. Its `Priority` is its position from 1: S3 needs a distinct priority on each
/// rule of a configuration with several.
pub(crate) fn replication_rule_id(index: usize) -> String {
    match index {
        0 => "ReplicateToReplica".to_owned(),
        n => format!("ReplicateToReplica{}", n + 1),
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

/// The number of CloudFormation resources a program becomes, its roles' statements written
/// as `layouts` say (the layouts [`lower`] chose, one per role that has one).
pub fn resource_count(program: &Program, layouts: &[Layout]) -> usize {
    let buckets: usize = program
        .local_buckets()
        .map(|b| {
            2 + usize::from(b.encryption == crate::check::model::Encryption::Kms)
                + 2 * usize::from(!b.replicate_to.is_empty())
        })
        .sum();
    let managed_policies: usize = layouts.iter().map(Layout::managed_policies).sum();
    let functions: usize = program
        .functions()
        .iter()
        .map(|f| {
            3 + usize::from(f.failure.needs_invoke_config())
                + usize::from(f.failure.alarm.is_some())
                + usize::from(alarmed_failure_queue(f).is_some())
        })
        .sum();
    let queues: usize = program
        .queues()
        .iter()
        .map(|q| 1 + usize::from(q.encryption == crate::check::model::QueueEncryption::Kms))
        .sum();
    let topics: usize = program
        .topics()
        .iter()
        .map(|t| 2 + usize::from(t.email.is_some()))
        .sum();
    // A schedule, its role, its dead-letter queue and the queue's alarm.
    let schedules: usize = program
        .schedules()
        .iter()
        .map(|s| 3 + usize::from(alarmed_dead_letters(program, s).is_some()))
        .sum();
    buckets + functions + schedules + queues + topics + managed_policies
}

/// The number of CloudFormation outputs a program becomes: one per bucket of the stack's
/// region (its name), one per bucket replicating to another account (its replication role's
/// ARN), one per function (its ARN), and the user's `output` items.
pub fn output_count(program: &Program) -> usize {
    let role_arns = program
        .local_buckets()
        .filter(|b| other_accounts(program, b).is_some())
        .count();
    program.local_buckets().count()
        + role_arns
        + program.functions().len()
        + program.outputs().len()
}

/// Lowers a checked program and its policies, packaging each function's code (its `code`
/// directory is relative to the file that declares the function, found in `sources`).
/// `explanation` is [`crate::iam::explain::explain`]'s account of `policies`: one role per
/// role, in their order (lowering panics otherwise). CloudFormation's limits on one template
/// (resources, outputs) are checked only when `cloudformation` is true: Terraform has none.
pub fn lower<'p>(
    program: &'p Program,
    policies: &'p Policies,
    explanation: Explanation,
    source_name: &str,
    sources: &SourceMap,
    code: &dyn CodeSource,
    cloudformation: bool,
) -> Result<Stack<'p>, Vec<Diagnostic>> {
    assert!(
        explanation.roles.len() == policies.roles().len()
            && explanation
                .roles
                .iter()
                .zip(policies.roles())
                .all(|(explained, role)| explained.owner == role.owner),
        "the explanation has the policies' roles, in their order"
    );
    let mut diagnostics = Vec::new();
    let mut layouts = Vec::new();
    // Each role's layout measures its statements as written: the roles are laid out in
    // parallel, then taken in order.
    let roles = policies.roles();
    let laid_out = crate::parallel::map(roles, roles.len(), |role| policy::layout(program, role));
    for (role, layout) in policies.roles().iter().zip(laid_out) {
        match layout {
            Ok(layout) => layouts.push(layout),
            Err(overflow) => diagnostics.push(policy_overflow(program, role, &overflow)),
        }
    }
    if cloudformation && diagnostics.is_empty() {
        let fewest = parts::fewest(program, policies, &layouts);
        diagnostics.extend(parts::too_many_parts(program, &layouts, fewest, true));
        diagnostics.extend(too_many_outputs(program));
    }
    let mut archives = Vec::new();
    let mut packaged = package::Archives::default();
    for function in program.functions() {
        let dr_path = &sources.get(function.span.file).name;
        match packaged.archive(&program.stack.name, function, dr_path, code) {
            Ok(archive) => archives.push(archive),
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    if diagnostics.is_empty() {
        Ok(Stack {
            program,
            policies,
            explanation,
            archives,
            layouts,
            source_name: source_name.to_owned(),
        })
    } else {
        Err(diagnostics)
    }
}

/// The error for a stack with more `output` items than one template can hold: they are the
/// root template's outputs (drc's own outputs move to the nested stacks when it splits).
fn too_many_outputs(program: &Program) -> Option<Diagnostic> {
    let outputs = program.outputs().len();
    (outputs > usize::try_from(limits::CFN_OUTPUTS.max).expect("small")).then(|| {
        let span = program
            .outputs()
            .first()
            .map_or(program.stack.span, |o| o.span);
        Diagnostic::new(
            Code::E0367,
            format!("this stack has {outputs} `output` items"),
            span,
            format!(
                "more than the {} outputs one template can hold",
                limits::CFN_OUTPUTS.max
            ),
        )
        .with_note(format!(
            "drc's own outputs (each bucket's name, each function's ARN) move to nested stacks when they do not fit, but `output` items stay in the stack's template; see {}",
            limits::CFN_OUTPUTS.source
        ))
        .with_help("remove `output` items, or split the file into several stacks")
    })
}

/// How many of the verbs behind a too-large statement [`policy_overflow`] labels; the rest
/// are counted in a note.
const SHOWN_VERBS: usize = 3;

/// The error for a role whose statements do not fit IAM's policy size limits.
fn policy_overflow(
    program: &Program,
    role: &crate::iam::Role,
    overflow: &policy::Overflow,
) -> Diagnostic {
    let (span, owner) = match &role.owner {
        Owner::Function(f) => (program.function(f).span, format!("function `{f}`")),
        Owner::Scheduler(s) => (program.schedule(s).span, format!("schedule `{s}`")),
        Owner::Replication(b) => (
            program.bucket(b).span,
            format!("the replication role of bucket `{b}`"),
        ),
    };
    let source = format!("see {}", limits::MANAGED_POLICY_CHARS.source);
    match overflow {
        policy::Overflow::Statement { index, chars } => {
            let statement = &role.statements[*index];
            let mut diagnostic = Diagnostic::new(
                Code::E0521,
                format!("one permission of {owner} is too large for an IAM policy"),
                span,
                format!(
                    "statement `{}` alone takes up to {chars} characters",
                    statement.sid
                ),
            );
            let mut verbs: Vec<Span> = statement
                .actions
                .iter()
                .flat_map(|a| &a.causes)
                .filter_map(|c| match c {
                    crate::iam::Cause::Verb(span) => Some(*span),
                    _ => None,
                })
                .collect();
            verbs.sort();
            verbs.dedup();
            for span in verbs.iter().take(SHOWN_VERBS) {
                diagnostic = diagnostic.with_label(*span, format!("adds to `{}`", statement.sid));
            }
            if verbs.len() > SHOWN_VERBS {
                diagnostic = diagnostic.with_note(format!(
                    "{} verbs add to this statement in all",
                    verbs.len()
                ));
            }
            diagnostic
                .with_note(format!(
                    "the role's policies together exceed {} characters, and a managed policy holds at most {}; {source}",
                    limits::INLINE_ROLE_POLICY_CHARS.max,
                    limits::MANAGED_POLICY_CHARS.max
                ))
                .with_help("use fewer or shorter prefixes in the verbs that add to this statement, or give a shorter prefix they share")
        }
        policy::Overflow::TooManyPolicies { needed, chars } => Diagnostic::new(
            Code::E0520,
            format!("the permissions of {owner} do not fit the policies one IAM role can have"),
            span,
            format!(
                "its statements take up to {chars} characters: {needed} managed policies of at most {} each",
                limits::MANAGED_POLICY_CHARS.max
            ),
        )
        .with_note(format!(
            "a role takes {} characters of inline policy and {} managed policies by default; {source}",
            limits::INLINE_ROLE_POLICY_CHARS.max,
            limits::MANAGED_POLICIES_PER_ROLE.max
        ))
        .with_help("split the function's work between several functions, or use fewer or shorter prefixes"),
    }
}

/// Emits one target's templates: the stack's, then, for CloudFormation, one per other region
/// buckets are created in (`<stack>.<region>.cfn.yaml`, deployed first, in that region).
/// The code archives they refer to are the stack's [`Stack::archives`], shared by both
/// targets.
///
/// A split stack can still fail here: its nested stacks, placed by what the units' values
/// need, may be more than 500 (E0501), or one unit may need more parameters or outputs
/// than a template has (E0502).
pub fn emit(stack: &Stack<'_>, target: Target) -> Result<Vec<Artifact>, Box<Diagnostic>> {
    let name = &stack.program.stack.name;
    Ok(match target {
        Target::CloudFormation => {
            let mut artifacts: Vec<Artifact> = cloudformation::emit(stack)?
                .into_iter()
                .map(|(file_name, text)| Artifact {
                    file_name,
                    bytes: text.into_bytes(),
                })
                .collect();
            for region in stack.program.other_regions() {
                artifacts.push(Artifact {
                    file_name: cloudformation::regional_file_name(name, region),
                    bytes: cloudformation::emit_regional(stack, region).into_bytes(),
                });
            }
            artifacts
        }
        Target::Terraform => vec![Artifact {
            file_name: target.file_name(name),
            bytes: terraform::emit(stack).into_bytes(),
        }],
    })
}

/// For `drc check`, which writes nothing: the error CloudFormation's build would give
/// splitting the stack into nested stacks, if any (see [`emit`]).
pub fn check_split(stack: &Stack<'_>) -> Result<(), Box<Diagnostic>> {
    cloudformation::check_split(stack)
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

/// The operator of a bucket-policy deny of writes under another encryption setting or key:
/// the key ID's condition key holds an ARN, so it is compared as one (IAM's ARN operators);
/// the encryption setting is a string.
/// Source: <https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html#amazons3-policy-keys>
pub fn deny_operator(variable: &str) -> &'static str {
    if variable.ends_with("key-id") {
        "ArnNotEqualsIfExists"
    } else {
        "StringNotEqualsIfExists"
    }
}

#[cfg(test)]
mod tests {
    use super::LogicalIds as Id;
    use crate::names::longest_id_suffix;

    /// The checker refuses a name whose longest logical ID is over 255 characters (E0541),
    /// reading the longest ending of each kind from `names::LONGEST_ID_SUFFIXES`: no ID may
    /// be longer than that.
    #[test]
    fn every_logical_id_fits_its_kinds_longest_suffix() {
        let by_kind: [(&str, Vec<String>); 7] = [
            (
                "bucket",
                vec![
                    Id::bucket("x"),
                    Id::bucket_policy("x"),
                    Id::bucket_key("x"),
                    Id::replication_role("x"),
                    Id::replication_policy("x"),
                    format!("{}Name", Id::bucket("x")),
                    format!("{}Arn", Id::bucket_key("x")),
                    format!("{}Arn", Id::replication_role("x")),
                ],
            ),
            (
                "function",
                vec![
                    Id::function("x"),
                    Id::role("x"),
                    Id::role_policy("x", 10),
                    Id::log_group("x"),
                    Id::invoke_config("x"),
                    Id::error_alarm("x"),
                    Id::failure_alarm("x"),
                    format!("{}Arn", Id::function("x")),
                ],
            ),
            (
                "schedule",
                vec![
                    Id::schedule("x"),
                    Id::schedule_role("x"),
                    Id::schedule_dead_letters("x"),
                    Id::schedule_dead_letter_alarm("x"),
                ],
            ),
            ("queue", vec![Id::queue("x"), Id::queue_key("x")]),
            (
                "topic",
                vec![
                    Id::topic("x"),
                    Id::topic_key("x"),
                    Id::topic_subscription("x"),
                ],
            ),
            ("output", vec![Id::output("x")]),
            ("param", vec![Id::param("x")]),
        ];
        for (kind, ids) in by_kind {
            let longest = longest_id_suffix(kind).len();
            for id in ids {
                assert!(
                    id.len() - 1 <= longest,
                    "{kind}: `{id}` is longer than X{}",
                    longest_id_suffix(kind)
                );
            }
        }
    }

    /// Every logical ID is a name's stem followed by a suffix of words. Two items with
    /// different stems can only get the same ID if one suffix ends another (`Key` and
    /// `BucketKey` would let `a_bucket`'s key meet `a`'s); with no such pair, the checker
    /// only needs to refuse equal stems within a kind (E0208).
    #[test]
    fn no_logical_id_suffix_ends_another() {
        let ids: Vec<String> = vec![
            Id::bucket("x"),
            Id::bucket_policy("x"),
            Id::bucket_key("x"),
            Id::replication_role("x"),
            Id::replication_policy("x"),
            Id::function("x"),
            Id::role("x"),
            Id::role_policy("x", 1),
            Id::log_group("x"),
            Id::schedule("x"),
            Id::schedule_role("x"),
            Id::schedule_dead_letters("x"),
            Id::schedule_dead_letter_alarm("x"),
            Id::output("x"),
            Id::param("x"),
            Id::invoke_config("x"),
            Id::error_alarm("x"),
            Id::failure_alarm("x"),
            Id::queue("x"),
            Id::queue_key("x"),
            Id::topic("x"),
            Id::topic_key("x"),
            Id::topic_subscription("x"),
        ];
        let suffixes: Vec<&str> = ids
            .iter()
            .map(|id| id.strip_prefix('X').expect("the stem comes first"))
            .collect();
        for a in &suffixes {
            for b in &suffixes {
                assert!(
                    a == b || !a.ends_with(b),
                    "`{a}` ends with `{b}`: names with different stems could collide"
                );
            }
        }
    }
}
