//! Lambda runtimes and their lifecycle dates: one table, checked against today's date.
//!
//! Source: AWS Lambda Developer Guide, "Lambda runtimes", supported and deprecated runtime
//! tables: <https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html> (runtime
//! support policy: <https://docs.aws.amazon.com/lambda/latest/dg/runtime-support-policy.html>).
//! The same dates are in cfn-lint's `LmbdRuntimeLifecycle.json` (cfn-lint 1.58.0), which CI
//! runs against drc's output. Dates are `(year, month, day)`.

use jiff::civil::{Date, date};

/// One Lambda runtime identifier and its lifecycle.
#[derive(Debug, PartialEq, Eq)]
pub struct Runtime {
    /// The identifier Lambda takes: `nodejs24.x`.
    pub id: &'static str,
    /// When AWS stops applying security patches.
    pub deprecated: Date,
    /// From this date AWS refuses to create functions with the runtime.
    pub create_blocked: Date,
    /// From this date AWS refuses to update functions with the runtime.
    pub update_blocked: Date,
    /// What to move to.
    pub successor: Option<&'static str>,
}

const fn rt(
    id: &'static str,
    deprecated: (i16, i8, i8),
    create_blocked: (i16, i8, i8),
    update_blocked: (i16, i8, i8),
    successor: Option<&'static str>,
) -> Runtime {
    Runtime {
        id,
        deprecated: date(deprecated.0, deprecated.1, deprecated.2),
        create_blocked: date(create_blocked.0, create_blocked.1, create_blocked.2),
        update_blocked: date(update_blocked.0, update_blocked.1, update_blocked.2),
        successor,
    }
}

