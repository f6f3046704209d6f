//! drc's integration tests: one test binary.
//!
//! - `fixtures`: every `tests/fixtures/<area>/<case>/input.dr`, discovered, compiled for both
//!   targets and snapshotted with its diagnostics, policies and outputs;
//! - `examples`: every `examples/*.dr` builds cleanly on both targets;
//! - `permissions`: the permission table and the policies drc emits, read back from the
//!   templates;
//! - `oracle`: the action table and every emitted action checked against AWS's IAM data;
//! - `cli`: the real binary: arguments, exit statuses, files written or not;
//! - `inputs`: files refused before reading (FIFOs, devices, too large) and text refused
//!   or accepted once read (invalid UTF-8, a byte-order mark); reports bounded (100 errors
//!   a file, snippets cut around their labels, control characters escaped);
//! - `outputs`: a build's files are written all or nothing, one archive per distinct code,
//!   with a bounded number of open files and whatever becomes of stderr;
//! - `diffs`: `drc diff` on every `tests/fixtures/diff/<case>/{old,new}.dr` pair.
//! - `layout`: imports run one way through the stages, with no circle, and no file outgrows
//!   a room;
//! - `yaml`: strings YAML 1.1 or 1.2 could misread, through every string position of the
//!   CloudFormation template and read back;
//! - `verify`: the proof of every example, valid fixture and generated program, and every
//!   class of mutation of the templates caught with a concrete request;
//! - `formats`: `--message-format json` and `sarif`, the SARIF log checked against the
//!   SARIF 2.1.0 schema;
//! - `graphs`: `drc graph` against the inferred policies, and the pictures in the docs;
//! - `init`: `drc init`'s starter stack builds clean and passes the installed outside checks;
//! - `package`: the package's name, licences and the files the README links to;
//! - `recipes`: the pre-commit hook over the examples in a git repository, and the GitHub
//!   Actions workflow's drc lines;
//! - `toolbelt`: error pages, completions, the man page, stdin, directories and `allow`;
//! - `citations`: every line of an example a doc cites holds what the doc says it holds;
//! - `docs`: every code has its page in `docs/errors/`, and every page's erroneous example
//!   prints exactly what the page shows while its corrected example compiles cleanly.

// Tests read and write files; the no-IO rule in clippy.toml is for the library.
#![allow(clippy::disallowed_methods)]
// drc names its own files in lowercase; an exact suffix is the assertion.
#![allow(clippy::case_sensitive_file_extension_comparisons)]

mod citations;
mod cli;
mod diffs;
mod docs;
mod examples;
mod fixtures;
mod formats;
mod formatting;
mod graphs;
mod init;
mod inputs;
mod layout;
mod lsp;
mod oracle;
mod outputs;
mod package;
mod permissions;
mod recipes;
mod scale;
mod schedules;
mod support;
mod toolbelt;
mod verify;
mod yaml;
