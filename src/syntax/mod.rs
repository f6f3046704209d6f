//! The syntax stage: `&str` to [`Ast`].
//!
//! The pest grammar in `grammar/dr.pest` does the recognising; [`parse`] walks pest's pairs
//! into the AST and turns pest's errors into diagnostics that name tokens the way a user
//! would ("expected a value"), never grammar rule names. When a file has syntax errors,
//! `recover.rs` reads it again item by item and entry by entry, to report them all and keep
//! what could be read. Pest types never leave this folder.
//!
//! ```text
//! bucket backups {      # an item: kind, name, block
//!   versioned = true    # an attribute
//!   lifecycle { ... }   # a nested block
//! }
//! ```

pub mod ast;
mod depth;
mod parse;
mod recover;

pub use ast::Ast;

use crate::diagnostics::{Code, Diagnostic};
use crate::source::FileId;

/// Parses one file. A file with syntax errors is read again piece by piece (`recover.rs`):
/// the diagnostics hold every syntax error, and the tree what could be read around them,
/// marked `recovered`. String escape and number problems are reported alongside the tree.
/// There is no tree only for a file nested too deep to parse at all (`E0104`).
pub fn parse(file: FileId, text: &str) -> (Option<Ast>, Vec<Diagnostic>) {
    match parse::parse(file, text) {
        (None, refused) if refused.iter().any(|d| d.code == Code::E0104) => (None, refused),
        (None, _) => recover::parse(file, text),
        parsed => parsed,
    }
}
