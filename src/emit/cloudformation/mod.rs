//! CloudFormation YAML.
//!
//! Intrinsic functions are written in their short forms (`!Ref`, `!GetAtt`, `!Sub`). User
//! text that lands inside `!Sub` is escaped (`${` becomes `${!`), so it can never become a
//! substitution. Retained buckets (and their keys) get `DeletionPolicy: Retain` and
//! `UpdateReplacePolicy: Retain`; every other stateful resource says `Delete` explicitly.
//!
//! This is the only module that uses the YAML library (`serde_norway`, see
//! `docs/architecture.md`).

mod bucket;
mod function;
mod messaging;
mod names;
mod nested;
mod policy;
mod values;
mod yaml;

use names::reference_value;
use nested::Unit;

use super::{LogicalIds as Id, Stack};
use crate::check::limits;
use crate::check::model::{
    Bucket, Encryption, Function, Param, ParamType, Queue, Schedule, TextPart, Topic,
};
use crate::diagnostics::Diagnostic;
use crate::iam::{self, Owner};
use bucket::{add_bucket, add_replication_role};
use function::{add_function, add_schedule};
use messaging::{add_queue, add_topic};
use names::{remote_key_param, remote_name_param};
use policy::{provenance, statements};
use serde_norway::{Mapping, Value};
use values::{
    BUCKET_NAME_PATTERN, CODE_BUCKET, escape_sub, get_att, map, param_value, reference, s, sub,
    text,
};

/// Renders the stack as CloudFormation templates (file name and text): the stack's own
/// template, then, when one template would pass a limit of CloudFormation's (resources,
/// outputs, parameters, size), the nested stacks' templates it is split into (`nested.rs`).
pub fn emit(stack: &Stack<'_>) -> Result<Vec<(String, String)>, Box<Diagnostic>> {
    let file = super::Target::CloudFormation.file_name(&stack.program.stack.name);
    let parameters = parameters(stack);
    let units = units(stack);
    let builtin = builtin_outputs(stack);
    let user = user_outputs(stack);
    if !fits(&parameters, &units, &builtin, &user) {
        return nested::split(
            stack,
            &file,
            skeleton(stack),
            parameters,
            units,
            builtin,
            user,
        );
    }
    let mut template = skeleton(stack);
    if !parameters.is_empty() {
        template.insert(s("Parameters"), Value::Mapping(parameters));
    }
    let resources = units.into_iter().flat_map(|unit| unit.resources).collect();
    template.insert(s("Resources"), Value::Mapping(resources));
    let mut outputs = builtin;
    outputs.extend(user);
    if !outputs.is_empty() {
        template.insert(s("Outputs"), Value::Mapping(outputs));
    }
    let text = render(stack, template);
    if text.len() <= limit(limits::CFN_TEMPLATE_BYTES) {
        return Ok(vec![(file, text)]);
    }
    nested::split(
        stack,
        &file,
        skeleton(stack),
        self::parameters(stack),
        self::units(stack),
        builtin_outputs(stack),
        user_outputs(stack),
    )
}

/// What `drc check`, which writes no template, knows of a build's split: its error, if it
/// has one (E0501, E0502). Only a stack past a count (resources, outputs, parameters) is
/// placed; one split for its size alone is placed when it is built.
pub fn check_split(stack: &Stack<'_>) -> Result<(), Box<Diagnostic>> {
    let mut parameters = parameters(stack);
    let mut units = units(stack);
    let builtin = builtin_outputs(stack);
    let mut user = user_outputs(stack);
    if fits(&parameters, &units, &builtin, &user) {
        return Ok(());
    }
    nested::arrange(stack, &mut parameters, &mut units, &builtin, &mut user).map(|_| ())
}

/// Whether the units, outputs and parameters fit one template by CloudFormation's counts.
fn fits(parameters: &Mapping, units: &[Unit], builtin: &Mapping, user: &Mapping) -> bool {
    let resources: usize = units.iter().map(|unit| unit.resources.len()).sum();
    resources <= limit(limits::CFN_RESOURCES)
        && builtin.len() + user.len() <= limit(limits::CFN_OUTPUTS)
        && parameters.len() <= limit(limits::CFN_PARAMETERS)
}

fn limit(limit: limits::Limit) -> usize {
    usize::try_from(limit.max).expect("CloudFormation's limits are small")
}

/// The template's version and description.
fn skeleton(stack: &Stack<'_>) -> Mapping {
    let mut template = Mapping::new();
    template.insert(s("AWSTemplateFormatVersion"), s("2010-09-09"));
    if let Some(description) = &stack.program.stack.description {
        template.insert(s("Description"), s(description));
    }
    template
}

/// Every item's resources, one unit per item, in the template's order: buckets, replication
/// roles, functions, schedules, queues, topics. Units are built in parallel, then taken in
/// that order.
fn units(stack: &Stack<'_>) -> Vec<Unit> {
    let program = stack.program;
    let mut jobs: Vec<Job> = program.local_buckets().map(Job::Bucket).collect();
    jobs.extend(program.buckets().iter().filter_map(|bucket| {
        let role = stack.policies.replication_role(&bucket.name)?;
        Some(Job::Replication(bucket, role))
    }));
    jobs.extend(
        program
            .functions()
            .iter()
            .zip(&stack.archives)
            .map(|(function, archive)| Job::Function(function, &archive.file_name)),
    );
    jobs.extend(program.schedules().iter().map(Job::Schedule));
    jobs.extend(program.queues().iter().map(Job::Queue));
    jobs.extend(program.topics().iter().map(Job::Topic));
    let work = jobs.len();
    crate::parallel::map_owned(jobs, work, |job| unit(stack, job))
}

