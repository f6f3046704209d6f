//! Pest pairs to AST, and pest errors to diagnostics.

use super::ast::{
    Ast, Attribute, Block, Entry, Ident, Import, Item, Nested, StrPart, Trivia, Value, ValueKind,
    Verb,
};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};
use pest::Parser as _;
use pest::iterators::Pair;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/dr.pest"]
pub(super) struct DrParser;

/// Parses one file. On a syntax error the AST is `None` and the diagnostics say why (the
/// syntax stage then reads the file again with `recover.rs`); string escape and number
/// problems are reported alongside a usable AST.
pub fn parse(file: FileId, text: &str) -> (Option<Ast>, Vec<Diagnostic>) {
    if let Some(too_deep) = super::depth::too_deep(file, text) {
        return (None, vec![too_deep]);
    }
    match DrParser::parse(Rule::file, text) {
        Ok(mut pairs) => {
            let mut walker = Walker::new(file);
            let root = pairs
                .next()
                .expect("the file rule always produces one pair");
            let mut items = Vec::new();
            let mut imports = Vec::new();
            for pair in walker.children(root).collect::<Vec<_>>() {
                match pair.as_rule() {
                    Rule::item => items.push(walker.item(pair)),
                    Rule::import => imports.push(walker.import(pair)),
                    _ => {}
                }
            }
            walker.trivia.blank_lines = blank_lines(text);
            let ast = Ast {
                imports,
                items,
                trivia: walker.trivia,
                recovered: false,
            };
            (Some(ast), walker.diagnostics)
        }
        Err(error) => (None, vec![syntax_error(file, text, &error)]),
    }
}

/// Turns pest pairs into AST nodes. Pairs may come from a parse of a slice of the file that
/// starts at byte `base` (the recovering parser parses one item or entry at a time).
pub(super) struct Walker {
    pub(super) file: FileId,
    pub(super) base: usize,
    pub(super) trivia: Trivia,
    pub(super) diagnostics: Vec<Diagnostic>,
}

