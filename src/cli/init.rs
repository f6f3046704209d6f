//! `drc init`: writes a starter disaster-recovery stack into a directory.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Where to create the stack: created if missing; its files must not exist yet.
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// The stack's name (by default, made from DIR's name).
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
}

pub(super) fn run(args: &Args) -> Result<ExitCode, String> {
    let dir = &args.dir;
    let name = match &args.name {
        Some(name) => name.clone(),
        None => crate::init::stack_name(&dir_name(dir)?),
    };
    if let Some(problem) = crate::init::name_problem(&name) {
        return Err(format!("{problem}; give one with --name"));
    }
    let files = crate::init::starter(&name);
    let existing: Vec<String> = files
        .iter()
        .map(|f| dir.join(&f.path))
        .filter(|p| p.exists())
        .map(|p| format!("`{}`", p.display()))
        .collect();
    if !existing.is_empty() {
        let verb = if existing.len() == 1 {
            "exists"
        } else {
            "exist"
        };
        return Err(format!(
            "{} already {verb}: nothing written (give another DIR)",
            existing.join(", ")
        ));
    }
    for file in &files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
        }
        std::fs::write(&path, &file.text)
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        eprintln!("created {}", path.display());
    }
    let shown = dir.display().to_string();
    let cd = if dir == Path::new(".") {
        String::new()
    } else if shown.contains(|c: char| !(c.is_ascii_alphanumeric() || "/._-".contains(c))) {
        format!("cd '{}' && ", shown.replace('\'', "'\\''"))
    } else {
        format!("cd {shown} && ")
    };
    eprintln!("\nnext: {cd}drc build {name}.dr    (set the alert email in {name}.dr first)");
    Ok(ExitCode::SUCCESS)
}

/// The name of the directory `dir` stands for (`.` is the current directory's).
fn dir_name(dir: &Path) -> Result<String, String> {
    let absolute = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| format!("cannot read the current directory: {e}"))?
            .join(dir)
    };
    // `a/b/..` and `.` are named by what they resolve to.
    let normal: PathBuf = absolute.components().fold(PathBuf::new(), |mut path, c| {
        match c {
            std::path::Component::ParentDir => {
                path.pop();
            }
            std::path::Component::CurDir => {}
            other => path.push(other),
        }
        path
    });
    Ok(normal
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default())
}
