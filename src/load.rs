//! Imports: which files make up each stack.
//!
//! A stack is a root file (one the caller put in the [`SourceMap`]) and every file it
//! imports, directly or through other imports. `import "shared.dr"` is relative to the file
//! that writes it. Reading a file is IO, so the library asks a [`SourceLoader`] for the text
//! of each imported file; the CLI's reads the file system, tests serve fixtures. Each file is
//! loaded and parsed once, however many files import it; a file that imports itself through
//! a chain of imports is an error (E0602) at every `import` of the chain.
//!
//! ```text
//! # backup.dr                      # shared.dr
//! import "shared.dr"               bucket data { versioned = true }
//! function copy { read data ... }
//! ```

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::{self, Ast, ast::Import};
use std::collections::{BTreeMap, BTreeSet};

/// Where imported `.dr` files come from.
pub trait SourceLoader {
    /// The text of the file `name`: the importing file's name with its last component
    /// replaced by the import's path, `.` and `..` resolved (`stacks/shared.dr`). The error
    /// is a sentence saying why the file cannot be read.
    fn read(&self, name: &str) -> Result<String, String>;
}

/// Reads no file: for callers that compile self-contained files. Every import is an error.
pub struct NoImports;

impl SourceLoader for NoImports {
    fn read(&self, _name: &str) -> Result<String, String> {
        Err("this compilation was given no way to read imported files".to_owned())
    }
}

/// The files of one stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackFiles {
    /// The root file: the stack is named after it, and its outputs too.
    pub root: FileId,
    /// The root, then every imported file in the order it was first reached.
    pub files: Vec<FileId>,
    /// Whether an import could not be read: the stack's names are incomplete, so it is not
    /// checked (which would only report names the missing file declares as undefined).
    pub incomplete: bool,
}

/// Every stack's files, their syntax trees, and the problems met on the way.
#[derive(Debug)]
pub struct Loaded {
    /// One entry per root file, in the order the roots were added.
    pub stacks: Vec<StackFiles>,
    /// The tree of every file, `None` where it has a syntax error.
    pub asts: BTreeMap<FileId, Option<Ast>>,
    /// Syntax errors of every file, and import errors.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses every root file of `sources` and follows its imports, adding each imported file
/// to `sources`.
pub fn load(sources: &mut SourceMap, loader: &dyn SourceLoader) -> Loaded {
    let roots: Vec<FileId> = sources.iter().map(|(id, _)| id).collect();
    let mut walk = Walk {
        sources,
        loader,
        asts: BTreeMap::new(),
        diagnostics: Vec::new(),
        cycles: BTreeSet::new(),
        by_name: BTreeMap::new(),
    };
    for (id, file) in walk.sources.iter() {
        // The first of two roots with one name wins, as the scan this replaces found it.
        walk.by_name.entry(normalize(&file.name)).or_insert(id);
    }
    let stacks = roots
        .into_iter()
        .map(|root| {
            let mut stack = StackFiles {
                root,
                files: Vec::new(),
                incomplete: false,
            };
            walk.visit(root, &mut stack);
            stack
        })
        .collect();
    Loaded {
        stacks,
        asts: walk.asts,
        diagnostics: walk.diagnostics,
    }
}

/// A file of the import walk, with the imports it has yet to follow.
struct Frame {
    file: FileId,
    imports: std::vec::IntoIter<Import>,
    /// The import of `file` that led to the next frame, once followed.
    via: Option<Span>,
}

struct Walk<'s> {
    sources: &'s mut SourceMap,
    loader: &'s dyn SourceLoader,
    asts: BTreeMap<FileId, Option<Ast>>,
    diagnostics: Vec<Diagnostic>,
    /// Cycles already reported, as the sorted files they pass through.
    cycles: BTreeSet<Vec<FileId>>,
    /// Every file of `sources` by its normalised name, filled as files are met, so finding
    /// an imported file is one lookup rather than a scan of every file.
    by_name: BTreeMap<String, FileId>,
}

