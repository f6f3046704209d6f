//! The check stage: [`Ast`] to [`Program`].
//!
//! Checking runs in three passes over the items: declare every name (so order of declaration
//! never matters), check each item's body against its kind's table of attributes and give
//! every value its type and unit, then resolve references and verbs and look for cycles and
//! name collisions. Every problem is collected; a [`Program`] is returned only when none of
//! them is an error.

pub mod cron;
pub mod limits;
pub mod model;
pub mod regions;
pub mod runtimes;
pub mod safety;
pub mod units;

use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::iam::{self, Verb};
use crate::names;
use crate::source::{FileId, SourceFile, Span};
use crate::syntax::ast::{
    self, Ast, Attribute, Block, Entry, Ident, Nested, StrPart, Value, ValueKind,
};
use jiff::civil::Date;
use limits::Limit;
use model::{
    Access, AccessLogs, Bucket, Destination, Encryption, EnvValue, Existing, ExistingFunction,
    Failure, Function, Kind, Lifecycle, LifecycleRule, LockMode, ObjectLock, OtherRegion, Output,
    Param, ParamType, ParamValue, Program, Queue, QueueEncryption, Reference, Replication,
    Retention, Schedule, ScheduleExpression, Stack, Tags, Text, TextPart, Topic, Transition,
};
use std::collections::{BTreeMap, BTreeSet};

/// What each kind of item accepts.
struct KindSpec {
    kind: Kind,
    attributes: &'static [&'static str],
    required: &'static [(&'static str, &'static str)],
    blocks: &'static [&'static str],
    verbs: bool,
}

/// The item kinds and their attributes: the one place the language's vocabulary is listed.
const KINDS: &[KindSpec] = &[
    KindSpec {
        kind: Kind::Stack,
        attributes: &["description", "deny_warnings"],
        required: &[],
        blocks: &["tags"],
        verbs: false,
    },
    KindSpec {
        kind: Kind::Bucket,
        attributes: &[
            "name",
            "versioned",
            "retain",
            "encryption",
            "replicate_to",
            "existing",
            "key",
            "region",
        ],
        required: &[],
        blocks: &["lifecycle", "object_lock", "access_logs", "tags"],
        verbs: false,
    },
    KindSpec {
        kind: Kind::Function,
        attributes: &[
            "runtime",
            "handler",
            "code",
            "memory",
            "timeout",
            "log_retention",
            "description",
            "architecture",
            "reserved_concurrency",
            "ephemeral_storage",
            "on_failure",
            "dead_letter",
            "retry_attempts",
            "max_event_age",
            "alarm",
            "existing",
        ],
        required: &[
            ("runtime", "runtime = nodejs24.x"),
            ("handler", "handler = \"index.handler\""),
            ("code", "code = \"lambda\""),
        ],
        blocks: &["env", "tags"],
        verbs: true,
    },
    KindSpec {
        kind: Kind::Schedule,
        attributes: &[
            "every",
            "cron",
            "invoke",
            "enabled",
            "description",
            "timezone",
            "flexible_window",
            "retries",
            "max_event_age",
        ],
        required: &[("invoke", "invoke = my_function")],
        blocks: &["payload", "tags"],
        verbs: false,
    },
    KindSpec {
        kind: Kind::Output,
        attributes: &["value", "export", "description"],
        required: &[("value", "value = backups.name")],
        blocks: &[],
        verbs: false,
    },
    KindSpec {
        kind: Kind::Queue,
        attributes: &["retention", "encryption"],
        required: &[],
        blocks: &[],
        verbs: false,
    },
    KindSpec {
        kind: Kind::Topic,
        attributes: &["email"],
        required: &[],
        blocks: &[],
        verbs: false,
    },
    KindSpec {
        kind: Kind::Param,
        attributes: &["type", "default", "allowed", "description"],
        required: &[],
        blocks: &[],
        verbs: false,
    },
];

const PARAM_TYPES: &[&str] = &["string", "number"];

/// Names a parameter cannot have, and why. Terraform reserves some variable names
/// (<https://developer.hashicorp.com/terraform/language/values/variables#declaring-an-input-variable>);
/// drc's own Terraform output declares `stack_name`.
const RESERVED_PARAM_NAMES: &[(&str, &str)] = &[
    (
        "stack_name",
        "drc's Terraform output declares the variable `stack_name` itself",
    ),
    ("source", "Terraform reserves `source` as a variable name"),
    ("version", "Terraform reserves `version` as a variable name"),
    (
        "providers",
        "Terraform reserves `providers` as a variable name",
    ),
    ("count", "Terraform reserves `count` as a variable name"),
    (
        "for_each",
        "Terraform reserves `for_each` as a variable name",
    ),
    (
        "lifecycle",
        "Terraform reserves `lifecycle` as a variable name",
    ),
    (
        "depends_on",
        "Terraform reserves `depends_on` as a variable name",
    ),
    ("locals", "Terraform reserves `locals` as a variable name"),
];

/// The whole-bucket `lifecycle { ... }` block: a rule's attributes plus the bucket-wide abort.
const LIFECYCLE_ATTRIBUTES: &[&str] = &[
    "standard_ia",
    "intelligent_tiering",
    "glacier_ir",
    "glacier",
    "deep_archive",
    "expire",
    "noncurrent_standard_ia",
    "noncurrent_intelligent_tiering",
    "noncurrent_glacier_ir",
    "noncurrent_glacier",
    "noncurrent_deep_archive",
    "noncurrent_expire",
    "abort_incomplete_uploads",
];
/// A `lifecycle "prefix/" { ... }` rule: everything but the bucket-wide abort, which is last.
const LIFECYCLE_RULE_ATTRIBUTES: &[&str] = LIFECYCLE_ATTRIBUTES
    .split_at(LIFECYCLE_ATTRIBUTES.len() - 1)
    .0;
/// Blocks that take a string label (`lifecycle "daily/" { ... }`), and may repeat with
/// different labels.
const LABELLED_BLOCKS: &[&str] = &["lifecycle"];
const OBJECT_LOCK_ATTRIBUTES: &[&str] = &["mode", "retain"];
const LOCK_MODES: &[&str] = &["governance", "compliance"];
const ACCESS_LOGS_ATTRIBUTES: &[&str] = &["bucket", "prefix"];
/// AWS partitions, the second field of an ARN.
/// Source: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html>
const PARTITIONS: &[&str] = &["aws", "aws-cn", "aws-us-gov"];
const ENCRYPTIONS: &[&str] = &["s3", "kms"];
const QUEUE_ENCRYPTIONS: &[&str] = &["sqs", "kms"];
const ARCHITECTURES: &[&str] = &["arm64", "x86_64"];
/// Other names of Lambda's two architectures, and the name Lambda uses.
const ARCHITECTURE_ALIASES: &[(&str, &str)] = &[
    ("arm", "arm64"),
    ("aarch64", "arm64"),
    ("graviton", "arm64"),
    ("x86", "x86_64"),
    ("x64", "x86_64"),
    ("amd64", "x86_64"),
    ("intel", "x86_64"),
];
/// SQS keeps messages 4 days unless told otherwise; a queue of failed events keeps them
/// as long as SQS allows, so a failure on a Friday is still there after a long weekend.
const DEFAULT_QUEUE_RETENTION_S: u32 = 14 * 86_400;
const REFERENCE_ATTRIBUTES: &[&str] = &["name", "arn"];
const DEFAULT_MEMORY_MB: u32 = 128;
const DEFAULT_TIMEOUT_S: u32 = 3;
const DEFAULT_LOG_RETENTION_DAYS: u32 = 365;
const DEFAULT_ABORT_UPLOAD_DAYS: u32 = 7;

/// The names of the parameters a file declares (whether or not they check).
pub fn param_names(ast: &Ast) -> impl Iterator<Item = String> + '_ {
    ast.items
        .iter()
        .filter(|item| item.kind.text == Kind::Param.keyword())
        .map(|item| item.name.text.clone())
}

/// The error for `--set NAME=VALUE` when no file declares `param NAME`. There is no span to
/// point at in a command line, so it points at the start of the first file.
pub fn unknown_set(name: &str, declared: &BTreeSet<String>, at: Span) -> Diagnostic {
    let mut d = Diagnostic::new(
        Code::E0387,
        format!("`--set {name}=...` names no parameter"),
        at,
        format!("no `param {name}` is declared"),
    )
    .with_note(if declared.is_empty() {
        "the stack declares no parameters".to_owned()
    } else {
        format!(
            "the parameters are {}",
            list(declared.iter().map(String::as_str))
        )
    });
    d = if did_you_mean(name, declared.iter().map(String::as_str)).is_some() {
        d.with_suggestion(name, declared.iter().map(String::as_str))
    } else {
        d.with_help(format!(
            "declare it with `param {name} {{ type = string }}`, or drop the `--set`"
        ))
    };
    d
}

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
    let program = checker.program(source, asts);
    let mut diagnostics = checker.diagnostics;
    if !diagnostics.iter().any(Diagnostic::is_error) {
        diagnostics.extend(safety::check(&program));
    }
    if program.stack.deny_warnings {
        let why = format!("`deny_warnings = true` in stack `{}`", program.stack.name);
        diagnostics = diagnostics.into_iter().map(|d| d.deny(&why)).collect();
    }
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    (if failed { None } else { Some(program) }, diagnostics)
}

struct Checker<'a> {
    file: FileId,
    today: Date,
    diagnostics: Vec<Diagnostic>,
    /// Every declared name: its kind and the span of the name.
    names: BTreeMap<&'a str, (Kind, Span)>,
    /// Values fixed with `--set NAME=VALUE`.
    set: &'a BTreeMap<String, String>,
    /// Every checked parameter, by name.
    params: BTreeMap<String, ParamState>,
    /// Functions declared with `existing = "..."`: outside the stack.
    existing: BTreeSet<&'a str>,
}

/// A parameter, one value it can take, and where the parameter is declared.
type KnownValue = (String, String, Span);

/// What the checker knows about a parameter while it checks the text that uses it.
struct ParamState {
    span: Span,
    /// The value given with `--set`, once validated.
    fixed: Option<ParamValue>,
    /// Whether any text inserts it.
    used: bool,
    /// The values it can be known to take: its allowed values, or else its default.
    known: Vec<ParamValue>,
}

/// The entries of a block, sorted by role, after unknown and repeated entries were reported.
#[derive(Default)]
struct Body<'a> {
    attributes: BTreeMap<&'a str, &'a Attribute>,
    blocks: BTreeMap<&'a str, &'a Nested>,
    /// Blocks with a label (`lifecycle "daily/" { ... }`), in source order.
    labelled: Vec<&'a Nested>,
    verbs: Vec<&'a ast::Verb>,
}

/// A verb statement with its rule and checked prefix, before its target is resolved.
type CheckedVerb<'a> = (&'a ast::Verb, &'static iam::VerbRule, Option<String>);

/// The bucket named by a setting that sends data to another bucket, and the words its
/// diagnostics use.
struct TargetBucket<'t> {
    /// The named bucket.
    name: &'t str,
    /// Where it is named.
    span: Span,
    /// Why it must be a bucket (E0402's note).
    why: &'static str,
    /// Its role, for an existing bucket's error: `a replica`.
    what: &'static str,
    /// What drc would have to do to an existing bucket (`make sure it is versioned`).
    existing_help: &'static str,
}

/// A verb or reference waiting for all names to be declared.
struct Pending<'a> {
    function: usize,
    verb: &'a ast::Verb,
    rule: &'static iam::VerbRule,
    prefix: Option<String>,
}

impl<'a> Checker<'a> {
    fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn program(&mut self, source: &SourceFile, asts: &[&'a Ast]) -> Program {
        let mut stack: Option<(Stack, Span)> = None;
        let mut buckets = Vec::new();
        let mut functions = Vec::new();
        let mut schedules = Vec::new();
        let mut params = Vec::new();
        let mut queues = Vec::new();
        let mut topics = Vec::new();
        let mut existing_functions = Vec::new();
        let mut outputs = Vec::new();
        let mut pending = Vec::new();

        // Pass 1: kinds and names.
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
            let is_existing =
                |e: &Entry| matches!(e, Entry::Attribute(a) if a.key.text == "existing");
            if spec.kind == Kind::Function && item.body.entries.iter().any(is_existing) {
                self.existing.insert(&item.name.text);
            }
            items.push((item, spec));
        }

        // Pass 2: bodies. Parameters first, so that text anywhere can insert them.
        items.sort_by_key(|(_, spec)| spec.kind != Kind::Param);
        for (item, spec) in items {
            let body = self.body(
                &item.body,
                spec.attributes,
                spec.blocks,
                spec.verbs,
                spec.kind.keyword(),
            );
            let existing = self.existing.contains(item.name.text.as_str());
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
                Kind::Stack => {
                    let new = self.stack(item.name.clone(), &body);
                    if let Some((_, first)) = &stack {
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
                        stack = Some((new, item.name.span));
                    }
                }
                Kind::Bucket => buckets.push(self.bucket(&item.name, &body)),
                Kind::Function if existing => {
                    if let Some(function) = self.existing_function(&item.name, &body) {
                        existing_functions.push(function);
                    }
                }
                Kind::Function => {
                    let index = functions.len();
                    let (function, verbs) = self.function(&item.name, &body);
                    pending.extend(verbs.into_iter().map(|(verb, rule, prefix)| Pending {
                        function: index,
                        verb,
                        rule,
                        prefix,
                    }));
                    functions.push(function);
                }
                Kind::Schedule => {
                    if let Some(schedule) = self.schedule(&item.name, &body) {
                        schedules.push(schedule);
                    }
                }
                Kind::Param => params.push(self.param(&item.name, &body)),
                Kind::Queue => queues.push(self.queue(&item.name, &body)),
                Kind::Topic => topics.push(self.topic(&item.name, &body)),
                Kind::Output => {
                    if let Some(output) = self.output(&item.name, &body) {
                        outputs.push(output);
                    }
                }
            }
        }
        self.check_unused_params();
        params.retain(|p: &Param| self.params.get(&p.name).is_some_and(|s| s.fixed.is_none()));

        let stack = stack.map_or_else(
            || Stack {
                name: default_stack_name(source.stem()),
                description: None,
                deny_warnings: false,
                span: Span::new(self.file, 0, 0),
                tags: Tags::new(),
            },
            |(s, _)| s,
        );

