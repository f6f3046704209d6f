//! The verify stage: proof, not promise. drc reads the templates it wrote back, as an outside
//! tool would, and proves that each role allows exactly the requests its declarations
//! entitle, on both targets, and that the targets allow the same requests.
//!
//! ```text
//! templates (bytes) --read_cfn / read_tf--> Reading (symbolic IAM documents, per target)
//! declarations      --expect-------------> Expected (one statement per declaration or rule)
//! Reading vs Expected, CloudFormation vs Terraform --eval over the universe--> findings
//! ```
//!
//! The stage shares no code with the emitters: it knows CloudFormation and Terraform from
//! their documentation, and drc's conventions (logical IDs, addresses, the provenance beside
//! each role) from the outside. What a declaration entitles comes from the verb table and the
//! built-in rules, statement by statement, never from the merged policies of `infer`.
//!
//! - `drc build` proves what it is about to write, against the checked program ([`prove`]):
//!   nothing is written when the proof fails (`E0901`).
//! - `drc verify` proves built outputs against the provenance they carry ([`verify`]).
//!
//! The universe of requests, what the evaluator models and what it does not:
//! `docs/permissions.md#proof`.

pub mod actions;
pub mod broaden;
pub mod eval;
pub mod expect;
mod matching;
pub mod policy;
mod read_cfn;
mod read_tf;
pub mod report;
pub mod symbol;
pub mod tree;
pub mod universe;

use crate::check::model::Program;
use crate::diagnostics::{Code, Diagnostic};
use crate::names::logical_stem;
use crate::source::{SourceMap, Span};
use eval::{Decision, Evaluator, Question, Resources};
use expect::Expected;
use policy::{Owner, Reading, ResourcePolicy, Statement};
use report::{Finding, FindingKey, Kind, Policy, StackReport};
use std::collections::{BTreeMap, BTreeSet};
use symbol::{Item, ItemKind, Symbols};

/// The templates of one stack: file names and bytes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outputs {
    /// The stack's name (the file names' first part).
    pub stack: String,
    /// `<stack>.cfn.yaml` and `<stack>.<region>.cfn.yaml`, main template first.
    pub cloudformation: Vec<(String, Vec<u8>)>,
    /// `<stack>.tf.json`.
    pub terraform: Option<(String, Vec<u8>)>,
}

/// Sorts template files (base names and bytes) into stacks. A file that is neither a
/// CloudFormation template nor a Terraform configuration is an error.
pub fn group(files: Vec<(String, Vec<u8>)>) -> Result<Vec<Outputs>, String> {
    let mut stacks: BTreeMap<String, Outputs> = BTreeMap::new();
    for (name, bytes) in files {
        let stack = name.split('.').next().unwrap_or_default().to_owned();
        let outputs = stacks.entry(stack.clone()).or_insert_with(|| Outputs {
            stack,
            ..Outputs::default()
        });
        if name.ends_with(".cfn.yaml") {
            outputs.cloudformation.push((name, bytes));
        } else if name.ends_with(".tf.json") {
            if outputs.terraform.is_some() {
                return Err(format!(
                    "two Terraform configurations for stack `{}`",
                    outputs.stack
                ));
            }
            outputs.terraform = Some((name, bytes));
        } else {
            return Err(format!(
                "`{name}` is neither a CloudFormation template (.cfn.yaml) nor a Terraform configuration (.tf.json)"
            ));
        }
    }
    for outputs in stacks.values_mut() {
        // The main template (no region in its name) first.
        outputs
            .cloudformation
            .sort_by_key(|(name, _)| (name.matches('.').count(), name.clone()));
    }
    Ok(stacks.into_values().collect())
}

/// Proves built outputs against the declarations their provenance records (`drc verify`).
/// An error is a file that cannot be parsed at all.
pub fn verify(outputs: &Outputs) -> Result<StackReport, String> {
    let mut symbols = Symbols::new();
    let report = run(outputs, None, &mut symbols, true)?;
    symbols.room()?;
    Ok(report)
}

