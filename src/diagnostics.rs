//! Diagnostics: the registry of codes, the [`Diagnostic`] value every stage produces, and
//! rendering through codespan-reporting.
//!
//! Every diagnostic has a stable code. Codes are grouped by stage: `E01xx` syntax, `E02xx`
//! items, names and attributes, `E03xx` values, `E04xx` references and permissions, `E05xx`
//! target limits, `E06xx` imports, `E09xx` internal errors (drc's own output failed a check: no
//! `.dr` file should cause one); `W0xxx` are warnings. Each code has a page in `docs/errors/`.
//!
//! Stages never print: they return diagnostics, the pipeline collects them, [`sort`]s them by
//! (file, span, code) and the CLI renders them.

mod excerpt;

use crate::source::{SourceMap, Span};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::term::{self, termcolor};

/// Whether a diagnostic stops the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The input is wrong; nothing is written.
    Error,
    /// The input works but is probably not what was meant.
    Warning,
}

macro_rules! codes {
    ($($code:ident, $severity:ident, $title:literal;)*) => {
        /// Every diagnostic code drc can report.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(#[doc = $title] $code,)*
        }

        impl Code {
            /// All codes, in order.
            pub const ALL: &'static [Code] = &[$(Code::$code,)*];

            /// The code as printed, e.g. `E0101`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$code => stringify!($code),)* }
            }

            /// Whether the code is an error or a warning.
            pub fn severity(self) -> Severity {
                match self { $(Code::$code => Severity::$severity,)* }
            }

            /// One line saying what the code is about (the title of its docs page).
            pub fn title(self) -> &'static str {
                match self { $(Code::$code => $title,)* }
            }

            /// The code's page, `docs/errors/<code>.md`, as Markdown (`drc explain --code`).
            /// Embedded when drc is built, so a code without a page does not compile.
            pub fn page(self) -> &'static str {
                match self {
                    $(Code::$code => include_str!(concat!(
                        env!("CARGO_MANIFEST_DIR"), "/docs/errors/", stringify!($code), ".md"
                    )),)*
                }
            }
        }
    };
}

