//! Terraform JSON (`.tf.json`) for the AWS provider (v6).
//!
//! Buckets use the provider's split resources (versioning, encryption, public access block,
//! ownership controls, lifecycle, policy each in its own resource). Policies are
//! `aws_iam_policy_document` data sources. Every piece of user text that lands in a string
//! goes through `values::literal`, which escapes `${` and `%{` so it can never become Terraform
//! interpolation or a template directive.

mod bucket;
mod function;
mod messaging;
mod policy;
pub mod provider;
mod values;

use super::Stack;
use crate::check::model::{Bucket, Encryption, Param, ParamValue, QueueEncryption};
use crate::check::physical::stack_name_room;
use crate::iam::Owner;
use crate::iam::{self};
use crate::names::physical_prefix;
use bucket::{add_bucket, add_replication};
use function::{add_function, add_schedule, add_trust};
use messaging::{add_queue, add_topic};
use policy::provenance;
use serde_json::{Map, Value, json};
use values::{Tf, hcl_string, literal, param_value, reference_value};

/// Renders the stack as a Terraform JSON configuration.
pub fn emit(stack: &Stack<'_>) -> String {
    let program = stack.program;
    let mut out = Tf::default();
    out.data("aws_caller_identity", "current", json!({}));
    if needs_partition_and_region(stack) {
        out.data("aws_partition", "current", json!({}));
        out.data("aws_region", "current", json!({}));
    }
    add_buckets(&mut out, stack);
    add_functions(&mut out, stack);
    for queue in program.queues() {
        add_queue(&mut out, queue, &program.stack.name, &program.stack.tags);
    }
    for topic in program.topics() {
        add_topic(&mut out, topic, &program.stack.name, &program.stack.tags);
    }
    render(stack, out)
}

/// Key policies and ARNs built from a bare function name need the partition and region.
fn needs_partition_and_region(stack: &Stack<'_>) -> bool {
    let program = stack.program;
    program.buckets().iter().any(|b| {
        b.encryption == Encryption::Kms || b.existing.as_ref().is_some_and(|e| e.key.is_some())
    }) || program
        .queues()
        .iter()
        .any(|q| q.encryption == QueueEncryption::Kms)
        || !program.topics().is_empty()
        || program
            .existing_functions()
            .iter()
            .any(|f| f.arn.contains(iam::REGION))
}

/// The buckets this stack creates, then the replication of every bucket that replicates.
fn add_buckets(out: &mut Tf, stack: &Stack<'_>) {
    let program = stack.program;
    let buckets: Vec<&Bucket> = program.created_buckets().collect();
    out.extend(in_parallel(&buckets, |out, bucket| {
        let log_sources: Vec<&Bucket> = program.log_sources(&bucket.name).collect();
        add_bucket(
            out,
            bucket,
            &log_sources,
            &program.stack.name,
            &program.tags(&bucket.tags),
        );
    }));
    if program.buckets().iter().any(|b| !b.replicate_to.is_empty()) {
        add_trust(out, "assume_s3", "s3.amazonaws.com", false);
    }
    for bucket in program.buckets() {
        if let Some(role) = stack.policies.replication_role(&bucket.name) {
            add_replication(
                out,
                bucket,
                program,
                &role.statements,
                &provenance(stack.explanation_of(&role.owner)),
                &program.tags(&bucket.tags),
            );
        }
    }
}

/// The functions with their roles, then the schedules with theirs.
fn add_functions(out: &mut Tf, stack: &Stack<'_>) {
    let program = stack.program;
    if !program.functions().is_empty() {
        add_trust(out, "assume_lambda", "lambda.amazonaws.com", false);
    }
    let functions: Vec<_> = program.functions().iter().zip(&stack.archives).collect();
    out.extend(in_parallel(&functions, |out, (function, archive)| {
        let role = stack.policies.function_role(&function.name);
        let provenance = provenance(stack.function_explanation(&function.name));
        add_function(
            out,
            function,
            &role.statements,
            &provenance,
            stack.function_layout(&function.name),
            archive,
            &program.tags(&function.tags),
        );
    }));
    if !program.schedules().is_empty() {
        add_trust(out, "assume_scheduler", "scheduler.amazonaws.com", true);
    }
    out.extend(in_parallel(program.schedules(), |out, schedule| {
        let owner = Owner::Scheduler(schedule.name.clone());
        add_schedule(
            out,
            schedule,
            &stack.policies.schedule_role(&schedule.name).statements,
            &provenance(stack.explanation_of(&owner)),
            crate::emit::alarmed_dead_letters(program, schedule),
            &program.tags(&schedule.tags),
        );
    }));
}

/// What `add` writes for each item, item by item in parallel, as fragments in the items'
/// order (for [`Tf::merge`]).
fn in_parallel<T: Sync>(items: &[T], add: impl Fn(&mut Tf, &T) + Sync + Send) -> Vec<Tf> {
    crate::parallel::map(items, items.len(), |item| {
        let mut out = Tf::default();
        add(&mut out, item);
        out
    })
}

