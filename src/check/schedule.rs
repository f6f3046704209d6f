//! `schedule name { ... }`: `every` or `cron`, time zone, flexible window, retries, payload and
//! the function it invokes.

use super::body::Body;
use super::checker::Checker;
use super::cron;
use super::limits;
use super::model::{Kind, Program, Schedule, ScheduleExpression};
use super::words::{describe, value_text};
use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::source::Span;
use crate::syntax::ast::{Block, Entry, Ident, Nested, ValueKind};
use std::collections::BTreeMap;

impl<'a> Checker<'a> {
    /// Checks a `schedule` item. `None` when it names no function to invoke; a schedule
    /// whose timing failed to check is kept, so that its target is still checked.
    pub(super) fn schedule(&mut self, name: &Ident, body: &Body<'a>) -> Option<Schedule> {
        let expression = self.schedule_expression(name, body);
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
        let target = self.schedule_target(body);
        let timezone = self.timezone(body, expression.as_ref());
        let payload = body
            .blocks
            .get("payload")
            .map(|nested| self.payload(nested));
        let flexible_window_minutes = self.flexible_window(body);
        let (retries, max_event_age_s) = self.retry_policy(body);
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
            expression_span: body
                .attributes
                .get("cron")
                .or_else(|| body.attributes.get("every"))
                .map(|a| a.value.span),
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

    /// When a schedule runs: `every` or `cron`, exactly one of them (E0310).
    fn schedule_expression(&mut self, name: &Ident, body: &Body<'a>) -> Option<ScheduleExpression> {
        let every = body.attributes.get("every");
        let cron = body.attributes.get("cron");
        match (every, cron) {
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
            (Some(_), None) => self.rate_expression(body),
            (None, Some(_)) => self.cron_expression(body),
        }
    }

    /// `every = 1h`: a rate in whole minutes (E0303), within the limits.
    fn rate_expression(&mut self, body: &Body<'a>) -> Option<ScheduleExpression> {
        self.duration(body, "every").and_then(|(seconds, span)| {
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
        })
    }

    /// `cron = "0 3 * * ? *"`: six AWS cron fields (E0305 when malformed).
    fn cron_expression(&mut self, body: &Body<'a>) -> Option<ScheduleExpression> {
        self.string(body, "cron").and_then(|(text, span)| {
            let fields = text.trim().to_owned();
            match cron::validate(&fields) {
                Ok(()) => Some(ScheduleExpression::Cron(fields)),
                Err(why) => {
                    self.error(
                        Diagnostic::new(Code::E0305, "malformed cron expression", span, why)
                            .with_note(
                                "AWS cron: minutes hours day-of-month month day-of-week year",
                            )
                            .with_help("for 03:00 UTC every day write `cron = \"0 3 * * ? *\"`"),
                    );
                    None
                }
            }
        })
    }

    /// `invoke = name`: the function's name and span (checked against the names in pass 3).
    fn schedule_target(&mut self, body: &Body<'a>) -> Option<(String, Span)> {
        body.attributes
            .get("invoke")
            .and_then(|attribute| match &attribute.value.kind {
                ValueKind::Word(w) => Some((w.clone(), attribute.value.span)),
                other => {
                    self.wrong_type(&attribute.value, other, "the name of a function");
                    None
                }
            })
    }

    /// `flexible_window = 15m`: whole minutes, within the limits.
    fn flexible_window(&mut self, body: &Body<'a>) -> Option<u64> {
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
            })
    }

    /// `retries` and `max_event_age` (in seconds), each within its limits; W0402 when
    /// `max_event_age` is set with `retries = 0`.
    fn retry_policy(&mut self, body: &Body<'a>) -> (Option<u64>, Option<u64>) {
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
        (retries, max_event_age_s)
    }

    /// `timezone = "Europe/Paris"`: an exact IANA name from the bundled time zone database.
    pub(super) fn timezone(
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
    pub(super) fn payload(&mut self, nested: &'a Nested) -> String {
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

    pub(super) fn json_object(
        &mut self,
        block: &'a Block,
    ) -> serde_json::Map<String, serde_json::Value> {
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

    /// A schedule's target must be a function drc manages, so it can be given permission to
    /// be invoked.
    pub(super) fn check_schedule_target(&mut self, schedule: &Schedule) {
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
    pub(super) fn warn_unreported_failure(&mut self, schedule: &Schedule, program: &Program) {
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
                "add `alarm = <topic>` to function `{}` to be notified of errors, and `on_failure = <queue>` beside it to keep failed events",
                function.name
            )),
        );
    }

    /// W0302: a scheduled function whose failed events are kept only in queues, with no
    /// `alarm`. drc alarms on the function's errors, its `on_failure` queue and its
    /// schedule's dead-letter queue only to the function's `alarm` topic, so without one the
    /// events wait where nobody looks. A topic as `on_failure` or `dead_letter` tells its
    /// subscribers; a function with no failure handling at all is W0301's.
    pub(super) fn warn_unwatched_failure_queue(&mut self, schedule: &Schedule, program: &Program) {
        let function = program.function(&schedule.target);
        let failure = &function.failure;
        let kept: Vec<_> = [&failure.on_failure, &failure.dead_letter]
            .into_iter()
            .flatten()
            .collect();
        if failure.alarm.is_some() || kept.is_empty() || kept.iter().any(|d| d.kind == Kind::Topic)
        {
            return;
        }
        let mut diagnostic = Diagnostic::new(
            Code::W0302,
            format!(
                "schedule `{}` invokes `{}`, whose failed events are kept but nobody is told",
                schedule.name, function.name
            ),
            schedule.target_span,
            "a failed run here waits in a queue, unnoticed",
        );
        for queue in &kept {
            diagnostic = diagnostic.with_label(
                queue.span,
                format!("kept in queue `{}`, which nothing alarms on", queue.target),
            );
        }
        let also = failure
            .on_failure
            .as_ref()
            .map(|queue| format!(", and so does an event waiting in `{}`", queue.target))
            .unwrap_or_default();
        self.error(
            diagnostic
                .with_note("drc alarms on a function's errors, its `on_failure` queue and its schedule's dead-letter queue only when the function has an `alarm` topic")
                .with_help(format!(
                    "add `alarm = <topic>` to function `{}`: each of its errors then notifies the topic{also}",
                    function.name
                )),
        );
    }
}
