//! Bounded snippets: a diagnostic whose labels sit on source lines longer than
//! [`MAX_COLUMNS`], or on lines holding control characters, is rendered from an excerpt of
//! each labelled line instead of the whole lines: at most about [`MAX_COLUMNS`] columns
//! around the labels, cut ends shown as `…`, control characters written as escapes
//! (`\u{1b}`). Line and column numbers stay those of the file. Without it a 40 KB one-line
//! file with 10,000 errors printed the whole line 10,000 times. A label spanning several
//! lines keeps the whole lines.
//!
//! ```text
//! 1 │ …q = 1 q = 1 q = 1 q = 1 q = 1…
//!   │        ^ unknown attribute
//! ```

use crate::source::{FileId, SourceMap};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{self, Files};
use std::ops::Range;

/// The widest snippet line drc prints, in columns (an escape counts its width).
pub const MAX_COLUMNS: usize = 200;

/// Columns kept before a line's first label.
const LEAD: usize = 80;

/// The labelled lines of one file, each cut and escaped; what codespan renders in place of
/// the file.
pub(super) struct Excerpt<'a> {
    name: &'a str,
    /// The lines' excerpts, each ending in a newline.
    text: String,
    lines: Vec<Line<'a>>,
}

/// One line's excerpt.
struct Line<'a> {
    /// The line's index in its file.
    index: usize,
    /// Where the excerpt is in [`Excerpt::text`], newline included.
    range: Range<usize>,
    /// Pairs (byte in the file, byte in the excerpt's text) at every character kept.
    map: Vec<(usize, usize)>,
    /// The line in its file, and where it starts, for columns.
    text: &'a str,
    start: usize,
}

impl<'a> Excerpt<'a> {
    /// The excerpt a diagnostic needs, or `None` when its file can be rendered as it is
    /// (labels in several files or spanning lines, or short clean lines).
    pub(super) fn of(
        sources: &'a SourceMap,
        diagnostic: &cs::Diagnostic<FileId>,
    ) -> Option<Excerpt<'a>> {
        let file = diagnostic.labels.first()?.file_id;
        let source = sources.source(file).ok()?;
        let mut starts = std::collections::BTreeMap::new();
        for label in &diagnostic.labels {
            let index = sources.line_index(file, label.range.start).ok()?;
            let range = sources.line_range(file, index).ok()?;
            if label.file_id != file || label.range.end > range.end {
                return None;
            }
            let first = starts.entry(index).or_insert((range, label.range.start));
            first.1 = first.1.min(label.range.start);
        }
        let clean = |c: char| !c.is_control() || c == '\n' || c == '\r';
        // codespan also prints the one line between two labelled lines: it must be short too.
        let gaps: Vec<usize> = starts
            .keys()
            .filter(|i| starts.contains_key(&(*i + 2)) && !starts.contains_key(&(*i + 1)))
            .map(|i| i + 1)
            .collect();
        let short = |index: usize| {
            sources.line_range(file, index).is_ok_and(|range| {
                let line = &source[range];
                line.chars().count() <= MAX_COLUMNS && line.chars().all(clean)
            })
        };
        let plain = starts.keys().chain(&gaps).all(|&index| short(index));
        if plain {
            return None;
        }
        let mut excerpt = Excerpt {
            name: sources.name(file).ok()?,
            text: String::new(),
            lines: Vec::new(),
        };
        for (index, (range, first)) in starts {
            excerpt.push_line(index, &source[range.clone()], range.start, first);
        }
        Some(excerpt)
    }

    /// Appends the excerpt of one line: from [`LEAD`] columns before its first label,
    /// [`MAX_COLUMNS`] columns on.
    fn push_line(&mut self, index: usize, line: &'a str, start: usize, first: usize) {
        let text = &mut self.text;
        let begin = text.len();
        let from = back(line, first - start, LEAD);
        if from > 0 {
            text.push('…');
        }
        let mut map = Vec::new();
        let mut columns = 0;
        let mut to = line.len();
        for (at, c) in line[from..].char_indices() {
            if columns >= MAX_COLUMNS {
                to = from + at;
                break;
            }
            map.push((start + from + at, text.len()));
            match c {
                '\n' | '\r' => {}
                c if c.is_control() => text.push_str(&c.escape_unicode().to_string()),
                c => text.push(c),
            }
            columns += printed_width(c);
        }
        map.push((start + to, text.len()));
        if to < line.trim_end_matches(['\n', '\r']).len() {
            text.push('…');
        }
        text.push('\n');
        self.lines.push(Line {
            index,
            range: begin..text.len(),
            map,
            text: line,
            start,
        });
    }

    /// A byte of the file as a byte of the excerpt (clamped to what its line shows).
    fn to_excerpt(&self, byte: usize) -> usize {
        let line = self
            .lines
            .iter()
            .rev()
            .find(|l| l.start <= byte)
            .unwrap_or(&self.lines[0]);
        let first = line.map.first().map_or(0, |p| p.0);
        let last = line.map.last().map_or(0, |p| p.0);
        let byte = byte.clamp(first, last);
        let at = line.map.partition_point(|p| p.0 <= byte).saturating_sub(1);
        line.map[at].1
    }

    /// The diagnostic with its labels moved onto the excerpt.
    pub(super) fn relabel(&self, mut diagnostic: cs::Diagnostic<FileId>) -> cs::Diagnostic<()> {
        let labels = diagnostic
            .labels
            .drain(..)
            .map(|l| cs::Label {
                style: l.style,
                file_id: (),
                range: self.to_excerpt(l.range.start)..self.to_excerpt(l.range.end),
                message: l.message,
            })
            .collect();
        cs::Diagnostic {
            severity: diagnostic.severity,
            code: diagnostic.code,
            message: diagnostic.message,
            labels,
            notes: diagnostic.notes,
        }
    }

    fn line(&self, line_index: usize) -> Result<&Line<'a>, files::Error> {
        self.lines
            .get(line_index)
            .ok_or(files::Error::LineTooLarge {
                given: line_index,
                max: self.lines.len().saturating_sub(1),
            })
    }
}