codes! {
    E0101, Error, "syntax error";
    E0102, Error, "invalid escape in a string";
    E0103, Error, "number too large";
    E0104, Error, "blocks nested too deep";
    E0105, Error, "too many errors in one file";
    E0201, Error, "unknown item kind";
    E0202, Error, "unknown attribute";
    E0203, Error, "duplicate name";
    E0204, Error, "attribute set twice";
    E0205, Error, "missing required attribute";
    E0206, Error, "more than one stack declaration";
    E0207, Error, "unknown verb";
    E0208, Error, "names map to the same CloudFormation logical ID";
    E0209, Error, "invalid name";
    E0210, Error, "two files declare the same stack";
    E0223, Error, "reserved parameter name";
    E0224, Error, "`allow` of a code that is not a warning";
    E0225, Error, "`allow` without a reason";
    E0226, Error, "the stack creates no resource";
    E0215, Error, "setting on a function outside the stack";
    E0219, Error, "output named like an output drc adds";
    E0220, Error, "export name used twice";
    E0211, Error, "block takes no label";
    E0212, Error, "two lifecycle rules for one prefix";
    E0213, Error, "lifecycle rule does nothing";
    E0214, Error, "quoted key outside `tags` and `payload`";
    E0301, Error, "wrong type of value";
    E0302, Error, "wrong unit";
    E0303, Error, "value out of range";
    E0304, Error, "unknown value";
    E0305, Error, "malformed cron expression";
    E0306, Error, "invalid environment variable name";
    E0307, Error, "runtime no longer accepted by AWS";
    E0308, Error, "invalid S3 bucket name";
    E0309, Error, "invalid key prefix";
    E0310, Error, "schedule needs exactly one of `every` and `cron`";
    E0311, Error, "environment variables too large";
    E0380, Error, "malformed parameter insertion in a string";
    E0381, Error, "unknown parameter";
    E0382, Error, "parameter not allowed here";
    E0384, Error, "parameter value of the wrong type";
    E0385, Error, "parameter value outside its allowed set";
    E0386, Error, "invalid list of allowed values";
    E0387, Error, "`--set` names no parameter";
    E0340, Error, "invalid existing function";
    E0341, Error, "invalid email address";
    E0360, Error, "unknown time zone";
    E0361, Error, "value cannot be part of a JSON payload";
    E0362, Error, "payload too large";
    E0363, Error, "invalid tag key";
    E0364, Error, "invalid tag value";
    E0365, Error, "too many tags on one resource";
    E0366, Error, "invalid export name";
    E0367, Error, "too many outputs for one CloudFormation stack";
    E0320, Error, "lifecycle transition too early for its storage class";
    E0321, Error, "lifecycle transitions out of order";
    E0322, Error, "lifecycle expiration before the last transition";
    E0323, Error, "object lock on an unversioned bucket";
    E0324, Error, "bucket replicates to itself";
    E0325, Error, "replication without versioning";
    E0326, Error, "replica encrypted differently from its source";
    E0327, Error, "locked bucket replicated to a bucket without Object Lock";
    E0328, Error, "bucket logs its access to itself";
    E0329, Error, "access logs to a KMS-encrypted bucket";
    E0330, Error, "access logs to a bucket with Object Lock";
    E0331, Error, "log bucket logs its own access";
    E0332, Error, "invalid existing bucket";
    E0333, Error, "setting would change an existing bucket";
    E0334, Error, "`key` on a bucket the stack creates";
    E0335, Error, "invalid KMS key ARN";
    E0336, Error, "existing bucket as replica or log bucket";
    E0337, Error, "unknown region";
    E0338, Error, "bucket in another region replicates or logs its access";
    E0339, Error, "access logs to a bucket in another region";
    E0342, Error, "invalid AWS account ID";
    E0343, Error, "`account` on a bucket the stack creates";
    E0344, Error, "replication destination named twice";
    E0345, Error, "more replication destinations than S3 allows";
    E0390, Error, "recovery objective not met";
    E0401, Error, "undefined name";
    E0402, Error, "verb not allowed on this kind of resource";
    E0403, Error, "unknown attribute of a resource";
    E0404, Error, "reference cycle";
    E0405, Error, "function code not found";
    E0420, Error, "failure target of the wrong kind";
    E0421, Error, "schedule invokes a function outside the stack";
    E0422, Error, "reference to a function outside the stack";
    E0501, Error, "too many resources for one CloudFormation stack";
    E0502, Error, "item needs more values than a nested stack can pass";
    E0520, Error, "permissions too large for one role's policies";
    E0521, Error, "one permission too large for an IAM policy";
    E0540, Error, "name too long for AWS";
    E0541, Error, "logical ID too long";
    E0542, Error, "too many lifecycle rules";
    E0601, Error, "cannot read an imported file";
    E0602, Error, "import cycle";
    E0603, Error, "import of a file that is not a `.dr` file";
    E0604, Error, "cannot read an input file";
    E0605, Error, "input file is not UTF-8 text";
    E0901, Error, "internal error: the output does not grant exactly what is declared";
    W0001, Warning, "deprecated runtime";
    W0002, Warning, "setting has no effect";
    W0003, Warning, "`allow` that silences nothing";
    W0101, Warning, "a function can both write and delete backups";
    W0102, Warning, "a function can permanently delete versions of backups";
    W0103, Warning, "environment refers to a bucket the function may not act on";
    W0104, Warning, "a function acts on a bucket whose name it is not given";
    W0105, Warning, "backup bucket without versioning";
    W0106, Warning, "backup bucket not encrypted with a KMS key";
    W0107, Warning, "version verb on an unversioned bucket";
    W0108, Warning, "an overwrite can expire a backup early";
    W0109, Warning, "replica without an expiry of its own";
    W0110, Warning, "lifecycle shorter than a storage class's minimum duration";
    W0111, Warning, "compliance-mode lock on a bucket that is not retained";
    W0112, Warning, "expiry shorter than the object lock";
    W0501, Warning, "unused parameter";
    W0301, Warning, "scheduled function cannot report failure";
    W0302, Warning, "scheduled function keeps failed events but alarms no one";
    W0401, Warning, "time zone of a rate schedule";
    W0402, Warning, "event age without retries";
    W0403, Warning, "cron time in a daylight saving change";
}

impl Code {
    /// The code written as `text` (`E0302`, in any case), if drc has it.
    pub fn named(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|code| code.as_str().eq_ignore_ascii_case(text))
    }
}

/// A message attached to a span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What is wrong (primary) or why this place matters (secondary).
    pub message: String,
}

/// One problem found in the input, with everything needed to explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The stable code; it decides the severity.
    pub code: Code,
    /// Short, lowercase, no trailing period.
    pub message: String,
    /// What is wrong, at the place it is wrong.
    pub primary: Label,
    /// Related places ("first defined here").
    pub secondary: Vec<Label>,
    /// Facts (`note:` lines).
    pub notes: Vec<String>,
    /// How to fix it (`help:` line).
    pub help: Option<String>,
    /// A warning turned into an error by `--deny-warnings` or `deny_warnings = true`.
    pub denied: bool,
    /// The "did you mean" of the help, as data: tools can offer it as a replacement.
    pub suggestion: Option<Suggestion>,
}