impl Walk<'_> {
    /// Adds `root` and what it imports to the stack, depth first. The walk keeps its own
    /// stack of frames rather than recursing, so an import chain of any length uses no more
    /// of the thread's stack than a short one (a chain of thousands of files used to exhaust
    /// it, and the parser then reported a syntax error in a valid file).
    fn visit(&mut self, root: FileId, stack: &mut StackFiles) {
        let mut in_stack = BTreeSet::new();
        let mut frames = vec![self.enter(root, stack, &mut in_stack)];
        while let Some(top) = frames.last_mut() {
            let Some(import) = top.imports.next() else {
                frames.pop();
                if let Some(parent) = frames.last_mut() {
                    parent.via = None;
                }
                continue;
            };
            let file = top.file;
            let Some(target) = self.resolve(file, &import) else {
                stack.incomplete = true;
                continue;
            };
            if let Some(start) = frames.iter().position(|f| f.file == target) {
                let mut edges: Vec<(FileId, Span)> = frames[start..frames.len() - 1]
                    .iter()
                    .map(|f| {
                        (
                            f.file,
                            f.via
                                .expect("every frame below the top was entered through an import"),
                        )
                    })
                    .collect();
                edges.push((file, import.path_span));
                self.cycle(&edges, target);
            } else if !in_stack.contains(&target) {
                let top = frames.last_mut().expect("the loop holds a frame");
                top.via = Some(import.path_span);
                let frame = self.enter(target, stack, &mut in_stack);
                frames.push(frame);
            }
        }
    }

    /// Adds `file` to the stack, parsing it the first time any stack reaches it.
    fn enter(
        &mut self,
        file: FileId,
        stack: &mut StackFiles,
        in_stack: &mut BTreeSet<FileId>,
    ) -> Frame {
        stack.files.push(file);
        in_stack.insert(file);
        if !self.asts.contains_key(&file) {
            let (ast, diagnostics) = syntax::parse(file, &self.sources.get(file).text);
            self.diagnostics.extend(diagnostics);
            self.asts.insert(file, ast);
        }
        let imports: Vec<Import> = self.asts[&file]
            .as_ref()
            .map(|ast| ast.imports.clone())
            .unwrap_or_default();
        Frame {
            file,
            imports: imports.into_iter(),
            via: None,
        }
    }

    /// The file an import names, loading it if it is new.
    fn resolve(&mut self, from: FileId, import: &Import) -> Option<FileId> {
        let path = &import.path;
        // `Path` only splits the string here; nothing is read.
        if std::path::Path::new(path)
            .extension()
            .is_none_or(|extension| extension != "dr")
        {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::E0603,
                    format!("`{path}` is not a `.dr` file"),
                    import.path_span,
                    "imports name `.dr` files",
                )
                .with_help("name the file with its extension, like `import \"shared.dr\"`"),
            );
            return None;
        }
        let name = join(&self.sources.get(from).name, path);
        if let Some(&id) = self.by_name.get(&name) {
            return Some(id);
        }
        match self.loader.read(&name) {
            Ok(text) => {
                let id = self.sources.add(name.clone(), text);
                self.by_name.insert(name, id);
                Some(id)
            }
            Err(why) => {
                let mut d = Diagnostic::new(
                    Code::E0601,
                    format!("cannot read the imported file `{path}`"),
                    import.path_span,
                    why,
                );
                if name != *path {
                    d = d.with_note(format!(
                        "imports are relative to the importing file: this one is `{name}`"
                    ));
                }
                self.diagnostics.push(
                    d.with_help("check the file name, or remove the import if the file is gone"),
                );
                None
            }
        }
    }

    /// Reports a cycle of imports, once: `edges` are the imports from `target` back to it.
    fn cycle(&mut self, edges: &[(FileId, Span)], target: FileId) {
        let mut members: Vec<FileId> = edges.iter().map(|&(from, _)| from).collect();
        members.sort_unstable();
        members.dedup();
        if !self.cycles.insert(members) {
            return;
        }
        let name = |id: FileId| self.sources.get(id).name.clone();
        let mut names: Vec<String> = edges.iter().map(|&(from, _)| name(from)).collect();
        names.push(name(target));
        let (last_from, last_span) = *edges.last().expect("a cycle has an edge");
        let next = |i: usize| edges.get(i + 1).map_or(target, |&(from, _)| from);
        let mut d = Diagnostic::new(
            Code::E0602,
            format!("files import each other in a cycle: {}", names.join(" -> ")),
            last_span,
            format!("`{}` imports `{}`", name(last_from), name(target)),
        );
        for (i, &(from, span)) in edges.iter().enumerate().take(edges.len() - 1) {
            d = d.with_label(
                span,
                format!("`{}` imports `{}`", name(from), name(next(i))),
            );
        }
        self.diagnostics.push(
            d.with_note("all files of a stack share one namespace, so no file needs to import the one that imports it")
                .with_help("remove the import that closes the cycle, or move what both files need into a third file that each imports"),
        );
    }
}

/// The name of the file `path` imported from the file `from`.
pub fn join(from: &str, path: &str) -> String {
    if path.starts_with('/') {
        return normalize(path);
    }
    match from.rsplit_once('/') {
        Some((dir, _)) => normalize(&format!("{dir}/{path}")),
        None => normalize(path),
    }
}

/// Resolves `.` and `..` components without touching the file system.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if path.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::{SourceLoader, join, load, normalize};
    use crate::SourceMap;

    /// `f<i>.dr` imports `f<i+1>.dr`, up to `f<last>.dr`, which declares a bucket.
    struct Chain {
        last: usize,
    }

    impl SourceLoader for Chain {
        fn read(&self, name: &str) -> Result<String, String> {
            let i: usize = name
                .trim_start_matches('f')
                .trim_end_matches(".dr")
                .parse()
                .map_err(|_| format!("no file {name}"))?;
            Ok(if i == self.last {
                "bucket last {}\n".to_owned()
            } else {
                format!("import \"f{}.dr\"\n", i + 1)
            })
        }
    }

    #[test]
    fn an_import_chain_of_any_length_loads() {
        // A chain of about 7,300 files used to exhaust the thread's stack in the recursive
        // walk, and the parser then reported a syntax error in a valid file.
        let last = 12_000;
        let mut sources = SourceMap::new();
        sources.add("f0.dr", "import \"f1.dr\"\n");
        let loaded = load(&mut sources, &Chain { last });
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        assert_eq!(loaded.stacks[0].files.len(), last + 1);
        assert!(!loaded.stacks[0].incomplete);
    }

    #[test]
    fn imports_are_relative_to_the_importing_file() {
        assert_eq!(join("input.dr", "shared.dr"), "shared.dr");
        assert_eq!(join("stacks/app.dr", "shared.dr"), "stacks/shared.dr");
        assert_eq!(join("stacks/app.dr", "../common/x.dr"), "common/x.dr");
        assert_eq!(join("./app.dr", "./x.dr"), "x.dr");
        assert_eq!(join("app.dr", "../x.dr"), "../x.dr");
        assert_eq!(join("/srv/app.dr", "x.dr"), "/srv/x.dr");
        assert_eq!(normalize("a/./b/../c.dr"), "a/c.dr");
    }
}
