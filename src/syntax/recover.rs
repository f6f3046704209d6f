//! Parsing a file that has syntax errors: every error reported, and a tree of what could be
//! read around them.
//!
//! Pest stops at the first error of a file, so when the whole file does not parse, this
//! module parses it again piece by piece, still with pest: each import and item on its own,
//! and inside an item whose parse fails, each entry on its own. After an error it resumes at
//! the next entry (the next line, or the `}` that closes the block) or the next item.
//!
//! Where each block ends is decided first, by a scan that knows strings and comments but
//! not the grammar ([`Blocks`]). It matches braces, and it sees a `}` that is missing: a
//! line at column 0 that starts an item (`bucket logs {`) ends every block still open, and a
//! `}` alone on its line at the indentation of an outer block's line closes that block and
//! ends the blocks opened inside it. A block that is never closed is reported at its `{`.
//!
//! ```text
//! bucket backups {          <- error: this `{` has no matching `}`
//!   versioned = true
//!
//! bucket logs {}            <- the next item starts here, and is read as usual
//! ```
//!
//! An item with an error keeps its kind, its name and the entries that could be read, and is
//! marked `recovered`: the checker declares its name (so other items that use it are not
//! reported) but does not check it.

use super::ast::{Ast, Block, Entry, Ident, Import, Item, Nested};
use super::parse::{DrParser, Rule, Walker, blank_lines, expected_error};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};
use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};
use std::collections::{BTreeMap, BTreeSet};

/// Parses a file that pest refused as a whole: every syntax error, and what could be read.
pub(super) fn parse(file: FileId, text: &str) -> (Option<Ast>, Vec<Diagnostic>) {
    let mut parser = Recovery {
        text,
        file,
        blocks: Blocks::scan(text),
        walker: Walker::new(file),
        errors: Vec::new(),
    };
    let mut imports = Vec::new();
    let mut items = Vec::new();
    let mut pos = 0;
    loop {
        pos = parser.trivia(pos, text.len());
        if pos >= text.len() {
            break;
        }
        if parser.blocks.stray.contains(&pos) {
            parser.error(pos, &TOP_LEVEL);
            pos += 1;
            continue;
        }
        let end = parser.blocks.piece_end(text, pos);
        if let Some((import, after)) = parser.import(pos, end) {
            imports.push(import);
            pos = after;
        } else if let Some((item, after)) = parser.item(pos, end) {
            items.push(item);
            pos = after;
        } else {
            pos = end;
        }
    }
    let mut trivia = parser.walker.trivia;
    trivia.comments.sort();
    trivia.comments.dedup();
    trivia.blank_lines = blank_lines(text);
    let mut diagnostics = parser.errors;
    diagnostics.extend(parser.walker.diagnostics);
    let ast = Ast {
        imports,
        items,
        trivia,
        recovered: true,
    };
    (Some(ast), diagnostics)
}

/// A block's label: its unescaped text and its span, quotes included.
type Label = (String, Span);

/// What may start at the top level of a file.
const TOP_LEVEL: [Rule; 3] = [Rule::import, Rule::item, Rule::EOI];

/// Where a block ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// At this `}`.
    Closed(usize),
    /// Never closed: cut off here (the end of the file, the line of the next item, or the
    /// `}` of an outer block).
    Open(usize),
}

/// The blocks of a file, found by matching braces outside strings and comments.
#[derive(Debug, Default)]
struct Blocks {
    /// Every `{`, by offset, and where its block ends.
    ends: BTreeMap<usize, End>,
    /// Every `}` that closes no block.
    stray: BTreeSet<usize>,
    /// Every `{` and `}`, in order.
    braces: Vec<usize>,
    /// Offsets of the lines that start with a name at column 0: where skipping at the top
    /// level stops.
    name_lines: Vec<usize>,
}