/// A near word to write instead of a wrong one ("did you mean `backups`?").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The text as written, found inside the primary label's span (or a secondary one's).
    pub wrong: String,
    /// What to write instead.
    pub replacement: String,
}

impl Diagnostic {
    /// A diagnostic with a code, a message and its primary label.
    pub fn new(
        code: Code,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Self {
        Self {
            code,
            message: message.into(),
            primary: Label {
                span,
                message: label.into(),
            },
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            denied: false,
            suggestion: None,
        }
    }

    /// Adds a secondary label.
    #[must_use]
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Adds a `note:`.
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Sets the `help:` (replacing a "did you mean", and its suggestion, if there was one).
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self.suggestion = None;
        self
    }

    /// Adds "did you mean `x`?" as help when a near candidate exists; keeps existing help
    /// otherwise.
    #[must_use]
    pub fn with_suggestion<'a>(
        mut self,
        wrong: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        if let Some(near) = did_you_mean(wrong, candidates) {
            self.help = Some(format!("did you mean `{near}`?"));
            self.suggestion = Some(Suggestion {
                wrong: wrong.to_owned(),
                replacement: near.to_owned(),
            });
        }
        self
    }

    /// Like [`Diagnostic::with_suggestion`], but only for a candidate that `accept` approves.
    #[must_use]
    pub fn with_suggestion_if<'a>(
        mut self,
        accept: impl Fn(&str) -> bool,
        wrong: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        if let Some(near) = did_you_mean(wrong, candidates).filter(|near| accept(near)) {
            self.help = Some(format!("did you mean `{near}`?"));
            self.suggestion = Some(Suggestion {
                wrong: wrong.to_owned(),
                replacement: near.to_owned(),
            });
        }
        self
    }

    /// Turns a warning into an error, with a note saying `why` (what denies warnings).
    /// Errors are returned unchanged.
    #[must_use]
    pub fn deny(mut self, why: &str) -> Self {
        if !self.is_error() {
            self.denied = true;
            self.notes.push(format!(
                "`{}` is a warning, made an error by {why}",
                self.code.as_str()
            ));
        }
        self
    }

    /// The diagnostic's severity: its code's, or an error if the warning was denied.
    pub fn severity(&self) -> Severity {
        if self.denied {
            Severity::Error
        } else {
            self.code.severity()
        }
    }

    /// Whether this diagnostic stops the build.
    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }

    fn sort_key(&self) -> (Span, Code, &str) {
        (self.primary.span, self.code, &self.message)
    }

    fn to_codespan(&self) -> cs::Diagnostic<crate::source::FileId> {
        let severity = match self.severity() {
            Severity::Error => cs::Severity::Error,
            Severity::Warning => cs::Severity::Warning,
        };
        let mut labels = vec![
            cs::Label::primary(self.primary.span.file, self.primary.span.range())
                .with_message(printable(&self.primary.message)),
        ];
        labels.extend(self.secondary.iter().map(|l| {
            cs::Label::secondary(l.span.file, l.span.range()).with_message(printable(&l.message))
        }));
        let mut notes: Vec<String> = self
            .notes
            .iter()
            .map(|n| format!("note: {}", printable(n)))
            .collect();
        if let Some(help) = &self.help {
            notes.push(format!("help: {}", printable(help)));
        }
        notes.push(format!(
            "note: `drc explain --code {}` explains this code",
            self.code.as_str()
        ));
        cs::Diagnostic::new(severity)
            .with_code(self.code.as_str())
            .with_message(printable(&self.message))
            .with_labels(labels)
            .with_notes(notes)
    }
}

/// The nearest candidate by edit distance, if it is near enough to be a likely typo.
pub fn did_you_mean<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let wrong_lower = wrong.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(&wrong_lower, &c.to_ascii_lowercase()),
                c,
            )
        })
        .filter(|&(d, c)| d > 0 || c != wrong)
        .filter(|&(d, c)| d <= (c.len().max(wrong.len()) / 3).max(1))
        .min()
        .map(|(_, c)| c)
}

/// Sorts diagnostics into reading order: by file, span, then code.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// The most errors drc reports for one file; the rest are counted in one `E0105`.
pub const MAX_ERRORS_PER_FILE: usize = 100;