/// One item whose resources make a unit.
#[derive(Clone, Copy)]
enum Job<'s> {
    Bucket(&'s Bucket),
    Replication(&'s Bucket, &'s iam::Role),
    Function(&'s Function, &'s str),
    Schedule(&'s Schedule),
    Queue(&'s Queue),
    Topic(&'s Topic),
}

/// The resources of one item.
fn unit(stack: &Stack<'_>, job: Job) -> Unit {
    let program = stack.program;
    let mut resources = Mapping::new();
    let key = match job {
        Job::Bucket(bucket) => {
            let log_sources: Vec<&Bucket> = program.log_sources(&bucket.name).collect();
            add_bucket(
                &mut resources,
                program,
                bucket,
                &log_sources,
                &program.stack.name,
                &program.tags(&bucket.tags),
            );
            bucket.span
        }
        Job::Replication(bucket, role) => {
            add_replication_role(
                &mut resources,
                &bucket.name,
                &statements(program, &role.statements),
                provenance(stack.explanation_of(&role.owner)),
                &program.tags(&bucket.tags),
            );
            bucket.span
        }
        Job::Function(function, archive) => {
            add_function(&mut resources, stack, function, archive);
            function.span
        }
        Job::Schedule(schedule) => {
            let owner = Owner::Scheduler(schedule.name.clone());
            add_schedule(
                &mut resources,
                schedule,
                &statements(
                    program,
                    &stack.policies.schedule_role(&schedule.name).statements,
                ),
                provenance(stack.explanation_of(&owner)),
                crate::emit::alarmed_dead_letters(program, schedule),
                &program.tags(&schedule.tags),
            );
            schedule.span
        }
        Job::Queue(queue) => {
            add_queue(
                &mut resources,
                queue,
                &program.stack.name,
                &program.stack.tags,
            );
            queue.span
        }
        Job::Topic(topic) => {
            add_topic(
                &mut resources,
                topic,
                &program.stack.name,
                &program.stack.tags,
            );
            topic.span
        }
    };
    Unit { key, resources }
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

/// The template as YAML, under drc's header. The header is a comment: a control character
/// or line break in the file's name would end it and start YAML of the name's choosing, so
/// those are written escaped (a newline as `\u{a}`).
fn render(stack: &Stack<'_>, template: Mapping) -> String {
    let header: String = super::header(stack)
        .chars()
        .map(|c| {
            if yaml::needs_escape(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    format!("# {header}\n{}", yaml::write(&Value::Mapping(template)))
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
    parameters.insert(s(CODE_BUCKET), code_bucket_parameter(false));
    parameters
}

/// The parameter naming the bucket the code archives (and, when the stack is split, the
/// nested stacks' templates) are uploaded to.
fn code_bucket_parameter(nested: bool) -> Value {
    let what = if nested {
        "the function code archives and nested templates"
    } else {
        "the function code archives"
    };
    map([
        ("Type", s("String")),
        (
            "Description",
            s(&format!(
                "S3 bucket holding {what} that drc build wrote (upload them before deploying)"
            )),
        ),
        ("AllowedPattern", s(BUCKET_NAME_PATTERN)),
    ])
}

/// The file name of a stack's template for the buckets it creates in another region.
pub fn regional_file_name(stack: &str, region: &str) -> String {
    format!("{stack}.{region}.cfn.yaml")
}

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

/// drc's own outputs: each local bucket's name and each function's ARN.
fn builtin_outputs(stack: &Stack<'_>) -> Mapping {
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
    for bucket in stack.program.local_buckets() {
        if let Some(accounts) = crate::emit::other_accounts(stack.program, bucket) {
            let role = Id::replication_role(&bucket.name);
            outputs.insert(
                s(&format!("{role}Arn")),
                map([
                    (
                        "Description",
                        s(&format!(
                            "ARN of the role replicating bucket {} into {accounts}: its bucket policy names it",
                            bucket.name
                        )),
                    ),
                    ("Value", get_att(&role, "Arn")),
                ]),
            );
        }
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
    outputs
}

/// The `output` items.
fn user_outputs(stack: &Stack<'_>) -> Mapping {
    let mut outputs = Mapping::new();
    for output in stack.program.outputs() {
        let mut body = Mapping::new();
        if let Some(description) = &output.description {
            body.insert(s("Description"), s(description));
        }
        body.insert(s("Value"), reference_value(stack.program, &output.value));
        if let Some(export) = &output.export {
            // Unique per deployment: the parameters it inserts, or else the stack's name.
            let name = match export.as_literal() {
                Some(fixed) => sub(&format!("${{AWS::StackName}}-{}", escape_sub(fixed))),
                None => text(export),
            };
            body.insert(s("Export"), map([("Name", name)]));
        }
        outputs.insert(s(&Id::output(&output.name)), Value::Mapping(body));
    }
    outputs
}
