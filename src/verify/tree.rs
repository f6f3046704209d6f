//! The document tree both readers read ([`Node`]), and how it is read: JSON for Terraform
//! ([`parse_json`], borrowing its strings); YAML for CloudFormation: a fast reader of the block style YAML emitters write
//! (libyaml's, which drc's serialiser uses, among them), and `serde_norway` for anything
//! else. Both give the same [`Node`] tree, with tags (`!Ref`, `!GetAtt`, `!Sub`) kept.
//!
//! The fast reader knows block mappings and sequences, plain, single- and double-quoted
//! scalars on one line, literal and folded block scalars, tags, empty flow collections and
//! comments. It never guesses: at anything else (a multi-line flow scalar, a non-empty flow
//! collection, an anchor, a complex key) it gives up and the whole file goes through
//! `serde_norway`, a complete YAML parser. A test reads every template drc writes both ways
//! and compares the trees.
//!
//! ```text
//! Resource: !Sub ${BackupsBucket.Arn}/daily/*
//!   => Mapping [("Resource", Tagged("Sub", Scalar("${BackupsBucket.Arn}/daily/*")))]
//! ```

use std::borrow::Cow;

/// A YAML node.
#[derive(Debug, Clone, PartialEq)]
pub enum Node<'a> {
    /// `~`, `null` or nothing.
    Null,
    /// A scalar's text (a number or a boolean too, as written).
    Scalar(Cow<'a, str>),
    /// A sequence.
    Sequence(Vec<Node<'a>>),
    /// A mapping, in order.
    Mapping(Entries<'a>),
    /// `!Tag node`, the tag without `!`.
    Tagged(Cow<'a, str>, Box<Node<'a>>),
}

/// The null node, to borrow.
pub static NULL: Node<'static> = Node::Null;

/// A mapping's entries in order, found by key in logarithmic time once there are more than
/// [`Entries::SCANNED`]: a template's `Resources` or a configuration's policy documents hold
/// thousands of keys, and a reader that scanned them for every reference would take time
/// growing with the square of the stack.
#[derive(Debug, Clone, Default)]
pub struct Entries<'a>(Box<Indexed<'a>>);

/// Behind one pointer, so a node is no larger than before the index (a template's tree
/// holds millions of nodes, most of them scalars).
#[derive(Debug, Clone, Default)]
struct Indexed<'a> {
    items: Vec<(Node<'a>, Node<'a>)>,
    /// Positions in `items` sorted by key (a key that is not a scalar first), each key's
    /// positions in order; empty for a mapping small enough to scan.
    sorted: Vec<u32>,
}

impl<'a> Entries<'a> {
    /// Up to this many entries, a lookup scans them.
    pub const SCANNED: usize = 16;

    /// The entries, indexed when there are many.
    pub fn new(items: Vec<(Node<'a>, Node<'a>)>) -> Self {
        let mut sorted = Vec::new();
        if items.len() > Self::SCANNED {
            sorted = (0..u32::try_from(items.len()).expect("a mapping of fewer than 2^32 keys"))
                .collect();
            // Stable: equal keys keep their order, so a lookup finds the first, as a scan would.
            sorted.sort_by(|&a, &b| {
                items[a as usize]
                    .0
                    .as_str()
                    .cmp(&items[b as usize].0.as_str())
            });
        }
        Self(Box::new(Indexed { items, sorted }))
    }

    /// The value of the first entry whose key is `key`.
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        let Indexed { items, sorted } = &*self.0;
        if sorted.is_empty() {
            return items
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v);
        }
        let at = sorted.partition_point(|&i| items[i as usize].0.as_str() < Some(key));
        let (k, v) = &items[*sorted.get(at)? as usize];
        (k.as_str() == Some(key)).then_some(v)
    }
}

impl<'a> std::ops::Deref for Entries<'a> {
    type Target = [(Node<'a>, Node<'a>)];

    fn deref(&self) -> &Self::Target {
        &self.0.items
    }
}

impl<'e, 'a> IntoIterator for &'e Entries<'a> {
    type Item = &'e (Node<'a>, Node<'a>);
    type IntoIter = std::slice::Iter<'e, (Node<'a>, Node<'a>)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.items.iter()
    }
}