/// Proves the files of a build (names and bytes; code archives are passed over) against the
/// checked program (`drc build`): one `E0901` diagnostic per disagreement (the first few),
/// none when the proof holds.
pub fn prove(program: &Program, sources: &SourceMap, files: &[(&str, &[u8])]) -> Vec<Diagnostic> {
    match proof(program, sources, files) {
        Ok(Some(report)) => diagnostics(program, &report),
        Ok(None) => Vec::new(),
        Err(Unproven::Unreadable(why)) => vec![internal(
            program.stack.span,
            format!("drc cannot read back its own output: {why}"),
            "the output",
        )],
        // A limit of the proof, not a bug: the stack is refused with the way out.
        Err(Unproven::TooLarge(why)) => vec![
            Diagnostic::new(
                Code::E0901,
                format!("drc cannot prove this stack: {why}"),
                program.stack.span,
                "too large to prove",
            )
            .with_note("drc proves the templates it is about to write against the declarations, and writes nothing when the proof fails")
            .with_help("split the stack into smaller ones (docs/permissions.md#proof gives the limit)"),
        ],
    }
}

/// Why a build's outputs could not be proven at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unproven {
    /// drc could not read its own output: a bug.
    Unreadable(String),
    /// The stack has more names than the proof can tell apart (`Symbols::room`).
    TooLarge(String),
}

/// The report behind [`prove`]: `None` when the files hold no template.
pub fn proof(
    program: &Program,
    sources: &SourceMap,
    files: &[(&str, &[u8])],
) -> Result<Option<StackReport>, Unproven> {
    let templates: Vec<(String, Vec<u8>)> = files
        .iter()
        .filter(|(name, _)| name.ends_with(".cfn.yaml") || name.ends_with(".tf.json"))
        .map(|(name, bytes)| ((*name).to_owned(), bytes.to_vec()))
        .collect();
    if templates.is_empty() {
        return Ok(None);
    }
    let mut symbols = Symbols::new();
    let expected = expect::from_program(program, sources, &mut symbols);
    let stacks = group(templates).map_err(Unproven::Unreadable)?;
    let [stack] = stacks.as_slice() else {
        return Err(Unproven::Unreadable(
            "the artifacts name more than one stack".to_owned(),
        ));
    };
    let report = run(stack, Some(&expected), &mut symbols, false).map_err(Unproven::Unreadable)?;
    symbols.room().map_err(Unproven::TooLarge)?;
    Ok(Some(report))
}

/// The first findings of a report as `E0901` diagnostics.
fn diagnostics(program: &Program, report: &StackReport) -> Vec<Diagnostic> {
    const SHOWN: usize = 10;
    let span_of = |key: &FindingKey| -> Span {
        let (kind, stem) = match key {
            FindingKey::Role(Owner::Function(stem)) => (ItemKind::Function, stem),
            FindingKey::Role(Owner::Schedule(stem)) => (ItemKind::Schedule, stem),
            FindingKey::Role(Owner::Replication(stem)) => (ItemKind::Bucket, stem),
            FindingKey::Role(Owner::Unused(_)) => return program.stack.span,
            FindingKey::Resource(item) => (item.kind, &item.stem),
        };
        let named = |name: &str| logical_stem(name) == *stem;
        let found = match kind {
            ItemKind::Function | ItemKind::LogGroup => program
                .functions()
                .iter()
                .find(|f| named(&f.name))
                .map(|f| f.span),
            ItemKind::Schedule | ItemKind::ScheduleQueue => program
                .schedules()
                .iter()
                .find(|s| named(&s.name))
                .map(|s| s.span),
            ItemKind::Bucket | ItemKind::BucketKey => program
                .buckets()
                .iter()
                .find(|b| named(&b.name))
                .map(|b| b.span),
            ItemKind::Queue | ItemKind::QueueKey => program
                .queues()
                .iter()
                .find(|q| named(&q.name))
                .map(|q| q.span),
            ItemKind::Topic | ItemKind::TopicKey => program
                .topics()
                .iter()
                .find(|t| named(&t.name))
                .map(|t| t.span),
            ItemKind::Role | ItemKind::ManagedPolicy => None,
        };
        found.unwrap_or(program.stack.span)
    };
    let mut out = Vec::new();
    for problem in report.problems.iter().take(SHOWN) {
        out.push(
            internal(
                program.stack.span,
                format!("drc cannot prove its own output: {}", problem.message),
                "the stack whose output is in question",
            )
            .with_note(format!("at {} in {}", problem.path, problem.file)),
        );
    }
    for finding in report.findings.iter().take(SHOWN.saturating_sub(out.len())) {
        let message = match finding.kind {
            Kind::OverGrant => format!("the {} output allows more than declared", finding.target),
            Kind::UnderGrant => format!("the {} output allows less than declared", finding.target),
            Kind::TargetsDiffer => {
                format!("the outputs of {} allow different requests", finding.target)
            }
        };
        let mut diagnostic = internal(
            span_of(&finding.key),
            message,
            match finding.policy {
                Policy::Identity => "the role of this item",
                Policy::Trust => "who may assume the role of this item",
                Policy::Resource => "the resource policy of this item",
            },
        )
        .with_note(finding.headline());
        for by in &finding.decided_by {
            diagnostic =
                diagnostic.with_note(format!("{} by {by}", report::decision(finding.actual)));
        }
        out.push(diagnostic);
    }
    let total = report.findings.len() + report.problems.len();
    if total > out.len()
        && let Some(last) = out.pop()
    {
        out.push(last.with_note(format!(
            "{} more findings are not shown",
            total - out.len() - 1
        )));
    }
    out
}