        // Pass 3: references, verbs, cycles, collisions.
        for p in pending {
            if let Some(access) = self.access(&p) {
                functions[p.function].accesses.push(access);
            }
        }
        for function in &mut functions {
            for (_, value) in &mut function.env {
                if let EnvValue::Ref(reference) = value {
                    self.resolve_reference(reference);
                }
            }
        }
        for function in &mut functions {
            self.resolve_failure(&mut function.failure);
        }
        for schedule in &schedules {
            if self.expect_kind(
                &schedule.target,
                schedule.target_span,
                Kind::Function,
                "a schedule invokes functions",
            ) {
                self.check_schedule_target(schedule);
            }
        }
        for output in &mut outputs {
            self.resolve_reference(&mut output.value);
        }
        self.check_replication(&buckets);
        self.check_regions(&buckets);
        existing_references_to_literals(&buckets, &mut functions);
        self.check_access_logs(&buckets);
        self.check_cycles(&functions);
        self.check_logical_ids(asts);
        self.check_function_names(&stack, &functions);
        self.check_outputs(&outputs, &buckets, &functions);
        let tagged = buckets
            .iter()
            .map(|b| (&b.tags, b.span))
            .chain(functions.iter().map(|f| (&f.tags, f.span)))
            .chain(schedules.iter().map(|s| (&s.tags, s.span)));
        for (tags, span) in tagged {
            self.check_tag_count(&stack, tags, span);
        }
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
        // Only a file that compiles is worth a warning about how it runs.
        if !self.diagnostics.iter().any(Diagnostic::is_error) {
            for schedule in program.schedules() {
                self.warn_unreported_failure(schedule, &program);
            }
        }
        program
    }

    fn declare(&mut self, name: &'a Ident, kind: Kind) {
        if let Some((first_kind, first)) = self.names.get(name.text.as_str()).copied() {
            self.error(
                Diagnostic::new(
                    Code::E0203,
                    format!("the name `{}` is defined twice", name.text),
                    name.span,
                    format!("{} `{}` defined again here", kind.keyword(), name.text),
                )
                .with_label(
                    first,
                    format!("first defined here as a {}", first_kind.keyword()),
                )
                .with_help("names are shared by all items of a stack: rename one of them"),
            );
        } else {
            self.names.insert(&name.text, (kind, name.span));
        }
    }

    /// Sorts a block's entries, reporting unknown and repeated ones.
    fn body(
        &mut self,
        block: &'a Block,
        attributes: &[&'static str],
        blocks: &[&'static str],
        verbs: bool,
        context: &str,
    ) -> Body<'a> {
        let mut body = Body::default();
        for entry in &block.entries {
            match entry {
                Entry::Attribute(attribute) => {
                    let key = attribute.key.text.as_str();
                    if attribute.quoted {
                        self.quoted_key(attribute, context);
                    } else if !attributes.contains(&key) {
                        let mut d = Diagnostic::new(
                            Code::E0202,
                            format!("unknown attribute `{key}` on {}", article(context)),
                            attribute.key.span,
                            format!("`{context}` has no attribute `{key}`"),
                        )
                        .with_note(format!(
                            "the attributes of {} are {}",
                            article(context),
                            list(attributes.iter().copied())
                        ));
                        if blocks.contains(&key) {
                            d = d.with_help(format!("`{key}` is a block: write `{key} {{ ... }}`"));
                        } else {
                            d = d.with_suggestion(key, attributes.iter().copied());
                        }
                        self.error(d);
                    } else if let Some(first) = body.attributes.insert(key, attribute) {
                        self.error(
                            Diagnostic::new(
                                Code::E0204,
                                format!("`{key}` is set twice"),
                                attribute.key.span,
                                "set again here",
                            )
                            .with_label(first.key.span, "first set here")
                            .with_help("keep one of them"),
                        );
                    }
                }
                Entry::Nested(nested) => {
                    let name = nested.name.text.as_str();
                    if !blocks.contains(&name) {
                        let mut d = Diagnostic::new(
                            Code::E0202,
                            format!("unknown block `{name}` in {}", article(context)),
                            nested.name.span,
                            format!("`{context}` has no block `{name}`"),
                        );
                        d = if blocks.is_empty() {
                            d.with_note(format!("{} has no blocks", article(context)))
                        } else {
                            d.with_note(format!(
                                "the blocks of {} are {}",
                                article(context),
                                list(blocks.iter().copied())
                            ))
                        };
                        self.error(d.with_suggestion(name, blocks.iter().copied()));
                    } else if let Some((label, span)) = &nested.label {
                        if LABELLED_BLOCKS.contains(&name) {
                            body.labelled.push(nested);
                        } else {
                            self.error(
                                Diagnostic::new(
                                    Code::E0211,
                                    format!("block `{name}` takes no label"),
                                    *span,
                                    "a label here",
                                )
                                .with_note(format!(
                                    "only {} blocks take a label",
                                    list(LABELLED_BLOCKS.iter().copied())
                                ))
                                .with_help(format!("remove \"{label}\": write `{name} {{ ... }}`")),
                            );
                        }
                    } else if let Some(first) = body.blocks.insert(name, nested) {
                        self.error(
                            Diagnostic::new(
                                Code::E0204,
                                format!("block `{name}` appears twice"),
                                nested.name.span,
                                "again here",
                            )
                            .with_label(first.name.span, "first here")
                            .with_help("merge the two blocks into one"),
                        );
                    }
                }
                Entry::Verb(verb) => {
                    if verbs {
                        body.verbs.push(verb);
                    } else {
                        let mut d = Diagnostic::new(
                            Code::E0207,
                            format!(
                                "`{} {}` is not valid in {}",
                                verb.verb.text,
                                verb.target.text,
                                article(context)
                            ),
                            verb.span,
                            format!("{} takes `key = value` lines, not verbs", article(context)),
                        );
                        d = if iam::actions::by_keyword(&verb.verb.text).is_some() {
                            d.with_help("verbs say what a function does: move this line into a `function` block")
                        } else {
                            d.with_help(format!(
                                "did you mean `{} = {}`?",
                                verb.verb.text, verb.target.text
                            ))
                        };
                        self.error(d);
                    }
                }
            }
        }
        body
    }

    /// E0214: a quoted key where keys are names (every block but `tags` and `payload`).
    fn quoted_key(&mut self, attribute: &Attribute, context: &str) {
        let key = &attribute.key.text;
        let d = Diagnostic::new(
            Code::E0214,
            format!("quoted key `\"{key}\"` in {}", article(context)),
            attribute.key.span,
            "keys here are names, written without quotes",
        )
        .with_note("only `tags` and `payload` take quoted keys, for keys that are not names, like `\"cost-center\"`");
        let d = if names::is_name(key) {
            d.with_help(format!("write `{key} = ...`"))
        } else {
            d.with_help("write the setting's name without quotes")
        };
        self.error(d);
    }

    fn stack(&mut self, name: Ident, body: &Body<'a>) -> Stack {
        let description = self
            .fixed_text(
                body,
                "description",
                "the stack's description",
                "CloudFormation's template `Description` is plain text",
            )
            .map(|(text, span)| {
                self.check_length(
                    &text,
                    span,
                    limits::STACK_DESCRIPTION,
                    "a stack description",
                );
                text
            });
        let deny_warnings = self.boolean(body, "deny_warnings").unwrap_or(false);
        let tags = self.tags(body);
        Stack {
            name: name.text,
            description,
            deny_warnings,
            span: name.span,
            tags,
        }
    }

    fn bucket(&mut self, name: &Ident, body: &Body<'a>) -> Bucket {
        let bucket_name = self.text(body, "name").and_then(|(text, span)| {
            let problem = match text.as_literal() {
                Some(whole) => limits::bucket_name_problem(whole).map(|p| (p, None)),
                None => limits::bucket_name_parts_problem(&text)
                    .map(|p| (p, None))
                    .or_else(|| self.bucket_name_value_problem(&text)),
            };
            if let Some((problem, value)) = problem {
                let mut d = Diagnostic::new(Code::E0308, format!("`{}` is not a valid S3 bucket name", text_display(&text)), span, problem)
                    .with_note("see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html");
                if let Some((param, value, declared)) = value {
                    d = d
                        .with_label(declared, format!("`{param}` can be `{value}`"))
                        .with_help(format!("change the name or the values `{param}` can take"));
                } else {
                    d = d.with_help("leave `name` out to let AWS choose a unique name");
                }
                self.error(d);
                None
            } else {
                Some(text)
            }
        });
        let versioned = self.boolean(body, "versioned").unwrap_or(false);
        let retain = self.boolean(body, "retain").unwrap_or(false);
        let (encryption, encryption_span) = match self.word(body, "encryption", ENCRYPTIONS) {
            Some(("kms", span)) => (Encryption::Kms, Some(span)),
            Some((_, span)) => (Encryption::S3, Some(span)),
            None => (Encryption::S3, None),
        };
        let lifecycle = self.lifecycle(name, body, versioned);
        let replicate_to = self.replicate_to(body);
        let existing = self.existing(name, body);
        let region = self.region(body);
        let access_logs = body
            .blocks
            .get("access_logs")
            .and_then(|nested| self.access_logs(name, nested));
        let object_lock = body
            .blocks
            .get("object_lock")
            .and_then(|nested| self.object_lock(name, nested, versioned));
        let tags = self.tags(body);
        Bucket {
            name: name.text.clone(),
            span: name.span,
            bucket_name,
            versioned,
            retain,
            retain_span: body.attributes.get("retain").map(|a| a.span),
            encryption,
            encryption_span,
            lifecycle,
            tags,
            object_lock,
            replicate_to,
            access_logs,
            existing,
            region,
        }
    }

    /// `region = "eu-central-1"`: a Region code of the `aws` partition.
    fn region(&mut self, body: &Body<'a>) -> Option<OtherRegion> {
        let (code, span) = self.string(body, "region")?;
        if let Some(region) = regions::by_code(&code) {
            return Some(OtherRegion {
                code: region.code,
                span,
            });
        }
        let codes = regions::REGIONS.iter().map(|r| r.code);
        let mut d = Diagnostic::new(
            Code::E0337,
            format!("unknown region `{code}`"),
            span,
            "not a Region code of the aws partition",
        )
        .with_note("Region codes are lowercase, like `eu-central-1` or `us-west-2` (see https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html)");
        let lower = code.to_ascii_lowercase();
        d = if let Some(region) = regions::by_code(&lower) {
            d.with_help(format!(
                "Region codes are lowercase: write `{}`",
                region.code
            ))
        } else if did_you_mean(&code, codes.clone()).is_some() {
            d.with_suggestion(&code, codes)
        } else {
            d.with_help(
                "write the code of the Region the bucket should live in, like `eu-central-1`",
            )
        };
        self.error(d);
        None
    }

    /// `existing = "my-data"` (or an S3 ARN) and its `key`: a bucket drc must not change, so
    /// every other setting is an error.
    fn existing(&mut self, bucket: &Ident, body: &Body<'a>) -> Option<Existing> {
        let key = self.string(body, "key").and_then(|(text, span)| {
            if kms_key_arn_problem(&text).is_none() {
                return Some(text);
            }
            self.error(
                Diagnostic::new(
                    Code::E0335,
                    format!("`{text}` is not a KMS key ARN"),
                    span,
                    kms_key_arn_problem(&text).unwrap_or_default(),
                )
                .with_note("IAM policies name keys by key ARN; an alias or a key ID would not match")
                .with_help("write the key's ARN, like \"arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\""),
            );
            None
        });
        let Some(attribute) = body.attributes.get("existing") else {
            if let Some(attribute) = body.attributes.get("key") {
                self.error(
                    Diagnostic::new(
                        Code::E0334,
                        "`key` is only for existing buckets",
                        attribute.key.span,
                        "this bucket is created by the stack",
                    )
                    .with_help("use `encryption = kms` to have drc create and use a key, or add `existing = \"bucket-name\"` if the bucket lives outside the stack"),
                );
            }
            return None;
        };
        let (text, span) = self.string(body, "existing")?;
        let (name, arn) = match text.strip_prefix("arn:") {
            Some(rest) => {
                let name = rest
                    .split_once(":s3:::")
                    .filter(|(partition, _)| PARTITIONS.contains(partition))
                    .map(|(_, name)| name);
                let Some(name) = name else {
                    self.error(
                        Diagnostic::new(
                            Code::E0332,
                            format!("`{text}` is not an S3 bucket ARN"),
                            span,
                            "not of the form arn:<partition>:s3:::<bucket>",
                        )
                        .with_help("write the bucket's name, like \"my-data\", or its ARN, like \"arn:aws:s3:::my-data\""),
                    );
                    return None;
                };
                (name.to_owned(), text.clone())
            }
            None => (text.clone(), format!("arn:aws:s3:::{text}")),
        };
        if let Some(problem) = limits::bucket_name_problem(&name) {
            self.error(
                Diagnostic::new(Code::E0332, format!("`{name}` is not a valid S3 bucket name"), span, problem)
                    .with_note("see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html")
                    .with_help("write the existing bucket's exact name, or its ARN"),
            );
            return None;
        }
        let changes = body
            .attributes
            .iter()
            .filter(|(key, _)| !matches!(**key, "existing" | "key"))
            .map(|(key, a)| (*key, a.key.span))
            .chain(body.blocks.iter().map(|(key, n)| (*key, n.name.span)))
            .chain(
                body.labelled
                    .iter()
                    .map(|n| (n.name.text.as_str(), n.name.span)),
            );
        let changes: Vec<(&str, Span)> = changes.collect();
        for (key, key_span) in changes {
            self.error(
                Diagnostic::new(
                    Code::E0333,
                    format!("`{key}` would change the existing bucket `{}`", bucket.text),
                    key_span,
                    "drc does not change buckets outside the stack",
                )
                .with_label(attribute.span, "the bucket lives outside the stack")
                .with_help(format!(
                    "remove `{key}`: configure `{name}` where it is managed, or leave `existing` out to create a new bucket"
                )),
            );
        }
        Some(Existing { name, arn, key })
    }
    /// `access_logs { bucket = logs  prefix = "backups/" }`: the names only;
    /// [`Checker::check_access_logs`] resolves the log bucket.
    fn access_logs(&mut self, bucket: &Ident, nested: &'a Nested) -> Option<AccessLogs> {
        let inner = self.body(
            &nested.body,
            ACCESS_LOGS_ATTRIBUTES,
            &[],
            false,
            "access_logs",
        );
        // `Err(())`: the prefix was reported invalid; the bucket is still checked.
        let prefix = match self.string(&inner, "prefix") {
            // An empty prefix puts the logs at the top of the log bucket, as S3 allows.
            Some((text, _)) if text.is_empty() => Ok(Some(text)),
            Some((text, span)) => self.lifecycle_prefix(&text, span).map(Some).ok_or(()),
            None => Ok(None),
        };
        let Some(attribute) = inner.attributes.get("bucket") else {
            self.error(
                Diagnostic::new(
                    Code::E0205,
                    "`access_logs` has no `bucket`",
                    nested.name.span,
                    "missing `bucket`",
                )
                .with_help("name the bucket that receives the logs: `bucket = logs`"),
            );
            return None;
        };
        match &attribute.value.kind {
            ValueKind::Word(w) if !w.contains('.') => Some(AccessLogs {
                bucket: w.clone(),
                prefix: prefix.ok()?.unwrap_or_else(|| format!("{}/", bucket.text)),
                span: nested.name.span,
                bucket_span: attribute.value.span,
            }),
            other => {
                self.wrong_type(&attribute.value, other, "the name of a bucket, like `logs`");
                None
            }
        }
    }

    /// A bucket outside the stack named where drc would have to change it.
    fn existing_as_target(&mut self, bucket: &Bucket, span: Span, role: &str, change: &str) {
        self.error(
            Diagnostic::new(
                Code::E0336,
                format!("the existing bucket `{}` cannot be {role}", bucket.name),
                span,
                format!("drc cannot {change} without changing it"),
            )
            .with_label(bucket.span, "declared with `existing` here")
            .with_help(format!(
                "declare {role} that the stack creates, without `existing`"
            )),
        );
    }

    /// The bucket a setting of `source` sends data to (its replica, its log bucket), once it
    /// is a bucket of the stack other than `source`; otherwise reports why (the diagnostic
    /// `itself` when it is `source`) and gives `None`.
    fn target_bucket<'b>(
        &mut self,
        buckets: &'b [Bucket],
        source: &Bucket,
        target: &TargetBucket<'_>,
        itself: impl FnOnce() -> Diagnostic,
    ) -> Option<&'b Bucket> {
        if !self.expect_kind(target.name, target.span, Kind::Bucket, target.why) {
            return None;
        }
        let bucket = buckets.iter().find(|b| b.name == target.name)?;
        if bucket.existing.is_some() {
            self.existing_as_target(bucket, target.span, target.what, target.existing_help);
            return None;
        }
        if bucket.name == source.name {
            self.error(itself());
            return None;
        }
        Some(bucket)
    }

    /// Each `access_logs`: the log bucket is another bucket that S3 can deliver logs to.
    fn check_access_logs(&mut self, buckets: &[Bucket]) {
        for source in buckets {
            let Some(logs) = &source.access_logs else {
                continue;
            };
            if source.existing.is_some() {
                continue; // E0333 already said this setting cannot be used
            }
            let target = TargetBucket {
                name: &logs.bucket,
                span: logs.bucket_span,
                why: "access logs go to a bucket",
                what: "a log bucket",
                existing_help: "let the logging service write to it",
            };
            let Some(target) = self.target_bucket(buckets, source, &target, || {
                Diagnostic::new(
                    Code::E0328,
                    format!("bucket `{}` logs its access to itself", source.name),
                    logs.bucket_span,
                    "the log bucket must be another bucket",
                )
                .with_note("every log delivery would be an access to log, without end")
                .with_help("declare a log bucket, `bucket logs { }`, and write `bucket = logs`")
            }) else {
                continue;
            };
            if target.encryption == Encryption::Kms {
                self.error(
                    Diagnostic::new(
                        Code::E0329,
                        format!("access logs cannot go to the KMS-encrypted bucket `{}`", target.name),
                        logs.bucket_span,
                        "this bucket uses `encryption = kms`",
                    )
                    .with_label(target.encryption_span.unwrap_or(target.span), "encrypted with a KMS key here")
                    .with_note("S3 delivers server access logs only to buckets with SSE-S3 default encryption (see https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html)")
                    .with_help(format!("remove `encryption = kms` from `{}`, or log to another bucket", target.name)),
                );
            }
            if target.object_lock.is_some() {
                self.error(
                    Diagnostic::new(
                        Code::E0330,
                        format!("access logs cannot go to `{}`, which has Object Lock", target.name),
                        logs.bucket_span,
                        "this bucket has a default retention period",
                    )
                    .with_label(target.span, "declared here")
                    .with_note("S3 does not deliver server access logs to a bucket with an Object Lock default retention period (see https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html)")
                    .with_help(format!("remove `object_lock` from `{}`, or log to another bucket", target.name)),
                );
            }
            if let Some(onward) = &target.access_logs {
                self.error(
                    Diagnostic::new(
                        Code::E0331,
                        format!("the log bucket `{}` logs its own access", target.name),
                        onward.span,
                        "a log bucket's access logs go here",
                    )
                    .with_label(logs.bucket_span, format!("`{}` receives access logs here", target.name))
                    .with_note("logs of log deliveries grow without purpose, and two buckets logging to each other cannot be created")
                    .with_help(format!("remove `access_logs` from `{}`", target.name)),
                );
            }
        }
    }

    /// `replicate_to = replica`: the name only; [`Checker::check_replication`] resolves it.
    fn replicate_to(&mut self, body: &Body<'a>) -> Option<Replication> {
        let attribute = body.attributes.get("replicate_to")?;
        match &attribute.value.kind {
            ValueKind::Word(w) if !w.contains('.') => Some(Replication {
                replica: w.clone(),
                span: attribute.span,
                replica_span: attribute.value.span,
            }),
            other => {
                self.wrong_type(
                    &attribute.value,
                    other,
                    "the name of a bucket, like `replica`",
                );
                None
            }
        }
    }

    /// Each `replicate_to`: the replica is another bucket, both sides are versioned, a locked
    /// source has a locked replica, and the features drc does not combine with replication yet
    /// are absent.
    fn check_replication(&mut self, buckets: &[Bucket]) {
        for source in buckets {
            let Some(replication) = &source.replicate_to else {
                continue;
            };
            if source.existing.is_some() {
                continue; // E0333 already said this setting cannot be used
            }
            let target = TargetBucket {
                name: &replication.replica,
                span: replication.replica_span,
                why: "a bucket replicates to another bucket",
                what: "a replica",
                existing_help: "make sure it is versioned",
            };
            let Some(replica) = self.target_bucket(buckets, source, &target, || {
                Diagnostic::new(
                    Code::E0324,
                    format!("bucket `{}` replicates to itself", source.name),
                    replication.replica_span,
                    "the replica must be another bucket",
                )
                .with_help("declare a replica, `bucket replica { versioned = true }`, and write `replicate_to = replica`")
            }) else {
                continue;
            };
            let unversioned: Vec<&Bucket> = [source, replica]
                .into_iter()
                .filter(|b| !b.versioned)
                .collect();
            if !unversioned.is_empty() {
                let mut d = Diagnostic::new(
                    Code::E0325,
                    "replication needs versioning on both buckets",
                    replication.span,
                    "replication turned on here",
                )
                .with_note("S3 replicates object versions, so both the source and the replica must be versioned");
                for bucket in &unversioned {
                    d = d.with_label(bucket.span, format!("`{}` is not versioned", bucket.name));
                }
                let names = list(unversioned.iter().map(|b| b.name.as_str()));
                self.error(d.with_help(format!("add `versioned = true` to {names}")));
            }
            if source.object_lock.is_some() && replica.object_lock.is_none() {
                self.error(
                    Diagnostic::new(
                        Code::E0327,
                        "replica of a bucket with Object Lock has no Object Lock",
                        replica.span,
                        format!("`{}` has no `object_lock`", replica.name),
                    )
                    .with_label(source.span, format!("`{}` has `object_lock`", source.name))
                    .with_label(replication.span, "replication turned on here")
                    .with_note("S3 replicates locked object versions only to a bucket with Object Lock, where they keep their retention")
                    .with_help(format!(
                        "add an `object_lock` block to `{}`, like the one of `{}`",
                        replica.name, source.name
                    )),
                );
            }
            if source.encryption != replica.encryption {
                self.encryption_mismatch(source, replica, replication);
            }
        }
    }

    /// E0326: a replica whose encryption is not its source's. A KMS-encrypted source needs a
    /// key on the replica (S3 replicates SSE-KMS objects only with a replica key); an
    /// SSE-S3 source keeps SSE-S3 on its replicas, so a replica key would protect nothing
    /// replication writes.
    fn encryption_mismatch(
        &mut self,
        source: &Bucket,
        replica: &Bucket,
        replication: &Replication,
    ) {
        let (keyed, plain) = if source.encryption == Encryption::Kms {
            (source, replica)
        } else {
            (replica, source)
        };
        let d = Diagnostic::new(
            Code::E0326,
            format!(
                "`{}` is encrypted with a KMS key but its {} `{}` is not",
                keyed.name,
                if keyed.name == source.name {
                    "replica"
                } else {
                    "source"
                },
                plain.name
            ),
            keyed.encryption_span.unwrap_or(keyed.span),
            "encrypted with a KMS key here",
        )
        .with_label(replication.span, "replication turned on here");
        let d = if keyed.name == source.name {
            d.with_note("S3 replicates SSE-KMS objects only when the replication names a key in the replica's region to encrypt the replicas with (see https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html)")
                .with_help(format!("add `encryption = kms` to `{}`: drc creates its key and lets replication use both keys", replica.name))
        } else {
            d.with_note("S3 keeps the encryption of the source object on its replica, so replicas of SSE-S3 objects would not use the replica's key (see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html#bucket-key-replication)")
                .with_help(format!("add `encryption = kms` to `{}` as well, or remove it from `{}`", source.name, replica.name))
        };
        self.error(d);
    }

    /// A bucket in another region only receives data: it neither replicates nor logs its
    /// access (E0338), and no bucket logs its access to it (E0339).
    fn check_regions(&mut self, buckets: &[Bucket]) {
        for bucket in buckets {
            let Some(region) = bucket.region else {
                continue;
            };
            let settings = [
                bucket
                    .replicate_to
                    .as_ref()
                    .map(|r| ("replicate_to", r.span)),
                bucket.access_logs.as_ref().map(|l| ("access_logs", l.span)),
            ];
            for (setting, span) in settings.into_iter().flatten() {
                self.error(
                    Diagnostic::new(
                        Code::E0338,
                        format!("bucket `{}` in {} cannot use `{setting}`", bucket.name, region.code),
                        span,
                        "drc does not configure this on a bucket in another region",
                    )
                    .with_label(region.span, "the bucket lives in another region")
                    .with_note("a bucket with `region` is a copy that receives data, such as a replica; replication and access logging are configured in the stack's own region")
                    .with_help(format!("remove `{setting}`, or remove `region` to keep `{}` in the stack's region", bucket.name)),
                );
            }
        }
        for source in buckets {
            let Some(logs) = &source.access_logs else {
                continue;
            };
            let Some(target) = buckets.iter().find(|b| b.name == logs.bucket) else {
                continue;
            };
            if source.region.is_none() {
                if let Some(region) = target.region {
                    self.error(
                        Diagnostic::new(
                            Code::E0339,
                            format!("access logs of `{}` cannot go to `{}` in {}", source.name, target.name, region.code),
                            logs.bucket_span,
                            format!("`{}` is in another region", target.name),
                        )
                        .with_label(region.span, "placed in another region here")
                        .with_note("S3 delivers server access logs only to a bucket in the source bucket's region (see https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html)")
                        .with_help(format!("remove `region` from `{}`, or log to a bucket in the stack's region", target.name)),
                    );
                }
            }
        }
    }

    /// The bucket's `lifecycle` blocks: the unlabelled one (whole bucket, with the bucket-wide
    /// abort of incomplete uploads) and one per labelled prefix.
    fn lifecycle(&mut self, bucket: &Ident, body: &Body<'a>, versioned: bool) -> Lifecycle {
        let mut abort_incomplete_upload_days = DEFAULT_ABORT_UPLOAD_DAYS;
        let mut rules = Vec::new();
        if let Some(nested) = body.blocks.get("lifecycle") {
            let inner = self.body(&nested.body, LIFECYCLE_ATTRIBUTES, &[], false, "lifecycle");
            abort_incomplete_upload_days = self
                .days(&inner, "abort_incomplete_uploads")
                .unwrap_or(DEFAULT_ABORT_UPLOAD_DAYS);
            let rule = self.lifecycle_rule(bucket, &inner, None, versioned);
            if rule.has_actions() {
                rules.push(rule);
            }
        }
        let mut prefixes: BTreeMap<&str, Span> = BTreeMap::new();
        for nested in body.labelled.iter().filter(|n| n.name.text == "lifecycle") {
            let (text, span) = nested.label.as_ref().expect("labelled blocks have a label");
            let inner = self.body(&nested.body, LIFECYCLE_ATTRIBUTES, &[], false, "lifecycle");
            if let Some(abort) = inner.attributes.get("abort_incomplete_uploads") {
                self.error(
                    Diagnostic::new(
                        Code::E0202,
                        "`abort_incomplete_uploads` is bucket-wide",
                        abort.key.span,
                        format!("not valid in the rule for \"{text}\""),
                    )
                    .with_note(format!(
                        "the attributes of a prefix's rule are {}",
                        list(LIFECYCLE_RULE_ATTRIBUTES.iter().copied())
                    ))
                    .with_help("move this line into the bucket's `lifecycle { ... }` block, without a label"),
                );
            }
            if let Some(first) = prefixes.insert(text, *span) {
                self.error(
                    Diagnostic::new(
                        Code::E0212,
                        format!("two lifecycle rules for the prefix \"{text}\""),
                        *span,
                        "second rule for this prefix",
                    )
                    .with_label(first, "first rule for it")
                    .with_help("merge the two blocks into one"),
                );
                continue;
            }
            let prefix = self.lifecycle_prefix(text, *span);
            let rule = self.lifecycle_rule(bucket, &inner, prefix, versioned);
            if !rule.has_actions() && inner.attributes.is_empty() {
                self.error(
                    Diagnostic::new(
                        Code::E0213,
                        format!("the lifecycle rule for \"{text}\" does nothing"),
                        nested.body.span,
                        "no transition or expiration",
                    )
                    .with_help(
                        "add a transition or an expiration, like `glacier = 30d` or `expire = 365d`, or remove the block",
                    ),
                );
            }
            rules.push(rule);
        }
        Lifecycle {
            abort_incomplete_upload_days,
            rules,
        }
    }

    /// A lifecycle rule's label: the literal start of the keys it applies to.
    fn lifecycle_prefix(&mut self, text: &str, span: Span) -> Option<String> {
        let problem = if text.is_empty() {
            Some("an empty prefix")
        } else if text.starts_with('/') {
            Some("S3 keys do not start with `/`")
        } else if text.contains(['*', '?']) {
            Some("lifecycle prefixes are literal: `*` and `?` match only themselves")
        } else if text.len() > usize::try_from(limits::KEY_PREFIX_BYTES.max).expect("small") {
            Some("longer than the 1024 bytes an S3 key can have")
        } else {
            None
        };
        let Some(problem) = problem else {
            return Some(text.to_owned());
        };
        let help = if text.is_empty() {
            "leave the label out to apply the rule to the whole bucket: `lifecycle { ... }`"
                .to_owned()
        } else {
            format!(
                "write the literal start of the keys, like \"{}\"",
                text.trim_start_matches('/').trim_end_matches(['*', '?'])
            )
        };
        self.error(
            Diagnostic::new(
                Code::E0309,
                format!("invalid key prefix \"{text}\""),
                span,
                problem,
            )
            .with_help(help),
        );
        None
    }

    /// One lifecycle block's transitions and expirations, checked against S3's constraints.
    fn lifecycle_rule(
        &mut self,
        bucket: &Ident,
        inner: &Body<'a>,
        prefix: Option<String>,
        versioned: bool,
    ) -> LifecycleRule {
        if !versioned {
            for (key, attribute) in &inner.attributes {
                if key.starts_with("noncurrent_") {
                    self.error(
                        Diagnostic::new(
                            Code::W0002,
                            format!("`{key}` has no effect on an unversioned bucket"),
                            attribute.span,
                            "only versioned buckets have noncurrent versions",
                        )
                        .with_label(bucket.span, "this bucket is not versioned")
                        .with_help("add `versioned = true` to the bucket, or remove this line"),
                    );
                }
            }
        }
        let transitions = self.transitions(inner, "");
        let noncurrent_transitions = self.transitions(inner, "noncurrent_");
        let expire_days = self.expiration(inner, "expire", &transitions);
        let noncurrent_expire_days =
            self.expiration(inner, "noncurrent_expire", &noncurrent_transitions);
        LifecycleRule {
            prefix,
            transitions: transitions.into_iter().map(|(t, _)| t).collect(),
            expire_days,
            noncurrent_transitions: noncurrent_transitions.into_iter().map(|(t, _)| t).collect(),
            noncurrent_expire_days,
        }
    }

    /// The transitions of one kind (`""` current, `"noncurrent_"` noncurrent versions), in
    /// waterfall order, each checked against its class's minimum and the one before it.
    fn transitions(&mut self, inner: &Body<'a>, kind: &str) -> Vec<(Transition, Span)> {
        let mut found: Vec<(Transition, Span)> = Vec::new();
        for class in limits::STORAGE_CLASSES {
            let key = format!("{kind}{}", class.keyword);
            let Some((days, span)) = self.whole_days(inner, &key, limits::TRANSITION_DAYS) else {
                continue;
            };
            if days < class.min_days {
                self.error(
                    Diagnostic::new(
                        Code::E0320,
                        format!("`{key}` is too early"),
                        span,
                        format!(
                            "S3 moves objects to {} after at least {} days",
                            class.aws, class.min_days
                        ),
                    )
                    .with_note(format!("see {}", limits::STORAGE_CLASSES_SOURCE))
                    .with_help(format!(
                        "write `{key} = {}d` or more, or use `intelligent_tiering`, which has no minimum",
                        class.min_days
                    )),
                );
                continue;
            }
            if let Some((before, before_span)) = found.last().copied() {
                let earliest = before.days + before.class.min_stay_days.max(1);
                if days < earliest {
                    let why = if before.class.min_stay_days > 0 {
                        format!(
                            "objects must stay {} days in {} before moving on",
                            before.class.min_stay_days, before.class.aws
                        )
                    } else {
                        "each transition must come later than the one before".to_owned()
                    };
                    self.error(
                        Diagnostic::new(
                            Code::E0321,
                            format!("`{key}` must come after `{kind}{}`", before.class.keyword),
                            span,
                            format!("{days} days, but must be at least {earliest}"),
                        )
                        .with_label(
                            before_span,
                            format!("{} after {} days", before.class.aws, before.days),
                        )
                        .with_note(format!(
                            "objects only move down the storage classes {} ({why}; see {})",
                            list(limits::STORAGE_CLASSES.iter().map(|c| c.keyword)),
                            limits::STORAGE_CLASSES_SOURCE
                        ))
                        .with_help(format!(
                            "write `{key} = {earliest}d` or more, or remove one of the transitions"
                        )),
                    );
                    continue;
                }
            }
            found.push((Transition { class, days }, span));
        }
        found
    }

    /// An expiration (`expire`, `noncurrent_expire`), which must come after the last
    /// transition of the same versions.
    fn expiration(
        &mut self,
        inner: &Body<'a>,
        key: &str,
        transitions: &[(Transition, Span)],
    ) -> Option<u32> {
        let (days, span) = self.whole_days(inner, key, limits::LIFECYCLE_DAYS)?;
        if let Some((last, last_span)) = transitions.last().copied()
            && days <= last.days
        {
            self.error(
                Diagnostic::new(
                    Code::E0322,
                    format!("`{key}` comes before the last transition"),
                    span,
                    format!("expires after {days} days"),
                )
                .with_label(
                    last_span,
                    format!("moved to {} after {} days", last.class.aws, last.days),
                )
                .with_note("S3 rejects a rule whose expiration is not later than its transitions")
                .with_help(format!(
                    "expire after {}d or more, or remove the transition",
                    last.days + 1
                )),
            );
            return None;
        }
        Some(days)
    }

    /// `object_lock { mode = compliance  retain = 30d }`
    fn object_lock(
        &mut self,
        bucket: &Ident,
        nested: &'a Nested,
        versioned: bool,
    ) -> Option<ObjectLock> {
        let inner = self.body(
            &nested.body,
            OBJECT_LOCK_ATTRIBUTES,
            &[],
            false,
            "object_lock",
        );
        for (key, example) in [("mode", "mode = governance"), ("retain", "retain = 30d")] {
            if !inner.attributes.contains_key(key) {
                self.error(
                    Diagnostic::new(
                        Code::E0205,
                        format!("`object_lock` has no `{key}`"),
                        nested.name.span,
                        format!("missing `{key}`"),
                    )
                    .with_note("S3 needs both a mode and a retention period for default retention")
                    .with_help(format!("add `{example}` to the block")),
                );
            }
        }
        if !versioned {
            self.error(
                Diagnostic::new(
                    Code::E0323,
                    "object lock needs a versioned bucket",
                    nested.name.span,
                    "object lock turned on here",
                )
                .with_label(bucket.span, "this bucket is not versioned")
                .with_note("S3 locks object versions, so Object Lock requires versioning")
                .with_help("add `versioned = true` to the bucket"),
            );
        }
        let mode = match self.word(&inner, "mode", LOCK_MODES) {
            Some(("compliance", _)) => Some(LockMode::Compliance),
            Some(_) => Some(LockMode::Governance),
            None => None,
        };
        let retain = self.retention(&inner);
        Some(ObjectLock {
            mode: mode?,
            retain: retain?,
        })
    }

    /// `retain = 30d` (days) or `retain = 7y` (years, as S3 counts them).
    fn retention(&mut self, inner: &Body<'a>) -> Option<Retention> {
        let value = &inner.attributes.get("retain")?.value;
        if let ValueKind::Quantity(years, unit) = &value.kind
            && unit == "y"
        {
            return self
                .in_range(
                    *years,
                    value.span,
                    limits::OBJECT_LOCK_YEARS,
                    "years",
                    "retain",
                )
                .map(|y| Retention::Years(u32::try_from(y).expect("limit fits in u32")));
        }
        self.whole_days(inner, "retain", limits::OBJECT_LOCK_DAYS)
            .map(|(days, _)| Retention::Days(days))
    }

    /// A lifecycle period: a duration in whole days.
    fn days(&mut self, body: &Body<'a>, key: &str) -> Option<u32> {
        self.whole_days(body, key, limits::LIFECYCLE_DAYS)
            .map(|(days, _)| days)
    }

    /// A duration in whole days within `limit`, with the value's span.
    fn whole_days(&mut self, body: &Body<'a>, key: &str, limit: Limit) -> Option<(u32, Span)> {
        let (seconds, span) = self.duration(body, key)?;
        if seconds % 86_400 != 0 {
            self.error(
                Diagnostic::new(
                    Code::E0302,
                    format!("`{key}` is a whole number of days"),
                    span,
                    "not a whole number of days",
                )
                .with_help(format!(
                    "write it in days, like `{}d`",
                    (seconds / 86_400).max(1)
                )),
            );
            return None;
        }
        self.in_range(seconds / 86_400, span, limit, "days", key)
            .map(|d| (u32::try_from(d).expect("limit fits in u32"), span))
    }

    fn function(&mut self, name: &'a Ident, body: &Body<'a>) -> (Function, Vec<CheckedVerb<'a>>) {
        let runtime = self.runtime(body);
        let handler = self.string(body, "handler").map_or_else(String::new, |(text, span)| {
            self.check_length(&text, span, limits::LAMBDA_HANDLER, "a handler");
            if text.chars().any(char::is_whitespace) {
                self.error(
                    Diagnostic::new(Code::E0304, "a handler cannot contain spaces", span, "contains white space")
                        .with_help("handlers look like `index.handler` (file name, then exported function)"),
                );
            }
            text
        });
        let (code, code_span) = self.string(body, "code").map_or_else(
            || (String::new(), name.span),
            |(text, span)| {
                if text.trim().is_empty() {
                    self.error(
                        Diagnostic::new(Code::E0405, "`code` is empty", span, "no directory given")
                            .with_help("name the directory holding the function's code, relative to this file"),
                    );
                }
                (text, span)
            },
        );
        let memory_mb = self
            .size(body, "memory")
            .map_or(DEFAULT_MEMORY_MB, |(mb, span)| {
                self.in_range(mb, span, limits::LAMBDA_MEMORY_MB, "MB", "memory")
                    .map_or(DEFAULT_MEMORY_MB, |v| {
                        u32::try_from(v).expect("limit fits in u32")
                    })
            });
        let timeout_s = self
            .duration(body, "timeout")
            .map_or(DEFAULT_TIMEOUT_S, |(s, span)| {
                self.in_range(s, span, limits::LAMBDA_TIMEOUT_S, "seconds", "timeout")
                    .map_or(DEFAULT_TIMEOUT_S, |v| {
                        u32::try_from(v).expect("limit fits in u32")
                    })
            });
        let log_retention_days = self.log_retention(body);
        let description = self.text(body, "description").map(|(text, span)| {
            self.check_length(
                &text.literals().collect::<String>(),
                span,
                limits::LAMBDA_DESCRIPTION,
                "a function description",
            );
            text
        });
        let env = body
            .blocks
            .get("env")
            .map(|nested| self.env(nested))
            .unwrap_or_default();
        let architecture = self.architecture(body);
        let reserved_concurrency = self
            .integer(body, "reserved_concurrency")
            .and_then(|(n, span)| {
                self.in_range(
                    n,
                    span,
                    limits::LAMBDA_RESERVED_CONCURRENCY,
                    "concurrent executions",
                    "reserved_concurrency",
                )
            })
            .map(|n| u32::try_from(n).expect("limit fits in u32"));
        let ephemeral_storage_mb = self
            .size(body, "ephemeral_storage")
            .and_then(|(mb, span)| {
                self.in_range(
                    mb,
                    span,
                    limits::LAMBDA_EPHEMERAL_MB,
                    "MB",
                    "ephemeral_storage",
                )
            })
            .map(|n| u32::try_from(n).expect("limit fits in u32"));
        let failure = self.failure(body);

        let mut verbs = Vec::new();
        for verb in &body.verbs {
            let Some(rule) = iam::actions::by_keyword(&verb.verb.text) else {
                let keywords = iam::VERBS.iter().map(|r| r.keyword);
                self.error(
                    Diagnostic::new(
                        Code::E0207,
                        format!("unknown verb `{}`", verb.verb.text),
                        verb.verb.span,
                        "not a verb drc knows",
                    )
                    .with_note(format!("the verbs are {}", list(keywords.clone())))
                    .with_suggestion(&verb.verb.text, keywords),
                );
                continue;
            };
            let prefix = verb
                .prefix
                .as_ref()
                .and_then(|(text, span)| self.prefix(rule, text, *span));
            verbs.push((*verb, rule, prefix));
        }

        let function = Function {
            name: name.text.clone(),
            span: name.span,
            runtime: runtime.unwrap_or(&runtimes::RUNTIMES[0]),
            handler,
            code,
            code_span,
            memory_mb,
            timeout_s,
            log_retention_days,
            description,
            env,
            accesses: Vec::new(),
            architecture,
            reserved_concurrency,
            ephemeral_storage_mb,
            failure,
            tags: self.tags(body),
        };
        (function, verbs)
    }

    /// `architecture = arm64 | x86_64`; other common names of the two get their Lambda name.
    fn architecture(&mut self, body: &Body<'a>) -> Option<&'static str> {
        let value = &body.attributes.get("architecture")?.value;
        if let ValueKind::Word(w) | ValueKind::Str(w) = &value.kind
            && let Some((_, lambda)) = ARCHITECTURE_ALIASES
                .iter()
                .find(|(alias, _)| alias.eq_ignore_ascii_case(w))
        {
            self.error(
                Diagnostic::new(
                    Code::E0304,
                    format!("unknown architecture `{w}`"),
                    value.span,
                    "not how Lambda names an architecture",
                )
                .with_note(format!(
                    "`architecture` is one of {}",
                    list(ARCHITECTURES.iter().copied())
                ))
                .with_help(format!("Lambda calls it `{lambda}`")),
            );
            return None;
        }
        self.word(body, "architecture", ARCHITECTURES)
            .map(|(a, _)| a)
    }

    /// `on_failure`, `dead_letter`, `retry_attempts`, `max_event_age` and `alarm`, with
    /// their targets still to be resolved in pass 3.
    fn failure(&mut self, body: &Body<'a>) -> Failure {
        let destination = |checker: &mut Self, key: &str, expected: &str| {
            checker
                .target_name(body, key, expected)
                .map(|(target, span)| Destination {
                    target,
                    kind: Kind::Queue,
                    span,
                })
        };
        let on_failure = destination(self, "on_failure", "the name of a queue or topic");
        let dead_letter = destination(self, "dead_letter", "the name of a queue or topic");
        let alarm = destination(self, "alarm", "the name of a topic");
        let retry_attempts = self
            .integer(body, "retry_attempts")
            .and_then(|(n, span)| {
                self.in_range(
                    n,
                    span,
                    limits::LAMBDA_RETRY_ATTEMPTS,
                    "retries",
                    "retry_attempts",
                )
            })
            .map(|n| u32::try_from(n).expect("limit fits in u32"));
        let max_event_age_s = self
            .duration(body, "max_event_age")
            .and_then(|(s, span)| {
                self.in_range(
                    s,
                    span,
                    limits::LAMBDA_EVENT_AGE_S,
                    "seconds",
                    "max_event_age",
                )
            })
            .map(|n| u32::try_from(n).expect("limit fits in u32"));
        Failure {
            on_failure,
            dead_letter,
            retry_attempts,
            max_event_age_s,
            alarm,
        }
    }

    /// `function legacy { existing = "arn:..." }`: every other entry is refused.
    fn existing_function(&mut self, name: &Ident, body: &Body<'a>) -> Option<ExistingFunction> {
        let mut refused: Vec<(Span, String)> = body
            .attributes
            .iter()
            .filter(|(key, _)| **key != "existing")
            .map(|(key, a)| (a.key.span, format!("`{key}`")))
            .collect();
        refused.extend(
            body.blocks
                .iter()
                .map(|(key, n)| (n.name.span, format!("block `{key}`"))),
        );
        for (span, what) in refused {
            self.error(
                Diagnostic::new(
                    Code::E0215,
                    format!("{what} on function `{}`, which is outside the stack", name.text),
                    span,
                    "drc does not change a function it does not create",
                )
                .with_label(body.attributes["existing"].key.span, "outside the stack because of this")
                .with_help("remove this line, or remove `existing` to let drc create and manage the function"),
            );
        }
        for verb in &body.verbs {
            self.error(
                Diagnostic::new(
                    Code::E0215,
                    format!(
                        "`{} {}` on function `{}`, which is outside the stack",
                        verb.verb.text, verb.target.text, name.text
                    ),
                    verb.span,
                    "drc cannot grant permissions to a role it does not manage",
                )
                .with_label(body.attributes["existing"].key.span, "outside the stack because of this")
                .with_help("grant them in the stack that manages the function, or remove `existing` to let drc create it"),
            );
        }
        let (text, span) = self.string(body, "existing")?;
        if let Some(problem) = limits::existing_function_problem(&text) {
            self.error(
                Diagnostic::new(
                    Code::E0340,
                    format!("`{text}` does not name a Lambda function"),
                    span,
                    problem,
                )
                .with_help("write the function's name, like \"legacy-report\", or its ARN, like \"arn:aws:lambda:eu-west-1:123456789012:function:legacy-report\""),
            );
            return None;
        }
        let arn = if text.starts_with("arn:") {
            text
        } else {
            format!(
                "arn:{}:lambda:{}:{}:function:{text}",
                iam::PARTITION,
                iam::REGION,
                iam::ACCOUNT
            )
        };
        Some(ExistingFunction {
            name: name.text.clone(),
            span: name.span,
            arn,
        })
    }

    fn queue(&mut self, name: &Ident, body: &Body<'a>) -> Queue {
        let retention_s = self
            .duration(body, "retention")
            .and_then(|(s, span)| {
                self.in_range(s, span, limits::SQS_RETENTION_S, "seconds", "retention")
            })
            .map_or(DEFAULT_QUEUE_RETENTION_S, |s| {
                u32::try_from(s).expect("limit fits in u32")
            });
        let (encryption, encryption_span) = match self.word(body, "encryption", QUEUE_ENCRYPTIONS) {
            Some(("kms", span)) => (QueueEncryption::Kms, Some(span)),
            Some((_, span)) => (QueueEncryption::Sqs, Some(span)),
            None => (QueueEncryption::Sqs, None),
        };
        Queue {
            name: name.text.clone(),
            span: name.span,
            retention_s,
            encryption,
            encryption_span,
        }
    }

    fn topic(&mut self, name: &Ident, body: &Body<'a>) -> Topic {
        let email = self.string(body, "email").and_then(|(text, span)| {
            if let Some(problem) = limits::email_problem(&text) {
                self.error(
                    Diagnostic::new(
                        Code::E0341,
                        format!("`{text}` is not an email address"),
                        span,
                        problem,
                    )
                    .with_help("write one address, like `email = \"ops@example.com\"`"),
                );
                None
            } else {
                Some(text)
            }
        });
        Topic {
            name: name.text.clone(),
            span: name.span,
            email,
        }
    }

    fn runtime(&mut self, body: &Body<'a>) -> Option<&'static runtimes::Runtime> {
        let value = &body.attributes.get("runtime")?.value;
        let id = match &value.kind {
            ValueKind::Word(w) => w.as_str(),
            ValueKind::Str(s) => s.as_str(),
            other => {
                self.wrong_type(value, other, "a runtime like `nodejs24.x`");
                return None;
            }
        };
        let Some(runtime) = runtimes::find(id) else {
            let current: Vec<&str> = runtimes::RUNTIMES
                .iter()
                .filter(|r| r.status(self.today) == runtimes::Status::Supported)
                .map(|r| r.id)
                .collect();
            let family = id.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.' || c == 'x');
            let newest = runtimes::RUNTIMES
                .iter()
                .find(|r| r.successor.is_none() && !family.is_empty() && r.id.starts_with(family));
            let mut d = Diagnostic::new(
                Code::E0304,
                format!("unknown runtime `{id}`"),
                value.span,
                "not a Lambda runtime",
            )
            .with_note(format!(
                "supported runtimes: {}",
                list(current.iter().copied())
            ));
            d = match newest {
                Some(r) => d.with_help(format!("the newest {} runtime is `{}`", r.family(), r.id)),
                None => d.with_suggestion(id, current.iter().copied()),
            };
            self.error(d);
            return None;
        };
        let successor = runtime
            .successor
            .map_or_else(String::new, |s| format!("use `runtime = {s}` instead"));
        match runtime.status(self.today) {
            runtimes::Status::Blocked => self.error(
                Diagnostic::new(
                    Code::E0307,
                    format!("AWS no longer creates functions with `{id}`"),
                    value.span,
                    format!("creation blocked since {}", runtime.create_blocked),
                )
                .with_note(format!("`{id}` was deprecated on {}", runtime.deprecated))
                .with_help(successor),
            ),
            runtimes::Status::Deprecating => {
                let when = if runtime.deprecated <= self.today {
                    format!("was deprecated on {}", runtime.deprecated)
                } else {
                    format!("will be deprecated on {}", runtime.deprecated)
                };
                self.error(
                    Diagnostic::new(
                        Code::W0001,
                        format!("runtime `{id}` {when}"),
                        value.span,
                        format!(
                            "AWS blocks creating functions with it from {}",
                            runtime.create_blocked
                        ),
                    )
                    .with_help(successor),
                );
            }
            runtimes::Status::Supported => {}
        }
        Some(runtime)
    }

    fn log_retention(&mut self, body: &Body<'a>) -> u32 {
        let Some((seconds, span)) = self.duration(body, "log_retention") else {
            return DEFAULT_LOG_RETENTION_DAYS;
        };
        let days = seconds / 86_400;
        if seconds % 86_400 == 0
            && limits::LOG_RETENTION_DAYS
                .iter()
                .any(|&d| u64::from(d) == days)
        {
            return u32::try_from(days).expect("checked against the table");
        }
        let nearest = limits::LOG_RETENTION_DAYS
            .iter()
            .min_by_key(|&&d| u64::from(d).abs_diff(days))
            .expect("the table is not empty");
        self.error(
            Diagnostic::new(
                Code::E0303,
                "CloudWatch Logs does not accept this retention period",
                span,
                "not one of the allowed periods",
            )
            .with_note(format!(
                "allowed periods, in days: {}",
                limits::LOG_RETENTION_DAYS
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .with_help(format!("the nearest is `{nearest}d`")),
        );
        DEFAULT_LOG_RETENTION_DAYS
    }

    fn env(&mut self, nested: &'a Nested) -> Vec<(String, EnvValue)> {
        let mut env = BTreeMap::new();
        let mut first_spans: BTreeMap<&str, Span> = BTreeMap::new();
        let mut bytes = 0usize;
        for entry in &nested.body.entries {
            let Entry::Attribute(attribute) = entry else {
                let span = match entry {
                    Entry::Nested(n) => n.span,
                    Entry::Verb(v) => v.span,
                    Entry::Attribute(_) => unreachable!("handled above"),
                };
                self.error(
                    Diagnostic::new(
                        Code::E0301,
                        "`env` holds only `NAME = value` lines",
                        span,
                        "not a variable",
                    )
                    .with_help("write each variable as `NAME = \"value\"` or `NAME = bucket.name`"),
                );
                continue;
            };
            if attribute.quoted {
                self.quoted_key(attribute, "env");
                continue;
            }
            let key = attribute.key.text.as_str();
            if let Some(problem) = limits::env_var_problem(key) {
                self.error(
                    Diagnostic::new(
                        Code::E0306,
                        format!("invalid environment variable name `{key}`"),
                        attribute.key.span,
                        problem,
                    )
                    .with_help(
                        "use a name like `BACKUP_BUCKET`: a letter, then letters, digits or `_`",
                    ),
                );
            }
            if let Some(first) = first_spans.insert(key, attribute.key.span) {
                self.error(
                    Diagnostic::new(
                        Code::E0204,
                        format!("`{key}` is set twice"),
                        attribute.key.span,
                        "set again here",
                    )
                    .with_label(first, "first set here")
                    .with_help("keep one of them"),
                );
                continue;
            }
            let value = &attribute.value;
            let env_value = match &value.kind {
                ValueKind::Str(s) => EnvValue::Literal(Text::literal(s.clone())),
                ValueKind::Interpolated(parts) => match self.interpolate(parts) {
                    Some(text) => EnvValue::Literal(text),
                    None => continue,
                },
                ValueKind::List(_) => {
                    self.wrong_type(
                        value,
                        &value.kind,
                        "a string or a reference like `backups.name`",
                    );
                    continue;
                }
                ValueKind::Int(n) => EnvValue::Literal(Text::literal(n.to_string())),
                ValueKind::Bool(b) => EnvValue::Literal(Text::literal(b.to_string())),
                ValueKind::Word(w) if w.contains('.') => {
                    let (item, attribute) = w.split_once('.').expect("contains a dot");
                    let attribute = match attribute {
                        "name" => model::Attribute::Name,
                        "arn" => model::Attribute::Arn,
                        other => {
                            let start =
                                value.span.start + u32::try_from(item.len() + 1).expect("short");
                            self.error(
                                Diagnostic::new(
                                    Code::E0403,
                                    format!("unknown attribute `{other}` in a reference"),
                                    Span {
                                        start,
                                        ..value.span
                                    },
                                    "not an attribute of a resource",
                                )
                                .with_note("buckets and functions have `name` and `arn`")
                                .with_suggestion(other, REFERENCE_ATTRIBUTES.iter().copied()),
                            );
                            continue;
                        }
                    };
                    EnvValue::Ref(Reference {
                        item: item.to_owned(),
                        kind: Kind::Bucket,
                        attribute,
                        span: value.span,
                    })
                }
                ValueKind::Word(w) => {
                    let mut d = Diagnostic::new(
                        Code::E0301,
                        "expected a string or a reference like `backups.name`",
                        value.span,
                        "a bare name is not a value",
                    );
                    d = if self.names.contains_key(w.as_str()) {
                        d.with_help(format!("did you mean `{w}.name` or `{w}.arn`?"))
                    } else {
                        d.with_help(format!("if you meant the text, quote it: `\"{w}\"`"))
                    };
                    self.error(d);
                    continue;
                }
                ValueKind::Quantity(..) => {
                    self.error(
                        Diagnostic::new(
                            Code::E0301,
                            "expected a string or a reference like `backups.name`",
                            value.span,
                            "durations and sizes are not environment values",
                        )
                        .with_help("quote it to pass it as text"),
                    );
                    continue;
                }
            };
            bytes += key.len()
                + if let EnvValue::Literal(text) = &env_value {
                    text.literals().map(str::len).sum()
                } else {
                    0
                };
            env.insert(key.to_owned(), env_value);
        }
        if bytes > usize::try_from(limits::LAMBDA_ENV_BYTES.max).expect("small") {
            self.error(
                Diagnostic::new(
                    Code::E0311,
                    "environment variables are larger than Lambda allows",
                    nested.name.span,
                    format!("{bytes} bytes of names and values"),
                )
                .with_note(format!(
                    "Lambda allows {} bytes in all ({})",
                    limits::LAMBDA_ENV_BYTES.max,
                    limits::LAMBDA_ENV_BYTES.source
                ))
                .with_help("keep large configuration in S3 and pass its key instead"),
            );
        }
        env.into_iter().collect()
    }

    fn prefix(&mut self, rule: &iam::VerbRule, text: &str, span: Span) -> Option<String> {
        let problem = if rule.target != Kind::Bucket {
            Some(format!(
                "`{}` acts on a whole {} and takes no key prefix",
                rule.keyword,
                rule.target.keyword()
            ))
        } else if text.is_empty() {
            Some("an empty prefix: leave it out to act on the whole bucket".to_owned())
        } else if text.starts_with('/') {
            Some("S3 keys do not start with `/`".to_owned())
        } else if let Some(c) = text.chars().find(|c| matches!(c, '*' | '?' | '$')) {
            Some(format!(
                "`{c}` would act as a wildcard or variable in the IAM policy"
            ))
        } else if text.len() > usize::try_from(limits::KEY_PREFIX_BYTES.max).expect("small") {
            Some(format!(
                "longer than the {} bytes an S3 key can have",
                limits::KEY_PREFIX_BYTES.max
            ))
        } else {
            None
        };
        if let Some(problem) = problem {
            self.error(
                Diagnostic::new(
                    Code::E0309,
                    format!("invalid key prefix \"{text}\""),
                    span,
                    problem,
                )
                .with_help(prefix_help(rule, text)),
            );
            return None;
        }
        Some(text.to_owned())
    }

    fn schedule(&mut self, name: &Ident, body: &Body<'a>) -> Option<Schedule> {
        let every = body.attributes.get("every");
        let cron = body.attributes.get("cron");
        let expression = match (every, cron) {
            (Some(e), Some(c)) => {
                let (second, first) = if e.span > c.span { (e, c) } else { (c, e) };
                self.error(
                    Diagnostic::new(
                        Code::E0310,
                        "a schedule has `every` or `cron`, not both",
                        second.key.span,
                        "second way of timing",
                    )
                    .with_label(first.key.span, "first way of timing")
                    .with_help("keep one of them"),
                );
                None
            }
            (None, None) => {
                self.error(
                    Diagnostic::new(
                        Code::E0310,
                        format!("schedule `{}` never runs", name.text),
                        name.span,
                        "no `every` or `cron`",
                    )
                    .with_help("add `every = 24h` or `cron = \"0 3 * * ? *\"`"),
                );
                None
            }
            (Some(_), None) => self.duration(body, "every").and_then(|(seconds, span)| {
                if seconds % 60 != 0 {
                    self.error(
                        Diagnostic::new(
                            Code::E0303,
                            "schedule rates are whole minutes",
                            span,
                            "not a whole number of minutes",
                        )
                        .with_note(format!("see {}", limits::SCHEDULE_RATE_MINUTES.source))
                        .with_help(format!("use `{}m`", (seconds / 60).max(1))),
                    );
                    return None;
                }
                self.in_range(
                    seconds / 60,
                    span,
                    limits::SCHEDULE_RATE_MINUTES,
                    "minutes",
                    "every",
                )
                .map(|minutes| ScheduleExpression::Rate { minutes })
            }),
            (None, Some(_)) => self.string(body, "cron").and_then(|(text, span)| {
                let fields = text.trim().to_owned();
                match cron::validate(&fields) {
                    Ok(()) => Some(ScheduleExpression::Cron(fields)),
                    Err(why) => {
                        self.error(
                            Diagnostic::new(Code::E0305, "malformed cron expression", span, why)
                                .with_note(
                                    "AWS cron: minutes hours day-of-month month day-of-week year",
                                )
                                .with_help(
                                    "for 03:00 UTC every day write `cron = \"0 3 * * ? *\"`",
                                ),
                        );
                        None
                    }
                }
            }),
        };
        let enabled = self.boolean(body, "enabled").unwrap_or(true);
        let description = self.text(body, "description").map(|(text, span)| {
            self.check_length(
                &text.literals().collect::<String>(),
                span,
                limits::SCHEDULE_DESCRIPTION,
                "a schedule description",
            );
            text
        });
        let target =
            body.attributes
                .get("invoke")
                .and_then(|attribute| match &attribute.value.kind {
                    ValueKind::Word(w) => Some((w.clone(), attribute.value.span)),
                    other => {
                        self.wrong_type(&attribute.value, other, "the name of a function");
                        None
                    }
                });
        let timezone = self.timezone(body, expression.as_ref());
        let payload = body
            .blocks
            .get("payload")
            .map(|nested| self.payload(nested));
        let flexible_window_minutes =
            self.duration(body, "flexible_window")
                .and_then(|(s, span)| {
                    self.whole_minutes(s, span, "flexible_window")?;
                    self.in_range(
                        s / 60,
                        span,
                        limits::SCHEDULE_FLEXIBLE_WINDOW_MINUTES,
                        "minutes",
                        "flexible_window",
                    )
                });
        let retries = self.integer(body, "retries").and_then(|(n, span)| {
            self.in_range(n, span, limits::SCHEDULE_RETRIES, "retries", "retries")
        });
        let max_event_age_s = self.duration(body, "max_event_age").and_then(|(s, span)| {
            self.in_range(
                s,
                span,
                limits::SCHEDULE_EVENT_AGE_S,
                "seconds",
                "max_event_age",
            )
        });
        if let (Some(0), Some(_)) = (retries, max_event_age_s) {
            self.error(
                Diagnostic::new(
                    Code::W0402,
                    "`max_event_age` has no effect with `retries = 0`",
                    body.attributes["max_event_age"].span,
                    "limits how long retries go on, and there are none",
                )
                .with_label(body.attributes["retries"].value.span, "no retries")
                .with_help("remove `max_event_age`, or allow some retries"),
            );
        }
        let tags = self.tags(body);
        let (target, target_span) = target?;
        let small = |n: u64| u32::try_from(n).expect("limits fit in u32");
        Some(Schedule {
            name: name.text.clone(),
            span: name.span,
            // A failed expression was reported; keep the schedule so its target is still
            // checked. No program is built from a run with errors, so the placeholder never
            // reaches an output.
            expression: expression.unwrap_or(ScheduleExpression::Rate { minutes: 1 }),
            target,
            target_span,
            enabled,
            description,
            timezone,
            payload,
            flexible_window_minutes: flexible_window_minutes.map(small),
            retries: retries.map(small),
            max_event_age_s: max_event_age_s.map(small),
            tags,
        })
    }

    // ---- parameters ---------------------------------------------------------------------

    fn param(&mut self, name: &Ident, body: &Body<'a>) -> Param {
        if let Some(why) = RESERVED_PARAM_NAMES
            .iter()
            .find(|(reserved, _)| *reserved == name.text)
            .map(|(_, why)| *why)
        {
            self.error(
                Diagnostic::new(
                    Code::E0223,
                    format!("`{}` cannot name a parameter", name.text),
                    name.span,
                    "reserved name",
                )
                .with_note(why)
                .with_help(format!("choose another name, like `{}_value`", name.text)),
            );
        }
        let kind = match self.word(body, "type", PARAM_TYPES) {
            Some(("number", _)) => ParamType::Number,
            _ => ParamType::String,
        };
        let description = self.string(body, "description").map(|(text, _)| text);
        let allowed_value = body.attributes.get("allowed").map(|a| &a.value);
        let mut allowed: Vec<ParamValue> = Vec::new();
        if let Some(value) = allowed_value {
            match &value.kind {
                ValueKind::List(values) if values.is_empty() => self.error(
                    Diagnostic::new(
                        Code::E0386,
                        "`allowed` lists no value",
                        value.span,
                        "an empty list",
                    )
                    .with_note("a parameter with no allowed value could never be given one")
                    .with_help(
                        "list the values, like `allowed = [\"dev\", \"prod\"]`, or remove the line",
                    ),
                ),
                ValueKind::List(values) => {
                    let mut seen: BTreeMap<ParamValue, Span> = BTreeMap::new();
                    for value in values {
                        let Some(checked) = self.param_value(value, kind, "an allowed value")
                        else {
                            continue;
                        };
                        if let Some(first) = seen.insert(checked.clone(), value.span) {
                            self.error(
                                Diagnostic::new(
                                    Code::E0386,
                                    format!("`{}` is allowed twice", value_text(&value.kind)),
                                    value.span,
                                    "listed again here",
                                )
                                .with_label(first, "first listed here")
                                .with_help("remove one of them"),
                            );
                        } else {
                            allowed.push(checked);
                        }
                    }
                }
                other => {
                    let mut d = Diagnostic::new(
                        Code::E0301,
                        format!("expected a list, found {}", describe(other)),
                        value.span,
                        "expected a list of values",
                    );
                    if !matches!(other, ValueKind::Interpolated(_)) {
                        d = d.with_help(format!("put it in brackets: `[{}]`", value_text(other)));
                    }
                    self.error(d);
                }
            }
        }
        let default = body.attributes.get("default").and_then(|attribute| {
            let value = self.param_value(&attribute.value, kind, "the default")?;
            if let Some(list) =
                allowed_value.filter(|_| !allowed.is_empty() && !allowed.contains(&value))
            {
                self.error(
                    Diagnostic::new(
                        Code::E0385,
                        format!("the default `{}` is not an allowed value", value.text()),
                        attribute.value.span,
                        "not in `allowed`",
                    )
                    .with_label(list.span, "the allowed values")
                    .with_help(format!(
                        "use one of {} as the default, or add it to `allowed`",
                        list_values(&allowed)
                    )),
                );
                return None;
            }
            Some(value)
        });
        let fixed = self.set.get(&name.text).and_then(|raw| {
            let note = format!("the value comes from `--set {}={raw}`", name.text);
            let value = match kind {
                ParamType::String => ParamValue::String(raw.clone()),
                ParamType::Number => {
                    let Ok(number) = raw.parse::<u64>() else {
                        self.error(
                            Diagnostic::new(
                                Code::E0384,
                                format!("`{raw}` is not a number"),
                                name.span,
                                "this parameter is a number",
                            )
                            .with_note(note)
                            .with_help(format!("give a whole number: `--set {}=3`", name.text)),
                        );
                        return None;
                    };
                    ParamValue::Number(number)
                }
            };
            if !allowed.is_empty() && !allowed.contains(&value) {
                let mut d = Diagnostic::new(
                    Code::E0385,
                    format!("`{raw}` is not an allowed value of `{}`", name.text),
                    name.span,
                    "the value given with `--set` is not allowed",
                )
                .with_note(note)
                .with_help(format!("use one of {}", list_values(&allowed)));
                if let Some(list) = allowed_value {
                    d = d.with_label(list.span, "the allowed values");
                }
                self.error(d);
                return None;
            }
            Some(value)
        });
        self.params.insert(
            name.text.clone(),
            ParamState {
                span: name.span,
                known: if allowed.is_empty() {
                    default.iter().cloned().collect()
                } else {
                    allowed.clone()
                },
                fixed,
                used: false,
            },
        );
        Param {
            name: name.text.clone(),
            span: name.span,
            kind,
            default,
            allowed,
            description,
        }
    }

    /// A bucket name's problem with one parameter given one of the values it is known to take
    /// (its allowed values, or its default): the problem, and the parameter, the value and
    /// the parameter's span.
    fn bucket_name_value_problem(&self, text: &Text) -> Option<(String, Option<KnownValue>)> {
        for part in &text.parts {
            let TextPart::Param(name) = part else {
                continue;
            };
            let Some(state) = self.params.get(name) else {
                continue;
            };
            for value in &state.known {
                let mut with_value = Text::default();
                for other in &text.parts {
                    with_value.push(match other {
                        TextPart::Param(p) if p == name => TextPart::Literal(value.text()),
                        other => other.clone(),
                    });
                }
                let problem = match with_value.as_literal() {
                    Some(whole) => limits::bucket_name_problem(whole),
                    None => limits::bucket_name_parts_problem(&with_value),
                };
                if let Some(problem) = problem {
                    return Some((problem, Some((name.clone(), value.text(), state.span))));
                }
            }
        }
        None
    }

    /// A `default` or `allowed` value, of the parameter's type.
    fn param_value(&mut self, value: &Value, kind: ParamType, what: &str) -> Option<ParamValue> {
        match (&value.kind, kind) {
            (ValueKind::Str(text), ParamType::String) => Some(ParamValue::String(text.clone())),
            (ValueKind::Int(number), ParamType::Number) => Some(ParamValue::Number(*number)),
            (ValueKind::Interpolated(parts), ParamType::String) => {
                // A parameter's values are the template's own: no parameter, fixed or not.
                self.no_params_here(
                    parts,
                    &format!("{what} of a parameter"),
                    Some("a parameter's values are fixed in the template, before any parameter has a value"),
                    false,
                );
                None
            }
            (other, _) => {
                let expected = match kind {
                    ParamType::String => "a string",
                    ParamType::Number => "a whole number",
                };
                let mut d = Diagnostic::new(
                    Code::E0384,
                    format!(
                        "{what} is {}, but the parameter is a {}",
                        describe(other),
                        kind.keyword()
                    ),
                    value.span,
                    format!("expected {expected}"),
                );
                d = match (other, kind) {
                    (ValueKind::Int(_), ParamType::String) => d.with_help(format!(
                        "quote it, `\"{}\"`, or declare `type = number`",
                        value_text(other)
                    )),
                    (ValueKind::Str(text), ParamType::Number) if text.parse::<u64>().is_ok() => {
                        d.with_help(format!("remove the quotes: `{text}`"))
                    }
                    (ValueKind::Str(_), ParamType::Number) => {
                        d.with_help("give a whole number, or declare `type = string`")
                    }
                    _ => d.with_help(format!("give {expected}")),
                };
                self.error(d);
                None
            }
        }
    }

    /// A string attribute that may insert parameters.
    fn text(&mut self, body: &Body<'a>, key: &str) -> Option<(Text, Span)> {
        let value = &body.attributes.get(key)?.value;
        match &value.kind {
            ValueKind::Interpolated(parts) => {
                self.interpolate(parts).map(|text| (text, value.span))
            }
            _ => self
                .string(body, key)
                .map(|(text, span)| (Text::literal(text), span)),
        }
    }

    /// A string attribute that may insert only parameters fixed with `--set`.
    fn fixed_text(
        &mut self,
        body: &Body<'a>,
        key: &str,
        what: &str,
        why: &str,
    ) -> Option<(String, Span)> {
        let value = &body.attributes.get(key)?.value;
        let ValueKind::Interpolated(parts) = &value.kind else {
            return self.string(body, key);
        };
        self.fixed_parts(parts, value.span, what, Some(why))
    }

    /// A string that may insert only parameters fixed with `--set`: their values substituted.
    fn fixed_parts(
        &mut self,
        parts: &[StrPart],
        span: Span,
        what: &str,
        why: Option<&str>,
    ) -> Option<(String, Span)> {
        let text = self.interpolate(parts)?;
        if let Some(text) = text.as_literal() {
            return Some((text.to_owned(), span));
        }
        self.no_params_here(parts, what, why, true);
        None
    }

    /// Reports every parameter a string inserts where none is allowed (but those fixed with
    /// `--set`, when `allow_fixed`).
    fn no_params_here(
        &mut self,
        parts: &[StrPart],
        what: &str,
        why: Option<&str>,
        allow_fixed: bool,
    ) {
        for part in parts {
            let StrPart::Param(name) = part else { continue };
            if let Some(state) = self.params.get_mut(&name.text) {
                state.used = true;
                if allow_fixed && state.fixed.is_some() {
                    continue;
                }
            }
            let mut d = Diagnostic::new(
                Code::E0382,
                format!("{what} cannot insert a parameter"),
                name.span,
                "a parameter is not allowed here",
            );
            d = d.with_note(why.map_or_else(
                || "parameters can be used in bucket names, descriptions and environment values; elsewhere only when fixed with `--set`".to_owned(),
                str::to_owned,
            ));
            d = if allow_fixed && why.is_some() {
                d.with_help(format!(
                    "fix the value when building, with `--set {}=VALUE`, or write the text out",
                    name.text
                ))
            } else {
                d.with_help(format!(
                    "write the text out, or write `$${{{}}}` for a literal `${{{}}}`",
                    name.text, name.text
                ))
            };
            self.error(d);
        }
    }

    /// The parts of a string, each parameter resolved: a fixed one is substituted, an open
    /// one is kept. Unknown names are reported.
    fn interpolate(&mut self, parts: &[StrPart]) -> Option<Text> {
        let mut text = Text::default();
        let mut ok = true;
        for part in parts {
            match part {
                StrPart::Literal(literal) => text.push(TextPart::Literal(literal.clone())),
                StrPart::Param(name) => {
                    if let Some(state) = self.params.get_mut(&name.text) {
                        state.used = true;
                        text.push(match &state.fixed {
                            Some(value) => TextPart::Literal(value.text()),
                            None => TextPart::Param(name.text.clone()),
                        });
                        continue;
                    }
                    ok = false;
                    self.unknown_param(name);
                }
            }
        }
        ok.then_some(text)
    }

    fn unknown_param(&mut self, name: &Ident) {
        let mut d = Diagnostic::new(
            Code::E0381,
            format!("no parameter named `{}`", name.text),
            name.span,
            "not a parameter of this stack",
        );
        if let Some((kind, declared)) = self.names.get(name.text.as_str()).copied() {
            d = d
                .with_label(declared, format!("`{}` is a {}", name.text, kind.keyword()))
                .with_help(format!(
                    "only parameters can be inserted; for the {}'s name use a reference like `{}.name` as an environment value",
                    kind.keyword(),
                    name.text
                ));
        } else if let Some(near) =
            did_you_mean(&name.text, self.params.keys().map(String::as_str)).map(str::to_owned)
        {
            // The misspelling is a use: do not also call the parameter unused.
            if let Some(state) = self.params.get_mut(&near) {
                state.used = true;
            }
            d = d.with_suggestion(&name.text, self.params.keys().map(String::as_str));
        } else {
            d = d.with_help(format!(
                "declare it with `param {} {{ type = string }}`, or write `$${{{}}}` for a literal `${{{}}}`",
                name.text, name.text, name.text
            ));
        }
        self.error(d);
    }

    fn check_unused_params(&mut self) {
        let unused: Vec<(String, Span)> = self
            .params
            .iter()
            .filter(|(_, state)| !state.used)
            .map(|(name, state)| (name.clone(), state.span))
            .collect();
        for (name, span) in unused {
            self.error(
                Diagnostic::new(
                    Code::W0501,
                    format!("parameter `{name}` is never used"),
                    span,
                    "no string inserts it",
                )
                .with_help(format!(
                    "insert it with `\"${{{name}}}\"` in a bucket name, a description or an environment value, or remove it"
                )),
            );
        }
    }

    /// Reports a flexible window that is not whole minutes; `Some` when it is.
    fn whole_minutes(&mut self, seconds: u64, span: Span, key: &str) -> Option<()> {
        if seconds % 60 == 0 {
            return Some(());
        }
        self.error(
            Diagnostic::new(
                Code::E0303,
                format!("`{key}` must be a whole number of minutes"),
                span,
                "not a whole number of minutes",
            )
            .with_note(format!(
                "EventBridge Scheduler counts the window in minutes ({})",
                limits::SCHEDULE_FLEXIBLE_WINDOW_MINUTES.source
            ))
            .with_help(format!("use `{}m`", (seconds / 60).max(1))),
        );
        None
    }

    /// `timezone = "Europe/Paris"`: an exact IANA name from the bundled time zone database.
    fn timezone(
        &mut self,
        body: &Body<'a>,
        expression: Option<&ScheduleExpression>,
    ) -> Option<String> {
        let (name, span) = self.string(body, "timezone")?;
        let db = jiff::tz::TimeZoneDatabase::bundled();
        let canonical = db
            .get(&name)
            .ok()
            .and_then(|tz| tz.iana_name().map(str::to_owned));
        if canonical.as_deref() != Some(name.as_str()) {
            let mut d = Diagnostic::new(
                Code::E0360,
                format!("unknown time zone `{name}`"),
                span,
                "not an IANA time zone name",
            )
            .with_note(
                "time zones are IANA names like `Europe/Paris`, `America/New_York` or `UTC`",
            );
            let names: Vec<String> = db.available().map(|n| n.to_string()).collect();
            d = if let Some(exact) = canonical {
                d.with_help(format!(
                    "time zone names are case-sensitive: write `{exact}`"
                ))
            } else if did_you_mean(&name, names.iter().map(String::as_str)).is_some() {
                d.with_suggestion(&name, names.iter().map(String::as_str))
            } else {
                d.with_help("see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones")
            };
            self.error(d);
            return None;
        }
        if let Some(ScheduleExpression::Rate { .. }) = expression {
            self.error(
                Diagnostic::new(
                    Code::W0401,
                    "`timezone` has no effect on an `every` schedule",
                    span,
                    "rates do not depend on the time zone",
                )
                .with_help("use `cron` to run at a local time, or remove `timezone`"),
            );
        }
        Some(name)
    }

    /// `payload { key = value ... }` as compact JSON: strings, numbers and booleans as they
    /// are, nested blocks as nested objects, keys in source order.
    fn payload(&mut self, nested: &'a Nested) -> String {
        let object = self.json_object(&nested.body);
        let json = serde_json::Value::Object(object).to_string();
        if json.len() as u64 > limits::SCHEDULE_PAYLOAD_BYTES.max {
            self.error(
                Diagnostic::new(
                    Code::E0362,
                    "the payload is larger than a Lambda invocation allows",
                    nested.name.span,
                    format!("{} bytes of JSON", json.len()),
                )
                .with_note(format!(
                    "an asynchronous invocation carries at most {} bytes ({})",
                    limits::SCHEDULE_PAYLOAD_BYTES.max,
                    limits::SCHEDULE_PAYLOAD_BYTES.source
                ))
                .with_help("keep large data in S3 and pass its key in the payload"),
            );
        }
        json
    }

    fn json_object(&mut self, block: &'a Block) -> serde_json::Map<String, serde_json::Value> {
        let mut object = serde_json::Map::new();
        let mut first_spans: BTreeMap<&str, Span> = BTreeMap::new();
        for entry in &block.entries {
            let (key, value) = match entry {
                Entry::Attribute(attribute) => {
                    let value = &attribute.value;
                    let json = match &value.kind {
                        ValueKind::Str(s) => serde_json::Value::from(s.as_str()),
                        ValueKind::Int(n) => serde_json::Value::from(*n),
                        ValueKind::Bool(b) => serde_json::Value::from(*b),
                        other => {
                            let text = value_text(other);
                            self.error(
                                Diagnostic::new(
                                    Code::E0361,
                                    format!("{} cannot be a payload value", describe(other)),
                                    value.span,
                                    "JSON has strings, numbers and booleans",
                                )
                                .with_help(format!("quote it to send it as text: `\"{text}\"`")),
                            );
                            continue;
                        }
                    };
                    (&attribute.key, json)
                }
                Entry::Nested(inner) => (
                    &inner.name,
                    serde_json::Value::Object(self.json_object(&inner.body)),
                ),
                Entry::Verb(verb) => {
                    self.error(
                        Diagnostic::new(
                            Code::E0361,
                            "a payload holds `key = value` lines and nested blocks",
                            verb.span,
                            "not a payload entry",
                        )
                        .with_help(format!(
                            "did you mean `{} = \"{}\"`?",
                            verb.verb.text, verb.target.text
                        )),
                    );
                    continue;
                }
            };
            if let Some(first) = first_spans.insert(&key.text, key.span) {
                self.error(
                    Diagnostic::new(
                        Code::E0204,
                        format!("`{}` is set twice in the payload", key.text),
                        key.span,
                        "set again here",
                    )
                    .with_label(first, "first set here")
                    .with_help("keep one of them"),
                );
                continue;
            }
            object.insert(key.text.clone(), value);
        }
        object
    }

    /// `tags { key = "value" ... }` of an item, checked against AWS's tagging rules.
    fn tags(&mut self, body: &Body<'a>) -> Tags {
        let mut tags = Tags::new();
        let Some(nested) = body.blocks.get("tags") else {
            return tags;
        };
        let mut first_spans: BTreeMap<&str, Span> = BTreeMap::new();
        for entry in &nested.body.entries {
            let Entry::Attribute(attribute) = entry else {
                let span = match entry {
                    Entry::Nested(n) => n.span,
                    Entry::Verb(v) => v.span,
                    Entry::Attribute(_) => unreachable!("handled above"),
                };
                self.error(
                    Diagnostic::new(
                        Code::E0301,
                        "`tags` holds only `key = \"value\"` lines",
                        span,
                        "not a tag",
                    )
                    .with_help("write each tag as `team = \"platform\"`"),
                );
                continue;
            };
            let key = attribute.key.text.as_str();
            if let Some(problem) = limits::tag_key_problem(key) {
                self.error(
                    Diagnostic::new(
                        Code::E0363,
                        format!("invalid tag key `{key}`"),
                        attribute.key.span,
                        problem,
                    )
                    .with_note(format!("see {}", limits::TAGGING_SOURCE))
                    .with_help("use a key of 1 to 128 letters, digits, spaces and `_ . : / = + - @`, like `\"cost-center\"`"),
                );
            }
            if let Some(first) = first_spans.insert(key, attribute.key.span) {
                self.error(
                    Diagnostic::new(
                        Code::E0204,
                        format!("tag `{key}` is set twice"),
                        attribute.key.span,
                        "set again here",
                    )
                    .with_label(first, "first set here")
                    .with_help("keep one of them"),
                );
                continue;
            }
            let value = &attribute.value;
            let text = match &value.kind {
                ValueKind::Str(s) => s.clone(),
                // Only a parameter fixed with `--set` is known when the tags are written.
                ValueKind::Interpolated(parts) => {
                    match self.fixed_parts(
                        parts,
                        value.span,
                        &format!("tag `{key}`"),
                        Some("tag values are written as plain text on both targets"),
                    ) {
                        Some((text, _)) => text,
                        None => continue,
                    }
                }
                other => {
                    self.error(
                        Diagnostic::new(
                            Code::E0301,
                            format!("expected a string, found {}", describe(other)),
                            value.span,
                            "tag values are strings",
                        )
                        .with_help(format!("quote it: `\"{}\"`", value_text(other))),
                    );
                    continue;
                }
            };
            if let Some(problem) = limits::tag_value_problem(&text) {
                self.error(
                    Diagnostic::new(
                        Code::E0364,
                        format!("invalid value for tag `{key}`"),
                        value.span,
                        problem,
                    )
                    .with_note(format!(
                        "tag values are up to 256 letters, digits, spaces and `_ . : / = + - @` ({})",
                        limits::TAGGING_SOURCE
                    ))
                    .with_help("remove or replace the character"),
                );
            }
            tags.insert(key.to_owned(), text);
        }
        tags
    }

    /// The stack's tags and an item's, merged, must fit on one resource.
    fn check_tag_count(&mut self, stack: &Stack, tags: &Tags, span: Span) {
        let merged = stack
            .tags
            .keys()
            .chain(tags.keys())
            .collect::<BTreeSet<_>>()
            .len();
        if merged as u64 > limits::TAGS_PER_RESOURCE.max {
            self.error(
                Diagnostic::new(
                    Code::E0365,
                    format!("{merged} tags on one resource"),
                    span,
                    format!("the stack's and this item's tags make {merged}"),
                )
                .with_note(format!(
                    "a resource has at most {} tags ({})",
                    limits::TAGS_PER_RESOURCE.max,
                    limits::TAGGING_SOURCE
                ))
                .with_help("remove tags, or move rarely used ones into one value"),
            );
        }
    }

    fn output(&mut self, name: &Ident, body: &Body<'a>) -> Option<Output> {
        let export = self.string(body, "export").and_then(|(text, span)| {
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
        });
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
        let reference = match &value.kind {
            ValueKind::Word(w) if w.contains('.') => {
                let (item, attribute) = w.split_once('.').expect("contains a dot");
                let attribute = match attribute {
                    "name" => model::Attribute::Name,
                    "arn" => model::Attribute::Arn,
                    other => {
                        let start =
                            value.span.start + u32::try_from(item.len() + 1).expect("short");
                        self.error(
                            Diagnostic::new(
                                Code::E0403,
                                format!("unknown attribute `{other}` in a reference"),
                                Span {
                                    start,
                                    ..value.span
                                },
                                "not an attribute of a resource",
                            )
                            .with_note("buckets and functions have `name` and `arn`")
                            .with_suggestion(other, REFERENCE_ATTRIBUTES.iter().copied()),
                        );
                        return None;
                    }
                };
                Reference {
                    item: item.to_owned(),
                    kind: Kind::Bucket,
                    attribute,
                    span: value.span,
                }
            }
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
                return None;
            }
        };
        Some(Output {
            name: name.text.clone(),
            span: name.span,
            value: reference,
            export: export.map(|(text, _)| text),
            description,
        })
    }

    /// User outputs must not take the names of the outputs drc adds for every bucket
    /// (`<bucket>_bucket_name`, `BucketName`) and function (`<function>_function_arn`), and
    /// export names are unique.
    fn check_outputs(&mut self, outputs: &[Output], buckets: &[Bucket], functions: &[Function]) {
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
            }));
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

    // ---- pass 3 -------------------------------------------------------------------------

    fn access(&mut self, p: &Pending<'a>) -> Option<Access> {
        let target = &p.verb.target;
        let why = format!("`{}` acts on {}s", p.rule.keyword, p.rule.target.keyword());
        if !self.expect_kind(&target.text, target.span, p.rule.target, &why) {
            return None;
        }
        Some(Access {
            verb: p.rule.verb,
            target: target.text.clone(),
            prefix: p.prefix.clone(),
            span: p.verb.span,
        })
    }

    /// Reports an undefined name or a name of the wrong kind; true when it is fine.
    fn expect_kind(&mut self, name: &str, span: Span, expected: Kind, why: &str) -> bool {
        match self.names.get(name).copied() {
            None => {
                let candidates: Vec<&str> = self
                    .names
                    .iter()
                    .filter(|(_, (k, _))| *k == expected)
                    .map(|(n, _)| *n)
                    .collect();
                let mut d = Diagnostic::new(
                    Code::E0401,
                    format!("no {} named `{name}`", expected.keyword()),
                    span,
                    "not defined in this stack",
                );
                d = if did_you_mean(name, candidates.iter().copied()).is_some() {
                    d.with_suggestion(name, candidates.iter().copied())
                } else {
                    d.with_help(format!(
                        "declare it with `{} {name} {{ ... }}`",
                        expected.keyword()
                    ))
                };
                self.error(d);
                false
            }
            Some((kind, declared)) if kind != expected => {
                // Queues and topics each take their own verb.
                let help = match (expected, kind) {
                    (Kind::Topic, Kind::Queue) => {
                        Some(format!("queues take `send`: `send {name}`"))
                    }
                    (Kind::Queue, Kind::Topic) => {
                        Some(format!("topics take `publish`: `publish {name}`"))
                    }
                    _ => None,
                };
                let mut d = Diagnostic::new(
                    Code::E0402,
                    format!(
                        "`{name}` is a {}, not a {}",
                        kind.keyword(),
                        expected.keyword()
                    ),
                    span,
                    why.to_owned(),
                )
                .with_label(
                    declared,
                    format!("`{name}` is declared as a {} here", kind.keyword()),
                );
                if let Some(help) = help {
                    d = d.with_help(help);
                }
                self.error(d);
                false
            }
            Some(_) => true,
        }
    }

    fn resolve_reference(&mut self, reference: &mut Reference) {
        let item_span = Span {
            end: reference.span.start + u32::try_from(reference.item.len()).expect("short"),
            ..reference.span
        };
        let Some((kind, declared)) = self.names.get(reference.item.as_str()).copied() else {
            let candidates: Vec<&str> = self.names.keys().copied().collect();
            self.error(
                Diagnostic::new(
                    Code::E0401,
                    format!("`{}` is not defined", reference.item),
                    item_span,
                    "no bucket or function has this name",
                )
                .with_suggestion(&reference.item, candidates),
            );
            return;
        };
        if !matches!(kind, Kind::Bucket | Kind::Function) {
            let mut d = Diagnostic::new(
                Code::E0402,
                format!("{} cannot be referenced", article(kind.keyword())),
                item_span,
                "only buckets and functions have a name and an ARN to pass",
            )
            .with_label(
                declared,
                format!("declared as {} here", article(kind.keyword())),
            );
            if kind == Kind::Param {
                d = d.with_help(format!(
                    "insert a parameter's value into a string: `\"${{{}}}\"`",
                    reference.item
                ));
            }
            self.error(d);
            return;
        }
        if self.existing.contains(reference.item.as_str()) {
            self.error(
                Diagnostic::new(
                    Code::E0422,
                    format!("`{}` is a function outside the stack", reference.item),
                    reference.span,
                    "drc does not know this function's attributes",
                )
                .with_label(declared, "declared with `existing` here")
                .with_help(
                    "write its name or ARN as a string instead, like `LEGACY = \"legacy-report\"`",
                ),
            );
            return;
        }
        reference.kind = kind;
    }

    /// Resolves `on_failure` and `dead_letter` (a queue or a topic) and `alarm` (a topic).
    fn resolve_failure(&mut self, failure: &mut Failure) {
        let slots = [
            (
                &mut failure.on_failure,
                "on_failure",
                &[Kind::Queue, Kind::Topic][..],
            ),
            (
                &mut failure.dead_letter,
                "dead_letter",
                &[Kind::Queue, Kind::Topic][..],
            ),
            (&mut failure.alarm, "alarm", &[Kind::Topic][..]),
        ];
        for (slot, key, allowed) in slots {
            let Some(destination) = slot.as_mut() else {
                continue;
            };
            let wanted = allowed
                .iter()
                .map(|k| k.keyword())
                .collect::<Vec<_>>()
                .join(" or ");
            match self.names.get(destination.target.as_str()).copied() {
                Some((kind, _)) if allowed.contains(&kind) => destination.kind = kind,
                Some((kind, declared)) => {
                    let help = if key == "alarm" {
                        "declare a `topic` and write `alarm = <topic>`: the alarm notifies the topic"
                    } else {
                        "failed events go to a `queue` or a `topic`: declare one and name it here"
                    };
                    self.error(
                        Diagnostic::new(
                            Code::E0420,
                            format!(
                                "`{key}` needs a {wanted}, but `{}` is a {}",
                                destination.target,
                                kind.keyword()
                            ),
                            destination.span,
                            format!("not a {wanted}"),
                        )
                        .with_label(
                            declared,
                            format!(
                                "`{}` is declared as a {} here",
                                destination.target,
                                kind.keyword()
                            ),
                        )
                        .with_help(help),
                    );
                    *slot = None;
                }
                None => {
                    let candidates: Vec<&str> = self
                        .names
                        .iter()
                        .filter(|(_, (k, _))| allowed.contains(k))
                        .map(|(n, _)| *n)
                        .collect();
                    let mut d = Diagnostic::new(
                        Code::E0401,
                        format!("no {wanted} named `{}`", destination.target),
                        destination.span,
                        "not defined in this stack",
                    );
                    d = if did_you_mean(&destination.target, candidates.iter().copied()).is_some() {
                        d.with_suggestion(&destination.target, candidates.iter().copied())
                    } else {
                        d.with_help(format!(
                            "declare it with `{} {} {{ ... }}`",
                            allowed[0].keyword(),
                            destination.target
                        ))
                    };
                    self.error(d);
                    *slot = None;
                }
            }
        }
    }

    /// A schedule's target must be a function drc manages, so it can be given permission to
    /// be invoked.
    fn check_schedule_target(&mut self, schedule: &Schedule) {
        if self.existing.contains(schedule.target.as_str()) {
            let declared = self.names[schedule.target.as_str()].1;
            self.error(
                Diagnostic::new(
                    Code::E0421,
                    format!("schedule `{}` invokes `{}`, a function outside the stack", schedule.name, schedule.target),
                    schedule.target_span,
                    "EventBridge would need a permission added to that function",
                )
                .with_label(declared, "declared with `existing` here")
                .with_note("adding a resource-based permission changes the function, and drc does not change functions it does not create")
                .with_help("schedule a function of this stack that invokes it (`invoke legacy`), or schedule it in the stack that manages it"),
            );
        }
    }

    /// W0301: a scheduled function with no `alarm`, `on_failure` or `dead_letter`.
    fn warn_unreported_failure(&mut self, schedule: &Schedule, program: &Program) {
        // Without errors, a schedule invokes a function of the stack (E0421).
        let function = program.function(&schedule.target);
        if function.failure.reports() {
            return;
        }
        self.error(
            Diagnostic::new(
                Code::W0301,
                format!(
                    "schedule `{}` invokes `{}`, which has no way to report failure",
                    schedule.name, function.name
                ),
                schedule.target_span,
                "a failed run here goes unnoticed",
            )
            .with_label(function.span, "no `alarm`, `on_failure` or `dead_letter`")
            .with_note("EventBridge invokes asynchronously: when the function fails, Lambda retries and then drops the event")
            .with_help(format!(
                "add `alarm = <topic>` to function `{}` to be notified of errors, or `on_failure = <queue>` to keep failed events",
                function.name
            )),
        );
    }

    fn check_cycles(&mut self, functions: &[Function]) {
        // Function A depends on B when A's environment names B or A's role may invoke B
        // (the role's policy holds B's ARN). A cycle cannot be deployed on either target.
        let index: BTreeMap<&str, usize> = functions
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name.as_str(), i))
            .collect();
        let edges: Vec<Vec<(usize, Span)>> = functions
            .iter()
            .map(|f| {
                let env = f.env.iter().filter_map(|(_, v)| match v {
                    EnvValue::Ref(r) if r.kind == Kind::Function => Some((r.item.as_str(), r.span)),
                    _ => None,
                });
                let invokes = f
                    .accesses
                    .iter()
                    .filter(|a| a.verb == Verb::Invoke)
                    .map(|a| (a.target.as_str(), a.span));
                env.chain(invokes)
                    .filter_map(|(name, span)| index.get(name).map(|&i| (i, span)))
                    .collect()
            })
            .collect();
        let mut reported: BTreeSet<Vec<usize>> = BTreeSet::new();
        // `visited[f] == start`: the search from `start` reached `f` (one vector for all).
        let mut visited = vec![usize::MAX; functions.len()];
        for start in 0..functions.len() {
            let mut path = Vec::new();
            if let Some(cycle) = find_cycle(start, start, &edges, &mut path, &mut visited) {
                let mut members: Vec<usize> = cycle.iter().map(|&(from, _, _)| from).collect();
                members.sort_unstable();
                if !reported.insert(members) {
                    continue;
                }
                if let [(only, _, span)] = cycle.as_slice() {
                    let function = &functions[*only];
                    let invokes = function.accesses.iter().any(|a| a.span == *span);
                    let (label, help) = if invokes {
                        (
                            "a function cannot be granted to invoke itself",
                            "invoke a second function, or loop inside the handler",
                        )
                    } else {
                        (
                            "a function's environment cannot hold its own name or ARN",
                            "read the name from `AWS_LAMBDA_FUNCTION_NAME`, which Lambda sets for every function",
                        )
                    };
                    self.error(
                        Diagnostic::new(Code::E0404, format!("function `{}` refers to itself", function.name), *span, label)
                            .with_note("its role or environment would need its own ARN or name, which exist only after the role")
                            .with_help(help),
                    );
                    continue;
                }
                let names: Vec<&str> = cycle
                    .iter()
                    .map(|&(from, _, _)| functions[from].name.as_str())
                    .collect();
                let (first_from, first_to, first_span) = cycle[0];
                let mut d = Diagnostic::new(
                    Code::E0404,
                    format!(
                        "functions depend on each other in a cycle: {} -> {}",
                        names.join(" -> "),
                        names[0]
                    ),
                    first_span,
                    format!(
                        "`{}` needs `{}` to exist first",
                        functions[first_from].name, functions[first_to].name
                    ),
                );
                for &(from, to, span) in &cycle[1..] {
                    d = d.with_label(
                        span,
                        format!(
                            "`{}` needs `{}` to exist first",
                            functions[from].name, functions[to].name
                        ),
                    );
                }
                self.error(
                    d.with_note("each function's name, ARN or permissions refer to the next, so no order of creation works")
                        .with_help("break the cycle, for example by passing a name as a fixed string instead of a reference"),
                );
            }
        }
    }

    fn check_logical_ids(&mut self, asts: &[&Ast]) {
        // Logical IDs are the name's stem plus a suffix per kind (`AppDataBucket`), so only
        // two items of the same kind can collide.
        let mut seen: BTreeMap<(Kind, String), &Ident> = BTreeMap::new();
        for item in asts.iter().flat_map(|ast| &ast.items) {
            let Some(spec) = KINDS
                .iter()
                .find(|k| k.kind.keyword() == item.kind.text && k.kind != Kind::Stack)
            else {
                continue;
            };
            let stem = names::logical_stem(&item.name.text);
            if stem.is_empty() || !stem.starts_with(|c: char| c.is_ascii_alphabetic()) {
                self.error(
                    Diagnostic::new(
                        Code::E0209,
                        format!(
                            "`{}` cannot be turned into a CloudFormation logical ID",
                            item.name.text
                        ),
                        item.name.span,
                        "needs a letter after any leading underscores",
                    )
                    .with_help("start names with a letter, like `backups`"),
                );
                continue;
            }
            let id = format!("{stem}{}", names::logical_stem(spec.kind.keyword()));
            match seen.get(&(spec.kind, stem.clone())) {
                Some(first) if first.text != item.name.text => {
                    self.error(
                        Diagnostic::new(
                            Code::E0208,
                            format!(
                                "`{}` and `{}` both become the logical ID `{id}`",
                                first.text, item.name.text
                            ),
                            item.name.span,
                            format!("becomes `{id}`"),
                        )
                        .with_label(first.span, format!("also becomes `{id}`"))
                        .with_note("logical IDs drop underscores and capitalise each word")
                        .with_help(
                            "rename one of them so they differ in more than case and underscores",
                        ),
                    );
                }
                Some(_) => {}
                None => {
                    seen.insert((spec.kind, stem), &item.name);
                }
            }
        }
    }

    fn check_function_names(&mut self, stack: &Stack, functions: &[Function]) {
        let prefix = names::physical_prefix(&stack.name);
        for f in functions {
            let length = prefix.len() + 1 + f.name.len();
            if length > usize::try_from(limits::LAMBDA_FUNCTION_NAME.max).expect("small") {
                self.error(
                    Diagnostic::new(
                        Code::E0209,
                        format!("function name `{prefix}-{}` is too long for Lambda", f.name),
                        f.span,
                        format!("{length} characters with the stack prefix"),
                    )
                    .with_note(format!(
                        "Lambda function names are at most {} characters ({})",
                        limits::LAMBDA_FUNCTION_NAME.max,
                        limits::LAMBDA_FUNCTION_NAME.source
                    ))
                    .with_help("shorten the function's or the stack's name"),
                );
            }
        }
    }

    // ---- typed values -------------------------------------------------------------------

    fn wrong_type(&mut self, value: &Value, found: &ValueKind, expected: &str) {
        let mut d = Diagnostic::new(
            Code::E0301,
            format!("expected {expected}, found {}", describe(found)),
            value.span,
            format!("expected {expected}"),
        );
        if let ValueKind::Str(s) = found {
            let as_bool = expected.contains("`true`") && (s == "true" || s == "false");
            let as_quantity = expected.contains("like `")
                && s.starts_with(|c: char| c.is_ascii_digit())
                && s.chars().all(|c| c.is_ascii_alphanumeric());
            let as_name = !expected.contains("`true`")
                && !expected.contains("like `")
                && !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
            if as_bool || as_quantity || as_name {
                d = d.with_help(format!("remove the quotes: `{s}`"));
            }
        }
        self.error(d);
    }

    fn string(&mut self, body: &Body<'a>, key: &str) -> Option<(String, Span)> {
        let value = &body.attributes.get(key)?.value;
        match &value.kind {
            ValueKind::Str(s) => Some((s.clone(), value.span)),
            ValueKind::Interpolated(parts) => {
                self.fixed_parts(parts, value.span, &format!("`{key}`"), None)
            }
            other => {
                let mut d = Diagnostic::new(
                    Code::E0301,
                    format!("expected a string, found {}", describe(other)),
                    value.span,
                    "expected a string",
                );
                if !matches!(other, ValueKind::Str(_)) {
                    let text = &value_text(other);
                    d = d.with_help(format!("quote it: `\"{text}\"`"));
                }
                self.error(d);
                None
            }
        }
    }

    fn integer(&mut self, body: &Body<'a>, key: &str) -> Option<(u64, Span)> {
        let value = &body.attributes.get(key)?.value;
        match &value.kind {
            ValueKind::Int(n) => Some((*n, value.span)),
            other => {
                self.wrong_type(value, other, "a whole number");
                None
            }
        }
    }

    /// The bare name of another item: `on_failure = failures`.
    fn target_name(
        &mut self,
        body: &Body<'a>,
        key: &str,
        expected: &str,
    ) -> Option<(String, Span)> {
        let value = &body.attributes.get(key)?.value;
        match &value.kind {
            ValueKind::Word(w) if !w.contains('.') => Some((w.clone(), value.span)),
            other => {
                self.wrong_type(value, other, expected);
                None
            }
        }
    }

    fn boolean(&mut self, body: &Body<'a>, key: &str) -> Option<bool> {
        let value = &body.attributes.get(key)?.value;
        match &value.kind {
            ValueKind::Bool(b) => Some(*b),
            other => {
                self.wrong_type(value, other, "`true` or `false`");
                None
            }
        }
    }

    fn word(
        &mut self,
        body: &Body<'a>,
        key: &str,
        options: &[&'static str],
    ) -> Option<(&'static str, Span)> {
        let value = &body.attributes.get(key)?.value;
        let (ValueKind::Word(w) | ValueKind::Str(w)) = &value.kind else {
            self.wrong_type(
                value,
                &value.kind,
                &format!("one of {}", list(options.iter().copied())),
            );
            return None;
        };
        if let Some(option) = options.iter().find(|o| **o == w) {
            return Some((option, value.span));
        }
        self.error(
            Diagnostic::new(
                Code::E0304,
                format!("unknown {key} `{w}`"),
                value.span,
                format!("not a valid `{key}`"),
            )
            .with_note(format!(
                "`{key}` is one of {}",
                list(options.iter().copied())
            ))
            .with_suggestion(w, options.iter().copied()),
        );
        None
    }

    /// A quantity of the expected family (duration or size), converted by `convert`.
    fn quantity(
        &mut self,
        body: &Body<'a>,
        key: &str,
        family: &str,
        example: &str,
        convert: fn(u64, &str) -> Option<u64>,
        family_units: fn() -> Box<dyn Iterator<Item = &'static str>>,
    ) -> Option<(u64, Span)> {
        let value = &body.attributes.get(key)?.value;
        let (number, unit) = match &value.kind {
            ValueKind::Quantity(n, u) => (*n, u.as_str()),
            ValueKind::Int(_) => {
                self.error(
                    Diagnostic::new(
                        Code::E0302,
                        format!("`{key}` needs a unit"),
                        value.span,
                        "a number without a unit",
                    )
                    .with_help(format!("write {family} like `{example}`")),
                );
                return None;
            }
            other => {
                self.wrong_type(value, other, &format!("{family} like `{example}`"));
                return None;
            }
        };
        if let Some(converted) = convert(number, unit) {
            return Some((converted, value.span));
        }
        if family_units().any(|u| u == unit) {
            self.error(
                Diagnostic::new(
                    Code::E0303,
                    format!("`{key}` is far too large"),
                    value.span,
                    "this overflows",
                )
                .with_help(format!("write {family} like `{example}`")),
            );
            return None;
        }
        let other_family = if units::is_duration_unit(unit) {
            Some("a duration")
        } else if units::is_size_unit(unit) {
            Some("a size")
        } else {
            None
        };
        let d = match other_family {
            Some(other) => Diagnostic::new(
                Code::E0302,
                format!("`{key}` is {family}, but `{number}{unit}` is {other}"),
                value.span,
                format!("expected {family} like `{example}`"),
            )
            .with_help(format!("write {family} like `{example}`")),
            None => Diagnostic::new(
                Code::E0302,
                format!("unknown unit `{unit}`"),
                value.span,
                format!("expected {family} like `{example}`"),
            )
            .with_note(format!("units of {family}: {}", list(family_units())))
            .with_suggestion_if(
                |near| near.eq_ignore_ascii_case(unit),
                unit,
                family_units(),
            ),
        };
        self.error(d);
        None
    }

    fn duration(&mut self, body: &Body<'a>, key: &str) -> Option<(u64, Span)> {
        self.quantity(body, key, "a duration", "24h", units::seconds, || {
            Box::new(units::duration_units())
        })
    }

    fn size(&mut self, body: &Body<'a>, key: &str) -> Option<(u64, Span)> {
        self.quantity(body, key, "a size", "256MB", units::megabytes, || {
            Box::new(units::size_units())
        })
    }

    fn in_range(
        &mut self,
        value: u64,
        span: Span,
        limit: Limit,
        unit: &str,
        key: &str,
    ) -> Option<u64> {
        if (limit.min..=limit.max).contains(&value) {
            return Some(value);
        }
        let units = |n: u64| {
            if n == 1 {
                format!("1 {}", unit.trim_end_matches('s'))
            } else {
                format!("{n} {unit}")
            }
        };
        let bound = if value < limit.min {
            format!("at least {}", units(limit.min))
        } else {
            format!("at most {}", units(limit.max))
        };
        self.error(
            Diagnostic::new(
                Code::E0303,
                format!("`{key}` is out of range"),
                span,
                format!("{}; must be {bound}", units(value)),
            )
            .with_note(format!(
                "AWS accepts {} to {} {unit} ({})",
                limit.min, limit.max, limit.source
            ))
            .with_help(format!(
                "use a value from {} to {} {unit}",
                limit.min, limit.max
            )),
        );
        None
    }

    fn check_length(&mut self, text: &str, span: Span, limit: Limit, what: &str) {
        if text.len() as u64 > limit.max {
            self.error(
                Diagnostic::new(
                    Code::E0303,
                    format!("{what} is too long"),
                    span,
                    format!("{} characters", text.len()),
                )
                .with_note(format!(
                    "AWS accepts at most {} ({})",
                    limit.max, limit.source
                ))
                .with_help("shorten it"),
            );
        }
    }
}

