//! `drc diff`: what changes in permissions between two versions.

use super::files::{FsSources, dr_files, read_sources};
use super::options::Format;
use super::output::{json_text, print_stdout, say};
use crate::SourceMap;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The old version: a .dr file, or a directory whose *.dr files are compared.
    #[arg(value_name = "OLD")]
    old: PathBuf,
    /// The new version, of the same sort as OLD.
    #[arg(value_name = "NEW")]
    new: PathBuf,
    /// Text for people, or JSON for tools (see docs/permissions.md).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub(super) fn run(args: Args, today: crate::Date, color: bool) -> Result<ExitCode, String> {
    let Args { old, new, format } = args;
    let directories = old.is_dir();
    let (old_files, new_files) = match (directories, new.is_dir()) {
        (true, true) => (dr_files(&old)?, dr_files(&new)?),
        (false, false) => (vec![old], vec![new]),
        _ => {
            return Err(format!(
                "OLD and NEW must both be files or both be directories: `{}` and `{}` are not",
                old.display(),
                new.display()
            ));
        }
    };
    let mut old_sources = read_sources(&old_files)?;
    let mut new_sources = read_sources(&new_files)?;
    let none = BTreeMap::new();
    let (old_analyses, old_diagnostics) =
        crate::analyze_with(&mut old_sources, today, &none, &FsSources);
    let (new_analyses, new_diagnostics) =
        crate::analyze_with(&mut new_sources, today, &none, &FsSources);
    for (diagnostics, sources) in [
        (&old_diagnostics, &old_sources),
        (&new_diagnostics, &new_sources),
    ] {
        if !diagnostics.is_empty() {
            say(&crate::render(diagnostics, sources, color));
        }
    }
    if crate::diagnostics::has_errors(&old_diagnostics)
        || crate::diagnostics::has_errors(&new_diagnostics)
    {
        return Ok(ExitCode::from(1));
    }
    let old_sides = sides(&old_analyses, &old_sources);
    let new_sides = sides(&new_analyses, &new_sources);
    let mut report = if directories {
        crate::iam::diff::diff(&old_sides, &new_sides)
    } else {
        crate::iam::diff::diff_pair(&old_sides[0], &new_sides[0])
    };
    // The concrete requests each stack newly allows, from the verify stage's universe.
    let named = |analyses: &'_ [crate::Analysis], name: &str| {
        analyses.iter().position(|a| a.program.stack.name == name)
    };
    for stack in &mut report.stacks {
        let (old, new) = if directories {
            (
                named(&old_analyses, &stack.stack),
                named(&new_analyses, &stack.stack),
            )
        } else {
            (Some(0), Some(0))
        };
        stack.set_requests(crate::verify::broaden::requests(
            old.map(|i| (&old_analyses[i].program, &old_sources)),
            new.map(|i| (&new_analyses[i].program, &new_sources)),
        ));
    }
    let text = match format {
        Format::Text => report.text(),
        Format::Json => json_text(&report.json()),
    };
    print_stdout(&text)?;
    Ok(if report.broadens() {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

/// The sides `drc diff` compares, one per analysed file.
fn sides<'a>(
    analyses: &'a [crate::Analysis],
    sources: &'a SourceMap,
) -> Vec<crate::iam::diff::Side<'a>> {
    analyses
        .iter()
        .map(|a| {
            crate::iam::diff::Side::new(
                &a.program,
                &a.policies,
                sources,
                crate::iam::explain::FileNames::AsGiven,
            )
        })
        .collect()
}
