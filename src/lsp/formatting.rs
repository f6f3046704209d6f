//! Formatting: the whole document in `drc fmt`'s layout, as one edit; nothing for a file
//! with syntax errors.

use super::position::LineIndex;
use lsp_types::TextEdit;

/// The edits that format `text`: none when it is formatted or has syntax errors.
pub fn format(text: &str) -> Vec<TextEdit> {
    match crate::fmt::format(crate::FileId(0), text) {
        Ok(formatted) if formatted != text => {
            let range = LineIndex::new(text).range(text, 0, text.len());
            vec![TextEdit::new(range, formatted)]
        }
        _ => Vec::new(),
    }
}
