//! Reading input files safely: regular files only, of bounded size, in UTF-8.
//!
//! A path is looked at (`metadata`, following links) before it is opened: a FIFO would
//! block the read forever, a device such as `/dev/zero` never ends, and a directory cannot
//! be read as text, so each is refused with a sentence naming what it is. A `.dr` file may
//! hold at most [`MAX_SOURCE_BYTES`]; the read itself stops one byte past the cap, so a file
//! that grows while it is read cannot exhaust memory either. Text that is not UTF-8 is
//! refused with the byte offset of the first bad byte; a leading byte-order mark is dropped.

use crate::diagnostics::Code;
use std::io::Read as _;
use std::path::Path;

/// An input refused before it is checked, as the CLI's error message: `E0604: why` or
/// `E0605: why`, which [`split_code`] takes apart again for printing
/// (`error[E0604]: why`). There is no span to point at: the file never got into the map.
pub(super) fn refusal(code: Code, why: &str) -> String {
    format!("{}: {why}", code.as_str())
}

/// A message's code and the rest, when it starts with a registered code and `: `.
pub(super) fn split_code(message: &str) -> Option<(Code, &str)> {
    let (code, rest) = message.split_once(": ")?;
    Some((Code::named(code)?, rest))
}

/// A message without its code: an imported file's refusal is the label of an `E0601`.
pub(super) fn without_code(message: String) -> String {
    match split_code(&message) {
        Some((_, rest)) => rest.to_owned(),
        None => message,
    }
}

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

/// Reads a `.dr` file: the error is a sentence saying why it cannot be used, coded `E0605`
/// when the text is not UTF-8 and `E0604` for every other refusal ([`refusal`]).
pub(super) fn read_source(path: &Path) -> Result<String, String> {
    read_bytes(path)
        .map_err(|why| refusal(Code::E0604, &why))
        .and_then(|bytes| {
            utf8(bytes, &format!("`{}`", path.display())).map_err(|why| {
                refusal(
                    Code::E0605,
                    &format!("{why} (drc reads .dr files as UTF-8)"),
                )
            })
        })
}

/// UTF-8 text without a leading byte-order mark, or why not (`what` names the input).
pub(super) fn utf8(bytes: Vec<u8>, what: &str) -> Result<String, String> {
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "{what} is not UTF-8 text: the byte at offset {} is invalid",
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

/// A regular file's bytes, at most [`MAX_SOURCE_BYTES`] of them.
fn read_bytes(path: &Path) -> Result<Vec<u8>, String> {
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
    Ok(bytes)
}