/// Equal when the entries are: the index follows from them.
impl PartialEq for Entries<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.items == other.0.items
    }
}

impl<'a> Node<'a> {
    /// The value of a key of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        match self {
            Node::Mapping(entries) => entries.get(key),
            _ => None,
        }
    }

    /// A scalar's text (a null has none).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Scalar(text) => Some(text),
            _ => None,
        }
    }

    /// A mapping's entries.
    pub fn as_mapping(&self) -> Option<&[(Node<'a>, Node<'a>)]> {
        match self {
            Node::Mapping(entries) => Some(entries),
            _ => None,
        }
    }

    /// A sequence's items.
    pub fn as_sequence(&self) -> Option<&[Node<'a>]> {
        match self {
            Node::Sequence(items) => Some(items),
            _ => None,
        }
    }

    /// Whether the node is `true` (plain or quoted).
    pub fn is_true(&self) -> bool {
        matches!(self, Node::Scalar(text) if text == "true" || text == "True" || text == "TRUE")
    }
}

/// Reads YAML: the fast reader, or `serde_norway` when the text is outside what it knows.
pub fn parse(text: &str) -> Result<Node<'_>, String> {
    if let Some(node) = parse_fast(text) {
        return Ok(node);
    }
    let value: serde_norway::Value = serde_norway::from_str(text).map_err(|e| e.to_string())?;
    Ok(from_value(value))
}

/// Reads YAML with the fast reader alone: `None` when the text is outside what it knows.
pub fn parse_fast(text: &str) -> Option<Node<'_>> {
    Reader::new(text).document()
}

/// A `serde_norway` value as a node.
pub fn from_value(value: serde_norway::Value) -> Node<'static> {
    use serde_norway::Value;
    match value {
        Value::Null => Node::Null,
        Value::Bool(b) => Node::Scalar(Cow::Owned(b.to_string())),
        Value::Number(n) => Node::Scalar(Cow::Owned(n.to_string())),
        Value::String(s) => Node::Scalar(Cow::Owned(s)),
        Value::Sequence(items) => Node::Sequence(items.into_iter().map(from_value).collect()),
        Value::Mapping(map) => Node::Mapping(Entries::new(
            map.into_iter()
                .map(|(k, v)| (from_value(k), from_value(v)))
                .collect(),
        )),
        Value::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            Node::Tagged(
                Cow::Owned(tag.trim_start_matches('!').to_owned()),
                Box::new(from_value(tagged.value)),
            )
        }
    }
}

/// One line: its indentation and the text after it.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    indent: usize,
    text: &'a str,
    /// Blank or a comment.
    empty: bool,
}

