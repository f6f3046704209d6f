//! `drc fmt`: the one layout of a `.dr` file, as the examples are written.
//!
//! - two spaces of indentation per block, one entry per line;
//! - in a run of attributes on consecutive lines, the `=` aligned: after the longest key, or
//!   further right if a line of the run already has it there (templates cite values by
//!   column, so formatting never moves one left);
//! - a verb line as written (`put  backups "daily/"` keeps its spaces, aligned by hand or
//!   not: templates quote the line, so a formatter that respaced it would change them), unless
//!   it spans lines;
//! - one blank line between items (one-line items written on consecutive lines stay
//!   together), blank lines inside blocks kept (several become one);
//! - every comment kept: one on a line of its own stays there, one after code stays after it,
//!   and comments after code on consecutive lines start in one column, two spaces after the
//!   longest line;
//! - a block or a list written on one line stays on one line (`lifecycle { expire = 30d }`),
//!   with its commas as written (entries without one are two spaces apart); a block written
//!   on several lines holds one entry a line, without commas; a list on several lines holds
//!   one value a line, each followed by a comma.
//!
//! Tokens are printed as written (strings keep their escapes, numbers their digits), so the
//! file means the same before and after; only white space and commas change.
//!
//! ```text
//! bucket backups {              bucket backups {
//!   versioned=true                versioned  = true
//!     encryption = kms    -->     encryption = kms  # its own key
//!  # its own key                }
//! }
//! ```
//!
//! The printer walks the tree into lines (source order, with the byte range each covers),
//! then places the comments and blank lines of the trivia between them.

use crate::diagnostics::{self, Diagnostic};
use crate::source::{FileId, Span};
use crate::syntax::ast::{Ast, Attribute, Block, Entry, Item, Value, ValueKind, Verb};

/// Formats one file. A file with syntax errors is refused: the errors are returned and
/// nothing else (string escape and number errors do not stop formatting: tokens are printed
/// as written).
pub fn format(file: FileId, text: &str) -> Result<String, Vec<Diagnostic>> {
    let (ast, problems) = crate::syntax::parse(file, text);
    let syntax_errors = || {
        problems
            .iter()
            .filter(|d| matches!(d.code, diagnostics::Code::E0101 | diagnostics::Code::E0104))
            .cloned()
            .collect()
    };
    let Some(ast) = ast.filter(|ast| !ast.recovered) else {
        return Err(syntax_errors());
    };
    let mut printer = Printer {
        text,
        ast: &ast,
        lines: Vec::new(),
    };
    printer.file();
    Ok(printer.finish())
}

/// What a line of code says, before alignment.
#[derive(Debug)]
enum Code {
    /// Printed as it is.
    Text(String),
    /// `key = value`: keys of a run are padded to one width.
    Attribute { key: String, value: String },
}

/// Where a line stands in its block or list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edge {
    /// It ends with `{` or `[`.
    Opens,
    /// It is `}` or `]`.
    Closes,
    /// Anything else.
    Inside,
}

/// One line of output code.
#[derive(Debug)]
struct Line {
    depth: usize,
    code: Code,
    /// The bytes of the source the line covers, from its first token to its last.
    start: usize,
    end: usize,
    /// Whether the line opens or closes a block or list.
    edge: Edge,
    /// The first line of an item or import.
    top_start: bool,
    /// The last line of an item or import.
    top_end: bool,
}

impl Line {
    fn new(depth: usize, code: Code, start: usize, end: usize) -> Line {
        Line {
            depth,
            code,
            start,
            end,
            edge: Edge::Inside,
            top_start: false,
            top_end: false,
        }
    }
}

struct Printer<'a> {
    text: &'a str,
    ast: &'a Ast,
    lines: Vec<Line>,
}

