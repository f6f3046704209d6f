//! drc compiles `.dr` files, a small language for backup and disaster-recovery stacks, into
//! CloudFormation YAML and Terraform JSON with least-privilege IAM inferred from what each
//! function declares it does.
//!
//! ```text
//! &str --parse--> Ast --check--> Program --infer--> Policies --lower--> Stack --emit--> bytes
//!                                                                       bytes --verify--> proof
//! ```
//!
//! The library does no IO: sources come in as text, imported `.dr` files through a
//! [`SourceLoader`], function code through a [`CodeSource`], and artifacts go out as bytes. A `build.rs` can call it directly:
//!
//! ```
//! use drc::{CodeFile, CodeSource, Options, SourceMap, Target};
//!
//! /// Serves one handler file for every function.
//! struct Inline;
//! impl CodeSource for Inline {
//!     fn files(&self, _dr_path: &str, _dir: &str) -> Result<Vec<CodeFile>, String> {
//!         Ok(vec![CodeFile { path: "index.mjs".into(), bytes: b"export const handler = async () => {};".to_vec(), executable: false }])
//!     }
//! }
//!
//! let mut sources = SourceMap::new();
//! sources.add("backup.dr", r#"
//!     bucket data { versioned = true }
//!     bucket backups { versioned = true  retain = true  encryption = kms }
//!     function copy {
//!       runtime = nodejs24.x
//!       handler = "index.handler"
//!       code    = "lambda"
//!       alarm   = alerts
//!       env { FROM = data.name, TO = backups.name }
//!       read data
//!       put  backups "daily/"
//!     }
//!     schedule nightly { every = 24h  invoke = copy }
//!     topic alerts { email = "ops@example.com" }
//! "#);
//! let options = Options { targets: vec![Target::Terraform], today: drc::date(2026, 11, 24), deny_warnings: true, set: Default::default() };
//! let compilation = drc::compile(&sources, &options, &Inline);
//! assert!(compilation.succeeded(), "{}", drc::render(&compilation.diagnostics, &sources, false));
//! let tf = &compilation.stacks[0].artifacts[0];
//! assert_eq!(tf.file_name, "backup.tf.json");
//! let text = String::from_utf8(tf.bytes.clone()).unwrap();
//! assert!(text.contains(r#""${aws_s3_bucket.backups.arn}/daily/*""#));
//! assert!(!text.contains("s3:DeleteObject"));
//! ```

pub mod check;
#[allow(clippy::disallowed_methods)]
pub mod cli;
pub mod diagnostics;
pub mod emit;
pub mod fmt;
pub mod graph;
pub mod iam;
pub mod init;
pub mod load;
pub mod lsp;
pub mod names;
pub mod parallel;
pub mod report;
pub mod source;
pub mod syntax;
pub mod verify;

pub use check::model::Program;
pub use diagnostics::{Code, Diagnostic, Severity, render};
pub use emit::{Artifact, CodeFile, CodeSource, Target};
pub use iam::Policies;
pub use jiff::civil::{Date, date};
pub use load::SourceLoader;
pub use source::{FileId, SourceMap, Span};

use std::collections::{BTreeMap, BTreeSet};

/// What to compile for.
#[derive(Debug, Clone)]
pub struct Options {
    /// The targets to emit; empty to only check (including code packaging).
    pub targets: Vec<Target>,
    /// Today's date: decides which Lambda runtimes are deprecated or blocked.
    pub today: Date,
    /// Every warning is an error (`--deny-warnings`): nothing is produced if there is one.
    pub deny_warnings: bool,
    /// Parameters fixed at compile time (`--set NAME=VALUE`): each is checked against its
    /// declaration, substituted into the text that uses it and left out of the output.
    pub set: BTreeMap<String, String>,
}

/// The result of compiling a set of files.
#[derive(Debug, Clone)]
pub struct Compilation {
    /// Every diagnostic of every file, sorted by file, span and code.
    pub diagnostics: Vec<Diagnostic>,
    /// One entry per file when there is no error; empty otherwise.
    pub stacks: Vec<StackOutput>,
    /// The warnings `allow` lines silenced, in the stacks that checked without error.
    pub silenced: Vec<check::Silenced>,
}

