//! EventBridge cron expressions: six fields, and one of day-of-month and day-of-week is `?`.
//!
//! ```text
//! cron = "0 3 * * ? *"    # 03:00 UTC every day
//! ```
//!
//! Source: <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html#eb-cron-expressions>

/// One field of a cron expression.
struct Field {
    name: &'static str,
    min: u32,
    max: u32,
    /// Names accepted instead of numbers (`JAN`, `MON`), numbered from `min`.
    names: &'static [&'static str],
    /// Special characters beyond `, - * /`.
    special: &'static str,
}

const FIELDS: [Field; 6] = [
    Field {
        name: "minutes",
        min: 0,
        max: 59,
        names: &[],
        special: "",
    },
    Field {
        name: "hours",
        min: 0,
        max: 23,
        names: &[],
        special: "",
    },
    Field {
        name: "day-of-month",
        min: 1,
        max: 31,
        names: &[],
        special: "?LW",
    },
    Field {
        name: "month",
        min: 1,
        max: 12,
        names: &[
            "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
        ],
        special: "",
    },
    Field {
        name: "day-of-week",
        min: 1,
        max: 7,
        names: &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
        special: "?L#",
    },
    Field {
        name: "year",
        min: 1970,
        max: 2199,
        names: &[],
        special: "",
    },
];

/// Checks a cron expression (the part inside `cron(...)`). The error says what is wrong in
/// words a user can act on.
pub fn validate(expression: &str) -> Result<(), String> {
    let parts: Vec<&str> = expression.split_whitespace().collect();
    if parts.len() != 6 {
        return Err(format!(
            "AWS cron expressions have 6 fields (minutes hours day-of-month month day-of-week year), this one has {}",
            parts.len()
        ));
    }
    for (part, field) in parts.iter().zip(&FIELDS) {
        validate_field(part, field)?;
    }
    match (parts[2] == "?", parts[4] == "?") {
        (true, true) => Err("only one of day-of-month and day-of-week can be `?`".to_owned()),
        (false, false) => {
            Err("one of day-of-month and day-of-week must be `?`: AWS cannot take both".to_owned())
        }
        _ => Ok(()),
    }
}

fn validate_field(text: &str, field: &Field) -> Result<(), String> {
    if text == "?" {
        return if field.special.contains('?') {
            Ok(())
        } else {
            Err(format!(
                "`?` is allowed only in day-of-month and day-of-week, not in {}",
                field.name
            ))
        };
    }
    for item in text.split(',') {
        validate_item(item, field)
            .map_err(|why| format!("{} field `{text}`: {why}", field.name))?;
    }
    Ok(())
}

fn validate_item(item: &str, field: &Field) -> Result<(), String> {
    if item.is_empty() {
        return Err("empty list entry".to_owned());
    }
    let (range, step) = match item.split_once('/') {
        Some((range, step)) => (range, Some(step)),
        None => (item, None),
    };
    if let Some(step) = step {
        let n: u32 = step
            .parse()
            .map_err(|_| format!("`{step}` is not a step number"))?;
        if n == 0 || n > field.max {
            return Err(format!("step `{n}` is out of range"));
        }
    }
    if range == "*" {
        return Ok(());
    }
    if field.special.contains('L')
        && (range == "L" || range == "LW")
        && (range != "LW" || field.special.contains('W'))
    {
        return Ok(());
    }
    if field.special.contains('W') && step.is_none() {
        if let Some(day) = range.strip_suffix('W') {
            return value(day, field).map(drop);
        }
    }
    if field.special.contains('#') && step.is_none() {
        if let Some((day, nth)) = range.split_once('#') {
            value(day, field)?;
            return match nth.parse::<u32>() {
                Ok(1..=5) => Ok(()),
                _ => Err(format!(
                    "`#{nth}` must be 1 to 5 (the nth weekday of the month)"
                )),
            };
        }
        if let Some(day) = range.strip_suffix('L') {
            return value(day, field).map(drop);
        }
    }
    match range.split_once('-') {
        Some((low, high)) => {
            let (low, high) = (value(low, field)?, value(high, field)?);
            if low > high {
                return Err(format!("range `{range}` goes backwards"));
            }
            Ok(())
        }
        None => value(range, field).map(drop),
    }
}

