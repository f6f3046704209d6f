//! What goes to stdout and stderr: diagnostics, JSON and text, and the exit status that
//! follows from the diagnostics.

use super::options::MessageFormat;
use crate::{Compilation, SourceMap};
use std::io::Write as _;
use std::process::ExitCode;

pub(super) fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn json_text(value: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("JSON values always serialize");
    text.push('\n');
    text
}

pub(super) fn print_stdout(text: &str) -> Result<(), String> {
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(|e| format!("cannot write to stdout: {e}"))
}

/// Prints diagnostics, to stderr for people or to stdout for tools; the exit status follows
/// from them.
pub(super) fn report(
    compilation: &Compilation,
    sources: &SourceMap,
    color: bool,
    format: MessageFormat,
) -> Result<ExitCode, String> {
    let (diagnostics, silenced) = (&compilation.diagnostics, &compilation.silenced);
    match format {
        MessageFormat::Human => {
            if !diagnostics.is_empty() {
                say(&crate::render(diagnostics, sources, color));
            }
        }
        MessageFormat::Json => {
            print_stdout(&crate::report::json::lines(diagnostics, silenced, sources))?;
        }
        MessageFormat::Sarif => {
            let log = crate::report::sarif::log(diagnostics, silenced, sources);
            print_stdout(&json_text(&log))?;
        }
    }
    Ok(if compilation.succeeded() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Writes to stderr, ignoring failure: a closed or full stderr must not stop a build
/// (`eprint!` would panic) between renames or change its exit status.
pub(super) fn say(text: &str) {
    let _ = std::io::stderr().write_all(text.as_bytes());
}