/// The configuration's text: header, provider requirements, variables, data sources,
/// resources and outputs.
fn render(stack: &Stack<'_>, out: Tf) -> String {
    let program = stack.program;
    let mut root = Map::new();
    // A `//` property is a comment, and descriptions are literal strings, not templates: all
    // are written as they are (<https://developer.hashicorp.com/terraform/language/syntax/json>).
    root.insert("//".into(), json!(super::header(stack)));
    root.insert(
        "terraform".into(),
        json!({
            "required_version": ">= 1.5.0",
            "required_providers": { "aws": { "source": "hashicorp/aws", "version": provider::constraint(&out.resources) } }
        }),
    );
    let mut variables = Map::new();
    let mut stack_name = json!({
        "type": "string",
        "description": "Prefix of the physical names drc sets (Lambda function names, log groups, queues, topics)",
        "default": physical_prefix(&program.stack.name),
    });
    // drc checked every name with the default; a longer value must still fit them all.
    if let Some(room) = stack_name_room(program) {
        stack_name["validation"] = json!([{
            "condition": format!("${{length(var.stack_name) >= 1 && length(var.stack_name) <= {room}}}"),
            "error_message": format!("The stack_name is 1 to {room} characters long: with a longer one, a name drc sets would pass its AWS limit."),
        }]);
    }
    variables.insert("stack_name".into(), stack_name);
    for param in program.params() {
        variables.insert(param.name.clone(), variable(param));
    }
    root.insert("variable".into(), Value::Object(variables));
    root.insert("data".into(), Value::Object(out.data));
    root.insert("resource".into(), Value::Object(out.resources));
    let outputs = outputs(stack);
    if !outputs.is_empty() {
        root.insert("output".into(), Value::Object(outputs));
    }
    let mut text =
        serde_json::to_string_pretty(&Value::Object(root)).expect("JSON values always serialize");
    text.push('\n');
    text
}

fn outputs(stack: &Stack<'_>) -> Map<String, Value> {
    let mut outputs = Map::new();
    for bucket in stack.program.created_buckets() {
        let name = &bucket.name;
        outputs.insert(
            format!("{name}_bucket_name"),
            json!({ "description": format!("Name of bucket {name}"), "value": format!("${{aws_s3_bucket.{name}.id}}") }),
        );
    }
    for bucket in stack.program.created_buckets() {
        if let Some(accounts) = crate::emit::other_accounts(stack.program, bucket) {
            let name = &bucket.name;
            outputs.insert(
                format!("{name}_replication_role_arn"),
                json!({
                    "description": literal(&format!("ARN of the role replicating bucket {name} into {accounts}: its bucket policy names it")),
                    "value": format!("${{aws_iam_role.{name}-replication.arn}}"),
                }),
            );
        }
    }
    for function in stack.program.functions() {
        let name = &function.name;
        outputs.insert(
            format!("{name}_function_arn"),
            json!({ "description": format!("ARN of function {name}"), "value": format!("${{aws_lambda_function.{name}.arn}}") }),
        );
    }
    // User outputs keep their `.dr` name; the checker refuses names the ones above take.
    // Terraform has no exports: `export` only applies to CloudFormation.
    for output in stack.program.outputs() {
        let mut body = Map::new();
        if let Some(description) = &output.description {
            body.insert("description".into(), json!(description));
        }
        body.insert("value".into(), json!(reference_value(&output.value)));
        outputs.insert(output.name.clone(), Value::Object(body));
    }
    outputs
}

/// A `param` as a variable: its type, default and description, and a `validation` block
/// when it has allowed values.
fn variable(param: &Param) -> Value {
    let mut body = Map::new();
    body.insert("type".into(), json!(param.kind.keyword()));
    if let Some(default) = &param.default {
        body.insert("default".into(), param_value(default));
    }
    if let Some(description) = &param.description {
        body.insert("description".into(), json!(description));
    }
    if !param.allowed.is_empty() {
        let values: Vec<String> = param
            .allowed
            .iter()
            .map(|value| match value {
                ParamValue::String(text) => hcl_string(text),
                ParamValue::Number(number) => number.to_string(),
            })
            .collect();
        let shown: Vec<String> = param.allowed.iter().map(ParamValue::text).collect();
        body.insert(
            "validation".into(),
            json!([{
                "condition": format!("${{contains([{}], var.{})}}", values.join(", "), param.name),
                "error_message": literal(&format!("The {} must be one of: {}.", param.name, shown.join(", "))),
            }]),
        );
    }
    Value::Object(body)
}

#[cfg(test)]
mod tests {
    use super::literal;

    #[test]
    fn escapes_interpolation_and_directives() {
        assert_eq!(literal("a ${var.x} b"), "a $${var.x} b");
        assert_eq!(literal("%{ if true }"), "%%{ if true }");
        assert_eq!(literal("$ and % and {}"), "$ and % and {}");
        assert_eq!(literal("$${"), "$$${");
    }
}
