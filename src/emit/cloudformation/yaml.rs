//! The YAML writer: a `serde_norway::Value` tree as block-style YAML that every reader reads
//! back the same, whether it resolves YAML 1.1's implicit types (`PyYAML`, so cfn-lint and
//! CloudFormation's own loader) or YAML 1.2's (`ruamel.yaml`, libyaml's users).
//!
//! `serde_norway` alone is not enough: it quotes a string only when YAML 1.2 would read it
//! as another type, so `yes`, `off`, `12:30:45`, `2001-12-14`, `1_000`, `<<` and `=` came
//! out plain and YAML 1.1 read them as a boolean, a sexagesimal number, a date, an integer,
//! a merge key and a value key. Every string here, mapping keys included, goes through one
//! rule, [`scalar`]: plain only when no reader can take it for anything but that string,
//! single-quoted when it is printable on one line, double-quoted with escapes otherwise.
//!
//! ```text
//! MODE = "yes"        =>  MODE: 'yes'
//! at = "12:30:45"     =>  at: '12:30:45'
//! note = "a\tb"       =>  note: "a\tb"
//! ```
//!
//! The layout is libyaml's block style, as `serde_norway` wrote it before: two-space
//! indentation, sequences inside mappings not indented, `{}` and `[]` for empty collections,
//! tags before their value (`!Ref BackupsBucket`).

use serde_norway::Value;
use std::borrow::Cow;
use std::fmt::Write as _;

/// The value as a YAML document (without `---`), ending in a newline.
pub(super) fn write(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Mapping(m) if !m.is_empty() => mapping(&mut out, m, 0),
        Value::Sequence(items) if !items.is_empty() => sequence(&mut out, items, 0),
        other => {
            inline(&mut out, other);
            out.push('\n');
        }
    }
    out
}

/// How a string is written: as it is when plain is safe, else single-quoted when every
/// character is printable, else double-quoted with escapes. The one rule for every string.
pub(super) fn scalar(text: &str) -> Cow<'_, str> {
    if text.chars().any(needs_escape) {
        return Cow::Owned(double_quoted(text));
    }
    if plain_is_safe(text) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(format!("'{}'", text.replace('\'', "''")))
    }
}

/// Whether a string written plain reads back as that string under YAML 1.1 and 1.2 alike.
/// Deliberately wider than the YAML types: a string is quoted when it could be any of
/// them, and quoting a string that needed none costs two characters.
fn plain_is_safe(text: &str) -> bool {
    let (Some(first), Some(last)) = (text.chars().next(), text.chars().last()) else {
        return false;
    };
    !(first.is_whitespace()
        || last.is_whitespace()
        || last == ':'
        || INDICATORS.contains(first)
        || text.contains(": ")
        || text.contains(" #")
        || text.contains('\t')
        || (text.len() <= LONGEST_WORD
            && IMPLICIT_WORDS
                .iter()
                .any(|word| text.eq_ignore_ascii_case(word)))
        || looks_numeric(text))
}

/// Characters that start something other than a plain scalar (YAML 1.1 and 1.2 section
/// "Indicator Characters"), and `~` (null) and `=` (YAML 1.1's value key).
const INDICATORS: &str = "-?:,[]{}#&*!|>'\"%@`~=<.";

/// Words YAML 1.1 reads as booleans (y, n, yes, no, on, off, true, false in any case) or
/// null, and its merge and value keys.
const IMPLICIT_WORDS: [&str; 11] = [
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "<<", "=",
];

/// The length of the longest of [`IMPLICIT_WORDS`]: a longer text is none of them.
const LONGEST_WORD: usize = {
    let (mut i, mut longest) = (0, 0);
    while i < IMPLICIT_WORDS.len() {
        if IMPLICIT_WORDS[i].len() > longest {
            longest = IMPLICIT_WORDS[i].len();
        }
        i += 1;
    }
    longest
};

/// Could be a number or a timestamp in YAML 1.1 or 1.2: after a sign, a digit or `.`, then
/// only the characters those types use (digits, hex digits, `x`, `o`, `_`, `:`, `.`, signs,
/// exponent, the `T`, `Z` and space of timestamps, and the letters of `.inf` and `.nan`).
fn looks_numeric(text: &str) -> bool {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    body.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && body
            .chars()
            .all(|c| c.is_ascii_hexdigit() || "xXoOtTzZiInN_:.+- ".contains(c))
}

/// Characters no plain or single-quoted scalar can hold as they are: controls (C0, DEL,
/// C1), YAML 1.1's extra line breaks (NEL, LS, PS), the byte order mark and non-characters.
pub(super) fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
}