fn value(text: &str, field: &Field) -> Result<u32, String> {
    let upper = text.to_ascii_uppercase();
    if let Some(i) = field.names.iter().position(|n| *n == upper) {
        return Ok(field.min + u32::try_from(i).expect("at most 12 names"));
    }
    let n: u32 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a valid {} value", field.name))?;
    if (field.min..=field.max).contains(&n) {
        Ok(n)
    } else {
        Err(format!("`{n}` is outside {}..{}", field.min, field.max))
    }
}

/// A validated cron expression, expanded: the local times of day it fires at and a test for
/// the days it fires on. Day-of-week numbers are AWS's: 1 is Sunday.
pub struct Cron {
    minutes: Vec<u32>,
    hours: Vec<u32>,
    day_of_month: Vec<String>,
    months: Vec<u32>,
    day_of_week: Vec<String>,
    years: Vec<u32>,
}

impl Cron {
    /// Expands an expression that [`validate`] accepted.
    pub fn parse(expression: &str) -> Cron {
        let parts: Vec<&str> = expression.split_whitespace().collect();
        let items = |i: usize| parts[i].split(',').map(str::to_owned).collect();
        Cron {
            minutes: expand(parts[0], &FIELDS[0]),
            hours: expand(parts[1], &FIELDS[1]),
            day_of_month: items(2),
            months: expand(parts[3], &FIELDS[3]),
            day_of_week: items(4),
            years: expand(parts[5], &FIELDS[5]),
        }
    }

    /// The local times of day it fires at, in order.
    pub fn times(&self) -> Vec<jiff::civil::Time> {
        let mut times = Vec::new();
        for &h in &self.hours {
            for &m in &self.minutes {
                let (h, m) = (i8::try_from(h), i8::try_from(m));
                times.push(jiff::civil::time(
                    h.expect("hours are 0..23"),
                    m.expect("minutes are 0..59"),
                    0,
                    0,
                ));
            }
        }
        times.sort();
        times
    }

    /// Whether it fires on a local date.
    pub fn fires_on(&self, date: jiff::civil::Date) -> bool {
        let year = u32::try_from(date.year()).unwrap_or(0);
        let month = u32::try_from(date.month()).unwrap_or(0);
        if !self.years.contains(&year) || !self.months.contains(&month) {
            return false;
        }
        if self.day_of_month.iter().all(|d| d == "?") {
            self.day_of_week.iter().any(|d| week_day_matches(d, date))
        } else {
            self.day_of_month.iter().any(|d| month_day_matches(d, date))
        }
    }
}

/// The values of a field without special characters (`*`, lists, ranges, steps).
fn expand(text: &str, field: &Field) -> Vec<u32> {
    let mut values = Vec::new();
    for item in text.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((range, step)) => (range, step.parse().unwrap_or(1)),
            None => (item, 1),
        };
        let (low, high) = match range.split_once('-') {
            _ if range == "*" => (field.min, field.max),
            Some((low, high)) => (
                value(low, field).unwrap_or(field.min),
                value(high, field).unwrap_or(field.max),
            ),
            None => {
                let low = value(range, field).unwrap_or(field.min);
                (low, if item.contains('/') { field.max } else { low })
            }
        };
        values.extend((low..=high).step_by(usize::try_from(step).unwrap_or(1)));
    }
    values.sort_unstable();
    values.dedup();
    values
}

fn month_day_matches(item: &str, date: jiff::civil::Date) -> bool {
    let day = u32::try_from(date.day()).unwrap_or(0);
    let last = date.last_of_month();
    match item {
        "*" => true,
        "L" => date == last,
        "LW" => date == nearest_weekday(last),
        _ => match item.strip_suffix('W') {
            Some(n) => n.parse::<i8>().ok().is_some_and(|n| {
                let n = n.min(last.day());
                date == nearest_weekday(date.with().day(n).build().unwrap_or(date))
            }),
            None => expand(item, &FIELDS[2]).contains(&day),
        },
    }
}

