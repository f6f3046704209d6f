//! `drc explain`: every permission of a file, each traced to its cause; or, with `--code`,
//! the page of a diagnostic code.

use super::files::{FsSources, read_sources};
use super::options::Format;
use super::output::{json_text, print_stdout, quoted, say};
use crate::Code;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["file", "code"])))]
pub(super) struct Args {
    /// The .dr file (`-` reads it from standard input).
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    /// Only this function's role and the permissions to invoke it.
    #[arg(long, value_name = "NAME")]
    function: Option<String>,
    /// The proof of each recovery objective the stack declares, instead of permissions.
    #[arg(long, conflicts_with_all = ["function", "code"])]
    objectives: bool,
    /// Print the page of a diagnostic code (like `E0302`) instead: what it means, an
    /// example and its correction.
    #[arg(long, value_name = "CODE", conflicts_with = "function")]
    code: Option<String>,
    /// Text for people, or JSON for tools (see docs/permissions.md).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub(super) fn run(args: Args, today: crate::Date, color: bool) -> Result<ExitCode, String> {
    let Args {
        file,
        function,
        objectives,
        code,
        format,
    } = args;
    if let Some(code) = code {
        return page(&code);
    }
    let file = file.expect("clap requires FILE without --code");
    if file.is_dir() {
        return Err(format!(
            "`{}` is a directory: explain takes one .dr file",
            file.display()
        ));
    }
    if objectives {
        return explain_objectives(file, today, color);
    }
    let mut sources = read_sources(&[file])?;
    let (analyses, diagnostics) =
        crate::analyze_with(&mut sources, today, &BTreeMap::new(), &FsSources);
    if !diagnostics.is_empty() {
        say(&crate::render(&diagnostics, &sources, color));
    }
    let Some(stack) = analyses.first() else {
        return Ok(ExitCode::from(1));
    };
    let source = sources.get(stack.file);
    let mut explanation = crate::iam::explain::explain(
        &stack.policies,
        &sources,
        crate::iam::explain::FileNames::AsGiven,
    );
    if let Some(name) = function.as_deref() {
        explanation = explanation.for_function(name).ok_or_else(|| {
            let names = explanation.function_names();
            let hint = match crate::diagnostics::did_you_mean(name, names.iter().copied()) {
                Some(near) => format!("\n  help: did you mean `{near}`?"),
                None if names.is_empty() => "\n  note: the file declares no function".to_owned(),
                None => format!("\n  note: its functions are {}", quoted(&names)),
            };
            format!("`{}` declares no function `{name}`{hint}", source.name)
        })?;
    }
    let silenced = &stack.program.silenced;
    let text = match format {
        Format::Text => {
            let mut text = explanation.text();
            if !silenced.is_empty() {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(&crate::report::silenced_text(silenced, &sources));
            }
            text
        }
        Format::Json => {
            let mut json = explanation.json(&stack.program.stack.name);
            json["silenced"] = crate::report::silenced_json(silenced, &sources);
            json_text(&json)
        }
    };
    print_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// `drc explain --code CODE`: the code's page, as Markdown.
fn page(text: &str) -> Result<ExitCode, String> {
    let code = Code::named(text).ok_or_else(|| {
        let names = Code::ALL.iter().map(|c| c.as_str());
        match crate::diagnostics::did_you_mean(&text.to_ascii_uppercase(), names) {
            Some(near) => format!("drc has no code `{text}`\n  help: did you mean `{near}`?"),
            None => format!(
                "drc has no code `{text}`\n  note: codes look like `E0302` or `W0105`; docs/errors/README.md lists them"
            ),
        }
    })?;
    print_stdout(code.page())?;
    Ok(ExitCode::SUCCESS)
}

/// `drc explain --objectives`: the proof of each objective; exit status 1 when the file
/// has errors (an unmet objective is one).
fn explain_objectives(file: PathBuf, today: crate::Date, color: bool) -> Result<ExitCode, String> {
    let mut sources = read_sources(&[file])?;
    let (analyses, diagnostics) =
        crate::analyze_with(&mut sources, today, &BTreeMap::new(), &FsSources);
    if !diagnostics.is_empty() {
        say(&crate::render(&diagnostics, &sources, color));
    }
    let Some(stack) = analyses.first() else {
        return Ok(ExitCode::from(1));
    };
    print_stdout(&crate::check::objectives::text(&stack.program, today))?;
    Ok(ExitCode::SUCCESS)
}
