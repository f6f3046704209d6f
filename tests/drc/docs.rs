//! The error code pages in `docs/errors/`: every code has its page, titled as in the
//! registry, every page belongs to a code, and every page's examples say what drc really
//! does.
//!
//! A page shows an erroneous example (```` ```dr ```` blocks, one file each: `example.dr`,
//! or the name a "`` `name.dr`: `` line gives it), what `drc check --color never example.dr`
//! prints for it (a ```` ```text ```` block, summary line included) and a corrected example.
//! The erroneous example must produce the page's code and print exactly that text; the
//! corrected one (the erroneous files, each replaced by the corrected block of the same
//! name) must compile without any diagnostic. A further example after the corrected one, a
//! ```` ```dr ```` block followed by its ```` ```text ````, is checked like the first.
//!
//! Examples are compiled as the CLI checks them: written to a temporary directory beside a
//! `lambda/index.mjs` (the code directory the pages use), read under the names the page
//! gives them, imports and code read from that directory, on the date the pages are made
//! with (`DRC_TODAY=2026-11-24`). The sentence that opens an example may change that:
//!
//! - a command, `` `drc check a.dr b.dr --set stage=prod` ``, gives the files checked (the
//!   others are only there to be imported) and `--set` values; a paragraph with a command
//!   followed by a ```` ```text ```` block runs the latest example with it;
//! - "with `` `functions/backup/index.mjs` `` next to" names a code file to create.
//!
//! Some examples are too long to print: the page shows how they begin, with `...` where lines
//! are left out, and [`written_out`] writes them out as the page describes them. The lines
//! the page does show must be lines of the written-out file, in the same order.

use crate::support::{NextTo, root, today};
use drc::{Code, Options, SourceMap};
use std::collections::BTreeMap;
use std::fmt::Write as _;

#[test]
fn every_code_has_a_page_and_every_page_a_code() {
    let dir = root().join("docs/errors");
    for code in Code::ALL {
        let page = dir.join(format!("{}.md", code.as_str()));
        let text =
            std::fs::read_to_string(&page).unwrap_or_else(|_| panic!("missing {}", page.display()));
        let heading = format!("# {}: {}", code.as_str(), code.title());
        assert_eq!(
            text.lines().next(),
            Some(heading.as_str()),
            "{}",
            page.display()
        );
    }
    for entry in std::fs::read_dir(&dir).expect("docs/errors exists") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name == "README.md" {
            continue;
        }
        let stem = name.strip_suffix(".md").expect("only Markdown pages");
        assert!(
            Code::ALL.iter().any(|c| c.as_str() == stem),
            "{name} documents no code"
        );
    }
}

#[test]
fn every_page_shows_what_drc_reports() {
    let mut failures = Vec::new();
    let mut pages = 0;
    for &code in Code::ALL {
        let name = format!("docs/errors/{}.md", code.as_str());
        let page = std::fs::read_to_string(root().join(&name)).expect("every code has a page");
        // An internal error has no erroneous `.dr` file: its page says so, and its example
        // (drc's output changed the way a bug would) is checked in `verify.rs`.
        if code.as_str().starts_with("E09") {
            if !page.contains("No `.dr` file can cause it") {
                failures.push(format!(
                    "{name}: an internal error's page must say that no `.dr` file can cause it"
                ));
                pages += 1;
            }
            continue;
        }
        // Too many errors (an example of more than 100 errors does not fit a page) and input
        // files refused before they are checked (no `.dr` text to show): each page says
        // where its example is checked.
        if matches!(code, Code::E0105 | Code::E0604 | Code::E0605) {
            if !page.contains("Its example is checked in `tests/drc/inputs.rs`") {
                failures.push(format!(
                    "{name}: the page must say where its example is checked"
                ));
                pages += 1;
            }
            continue;
        }
        // An item's values past what a nested stack passes: other limits come first in any
        // `.dr` file, so its example is the placement's unit test.
        if code == Code::E0502 {
            if !page.contains("Its example is checked in `src/emit/parts.rs`") {
                failures.push(format!(
                    "{name}: the page must say where its example is checked"
                ));
                pages += 1;
            }
            continue;
        }
        let before = failures.len();
        match runs(code, &page) {
            Ok(runs) => {
                for run in &runs {
                    if let Err(why) = run.check(code) {
                        failures.push(format!("{name}:{}: {why}", run.example.line));
                    }
                }
            }
            Err(why) => failures.push(format!("{name}: {why}")),
        }
        pages += usize::from(failures.len() > before);
    }
    assert!(
        failures.is_empty(),
        "{pages} of {} error pages disagree with drc:\n\n{}",
        Code::ALL.len(),
        failures.join("\n\n")
    );
}