impl Blocks {
    fn scan(text: &str) -> Blocks {
        let bytes = text.as_bytes();
        let mut blocks = Blocks::default();
        // Open blocks: the `{` and the indentation of its line.
        let mut open: Vec<(usize, usize)> = Vec::new();
        let mut line_start = 0;
        let mut first_on_line = true;
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => {
                    i += 1;
                    line_start = i;
                    first_on_line = true;
                    if bytes.get(i).is_some_and(|&b| is_name_start(b)) {
                        blocks.name_lines.push(i);
                        if starts_item(text, i) {
                            for (brace, _) in open.drain(..) {
                                blocks.ends.insert(brace, End::Open(i));
                            }
                        }
                    }
                    continue;
                }
                b' ' | b'\t' | b'\r' => {}
                b'#' => {
                    i = line_end(bytes, i);
                    continue;
                }
                b'"' => {
                    i = string_end(bytes, i);
                    first_on_line = false;
                    continue;
                }
                b'{' => {
                    open.push((i, indentation(bytes, line_start)));
                    blocks.braces.push(i);
                    first_on_line = false;
                }
                b'}' => {
                    let column = i - line_start;
                    let outer = open.iter().rposition(|&(_, indent)| indent == column);
                    if let (true, Some(outer), Some(&(_, innermost))) =
                        (first_on_line, outer, open.last())
                    {
                        if innermost > column {
                            for (brace, _) in open.drain(outer + 1..) {
                                blocks.ends.insert(brace, End::Open(i));
                            }
                        }
                    }
                    match open.pop() {
                        Some((brace, _)) => {
                            blocks.ends.insert(brace, End::Closed(i));
                        }
                        None => {
                            blocks.stray.insert(i);
                        }
                    }
                    blocks.braces.push(i);
                    first_on_line = false;
                }
                _ => first_on_line = false,
            }
            i += 1;
        }
        if bytes.first().is_some_and(|&b| is_name_start(b)) {
            blocks.name_lines.insert(0, 0);
        }
        for (brace, _) in open {
            blocks.ends.insert(brace, End::Open(bytes.len()));
        }
        blocks
    }

    /// Where the top-level piece that starts at `pos` ends: after the block of its first
    /// `{`, after a stray `}`, or at the next line that starts with a name.
    fn piece_end(&self, text: &str, pos: usize) -> usize {
        let next_line = self
            .name_lines
            .iter()
            .find(|&&line| line > pos)
            .copied()
            .unwrap_or(text.len());
        let brace = self.braces[self.braces.partition_point(|&b| b < pos)..]
            .first()
            .copied()
            .filter(|&b| b < next_line);
        match brace.map(|b| (b, self.ends.get(&b))) {
            Some((_, Some(End::Closed(close)))) => close + 1,
            Some((_, Some(End::Open(cut)))) => *cut,
            Some((stray, None)) => stray + 1,
            None => next_line,
        }
    }

    /// Where the block opened at `brace` ends, and whether it is closed there.
    fn end(&self, brace: usize) -> (usize, bool) {
        match self.ends[&brace] {
            End::Closed(close) => (close, true),
            End::Open(cut) => (cut, false),
        }
    }
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The end of a name that starts at `i`.
fn name_end(bytes: &[u8], i: usize) -> usize {
    i + bytes[i..].iter().take_while(|&&b| is_name_char(b)).count()
}

/// Whether the line at `i` starts an item: `kind name {` or `import "`.
fn starts_item(text: &str, i: usize) -> bool {
    let bytes = text.as_bytes();
    let spaces = |at: usize| {
        at + bytes[at..]
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count()
    };
    let kind_end = name_end(bytes, i);
    let after_kind = spaces(kind_end);
    if &text[i..kind_end] == "import" && bytes.get(after_kind) == Some(&b'"') {
        return true;
    }
    if after_kind == kind_end || !bytes.get(after_kind).is_some_and(|&b| is_name_start(b)) {
        return false;
    }
    let after_name = spaces(name_end(bytes, after_kind));
    bytes.get(after_name) == Some(&b'{')
}