fn internal(span: Span, message: String, label: &str) -> Diagnostic {
    Diagnostic::new(Code::E0901, message, span, label)
        .with_note("drc proves the templates it is about to write against the declarations, and writes nothing when the proof fails")
        .with_help("this is a bug in drc: please report it with this file")
}

/// Both sides of a comparison: roles by owner, resource policies by resource.
struct Side<'a> {
    roles: BTreeMap<&'a Owner, (&'a [Statement], &'a [Statement])>,
    resources: BTreeMap<&'a Item, &'a ResourcePolicy>,
}

impl<'a> Side<'a> {
    fn of_reading(reading: &'a Reading) -> Self {
        Side {
            roles: reading
                .roles
                .iter()
                .map(|(o, r)| (o, (r.trust.as_slice(), r.identity.as_slice())))
                .collect(),
            resources: reading.resource_policies.iter().collect(),
        }
    }

    fn of_expected(expected: &'a Expected) -> Self {
        Side {
            roles: expected
                .roles
                .iter()
                .map(|(o, r)| (o, (r.trust.as_slice(), r.identity.as_slice())))
                .collect(),
            resources: expected.resource_policies.iter().collect(),
        }
    }
}

/// What each target's templates grant: CloudFormation's, then Terraform's, with the
/// provenance beside each role when asked. An error is a file that cannot be parsed at all.
pub fn readings(
    outputs: &Outputs,
    symbols: &mut Symbols,
    provenance: bool,
) -> Result<Vec<(&'static str, Reading)>, String> {
    let mut readings = Vec::new();
    if !outputs.cloudformation.is_empty() {
        let files: Vec<(&str, &[u8])> = outputs
            .cloudformation
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        readings.push((
            "cloudformation",
            read_cfn::read(&files, symbols, provenance)?,
        ));
    }
    if let Some((name, bytes)) = &outputs.terraform {
        readings.push((
            "terraform",
            read_tf::read(name, bytes, symbols, provenance)?,
        ));
    }
    Ok(readings)
}

/// Proves one stack's outputs; `expected` from the program, or from each target's provenance.
fn run(
    outputs: &Outputs,
    expected: Option<&Expected>,
    symbols: &mut Symbols,
    exhaustive: bool,
) -> Result<StackReport, String> {
    let mut evaluator = Evaluator::new(exhaustive);
    let mut report = StackReport {
        stack: outputs.stack.clone(),
        ..StackReport::default()
    };
    let readings = readings(outputs, symbols, expected.is_none())?;
    let mut owners: BTreeSet<Owner> = BTreeSet::new();
    let mut items: BTreeSet<Item> = BTreeSet::new();
    for (target, reading) in &readings {
        report.targets.push(target);
        report.files.extend(reading.files.iter().cloned());
        report.problems.extend(reading.problems.iter().cloned());
        let own;
        let expected = if let Some(expected) = expected {
            expected
        } else {
            own = expect::from_reading(reading, symbols);
            report.problems.extend(own.problems.iter().cloned());
            &own
        };
        owners.extend(reading.roles.keys().cloned());
        owners.extend(expected.roles.keys().cloned());
        items.extend(reading.resource_policies.keys().cloned());
        items.extend(expected.resource_policies.keys().cloned());
        let findings = compare(
            target,
            &Side::of_reading(reading),
            &Side::of_expected(expected),
            false,
            &mut evaluator,
            symbols,
            &mut report.problems,
        );
        report.findings.extend(findings);
    }
    // When both targets match one expectation they match each other: the comparison between
    // them is only needed to report a drift, or when each target brings its own expectation.
    if let [(left_target, left), (right_target, right)] = readings.as_slice()
        && (expected.is_none() || !report.findings.is_empty())
    {
        let findings = compare(
            &format!("{left_target} and {right_target}"),
            &Side::of_reading(left),
            &Side::of_reading(right),
            true,
            &mut evaluator,
            symbols,
            &mut report.problems,
        );
        report.findings.extend(findings);
    }
    // Over-grants first: they are what a reviewer must see.
    report.findings.sort_by_key(|f| f.kind);
    report.enumerated = evaluator.enumerated();
    report.roles = owners.len();
    report.resource_policies = items.len();
    report.problems.sort();
    report.problems.dedup();
    Ok(report)
}

