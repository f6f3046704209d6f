//! `drc graph`: a picture of a stack, as Mermaid or Graphviz DOT, on stdout.

use super::files::{FsSources, read_sources};
use super::output::{print_stdout, say};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum GraphFormat {
    /// A Mermaid flowchart, for a `mermaid` code block in Markdown (GitHub renders it).
    Mermaid,
    /// Graphviz DOT: `drc graph stack.dr --format dot | dot -Tsvg > stack.svg`.
    Dot,
}

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The .dr file (`-` reads it from standard input).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Mermaid or Graphviz DOT.
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    format: GraphFormat,
}

pub(super) fn run(args: Args, today: crate::Date, color: bool) -> Result<ExitCode, String> {
    if args.file.is_dir() {
        return Err(format!(
            "`{}` is a directory: graph takes one .dr file",
            args.file.display()
        ));
    }
    let mut sources = read_sources(&[args.file])?;
    let (analyses, diagnostics) =
        crate::analyze_with(&mut sources, today, &BTreeMap::new(), &FsSources);
    if !diagnostics.is_empty() {
        say(&crate::render(&diagnostics, &sources, color));
    }
    let Some(stack) = analyses.first() else {
        return Ok(ExitCode::from(1));
    };
    let format = match args.format {
        GraphFormat::Mermaid => crate::graph::Format::Mermaid,
        GraphFormat::Dot => crate::graph::Format::Dot,
    };
    print_stdout(&crate::graph::graph(
        &stack.program,
        &stack.policies,
        format,
    ))?;
    Ok(ExitCode::SUCCESS)
}