impl Walker {
    pub(super) fn new(file: FileId) -> Self {
        Walker {
            file,
            base: 0,
            trivia: Trivia::default(),
            diagnostics: Vec::new(),
        }
    }

    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, self.base + s.start(), self.base + s.end())
    }

    /// The children of a pair, with comments moved to the trivia and punctuation dropped.
    fn children<'i>(
        &mut self,
        pair: Pair<'i, Rule>,
    ) -> impl Iterator<Item = Pair<'i, Rule>> + use<'i> {
        let mut kept = Vec::new();
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::COMMENT => {
                    let span = self.span(&child);
                    self.trivia.comments.push(span);
                }
                Rule::lbrace
                | Rule::rbrace
                | Rule::equals
                | Rule::comma
                | Rule::lbracket
                | Rule::rbracket
                | Rule::quote
                | Rule::EOI => {}
                _ => kept.push(child),
            }
        }
        kept.into_iter()
    }

    pub(super) fn ident(&self, pair: &Pair<'_, Rule>) -> Ident {
        Ident {
            text: pair.as_str().to_owned(),
            span: self.span(pair),
        }
    }

    pub(super) fn item(&mut self, pair: Pair<'_, Rule>) -> Item {
        let span = self.span(&pair);
        let mut parts = self.children(pair);
        let kind = self.ident(&parts.next().expect("item: kind"));
        let name = self.ident(&parts.next().expect("item: name"));
        let body = self.block(parts.next().expect("item: block"));
        Item {
            kind,
            name,
            body,
            span,
            recovered: false,
        }
    }

    pub(super) fn import(&mut self, pair: Pair<'_, Rule>) -> Import {
        let span = self.span(&pair);
        let string = self
            .children(pair)
            .find(|p| p.as_rule() == Rule::string)
            .expect("import: path");
        let path_span = self.span(&string);
        let path = self.plain_string(string);
        Import {
            path,
            path_span,
            span,
        }
    }

    fn block(&mut self, pair: Pair<'_, Rule>) -> Block {
        let span = self.span(&pair);
        let entries = self.children(pair).map(|entry| self.entry(entry)).collect();
        Block { entries, span }
    }

    pub(super) fn entry(&mut self, pair: Pair<'_, Rule>) -> Entry {
        match pair.as_rule() {
            Rule::attribute => Entry::Attribute(self.attribute(pair)),
            Rule::nested => Entry::Nested(self.nested(pair)),
            Rule::verb => Entry::Verb(self.verb(pair)),
            rule => unreachable!("a block holds only entries, not {rule:?}"),
        }
    }

    fn attribute(&mut self, pair: Pair<'_, Rule>) -> Attribute {
        let span = self.span(&pair);
        let mut parts = self.children(pair);
        let key = parts.next().expect("attribute: key");
        let quoted = key.as_rule() == Rule::string;
        let key = if quoted {
            let span = self.span(&key);
            Ident {
                text: self.plain_string(key),
                span,
            }
        } else {
            self.ident(&key)
        };
        let value = self.value(parts.next().expect("attribute: value"));
        Attribute {
            key,
            quoted,
            value,
            span,
        }
    }

    fn nested(&mut self, pair: Pair<'_, Rule>) -> Nested {
        let span = self.span(&pair);
        let mut parts = self.children(pair);
        let name = self.ident(&parts.next().expect("nested: name"));
        let mut next = parts.next().expect("nested: label or block");
        let mut label = None;
        if next.as_rule() == Rule::string {
            let label_span = self.span(&next);
            label = Some((self.plain_string(next), label_span));
            next = parts.next().expect("nested: block");
        }
        let body = self.block(next);
        Nested {
            name,
            label,
            body,
            span,
        }
    }

    fn verb(&mut self, pair: Pair<'_, Rule>) -> Verb {
        let mut parts = self.children(pair);
        let verb = self.ident(&parts.next().expect("verb: verb"));
        let target = self.ident(&parts.next().expect("verb: target"));
        let prefix = parts.next().map(|p| {
            let span = self.span(&p);
            (self.plain_string(p), span)
        });
        // The pair's own span runs on over the white space that could have led to a prefix.
        let end = prefix.as_ref().map_or(target.span, |(_, span)| *span);
        let span = verb.span.to(end);
        Verb {
            verb,
            target,
            prefix,
            span,
        }
    }

    fn value(&mut self, pair: Pair<'_, Rule>) -> Value {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::string => {
                let mut parts = self.string(pair);
                match parts.as_slice() {
                    [] => ValueKind::Str(String::new()),
                    [StrPart::Literal(_)] => {
                        let Some(StrPart::Literal(text)) = parts.pop() else {
                            unreachable!("matched one literal part")
                        };
                        ValueKind::Str(text)
                    }
                    _ => ValueKind::Interpolated(parts),
                }
            }
            Rule::list => ValueKind::List(self.children(pair).map(|p| self.value(p)).collect()),
            Rule::boolean => ValueKind::Bool(pair.as_str() == "true"),
            Rule::word => ValueKind::Word(pair.as_str().to_owned()),
            Rule::integer => ValueKind::Int(self.number(pair.as_str(), span)),
            Rule::quantity => {
                let text = pair.as_str();
                let digits = text
                    .find(|c: char| !c.is_ascii_digit())
                    .expect("quantity: unit");
                let (number, unit) = text.split_at(digits);
                ValueKind::Quantity(self.number(number, span), unit.to_owned())
            }
            rule => unreachable!("not a value rule: {rule:?}"),
        };
        Value { kind, span }
    }

    fn number(&mut self, digits: &str, span: Span) -> u64 {
        digits.parse().unwrap_or_else(|_| {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::E0103,
                    "number too large",
                    span,
                    "this does not fit in 64 bits",
                )
                .with_help("use a smaller number; no setting in drc accepts values this large"),
            );
            0
        })
    }

    /// The unescaped content of a `string` pair, `${...}` kept as written (verb prefixes).
    pub(super) fn plain_string(&mut self, pair: Pair<'_, Rule>) -> String {
        self.unescape(pair, false)
            .into_iter()
            .map(|part| match part {
                StrPart::Literal(text) => text,
                StrPart::Param(name) => format!("${{{}}}", name.text),
            })
            .collect()
    }

    /// The content of a `string` pair: escapes resolved, `${name}` split out as parameters,
    /// `$${` turned into a literal `${`. Adjacent literal text is one part.
    fn string(&mut self, pair: Pair<'_, Rule>) -> Vec<StrPart> {
        self.unescape(pair, true)
    }

    fn unescape(&mut self, pair: Pair<'_, Rule>, interpolate: bool) -> Vec<StrPart> {
        let text_pair = self
            .children(pair)
            .find(|p| p.as_rule() == Rule::string_text)
            .expect("string: text");
        let base = self.base + text_pair.as_span().start();
        let raw = text_pair.as_str();
        let mut parts = Vec::new();
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if interpolate && c == '$' && raw[i..].starts_with("$${") {
                out.push_str("${");
                chars.next();
                chars.next();
                continue;
            }
            if interpolate && c == '$' && raw[i..].starts_with("${") {
                if let Some(name) = self.interpolation(&raw[i..], base + i) {
                    if !out.is_empty() {
                        parts.push(StrPart::Literal(std::mem::take(&mut out)));
                    }
                    // Skip `{`, the name and `}`.
                    for _ in 0..name.text.len() + 2 {
                        chars.next();
                    }
                    parts.push(StrPart::Param(name));
                } else {
                    out.push(c);
                }
                continue;
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let (j, escaped) = chars
                .next()
                .expect("the grammar puts a character after `\\`");
            match escaped {
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                'n' => out.push('\n'),
                't' => out.push('\t'),
                other => {
                    let span = Span::new(self.file, base + i, base + j + other.len_utf8());
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::E0102,
                            format!("unknown escape `\\{other}` in a string"),
                            span,
                            "not a valid escape",
                        )
                        .with_help(r#"the escapes are `\"`, `\\`, `\n` and `\t`; write `\\` for a backslash"#),
                    );
                }
            }
        }
        if !out.is_empty() {
            parts.push(StrPart::Literal(out));
        }
        parts
    }

    /// `${name}` at the start of `text` (which starts with `${`), or a diagnostic when what
    /// follows is not a parameter name and `}`.
    fn interpolation(&mut self, text: &str, at: usize) -> Option<Ident> {
        let inner = &text[2..];
        let length = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(inner.len());
        let name = &inner[..length];
        let well_formed = inner[length..].starts_with('}')
            && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
        if well_formed {
            return Some(Ident {
                text: name.to_owned(),
                span: Span::new(self.file, at + 2, at + 2 + length),
            });
        }
        let end = inner.find(['}', '"']).map_or(at + 2, |close| {
            at + 2 + close + usize::from(inner[close..].starts_with('}'))
        });
        let written = &text[..end - at];
        self.diagnostics.push(
            Diagnostic::new(
                Code::E0380,
                format!("`{written}` does not insert a parameter"),
                Span::new(self.file, at, end),
                "`${` must be followed by a parameter name and `}`",
            )
            .with_note("in strings, `${name}` inserts the value of the parameter `name`")
            .with_help(format!("for the literal text, write `$${}`", &written[1..])),
        );
        None
    }
}

