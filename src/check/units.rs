//! Units of durations and sizes, and conversion to the unit each setting uses.
//!
//! ```text
//! timeout = 5m      # duration: s, m, h, d
//! memory  = 256MB   # size: MB, GB (1 GB = 1024 MB, as Lambda counts)
//! ```

/// Duration units and their length in seconds.
const DURATION_UNITS: &[(&str, u64)] = &[("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)];

/// Size units and their size in MB.
const SIZE_UNITS: &[(&str, u64)] = &[("MB", 1), ("GB", 1024)];

/// Whether `unit` is a duration unit.
pub fn is_duration_unit(unit: &str) -> bool {
    DURATION_UNITS.iter().any(|(u, _)| *u == unit)
}

/// Whether `unit` is a size unit.
pub fn is_size_unit(unit: &str) -> bool {
    SIZE_UNITS.iter().any(|(u, _)| *u == unit)
}

/// A duration in seconds, or `None` if the unit is not a duration unit (or it overflows).
pub fn seconds(value: u64, unit: &str) -> Option<u64> {
    DURATION_UNITS
        .iter()
        .find(|(u, _)| *u == unit)
        .and_then(|(_, factor)| value.checked_mul(*factor))
}

/// A size in MB, or `None` if the unit is not a size unit (or it overflows).
pub fn megabytes(value: u64, unit: &str) -> Option<u64> {
    SIZE_UNITS
        .iter()
        .find(|(u, _)| *u == unit)
        .and_then(|(_, factor)| value.checked_mul(*factor))
}

/// All unit spellings of one family, for "did you mean".
pub fn duration_units() -> impl Iterator<Item = &'static str> {
    DURATION_UNITS.iter().map(|(u, _)| *u)
}

/// All size unit spellings, for "did you mean".
pub fn size_units() -> impl Iterator<Item = &'static str> {
    SIZE_UNITS.iter().map(|(u, _)| *u)
}