/// Every runtime drc knows, newest families first.
pub static RUNTIMES: &[Runtime] = &[
    rt(
        "nodejs24.x",
        (2028, 4, 30),
        (2028, 6, 1),
        (2028, 7, 1),
        None,
    ),
    rt(
        "nodejs22.x",
        (2027, 4, 30),
        (2027, 6, 1),
        (2027, 7, 1),
        Some("nodejs24.x"),
    ),
    rt(
        "nodejs20.x",
        (2026, 4, 30),
        (2027, 2, 1),
        (2027, 3, 3),
        Some("nodejs24.x"),
    ),
    rt(
        "nodejs18.x",
        (2025, 9, 1),
        (2027, 2, 1),
        (2027, 3, 3),
        Some("nodejs24.x"),
    ),
    rt(
        "nodejs16.x",
        (2024, 6, 12),
        (2027, 2, 1),
        (2027, 3, 3),
        Some("nodejs24.x"),
    ),
    rt(
        "nodejs14.x",
        (2023, 12, 4),
        (2024, 1, 9),
        (2027, 3, 3),
        Some("nodejs24.x"),
    ),
    rt(
        "nodejs12.x",
        (2023, 3, 31),
        (2023, 3, 31),
        (2023, 4, 30),
        Some("nodejs24.x"),
    ),
    rt(
        "nodejs10.x",
        (2021, 7, 30),
        (2021, 7, 30),
        (2022, 2, 14),
        Some("nodejs24.x"),
    ),
    rt(
        "python3.14",
        (2029, 6, 30),
        (2029, 7, 31),
        (2029, 8, 31),
        None,
    ),
    rt(
        "python3.13",
        (2029, 6, 30),
        (2029, 7, 31),
        (2029, 8, 31),
        Some("python3.14"),
    ),
    rt(
        "python3.12",
        (2028, 10, 31),
        (2028, 11, 30),
        (2029, 1, 10),
        Some("python3.14"),
    ),
    rt(
        "python3.11",
        (2027, 6, 30),
        (2027, 7, 31),
        (2027, 8, 31),
        Some("python3.14"),
    ),
    rt(
        "python3.10",
        (2026, 10, 31),
        (2027, 2, 1),
        (2027, 3, 3),
        Some("python3.14"),
    ),
    rt(
        "python3.9",
        (2025, 12, 15),
        (2027, 2, 1),
        (2027, 3, 3),
        Some("python3.14"),
    ),
    rt(
        "python3.8",
        (2024, 10, 14),
        (2027, 2, 1),
        (2027, 3, 3),
        Some("python3.14"),
    ),
    rt(
        "python3.7",
        (2023, 12, 4),
        (2024, 1, 9),
        (2027, 3, 3),
        Some("python3.14"),
    ),
    rt(
        "python2.7",
        (2021, 7, 15),
        (2021, 7, 15),
        (2022, 5, 30),
        Some("python3.14"),
    ),
    rt("java25", (2029, 6, 30), (2029, 7, 31), (2029, 8, 31), None),
    rt(
        "java21",
        (2029, 6, 30),
        (2029, 7, 31),
        (2029, 8, 31),
        Some("java25"),
    ),
    rt(
        "java17",
        (2027, 6, 30),
        (2027, 7, 31),
        (2027, 8, 31),
        Some("java25"),
    ),
    rt(
        "java11",
        (2027, 6, 30),
        (2027, 7, 31),
        (2027, 8, 31),
        Some("java25"),
    ),
    rt(
        "java8.al2",
        (2027, 6, 30),
        (2027, 7, 31),
        (2027, 8, 31),
        Some("java25"),
    ),
    rt(
        "java8",
        (2024, 1, 8),
        (2024, 2, 8),
        (2027, 3, 3),
        Some("java25"),
    ),
    rt(
        "dotnet10",
        (2028, 11, 14),
        (2028, 12, 14),
        (2029, 1, 15),
        None,
    ),
    rt(
        "dotnet8",
        (2026, 11, 10),
        (2027, 2, 1),
        (2027, 3, 3),
        Some("dotnet10"),
    ),
    rt(
        "dotnet6",
        (2024, 12, 20),
        (2027, 2, 1),
        (2027, 3, 3),
        Some("dotnet10"),
    ),
    rt("ruby4.0", (2029, 3, 31), (2029, 4, 30), (2029, 5, 31), None),
    rt(
        "ruby3.4",
        (2028, 3, 31),
        (2028, 4, 30),
        (2028, 5, 31),
        Some("ruby4.0"),
    ),
    rt(
        "ruby3.3",
        (2027, 3, 31),
        (2027, 4, 30),
        (2027, 5, 31),
        Some("ruby4.0"),
    ),
    rt(
        "ruby3.2",
        (2026, 3, 31),
        (2027, 2, 1),
        (2027, 3, 3),
        Some("ruby4.0"),
    ),
    rt(
        "provided.al2023",
        (2029, 6, 30),
        (2029, 7, 31),
        (2029, 8, 31),
        None,
    ),
    rt(
        "provided.al2",
        (2026, 7, 31),
        (2027, 2, 1),
        (2027, 3, 3),
        Some("provided.al2023"),
    ),
    rt(
        "provided",
        (2024, 1, 8),
        (2024, 2, 8),
        (2027, 3, 3),
        Some("provided.al2023"),
    ),
    rt(
        "go1.x",
        (2024, 1, 8),
        (2024, 2, 8),
        (2027, 3, 3),
        Some("provided.al2023"),
    ),
];

/// How far ahead a coming deprecation is reported.
pub const DEPRECATION_NOTICE_MONTHS: i8 = 6;

/// Looks a runtime up by identifier.
pub fn find(id: &str) -> Option<&'static Runtime> {
    RUNTIMES.iter().find(|r| r.id == id)
}

/// Where a runtime stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Supported, and not deprecated within the notice period.
    Supported,
    /// Deprecated already, or deprecated within the notice period, but still accepted.
    Deprecating,
    /// AWS refuses to create functions with it.
    Blocked,
}

impl Runtime {
    /// The runtime's status on `today`.
    pub fn status(&self, today: Date) -> Status {
        let notice = today
            .checked_add(jiff::Span::new().months(DEPRECATION_NOTICE_MONTHS))
            .unwrap_or(Date::MAX);
        if today >= self.create_blocked {
            Status::Blocked
        } else if notice >= self.deprecated {
            Status::Deprecating
        } else {
            Status::Supported
        }
    }

    /// The language family: `nodejs`, `python`, ...; runtimes are suggested within a family.
    pub fn family(&self) -> &'static str {
        let end = self
            .id
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(self.id.len());
        &self.id[..end]
    }
}