impl Compilation {
    /// Whether the compilation has no errors (warnings allowed).
    pub fn succeeded(&self) -> bool {
        !diagnostics::has_errors(&self.diagnostics)
    }
}

/// The artifacts of one stack.
#[derive(Debug, Clone)]
pub struct StackOutput {
    /// The stack's name.
    pub name: String,
    /// The file it came from.
    pub file: FileId,
    /// Templates (CloudFormation, then Terraform, as requested) followed by the code
    /// archives, once each.
    pub artifacts: Vec<Artifact>,
}

/// A checked program with its inferred policies.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The file.
    pub file: FileId,
    /// The checked program.
    pub program: Program,
    /// Its policies.
    pub policies: Policies,
}

/// Parses, checks and infers every file. Analyses are returned for the files that checked
/// without error; diagnostics are sorted. Files are self-contained: an `import` is an error
/// (use [`analyze_with`] and a [`SourceLoader`] to follow imports).
pub fn analyze(sources: &SourceMap, today: Date) -> (Vec<Analysis>, Vec<Diagnostic>) {
    analyze_with(
        &mut sources.clone(),
        today,
        &BTreeMap::new(),
        &load::NoImports,
    )
}

/// Parses, checks and infers every stack: each file of `sources` is the root of one, with
/// the files it imports, which `loader` reads and which are added to `sources` (so
/// diagnostics about them can be rendered). Parameters are fixed to the values in `set` (see
/// [`Options::set`]).
pub fn analyze_with(
    sources: &mut SourceMap,
    today: Date,
    set: &BTreeMap<String, String>,
    loader: &dyn SourceLoader,
) -> (Vec<Analysis>, Vec<Diagnostic>) {
    let files_of = load::load(sources, loader);
    analyze_loaded(sources, &files_of, today, set)
}

/// Checks and infers the stacks of files already loaded (see [`load::load`]): one per entry
/// of `loaded.stacks`. An editor loads every open file, then keeps the stacks of the files no
/// other file imports.
pub fn analyze_loaded(
    sources: &SourceMap,
    files_of: &load::Loaded,
    today: Date,
    set: &BTreeMap<String, String>,
) -> (Vec<Analysis>, Vec<Diagnostic>) {
    let mut analyses = Vec::new();
    let mut all = files_of.diagnostics.clone();
    let mut stacks: BTreeMap<String, Span> = BTreeMap::new();
    let declared: BTreeSet<String> = files_of
        .asts
        .values()
        .flatten()
        .flat_map(check::param_names)
        .collect();
    for files in &files_of.stacks {
        let asts: Option<Vec<&syntax::Ast>> = files
            .files
            .iter()
            .map(|file| files_of.asts[file].as_ref())
            .collect();
        let Some(asts) = asts.filter(|_| !files.incomplete) else {
            continue;
        };
        let file = files.root;
        let (program, mut diagnostics) = check::check(file, sources.get(file), &asts, today, set);
        if let Some(program) = program {
            if let Some(first) = stacks.get(&program.stack.name) {
                let name = &program.stack.name;
                diagnostics.push(
                    Diagnostic::new(
                        Code::E0210,
                        format!("two files make the stack `{name}`"),
                        program.stack.span,
                        format!("this file's stack is also named `{name}`"),
                    )
                    .with_label(*first, "first stack with this name")
                    .with_note("a file without a `stack` item is named after the file")
                    .with_help("each stack writes files named after it: add `stack other_name {}` to one of them"),
                );
            } else {
                stacks.insert(program.stack.name.clone(), program.stack.span);
                let policies = iam::infer(&program);
                analyses.push(Analysis {
                    file,
                    program,
                    policies,
                });
            }
        }
        all.extend(diagnostics);
    }
    if let Some((first, _)) = sources.iter().next() {
        for name in set.keys().filter(|name| !declared.contains(*name)) {
            all.push(check::unknown_set(name, &declared, Span::new(first, 0, 0)));
        }
    }
    diagnostics::sort(&mut all);
    diagnostics::cap(&mut all);
    (analyses, all)
}