/// Offsets of empty lines.
pub(super) fn blank_lines(text: &str) -> Vec<u32> {
    let mut offsets = Vec::new();
    let mut start = 0usize;
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() && line.ends_with('\n') {
            offsets.push(u32::try_from(start).expect("source files are smaller than 4 GiB"));
        }
        start += line.len();
    }
    offsets
}

/// How a grammar rule reads in "expected ..." messages.
fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::item | Rule::file => "an item like `bucket name { ... }`",
        Rule::import | Rule::import_keyword => "`import \"file.dr\"`",
        Rule::block | Rule::lbrace => "`{`",
        Rule::rbrace => "`}`",
        Rule::equals => "`=`",
        Rule::comma => "`,`",
        Rule::lbracket => "`[`",
        Rule::rbracket => "`]`",
        Rule::list => "a list like `[\"dev\", \"prod\"]`",
        Rule::quote => "`\"`",
        Rule::attribute | Rule::nested | Rule::verb => "an attribute, a block or a verb",
        Rule::string | Rule::string_text => "a string",
        Rule::quantity => "a duration like `24h` or a size like `256MB`",
        Rule::integer => "a number",
        Rule::boolean => "`true` or `false`",
        Rule::word | Rule::name => "a name",
        Rule::EOI => "end of file",
        Rule::value | Rule::entry | Rule::WHITESPACE | Rule::COMMENT => "something else",
    }
}

fn syntax_error(file: FileId, text: &str, error: &pest::error::Error<Rule>) -> Diagnostic {
    use pest::error::{ErrorVariant, InputLocation};
    let start = match error.location {
        InputLocation::Pos(p) | InputLocation::Span((p, _)) => p,
    };
    let positives = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.as_slice(),
        ErrorVariant::CustomError { .. } => &[],
    };
    expected_error(file, text, start, positives)
}