impl Printer<'_> {
    fn raw(&self, span: Span) -> &str {
        &self.text[span.range()]
    }

    fn comments_within(&self, span: Span) -> bool {
        let comments = &self.ast.trivia.comments;
        let first = comments.partition_point(|c| c.start < span.start);
        comments.get(first).is_some_and(|c| c.end <= span.end)
    }

    fn one_line(&self, span: Span) -> bool {
        !self.raw(span).contains('\n')
    }

    /// Whether a comma follows `span` in the source (after white space and comments).
    fn comma_after(&self, span: Span) -> bool {
        let mut rest = &self.text[span.end as usize..];
        loop {
            rest = rest.trim_start();
            if rest.starts_with('#') {
                rest = rest.find('\n').map_or("", |n| &rest[n..]);
            } else {
                return rest.starts_with(',');
            }
        }
    }

    fn file(&mut self) {
        let mut units: Vec<(u32, Option<&Item>)> = self
            .ast
            .imports
            .iter()
            .map(|import| (import.span.start, None))
            .chain(
                self.ast
                    .items
                    .iter()
                    .map(|item| (item.span.start, Some(item))),
            )
            .collect();
        units.sort_by_key(|&(start, _)| start);
        let mut imports = self.ast.imports.iter();
        for (_, item) in units {
            let first = self.lines.len();
            if let Some(item) = item {
                let head = format!("{} {}", self.raw(item.kind.span), self.raw(item.name.span));
                self.block(&head, &item.body, 0, item.span.start as usize);
            } else {
                let import = imports.next().expect("one unit per import");
                let code = Code::Text(format!("import {}", self.raw(import.path_span)));
                let line = Line::new(
                    0,
                    code,
                    import.span.start as usize,
                    import.span.end as usize,
                );
                self.lines.push(line);
            }
            self.lines[first].top_start = true;
            self.lines.last_mut().expect("a unit has a line").top_end = true;
        }
    }

    /// `head { ... }` at `depth`, its first token at `start`.
    fn block(&mut self, head: &str, block: &Block, depth: usize, start: usize) {
        let inline = self.one_line(block.span)
            || (block.entries.is_empty() && !self.comments_within(block.span));
        if inline {
            let code = Code::Text(format!("{head} {}", self.inline_block(block)));
            self.lines
                .push(Line::new(depth, code, start, block.span.end as usize));
            return;
        }
        let mut open = Line::new(
            depth,
            Code::Text(format!("{head} {{")),
            start,
            block.span.start as usize + 1,
        );
        open.edge = Edge::Opens;
        self.lines.push(open);
        for (index, entry) in block.entries.iter().enumerate() {
            // A comma is needed only where the next entry would otherwise read as part of
            // this one: a verb without a prefix before a quoted key.
            let comma = needs_comma(entry, block.entries.get(index + 1));
            self.entry(entry, depth + 1, comma);
        }
        let close = block.span.end as usize - 1;
        let mut line = Line::new(depth, Code::Text("}".to_owned()), close, close + 1);
        line.edge = Edge::Closes;
        self.lines.push(line);
    }

    fn entry(&mut self, entry: &Entry, depth: usize, comma: bool) {
        let comma = if comma { "," } else { "" };
        match entry {
            Entry::Attribute(attribute) => {
                let key = self.key_cell(attribute);
                let start = attribute.span.start as usize;
                if let ValueKind::List(values) = &attribute.value.kind {
                    if !self.one_line(attribute.value.span) {
                        let code = Code::Attribute {
                            key,
                            value: "[".to_owned(),
                        };
                        self.list(code, values, &attribute.value, depth, start, comma);
                        return;
                    }
                }
                let value = format!("{}{comma}", self.inline_value(&attribute.value));
                let code = Code::Attribute { key, value };
                self.lines
                    .push(Line::new(depth, code, start, attribute.span.end as usize));
            }
            Entry::Verb(verb) => {
                let code = Code::Text(format!("{}{comma}", self.verb(verb)));
                self.lines.push(Line::new(
                    depth,
                    code,
                    verb.span.start as usize,
                    verb.span.end as usize,
                ));
            }
            Entry::Nested(nested) => {
                let mut head = self.raw(nested.name.span).to_owned();
                if let Some((_, span)) = &nested.label {
                    head = format!("{head} {}", self.raw(*span));
                }
                self.block(&head, &nested.body, depth, nested.span.start as usize);
            }
        }
    }

    /// A list written on several lines: `opening` (`key = [` or `[`), one value a line,
    /// then `]`.
    fn list(
        &mut self,
        opening: Code,
        values: &[Value],
        list: &Value,
        depth: usize,
        start: usize,
        comma: &str,
    ) {
        let mut open = Line::new(depth, opening, start, list.span.start as usize + 1);
        open.edge = Edge::Opens;
        self.lines.push(open);
        for value in values {
            match &value.kind {
                ValueKind::List(inner) if !self.one_line(value.span) => {
                    let code = Code::Text("[".to_owned());
                    self.list(
                        code,
                        inner,
                        value,
                        depth + 1,
                        value.span.start as usize,
                        ",",
                    );
                }
                _ => {
                    let code = Code::Text(format!("{},", self.inline_value(value)));
                    let (start, end) = (value.span.start as usize, value.span.end as usize);
                    self.lines.push(Line::new(depth + 1, code, start, end));
                }
            }
        }
        let close = list.span.end as usize - 1;
        let mut line = Line::new(depth, Code::Text(format!("]{comma}")), close, close + 1);
        line.edge = Edge::Closes;
        self.lines.push(line);
    }

    /// An attribute's key and the spaces written after it, less the one before `=`: a run
    /// is aligned to its longest key or to the widest `=` column written, whichever is
    /// further right, so formatting never moves a value left (templates cite values by
    /// line and column).
    fn key_cell(&self, attribute: &Attribute) -> String {
        let key = self.raw(attribute.key.span);
        let after = &self.text[attribute.key.span.end as usize..];
        let spaces = after.len() - after.trim_start_matches(' ').len();
        if spaces > 1 && after[spaces..].starts_with('=') {
            format!("{key}{}", " ".repeat(spaces - 1))
        } else {
            key.to_owned()
        }
    }

    /// A verb as written, or its words one space apart when it spans lines.
    fn verb(&self, verb: &Verb) -> String {
        if self.one_line(verb.span) && !self.comments_within(verb.span) {
            return self.raw(verb.span).to_owned();
        }
        let mut words = vec![self.raw(verb.verb.span), self.raw(verb.target.span)];
        words.extend(verb.prefix.as_ref().map(|(_, span)| self.raw(*span)));
        words.join(" ")
    }

    fn inline_value(&self, value: &Value) -> String {
        match &value.kind {
            ValueKind::List(values) => {
                let trailing = values
                    .last()
                    .is_some_and(|last| self.comma_after(last.span));
                let values: Vec<String> = values.iter().map(|v| self.inline_value(v)).collect();
                format!("[{}{}]", values.join(", "), if trailing { "," } else { "" })
            }
            _ => self.raw(value.span).to_owned(),
        }
    }

    fn inline_entry(&self, entry: &Entry) -> String {
        match entry {
            Entry::Attribute(attribute) => format!(
                "{} = {}",
                self.raw(attribute.key.span),
                self.inline_value(&attribute.value)
            ),
            Entry::Verb(verb) => self.verb(verb),
            Entry::Nested(nested) => {
                let mut head = self.raw(nested.name.span).to_owned();
                if let Some((_, span)) = &nested.label {
                    head = format!("{head} {}", self.raw(*span));
                }
                format!("{head} {}", self.inline_block(&nested.body))
            }
        }
    }

    /// `{}` or `{ a = 1, b = 2 }`: entries separated as written, by a comma or two spaces.
    fn inline_block(&self, block: &Block) -> String {
        if block.entries.is_empty() {
            return "{}".to_owned();
        }
        let mut out = "{ ".to_owned();
        for (index, entry) in block.entries.iter().enumerate() {
            out.push_str(&self.inline_entry(entry));
            let span = match entry {
                Entry::Attribute(a) => a.span,
                Entry::Verb(v) => v.span,
                Entry::Nested(n) => n.span,
            };
            let Some(next) = block.entries.get(index + 1) else {
                if self.comma_after(span) {
                    out.push(',');
                }
                break;
            };
            if self.comma_after(span) || needs_comma(entry, Some(next)) {
                out.push_str(", ");
            } else {
                out.push_str("  ");
            }
        }
        out.push_str(" }");
        out
    }

    /// Places comments and blank lines between the lines, aligns, and prints.
    fn finish(mut self) -> String {
        let placed = self.place_comments();
        // Runs of aligned cells end where a blank line or a comment line comes between.
        let breaks: Vec<bool> = (1..self.lines.len())
            .map(|index| {
                !placed.leading[index].is_empty()
                    || self.blank_between(
                        placed.end_of(&self.lines[index - 1], index - 1),
                        self.lines[index].start,
                    )
            })
            .collect();
        align(&mut self.lines, &breaks);
        let mut out: Vec<Out> = Vec::new();
        // Where the last element printed ends in the source.
        let mut previous_end: Option<usize> = None;
        let mut previous: Option<&Line> = None;
        for (index, line) in self.lines.iter().enumerate() {
            let after_open = previous.is_some_and(|p| p.edge == Edge::Opens);
            // Items are one blank line apart, unless both are one line long and written
            // without one.
            let mut need_blank = previous.is_some_and(|p| {
                let gap_start = placed.end_of(p, index - 1);
                p.top_end
                    && line.top_start
                    && !(p.top_start && line.top_end)
                    && !self.blank_between(gap_start, line.start)
            });
            let mut first = true;
            for comment in &placed.leading[index] {
                let blank = previous_end
                    .is_some_and(|end| self.blank_between(end, comment.start as usize))
                    && !(first && after_open);
                if blank || need_blank {
                    out.push(Out::Blank);
                    need_blank = false;
                }
                let depth = if line.edge == Edge::Closes {
                    line.depth + 1
                } else {
                    line.depth
                };
                out.push(Out::Comment(depth, self.comment(*comment)));
                previous_end = Some(comment.end as usize);
                first = false;
            }
            let blank = previous_end.is_some_and(|end| self.blank_between(end, line.start))
                && line.edge != Edge::Closes
                && !(first && after_open);
            if blank || need_blank {
                out.push(Out::Blank);
            }
            let trailing = placed.trailing[index].map(|comment| self.comment(comment));
            out.push(Out::Code(line.depth, render(&line.code), trailing));
            previous_end = Some(placed.end_of(line, index));
            previous = Some(line);
        }
        for comment in &placed.tail {
            if previous_end.is_some_and(|end| self.blank_between(end, comment.start as usize)) {
                out.push(Out::Blank);
            }
            out.push(Out::Comment(0, self.comment(*comment)));
            previous_end = Some(comment.end as usize);
        }
        print(&out)
    }

    fn comment(&self, span: Span) -> String {
        self.raw(span).trim_end().to_owned()
    }

    /// Whether a blank line lies between two source offsets.
    fn blank_between(&self, from: usize, to: usize) -> bool {
        let blanks = &self.ast.trivia.blank_lines;
        let first = blanks.partition_point(|&b| (b as usize) < from);
        blanks.get(first).is_some_and(|&b| (b as usize) < to)
    }

    /// Which line each comment goes with.
    fn place_comments(&self) -> Placed {
        let mut placed = Placed {
            leading: vec![Vec::new(); self.lines.len()],
            trailing: vec![None; self.lines.len()],
            tail: Vec::new(),
        };
        for &comment in &self.ast.trivia.comments {
            let at = comment.start as usize;
            let line_start = self.text[..at].rfind('\n').map_or(0, |n| n + 1);
            let after_code = !self.text[line_start..at].trim().is_empty();
            if after_code {
                let index = self.lines.partition_point(|l| l.start < at) - 1;
                // A second comment for one line (comments between the tokens of one line of
                // output) goes above it.
                if let Some(earlier) = placed.trailing[index].replace(comment) {
                    placed.leading[index].push(earlier);
                }
            } else {
                let index = self.lines.partition_point(|l| l.start < at);
                match placed.leading.get_mut(index) {
                    Some(leading) => leading.push(comment),
                    None => placed.tail.push(comment),
                }
            }
        }
        placed
    }
}

