//! The check stage: [`Ast`] to [`Program`].
//!
//! Checking runs in three passes over the items: declare every name (so order of declaration
//! never matters), check each item's body against its kind's table of attributes and give
//! every value its type and unit, then resolve references and verbs and look for cycles and
//! name collisions. Every problem is collected; a [`Program`] is returned only when none of
//! them is an error.

mod allow;
pub mod clock;
pub mod cron;
pub mod lifetimes;
pub mod limits;
pub mod model;
pub mod objectives;
pub mod regions;
pub mod runtimes;
pub mod safety;
pub mod units;
pub mod vocabulary;

mod body;
mod bucket;
mod checker;
mod env;
mod function;
mod kinds;
mod lifecycle;
mod lock;
mod logging;
mod output;
mod params;
pub mod physical;
mod queue;
pub mod quotas;
mod replication;
mod resolve;
mod schedule;
mod stack;
mod text;
mod topic;
mod values;
mod verbs;
mod words;

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, SourceFile, Span};
use crate::syntax::ast::{Ast, Entry, Item};
pub use allow::Silenced;
use body::Body;
use checker::Checker;
use jiff::civil::Date;
use kinds::{KINDS, KindSpec};
use model::{
    Bucket, EnvValue, ExistingFunction, Function, Kind, Output, Param, Program, Queue, Schedule,
    Stack, Tags, Topic,
};
pub use params::{param_names, unknown_set};
use resolve::existing_references_to_literals;
use stack::default_stack_name;
use std::collections::{BTreeMap, BTreeSet};
use verbs::Pending;
use words::list;

/// Checks one stack: the parsed root file `file` and the files it imports (all of `asts`,
/// root first), whose names share one namespace. `today` decides which runtimes are
/// deprecated or blocked; `set` fixes parameters to values given on the command line
/// (`--set NAME=VALUE`).
pub fn check(
    file: FileId,
    source: &SourceFile,
    asts: &[&Ast],
    today: Date,
    set: &BTreeMap<String, String>,
) -> (Option<Program>, Vec<Diagnostic>) {
    let mut checker = Checker {
        file,
        today,
        diagnostics: Vec::new(),
        names: BTreeMap::new(),
        set,
        params: BTreeMap::new(),
        existing: BTreeSet::new(),
    };
    let mut program = checker.program(source, asts);
    let mut diagnostics = checker.diagnostics;
    // A file with syntax errors is checked item by item, but never as a whole.
    let recovered = asts.iter().any(|ast| ast.recovered);
    if !diagnostics.iter().any(Diagnostic::is_error) && !recovered {
        diagnostics.extend(safety::check(&program));
        diagnostics.extend(clock::warnings(&program, today));
        diagnostics.extend(lifetimes::check(&program));
        diagnostics.extend(objectives::unmet(&program, today));
    }
    program.silenced = allow::apply(asts, &mut diagnostics);
    if program.stack.deny_warnings {
        let why = format!("`deny_warnings = true` in stack `{}`", program.stack.name);
        diagnostics = diagnostics.into_iter().map(|d| d.deny(&why)).collect();
    }
    let failed = recovered || diagnostics.iter().any(Diagnostic::is_error);
    (if failed { None } else { Some(program) }, diagnostics)
}

/// Every item's checked body, by kind, before references are resolved (pass 2's result).
#[derive(Default)]
struct Bodies<'a> {
    /// The stack declaration and the span of its name, if there is one.
    stack: Option<(Stack, Span)>,
    buckets: Vec<Bucket>,
    functions: Vec<Function>,
    schedules: Vec<Schedule>,
    params: Vec<Param>,
    queues: Vec<Queue>,
    topics: Vec<Topic>,
    existing_functions: Vec<ExistingFunction>,
    outputs: Vec<Output>,
    /// The functions' verbs, waiting for every name to be declared.
    pending: Vec<Pending<'a>>,
}

