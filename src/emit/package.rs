//! Function code packaging: a directory of files becomes a deterministic zip archive.
//!
//! Entries are sorted by path, dated 1980-01-01 (the zip epoch) and given fixed permissions
//! (`0644`, or `0755` for executables), so the same files always give the same bytes and the
//! same SHA-256. The archive is named by that hash alone (`<stack>-<hash>.zip`), not by the
//! function: functions whose code directories hold the same files share one archive, and a
//! CloudFormation update that changes code also changes the S3 key, which is what makes
//! Lambda pick the new code up. [`Archives`] packages each distinct code directory once.
//!
//! Reading files is IO, so the library asks a [`CodeSource`] for them; the CLI's reads the
//! directory named by `code = "..."`, relative to the `.dr` file.

use crate::check::model::Function;
use crate::diagnostics::{Code, Diagnostic};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::io::Write as _;

/// One file of a function's code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeFile {
    /// Path inside the archive, `/`-separated, relative to the code directory.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
    /// Whether the file is executable (a custom runtime's `bootstrap`, say).
    pub executable: bool,
}

/// Where function code comes from.
pub trait CodeSource {
    /// Every file under `dir`, which is written relative to the `.dr` file `dr_path`.
    /// The error is a sentence saying why the directory cannot be read.
    fn files(&self, dr_path: &str, dir: &str) -> Result<Vec<CodeFile>, String>;
}

/// A packaged function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Archive {
    /// The function.
    pub function: String,
    /// `<stack>-<first 12 hex digits of the SHA-256>.zip`: the content names the file, so
    /// functions with the same code name the same archive.
    pub file_name: String,
    /// The zip file.
    pub bytes: Vec<u8>,
    /// Base64 of the SHA-256 of the bytes (Terraform's `source_code_hash`).
    pub sha256_base64: String,
}

/// Packages one function's code.
#[allow(clippy::result_large_err)] // one diagnostic per function, built once
pub fn archive(
    stack: &str,
    function: &Function,
    dr_path: &str,
    code: &dyn CodeSource,
) -> Result<Archive, Diagnostic> {
    let not_found = |why: String| {
        Diagnostic::new(
            Code::E0405,
            format!("cannot package the code of function `{}`", function.name),
            function.code_span,
            why,
        )
        .with_help(
            "`code` names a directory relative to the .dr file that holds the handler's files",
        )
    };
    let mut files = code.files(dr_path, &function.code).map_err(not_found)?;
    if files.is_empty() {
        return Err(not_found("the directory has no files".to_owned()));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let bytes =
        zip(&files).map_err(|e| not_found(format!("could not build the zip archive: {e}")))?;
    let digest = Sha256::digest(&bytes);
    let hex = digest.iter().take(6).fold(String::new(), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    });
    Ok(Archive {
        function: function.name.clone(),
        file_name: format!("{stack}-{hex}.zip"),
        sha256_base64: base64::engine::general_purpose::STANDARD.encode(digest),
        bytes,
    })
}

/// Packages each distinct code directory once: functions naming the same directory (from
/// the same `.dr` file) get the archive built for the first of them, without reading the
/// directory again.
#[derive(Default)]
pub struct Archives {
    by_directory: std::collections::BTreeMap<(String, String), Archive>,
}

impl Archives {
    /// The archive of `function`'s code, built on the first request for its directory.
    #[allow(clippy::result_large_err)] // one diagnostic per function, built once
    pub fn archive(
        &mut self,
        stack: &str,
        function: &Function,
        dr_path: &str,
        code: &dyn CodeSource,
    ) -> Result<Archive, Diagnostic> {
        let key = (dr_path.to_owned(), function.code.clone());
        if let Some(built) = self.by_directory.get(&key) {
            return Ok(Archive {
                function: function.name.clone(),
                ..built.clone()
            });
        }
        let built = archive(stack, function, dr_path, code)?;
        self.by_directory.insert(key, built.clone());
        Ok(built)
    }
}

fn zip(files: &[CodeFile]) -> zip::result::ZipResult<Vec<u8>> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for file in files {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(if file.executable { 0o755 } else { 0o644 });
        writer.start_file(file.path.as_str(), options)?;
        writer.write_all(&file.bytes)?;
    }
    Ok(writer.finish()?.into_inner())
}