/// Comments sorted by the line they go with.
struct Placed {
    /// Comments on lines of their own before each line.
    leading: Vec<Vec<Span>>,
    /// The comment after each line's code.
    trailing: Vec<Option<Span>>,
    /// Comments after the last line.
    tail: Vec<Span>,
}

impl Placed {
    /// Where a line ends in the source, its comment included.
    fn end_of(&self, line: &Line, index: usize) -> usize {
        self.trailing[index].map_or(line.end, |c| (c.end as usize).max(line.end))
    }
}

/// Whether `entry` needs a comma before `next` to be read back as two entries: a verb
/// without a prefix would take a quoted key that follows it as its prefix.
fn needs_comma(entry: &Entry, next: Option<&Entry>) -> bool {
    matches!(entry, Entry::Verb(verb) if verb.prefix.is_none())
        && matches!(next, Some(Entry::Attribute(a)) if a.quoted)
}

/// Pads the keys of each run of attribute lines (at one depth, with no break between:
/// `breaks[i]` is between lines `i` and `i + 1`) to one width.
fn align(lines: &mut [Line], breaks: &[bool]) {
    fn cell(code: &mut Code) -> Option<&mut String> {
        match code {
            Code::Attribute { key, .. } => Some(key),
            Code::Text(_) => None,
        }
    }
    let mut index = 0;
    while index < lines.len() {
        let mut end = index;
        while end < lines.len()
            && cell(&mut lines[end].code).is_some()
            && lines[end].depth == lines[index].depth
            && (end == index || !breaks[end - 1])
        {
            end += 1;
        }
        if end == index {
            index += 1;
            continue;
        }
        let width = lines[index..end]
            .iter_mut()
            .filter_map(|line| cell(&mut line.code).map(|c| c.chars().count()))
            .max()
            .unwrap_or(0);
        for line in &mut lines[index..end] {
            if let Some(c) = cell(&mut line.code) {
                let pad = width - c.chars().count();
                c.extend(std::iter::repeat_n(' ', pad));
            }
        }
        index = end;
    }
}