/// Depth-first search for a path back to `start`; returns its edges (from, to, span).
fn find_cycle(
    start: usize,
    at: usize,
    edges: &[Vec<(usize, Span)>],
    path: &mut Vec<(usize, usize, Span)>,
    visited: &mut [usize],
) -> Option<Vec<(usize, usize, Span)>> {
    for &(next, span) in &edges[at] {
        path.push((at, next, span));
        if next == start {
            return Some(path.clone());
        }
        if visited[next] != start {
            visited[next] = start;
            if let Some(cycle) = find_cycle(start, next, edges, path, visited) {
                return Some(cycle);
            }
        }
        path.pop();
    }
    None
}

/// How a value reads in "found ...".
fn describe(kind: &ValueKind) -> &'static str {
    match kind {
        ValueKind::Str(_) => "a string",
        ValueKind::Int(_) => "a number",
        ValueKind::Bool(_) => "a boolean",
        ValueKind::Quantity(_, unit) if units::is_duration_unit(unit) => "a duration",
        ValueKind::Quantity(_, unit) if units::is_size_unit(unit) => "a size",
        ValueKind::Quantity(..) => "a number with a unit",
        ValueKind::Word(w) if w.contains('.') => "a reference",
        ValueKind::Word(_) => "a name",
        ValueKind::Interpolated(_) => "a string with parameters",
        ValueKind::List(_) => "a list",
    }
}