struct Reader<'a> {
    lines: Vec<Line<'a>>,
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str) -> Self {
        let lines = text
            .split('\n')
            .map(|raw| {
                let raw = raw.strip_suffix('\r').unwrap_or(raw);
                let body = raw.trim_start_matches(' ');
                Line {
                    indent: raw.len() - body.len(),
                    text: body,
                    empty: body.is_empty() || body.starts_with('#'),
                }
            })
            .collect();
        Reader { lines, at: 0 }
    }

    fn skip_empty(&mut self) {
        while self.at < self.lines.len() && self.lines[self.at].empty {
            self.at += 1;
        }
    }

    fn document(mut self) -> Option<Node<'a>> {
        self.skip_empty();
        if self.lines.get(self.at)?.text.starts_with("---")
            || self.lines[self.at].text.contains('\t')
        {
            return None;
        }
        let node = self.block(0)?;
        self.skip_empty();
        (self.at == self.lines.len()).then_some(node)
    }

    /// The block node starting at the current line, indented at least `min`.
    fn block(&mut self, min: usize) -> Option<Node<'a>> {
        self.skip_empty();
        let line = *self.lines.get(self.at)?;
        if line.indent < min {
            return Some(Node::Null);
        }
        if line.text == "-" || line.text.starts_with("- ") {
            self.sequence(line.indent)
        } else {
            self.mapping(line.indent)
        }
    }

    fn sequence(&mut self, indent: usize) -> Option<Node<'a>> {
        let mut items = Vec::new();
        loop {
            self.skip_empty();
            let Some(line) = self.lines.get(self.at).copied() else {
                break;
            };
            if line.indent != indent || !(line.text == "-" || line.text.starts_with("- ")) {
                break;
            }
            let rest = line.text[1..].trim_start_matches(' ');
            if rest.is_empty() {
                self.at += 1;
                items.push(self.block(indent + 1)?);
            } else {
                // The item starts on the dash's line: read it as if it began its own line.
                self.lines[self.at] = Line {
                    indent: indent + (line.text.len() - rest.len()),
                    text: rest,
                    empty: false,
                };
                items.push(self.item(indent + 1)?);
            }
        }
        Some(Node::Sequence(items))
    }

    /// A node whose first line is the current one (a sequence item's content).
    fn item(&mut self, min: usize) -> Option<Node<'a>> {
        let line = self.lines[self.at];
        if line.text == "-" || line.text.starts_with("- ") {
            return self.sequence(line.indent);
        }
        if key_end(line.text).is_some() {
            return self.mapping(line.indent);
        }
        self.at += 1;
        self.value(line.text, min.saturating_sub(1))
    }

    fn mapping(&mut self, indent: usize) -> Option<Node<'a>> {
        let mut entries = Vec::new();
        loop {
            self.skip_empty();
            let Some(line) = self.lines.get(self.at).copied() else {
                break;
            };
            if line.indent < indent {
                break;
            }
            if line.indent > indent || line.text.starts_with("- ") || line.text == "-" {
                return None;
            }
            let (key, rest) = key_end(line.text)?;
            let key = scalar(key)?;
            self.at += 1;
            let value = if rest.is_empty() {
                self.skip_empty();
                match self.lines.get(self.at) {
                    // A sequence may sit at the key's own indentation.
                    Some(next)
                        if next.indent == indent
                            && (next.text == "-" || next.text.starts_with("- ")) =>
                    {
                        self.sequence(indent)?
                    }
                    Some(next) if next.indent > indent => self.block(indent + 1)?,
                    _ => Node::Null,
                }
            } else {
                self.value(rest, indent)?
            };
            entries.push((key, value));
        }
        Some(Node::Mapping(Entries::new(entries)))
    }

    /// A value written after `key: ` or `- `, on a line whose block is at `indent`.
    fn value(&mut self, text: &'a str, indent: usize) -> Option<Node<'a>> {
        if let Some(tagged) = text.strip_prefix('!') {
            if tagged.starts_with(['!', '<']) {
                return None;
            }
            let (tag, rest) = match tagged.find(' ') {
                Some(at) => (&tagged[..at], tagged[at + 1..].trim_start_matches(' ')),
                None => (tagged, ""),
            };
            let inner = if rest.is_empty() {
                self.skip_empty();
                match self.lines.get(self.at) {
                    Some(next)
                        if next.indent > indent
                            || (next.indent == indent
                                && (next.text == "-" || next.text.starts_with("- "))) =>
                    {
                        self.block(indent)?
                    }
                    _ => Node::Scalar(Cow::Borrowed("")),
                }
            } else {
                self.value(rest, indent)?
            };
            return Some(Node::Tagged(Cow::Borrowed(tag), Box::new(inner)));
        }
        if let Some(header) = text.strip_prefix(['|', '>']) {
            return self.block_scalar(text.starts_with('>'), header, indent);
        }
        match text {
            "{}" => return Some(Node::Mapping(Entries::default())),
            "[]" => return Some(Node::Sequence(Vec::new())),
            _ => {}
        }
        scalar(text)
    }

    /// `|`, `|-`, `|+` (and `>` ones), with an optional indentation indicator.
    fn block_scalar(&mut self, folded: bool, header: &str, indent: usize) -> Option<Node<'a>> {
        let mut chomp = "clip";
        let mut explicit = None;
        for c in header.chars() {
            match c {
                '-' => chomp = "strip",
                '+' => chomp = "keep",
                '1'..='9' => explicit = c.to_digit(10).map(|d| d as usize),
                _ => return None,
            }
        }
        let start = self.at;
        let mut end = self.at;
        let mut content = explicit.map(|d| indent + d);
        while end < self.lines.len() {
            let line = self.lines[end];
            if line.text.is_empty() {
                end += 1;
                continue;
            }
            let need = *content.get_or_insert(line.indent);
            if line.indent < need || need <= indent {
                break;
            }
            end += 1;
        }
        let content = content.unwrap_or(indent + 1);
        if folded {
            return None;
        }
        let mut text = String::new();
        for line in &self.lines[start..end] {
            let extra = line.indent.saturating_sub(content);
            text.push_str(&" ".repeat(extra));
            text.push_str(line.text);
            text.push('\n');
        }
        self.at = end;
        match chomp {
            "strip" => {
                while text.ends_with('\n') {
                    text.pop();
                }
            }
            "clip" => {
                while text.ends_with("\n\n") {
                    text.pop();
                }
            }
            _ => {}
        }
        Some(Node::Scalar(Cow::Owned(text)))
    }
}

