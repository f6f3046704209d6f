//! Where the docs cite a line of an example (`disaster_recovery.dr:108:3` in README.md or
//! any page under `docs/`), the example's line really holds what the doc says it holds.
//!
//! A citation says what it points at in one of three ways, and each is checked:
//!
//! - the declaration follows it, as a cause is written in the templates and in `drc
//!   explain` (`disaster_recovery.dr:108:3 put  backups "daily/"`): the example's text from
//!   that line and column, comment left out, must begin the words after the citation;
//! - a built-in rule follows it (`disaster_recovery.dr:90:10 built-in: every function writes
//!   its own logs`): `drc explain` of the example must give that rule at that line and
//!   column;
//! - it stands in parentheses after the quoted declaration (`` `put backups "daily/"`
//!   (disaster_recovery.dr:108:3) ``): the example's text there must be that declaration.
//!
//! Spaces are compared as one space. A citation that says none of these fails: a line number
//! with nothing to check it against is the kind that drifts.

use crate::support::root;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[test]
fn every_cited_line_of_an_example_holds_what_the_doc_says() {
    let examples = Examples::read();
    let mut problems = Vec::new();
    let mut cited = 0;
    for page in pages() {
        let text = std::fs::read_to_string(&page).expect("the page is readable");
        let shown = page.strip_prefix(root()).unwrap_or(&page).display();
        for (number, line) in text.lines().enumerate() {
            for citation in citations(line, &examples) {
                cited += 1;
                if let Err(problem) = examples.check(&citation) {
                    problems.push(format!("{shown}:{}: {problem}", number + 1));
                }
            }
        }
    }
    assert!(cited > 0, "no doc cites a line of an example");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_citation_of_the_wrong_line_fails() {
    let examples = Examples::read();
    let check = |line: &str| {
        let found = citations(line, &examples);
        assert_eq!(found.len(), 1, "{line}");
        examples.check(&found[0])
    };
    let (line, column) = examples.find("disaster_recovery", "put  backups");
    let put = format!("disaster_recovery.dr:{line}:{column} put  backups \"daily/\"");
    assert_eq!(check(&put), Ok(()));
    let moved = format!(
        "disaster_recovery.dr:{}:{column} put  backups \"daily/\"",
        line + 1
    );
    assert!(check(&moved).is_err(), "{moved}");
    let quoted = format!(
        "`put backups \"daily/\"` (disaster_recovery.dr:{}:{column})",
        line - 1
    );
    assert!(check(&quoted).is_err(), "{quoted}");
    let (line, column) = examples.find("disaster_recovery", "backup {");
    let rule = "built-in: every function writes its own logs";
    let logs = format!("disaster_recovery.dr:{line}:{column} {rule}");
    assert_eq!(check(&logs), Ok(()));
    let elsewhere = format!("disaster_recovery.dr:{line}:1 {rule}");
    assert!(check(&elsewhere).is_err(), "{elsewhere}");
    assert!(check("see disaster_recovery.dr:12").is_err());
}

/// README.md and every page under `docs/`.
fn pages() -> Vec<PathBuf> {
    fn walk(dir: &Path, pages: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("docs/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(&path, pages);
            } else if path.extension().is_some_and(|e| e == "md") {
                pages.push(path);
            }
        }
    }
    let mut pages = vec![root().join("README.md")];
    walk(&root().join("docs"), &mut pages);
    pages.sort();
    pages
}

/// A place in an example a doc line cites, and what the line says is there.
#[derive(Debug)]
struct Citation {
    example: String,
    line: usize,
    column: usize,
    claim: Claim,
}

#[derive(Debug)]
enum Claim {
    /// The words after the citation: a declaration or a built-in rule.
    Following(String),
    /// The declaration quoted just before a citation in parentheses.
    Quoted(String),
    Nothing,
}

/// The citations of examples in one line of a doc.
fn citations(line: &str, examples: &Examples) -> Vec<Citation> {
    let names = examples.texts.keys().cloned().collect::<Vec<_>>().join("|");
    let pattern = format!(r"\b(?:examples/)?({names})\.dr:(\d+)(?::(\d+))?");
    let pattern = regex::Regex::new(&pattern).expect("the pattern is valid");
    // As the templates quote it: JSON escapes `"`, single-quoted YAML doubles `'`.
    let line = line.replace("\\\"", "\"").replace("''", "'");
    pattern
        .captures_iter(&line)
        .map(|found| {
            let whole = found.get(0).expect("a match");
            let number = |i: usize| found.get(i).map_or(1, |m| m.as_str().parse().unwrap_or(0));
            let after = line[whole.end()..].trim_start();
            let quoted = line[..whole.start()]
                .strip_suffix('(')
                .and_then(|before| before.trim_end().strip_suffix('`'))
                .and_then(|before| before.rsplit_once('`'))
                .map(|(_, quoted)| quoted.to_string());
            let claim = match quoted {
                Some(quoted) if after.starts_with(')') => Claim::Quoted(quoted),
                _ if after.is_empty() || after.starts_with(')') => Claim::Nothing,
                _ => Claim::Following(after.to_string()),
            };
            Citation {
                example: found[1].to_string(),
                line: number(2),
                column: number(3),
                claim,
            }
        })
        .collect()
}