/// A double-quoted scalar, escaping `"`, `\` and every character [`needs_escape`] names.
fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) && u32::from(c) <= 0xff => {
                write!(out, "\\x{:02x}", u32::from(c)).expect("writing to a String");
            }
            c if needs_escape(c) => {
                write!(out, "\\u{:04x}", u32::from(c)).expect("writing to a String");
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether a value fits on the line of its key or dash: a scalar, a tagged scalar or an
/// empty collection. A non-empty collection takes the lines below.
fn is_inline(value: &Value) -> bool {
    match value {
        Value::Sequence(items) => items.is_empty(),
        Value::Mapping(m) => m.is_empty(),
        Value::Tagged(tagged) => is_inline(&tagged.value),
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => true,
    }
}

/// Writes a value [`is_inline`] accepts, straight into `out`.
fn inline(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write!(out, "{n}").expect("writing to a String"),
        Value::String(text) => out.push_str(&scalar(text)),
        Value::Sequence(_) => out.push_str("[]"),
        Value::Mapping(_) => out.push_str("{}"),
        Value::Tagged(tagged) => {
            write!(out, "{} ", tagged.tag).expect("writing to a String");
            inline(out, &tagged.value);
        }
    }
}

fn indent(out: &mut String, depth: usize) {
    out.extend(std::iter::repeat_n(' ', depth));
}

/// A non-empty mapping whose entries start at column `depth`.
fn mapping(out: &mut String, m: &serde_norway::Mapping, depth: usize) {
    for (i, (key, value)) in m.iter().enumerate() {
        if i > 0 {
            indent(out, depth);
        }
        debug_assert!(is_inline(key), "mapping keys are scalars");
        inline(out, key);
        out.push(':');
        after_key(out, value, depth);
    }
}

/// A mapping's value: on the key's line, or below it (a sequence at the key's column,
/// libyaml's indentless style; a mapping two columns in).
fn after_key(out: &mut String, value: &Value, depth: usize) {
    if is_inline(value) {
        out.push(' ');
        inline(out, value);
        out.push('\n');
        return;
    }
    let value = match value {
        Value::Tagged(tagged) => {
            write!(out, " {}", tagged.tag).expect("writing to a String");
            &tagged.value
        }
        other => other,
    };
    out.push('\n');
    match value {
        Value::Sequence(items) => {
            indent(out, depth);
            sequence(out, items, depth);
        }
        Value::Mapping(m) => {
            indent(out, depth + 2);
            mapping(out, m, depth + 2);
        }
        _ => unreachable!("only collections are not inline"),
    }
}

/// A non-empty sequence whose dashes are at column `depth` (the first one already indented).
fn sequence(out: &mut String, items: &[Value], depth: usize) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            indent(out, depth);
        }
        out.push('-');
        if is_inline(item) {
            out.push(' ');
            inline(out, item);
            out.push('\n');
            continue;
        }
        let item = match item {
            Value::Tagged(tagged) => {
                write!(out, " {}", tagged.tag).expect("writing to a String");
                out.push('\n');
                indent(out, depth + 2);
                &tagged.value
            }
            other => {
                out.push(' ');
                other
            }
        };
        match item {
            Value::Sequence(inner) => sequence(out, inner, depth + 2),
            Value::Mapping(m) => mapping(out, m, depth + 2),
            _ => unreachable!("only collections are not inline"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{scalar, write};

    #[test]
    fn quotes_what_yaml_1_1_reads_as_another_type() {
        for text in [
            "yes",
            "No",
            "ON",
            "y",
            "~",
            "12:30:45",
            "2001-12-14",
            "1_000",
            "<<",
        ] {
            assert_eq!(scalar(text), format!("'{text}'"));
        }
        assert_eq!(scalar("="), "'='");
        assert_eq!(scalar("it's"), "it's");
        assert_eq!(scalar(" it's"), "' it''s'");
        assert_eq!(scalar("a\u{7}b\n"), "\"a\\x07b\\n\"");
        assert_eq!(scalar("index.handler"), "index.handler");
    }

    #[test]
    fn writes_libyaml_block_style() {
        let text =
            "A: 1\nB:\n- x\n- k: v\n  l: !Ref W\n- - w\n  - z\nC:\n  D: []\n  E: !Sub 'a: b'\n";
        let value: serde_norway::Value = serde_norway::from_str(text).expect("YAML");
        assert_eq!(write(&value), text);
    }
}
