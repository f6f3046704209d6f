//! The file system: reading `.dr` files, imports and function code, and writing outputs
//! atomically.

use crate::source::STDIN;
use crate::{CodeFile, CodeSource, Compilation, SourceLoader, SourceMap};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

/// The `*.dr` files directly in a directory, sorted by name.
pub(super) fn dr_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?
            .path();
        if path.extension().is_some_and(|e| e == "dr") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(format!("`{}` holds no .dr file", dir.display()));
    }
    Ok(files)
}

/// Reads the files named on the command line, each a stack's root file: `-` is standard
/// input (shown as `<stdin>`), and a directory stands for its `*.dr` files ([`dr_files`]).
pub(super) fn read_sources(paths: &[PathBuf]) -> Result<SourceMap, String> {
    let mut sources = SourceMap::new();
    let mut stdin = false;
    for path in paths {
        if path.as_os_str() == "-" {
            if std::mem::replace(&mut stdin, true) {
                return Err("`-` (standard input) is given twice".to_owned());
            }
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            sources.add(STDIN, text);
        } else if path.is_dir() {
            for file in dr_files(path)? {
                add_file(&mut sources, &file)?;
            }
        } else {
            add_file(&mut sources, path)?;
        }
    }
    Ok(sources)
}

fn add_file(sources: &mut SourceMap, path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    sources.add(path.to_string_lossy(), text);
    Ok(())
}

/// Writes every artifact atomically: each goes to a temporary file in the output directory
/// first, and only when all are written are they renamed into place.
pub(super) fn write_outputs(compilation: &Compilation, out_dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(out_dir)
        .map_err(|e| format!("cannot create `{}`: {e}", out_dir.display()))?;
    let mut staged = Vec::new();
    for stack in &compilation.stacks {
        for artifact in &stack.artifacts {
            let mut temp = tempfile::Builder::new()
                .prefix(".drc-")
                .tempfile_in(out_dir)
                .map_err(|e| format!("cannot write in `{}`: {e}", out_dir.display()))?;
            temp.write_all(&artifact.bytes)
                .and_then(|()| temp.as_file().sync_all())
                .map_err(|e| format!("cannot write `{}`: {e}", artifact.file_name))?;
            staged.push((temp, out_dir.join(&artifact.file_name)));
        }
    }
    for (temp, path) in staged {
        let file = temp
            .persist(&path)
            .map_err(|e| format!("cannot write `{}`: {}", path.display(), e.error))?;
        set_readable(&file);
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// Temporary files are created private (0600); outputs get the usual 0644.
fn set_readable(file: &std::fs::File) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let _ = file.set_permissions(std::fs::Permissions::from_mode(0o644));
    }
    #[cfg(not(unix))]
    let _ = file;
}

/// Reads imported `.dr` files from the file system (names are paths relative to the current
/// directory, like the files given on the command line).
pub struct FsSources;

impl SourceLoader for FsSources {
    fn read(&self, name: &str) -> Result<String, String> {
        std::fs::read_to_string(name).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("there is no file `{name}`"),
            _ => format!("cannot read `{name}`: {e}"),
        })
    }
}

/// Reads function code from the directory named in `code = "..."`, relative to the `.dr`
/// file. Hidden files and directories (names starting with `.`) are left out.
pub struct FsCode;

impl CodeSource for FsCode {
    fn files(&self, dr_path: &str, dir: &str) -> Result<Vec<CodeFile>, String> {
        let base = Path::new(dr_path).parent().unwrap_or(Path::new(""));
        let root = base.join(dir);
        if !root.is_dir() {
            return Err(format!("there is no directory `{dir}` beside this file"));
        }
        let mut files = Vec::new();
        collect(&root, "", &mut files).map_err(|e| format!("cannot read `{dir}`: {e}"))?;
        Ok(files)
    }
}

fn collect(dir: &Path, prefix: &str, files: &mut Vec<CodeFile>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = format!("{prefix}{name}");
        let metadata = std::fs::metadata(entry.path())?;
        if metadata.is_dir() {
            collect(&entry.path(), &format!("{path}/"), files)?;
        } else {
            files.push(CodeFile {
                path,
                bytes: std::fs::read(entry.path())?,
                executable: is_executable(&metadata),
            });
        }
    }
    Ok(())
}

#[cfg(unix)]
fn is_executable(metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    metadata.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_: &std::fs::Metadata) -> bool {
    false
}
