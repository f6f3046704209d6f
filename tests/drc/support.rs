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
/// directories are resolved next to the real file.
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
    let compilation = drc::compile(&sources, &options, &code);
    (sources, compilation)
}

/// Reads code directories relative to a fixed directory, whatever name the source has.
pub struct NextTo(pub PathBuf);

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
