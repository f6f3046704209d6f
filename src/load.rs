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
    };
    let stacks = roots
        .into_iter()
        .map(|root| {
            let mut stack = StackFiles {
                root,
                files: Vec::new(),
                incomplete: false,
            };
            walk.visit(root, &mut Vec::new(), &mut stack);
            stack
        })
        .collect();
    Loaded {
        stacks,
        asts: walk.asts,
        diagnostics: walk.diagnostics,
    }
}

struct Walk<'s> {
    sources: &'s mut SourceMap,
    loader: &'s dyn SourceLoader,
    asts: BTreeMap<FileId, Option<Ast>>,
    diagnostics: Vec<Diagnostic>,
    /// Cycles already reported, as the sorted files they pass through.
    cycles: BTreeSet<Vec<FileId>>,
}

impl Walk<'_> {
    /// Adds `file` and what it imports to the stack. `chain` holds the imports followed from
    /// the root to `file`: (importing file, the import's path span).
    fn visit(&mut self, file: FileId, chain: &mut Vec<(FileId, Span)>, stack: &mut StackFiles) {
        stack.files.push(file);
        if !self.asts.contains_key(&file) {
            let (ast, diagnostics) = syntax::parse(file, &self.sources.get(file).text);
            self.diagnostics.extend(diagnostics);
            self.asts.insert(file, ast);
        }
        let imports: Vec<Import> = self.asts[&file]
            .as_ref()
            .map(|ast| ast.imports.clone())
            .unwrap_or_default();
        for import in imports {
            let Some(target) = self.resolve(file, &import) else {
                stack.incomplete = true;
                continue;
            };
            let on_chain = chain
                .iter()
                .map(|&(from, _)| from)
                .chain([file])
                .position(|f| f == target);
            if let Some(start) = on_chain {
                let mut edges: Vec<(FileId, Span)> = chain[start..].to_vec();
                edges.push((file, import.path_span));
                self.cycle(&edges, target);
            } else if !stack.files.contains(&target) {
                chain.push((file, import.path_span));
                self.visit(target, chain, stack);
                chain.pop();
            }
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
        if let Some((id, _)) = self
            .sources
            .iter()
            .find(|(_, file)| normalize(&file.name) == name)
        {
            return Some(id);
        }
        match self.loader.read(&name) {
            Ok(text) => Some(self.sources.add(name, text)),
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
    use super::{join, normalize};

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