fn indentation(bytes: &[u8], line_start: usize) -> usize {
    bytes[line_start..]
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count()
}

/// The offset of the line break that ends the line holding `i` (or the end of the text).
fn line_end(bytes: &[u8], i: usize) -> usize {
    bytes[i..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |n| i + n)
}

/// The offset after a string that starts at `i`: after its closing quote, or at the end of
/// its line when it is not closed (strings end on the line they start).
fn string_end(bytes: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'"' => return j + 1,
            b'\n' => return j,
            b'\\' if bytes.get(j + 1).is_some_and(|&b| b != b'\n') => j += 2,
            _ => j += 1,
        }
    }
    bytes.len()
}

struct Recovery<'t> {
    text: &'t str,
    file: FileId,
    blocks: Blocks,
    walker: Walker,
    errors: Vec<Diagnostic>,
}

impl Recovery<'_> {
    fn error(&mut self, at: usize, positives: &[Rule]) {
        self.errors
            .push(expected_error(self.file, self.text, at, positives));
    }

    /// Skips white space and comments from `pos` (not past `end`), keeping the comments.
    fn trivia(&mut self, mut pos: usize, end: usize) -> usize {
        let bytes = self.text.as_bytes();
        while pos < end {
            match bytes[pos] {
                b' ' | b'\t' | b'\r' | b'\n' => pos += 1,
                b'#' => {
                    let stop = line_end(bytes, pos).min(end);
                    self.walker
                        .trivia
                        .comments
                        .push(Span::new(self.file, pos, stop));
                    pos = stop;
                }
                _ => break,
            }
        }
        pos
    }

    /// Where pest fails parsing `rule` at `pos` (absolute), and what it expected there.
    fn failure(pos: usize, error: &pest::error::Error<Rule>) -> (usize, Vec<Rule>) {
        let at = match error.location {
            InputLocation::Pos(p) | InputLocation::Span((p, _)) => p,
        };
        let positives = match &error.variant {
            ErrorVariant::ParsingError { positives, .. } => positives.clone(),
            ErrorVariant::CustomError { .. } => Vec::new(),
        };
        (pos + at, positives)
    }

    /// `import "file.dr"` at `pos`, and the offset after it.
    fn import(&mut self, pos: usize, end: usize) -> Option<(Import, usize)> {
        if !self.text[pos..end].starts_with("import") {
            return None;
        }
        let pair = DrParser::parse(Rule::import, &self.text[pos..end])
            .ok()?
            .next()
            .expect("a successful parse has a pair");
        let after = pos + pair.as_span().end();
        self.walker.base = pos;
        Some((self.walker.import(pair), after))
    }

    /// The item at `pos`, in the piece that ends at `end`, and the offset after it: read
    /// by pest at once if it can be, entry by entry otherwise. `None` when not even the
    /// item's kind, name and `{` can be read (the error is reported).
    fn item(&mut self, pos: usize, end: usize) -> Option<(Item, usize)> {
        let failure = match DrParser::parse(Rule::item, &self.text[pos..end]) {
            Ok(mut pairs) => {
                let pair = pairs.next().expect("a successful parse has a pair");
                let after = pos + pair.as_span().end();
                self.walker.base = pos;
                return Some((self.walker.item(pair), after));
            }
            Err(error) => Self::failure(pos, &error),
        };
        // `import` followed by something else than a string: say what an import expects
        // too, as a parse of the whole file would.
        let failure = match DrParser::parse(Rule::import, &self.text[pos..end]) {
            Err(error) => {
                let import = Self::failure(pos, &error);
                match import.0.cmp(&failure.0) {
                    std::cmp::Ordering::Greater if import.0 > pos + "import".len() => import,
                    std::cmp::Ordering::Equal => (failure.0, [failure.1, import.1].concat()),
                    _ => failure,
                }
            }
            Ok(_) => failure,
        };
        let Some((kind, name, brace)) = self.header(pos, end) else {
            let (at, mut positives) = failure;
            if at == pos {
                positives = TOP_LEVEL.to_vec();
            }
            self.error(at, &positives);
            return None;
        };
        let before = self.errors.len();
        let body = self.block(brace);
        if self.errors.len() == before {
            self.error(failure.0, &failure.1);
        }
        let after = body.span.end as usize;
        let item = Item {
            kind,
            name,
            span: Span::new(self.file, pos, after),
            body,
            recovered: true,
        };
        Some((item, after))
    }

    /// A name at `pos`.
    fn name(&self, pos: usize, end: usize) -> Option<Ident> {
        let bytes = self.text.as_bytes();
        if pos >= end || !is_name_start(bytes[pos]) {
            return None;
        }
        let stop = name_end(bytes, pos).min(end);
        Some(Ident {
            text: self.text[pos..stop].to_owned(),
            span: Span::new(self.file, pos, stop),
        })
    }

    /// `kind name {` at `pos`: the kind, the name and the offset of the `{`.
    fn header(&mut self, pos: usize, end: usize) -> Option<(Ident, Ident, usize)> {
        let kind = self.name(pos, end)?;
        let at = self.trivia(kind.span.end as usize, end);
        let name = self.name(at, end)?;
        let brace = self.trivia(name.span.end as usize, end);
        (self.blocks.ends.contains_key(&brace)).then_some((kind, name, brace))
    }

    /// `name {` or `name "label" {` at `pos`: the name, the label and the offset of the `{`.
    fn nested_header(&mut self, pos: usize, end: usize) -> Option<(Ident, Option<Label>, usize)> {
        let name = self.name(pos, end)?;
        let mut at = self.trivia(name.span.end as usize, end);
        let mut label = None;
        if self.text.as_bytes().get(at) == Some(&b'"') {
            let pair = DrParser::parse(Rule::string, &self.text[at..end])
                .ok()?
                .next()
                .expect("a successful parse has a pair");
            let stop = at + pair.as_span().end();
            self.walker.base = at;
            let text = self.walker.plain_string(pair);
            label = Some((text, Span::new(self.file, at, stop)));
            at = self.trivia(stop, end);
        }
        (self.blocks.ends.contains_key(&at)).then_some((name, label, at))
    }

    /// The block opened at `brace`, entry by entry: an entry that does not parse is
    /// reported and left out.
    fn block(&mut self, brace: usize) -> Block {
        let (end, closed) = self.blocks.end(brace);
        if !closed {
            self.unclosed(brace, end);
        }
        let mut entries = Vec::new();
        let mut pos = brace + 1;
        // Whether a comma could come next (after an entry that has none).
        let mut comma_may_follow = false;
        loop {
            pos = self.trivia(pos, end);
            if pos >= end {
                break;
            }
            if let Some((name, label, inner)) = self.nested_header(pos, end) {
                let body = self.block(inner);
                let span = Span::new(self.file, pos, body.span.end as usize);
                pos = body.span.end as usize;
                entries.push(Entry::Nested(Nested {
                    name,
                    label,
                    body,
                    span,
                }));
            } else {
                match DrParser::parse(Rule::entry, &self.text[pos..end]) {
                    Ok(mut pairs) => {
                        let pair = pairs.next().expect("a successful parse has a pair");
                        let after = pos + pair.as_span().end();
                        self.walker.base = pos;
                        entries.push(self.walker.entry(pair));
                        pos = after;
                    }
                    Err(error) => {
                        let (at, mut positives) = Self::failure(pos, &error);
                        if at == pos {
                            positives.push(Rule::rbrace);
                            if comma_may_follow {
                                positives.push(Rule::comma);
                            }
                        }
                        self.error(at, &positives);
                        pos = self.resume(pos, at, end);
                        comma_may_follow = false;
                        continue;
                    }
                }
            }
            let next = self.trivia(pos, end);
            if next < end && self.text.as_bytes()[next] == b',' {
                pos = next + 1;
                comma_may_follow = false;
            } else {
                comma_may_follow = true;
            }
        }
        let stop = if closed { end + 1 } else { end };
        Block {
            entries,
            span: Span::new(self.file, brace, stop),
        }
    }

    /// Where to go on after an entry that starts at `pos` failed at `at`: at `at` when it
    /// starts a line (what failed is probably the next entry, after a value left out);
    /// otherwise at the next line, skipping whole any block met on the way.
    fn resume(&self, pos: usize, at: usize, end: usize) -> usize {
        let bytes = self.text.as_bytes();
        if at >= end {
            return end;
        }
        let line_start = self.text[..at].rfind('\n').map_or(0, |n| n + 1);
        if at > pos && self.text[line_start..at].trim().is_empty() {
            return at;
        }
        let mut i = at.max(pos + 1);
        while i < end {
            match bytes[i] {
                b'\n' => return i + 1,
                b'"' => i = string_end(bytes, i),
                b'#' => i = line_end(bytes, i),
                b'{' => match self.blocks.ends.get(&i) {
                    Some(End::Closed(close)) => i = close + 1,
                    _ => return end,
                },
                _ => i += 1,
            }
        }
        end
    }

    /// Reports a block that is never closed, at its `{`.
    fn unclosed(&mut self, brace: usize, cut: usize) {
        let bytes = self.text.as_bytes();
        let (span, found, why) = if cut >= bytes.len() {
            (
                Span::new(self.file, bytes.len(), bytes.len()),
                "end of file",
                "the file ends here",
            )
        } else if bytes[cut] == b'}' {
            (
                Span::new(self.file, cut, cut + 1),
                "the `}` of an outer block",
                "this `}` closes an outer block, by its indentation",
            )
        } else {
            let stop = line_end(bytes, cut);
            (
                Span::new(self.file, cut, stop),
                "the next item",
                "the next item starts here",
            )
        };
        self.errors.push(
            Diagnostic::new(
                Code::E0101,
                format!("expected `}}` to close this block, found {found}"),
                Span::new(self.file, brace, brace + 1),
                "this `{` has no matching `}`",
            )
            .with_label(span, why)
            .with_help("a block is not closed: add `}` at its end"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Diagnostic;
    use crate::source::FileId;
    use crate::syntax::ast::{Ast, Item};
    use crate::syntax::parse;

    const EXAMPLE: &str = include_str!("../../examples/disaster_recovery.dr");

    fn errors(text: &str) -> (Ast, Vec<Diagnostic>) {
        let (ast, diagnostics) = parse(FileId(0), text);
        (ast.expect("recovery always gives a tree"), diagnostics)
    }

    /// Where each diagnostic points, as `line:column`.
    fn places(text: &str, diagnostics: &[Diagnostic]) -> Vec<String> {
        diagnostics
            .iter()
            .map(|d| {
                let at = d.primary.span.start as usize;
                let line = text[..at].matches('\n').count() + 1;
                let column = at - text[..at].rfind('\n').map_or(0, |n| n + 1) + 1;
                format!("{line}:{column}")
            })
            .collect()
    }

    #[test]
    fn every_item_with_an_error_is_reported_and_kept_by_name() {
        let text = "bucket a {\n  versioned: true\n}\n\nbucket b { retain = true; }\n\
                    function c {\n  runtime = 'x'\n  code = \"lambda\"\n}\n\
                    bucket d { lifecycle { expire = 1.5d } }\nschedule e { every = }\n\
                    bucket fine { versioned = true }\n";
        let (ast, diagnostics) = errors(text);
        assert_eq!(
            places(text, &diagnostics),
            ["2:12", "5:25", "7:13", "10:33", "11:22"]
        );
        let names: Vec<(&str, bool)> = ast
            .items
            .iter()
            .map(|item| (item.name.text.as_str(), item.recovered))
            .collect();
        assert_eq!(
            names,
            [
                ("a", true),
                ("b", true),
                ("c", true),
                ("d", true),
                ("e", true),
                ("fine", false)
            ]
        );
        assert!(ast.recovered);
        // What could be read of an item is kept: `b`'s attribute, `c`'s `code`.
        assert_eq!(ast.items[1].body.entries.len(), 1);
        assert_eq!(ast.items[2].body.entries.len(), 1);
    }

    #[test]
    fn a_missing_brace_is_reported_where_its_block_opens() {
        // Cut off by the next item at column 0.
        let text = "bucket a {\n  versioned = true\n\nbucket b {}\n";
        let (ast, diagnostics) = errors(text);
        assert_eq!(places(text, &diagnostics), ["1:10"]);
        assert_eq!(ast.items.len(), 2);
        assert!(!ast.items[1].recovered);
        // Cut off by the end of the file.
        let text = "bucket a {}\nbucket b {\n  lifecycle { expire = 1d }\n";
        assert_eq!(places(text, &errors(text).1), ["2:10"]);
        // A nested block left open: the `}` at the item's indentation closes the item.
        let text = "bucket a {\n  lifecycle {\n    expire = 1d\n}\nbucket b {}\n";
        let (ast, diagnostics) = errors(text);
        assert_eq!(places(text, &diagnostics), ["2:13"]);
        assert_eq!(ast.items.len(), 2);
        assert!(diagnostics[0].message.contains("outer block"));
    }

    #[test]
    fn stray_text_between_items_is_reported_once() {
        let text = "}\nbucket a {}\nversioned = true\nbucket {\n  retain = true\n}\nbucket b {}\n";
        let (ast, diagnostics) = errors(text);
        assert_eq!(places(text, &diagnostics), ["1:1", "3:11", "4:8"]);
        let names: Vec<&str> = ast.items.iter().map(|i| i.name.text.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    fn a_file_without_errors_is_not_recovered() {
        let (ast, diagnostics) = errors(EXAMPLE);
        assert!(diagnostics.is_empty());
        assert!(!ast.recovered);
        assert!(ast.items.iter().all(|item| !item.recovered));
    }

    /// An item without its `recovered` mark and with spans moved by `shift` bytes.
    fn moved(item: &Item, shift: u32) -> String {
        let mut item = item.clone();
        item.recovered = false;
        let text = format!("{item:?}");
        if shift == 0 {
            return text;
        }
        // Spans print as `start: N, end: M`: move every offset.
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(at) = rest.find(|c: char| c.is_ascii_digit()) {
            let (before, after) = rest.split_at(at);
            let digits = after
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(after.len());
            out.push_str(before);
            // Only offsets are moved: other digits (an account ID in a string) may not fit u32.
            if before.ends_with("start: ") || before.ends_with("end: ") {
                let number: u32 = after[..digits].parse().expect("an offset");
                out.push_str(&(number + shift).to_string());
            } else {
                out.push_str(&after[..digits]);
            }
            rest = &after[digits..];
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn entries_read_one_by_one_have_the_spans_of_a_whole_parse() {
        // An error at the end of each item in turn: the item is read entry by entry, and
        // every entry must come out exactly as the parse of the whole file gives it.
        let (whole, _) = errors(EXAMPLE);
        for (index, item) in whole.items.iter().enumerate() {
            let at = item.body.span.end as usize - 1;
            let text = format!("{};\n{}", &EXAMPLE[..at], &EXAMPLE[at..]);
            let (ast, diagnostics) = errors(&text);
            assert_eq!(diagnostics.len(), 1, "item {index}: {diagnostics:?}");
            assert_eq!(ast.items.len(), whole.items.len());
            for (other, original) in ast.items.iter().zip(&whole.items) {
                let shift = if original.span.start as usize > at {
                    2
                } else {
                    0
                };
                assert_eq!(other.recovered, other.name == item.name);
                if other.name == item.name {
                    assert_eq!(other.body.entries, original.body.entries, "item {index}");
                } else {
                    assert_eq!(moved(other, 0), moved(original, shift), "item {index}");
                }
            }
        }
    }
}
