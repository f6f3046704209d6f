//! Shared helpers: compiling a file as the CLI would, with a fixed date.

use drc::{Compilation, Options, SourceMap, Target};
use std::path::{Path, PathBuf};

/// The date every test compiles against, so runtime deprecation results never drift.
pub fn today() -> drc::Date {
    drc::date(2026, 11, 24)
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compiles one `.dr` file for both targets. `display` is the name diagnostics show; code
/// directories and imported files are resolved next to the real file. The map returned holds
/// the file and every file it imports.
pub fn compile_file(path: &Path, display: &str) -> (SourceMap, Compilation) {
    let text = std::fs::read_to_string(path).expect("fixture is readable");
    let mut sources = SourceMap::new();
    sources.add(display, text);
    let options = Options {
        targets: Target::ALL.to_vec(),
        today: today(),
        deny_warnings: false,
        set: std::collections::BTreeMap::new(),
    };
    let code = NextTo::new(path, display);
    let compilation = drc::compile_with(&mut sources, &options, &code, &code);
    (sources, compilation)
}

/// Analyzes one `.dr` file (with its imports) as [`compile_file`] compiles it: the sources
/// (the file and its imports), the analyses and the diagnostics.
pub fn analyze_file(
    path: &Path,
    display: &str,
) -> (SourceMap, Vec<drc::Analysis>, Vec<drc::Diagnostic>) {
    let text = std::fs::read_to_string(path).expect("fixture is readable");
    let mut sources = SourceMap::new();
    sources.add(display, text);
    let code = NextTo::new(path, display);
    let set = std::collections::BTreeMap::new();
    let (analyses, diagnostics) = drc::analyze_with(&mut sources, today(), &set, &code);
    (sources, analyses, diagnostics)
}

/// Reads code directories and imported files next to the real file, whatever name it is
/// shown under: an imported file's name is resolved against the shown name's directory, so
/// that directory is taken off again before reading.
pub struct NextTo {
    dir: PathBuf,
    shown_dir: PathBuf,
}

impl NextTo {
    /// Reads next to `path`, shown as `display`.
    pub fn new(path: &Path, display: &str) -> Self {
        NextTo {
            dir: path.parent().expect("files have a parent").to_path_buf(),
            shown_dir: Path::new(display)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
        }
    }
}

impl drc::SourceLoader for NextTo {
    fn read(&self, name: &str) -> Result<String, String> {
        let relative = Path::new(name)
            .strip_prefix(&self.shown_dir)
            .unwrap_or(Path::new(name));
        std::fs::read_to_string(self.dir.join(relative)).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("there is no file `{name}`"),
            _ => format!("cannot read `{name}`: {e}"),
        })
    }
}

impl drc::CodeSource for NextTo {
    fn files(&self, _dr_path: &str, dir: &str) -> Result<Vec<drc::CodeFile>, String> {
        let fake = self.dir.join("input.dr");
        drc::cli::FsCode.files(&fake.to_string_lossy(), dir)
    }
}

/// The artifact with this file-name suffix, as text.
pub fn artifact_text(compilation: &Compilation, suffix: &str) -> String {
    let artifact = compilation.stacks[0]
        .artifacts
        .iter()
        .find(|a| a.file_name.ends_with(suffix))
        .unwrap_or_else(|| panic!("no artifact ending in {suffix}"));
    String::from_utf8(artifact.bytes.clone()).expect("templates are UTF-8")
}
