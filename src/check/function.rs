//! `function name { ... }`: runtime, handler, code, memory, timeout, architecture, log
//! retention, alarms and what happens on failure; and the `existing = "..."` form of a function
//! outside the stack. Its env and verbs have rooms of their own (`env.rs`, `verbs.rs`).

use super::body::Body;
use super::checker::Checker;
use super::limits;
use super::model::{
    ACCOUNT, Destination, ExistingFunction, Failure, Function, Kind, PARTITION, REGION, Verb,
};
use super::runtimes;
use super::verbs::CheckedVerb;
use super::words::list;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{Ident, ValueKind};

pub(super) const ARCHITECTURES: &[&str] = &["arm64", "x86_64"];
/// Other names of Lambda's two architectures, and the name Lambda uses.
pub(super) const ARCHITECTURE_ALIASES: &[(&str, &str)] = &[
    ("arm", "arm64"),
    ("aarch64", "arm64"),
    ("graviton", "arm64"),
    ("x86", "x86_64"),
    ("x64", "x86_64"),
    ("amd64", "x86_64"),
    ("intel", "x86_64"),
];
pub(super) const DEFAULT_MEMORY_MB: u32 = 128;
pub(super) const DEFAULT_TIMEOUT_S: u32 = 3;
pub(super) const DEFAULT_LOG_RETENTION_DAYS: u32 = 365;
impl<'a> Checker<'a> {
    /// Checks a `function` item: the function, and its verbs, to be turned into accesses
    /// once every name is declared.
    pub(super) fn function(
        &mut self,
        name: &'a Ident,
        body: &Body<'a>,
    ) -> (Function, Vec<CheckedVerb<'a>>) {
        let runtime = self.runtime(body);
        let handler = self.handler(body);
        let (code, code_span) = self.code_directory(name, body);
        let memory_mb = self.memory(body);
        let timeout_s = self.timeout(body);
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
        let reserved_concurrency = self.reserved_concurrency(body);
        let ephemeral_storage_mb = self.ephemeral_storage(body);
        let failure = self.failure(body);
        let verbs = self.function_verbs(body);

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

    /// `handler = "index.handler"`: within Lambda's length, without white space (E0304).
    fn handler(&mut self, body: &Body<'a>) -> String {
        self.string(body, "handler").map_or_else(String::new, |(text, span)| {
            self.check_length(&text, span, limits::LAMBDA_HANDLER, "a handler");
            if text.chars().any(char::is_whitespace) {
                self.error(
                    Diagnostic::new(Code::E0304, "a handler cannot contain spaces", span, "contains white space")
                        .with_help("handlers look like `index.handler` (file name, then exported function)"),
                );
            }
            text
        })
    }

    /// `code = "dir"`: the directory and its span (the function's name when there is none;
    /// E0405 when it is empty).
    fn code_directory(&mut self, name: &Ident, body: &Body<'a>) -> (String, Span) {
        self.string(body, "code").map_or_else(
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
        )
    }

    /// `memory = 256MB`, within Lambda's limits; the default when absent or out of range.
    fn memory(&mut self, body: &Body<'a>) -> u32 {
        self.size(body, "memory")
            .map_or(DEFAULT_MEMORY_MB, |(mb, span)| {
                self.in_range(mb, span, limits::LAMBDA_MEMORY_MB, "MB", "memory")
                    .map_or(DEFAULT_MEMORY_MB, |v| {
                        u32::try_from(v).expect("limit fits in u32")
                    })
            })
    }

    /// `timeout = 30s`, within Lambda's limits; the default when absent or out of range.
    fn timeout(&mut self, body: &Body<'a>) -> u32 {
        self.duration(body, "timeout")
            .map_or(DEFAULT_TIMEOUT_S, |(s, span)| {
                self.in_range(s, span, limits::LAMBDA_TIMEOUT_S, "seconds", "timeout")
                    .map_or(DEFAULT_TIMEOUT_S, |v| {
                        u32::try_from(v).expect("limit fits in u32")
                    })
            })
    }

    /// `reserved_concurrency = 10`, within Lambda's limits.
    fn reserved_concurrency(&mut self, body: &Body<'a>) -> Option<u32> {
        self.integer(body, "reserved_concurrency")
            .and_then(|(n, span)| {
                self.in_range(
                    n,
                    span,
                    limits::LAMBDA_RESERVED_CONCURRENCY,
                    "concurrent executions",
                    "reserved_concurrency",
                )
            })
            .map(|n| u32::try_from(n).expect("limit fits in u32"))
    }

    /// `ephemeral_storage = 1GB`, within Lambda's limits.
    fn ephemeral_storage(&mut self, body: &Body<'a>) -> Option<u32> {
        self.size(body, "ephemeral_storage")
            .and_then(|(mb, span)| {
                self.in_range(
                    mb,
                    span,
                    limits::LAMBDA_EPHEMERAL_MB,
                    "MB",
                    "ephemeral_storage",
                )
            })
            .map(|n| u32::try_from(n).expect("limit fits in u32"))
    }

    /// The function's verbs that drc knows (E0207 for the others), each with its checked
    /// prefix.
    fn function_verbs(&mut self, body: &Body<'a>) -> Vec<CheckedVerb<'a>> {
        let mut verbs = Vec::new();
        for verb in &body.verbs {
            let Some(declared) = Verb::from_keyword(&verb.verb.text) else {
                let keywords = Verb::all().map(Verb::keyword);
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
                .and_then(|(text, span)| self.prefix(declared, text, *span));
            verbs.push((*verb, declared, prefix));
        }
        verbs
    }

    /// `architecture = arm64 | x86_64`; other common names of the two get their Lambda name.
    pub(super) fn architecture(&mut self, body: &Body<'a>) -> Option<&'static str> {
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
    pub(super) fn failure(&mut self, body: &Body<'a>) -> Failure {
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
    pub(super) fn existing_function(
        &mut self,
        name: &Ident,
        body: &Body<'a>,
    ) -> Option<ExistingFunction> {
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
            format!("arn:{PARTITION}:lambda:{REGION}:{ACCOUNT}:function:{text}")
        };
        Some(ExistingFunction {
            name: name.text.clone(),
            span: name.span,
            arn,
        })
    }

    pub(super) fn runtime(&mut self, body: &Body<'a>) -> Option<&'static runtimes::Runtime> {
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

    pub(super) fn log_retention(&mut self, body: &Body<'a>) -> u32 {
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
}
