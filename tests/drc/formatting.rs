//! `drc fmt` on every example and fixture: idempotent, faithful (the same tree, the same
//! comments), stable under build (the same templates, byte for byte), and the checked-in
//! files already formatted; and the command line: `--check`, files rewritten or refused.

use crate::support::{NextTo, root, today};
use drc::{Options, SourceMap, Target};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every `.dr` file of the examples and fixtures.
fn dr_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("readable")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "dr") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&root().join("examples"), &mut files);
    walk(&root().join("tests/fixtures"), &mut files);
    assert!(files.len() > 100, "the examples and fixtures are found");
    files
}

fn format(text: &str) -> Result<String, Vec<drc::Diagnostic>> {
    drc::fmt::format(drc::FileId(0), text)
}

/// A tree printed without its spans: what the file says, wherever it is written.
fn shape(text: &str) -> String {
    let (ast, _) = drc::syntax::parse(drc::FileId(0), text);
    let ast = ast.expect("a tree");
    let printed = format!("{:?} {:?}", ast.imports, ast.items);
    let mut out = String::new();
    let mut rest = printed.as_str();
    while let Some(at) = rest.find("Span {") {
        out.push_str(&rest[..at]);
        rest = &rest[at + rest[at..].find('}').expect("a span closes") + 1..];
    }
    out.push_str(rest);
    out
}

/// The comments of a file, in order.
fn comments(text: &str) -> Vec<String> {
    let (ast, _) = drc::syntax::parse(drc::FileId(0), text);
    let ast = ast.expect("a tree");
    ast.trivia
        .comments
        .iter()
        .map(|span| text[span.range()].trim_end().to_owned())
        .collect()
}

#[test]
fn formatting_is_idempotent_and_keeps_every_token_and_comment() {
    let mut refused = 0;
    for path in dr_files() {
        let text = std::fs::read_to_string(&path).expect("readable");
        let Ok(once) = format(&text) else {
            refused += 1;
            continue;
        };
        let twice = format(&once).expect("formatted text parses");
        assert_eq!(once, twice, "{}: not idempotent", path.display());
        assert_eq!(
            shape(&text),
            shape(&once),
            "{}: tree changed",
            path.display()
        );
        assert_eq!(comments(&text), comments(&once), "{}", path.display());
    }
    // Only the syntax error fixtures are refused (E0101, and E0104 for nesting too deep).
    let syntax_fixtures = dr_files()
        .iter()
        .filter(|p| {
            let path = p.to_string_lossy();
            path.contains("/e0101_") || path.contains("/e0104_")
        })
        .count();
    assert_eq!(refused, syntax_fixtures);
}

/// Compiles `text` as if it were the file at `path`, for both targets.
fn compile(path: &Path, text: &str) -> drc::Compilation {
    let mut sources = SourceMap::new();
    sources.add("input.dr", text);
    let options = Options {
        targets: Target::ALL.to_vec(),
        today: today(),
        deny_warnings: false,
        set: std::collections::BTreeMap::new(),
    };
    let code = NextTo::new(path, "input.dr");
    drc::compile_with(&mut sources, &options, &code, &code)
}

#[test]
fn formatting_never_changes_what_is_built() {
    let mut built = 0;
    for path in dr_files() {
        let text = std::fs::read_to_string(&path).expect("readable");
        let Ok(formatted) = format(&text) else {
            continue;
        };
        let before = compile(&path, &text);
        let after = compile(&path, &formatted);
        let what = |c: &drc::Compilation| {
            let diagnostics: Vec<_> = c.diagnostics.iter().map(|d| (d.code, &d.message)).collect();
            format!("{diagnostics:?}")
        };
        assert_eq!(what(&before), what(&after), "{}", path.display());
        assert_eq!(
            before.stacks.len(),
            after.stacks.len(),
            "{}",
            path.display()
        );
        for (old, new) in before.stacks.iter().zip(&after.stacks) {
            for (old, new) in old.artifacts.iter().zip(&new.artifacts) {
                assert_eq!(old.file_name, new.file_name);
                assert!(
                    old.bytes == new.bytes,
                    "{}: {} changes when the file is formatted",
                    path.display(),
                    old.file_name
                );
                built += 1;
            }
        }
    }
    assert!(built > 100, "templates compared: {built}");
}

/// `drc fmt` with arguments, in `dir`: the exit status, stdout and stderr.
fn drc_fmt(dir: &Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_drc"))
        .arg("fmt")
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("drc runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let output = child.wait_with_output().expect("drc exits");
    (
        output.status.code().expect("exit status"),
        String::from_utf8(output.stdout).expect("UTF-8"),
        String::from_utf8(output.stderr).expect("UTF-8"),
    )
}

#[test]
fn the_examples_and_valid_fixtures_are_formatted() {
    let (status, stdout, stderr) = drc_fmt(
        &root(),
        &["--check", "examples", "tests/fixtures/valid"],
        "",
    );
    assert_eq!((status, stdout.as_str(), stderr.as_str()), (0, "", ""));
}

#[test]
fn fmt_rewrites_names_and_refuses() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let messy = "bucket a {\n    versioned=true\n  retain = true # kept\n}\nbucket b {}\n";
    let tidy = "bucket a {\n  versioned = true\n  retain    = true  # kept\n}\n\nbucket b {}\n";
    let broken = "bucket a {\n  versioned: true\n";
    std::fs::write(dir.path().join("messy.dr"), messy).expect("write");
    std::fs::write(dir.path().join("tidy.dr"), tidy).expect("write");
    std::fs::create_dir(dir.path().join("more")).expect("mkdir");
    std::fs::write(dir.path().join("more/broken.dr"), broken).expect("write");
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).expect("read");

    // --check names the file that would change and the broken one's errors, touches nothing.
    let (status, stdout, stderr) = drc_fmt(dir.path(), &["--check"], "");
    assert_eq!(status, 1);
    assert_eq!(stdout, "./messy.dr\n");
    assert!(stderr.contains("error[E0101]"), "{stderr}");
    assert_eq!(read("messy.dr"), messy);

    // Without it, the messy file is rewritten; the broken one is refused and left alone.
    let (status, stdout, _) = drc_fmt(dir.path(), &["messy.dr", "tidy.dr", "more"], "");
    assert_eq!((status, stdout.as_str()), (1, "messy.dr\n"));
    assert_eq!(read("messy.dr"), tidy);
    assert_eq!(read("more/broken.dr"), broken);
    let (status, stdout, _) = drc_fmt(dir.path(), &["--check", "messy.dr", "tidy.dr"], "");
    assert_eq!((status, stdout.as_str()), (0, ""));

    // `-`: standard input to standard output.
    assert_eq!(
        drc_fmt(dir.path(), &["-"], messy),
        (0, tidy.to_owned(), String::new())
    );
    assert_eq!(drc_fmt(dir.path(), &["--check", "-"], messy).0, 1);
    assert_eq!(drc_fmt(dir.path(), &["-"], broken).0, 1);
}
