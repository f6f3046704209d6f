//! `drc explain`: every permission of a file, each traced to its cause.

use super::files::{FsSources, read_sources};
use super::options::Format;
use super::output::{json_text, print_stdout, quoted};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The .dr file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Only this function's role and the permissions to invoke it.
    #[arg(long, value_name = "NAME")]
    function: Option<String>,
    /// Text for people, or JSON for tools (see docs/permissions.md).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub(super) fn run(args: Args, today: crate::Date, color: bool) -> Result<ExitCode, String> {
    let Args {
        file,
        function,
        format,
    } = args;
    let mut sources = read_sources(&[file])?;
    let (analyses, diagnostics) =
        crate::analyze_with(&mut sources, today, &BTreeMap::new(), &FsSources);
    if !diagnostics.is_empty() {
        eprint!("{}", crate::render(&diagnostics, &sources, color));
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
    let text = match format {
        Format::Text => explanation.text(),
        Format::Json => json_text(&explanation.json(&stack.program.stack.name)),
    };
    print_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}