/// Files, how they are checked, and what the check must print.
struct Run {
    example: Example,
    expect: Expect,
    /// Whether the example is written out from an abridged one.
    abridged: bool,
}

/// What a run must print.
enum Expect {
    /// Exactly this, and the page's code among the diagnostics.
    Reports(String),
    /// Nothing at all.
    Clean,
}

/// Files and how to check them.
#[derive(Debug, Clone, Default)]
struct Example {
    /// The page line the example starts at.
    line: usize,
    /// Name and text of every file, in page order.
    files: Vec<(String, String)>,
    /// How they are checked.
    command: Command,
    /// Files of code directories to create besides `lambda/index.mjs`.
    code_files: Vec<String>,
}

impl Example {
    /// Adds a file, or replaces the file of the same name.
    fn put(&mut self, name: String, text: String) {
        match self.files.iter_mut().find(|(n, _)| *n == name) {
            Some(file) => file.1 = text,
            None => self.files.push((name, text)),
        }
    }
}

/// `drc check` arguments.
#[derive(Debug, Clone, Default)]
struct Command {
    /// The files given; none means `example.dr`.
    roots: Vec<String>,
    /// `--set NAME=VALUE`.
    set: BTreeMap<String, String>,
}

impl Run {
    /// Compiles the example as `drc check` would and compares with what is expected.
    fn check(&self, code: Code) -> Result<(), String> {
        let example = &self.example;
        let dir = tempfile::tempdir().expect("temporary directory");
        let handler = "export const handler = async () => {};\n";
        let files = example.files.iter().map(|(n, t)| (n.as_str(), t.as_str()));
        let code_files = ["lambda/index.mjs"]
            .into_iter()
            .chain(example.code_files.iter().map(String::as_str))
            .map(|name| (name, handler));
        for (name, text) in files.chain(code_files) {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().expect("in the directory")).expect("mkdir");
            std::fs::write(&path, text).expect("write the example");
        }
        let roots = if example.command.roots.is_empty() {
            vec!["example.dr".to_owned()]
        } else {
            example.command.roots.clone()
        };
        let mut sources = SourceMap::new();
        for root in &roots {
            let text = std::fs::read_to_string(dir.path().join(root)).map_err(|_| {
                format!("the command checks `{root}`, which the page does not show")
            })?;
            sources.add(root.as_str(), text);
        }
        let options = Options {
            targets: Vec::new(),
            today: today(),
            deny_warnings: false,
            set: example.command.set.clone(),
        };
        let reader = NextTo::new(&dir.path().join(&roots[0]), &roots[0]);
        let compilation = drc::compile_with(&mut sources, &options, &reader, &reader);
        let rendered = drc::render(&compilation.diagnostics, &sources, false);
        let has_code = compilation.diagnostics.iter().any(|d| d.code == code);
        match &self.expect {
            Expect::Reports(expected) => {
                if !has_code {
                    return Err(format!(
                        "the erroneous example does not produce {}; drc reports:\n{}",
                        code.as_str(),
                        shorten(&rendered, 60)
                    ));
                }
                if let Some(difference) = first_difference(expected, &rendered, self.abridged) {
                    return Err(format!(
                        "drc reports something else than the page says ({difference}):\n--- page\n{}\n--- drc\n{}\n---",
                        shorten(expected, 60),
                        shorten(&rendered, 60)
                    ));
                }
            }
            Expect::Clean => {
                if !compilation.diagnostics.is_empty() {
                    let which = if has_code {
                        format!("still {}", code.as_str())
                    } else {
                        "not the page's code, but still".to_owned()
                    };
                    return Err(format!(
                        "the corrected example has diagnostics ({which}):\n{}",
                        shorten(&rendered, 60)
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Where drc's output first differs from the page's, if it does. In an abridged example, a
/// page line ending in `...` stands for any line that begins like it.
fn first_difference(page: &str, drc: &str, abridged: bool) -> Option<String> {
    let mut page_lines = page.lines();
    let mut drc_lines = drc.lines();
    for n in 1.. {
        match (page_lines.next(), drc_lines.next()) {
            (None, None) => break,
            (Some(p), Some(d))
                if p == d
                    || (abridged && p.strip_suffix("...").is_some_and(|p| d.starts_with(p))) => {}
            (p, d) => {
                let d = d.map(|d| shorten(d, 1));
                return Some(format!(
                    "first difference at line {n} of the block: page {p:?}, drc {d:?}"
                ));
            }
        }
    }
    (page.ends_with('\n') != drc.ends_with('\n'))
        .then(|| "the texts differ only in their final newline".to_owned())
}

/// The first lines of a text, each cut short, for a failure message.
fn shorten(text: &str, lines: usize) -> String {
    let mut short = String::new();
    for line in text.lines().take(lines) {
        match line.char_indices().nth(500) {
            Some((end, _)) => {
                let _ = writeln!(short, "{}...", &line[..end]);
            }
            None => {
                let _ = writeln!(short, "{line}");
            }
        }
    }
    let more = text.lines().count().saturating_sub(lines);
    if more > 0 {
        let _ = writeln!(short, "... and {more} more lines");
    }
    short.trim_end().to_owned()
}

/// A part of a page.
enum Piece {
    /// A paragraph of prose, its lines joined by spaces.
    Prose(String),
    /// A ```` ```dr ```` block.
    Source(String),
    /// A ```` ```text ```` block.
    Output(String),
}

/// The paragraphs and code blocks of a page, each with the line it starts at.
fn pieces(page: &str) -> Result<Vec<(usize, Piece)>, String> {
    let mut pieces = Vec::new();
    let mut paragraph: Option<(usize, String)> = None;
    let mut lines = page.lines().enumerate().map(|(i, line)| (i + 1, line));
    while let Some((n, line)) = lines.next() {
        if let Some(language) = line.strip_prefix("```") {
            pieces.extend(paragraph.take().map(|(n, p)| (n, Piece::Prose(p))));
            let mut block = String::new();
            let mut closed = false;
            for (_, line) in lines.by_ref() {
                if line == "```" {
                    closed = true;
                    break;
                }
                block.push_str(line);
                block.push('\n');
            }
            if !closed {
                return Err(format!("line {n}: the block is not closed"));
            }
            pieces.push(match language {
                "dr" => (n, Piece::Source(block)),
                "text" => (n, Piece::Output(block)),
                other => return Err(format!("line {n}: unknown block language `{other}`")),
            });
        } else if line.trim().is_empty() {
            pieces.extend(paragraph.take().map(|(n, p)| (n, Piece::Prose(p))));
        } else {
            match &mut paragraph {
                Some((_, text)) => {
                    text.push(' ');
                    text.push_str(line);
                }
                None => paragraph = Some((n, line.to_owned())),
            }
        }
    }
    pieces.extend(paragraph.map(|(n, p)| (n, Piece::Prose(p))));
    Ok(pieces)
}

/// The spans of a paragraph written in backticks.
fn spans(paragraph: &str) -> impl Iterator<Item = &str> {
    paragraph.split('`').skip(1).step_by(2)
}

/// The `drc check` command a paragraph gives, if any.
fn command(paragraph: &str) -> Result<Option<Command>, String> {
    let Some(arguments) = spans(paragraph)
        .filter_map(|span| span.strip_prefix("drc check "))
        .find(|arguments| arguments.split_whitespace().any(|w| w.ends_with(".dr")))
    else {
        return Ok(None);
    };
    let mut command = Command::default();
    let mut words = arguments.split_whitespace();
    while let Some(word) = words.next() {
        match word {
            "--color" => {
                words.next();
            }
            "--set" => {
                let (name, value) = words
                    .next()
                    .and_then(|pair| pair.split_once('='))
                    .ok_or_else(|| format!("`--set` without NAME=VALUE in `{arguments}`"))?;
                command.set.insert(name.to_owned(), value.to_owned());
            }
            file if file.ends_with(".dr") => command.roots.push(file.to_owned()),
            other => return Err(format!("unknown argument `{other}` in `{arguments}`")),
        }
    }
    Ok(Some(command))
}

/// The code files a paragraph says are there: "with `dir/file` next to ...".
fn code_files(paragraph: &str) -> Vec<String> {
    paragraph
        .split('`')
        .collect::<Vec<_>>()
        .windows(2)
        .enumerate()
        .filter(|(i, pair)| i % 2 == 1 && pair[1].starts_with(" next to"))
        .map(|(_, pair)| pair[0].to_owned())
        .collect()
}

/// The file name a paragraph like "`` `storage.dr`: ``" gives the next block.
fn file_label(paragraph: &str) -> Option<&str> {
    paragraph
        .strip_prefix('`')?
        .strip_suffix("`:")
        .filter(|name| name.ends_with(".dr") && !name.contains('`'))
}

/// Where a page is in its examples.
enum Section {
    /// Between examples.
    None,
    /// An erroneous example, waiting for its output.
    Erroneous(Example),
    /// A corrected example.
    Corrected {
        example: Example,
        /// How many blocks it has so far.
        blocks: usize,
        /// Whether its paragraph gives a command.
        command: bool,
    },
}

impl Section {
    /// Ends the section: a corrected example is a run when it has blocks or a command of its
    /// own; told in words only, it is checked when [`written_out`] has it.
    fn close(self, code: Code, runs: &mut Vec<Run>) -> Result<(), String> {
        match self {
            Section::None => {}
            Section::Erroneous(example) => {
                return Err(format!("line {}: an example without output", example.line));
            }
            Section::Corrected {
                mut example,
                blocks,
                command,
            } => {
                if blocks == 0 && !command {
                    let Some(files) = written_out(code, Which::Corrected) else {
                        return Ok(());
                    };
                    example.command.roots = files.iter().map(|(n, _)| n.clone()).collect();
                    example.files = files;
                }
                runs.push(Run {
                    example,
                    expect: Expect::Clean,
                    abridged: false,
                });
            }
        }
        Ok(())
    }
}

/// Every check a page asks for.
fn runs(code: Code, page: &str) -> Result<Vec<Run>, String> {
    let mut runs = Vec::new();
    let mut section = Section::None;
    // The erroneous example a corrected one starts from, and the latest example.
    let mut erroneous = Example::default();
    let mut latest = Example::default();
    let mut label: Option<String> = None;
    for (line, piece) in pieces(page)? {
        match piece {
            Piece::Prose(paragraph) => {
                let given = command(&paragraph)?;
                if let Some(name) = file_label(&paragraph) {
                    label = Some(name.to_owned());
                } else if paragraph.starts_with("Erroneous example") {
                    std::mem::replace(&mut section, Section::None).close(code, &mut runs)?;
                    section = Section::Erroneous(Example {
                        line,
                        command: given.unwrap_or_default(),
                        code_files: code_files(&paragraph),
                        ..Example::default()
                    });
                } else if paragraph.starts_with("Corrected") {
                    std::mem::replace(&mut section, Section::None).close(code, &mut runs)?;
                    let mut example = erroneous.clone();
                    example.line = line;
                    example.code_files.extend(code_files(&paragraph));
                    let command = given.is_some();
                    if let Some(given) = given {
                        example.command = given;
                    }
                    section = Section::Corrected {
                        example,
                        blocks: 0,
                        command,
                    };
                } else if !paragraph.starts_with("drc reports") {
                    // Any other prose ends a corrected example; followed by output, a
                    // paragraph with a command reruns the latest example with it.
                    if let Section::Corrected { example, .. } = &section {
                        latest = example.clone();
                        std::mem::replace(&mut section, Section::None).close(code, &mut runs)?;
                    }
                    if let Some(command) = given.filter(|_| paragraph.ends_with("reports:")) {
                        section = Section::Erroneous(Example {
                            line,
                            command,
                            ..latest.clone()
                        });
                    }
                }
            }
            Piece::Source(text) => {
                let name = label.take().unwrap_or_else(|| "example.dr".to_owned());
                match &mut section {
                    Section::None => {
                        let mut example = Example {
                            line,
                            ..Example::default()
                        };
                        example.put(name, text);
                        section = Section::Erroneous(example);
                    }
                    Section::Erroneous(example) => example.put(name, text),
                    Section::Corrected {
                        example, blocks, ..
                    } => {
                        example.put(name, text);
                        *blocks += 1;
                    }
                }
            }
            Piece::Output(text) => {
                let Section::Erroneous(example) = std::mem::replace(&mut section, Section::None)
                else {
                    return Err(format!("line {line}: output without an erroneous example"));
                };
                erroneous = example.clone();
                latest = example.clone();
                runs.push(Run {
                    example,
                    expect: Expect::Reports(text),
                    abridged: false,
                });
            }
        }
    }
    section.close(code, &mut runs)?;
    for run in &mut runs {
        abridged(code, run)?;
    }
    if !runs.iter().any(|r| matches!(r.expect, Expect::Reports(_))) {
        return Err("no erroneous example with its output".to_owned());
    }
    if !runs.iter().any(|r| matches!(r.expect, Expect::Clean)) {
        return Err("no corrected example".to_owned());
    }
    Ok(runs)
}

/// Replaces an abridged `example.dr` (one with `...` in it) by the file written out, after
/// checking that the lines the page shows are lines of it, in order.
fn abridged(code: Code, run: &mut Run) -> Result<(), String> {
    let Some((_, shown)) = run
        .example
        .files
        .iter_mut()
        .find(|(name, text)| name == "example.dr" && text.contains("..."))
    else {
        return Ok(());
    };
    let which = match run.expect {
        Expect::Reports(_) => Which::Erroneous,
        Expect::Clean => Which::Corrected,
    };
    let full = written_out(code, which)
        .and_then(|files| files.into_iter().find(|(name, _)| name == "example.dr"))
        .map(|(_, text)| text)
        .ok_or_else(|| {
            format!(
                "line {}: the example is abridged (`...`) but not written out in tests/drc/docs.rs",
                run.example.line
            )
        })?;
    let mut lines = full.lines();
    for line in shown.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("...") || trimmed.starts_with("# ...") {
            continue;
        }
        // A value cut short with `...` is matched up to there.
        let (start, cut) = match line.split_once("...") {
            Some((start, _)) => (start, true),
            None => (line, false),
        };
        if !lines.by_ref().any(|full| {
            if cut {
                full.starts_with(start)
            } else {
                full == start
            }
        }) {
            return Err(format!(
                "line {}: the abridged example shows `{line}`, which the written-out file does not have there",
                run.example.line
            ));
        }
    }
    *shown = full;
    run.abridged = true;
    Ok(())
}

/// Which example of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Erroneous,
    Corrected,
}

/// The examples too long for their page, written out as the page describes them: each
/// file's name and text. The files of a corrected example told in words are all checked.
fn written_out(code: Code, which: Which) -> Option<Vec<(String, String)>> {
    let erroneous = which == Which::Erroneous;
    let example = |text: String| Some(vec![("example.dr".to_owned(), text)]);
    match code {
        // `PREFIXES` lists 120 tenant prefixes.
        Code::E0311 if erroneous => {
            let prefixes: Vec<String> = (0..120)
                .map(|i| format!("tenants/tenant-{i:04}/exports/daily/"))
                .collect();
            example(format!(
                "bucket backups {{\n  versioned = true\n}}\n\nfunction backup {{\n  runtime = nodejs24.x\n  handler = \"index.handler\"\n  code    = \"lambda\"\n  env {{\n    BACKUP_BUCKET = backups.name\n    PREFIXES      = \"{}\"\n  }}\n  put backups \"tenants/\"\n}}\n",
                prefixes.join(",")
            ))
        }
        // `tenants` is a string of 1,048,600 characters.
        Code::E0362 if erroneous => example(format!(
            "function backup {{\n  runtime = nodejs24.x\n  handler = \"index.handler\"\n  code    = \"lambda\"\n  alarm   = alerts\n}}\n\nschedule nightly {{\n  every  = 24h\n  invoke = backup\n  payload {{ tenants = \"{}\" }}\n}}\n\ntopic alerts {{\n  email = \"ops@example.com\"\n}}\n",
            "x".repeat(1_048_600)
        )),
        // The stack has 30 tags and the bucket 25 more; corrected, 20 more.
        Code::E0365 => {
            let tags = |prefix: &str, n: usize| {
                (0..n).fold(String::new(), |mut tags, i| {
                    let _ = writeln!(tags, "    {prefix}_{i:02} = \"v\"");
                    tags
                })
            };
            example(format!(
                "stack tagged {{\n  tags {{\n{}  }}\n}}\n\nbucket backups {{\n  tags {{\n{}  }}\n}}\n",
                tags("stack_tag", 30),
                tags("bucket_tag", if erroneous { 25 } else { 20 })
            ))
        }
        // 60 buckets and 201 outputs; corrected, 200 outputs.
        Code::E0367 => {
            let mut text = String::new();
            for i in 0..60 {
                let _ = writeln!(text, "bucket b{i:02} {{}}");
            }
            text.push('\n');
            for i in 0..if erroneous { 201 } else { 200 } {
                let _ = writeln!(text, "output o{i:03} {{ value = b{:02}.arn }}", i % 60);
            }
            example(text)
        }
        // A bucket, a function with an alarm and a schedule for each of 19,500 tenants;
        // corrected, `t01` to `t9750` and `t9751` to `t19500` in two stacks.
        Code::E0501 => {
            let stack = |name: &str, tenants: std::ops::RangeInclusive<u32>| {
                let mut text = format!(
                    "stack {name} {{\n  description = \"Per-tenant nightly backups\"\n}}\n\ntopic alerts {{ email = \"ops@example.com\" }}\n"
                );
                for t in tenants {
                    let _ = write!(
                        text,
                        "\nbucket t{t:02}_data {{ versioned = true }}\nfunction t{t:02}_backup {{ runtime = nodejs24.x, handler = \"index.handler\", code = \"lambda\", alarm = alerts, env {{ DATA = t{t:02}_data.name }}, read t{t:02}_data, put t{t:02}_data \"backups/\" }}\nschedule t{t:02}_nightly {{ cron = \"{} 3 * * ? *\", invoke = t{t:02}_backup }}\n",
                        t % 60
                    );
                }
                text
            };
            if erroneous {
                example(stack("tenant_backups", 1..=19_500))
            } else {
                Some(vec![
                    (
                        "tenant_backups_a.dr".to_owned(),
                        stack("tenant_backups_a", 1..=9_750),
                    ),
                    (
                        "tenant_backups_b.dr".to_owned(),
                        stack("tenant_backups_b", 9_751..=19_500),
                    ),
                ])
            }
        }
        // 1,000 lifecycle prefixes: with the rule drc adds, 1,001.
        Code::E0542 if erroneous => {
            let mut text = "bucket logs {\n  versioned = true\n".to_owned();
            for i in 0..1000 {
                let _ = writeln!(text, "  lifecycle \"logs/{i:04}/\" {{ expire = 30d }}");
            }
            text.push_str("}\n");
            example(text)
        }
        // `replicate_to` names 1,001 buckets of another account, each declared.
        Code::E0345 if erroneous => {
            let names: Vec<String> = (0..=1000).map(|i| format!("vault{i:04}")).collect();
            let mut text = format!(
                "bucket backups {{\n  versioned    = true\n  replicate_to = [{}]\n}}\n\n",
                names.join(", ")
            );
            for name in &names {
                let _ = writeln!(
                    text,
                    "bucket {name} {{ existing = \"acme-{name}\", account = \"111122223333\" }}"
                );
            }
            example(text)
        }
        // A read and a put with a prefix of its own for each of 130 tenants.
        Code::E0520 if erroneous => {
            let mut text = "bucket warehouse {}\nbucket archive { versioned = true }\n\nfunction exporter {\n  runtime = nodejs24.x\n  handler = \"index.handler\"\n  code    = \"lambda\"\n  env { WAREHOUSE = warehouse.name, ARCHIVE = archive.name }\n".to_owned();
            for t in 1..=130 {
                let _ = writeln!(
                    text,
                    "  read warehouse \"exports/format=parquet/tenant=t{t:03}/\"\n  put  archive   \"archive/format=parquet/retention=7y/tenant=t{t:03}/\""
                );
            }
            text.push_str("}\n");
            example(text)
        }
        // A list and a read for each of 100 tenants; corrected, one list and the reads.
        Code::E0521 => {
            let prefix = "exports/format=parquet/region=eu-west-1/year=2026/";
            let mut text = "bucket warehouse {}\n\nfunction reporter {\n  runtime = nodejs24.x\n  handler = \"index.handler\"\n  code    = \"lambda\"\n  env { WAREHOUSE = warehouse.name }\n".to_owned();
            if !erroneous {
                let _ = writeln!(text, "  list warehouse \"{prefix}\"");
            }
            for t in 1..=100 {
                if erroneous {
                    let _ = writeln!(text, "  list warehouse \"{prefix}tenant=t{t:03}/\"");
                }
                let _ = writeln!(text, "  read warehouse \"{prefix}tenant=t{t:03}/\"");
            }
            text.push_str("}\n");
            example(text)
        }
        _ => None,
    }
}

#[test]
fn a_page_that_drifts_fails() {
    let page = "# E0401: undefined name\n\nErroneous example:\n\n```dr\nbucket a { replicate_to = b }\n```\n\ndrc reports:\n\n```text\nerror[E0401]: something else\n```\n\nCorrected:\n\n```dr\nbucket a {}\n```\n";
    let runs = runs(Code::E0401, page).expect("the page parses");
    assert_eq!(runs.len(), 2);
    let why = runs[0].check(Code::E0401).expect_err("the output differs");
    assert!(why.contains("first difference at line 1 "), "{why}");
    assert!(runs[1].check(Code::E0401).is_ok());
}
