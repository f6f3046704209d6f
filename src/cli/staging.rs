//! Writing a build's outputs all or nothing.
//!
//! Every artifact of the run is first written to a hidden staging file in the output
//! directory (`.drc-<pid>-<random>.tmp`), one at a time, each closed as soon as it is
//! written, so a build holds at most one output file open however many it writes. Only when
//! every artifact is staged, and every final name is known to be free for a file (absent,
//! or a file or link, never a directory), are they renamed into place: code archives first,
//! then the templates that name them, so a run killed between two renames never leaves a
//! template pointing at an archive that is not there. Any failure before the first rename
//! leaves every final name as it was, and the staging files are removed.
//!
//! No file is synced to disk: the outputs are deterministic build products that the same
//! `drc build` writes again byte for byte, so durability across a power cut buys nothing a
//! re-run does not, while an fsync per file dominated the time of large builds. Atomicity
//! against readers and against a killed drc comes from `rename`, which needs no sync.
//!
//! A run that is killed leaves its staging files behind; the next run in the same directory
//! removes those whose process is gone (on systems with `/proc`; elsewhere they stay, hidden
//! and never read).

use crate::Artifact;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The prefix of staging files; `drc` never writes an output whose name starts with `.`.
const PREFIX: &str = ".drc-";

/// One artifact written to its staging file, waiting to be renamed into place.
struct Staged {
    temp: tempfile::TempPath,
    path: PathBuf,
}

/// Writes `artifacts` into `out_dir`, all or nothing: see the module documentation. Archives
/// (`.zip`) are renamed before templates. Returns the final paths in the order they were
/// put in place. An artifact whose name appears twice with the same bytes is written once.
pub(super) fn write_all<'a>(
    artifacts: impl IntoIterator<Item = &'a Artifact>,
    out_dir: &Path,
) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(out_dir)
        .map_err(|e| format!("cannot create `{}`: {e}", out_dir.display()))?;
    remove_leftovers(out_dir);
    let mut unique: std::collections::BTreeMap<&str, &Artifact> = std::collections::BTreeMap::new();
    let mut order = Vec::new();
    for artifact in artifacts {
        match unique.get(artifact.file_name.as_str()) {
            Some(first) if first.bytes == artifact.bytes => {}
            Some(_) => {
                return Err(format!(
                    "two different outputs are named `{}`: give the stacks different names",
                    artifact.file_name
                ));
            }
            None => {
                unique.insert(&artifact.file_name, artifact);
                order.push(artifact);
            }
        }
    }
    // Archives first: a template is only put in place once what it names is there.
    order.sort_by_key(|artifact| !is_archive(artifact));
    for artifact in &order {
        let path = out_dir.join(&artifact.file_name);
        if let Ok(metadata) = std::fs::symlink_metadata(&path)
            && metadata.is_dir()
        {
            return Err(format!(
                "cannot write `{}`: a directory has that name; nothing was written",
                path.display()
            ));
        }
    }
    let mut staged = Vec::with_capacity(order.len());
    for artifact in &order {
        staged.push(stage(artifact, out_dir)?);
    }
    let mut written = Vec::with_capacity(staged.len());
    for Staged { temp, path } in staged {
        temp.persist(&path).map_err(|e| {
            format!(
                "cannot write `{}`: {}; {} of the outputs were already replaced",
                path.display(),
                e.error,
                written.len()
            )
        })?;
        written.push(path);
    }
    Ok(written)
}

fn is_archive(artifact: &Artifact) -> bool {
    Path::new(&artifact.file_name)
        .extension()
        .is_some_and(|e| e == "zip")
}

/// Writes one artifact to a fresh staging file and closes it; the file is removed when the
/// returned value is dropped without being renamed.
fn stage(artifact: &Artifact, out_dir: &Path) -> Result<Staged, String> {
    let prefix = format!("{PREFIX}{}-", std::process::id());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // Outputs get the usual 0644 (less the umask) rather than a temporary file's 0600.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut temp = builder
        .tempfile_in(out_dir)
        .map_err(|e| format!("cannot write in `{}`: {e}", out_dir.display()))?;
    temp.write_all(&artifact.bytes)
        .map_err(|e| format!("cannot write `{}`: {e}", artifact.file_name))?;
    Ok(Staged {
        temp: temp.into_temp_path(),
        path: out_dir.join(&artifact.file_name),
    })
}

/// Removes the staging files of runs whose process no longer exists. Best effort: a file
/// that cannot be removed is left, hidden and never read.
fn remove_leftovers(out_dir: &Path) {
    let proc = Path::new("/proc/self");
    if !proc.exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(out_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(PREFIX))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if !Path::new("/proc").join(pid.to_string()).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
