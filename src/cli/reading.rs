//! Reading input files safely: regular files only, of bounded size, in UTF-8.
//!
//! A path is looked at (`metadata`, following links) before it is opened: a FIFO would
//! block the read forever, a device such as `/dev/zero` never ends, and a directory cannot
//! be read as text, so each is refused with a sentence naming what it is. A `.dr` file may
//! hold at most [`MAX_SOURCE_BYTES`]; the read itself stops one byte past the cap, so a file
//! that grows while it is read cannot exhaust memory either. Text that is not UTF-8 is
//! refused with the byte offset of the first bad byte; a leading byte-order mark is dropped.

use std::io::Read as _;
use std::path::Path;

/// The largest `.dr` file drc reads: 8 MiB, far beyond any real stack (the largest example
/// is a few kilobytes), and small enough that every later stage stays fast.
pub(super) const MAX_SOURCE_BYTES: u64 = 8 * 1024 * 1024;

/// Why `path` is not a regular file, as a sentence; `None` when it is one.
pub(super) fn not_regular(metadata: &std::fs::Metadata) -> Option<&'static str> {
    let kind = metadata.file_type();
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if kind.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some("a device");
        }
    }
    Some("not a regular file")
}

/// Reads a `.dr` file: the error is a sentence saying why it cannot be used.
pub(super) fn read_source(path: &Path) -> Result<String, String> {
    let shown = path.display();
    let metadata = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("there is no file `{shown}`"),
        _ => format!("cannot read `{shown}`: {e}"),
    })?;
    if let Some(what) = not_regular(&metadata) {
        return Err(format!(
            "`{shown}` is {what}, not a regular file: drc reads only regular .dr files"
        ));
    }
    let too_large = || {
        format!(
            "`{shown}` is larger than the {} MiB drc reads in one .dr file: split it with `import`",
            MAX_SOURCE_BYTES / 1024 / 1024
        )
    };
    if metadata.len() > MAX_SOURCE_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_SOURCE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read `{shown}`: {e}"))?;
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        return Err(too_large());
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "`{shown}` is not UTF-8 text: the byte at offset {} is invalid (drc reads .dr files as UTF-8)",
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}
