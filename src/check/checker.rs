//! The checker's state ([`Checker`]) while it checks one stack. The passes that drive it are in
//! `mod.rs`; each room (`bucket.rs`, `function.rs`, ...) adds the methods of its concern.

use super::model::{Kind, ParamValue};
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span};
use jiff::civil::Date;
use std::collections::{BTreeMap, BTreeSet};

/// The checker's state while it checks one stack: what it has found, and the names and
/// parameters it has seen. Each room adds the methods for its concern in an `impl Checker`.
pub(super) struct Checker<'a> {
    pub(super) file: FileId,
    pub(super) today: Date,
    pub(super) diagnostics: Vec<Diagnostic>,
    /// Every declared name: its kind and the span of the name.
    pub(super) names: BTreeMap<&'a str, (Kind, Span)>,
    /// Values fixed with `--set NAME=VALUE`.
    pub(super) set: &'a BTreeMap<String, String>,
    /// Every checked parameter, by name.
    pub(super) params: BTreeMap<String, ParamState>,
    /// Functions declared with `existing = "..."`: outside the stack.
    pub(super) existing: BTreeSet<&'a str>,
}

/// What the checker knows about a parameter while it checks the text that uses it.
pub(super) struct ParamState {
    pub(super) span: Span,
    /// The value given with `--set`, once validated.
    pub(super) fixed: Option<ParamValue>,
    /// Whether any text inserts it.
    pub(super) used: bool,
    /// The values it can be known to take: its allowed values, or else its default.
    pub(super) known: Vec<ParamValue>,
}

impl Checker<'_> {
    /// Records a problem; checking goes on.
    pub(super) fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}