/// Every service's actions the identity policies are asked about.
const ALL: &[&str] = actions::SERVICES;

/// Compares two sides role by role and resource by resource.
fn compare(
    target: &str,
    left: &Side,
    right: &Side,
    between_targets: bool,
    evaluator: &mut Evaluator,
    symbols: &mut Symbols,
    problems: &mut Vec<policy::Problem>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let empty: (&[Statement], &[Statement]) = (&[], &[]);
    let owners: BTreeSet<&Owner> = left
        .roles
        .keys()
        .chain(right.roles.keys())
        .copied()
        .collect();
    for owner in owners {
        let (left_trust, left_identity) = left.roles.get(owner).copied().unwrap_or(empty);
        let (right_trust, right_identity) = right.roles.get(owner).copied().unwrap_or(empty);
        let role_arn = {
            let partition = symbols.text(symbol::Symbol::Partition);
            let account = symbols.text(symbol::Symbol::Account);
            let name = symbols.item(ItemKind::Role, &expect::describe_owner(owner, symbols));
            format!("arn:{partition}:iam::{account}:role/{name}")
        };
        let described = expect::describe_owner(owner, symbols);
        let subject = match owner {
            Owner::Function(stem) => format!(
                "`{}`",
                symbols.display_name(&Item {
                    kind: ItemKind::Function,
                    stem: stem.clone()
                })
            ),
            _ => format!("the role of {described}"),
        };
        let questions = [
            (
                Policy::Identity,
                subject.clone(),
                Question {
                    left: left_identity,
                    right: right_identity,
                    services: ALL,
                    resources: Resources::Open,
                    callers: false,
                    tri_state: false,
                },
            ),
            (
                Policy::Trust,
                format!("the role of {described}"),
                Question {
                    left: left_trust,
                    right: right_trust,
                    services: &["sts"],
                    resources: Resources::Within(&role_arn),
                    callers: true,
                    tri_state: false,
                },
            ),
        ];
        for (policy, subject, question) in questions {
            findings.extend(ask(
                target,
                policy,
                &subject,
                &FindingKey::Role(owner.clone()),
                &question,
                between_targets,
                evaluator,
                symbols,
                problems,
            ));
        }
    }
    let items: BTreeSet<&Item> = left
        .resources
        .keys()
        .chain(right.resources.keys())
        .copied()
        .collect();
    let none = ResourcePolicy::default();
    for item in items {
        let l = left.resources.get(item).copied().unwrap_or(&none);
        let r = right.resources.get(item).copied().unwrap_or(&none);
        let arn = if r.arn.is_empty() { &l.arn } else { &r.arn };
        let services: &[&str] = match item.kind {
            ItemKind::Bucket => &["s3"],
            ItemKind::BucketKey | ItemKind::QueueKey | ItemKind::TopicKey => &["kms"],
            ItemKind::Queue | ItemKind::ScheduleQueue => &["sqs"],
            ItemKind::Topic => &["sns"],
            ItemKind::Function => &["lambda"],
            _ => &[],
        };
        let subject = describe_item(item, symbols);
        let question = Question {
            left: &l.statements,
            right: &r.statements,
            services,
            resources: Resources::Within(arn),
            callers: true,
            tri_state: true,
        };
        findings.extend(ask(
            target,
            Policy::Resource,
            &subject,
            &FindingKey::Resource(item.clone()),
            &question,
            between_targets,
            evaluator,
            symbols,
            problems,
        ));
    }
    findings
}