/// Where a mapping key ends: the key's text and what follows `: ` (empty for `key:`).
fn key_end(text: &str) -> Option<(&str, &str)> {
    if text.starts_with('"') || text.starts_with('\'') {
        let close = quoted_end(text)?;
        let rest = &text[close..];
        let rest = rest.strip_prefix(':')?;
        return (rest.is_empty() || rest.starts_with(' '))
            .then(|| (&text[..close], rest.trim_start_matches(' ')));
    }
    if text.starts_with(['?', '&', '*', '{', '[', '!', '|', '>', '%', '@', '`']) {
        return None;
    }
    if let Some(at) = text.find(": ") {
        return Some((&text[..at], text[at + 2..].trim_start_matches(' ')));
    }
    text.strip_suffix(':').map(|key| (key, ""))
}

/// The byte after the closing quote of a quoted scalar at the start of `text`.
fn quoted_end(text: &str) -> Option<usize> {
    let quote = text.chars().next()?;
    let mut chars = text.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            if quote == '\'' && chars.peek().is_some_and(|(_, next)| *next == '\'') {
                chars.next();
            } else {
                return Some(i + 1);
            }
        }
    }
    None
}

/// A scalar on one line: quoted, or plain (up to a ` #` comment).
fn scalar(text: &str) -> Option<Node<'_>> {
    if text.starts_with('\'') || text.starts_with('"') {
        let close = quoted_end(text)?;
        let after = text[close..].trim_start_matches(' ');
        if !(after.is_empty() || after.starts_with('#')) {
            return None;
        }
        let inner = &text[1..close - 1];
        return if text.starts_with('\'') {
            Some(Node::Scalar(if inner.contains('\'') {
                Cow::Owned(inner.replace("''", "'"))
            } else {
                Cow::Borrowed(inner)
            }))
        } else {
            unescape(inner).map(Node::Scalar)
        };
    }
    if text.starts_with(['&', '*', '{', '[', '?', '%', '@', '`', '|', '>', '!']) {
        return None;
    }
    let text = match text.find(" #") {
        Some(at) => &text[..at],
        None => text,
    }
    .trim_end_matches(' ');
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Some(Node::Null),
        _ => Some(Node::Scalar(Cow::Borrowed(text))),
    }
}

/// The escapes of a double-quoted scalar.
fn unescape(text: &str) -> Option<Cow<'_, str>> {
    if !text.contains('\\') {
        return Some(Cow::Borrowed(text));
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let escaped = match chars.next()? {
            '0' => '\0',
            'a' => '\u{7}',
            'b' => '\u{8}',
            't' | '\t' => '\t',
            'n' => '\n',
            'v' => '\u{b}',
            'f' => '\u{c}',
            'r' => '\r',
            'e' => '\u{1b}',
            ' ' => ' ',
            '"' => '"',
            '/' => '/',
            '\\' => '\\',
            'N' => '\u{85}',
            '_' => '\u{a0}',
            'L' => '\u{2028}',
            'P' => '\u{2029}',
            kind @ ('x' | 'u' | 'U') => {
                let digits = match kind {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = chars.by_ref().take(digits).collect();
                char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
            }
            _ => return None,
        };
        out.push(escaped);
    }
    Some(Cow::Owned(out))
}

/// Reads JSON into the same tree, borrowing every string that has no escapes.
pub fn parse_json(bytes: &[u8]) -> Result<Node<'_>, String> {
    use serde::Deserialize as _;
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let node = Json::deserialize(&mut deserializer).map_err(|e| e.to_string())?;
    deserializer.end().map_err(|e| e.to_string())?;
    Ok(node.0)
}