impl<'a> Checker<'a> {
    /// Runs the three passes over every item of `asts` and builds the [`Program`].
    fn program(&mut self, source: &SourceFile, asts: &[&'a Ast]) -> Program {
        // Pass 1: kinds and names.
        let items = self.declare_items(asts);
        // Pass 2: bodies.
        let mut bodies = self.check_bodies(items);
        let stack = bodies.stack.take().map_or_else(
            || Stack {
                name: default_stack_name(source.stem()),
                description: None,
                deny_warnings: false,
                span: Span::new(self.file, 0, 0),
                tags: Tags::new(),
                objectives: model::Objectives::default(),
            },
            |(s, _)| s,
        );
        // Pass 3: references, verbs, cycles, collisions.
        self.resolve_verbs_and_references(&mut bodies);
        self.check_across_items(asts, &stack, &mut bodies);
        let Bodies {
            buckets,
            functions,
            schedules,
            params,
            queues,
            topics,
            existing_functions,
            outputs,
            ..
        } = bodies;
        // Only a file that compiles is worth a warning about how it runs.
        let program = Program::new(
            self.file,
            stack,
            model::Items {
                buckets,
                functions,
                schedules,
                params,
                queues,
                topics,
                existing_functions,
                outputs,
            },
        );
        let recovered = asts.iter().any(|ast| ast.recovered);
        if !self.diagnostics.iter().any(Diagnostic::is_error) && !recovered {
            self.check_not_empty(&program);
            for schedule in program.schedules() {
                self.warn_unreported_failure(schedule, &program);
                self.warn_unwatched_failure_queue(schedule, &program);
            }
        }
        program
    }

    /// E0226: a stack that creates nothing. CloudFormation refuses a template whose
    /// `Resources` is empty, and an empty or comments-only file is a mistake on any target.
    fn check_not_empty(&mut self, program: &Program) {
        let creates = program.created_buckets().next().is_some()
            || !program.functions().is_empty()
            || !program.schedules().is_empty()
            || !program.queues().is_empty()
            || !program.topics().is_empty();
        if creates {
            return;
        }
        self.error(
            Diagnostic::new(
                Code::E0226,
                format!("stack `{}` creates no resource", program.stack.name),
                Span::new(self.file, 0, 0),
                "nothing in this file creates a bucket, function, schedule, queue or topic",
            )
            .with_note(
                "a CloudFormation template needs at least one resource (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/resources-section-structure.html)",
            )
            .with_help("declare a resource, like `bucket backups { versioned = true }`"),
        );
    }

    /// Pass 1: finds each item's kind (E0201 for an unknown one) and declares its name, so
    /// that order of declaration never matters.
    fn declare_items(&mut self, asts: &[&'a Ast]) -> Vec<(&'a Item, &'static KindSpec)> {
        let mut items = Vec::new();
        for item in asts.iter().flat_map(|ast| &ast.items) {
            let Some(spec) = KINDS.iter().find(|k| k.kind.keyword() == item.kind.text) else {
                self.error(
                    Diagnostic::new(
                        Code::E0201,
                        format!("unknown item kind `{}`", item.kind.text),
                        item.kind.span,
                        "not a kind of item",
                    )
                    .with_help(format!(
                        "the kinds are {}",
                        list(KINDS.iter().map(|k| k.kind.keyword()))
                    ))
                    .with_suggestion(&item.kind.text, KINDS.iter().map(|k| k.kind.keyword())),
                );
                continue;
            };
            if spec.kind != Kind::Stack {
                self.declare(&item.name, spec.kind);
            }
            // An item with a syntax error is known by name only: checking what could be read
            // of it would report what the error hides (a missing attribute, say).
            if item.recovered {
                continue;
            }
            let is_existing =
                |e: &Entry| matches!(e, Entry::Attribute(a) if a.key.text == "existing");
            if spec.kind == Kind::Function && item.body.entries.iter().any(is_existing) {
                self.existing.insert(&item.name.text);
            }
            items.push((item, spec));
        }
        items
    }

    /// Pass 2: checks each item's body against its kind, parameters first so that text
    /// anywhere can insert them, then reports unused parameters and drops those fixed by
    /// `--set`.
    fn check_bodies(&mut self, mut items: Vec<(&'a Item, &'static KindSpec)>) -> Bodies<'a> {
        let mut bodies = Bodies::default();
        items.sort_by_key(|(_, spec)| spec.kind != Kind::Param);
        for (item, spec) in items {
            self.check_item(item, spec, &mut bodies);
        }
        self.check_unused_params();
        bodies
            .params
            .retain(|p: &Param| self.params.get(&p.name).is_some_and(|s| s.fixed.is_none()));
        bodies
    }

    /// Checks one item's body (E0205 for a missing required attribute) and adds what it
    /// declares to `bodies`.
    fn check_item(&mut self, item: &'a Item, spec: &'static KindSpec, bodies: &mut Bodies<'a>) {
        let body = self.body(
            &item.body,
            spec.attributes,
            spec.blocks,
            spec.verbs,
            spec.kind.keyword(),
        );
        // By name and by this body: a second item of the same name (E0203) without `existing`
        // is checked as the item it is.
        let existing = self.existing.contains(item.name.text.as_str())
            && body.attributes.contains_key("existing");
        for (key, example) in spec.required {
            if !body.attributes.contains_key(key) && !existing {
                self.error(
                    Diagnostic::new(
                        Code::E0205,
                        format!(
                            "{} `{}` has no `{key}`",
                            spec.kind.keyword(),
                            item.name.text
                        ),
                        item.name.span,
                        format!("missing `{key}`"),
                    )
                    .with_help(format!("add `{example}` to the block")),
                );
            }
        }
        match spec.kind {
            Kind::Stack => self.check_stack_item(item, &body, bodies),
            Kind::Bucket => bodies.buckets.push(self.bucket(&item.name, &body)),
            Kind::Function if existing => {
                if let Some(function) = self.existing_function(&item.name, &body) {
                    bodies.existing_functions.push(function);
                }
            }
            Kind::Function => {
                let index = bodies.functions.len();
                let (function, verbs) = self.function(&item.name, &body);
                bodies
                    .pending
                    .extend(verbs.into_iter().map(|(verb, declared, prefix)| Pending {
                        function: index,
                        verb,
                        declared,
                        prefix,
                    }));
                bodies.functions.push(function);
            }
            Kind::Schedule => {
                if let Some(schedule) = self.schedule(&item.name, &body) {
                    bodies.schedules.push(schedule);
                }
            }
            Kind::Param => bodies.params.push(self.param(&item.name, &body)),
            Kind::Queue => bodies.queues.push(self.queue(&item.name, &body)),
            Kind::Topic => bodies.topics.push(self.topic(&item.name, &body)),
            Kind::Output => {
                if let Some(output) = self.output(&item.name, &body) {
                    bodies.outputs.push(output);
                }
            }
        }
    }

    /// Checks a `stack` item; E0206 when a stack was already declared.
    fn check_stack_item(&mut self, item: &'a Item, body: &Body<'a>, bodies: &mut Bodies<'a>) {
        let new = self.stack(item.name.clone(), body);
        if let Some((_, first)) = &bodies.stack {
            self.error(
                Diagnostic::new(
                    Code::E0206,
                    "more than one stack declaration",
                    item.name.span,
                    "second stack declared here",
                )
                .with_label(*first, "first stack declared here")
                .with_help("a file describes one stack: merge the two declarations"),
            );
        } else {
            bodies.stack = Some((new, item.name.span));
        }
    }

    /// Pass 3, first half: turns the functions' verbs into accesses and resolves the
    /// references in environments, failure destinations, schedule targets and outputs.
    fn resolve_verbs_and_references(&mut self, bodies: &mut Bodies<'a>) {
        for p in std::mem::take(&mut bodies.pending) {
            if let Some(access) = self.access(&p) {
                bodies.functions[p.function].accesses.push(access);
            }
        }
        for function in &mut bodies.functions {
            for (_, value) in &mut function.env {
                if let EnvValue::Ref(reference) = value {
                    self.resolve_reference(reference);
                }
            }
        }
        for function in &mut bodies.functions {
            self.resolve_failure(&mut function.failure);
        }
        for schedule in &bodies.schedules {
            if self.expect_kind(
                &schedule.target,
                schedule.target_span,
                Kind::Function,
                "a schedule invokes functions",
            ) {
                self.check_schedule_target(schedule);
            }
        }
        for output in &mut bodies.outputs {
            self.resolve_reference(&mut output.value);
        }
    }

    /// Pass 3, second half: the checks that look across items: replication, regions,
    /// access logs, cycles, name collisions, outputs and tag counts.
    fn check_across_items(&mut self, asts: &[&'a Ast], stack: &Stack, bodies: &mut Bodies<'a>) {
        let Bodies {
            buckets,
            functions,
            schedules,
            queues,
            topics,
            outputs,
            ..
        } = bodies;
        self.check_replication(buckets);
        self.check_regions(buckets);
        existing_references_to_literals(buckets, functions);
        self.check_access_logs(buckets);
        self.check_cycles(functions);
        self.check_logical_ids(asts);
        let names = physical::physical_names(buckets, functions, schedules, queues, topics);
        self.check_physical_names(stack, &names);
        self.check_lifecycle_rule_count(buckets);
        self.check_outputs(outputs, buckets, functions);
        let tagged = buckets
            .iter()
            .map(|b| (&b.tags, b.span))
            .chain(functions.iter().map(|f| (&f.tags, f.span)))
            .chain(schedules.iter().map(|s| (&s.tags, s.span)));
        for (tags, span) in tagged {
            self.check_tag_count(stack, tags, span);
        }
    }
}
