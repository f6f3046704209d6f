//! `drc check`: diagnostics only, nothing written.

use super::files::{FsCode, FsSources, read_sources};
use super::options::{MessageFormat, collect_set, parse_set};
use super::output::report;
use crate::Options;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The .dr files to check: `-` reads one from standard input, a directory stands for
    /// the .dr files in it (sorted by name).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Treat every warning as an error (exit status 1).
    #[arg(long)]
    deny_warnings: bool,
    /// Fix a parameter's value at compile time (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_set)]
    set: Vec<(String, String)>,
    /// How to report diagnostics: for people on stderr, or JSON lines or a SARIF log on
    /// stdout for tools (see docs/recipes/).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
}

pub(super) fn run(args: Args, today: crate::Date, color: bool) -> Result<ExitCode, String> {
    let Args {
        files,
        deny_warnings,
        set,
        message_format,
    } = args;
    let set = collect_set(set)?;
    let mut sources = read_sources(&files)?;
    let options = Options {
        targets: Vec::new(),
        today,
        deny_warnings,
        set,
    };
    let compilation = crate::compile_with(&mut sources, &options, &FsCode, &FsSources);
    report(&compilation, &sources, color, message_format)
}