fn render(code: &Code) -> String {
    match code {
        Code::Text(text) => text.clone(),
        Code::Attribute { key, value } => format!("{key} = {value}"),
    }
}

/// A line of output.
enum Out {
    Blank,
    /// A comment on a line of its own, at a depth.
    Comment(usize, String),
    /// Code at a depth, and the comment after it.
    Code(usize, String, Option<String>),
}

/// Prints the lines; comments after code on consecutive lines start in one column.
fn print(out: &[Out]) -> String {
    let mut text = String::new();
    let mut index = 0;
    while index < out.len() {
        match &out[index] {
            Out::Blank => text.push('\n'),
            Out::Comment(depth, comment) => {
                text.push_str(&"  ".repeat(*depth));
                text.push_str(comment);
                text.push('\n');
            }
            Out::Code(..) => {
                let end = index
                    + out[index..]
                        .iter()
                        .take_while(|o| matches!(o, Out::Code(..)))
                        .count();
                let width = |depth: &usize, code: &String| depth * 2 + code.chars().count();
                let column = out[index..end]
                    .iter()
                    .filter_map(|o| match o {
                        Out::Code(depth, code, Some(_)) => Some(width(depth, code)),
                        _ => None,
                    })
                    .max()
                    .unwrap_or(0)
                    + 2;
                for o in &out[index..end] {
                    let Out::Code(depth, code, comment) = o else {
                        unreachable!("the run holds code only")
                    };
                    text.push_str(&"  ".repeat(*depth));
                    text.push_str(code);
                    if let Some(comment) = comment {
                        text.extend(std::iter::repeat_n(' ', column - width(depth, code)));
                        text.push_str(comment);
                    }
                    text.push('\n');
                }
                index = end;
                continue;
            }
        }
        index += 1;
    }
    text
}