/// The examples' texts, and where `drc explain` says each built-in rule applies.
struct Examples {
    texts: BTreeMap<String, String>,
    /// (example, line, column, the rule's words).
    rules: BTreeSet<(String, usize, usize, String)>,
}

impl Examples {
    fn read() -> Self {
        let mut texts = BTreeMap::new();
        let mut rules = BTreeSet::new();
        for entry in std::fs::read_dir(root().join("examples")).expect("examples/ is readable") {
            let path = entry.expect("a directory entry").path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let Some(stem) = name.strip_suffix(".dr") else {
                continue;
            };
            let text = std::fs::read_to_string(&path).expect("the example is readable");
            texts.insert(stem.to_string(), text);
            for (line, column, words) in built_in_rules(name) {
                rules.insert((stem.to_string(), line, column, words));
            }
        }
        Examples { texts, rules }
    }

    /// The first line and column where `needle` is in an example.
    fn find(&self, example: &str, needle: &str) -> (usize, usize) {
        self.texts[example]
            .lines()
            .enumerate()
            .find_map(|(i, line)| line.find(needle).map(|c| (i + 1, c + 1)))
            .unwrap_or_else(|| panic!("`{needle}` is not in {example}.dr"))
    }

    fn check(&self, citation: &Citation) -> Result<(), String> {
        let Citation {
            example,
            line,
            column,
            claim,
        } = citation;
        let place = format!("{example}.dr:{line}:{column}");
        let text = self.texts[example.as_str()]
            .lines()
            .nth(line.wrapping_sub(1))
            .ok_or_else(|| format!("{place}: {example}.dr has no line {line}"))?;
        let there = text
            .get(column.wrapping_sub(1)..)
            .filter(|_| *column >= 1)
            .ok_or_else(|| format!("{place}: line {line} has no column {column}"))?;
        let there = spaced(without_comment(there));
        let said = |words: &str| spaced(words).chars().take(60).collect::<String>();
        match claim {
            Claim::Following(words) if words.starts_with("built-in:") => {
                let words = spaced(words);
                let known = self.rules.iter().any(|(e, l, c, rule)| {
                    (e, l, c) == (example, line, column) && words.starts_with(&spaced(rule))
                });
                if known {
                    Ok(())
                } else {
                    Err(format!(
                        "`drc explain` gives no such rule at {place}: {}",
                        said(&words)
                    ))
                }
            }
            Claim::Following(words) if !there.is_empty() && spaced(words).starts_with(&there) => {
                Ok(())
            }
            Claim::Quoted(words) if !there.is_empty() && spaced(words) == there => Ok(()),
            Claim::Following(words) | Claim::Quoted(words) => Err(format!(
                "{place} holds `{there}`, not what the doc says: {}",
                said(words)
            )),
            Claim::Nothing => Err(format!(
                "{place}: the doc does not say what the line holds (quote it after the number)"
            )),
        }
    }
}

/// Every built-in cause `drc explain --format json` gives for an example: line, column and
/// words.
fn built_in_rules(example: &str) -> Vec<(usize, usize, String)> {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_drc"))
        .args([
            "explain",
            &format!("examples/{example}"),
            "--format",
            "json",
        ])
        .current_dir(root())
        .env("DRC_TODAY", "2026-11-24")
        .output()
        .expect("drc runs");
    assert!(output.status.success(), "drc explain {example} failed");
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("explain prints JSON");
    let mut rules = Vec::new();
    let mut pending = vec![&json];
    while let Some(value) = pending.pop() {
        match value {
            serde_json::Value::Array(items) => pending.extend(items),
            serde_json::Value::Object(fields) => {
                let text = fields.get("text").and_then(|t| t.as_str());
                let at = |key: &str| fields.get("location")?.get(key)?.as_u64();
                if let (Some(text), Some(line), Some(column)) = (text, at("line"), at("column")) {
                    let index = |n: u64| usize::try_from(n).expect("a line fits");
                    rules.push((index(line), index(column), text.to_string()));
                }
                pending.extend(fields.values());
            }
            _ => {}
        }
    }
    rules
}

/// A line of `.dr` text without its comment.
fn without_comment(text: &str) -> &str {
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '#' if !quoted => return &text[..i],
            _ => {}
        }
    }
    text
}

/// Words separated by single spaces.
fn spaced(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