/// A node read by serde's JSON deserializer.
struct Json<'de>(Node<'de>);

impl<'de> serde::Deserialize<'de> for Json<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor).map(Json)
    }
}

struct JsonVisitor;

impl<'de> serde::de::Visitor<'de> for JsonVisitor {
    type Value = Node<'de>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("JSON")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node<'de>, E> {
        Ok(Node::Scalar(Cow::Borrowed(if v {
            "true"
        } else {
            "false"
        })))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Node<'de>, E> {
        Ok(Node::Scalar(Cow::Owned(v.to_string())))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Node<'de>, E> {
        Ok(Node::Scalar(Cow::Owned(v.to_string())))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Node<'de>, E> {
        Ok(Node::Scalar(Cow::Owned(v.to_string())))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Node<'de>, E> {
        Ok(Node::Scalar(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Node<'de>, E> {
        Ok(Node::Scalar(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Node<'de>, E> {
        Ok(Node::Scalar(Cow::Owned(v)))
    }

    fn visit_unit<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Node<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(Json(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Sequence(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Node<'de>, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some((Json(key), Json(value))) = map.next_entry()? {
            entries.push((key, value));
        }
        Ok(Node::Mapping(Entries::new(entries)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast(text: &str) -> Option<Node<'_>> {
        Reader::new(text).document()
    }

    #[test]
    fn an_indexed_mapping_finds_what_a_scan_finds() {
        // Past SCANNED entries, with a repeated key and a key that is not a scalar.
        let key = |k: &str| Node::Scalar(Cow::Owned(k.to_owned()));
        let mut items: Vec<_> = (0..40)
            .map(|i| (key(&format!("K{}", 39 - i)), key(&i.to_string())))
            .collect();
        items.push((key("K7"), key("again")));
        items.push((Node::Sequence(vec![key("x")]), key("y")));
        let node = Node::Mapping(Entries::new(items));
        let Node::Mapping(entries) = &node else {
            unreachable!("built as a mapping");
        };
        assert!(entries.len() > Entries::SCANNED);
        assert_eq!(
            std::mem::size_of::<Node>(),
            32,
            "a node as small as before the index"
        );
        for key in (0..45)
            .map(|i| format!("K{i}"))
            .chain([String::new(), "x".into()])
        {
            let scanned = entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key.as_str()))
                .map(|(_, v)| v);
            assert_eq!(node.get(&key), scanned, "{key}");
        }
        assert_eq!(node.get("K7").and_then(Node::as_str), Some("32"));
    }

    #[test]
    fn reads_what_libyaml_writes() {
        let text = "# header\nA: 1\nB:\n  C: !Ref X\n  D:\n  - !Sub ${X.Arn}/*\n  - 'it''s'\n  - \"a\\nb\"\nE:\n- F: x\n  G: []\nH: |-\n  one\n   two\nI: {}\n";
        let node = fast(text).expect("in the subset");
        let slow = from_value(serde_norway::from_str(text).expect("YAML"));
        assert_eq!(node, slow);
        assert_eq!(node.get("H").and_then(Node::as_str), Some("one\n two"));
    }

    #[test]
    fn reads_json_borrowing_its_strings() {
        let node = parse_json(br#"{"a": [1, true, "x\"y", null], "b": "plain"}"#).expect("JSON");
        let a = node.get("a").and_then(Node::as_sequence).expect("a list");
        assert_eq!(a[0].as_str(), Some("1"));
        assert!(a[1].is_true());
        assert_eq!(a[2].as_str(), Some("x\"y"));
        assert_eq!(a[3], Node::Null);
        assert!(matches!(
            node.get("b"),
            Some(Node::Scalar(Cow::Borrowed("plain")))
        ));
        assert!(parse_json(b"{} trailing").is_err());
    }

    #[test]
    fn gives_up_outside_the_subset() {
        for text in [
            "A: {B: 1}\n",
            "A: &x 1\n",
            "A: [1, 2]\n",
            "? A\n: 1\n",
            "A: 'x\n  y'\n",
        ] {
            assert!(fast(text).is_none(), "{text}");
            assert!(parse(text).is_ok(), "{text}");
        }
    }
}