/// Compiles every file for the requested targets. Nothing is produced if any file has an
/// error: a partial set of templates is never returned. Files are self-contained: an
/// `import` is an error (use [`compile_with`] and a [`SourceLoader`] to follow imports).
pub fn compile(sources: &SourceMap, options: &Options, code: &dyn CodeSource) -> Compilation {
    compile_with(&mut sources.clone(), options, code, &load::NoImports)
}

/// Compiles every file of `sources` as the root of a stack, with the files it imports, which
/// `loader` reads and which are added to `sources`. Nothing is produced if any file has an
/// error.
pub fn compile_with(
    sources: &mut SourceMap,
    options: &Options,
    code: &dyn CodeSource,
    loader: &dyn SourceLoader,
) -> Compilation {
    let (analyses, mut diagnostics) = analyze_with(sources, options.today, &options.set, loader);
    let sources = &*sources;
    let silenced = analyses
        .iter()
        .flat_map(|a| a.program.silenced.iter().cloned())
        .collect();
    let mut stacks = Vec::new();
    for analysis in &analyses {
        let source = sources.get(analysis.file);
        let base = source
            .name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(&source.name);
        // Templates name the source by its file name alone, so their bytes do not depend on
        // the directory drc ran in.
        let explanation = iam::explain::explain(
            &analysis.policies,
            sources,
            iam::explain::FileNames::BaseName,
        );
        match emit::lower(
            &analysis.program,
            &analysis.policies,
            explanation,
            base,
            sources,
            code,
            // Only to check (no target), the file is held to both targets' limits.
            options.targets.is_empty() || options.targets.contains(&Target::CloudFormation),
        ) {
            Ok(stack) => {
                let mut targets = options.targets.clone();
                targets.sort();
                targets.dedup();
                // Only to check: the split a CloudFormation build would make is placed too.
                if targets.is_empty()
                    && let Err(diagnostic) = emit::check_split(&stack)
                {
                    diagnostics.push(*diagnostic);
                }
                // The targets are written in parallel (for a large stack), taken in order.
                let mut artifacts: Vec<Artifact> = Vec::new();
                let mut refused = false;
                for emitted in parallel::map(&targets, analysis.program.item_count(), |&target| {
                    emit::emit(&stack, target)
                }) {
                    match emitted {
                        Ok(more) => artifacts.extend(more),
                        Err(diagnostic) => {
                            diagnostics.push(*diagnostic);
                            refused = true;
                        }
                    }
                }
                // Proof, not promise: the templates are read back and checked against the
                // declarations before anything is returned (E0901 when they disagree). A
                // target that refused the stack leaves nothing to return, nor to prove.
                if !refused {
                    let files: Vec<(&str, &[u8])> = artifacts
                        .iter()
                        .map(|a| (a.file_name.as_str(), a.bytes.as_slice()))
                        .collect();
                    diagnostics.extend(verify::prove(&analysis.program, sources, &files));
                }
                if !targets.is_empty() {
                    // Functions sharing code share an archive: each file once.
                    let mut seen = std::collections::BTreeSet::new();
                    artifacts.extend(
                        stack
                            .archives
                            .into_iter()
                            .filter(|archive| seen.insert(archive.file_name.clone()))
                            .map(Artifact::from),
                    );
                }
                stacks.push(StackOutput {
                    name: analysis.program.stack.name.clone(),
                    file: analysis.file,
                    artifacts,
                });
            }
            Err(more) => diagnostics.extend(more),
        }
    }
    if options.deny_warnings {
        diagnostics = diagnostics
            .into_iter()
            .map(|d| d.deny("`--deny-warnings`"))
            .collect();
    }
    diagnostics::sort(&mut diagnostics);
    diagnostics::cap(&mut diagnostics);
    if diagnostics::has_errors(&diagnostics) {
        stacks.clear();
    }
    Compilation {
        diagnostics,
        stacks,
        silenced,
    }
}
