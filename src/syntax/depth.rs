//! The nesting limit: blocks and lists may nest at most [`MAX_NESTING`] deep.
//!
//! The pest parser descends once per level, so a file nested thousands deep would exhaust
//! the stack before it could report anything. This pass runs first and only counts: it skips
//! strings (with their escapes) and comments the way the grammar reads them, and reports the
//! first bracket past the limit, so the parser only ever sees shallow files.
//!
//! ```dr
//! bucket data { lifecycle { expire = 30d } }   # two levels: fine
//! ```

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// How deep `{ ... }` blocks and `[ ... ]` lists may nest, counted together. Real stacks
/// nest two or three deep; the limit is generous and keeps parsing in bounded stack.
pub const MAX_NESTING: usize = 16;

/// The `E0104` error at the first bracket that opens level [`MAX_NESTING`] + 1, if any.
pub fn too_deep(file: FileId, text: &str) -> Option<Diagnostic> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && !matches!(bytes[i], b'"' | b'\n') {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(
                        Diagnostic::new(
                            Code::E0104,
                            format!("blocks and lists nest more than {MAX_NESTING} deep"),
                            Span::new(file, i, i + 1),
                            format!("this opens level {depth}"),
                        )
                        .with_help("flatten the structure: no attribute of drc nests this deep"),
                    );
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{MAX_NESTING, too_deep};
    use crate::source::FileId;

    #[test]
    fn ten_thousand_levels_are_refused_without_overflow() {
        let text = format!(
            "bucket b {{ {}{}",
            "x { ".repeat(10_000),
            "}".repeat(10_001)
        );
        let (ast, diagnostics) = crate::syntax::parse(FileId(0), &text);
        assert!(ast.is_none());
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, crate::diagnostics::Code::E0104);
    }

    #[test]
    fn the_limit_itself_is_allowed_and_strings_and_comments_do_not_count() {
        let deep = |n: usize| format!("bucket b {{ {}{}", "x { ".repeat(n - 1), "}".repeat(n));
        assert!(too_deep(FileId(0), &deep(MAX_NESTING)).is_none());
        assert!(too_deep(FileId(0), &deep(MAX_NESTING + 1)).is_some());
        let quiet = format!(
            "# {}\nbucket b {{ a = \"{}\\\" [\" }}",
            "{".repeat(40),
            "[".repeat(40)
        );
        assert!(too_deep(FileId(0), &quiet).is_none());
    }
}