#[cfg(test)]
mod tests {
    use super::format;
    use crate::source::FileId;

    fn fmt(text: &str) -> String {
        let once = format(FileId(0), text).expect("formats");
        assert_eq!(
            format(FileId(0), &once).expect("formats"),
            once,
            "idempotent"
        );
        once
    }

    #[test]
    fn indents_aligns_and_separates_items() {
        assert_eq!(
            fmt(
                "bucket a {\nversioned=true\n      encryption =   kms\n\n\n  retain = true\n}\nbucket b {}"
            ),
            "bucket a {\n  versioned  = true\n  encryption = kms\n\n  retain = true\n}\n\nbucket b {}\n"
        );
        // A run is aligned further right when one of its lines already is: values never
        // move left.
        assert_eq!(
            fmt("bucket a {\n  versioned    = true\n  retain = true\n}\n"),
            "bucket a {\n  versioned    = true\n  retain       = true\n}\n"
        );
        // One-line items written together stay together; others are one blank line apart.
        assert_eq!(
            fmt("topic a {}\ntopic b { email = \"x@y.z\" }\n\n\n\ntopic c {\n}\n"),
            "topic a {}\ntopic b { email = \"x@y.z\" }\n\ntopic c {}\n"
        );
    }

    #[test]
    fn keeps_every_comment_where_it_belongs() {
        let text = "# head\n\nbucket a { # after the brace\n  # about versioned\n  versioned = true # why\n  encryption = kms # which\n\n  # last words\n}\n# about b\nbucket b {}\n# the end\n";
        assert_eq!(
            fmt(text),
            "# head\n\nbucket a {  # after the brace\n  # about versioned\n  versioned  = true  # why\n  encryption = kms   # which\n\n  # last words\n}\n\n# about b\nbucket b {}\n# the end\n"
        );
        // A comment between the tokens of an entry ends up after it.
        assert_eq!(
            fmt("bucket a {\n  versioned = # odd\n    true\n}\n"),
            "bucket a {\n  versioned = true  # odd\n}\n"
        );
    }

