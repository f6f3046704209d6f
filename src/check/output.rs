//! `output name { value = ..., export = ... }`: the stack's outputs, their references and
//! export names, and the count against CloudFormation's output limit.

use super::body::Body;
use super::checker::Checker;
use super::limits;
use super::model::{Bucket, Function, Output, ParamValue, Reference, Text, TextPart};
use super::text::text_display;
use super::words::describe;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{Ident, Value, ValueKind};
use std::collections::BTreeMap;

impl<'a> Checker<'a> {
    /// Checks an `output` item; `None` when it has no `value` or its value is not a reference.
    pub(super) fn output(&mut self, name: &Ident, body: &Body<'a>) -> Option<Output> {
        let export = self.export_name(body);
        let description = self.string(body, "description").map(|(text, span)| {
            self.check_length(
                &text,
                span,
                limits::OUTPUT_DESCRIPTION,
                "an output description",
            );
            text
        });
        let value = &body.attributes.get("value")?.value;
        let reference = self.output_reference(value)?;
        Some(Output {
            name: name.text.clone(),
            span: name.span,
            value: reference,
            export: export.map(|(text, _)| text),
            description,
        })
    }

    /// `export = "bucket-name"` or `"${stage}-backups:bucket-name"`: a name CloudFormation
    /// accepts (E0366) at its longest. Without a parameter, drc prefixes the stack's name
    /// (`${AWS::StackName}-`, up to 128 characters), so the export is unique per deployment;
    /// with one, the parameter makes it so, and it is measured at its longest known value.
    fn export_name(&mut self, body: &Body<'a>) -> Option<(Text, Span)> {
        let (text, span) = self.text(body, "export")?;
        let literals: Vec<&str> = text
            .parts
            .iter()
            .filter_map(|part| match part {
                TextPart::Literal(literal) => Some(literal.as_str()),
                TextPart::Param(_) => None,
            })
            .collect();
        let fixed: String = literals.concat();
        let longest = if text.as_literal().is_some() {
            // `${AWS::StackName}-` at the longest stack name.
            format!(
                "{}-{fixed}",
                "s".repeat(usize::try_from(limits::STACK_NAME.max).expect("small"))
            )
        } else {
            // Each parameter at the longest value it is known to take (its allowed values,
            // or its default).
            text.parts
                .iter()
                .map(|part| match part {
                    TextPart::Literal(literal) => literal.clone(),
                    TextPart::Param(name) => self
                        .params
                        .get(name)
                        .and_then(|state| {
                            state
                                .known
                                .iter()
                                .map(ParamValue::text)
                                .max_by_key(String::len)
                        })
                        .unwrap_or_default(),
                })
                .collect()
        };
        let problem = if text.as_literal().is_some() && fixed.is_empty() {
            limits::export_name_problem("")
        } else {
            literals
                .iter()
                .find_map(|literal| literal_export_problem(literal))
                .or_else(|| limits::export_name_problem(&longest))
        };
        if let Some(problem) = problem {
            let shown = text_display(&text);
            self.error(
                Diagnostic::new(
                    Code::E0366,
                    format!("`{shown}` is not a valid export name"),
                    span,
                    problem,
                )
                .with_note(if text.as_literal().is_some() {
                    format!(
                        "without a parameter, the export is `<stack name>-{shown}`, and stack names are up to {} characters; see {}",
                        limits::STACK_NAME.max,
                        limits::EXPORT_NAME.source
                    )
                } else {
                    format!(
                        "measured with each parameter at the longest value it can take (its allowed values, or its default); see {}",
                        limits::EXPORT_NAME.source
                    )
                })
                .with_help("write it like `bucket-name`, or `${stage}-backups:bucket-name` with a parameter"),
            );
            return None;
        }
        Some((text, span))
    }

    /// `value = item.name` or `item.arn`: a reference, resolved once every name is declared
    /// (E0403 for another attribute, E0301 for a value that is not a reference).
    fn output_reference(&mut self, value: &Value) -> Option<Reference> {
        match &value.kind {
            ValueKind::Word(w) if w.contains('.') => self.reference(value, w),
            other => {
                let mut d = Diagnostic::new(
                    Code::E0301,
                    format!(
                        "expected a reference like `backups.name`, found {}",
                        describe(other)
                    ),
                    value.span,
                    "an output reports an attribute of a resource",
                );
                if let ValueKind::Word(w) = other {
                    d = d.with_help(format!("did you mean `{w}.name` or `{w}.arn`?"));
                }
                self.error(d);
                None
            }
        }
    }

    /// User outputs must not take the names of the outputs drc adds for every bucket
    /// (`<bucket>_bucket_name`, `BucketName`), every replicating bucket
    /// (`<bucket>_replication_role_arn`, output only for a replica in another account, reserved
    /// for every replicating bucket so adding `account` never breaks a stack) and function
    /// (`<function>_function_arn`), and export names are unique.
    pub(super) fn check_outputs(
        &mut self,
        outputs: &[Output],
        buckets: &[Bucket],
        functions: &[Function],
    ) {
        let built_in = buckets
            .iter()
            .map(|b| (format!("{}_bucket_name", b.name), "bucket", &b.name, b.span))
            .chain(functions.iter().map(|f| {
                (
                    format!("{}_function_arn", f.name),
                    "function",
                    &f.name,
                    f.span,
                )
            }))
            .chain(
                buckets
                    .iter()
                    .filter(|b| !b.replicate_to.is_empty())
                    .map(|b| {
                        (
                            format!("{}_replication_role_arn", b.name),
                            "the replication role of bucket",
                            &b.name,
                            b.span,
                        )
                    }),
            );
        for (name, kind, item, span) in built_in {
            if let Some(output) = outputs.iter().find(|o| o.name == name) {
                self.error(
                    Diagnostic::new(
                        Code::E0219,
                        format!("output `{name}` has the name of an output drc adds"),
                        output.span,
                        "already an output",
                    )
                    .with_label(span, format!("drc outputs {kind} `{item}` as `{name}`"))
                    .with_help("rename this output, or remove it: drc already reports this value"),
                );
            }
        }
        let mut exports: BTreeMap<String, &Output> = BTreeMap::new();
        for output in outputs {
            let Some(export) = &output.export else {
                continue;
            };
            let export = text_display(export);
            if let Some(first) = exports.insert(export.clone(), output) {
                self.error(
                    Diagnostic::new(
                        Code::E0220,
                        format!("export name `{export}` is used twice"),
                        output.span,
                        "exported again here",
                    )
                    .with_label(first.span, "first exported here")
                    .with_note("export names are unique in an account and region")
                    .with_help("give each output its own export name"),
                );
            }
        }
    }
}

/// The characters of a fixed part of an export name: letters, digits, `:` and `-`.
fn literal_export_problem(literal: &str) -> Option<String> {
    literal
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == ':' || *c == '-'))
        .map(|c| format!("export names use only letters, digits, `:` and `-`, not `{c}`"))
}
