//! `drc fmt`: reads `.dr` files (or standard input), formats them with [`crate::fmt`] and
//! writes back the ones that change, each atomically, or with `--check` only names them.
//!
//! Exit status: 0 when every file is formatted (or was already), 1 when a file has syntax
//! errors (it is left untouched) or, with `--check`, when a file would change; 2 on IO errors.

use crate::SourceMap;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The arguments of `drc fmt`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Only name the files that would change, and exit with status 1 if any would.
    #[arg(long)]
    pub(super) check: bool,
    /// Files, or directories whose .dr files are formatted; `-` reads standard input and
    /// writes standard output. Default: the current directory.
    #[arg(value_name = "PATH")]
    pub(super) paths: Vec<PathBuf>,
}

/// `drc fmt [--check] [PATH...|-]`: no path formats the `.dr` files under the current
/// directory; a directory, the `.dr` files under it; `-`, standard input to standard output.
pub(super) fn run(paths: &[PathBuf], check: bool, color: bool) -> Result<ExitCode, String> {
    let here = [PathBuf::from(".")];
    let paths = if paths.is_empty() { &here[..] } else { paths };
    let mut failed = false;
    for path in paths {
        if path.as_os_str() == "-" {
            failed |= stdin(check, color)?;
            continue;
        }
        let files = if path.is_dir() {
            let mut files = Vec::new();
            dr_files(path, &mut files)
                .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
            files
        } else {
            vec![path.clone()]
        };
        for file in files {
            failed |= one_file(&file, check, color)?;
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Formats one file; whether it fails the run (syntax errors, or a change under `--check`).
fn one_file(path: &Path, check: bool, color: bool) -> Result<bool, String> {
    // As every command reads a `.dr` file: a regular file, bounded, UTF-8, no byte-order mark.
    let text = super::reading::read_source(path)?;
    let Some(formatted) = format(&path.to_string_lossy(), &text, color) else {
        return Ok(true);
    };
    if formatted == text {
        return Ok(false);
    }
    println!("{}", path.display());
    if check {
        return Ok(true);
    }
    write(path, &formatted)?;
    Ok(false)
}

/// Standard input to standard output; whether it fails the run.
fn stdin(check: bool, color: bool) -> Result<bool, String> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    let Some(formatted) = format("<stdin>", &text, color) else {
        return Ok(true);
    };
    if check {
        if formatted != text {
            println!("<stdin>");
        }
        return Ok(formatted != text);
    }
    std::io::stdout()
        .write_all(formatted.as_bytes())
        .map_err(|e| format!("cannot write to stdout: {e}"))?;
    Ok(false)
}

/// The formatted text, or `None` after printing the syntax errors.
fn format(name: &str, text: &str, color: bool) -> Option<String> {
    let mut sources = SourceMap::new();
    let file = sources.add(name, text);
    match crate::fmt::format(file, text) {
        Ok(formatted) => Some(formatted),
        Err(errors) => {
            eprint!("{}", crate::render(&errors, &sources, color));
            None
        }
    }
}

/// Replaces a file's contents atomically (a temporary file beside it, then a rename),
/// keeping its permissions.
fn write(path: &Path, text: &str) -> Result<(), String> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let cannot = |e: std::io::Error| format!("cannot write `{}`: {e}", path.display());
    let permissions = std::fs::metadata(path).map_err(cannot)?.permissions();
    let mut temp = tempfile::Builder::new()
        .prefix(".drc-fmt-")
        .tempfile_in(dir)
        .map_err(cannot)?;
    temp.write_all(text.as_bytes())
        .and_then(|()| temp.as_file().sync_all())
        .and_then(|()| temp.as_file().set_permissions(permissions))
        .map_err(cannot)?;
    temp.persist(path).map_err(|e| cannot(e.error))?;
    Ok(())
}

/// The `.dr` files under a directory, sorted, hidden files and directories left out.
fn dr_files(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            dr_files(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "dr") {
            files.push(path);
        }
    }
    Ok(())
}