/// The syntax error at byte `start` of `text`, where one of `positives` was expected.
pub(super) fn expected_error(
    file: FileId,
    text: &str,
    start: usize,
    positives: &[Rule],
) -> Diagnostic {
    let found = found_token(text, start);
    let span = Span::new(file, start, start + found.len());
    let expected = expected_words(positives);
    let found_words = if found.is_empty() && start < text.len() {
        "end of line".to_owned()
    } else if found.is_empty() {
        "end of file".to_owned()
    } else {
        format!("`{found}`")
    };
    let mut diagnostic = Diagnostic::new(
        Code::E0101,
        format!("expected {expected}, found {found_words}"),
        span,
        format!("expected {expected} here"),
    );
    let help = syntax_help(text, start, found).or_else(|| {
        positives
            .contains(&Rule::lbrace)
            .then(|| missing_equals(text, start))
            .flatten()
    });
    if let Some(help) = help {
        diagnostic = diagnostic.with_help(help);
    }
    diagnostic
}

/// Joins the expected tokens into words: "a, b or c". A full set of value rules reads as
/// "a value".
fn expected_words(positives: &[Rule]) -> String {
    let value_rules = [
        Rule::list,
        Rule::string,
        Rule::quantity,
        Rule::integer,
        Rule::boolean,
        Rule::word,
    ];
    if value_rules.iter().filter(|r| positives.contains(r)).count() >= 3 {
        return "a value (a string, a number, a duration like `24h`, a size like `256MB`, \
                `true`/`false` or a name)"
            .to_owned();
    }
    // Where an entry may start, pest names the attribute rule for its quoted-key alternative:
    // that alternative is a string.
    let entry_start = positives.contains(&Rule::name) && positives.contains(&Rule::attribute);
    let mut words: Vec<&str> = positives
        .iter()
        .filter(|r| {
            !matches!(
                r,
                Rule::COMMENT | Rule::WHITESPACE | Rule::value | Rule::entry
            )
        })
        .map(|&r| {
            if entry_start && r == Rule::attribute {
                describe(Rule::string)
            } else {
                describe(r)
            }
        })
        .collect();
    words.sort_unstable();
    words.dedup();
    match words.as_slice() {
        [] => "something else".to_owned(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// The token at an offset, for "found `x`": a word, a number or one character.
fn found_token(text: &str, at: usize) -> &str {
    let rest = &text[at..];
    let Some(first) = rest.chars().next() else {
        return "";
    };
    if first.is_ascii_alphanumeric() || first == '_' {
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(rest.len());
        &rest[..end]
    } else if first == '\n' || first == '\r' {
        ""
    } else {
        &rest[..first.len_utf8()]
    }
}

/// Hints for common slips.
fn syntax_help(text: &str, at: usize, found: &str) -> Option<String> {
    let before = text[..at].trim_end();
    if found.is_empty() && before.ends_with('"')
        || text[at..].starts_with('\n') && line_has_open_quote(text, at)
    {
        return Some("a string must end on the line it starts: close it with `\"`".to_owned());
    }
    if found == ":" {
        return Some("attributes are written `key = value`, with `=`".to_owned());
    }
    if found == ";" {
        return Some("entries need no `;`: put each on its own line".to_owned());
    }
    if found.starts_with(|c: char| c.is_ascii_digit()) && found.contains('.') {
        return Some(
            "numbers are whole: write `90s` rather than `1.5m`, or `1536MB` rather than `1.5GB`"
                .to_owned(),
        );
    }
    if found.chars().next().is_some_and(|c| !c.is_ascii()) {
        return Some("names use ASCII letters, digits and `_`".to_owned());
    }
    if found == "'" {
        return Some("strings use double quotes: `\"text\"`".to_owned());
    }
    if found.is_empty() && text[..at].matches('{').count() > text[..at].matches('}').count() {
        return Some("a block is not closed: add `}`".to_owned());
    }
    None
}

/// After `handler "x.h"`, a `{` is expected (a name and a string open a labelled block), but
/// the writer most likely left out the `=` of an attribute: the help shows it written.
fn missing_equals(text: &str, at: usize) -> Option<String> {
    let before = text[..at].trim_end();
    let line = before.rsplit('\n').next().unwrap_or(before).trim_start();
    let key_end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|&n| n > 0)?;
    let (key, rest) = line.split_at(key_end);
    let value = rest.trim_start();
    let is_string = value.len() >= 2
        && value.starts_with('"')
        && value.ends_with('"')
        && value[1..value.len() - 1].matches('"').count() == 0;
    is_string.then(|| {
        format!(
            "to set an attribute, write `{key} = {value}`; a name and a string open a block only when `{{` follows"
        )
    })
}

fn line_has_open_quote(text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..at].matches('"').count() % 2 == 1
}
