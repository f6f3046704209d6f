//! A cron schedule's runs in its time zone, as EventBridge Scheduler makes them: a run whose
//! local time falls in a daylight saving gap is skipped, one in the overlap runs twice
//! (<https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst>).
//!
//! ```text
//! schedule nightly { cron = "0 2 * * ? *"  timezone = "Europe/Paris" }
//! // W0403: 02:00 does not exist on 2027-03-28, and happens twice on 2027-10-31
//! ```
//!
//! The transitions come from jiff's bundled time zone database; [`HORIZON_YEARS`] bounds
//! how far ahead they are looked at.

use super::cron::Cron;
use super::model::{Program, Schedule, ScheduleExpression};
use crate::diagnostics::{Code, Diagnostic};
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Timestamp};

/// How many years ahead of today transitions and runs are looked at.
pub const HORIZON_YEARS: i16 = 5;

/// A daylight saving change of a time zone: local times in `[from, to)` on `date` either do
/// not exist (`gap`) or exist twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shift {
    /// The local date of the change.
    pub date: Date,
    /// The first local time affected.
    pub from: Time,
    /// The first local time no longer affected.
    pub to: Time,
    /// Clocks go forward: the times do not exist.
    pub gap: bool,
}

/// The time zone a schedule runs in (UTC if it names none or an unknown one).
pub fn zone(schedule: &Schedule) -> TimeZone {
    schedule
        .timezone
        .as_deref()
        .and_then(|name| jiff::tz::db().get(name).ok())
        .unwrap_or(TimeZone::UTC)
}

/// The daylight saving changes of a zone from `today` on, for [`HORIZON_YEARS`].
pub fn shifts(tz: &TimeZone, today: Date) -> Vec<Shift> {
    let start = start_of(tz, today);
    let end = start_of(tz, horizon(today));
    let mut shifts = Vec::new();
    for transition in tz.following(start) {
        let at = transition.timestamp();
        if at >= end {
            break;
        }
        let before = tz.to_offset(at - SignedDuration::from_secs(1));
        let after = transition.offset();
        if before == after {
            continue;
        }
        let old = before.to_datetime(at);
        let new = after.to_datetime(at);
        let (from, to) = if new > old { (old, new) } else { (new, old) };
        shifts.push(Shift {
            date: from.date(),
            from: from.time(),
            to: to.time(),
            gap: new > old,
        });
    }
    shifts
}

/// A daylight saving change a cron fires in, and the local time it fires at.
pub type Hit = (Shift, Time);

/// The first gap and the first overlap in which a cron fires, from `today` on.
pub fn hits(cron: &Cron, tz: &TimeZone, today: Date) -> (Option<Hit>, Option<Hit>) {
    let times = cron.times();
    let (mut gap, mut overlap) = (None, None);
    for shift in shifts(tz, today) {
        let slot = if shift.gap { &mut gap } else { &mut overlap };
        if slot.is_some() || !cron.fires_on(shift.date) {
            continue;
        }
        if let Some(&time) = times.iter().find(|t| **t >= shift.from && **t < shift.to) {
            *slot = Some((shift, time));
        }
    }
    (gap, overlap)
}

/// The instants a cron runs at in its zone from `today` on, for [`HORIZON_YEARS`]: skipped
/// in a gap, twice in an overlap.
pub fn runs(cron: &Cron, tz: &TimeZone, today: Date) -> Vec<Timestamp> {
    let times = cron.times();
    let mut runs = Vec::new();
    let end = horizon(today);
    let mut date = today;
    while date < end {
        if cron.fires_on(date) {
            for &time in &times {
                let local = DateTime::from_parts(date, time);
                match tz.to_ambiguous_timestamp(local).offset() {
                    AmbiguousOffset::Unambiguous { offset } => {
                        runs.extend(offset.to_timestamp(local).ok());
                    }
                    AmbiguousOffset::Gap { .. } => {}
                    AmbiguousOffset::Fold { before, after } => {
                        runs.extend(before.to_timestamp(local).ok());
                        runs.extend(after.to_timestamp(local).ok());
                    }
                }
            }
        }
        date = date.tomorrow().unwrap_or(end);
    }
    runs
}

