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
        set: std::collections::BTreeMap::new(),
    };
    let code = NextTo(path.parent().expect("files have a parent").to_path_buf());
    let compilation = drc::compile_with(&mut sources, &options, &code, &code);
    (sources, compilation)
}

/// Analyzes one `.dr` file (with its imports) as [`compile_file`] compiles it.
pub fn analyze_file(path: &Path, display: &str) -> Vec<drc::Analysis> {
    let text = std::fs::read_to_string(path).expect("fixture is readable");
    let mut sources = SourceMap::new();
    sources.add(display, text);
    let code = NextTo(path.parent().expect("files have a parent").to_path_buf());
    let set = std::collections::BTreeMap::new();
    drc::analyze_with(&mut sources, today(), &set, &code).0
}

/// Reads code directories and imported files relative to a fixed directory, whatever name
/// the source has.
pub struct NextTo(pub PathBuf);

impl drc::SourceLoader for NextTo {
    fn read(&self, name: &str) -> Result<String, String> {
        std::fs::read_to_string(self.0.join(name)).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("there is no file `{name}`"),
            _ => format!("cannot read `{name}`: {e}"),
        })
    }
}

impl drc::CodeSource for NextTo {
    fn files(&self, _dr_path: &str, dir: &str) -> Result<Vec<drc::CodeFile>, String> {
        let fake = self.0.join("input.dr");
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
