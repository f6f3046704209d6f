//! The abstract syntax tree: what the file says, with a span on everything, before any
//! meaning is given to it. A file with syntax errors still has a tree: what could be read
//! around the errors, marked `recovered`.

use crate::source::Span;

/// A parsed file: its items and its comments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ast {
    /// `import "file.dr"` lines, in source order.
    pub imports: Vec<Import>,
    /// Items in source order.
    pub items: Vec<Item>,
    /// Comments and blank lines, kept beside the tree for tools that reprint source.
    pub trivia: Trivia,
    /// Whether the file has a syntax error: `imports` and `items` then hold what could be
    /// read around it, and nothing may be built from the file.
    pub recovered: bool,
}

/// What the parser keeps that has no meaning: comments (`# ...`) and blank lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trivia {
    /// Every comment's span, in source order.
    pub comments: Vec<Span>,
    /// Byte offsets of the start of every empty line.
    pub blank_lines: Vec<u32>,
}

/// A name as written, with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    /// The text of the name.
    pub text: String,
    /// Where it is written.
    pub span: Span,
}

/// `import "shared.dr"`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The path as written (escapes resolved), relative to the importing file.
    pub path: String,
    /// The string, quotes included: where problems with the path are reported.
    pub path_span: Span,
    /// The whole import line.
    pub span: Span,
}

/// `kind name { ... }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// `bucket`, `function`, ...: not yet checked.
    pub kind: Ident,
    /// The item's name.
    pub name: Ident,
    /// The body.
    pub body: Block,
    /// The whole item.
    pub span: Span,
    /// Whether the item has a syntax error: its kind and name are right, its body holds the
    /// entries that could be read. The checker declares its name but does not check it.
    pub recovered: bool,
}

/// `{ ... }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Entries in source order.
    pub entries: Vec<Entry>,
    /// From `{` to `}`.
    pub span: Span,
}

/// One entry of a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// `key = value`
    Attribute(Attribute),
    /// `name { ... }`
    Nested(Nested),
    /// `verb target "prefix"`
    Verb(Verb),
}

/// `key = value`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The key.
    pub key: Ident,
    /// Whether the key is written as a string (`"cost-center" = "ops"`).
    pub quoted: bool,
    /// The value.
    pub value: Value,
    /// The whole attribute.
    pub span: Span,
}

/// `name { ... }` or `name "label" { ... }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nested {
    /// The block's name (`env`, `lifecycle`).
    pub name: Ident,
    /// `lifecycle "daily/" { ... }`: the label (unescaped text and its span, quotes included).
    pub label: Option<(String, Span)>,
    /// Its body.
    pub body: Block,
    /// The whole nested block.
    pub span: Span,
}

/// `put backups "daily/"`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verb {
    /// `read`, `list`, `put`, ...: not yet checked.
    pub verb: Ident,
    /// The resource acted on: not yet resolved.
    pub target: Ident,
    /// The key prefix, if any (unescaped text and its span, quotes included).
    pub prefix: Option<(String, Span)>,
    /// The whole statement.
    pub span: Span,
}

/// A value with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    /// What kind of value, and its content.
    pub kind: ValueKind,
    /// Where it is written.
    pub span: Span,
}

/// The shapes a value can have. Units and words are interpreted by the checker, which knows
/// what each attribute expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueKind {
    /// `"text"` without parameters, escapes resolved (`$${` is already `${`).
    Str(String),
    /// `"backups-${stage}"`: a string that inserts parameters, in order.
    Interpolated(Vec<StrPart>),
    /// `["dev", "prod"]`
    List(Vec<Value>),
    /// `42`
    Int(u64),
    /// `true` / `false`
    Bool(bool),
    /// `24h`, `256MB`: a number and its unit as written.
    Quantity(u64, String),
    /// `kms`, `nodejs24.x`, `backups.name`
    Word(String),
}

/// A piece of a string that inserts parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StrPart {
    /// Text, escapes resolved.
    Literal(String),
    /// `${name}`: the name, spanning `name` inside the braces.
    Param(Ident),
}