/// The longest time between two consecutive runs from `today` on, with the run that ends
/// it (the first such, when several are as long); `None` when the schedule runs fewer than
/// twice.
pub fn longest_gap(runs: &[Timestamp]) -> Option<(SignedDuration, Timestamp)> {
    runs.windows(2)
        .rev()
        .map(|pair| (pair[1].duration_since(pair[0]), pair[1]))
        .max_by_key(|(gap, _)| *gap)
}

fn horizon(today: Date) -> Date {
    today
        .checked_add(jiff::Span::new().years(HORIZON_YEARS))
        .unwrap_or(today)
}

fn start_of(tz: &TimeZone, date: Date) -> Timestamp {
    tz.to_timestamp(date.to_datetime(Time::midnight()))
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

/// W0403: a cron time that falls in a daylight saving gap or overlap of its time zone.
pub fn warnings(program: &Program, today: Date) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for schedule in program.schedules() {
        let (ScheduleExpression::Cron(expression), Some(name), Some(span)) = (
            &schedule.expression,
            &schedule.timezone,
            schedule.expression_span,
        ) else {
            continue;
        };
        let cron = Cron::parse(expression);
        let (gap, overlap) = hits(&cron, &zone(schedule), today);
        let Some((shift, time)) = gap.or(overlap) else {
            continue;
        };
        let hm = |t: Time| t.strftime("%H:%M").to_string();
        let mut d = Diagnostic::new(
            Code::W0403,
            format!(
                "schedule `{}` runs at {} in `{name}`, a time that daylight saving changes",
                schedule.name,
                hm(time)
            ),
            span,
            format!(
                "{} to {} is skipped or doubled when clocks change",
                hm(shift.from),
                hm(shift.to)
            ),
        );
        if let Some((shift, time)) = gap {
            d = d.with_note(format!(
                "{} does not exist on {}, when clocks go forward: EventBridge Scheduler skips that run, with no error and no retry",
                hm(time),
                shift.date
            ));
        }
        if let Some((shift, time)) = overlap {
            d = d.with_note(format!(
                "{} happens twice on {}, when clocks go back: the schedule runs twice",
                hm(time),
                shift.date
            ));
        }
        warnings.push(d.with_help(format!(
            "run outside {} to {} local time, or write `timezone = \"UTC\"`",
            hm(shift.from),
            hm(shift.to)
        )));
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::{hits, longest_gap, runs};
    use crate::check::cron::Cron;
    use jiff::civil::{date, time};
    use jiff::tz::TimeZone;

    fn paris() -> TimeZone {
        jiff::tz::db().get("Europe/Paris").expect("bundled")
    }

    #[test]
    fn two_in_the_night_in_paris_hits_both_changes() {
        let (gap, overlap) = hits(&Cron::parse("0 2 * * ? *"), &paris(), date(2026, 11, 24));
        assert_eq!(
            gap.map(|(s, t)| (s.date, t)),
            Some((date(2027, 3, 28), time(2, 0, 0, 0)))
        );
        assert_eq!(
            overlap.map(|(s, t)| (s.date, t)),
            Some((date(2027, 10, 31), time(2, 0, 0, 0)))
        );
        let (gap, overlap) = hits(&Cron::parse("0 1 * * ? *"), &paris(), date(2026, 11, 24));
        assert_eq!((gap, overlap), (None, None));
        // A Sunday-free schedule never meets Paris's Sunday changes.
        let weekdays = Cron::parse("0 2 ? * MON-SAT *");
        assert_eq!(hits(&weekdays, &paris(), date(2026, 11, 24)), (None, None));
    }

    #[test]
    fn the_longest_gap_counts_skipped_runs_and_longer_days() {
        let today = date(2026, 11, 24);
        let skipped = runs(&Cron::parse("0 2 * * ? *"), &paris(), today);
        let (gap, _) = longest_gap(&skipped).expect("runs");
        assert_eq!(gap.as_hours(), 47);
        let safe = runs(&Cron::parse("0 1 * * ? *"), &paris(), today);
        assert_eq!(longest_gap(&safe).expect("runs").0.as_hours(), 25);
        let utc = runs(&Cron::parse("0 2 * * ? *"), &TimeZone::UTC, today);
        assert_eq!(longest_gap(&utc).expect("runs").0.as_hours(), 24);
    }
}
