//! What the server knows: the open documents and, after every change, every file they
//! import, parsed and checked as the command line would check them.
//!
//! A file is named by its path (the `file:` URI's path), so imports resolve against it like
//! they do on the command line. Every open document is loaded; the stacks checked are those
//! of the documents that no other open document imports (an imported file is checked as part
//! of the stack that imports it, where its names make sense). Files that are imported but
//! not open are read from disk, through the loader the command line gives the server.

use super::position::LineIndex;
use crate::diagnostics::Diagnostic;
use crate::load::{self, Loaded, SourceLoader};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::Ast;
use jiff::civil::Date;
use lsp_types::{Location, Uri};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::str::FromStr as _;

/// An open document.
#[derive(Debug, Clone)]
pub struct Document {
    /// Its text, as the client last sent it.
    pub text: String,
    /// The client's version of it.
    pub version: i32,
}

/// The open documents and the last analysis of them.
pub struct World<'a> {
    /// Open documents, by file name.
    pub documents: BTreeMap<String, Document>,
    /// Reads files that are imported but not open.
    disk: &'a dyn SourceLoader,
    today: Date,
    /// Every file of the last analysis: the open documents, then what they import.
    pub sources: SourceMap,
    /// The tree of every file, and the stacks.
    pub loaded: Loaded,
    /// Where each file's lines start.
    pub lines: BTreeMap<FileId, LineIndex>,
    /// Every diagnostic of the last analysis, sorted.
    pub diagnostics: Vec<Diagnostic>,
}

/// Open documents first, then the disk.
struct Overlay<'w> {
    documents: &'w BTreeMap<String, Document>,
    disk: &'w dyn SourceLoader,
}

impl SourceLoader for Overlay<'_> {
    fn read(&self, name: &str) -> Result<String, String> {
        match self.documents.get(name) {
            Some(document) => Ok(document.text.clone()),
            None => self.disk.read(name),
        }
    }
}

impl<'a> World<'a> {
    /// A world with no document open.
    pub fn new(disk: &'a dyn SourceLoader, today: Date) -> Self {
        World {
            documents: BTreeMap::new(),
            disk,
            today,
            sources: SourceMap::new(),
            loaded: Loaded {
                stacks: Vec::new(),
                asts: BTreeMap::new(),
                diagnostics: Vec::new(),
            },
            lines: BTreeMap::new(),
            diagnostics: Vec::new(),
        }
    }

    /// Loads and checks every open document again.
    pub fn analyze(&mut self) {
        let mut sources = SourceMap::new();
        for (name, document) in &self.documents {
            sources.add(name.clone(), document.text.clone());
        }
        let overlay = Overlay {
            documents: &self.documents,
            disk: self.disk,
        };
        let mut loaded = load::load(&mut sources, &overlay);
        // A document another one imports is checked in that one's stack.
        let imported: BTreeSet<FileId> = loaded
            .stacks
            .iter()
            .flat_map(|stack| stack.files.iter().skip(1).copied())
            .collect();
        loaded
            .stacks
            .retain(|stack| !imported.contains(&stack.root));
        let (_, mut diagnostics) =
            crate::analyze_loaded(&sources, &loaded, self.today, &BTreeMap::new());
        crate::diagnostics::sort(&mut diagnostics);
        diagnostics.dedup();
        self.lines = sources
            .iter()
            .map(|(id, file)| (id, LineIndex::new(&file.text)))
            .collect();
        self.sources = sources;
        self.loaded = loaded;
        self.diagnostics = diagnostics;
    }

    /// The date runtime deprecations are judged against.
    pub fn today(&self) -> Date {
        self.today
    }

    /// The file of the last analysis with this URI.
    pub fn file(&self, uri: &Uri) -> Option<FileId> {
        let name = name(uri);
        self.sources
            .iter()
            .find(|(_, file)| file.name == name)
            .map(|(id, _)| id)
    }

    /// The text of a file.
    pub fn text(&self, file: FileId) -> &str {
        &self.sources.get(file).text
    }

    /// The tree of a file.
    pub fn ast(&self, file: FileId) -> Option<&Ast> {
        self.loaded.asts.get(&file).and_then(Option::as_ref)
    }

    /// The byte offset of a position in a file.
    pub fn offset(&self, file: FileId, position: lsp_types::Position) -> usize {
        self.lines[&file].offset(self.text(file), position)
    }

    /// The protocol range of a span.
    pub fn range(&self, span: Span) -> lsp_types::Range {
        self.lines[&span.file].range(self.text(span.file), span.start as usize, span.end as usize)
    }

    /// The protocol location of a span.
    pub fn location(&self, span: Span) -> Location {
        Location::new(uri(&self.sources.get(span.file).name), self.range(span))
    }

    /// Every file of the stacks `file` belongs to (itself first): where its names are
    /// declared and used.
    pub fn stack_of(&self, file: FileId) -> Vec<FileId> {
        let mut files = vec![file];
        for stack in &self.loaded.stacks {
            if stack.files.contains(&file) {
                files.extend(stack.files.iter().copied());
            }
        }
        let mut seen = BTreeSet::new();
        files.retain(|f| seen.insert(*f));
        files
    }

    /// The URIs of every file of the last analysis.
    pub fn uris(&self) -> Vec<(FileId, Uri)> {
        self.sources
            .iter()
            .map(|(id, file)| (id, uri(&file.name)))
            .collect()
    }
}

/// The file name of a URI: the path of a `file:` URI, percent-decoded; the whole URI for
/// others (an unsaved buffer), which then imports nothing.
pub fn name(uri: &Uri) -> String {
    let text = uri.as_str();
    let Some(path) = text.strip_prefix("file://") else {
        return text.to_owned();
    };
    let path = path.find('/').map_or("", |at| &path[at..]);
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                out.push(u8::try_from(high * 16 + low).expect("two hex digits make a byte"));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The URI of a file name: a `file:` URI for a path, the name itself for another URI.
pub fn uri(name: &str) -> Uri {
    if !name.starts_with('/') {
        if let Ok(uri) = Uri::from_str(name) {
            return uri;
        }
    }
    let mut text = String::from("file://");
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            text.push(char::from(byte));
        } else {
            let _ = write!(text, "%{byte:02X}");
        }
    }
    Uri::from_str(&text).expect("a percent-encoded path is a valid URI")
}

#[cfg(test)]
mod tests {
    use super::{name, uri};

    #[test]
    fn names_and_uris_round_trip() {
        let path = "/home/me/my stacks/été.dr";
        let u = uri(path);
        assert_eq!(u.as_str(), "file:///home/me/my%20stacks/%C3%A9t%C3%A9.dr");
        assert_eq!(name(&u), path);
        let untitled = uri("untitled:Untitled-1");
        assert_eq!(name(&untitled), "untitled:Untitled-1");
    }
}
