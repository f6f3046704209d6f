//! `output name { value = ..., export = ... }`: the stack's outputs, their references and
//! export names, and the count against CloudFormation's output limit.

use super::body::Body;
use super::checker::Checker;
use super::limits;
use super::model::{Bucket, Function, Output, Reference};
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

    /// `export = "prod-backups:bucket-name"`: a name CloudFormation accepts (E0366).
    fn export_name(&mut self, body: &Body<'a>) -> Option<(String, Span)> {
        self.string(body, "export").and_then(|(text, span)| {
            if let Some(problem) = limits::export_name_problem(&text) {
                self.error(
                    Diagnostic::new(
                        Code::E0366,
                        format!("`{text}` is not a valid export name"),
                        span,
                        problem,
                    )
                    .with_note(format!("see {}", limits::EXPORT_NAME.source))
                    .with_help("write it like `prod-backups:bucket-name`"),
                );
                return None;
            }
            Some((text, span))
        })
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
                    .filter(|b| b.replicate_to.is_some())
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
        let mut exports: BTreeMap<&str, &Output> = BTreeMap::new();
        for output in outputs {
            let Some(export) = &output.export else {
                continue;
            };
            if let Some(first) = exports.insert(export, output) {
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