/// A value written back as source text (for "quote it" help).
fn value_text(kind: &ValueKind) -> String {
    match kind {
        ValueKind::Str(s) | ValueKind::Word(s) => s.clone(),
        ValueKind::Int(n) => n.to_string(),
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::Quantity(n, u) => format!("{n}{u}"),
        ValueKind::Interpolated(parts) => parts
            .iter()
            .map(|part| match part {
                StrPart::Literal(text) => text.replace("${", "$${"),
                StrPart::Param(name) => format!("${{{}}}", name.text),
            })
            .collect(),
        ValueKind::List(values) => format!(
            "[{}]",
            values
                .iter()
                .map(|v| value_text(&v.kind))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Text as it would be written in a `.dr` string (without quotes and escapes).
fn text_display(text: &Text) -> String {
    text.parts
        .iter()
        .map(|part| match part {
            TextPart::Literal(text) => text.replace("${", "$${"),
            TextPart::Param(name) => format!("${{{name}}}"),
        })
        .collect()
}

/// Parameter values written as in `.dr`: "`\"dev\"` and `\"prod\"`".
fn list_values(values: &[ParamValue]) -> String {
    let words: Vec<String> = values
        .iter()
        .map(|v| match v {
            ParamValue::String(text) => format!("\"{text}\""),
            ParamValue::Number(number) => number.to_string(),
        })
        .collect();
    list(words.iter().map(String::as_str))
}

/// "`a`, `b` and `c`"
fn list<'s>(words: impl IntoIterator<Item = &'s str>) -> String {
    let words: Vec<String> = words.into_iter().map(|w| format!("`{w}`")).collect();
    match words.as_slice() {
        [] => "none".to_owned(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "a bucket", "an item"
fn article(word: &str) -> String {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an `{word}`")
    } else {
        format!("a `{word}`")
    }
}

/// The stack name when a file has no `stack` item: the file name, made a valid name.
fn default_stack_name(stem: &str) -> String {
    let mut name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert_str(0, "stack_");
    }
    name
}

/// How to fix a refused key prefix.
/// `.name` and `.arn` of a bucket outside the stack are known now: they become literals.
fn existing_references_to_literals(buckets: &[Bucket], functions: &mut [Function]) {
    // Each name's first bucket, as a scan finds it: one lookup per reference.
    let mut by_name: BTreeMap<&str, &Bucket> = BTreeMap::new();
    for bucket in buckets {
        by_name.entry(&bucket.name).or_insert(bucket);
    }
    for function in functions {
        for (_, value) in &mut function.env {
            let EnvValue::Ref(reference) = value else {
                continue;
            };
            let existing = by_name
                .get(reference.item.as_str())
                .filter(|_| reference.kind == Kind::Bucket)
                .and_then(|b| b.existing.as_ref());
            if let Some(existing) = existing {
                *value = EnvValue::Literal(match reference.attribute {
                    model::Attribute::Name => Text::literal(existing.name.clone()),
                    model::Attribute::Arn => Text::literal(existing.arn.clone()),
                });
            }
        }
    }
}

/// Why a string is not a KMS key ARN (`arn:<partition>:kms:<region>:<account>:key/<id>`).
fn kms_key_arn_problem(text: &str) -> Option<&'static str> {
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = parts.as_slice() else {
        return Some("not of the form arn:<partition>:kms:<region>:<account>:key/<key-id>");
    };
    if *arn != "arn" || !PARTITIONS.contains(partition) || *service != "kms" || region.is_empty() {
        return Some("not of the form arn:<partition>:kms:<region>:<account>:key/<key-id>");
    }
    if account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
        return Some("the account must be 12 digits");
    }
    match resource.strip_prefix("key/") {
        Some(id) if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') => {
            None
        }
        _ if resource.starts_with("alias/") => Some("an alias ARN: IAM needs the key ARN"),
        _ => Some("the resource must be `key/<key-id>`"),
    }
}

fn prefix_help(rule: &iam::VerbRule, text: &str) -> String {
    if rule.target != Kind::Bucket {
        format!(
            "remove the prefix: `{} <{}>`",
            rule.keyword,
            rule.target.keyword()
        )
    } else if text.contains(['*', '?']) {
        format!(
            "drc adds the wildcard itself: write \"{}\"",
            text.trim_end_matches(['*', '?'])
        )
    } else if text.starts_with('/') {
        format!("write \"{}\"", text.trim_start_matches('/'))
    } else {
        "a prefix is the literal start of object keys, like \"daily/\"".to_owned()
    }
}