/// The byte `columns` printed columns before `at` (or the line's start).
fn back(line: &str, at: usize, columns: usize) -> usize {
    let mut width = 0;
    for (i, c) in line[..at].char_indices().rev() {
        width += printed_width(c);
        if width >= columns {
            return i;
        }
    }
    0
}

/// How many columns a character of the line takes in the excerpt.
fn printed_width(c: char) -> usize {
    match c {
        '\n' | '\r' => 0,
        c if c.is_control() => c.escape_unicode().count(),
        _ => 1,
    }
}

impl<'b> Files<'b> for Excerpt<'_> {
    type FileId = ();
    type Name = &'b str;
    type Source = &'b str;

    fn name(&'b self, (): ()) -> Result<&'b str, files::Error> {
        Ok(self.name)
    }

    fn source(&'b self, (): ()) -> Result<&'b str, files::Error> {
        Ok(&self.text)
    }

    fn line_index(&'b self, (): (), byte_index: usize) -> Result<usize, files::Error> {
        Ok(self
            .lines
            .partition_point(|l| l.range.start <= byte_index)
            .saturating_sub(1))
    }

    fn line_range(&'b self, (): (), line_index: usize) -> Result<Range<usize>, files::Error> {
        Ok(self.line(line_index)?.range.clone())
    }

    fn line_number(&'b self, (): (), line_index: usize) -> Result<usize, files::Error> {
        Ok(self.line(line_index)?.index + 1)
    }

    /// The column in the file: characters from the line's start to the byte of the file
    /// the excerpt's byte shows.
    fn column_number(
        &'b self,
        (): (),
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, files::Error> {
        let line = self.line(line_index)?;
        let at = line
            .map
            .partition_point(|p| p.1 <= byte_index)
            .saturating_sub(1);
        let byte = line.map.get(at).map_or(line.start, |p| p.0) - line.start;
        Ok(line.text[..byte].chars().count() + 1)
    }
}
