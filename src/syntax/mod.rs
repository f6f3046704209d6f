//! The syntax stage: `&str` to [`Ast`].
//!
//! The pest grammar in `grammar/dr.pest` does the recognising; [`parse`] walks pest's pairs
//! into the AST and turns pest's errors into diagnostics that name tokens the way a user
//! would ("expected a value"), never grammar rule names. Pest types never leave this folder.
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

pub use ast::Ast;
pub use parse::parse;
