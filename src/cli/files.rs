//! The file system: reading `.dr` files, imports and function code, and writing outputs
//! all or nothing.

use super::output::say;
use super::reading::{MAX_SOURCE_BYTES, not_regular, read_source, refusal, utf8, without_code};
use super::staging::write_all;
use crate::diagnostics::Code;
use crate::source::STDIN;
use crate::{Artifact, CodeFile, CodeSource, Compilation, SourceLoader, SourceMap};
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// The `*.dr` files directly in a directory, sorted by name.
pub(super) fn dr_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let cannot = |e: std::io::Error| {
        refusal(
            Code::E0604,
            &format!("cannot read `{}`: {e}", dir.display()),
        )
    };
    let entries = std::fs::read_dir(dir).map_err(cannot)?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(cannot)?.path();
        if path.extension().is_some_and(|e| e == "dr") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(refusal(
            Code::E0604,
            &format!("`{}` is a directory with no .dr file in it", dir.display()),
        ));
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
            sources.add(STDIN, read_stdin()?);
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
    let text = read_source(path)?;
    sources.add(path.to_string_lossy(), text);
    Ok(())
}

/// Writes every artifact of the build all or nothing ([`staging`](super::staging)), then
/// says what it wrote.
///
/// One stack's outputs go into `out_dir` itself. Several stacks each get a directory of
/// their own, `out_dir/<stack>/`, with all their templates and the archives they name:
/// Terraform reads every `.tf.json` of a directory as one configuration, so two stacks side
/// by side would repeat the `stack_name` variable and the provider requirements, and
/// `terraform init` would fail.
pub(super) fn write_outputs(compilation: &Compilation, out_dir: &Path) -> Result<(), String> {
    let several = compilation.stacks.len() > 1;
    let placed: Vec<Artifact> = compilation
        .stacks
        .iter()
        .flat_map(|stack| {
            stack.artifacts.iter().map(move |artifact| Artifact {
                file_name: if several {
                    format!("{}/{}", stack.name, artifact.file_name)
                } else {
                    artifact.file_name.clone()
                },
                bytes: artifact.bytes.clone(),
            })
        })
        .collect();
    if several {
        for stack in &compilation.stacks {
            let dir = out_dir.join(&stack.name);
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
        }
    }
    for path in write_all(&placed, out_dir)? {
        say(&format!("wrote {}\n", path.display()));
    }
    Ok(())
}

/// Standard input as a `.dr` file, with the limits of [`read_source`]: at most
/// [`MAX_SOURCE_BYTES`], UTF-8, a leading byte-order mark dropped.
fn read_stdin() -> Result<String, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(MAX_SOURCE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| refusal(Code::E0604, &format!("cannot read standard input: {e}")))?;
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        return Err(refusal(
            Code::E0604,
            &format!(
                "standard input is larger than the {} MiB drc reads in one .dr file",
                MAX_SOURCE_BYTES / 1024 / 1024
            ),
        ));
    }
    utf8(bytes, "standard input").map_err(|why| refusal(Code::E0605, &why))
}

/// Reads imported `.dr` files from the file system (names are paths relative to the current
/// directory, like the files given on the command line).
pub struct FsSources;

impl SourceLoader for FsSources {
    fn read(&self, name: &str) -> Result<String, String> {
        read_source(Path::new(name)).map_err(without_code)
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
        if let Some(what) = not_regular(&metadata).filter(|_| !metadata.is_dir()) {
            // Reading a FIFO would wait forever, and a device may never end.
            return Err(std::io::Error::other(format!(
                "`{path}` is {what}, not a regular file"
            )));
        }
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
