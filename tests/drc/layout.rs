//! The shape of the source tree, as `docs/architecture.md` draws it: imports run one way
//! through the stages (syntax -> check -> iam -> emit -> verify -> cli), no two files import
//! each other through any chain, and no file outgrows a room.
//!
//! The import graph is read from the text of `src/`: every `crate::...` and `super::...` path
//! (in `use` lines, grouped or not, and inline) is resolved to the file of the longest module
//! prefix that exists. Test modules (`#[cfg(test)]` and below) are left out.

use crate::support::root;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Files allowed past the size of a room: data tables, each one list of facts.
const DATA_TABLES: &[&str] = &["verify::actions"];

/// The most lines a file may have.
const ROOM_LINES: usize = 800;

/// The stages in the order data flows; a file may import only from its own stage or an
/// earlier one. Shared ground (sources, diagnostics, naming, parallel maps) sits before
/// every stage.
const STAGES: &[(&str, u8)] = &[
    ("source", 0),
    ("diagnostics", 0),
    ("names", 0),
    ("parallel", 0),
    ("syntax", 1),
    ("fmt", 2),
    ("load", 2),
    ("check", 3),
    ("iam", 4),
    ("emit", 5),
    ("report", 5),
    ("graph", 5),
    ("verify", 6),
    ("lib", 7),
    ("init", 7),
    ("cli", 8),
    ("lsp", 8),
    ("main", 9),
];

/// Every `.rs` file under `src/`, by module path (`["check", "bucket"]`).
fn modules() -> BTreeMap<Vec<String>, String> {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src is readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = root().join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    files
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(&src).expect("under src");
            let mut module: Vec<String> = relative
                .with_extension("")
                .iter()
                .map(|s| s.to_string_lossy().into_owned())
                .collect();
            if module.last().is_some_and(|m| m == "mod") || module == ["lib"] {
                module.pop();
            }
            let text = std::fs::read_to_string(&path).expect("source is readable");
            (module, text)
        })
        .collect()
}

/// The paths a file names: `crate::a::b` and `super::c`, with grouped `use` lines expanded.
fn paths(text: &str) -> Vec<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    let code: String = code
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = Vec::new();
    // `use base::{a, b::c, self};` (one level of braces is all drc writes).
    let mut rest = code.as_str();
    while let Some(at) = rest.find("use ") {
        rest = &rest[at + 4..];
        let Some(end) = rest.find(';') else { break };
        let statement = &rest[..end];
        if let Some((base, group)) = statement.split_once("::{") {
            for part in group.trim_end_matches('}').split(',') {
                let part = part.split(" as ").next().unwrap_or_default().trim();
                let part = part.split("::{").next().unwrap_or_default();
                match part {
                    "" => {}
                    "self" => found.push(base.trim().to_owned()),
                    _ => found.push(format!("{}::{part}", base.trim())),
                }
            }
        }
    }
    // Every path that starts at `crate` or `super`, wherever it stands.
    let bytes = code.as_bytes();
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(start) {
            let begin = from + at;
            from = begin + start.len();
            if begin > 0 && (bytes[begin - 1].is_ascii_alphanumeric() || bytes[begin - 1] == b'_') {
                continue;
            }
            let end = code[begin..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .map_or(code.len(), |n| begin + n);
            // `use super::{...}` was read above, member by member.
            if !code[end..].starts_with('{') {
                found.push(code[begin..end].trim_end_matches(':').to_owned());
            }
        }
    }
    found
}

/// The import graph: file module path -> the module paths of the files it imports.
fn graph() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let modules = modules();
    let mut edges = BTreeMap::new();
    for (module, text) in &modules {
        let mut targets = BTreeSet::new();
        for path in paths(text) {
            let mut segments = path.split("::").peekable();
            let mut at: Vec<String> = if segments.peek() == Some(&"crate") {
                segments.next();
                Vec::new()
            } else {
                module.clone()
            };
            while segments.peek() == Some(&"super") {
                segments.next();
                at.pop();
            }
            let rest: Vec<&str> = segments.collect();
            let target = (0..=rest.len()).rev().find_map(|n| {
                let mut candidate = at.clone();
                candidate.extend(rest[..n].iter().map(|s| (*s).to_owned()));
                modules.contains_key(&candidate).then_some(candidate)
            });
            if let Some(target) = target.filter(|t| t != module) {
                targets.insert(target);
            }
        }
        edges.insert(module.clone(), targets);
    }
    edges
}

fn name(module: &[String]) -> String {
    if module.is_empty() {
        "lib".to_owned()
    } else {
        module.join("::")
    }
}

fn stage(module: &[String]) -> u8 {
    let first = module.first().map_or("lib", String::as_str);
    STAGES.iter().find(|(name, _)| *name == first).map_or_else(
        || panic!("src/{first} is in no stage of STAGES"),
        |(_, s)| *s,
    )
}

#[test]
fn imports_run_one_way_through_the_stages() {
    let mut upward = Vec::new();
    for (from, targets) in graph() {
        for to in targets {
            if stage(&to) > stage(&from) {
                upward.push(format!("{} imports {}", name(&from), name(&to)));
            }
        }
    }
    assert!(upward.is_empty(), "imports against the flow:\n{upward:#?}");
}

#[test]
fn no_file_imports_itself_through_others() {
    let edges = graph();
    // Every file that can reach itself is on a circle; report each with one of its circles.
    let mut circles = Vec::new();
    for start in edges.keys() {
        let mut paths = vec![vec![start.clone()]];
        let mut seen = BTreeSet::new();
        while let Some(path) = paths.pop() {
            let last = path.last().expect("paths are never empty");
            for next in edges.get(last).into_iter().flatten() {
                if next == start {
                    let names: Vec<String> = path.iter().map(|m| name(m)).collect();
                    circles.push(format!("{} -> {}", names.join(" -> "), name(start)));
                } else if seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    paths.push(longer);
                }
            }
        }
    }
    assert!(circles.is_empty(), "import circles:\n{circles:#?}");
}

#[test]
fn the_import_reader_sees_a_circle() {
    // The reader must find what it is asked to forbid: an inline path and a grouped `use`.
    let text = "use super::{model::Kind, limits};\nfn f() { crate::iam::grant(); }";
    assert_eq!(
        paths(text),
        ["super::model::Kind", "super::limits", "crate::iam::grant"]
    );
}

#[test]
fn every_file_is_a_room() {
    let mut large = Vec::new();
    for (module, text) in modules() {
        let lines = text.lines().count();
        if lines > ROOM_LINES && !DATA_TABLES.contains(&name(&module).as_str()) {
            large.push(format!("{} has {lines} lines", name(&module)));
        }
    }
    assert!(
        large.is_empty(),
        "files over {ROOM_LINES} lines (split them by concern):\n{large:#?}"
    );
}
