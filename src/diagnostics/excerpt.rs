//! Bounded snippets: a diagnostic whose labels sit on one source line longer than
//! [`MAX_COLUMNS`], or on a line holding control characters, is rendered from an excerpt of
//! that line instead of the whole line: at most about [`MAX_COLUMNS`] characters around the
//! labels, cut ends shown as `…`, control characters written as escapes (`\u{1b}`). Line
//! and column numbers stay those of the file. Without it a 40 KB one-line file with 10,000
//! errors printed the whole line 10,000 times.
//!
//! ```text
//! 1 │ …q = 1 q = 1 q = 1 q = 1 q = 1…
//!   │        ^ unknown attribute
//! ```

use crate::source::{FileId, SourceMap};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{self, Files};
use std::ops::Range;

/// The widest snippet line drc prints, in characters (before escapes).
pub const MAX_COLUMNS: usize = 200;

/// Characters kept before the first label.
const LEAD: usize = 80;

/// One line of one file, cut and escaped; what codespan renders in place of the file.
pub(super) struct Excerpt<'a> {
    name: &'a str,
    text: String,
    /// The line's index in its file.
    line_index: usize,
    /// Pairs (byte in the file, byte in `text`) at every character kept, in order.
    map: Vec<(usize, usize)>,
    /// The file's text from the line's start, for columns.
    line: &'a str,
    line_start: usize,
}

impl<'a> Excerpt<'a> {
    /// The excerpt a diagnostic needs, or `None` when its file can be rendered as it is
    /// (labels over several lines or files, or a short clean line).
    pub(super) fn of(
        sources: &'a SourceMap,
        diagnostic: &cs::Diagnostic<FileId>,
    ) -> Option<Excerpt<'a>> {
        let first = diagnostic.labels.first()?;
        let file = first.file_id;
        let source = sources.source(file).ok()?;
        let line_index = sources.line_index(file, first.range.start).ok()?;
        let line_range = sources.line_range(file, line_index).ok()?;
        let same_line = diagnostic.labels.iter().all(|l| {
            l.file_id == file && l.range.start >= line_range.start && l.range.end <= line_range.end
        });
        let line = source.get(line_range.clone())?;
        let clean = |c: char| !c.is_control() || c == '\n' || c == '\r';
        if !same_line || (line.chars().count() <= MAX_COLUMNS && line.chars().all(clean)) {
            return None;
        }
        let start = diagnostic.labels.iter().map(|l| l.range.start).min()?;
        let from = back(line, start - line_range.start, LEAD);
        let mut text = String::new();
        let mut map = Vec::new();
        if from > 0 {
            text.push('…');
        }
        // Columns are counted as printed: an escape takes its width.
        let mut columns = 0;
        let mut to = line.len();
        for (at, c) in line[from..].char_indices() {
            if columns >= MAX_COLUMNS {
                to = from + at;
                break;
            }
            map.push((line_range.start + from + at, text.len()));
            match c {
                '\n' | '\r' => {}
                c if c.is_control() => text.push_str(&c.escape_unicode().to_string()),
                c => text.push(c),
            }
            columns += printed_width(c);
        }
        map.push((line_range.start + to, text.len()));
        if to < line.trim_end_matches(['\n', '\r']).len() {
            text.push('…');
        }
        Some(Excerpt {
            name: sources.name(file).ok()?,
            text,
            line_index,
            map,
            line,
            line_start: line_range.start,
        })
    }

    /// A byte of the file as a byte of the excerpt (clamped to what it shows).
    fn to_excerpt(&self, byte: usize) -> usize {
        let first = self.map.first().map_or(0, |p| p.0);
        let last = self.map.last().map_or(0, |p| p.0);
        let byte = byte.clamp(first, last);
        let at = self.map.partition_point(|p| p.0 <= byte).saturating_sub(1);
        self.map[at].1
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

    fn line_index(&'b self, (): (), _byte_index: usize) -> Result<usize, files::Error> {
        Ok(0)
    }

    fn line_range(&'b self, (): (), line_index: usize) -> Result<Range<usize>, files::Error> {
        match line_index {
            0 => Ok(0..self.text.len()),
            _ => Err(files::Error::LineTooLarge {
                given: line_index,
                max: 0,
            }),
        }
    }

    fn line_number(&'b self, (): (), _line_index: usize) -> Result<usize, files::Error> {
        Ok(self.line_index + 1)
    }

    /// The column in the file: characters from the line's start to the byte of the file
    /// the excerpt's byte shows.
    fn column_number(
        &'b self,
        (): (),
        _line_index: usize,
        byte_index: usize,
    ) -> Result<usize, files::Error> {
        let at = self
            .map
            .partition_point(|p| p.1 <= byte_index)
            .saturating_sub(1);
        let byte = self.map.get(at).map_or(self.line_start, |p| p.0) - self.line_start;
        Ok(self.line[..byte].chars().count() + 1)
    }
}