/// Keeps the first [`MAX_ERRORS_PER_FILE`] errors of each file (in the order given, which
/// [`sort`] makes reading order) and replaces the others with one `E0105` at the first of
/// them, saying how many were left out; warnings are kept. The result is sorted again.
pub fn cap(diagnostics: &mut Vec<Diagnostic>) {
    let mut errors: std::collections::BTreeMap<crate::source::FileId, (usize, Option<Span>)> =
        std::collections::BTreeMap::new();
    diagnostics.retain(|d| {
        // A second cap (a compilation caps what its analysis capped) keeps the first count.
        if !d.is_error() || d.code == Code::E0105 {
            return true;
        }
        let (count, first_left_out) = errors.entry(d.primary.span.file).or_default();
        *count += 1;
        if *count <= MAX_ERRORS_PER_FILE {
            return true;
        }
        first_left_out.get_or_insert(d.primary.span);
        false
    });
    for (count, first_left_out) in errors.into_values() {
        if let Some(span) = first_left_out {
            let more = count - MAX_ERRORS_PER_FILE;
            diagnostics.push(
                Diagnostic::new(
                    Code::E0105,
                    format!(
                        "{more} more error{} in this file not shown",
                        if more == 1 { "" } else { "s" }
                    ),
                    span,
                    "the first of them is here",
                )
                .with_note(format!(
                    "drc reports at most {MAX_ERRORS_PER_FILE} errors per file"
                ))
                .with_help("fix the errors above, then check again"),
            );
        }
    }
    sort(diagnostics);
}

/// Whether any diagnostic is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

/// Renders diagnostics as a compiler would print them, followed by a summary line.
///
/// `color` adds ANSI colour codes (the CLI asks for it only on a terminal). A snippet of a
/// line longer than about 200 columns (`excerpt::MAX_COLUMNS`), or holding control
/// characters, shows an excerpt of it.
pub fn render(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let mut out = String::new();
    let mut buffer = termcolor::Buffer::ansi();
    for d in diagnostics {
        let diagnostic = d.to_codespan();
        match excerpt::Excerpt::of(sources, &diagnostic) {
            Some(excerpt) => {
                let diagnostic = excerpt.relabel(diagnostic);
                emit(&mut out, &mut buffer, color, &excerpt, &diagnostic);
            }
            None => emit(&mut out, &mut buffer, color, sources, &diagnostic),
        }
    }
    if color {
        out.push_str(&String::from_utf8_lossy(buffer.as_slice()));
    }
    if let Some(summary) = summary(diagnostics) {
        out.push_str(&summary);
        out.push('\n');
    }
    out
}

/// One diagnostic, into `out` without colour or into `buffer` with it.
fn emit<'f, F: codespan_reporting::files::Files<'f>>(
    out: &mut String,
    buffer: &mut termcolor::Buffer,
    color: bool,
    files: &'f F,
    diagnostic: &cs::Diagnostic<F::FileId>,
) {
    let config = term::Config::default();
    if color {
        let styles = term::Styles::default();
        let mut writer = term::StylesWriter::new(buffer, &styles);
        term::emit_to_write_style(&mut writer, &config, files, diagnostic)
            .expect("diagnostic spans always point into the source map");
    } else {
        term::emit_to_string(out, &config, files, diagnostic)
            .expect("diagnostic spans always point into the source map");
    }
}

/// The most characters printed of one message, label, note or help line (escapes count
/// their width): a message quoting user text (a 40 KB string) is cut there, with `…`.
const MAX_MESSAGE_CHARS: usize = 500;

/// Text with its control characters (other than line breaks) written as escapes
/// (`\u{1b}`), so a message quoting user text cannot drive the terminal, and at most
/// [`MAX_MESSAGE_CHARS`] characters long.
fn printable(text: &str) -> String {
    let mut out = String::new();
    let mut count = 0;
    for c in text.chars() {
        if count >= MAX_MESSAGE_CHARS {
            out.push('…');
            break;
        }
        match c {
            '\n' => out.push('\n'),
            c if c.is_control() => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
        count += if c.is_control() && c != '\n' {
            c.escape_unicode().count()
        } else {
            1
        };
    }
    out
}

/// "error: could not compile (2 errors, 1 warning)" and similar, or `None` when there is
/// nothing to say.
fn summary(diagnostics: &[Diagnostic]) -> Option<String> {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => None,
        (0, w) => Some(format!("warning: {} emitted", plural(w, "warning"))),
        (e, 0) => Some(format!("error: could not compile ({})", plural(e, "error"))),
        (e, w) => Some(format!(
            "error: could not compile ({}, {})",
            plural(e, "error"),
            plural(w, "warning")
        )),
    }
}