    #[test]
    fn one_line_blocks_and_lists_keep_their_commas() {
        assert_eq!(
            fmt(
                "function f { env {A = x,B = y} }\nbucket b { lifecycle {expire = 1d    noncurrent_expire = 2d,} }\nparam p { allowed = [ \"a\" ,\"b\", ] }\n"
            ),
            "function f { env { A = x, B = y } }\nbucket b { lifecycle { expire = 1d  noncurrent_expire = 2d, } }\nparam p { allowed = [\"a\", \"b\",] }\n"
        );
    }

    #[test]
    fn blocks_and_lists_on_several_lines_hold_one_entry_a_line() {
        assert_eq!(
            fmt("param p {\n  type = string, default = \"a\"\n  allowed = [\"a\",\n  \"b\"]\n}\n"),
            "param p {\n  type    = string\n  default = \"a\"\n  allowed = [\n    \"a\",\n    \"b\",\n  ]\n}\n"
        );
    }

    #[test]
    fn verbs_keep_their_spacing_and_a_comma_that_matters() {
        assert_eq!(
            fmt("function f {\n  put  backups   \"daily/\"\n  read\n    data\n}\n"),
            "function f {\n  put  backups   \"daily/\"\n  read data\n}\n"
        );
        // Without the comma, the quoted key would read as the verb's prefix.
        assert_eq!(
            fmt(
                "schedule s { payload { read x, \"k\" = 1 } }\nschedule t {\n  payload {\n    read x, \"k\" = 1\n  }\n}\n"
            ),
            "schedule s { payload { read x, \"k\" = 1 } }\n\nschedule t {\n  payload {\n    read x,\n    \"k\" = 1\n  }\n}\n"
        );
    }

    #[test]
    fn refuses_a_file_with_syntax_errors() {
        let errors = format(FileId(0), "bucket a {\n  versioned: true\n}\nbucket b {\n")
            .expect_err("refused");
        assert_eq!(errors.len(), 2);
    }
}
