//! A checked schedule and its expression.

use super::text::Text;
use super::vocabulary::Tags;
use crate::source::Span;

/// `schedule name { ... }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// The `.dr` name.
    pub name: String,
    /// The name's span.
    pub span: Span,
    /// When it fires.
    pub expression: ScheduleExpression,
    /// Where the `every` or `cron` value is written.
    pub expression_span: Option<Span>,
    /// The function it invokes.
    pub target: String,
    /// Where `invoke = ...` is written.
    pub target_span: Span,
    /// `enabled = false` creates the schedule disabled.
    pub enabled: bool,
    /// `description = "..."`
    pub description: Option<Text>,
    /// `timezone = "Europe/Paris"`: an IANA name the expression is evaluated in (UTC if
    /// absent).
    pub timezone: Option<String>,
    /// `payload { ... }` as compact JSON text, keys in source order.
    pub payload: Option<String>,
    /// `flexible_window = 15m`, in minutes: the schedule may fire up to this late.
    pub flexible_window_minutes: Option<u32>,
    /// `retries = 3`: retry attempts after a failed invocation (AWS default if absent).
    pub retries: Option<u32>,
    /// `max_event_age = 1h`, in seconds: give up retrying after this long.
    pub max_event_age_s: Option<u32>,
    /// `tags { ... }`: tags of the schedule's role (see [`Program::tags`](super::Program::tags)).
    pub tags: Tags,
}

/// When a schedule fires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleExpression {
    /// `every = 24h`, as a whole number of minutes (at least 1).
    Rate {
        /// Minutes between runs.
        minutes: u64,
    },
    /// `cron = "0 3 * * ? *"`, validated against AWS's six-field syntax.
    Cron(String),
}

impl ScheduleExpression {
    /// The EventBridge schedule expression: `rate(1 day)`, `cron(0 3 * * ? *)`.
    pub fn to_aws(&self) -> String {
        match self {
            ScheduleExpression::Rate { minutes } => {
                let (n, unit) = if minutes % (24 * 60) == 0 {
                    (minutes / (24 * 60), "day")
                } else if minutes % 60 == 0 {
                    (minutes / 60, "hour")
                } else {
                    (*minutes, "minute")
                };
                let plural = if n == 1 { "" } else { "s" };
                format!("rate({n} {unit}{plural})")
            }
            ScheduleExpression::Cron(fields) => format!("cron({fields})"),
        }
    }
}
