//! `drc verify PATH...`: reads built templates back and proves each role allows exactly what
//! its declarations entitle (see `crate::verify`).

use super::options::Format;
use super::output::{json_text, print_stdout};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `drc verify`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Output directories (their *.cfn.yaml and *.tf.json files) or template files.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Text for people, or JSON for tools (see docs/permissions.md).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// `drc verify`.
pub(super) fn run(args: Args) -> Result<ExitCode, String> {
    let Args { paths, format } = args;
    let paths = &paths;
    let mut files: Vec<PathBuf> = Vec::new();
    let is_template = |name: &str| name.ends_with(".cfn.yaml") || name.ends_with(".tf.json");
    let templates_in = |dir: &Path, stack: Option<&str>| -> Result<Vec<PathBuf>, String> {
        let entries =
            std::fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
        let mut found = Vec::new();
        for entry in entries {
            let path = entry
                .map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?
                .path();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let of_stack = stack
                .is_none_or(|s| name.starts_with(&format!("{s}.")) && name.ends_with(".cfn.yaml"));
            if is_template(&name) && of_stack && path.is_file() {
                found.push(path);
            }
        }
        Ok(found)
    };
    for path in paths {
        if path.is_dir() {
            let found = templates_in(path, None)?;
            if found.is_empty() {
                return Err(format!(
                    "`{}` holds no .cfn.yaml or .tf.json file",
                    path.display()
                ));
            }
            files.extend(found);
        } else if !path.exists() {
            return Err(format!(
                "there is no file or directory `{}`",
                path.display()
            ));
        } else {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !is_template(&name) {
                return Err(format!(
                    "`{}` is neither a CloudFormation template (.cfn.yaml) nor a Terraform configuration (.tf.json)",
                    path.display()
                ));
            }
            // A stack's templates for its other regions are read with its main template.
            if name.ends_with(".cfn.yaml") {
                let stack = name.split('.').next().unwrap_or_default();
                let dir = path
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                files.extend(templates_in(dir, Some(stack))?);
            }
            files.push(path.clone());
        }
    }
    files.sort();
    files.dedup();
    let mut named = Vec::new();
    for path in &files {
        let bytes =
            std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if named.iter().any(|(n, _): &(String, Vec<u8>)| *n == name) {
            return Err(format!(
                "two files named `{name}`: verify one output directory at a time"
            ));
        }
        named.push((name, bytes));
    }
    let mut report = crate::verify::report::Report::default();
    for stack in crate::verify::group(named)? {
        report.stacks.push(crate::verify::verify(&stack)?);
    }
    let text = match format {
        Format::Text => report.text(),
        Format::Json => json_text(&report.json()),
    };
    print_stdout(&text)?;
    Ok(if report.proven() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