/// The weekday nearest to a date within its month (`15W`, `LW`).
fn nearest_weekday(date: jiff::civil::Date) -> jiff::civil::Date {
    use jiff::civil::Weekday::{Saturday, Sunday};
    let shift = |days: i64| {
        date.checked_add(jiff::Span::new().days(days))
            .unwrap_or(date)
    };
    match date.weekday() {
        Saturday if date.day() == 1 => shift(2),
        Saturday => shift(-1),
        Sunday if date == date.last_of_month() => shift(-2),
        Sunday => shift(1),
        _ => date,
    }
}

fn week_day_matches(item: &str, date: jiff::civil::Date) -> bool {
    let weekday = u32::try_from(date.weekday().to_sunday_one_offset()).unwrap_or(0);
    let field = &FIELDS[4];
    let nth = (date.day() - 1) / 7 + 1;
    if item == "L" {
        return weekday == 7;
    }
    if let Some((day, n)) = item.split_once('#') {
        return value(day, field) == Ok(weekday) && n.parse::<i8>() == Ok(nth);
    }
    if let Some(day) = item.strip_suffix('L') {
        return value(day, field) == Ok(weekday) && date.day() + 7 > date.days_in_month();
    }
    expand(item, field).contains(&weekday)
}

#[cfg(test)]
mod tests {
    use super::{Cron, validate};
    use jiff::civil::date;

    #[test]
    fn accepts_aws_examples() {
        for ok in [
            "0 3 * * ? *",
            "0 10 * * ? *",
            "15 12 * * ? *",
            "0 18 ? * MON-FRI *",
            "0 8 1 * ? *",
            "0/15 * * * ? *",
            "0/10 * ? * MON-FRI *",
            "0/5 8-17 ? * MON-FRI *",
            "0 9 ? * 2#1 *",
            "0 0 L * ? *",
            "0 0 LW * ? *",
            "0 0 15W * ? *",
            "0 0 ? * 6L 2030",
        ] {
            assert_eq!(validate(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn rejects_with_reasons() {
        for (bad, why) in [
            ("0 3 * * *", "6 fields"),
            ("0 3 * * * *", "must be `?`"),
            ("0 3 ? * ? *", "only one"),
            ("60 3 * * ? *", "outside 0..59"),
            ("0 24 * * ? *", "outside 0..23"),
            ("0 3 * FOO ? *", "not a valid month"),
            ("0 3 ? * MON#6 *", "1 to 5"),
            ("0 3 * * ? 1969", "outside 1970..2199"),
            ("? 3 * * ? *", "only in day-of-month"),
            ("0 5-2 * * ? *", "backwards"),
            ("0/0 3 * * ? *", "out of range"),
        ] {
            let error = validate(bad).expect_err(bad);
            assert!(error.contains(why), "{bad}: {error}");
        }
    }

    #[test]
    fn expands_times_and_days() {
        let cron = Cron::parse("0/30 1,13 ? * MON-FRI *");
        assert_eq!(cron.times().len(), 4);
        assert!(cron.fires_on(date(2027, 3, 29)));
        assert!(!cron.fires_on(date(2027, 3, 28)));
        let last = Cron::parse("0 0 L * ? *");
        assert!(last.fires_on(date(2027, 2, 28)));
        assert!(!last.fires_on(date(2027, 2, 27)));
        let second_monday = Cron::parse("0 9 ? * 2#2 *");
        assert!(second_monday.fires_on(date(2027, 3, 8)));
        assert!(!second_monday.fires_on(date(2027, 3, 1)));
        let weekday = Cron::parse("0 0 1W * ? *");
        assert!(weekday.fires_on(date(2027, 5, 3)));
        assert!(!Cron::parse("0 0 * * ? 2030").fires_on(date(2027, 5, 3)));
    }
}