/// A resource for people: `bucket backups`, `the key of topic alerts`.
fn describe_item(item: &Item, symbols: &Symbols) -> String {
    let name = symbols.display_name(item);
    match item.kind {
        ItemKind::Bucket => format!("bucket `{name}`"),
        ItemKind::BucketKey => format!("the key of bucket `{name}`"),
        ItemKind::QueueKey => format!("the key of queue `{name}`"),
        ItemKind::TopicKey => format!("the key of topic `{name}`"),
        ItemKind::Queue => format!("queue `{name}`"),
        ItemKind::ScheduleQueue => format!("the dead-letter queue of schedule `{name}`"),
        ItemKind::Topic => format!("topic `{name}`"),
        ItemKind::Function => format!("function `{name}`"),
        _ => format!("`{name}`"),
    }
}

/// One comparison, its differences turned into findings.
#[allow(clippy::too_many_arguments)]
fn ask(
    target: &str,
    policy: Policy,
    subject: &str,
    key: &FindingKey,
    question: &Question,
    between_targets: bool,
    evaluator: &mut Evaluator,
    symbols: &mut Symbols,
    problems: &mut Vec<policy::Problem>,
) -> Vec<Finding> {
    let differences = match evaluator.compare(question, symbols) {
        Ok(differences) => differences,
        Err(why) => {
            problems.push(policy::Problem {
                file: target.to_owned(),
                path: subject.to_owned(),
                message: format!("too many requests to enumerate: {why}"),
            });
            return Vec::new();
        }
    };
    let rank = |d: Decision| match d {
        Decision::Deny => 0,
        Decision::Neither => 1,
        Decision::Allow => 2,
    };
    let catalog = universe::catalog();
    let mut findings: Vec<Finding> = Vec::new();
    for d in differences {
        let kind = if between_targets {
            Kind::TargetsDiffer
        } else if rank(d.left) > rank(d.right) {
            Kind::OverGrant
        } else {
            Kind::UnderGrant
        };
        // Only the keys the deciding statements test, spelled as written.
        // The keys the statements in play for this request test, spelled as written.
        let considered = d.considered.iter().map(|&i| match question.left.get(i) {
            Some(statement) => statement,
            None => &question.right[i - question.left.len()],
        });
        let mut written: BTreeMap<&str, &str> = BTreeMap::new();
        for condition in considered.flat_map(|s| s.conditions.iter()) {
            written.entry(&condition.key).or_insert(&condition.name);
        }
        let request = report::Request {
            action: catalog.actions[d.actions[0]].name.to_owned(),
            also: d.actions[1..]
                .iter()
                .map(|&a| catalog.actions[a].name.to_owned())
                .collect(),
            resource: symbols.show(&d.resource),
            caller: d
                .caller
                .as_ref()
                .map(|c| report::caller(c, |t| symbols.show(t))),
            context: d
                .context
                .iter()
                .filter_map(|(k, v)| {
                    let name = written.get(k.as_str())?;
                    Some(((*name).to_owned(), v.as_ref().map(|v| symbols.show(v))))
                })
                .collect(),
        };
        let decided_by: Vec<String> = d
            .left_by
            .iter()
            .map(|&i| question.left[i].origin.describe())
            .collect();
        let entitled_by: Vec<String> = d
            .right_by
            .iter()
            .map(|&i| question.right[i].origin.describe())
            .collect();
        // The same disagreement for the same statements is one finding.
        if let Some(same) = findings.iter_mut().find(|f| {
            f.kind == kind
                && (f.actual, f.expected) == (d.left, d.right)
                && f.decided_by == decided_by
                && f.entitled_by == entitled_by
        }) {
            same.similar.push(request);
            continue;
        }
        findings.push(Finding {
            kind,
            target: target.to_owned(),
            policy,
            subject: subject.to_owned(),
            key: key.clone(),
            request,
            similar: Vec::new(),
            actual: d.left,
            expected: d.right,
            decided_by,
            entitled_by,
        });
    }
    findings
}
