//! Input files drc refuses before reading them, and text it accepts or refuses once read:
//! regular files only (FIFOs, devices and directories never block or grow memory), a size
//! cap, UTF-8 with the offset of the first bad byte, and a leading byte-order mark accepted;
//! and reports that stay small whatever the input: at most 100 errors a file (then one
//! `E0105`), snippets of long lines cut around their labels, control characters escaped.

use std::path::Path;
use std::process::{Command, Output};

fn drc(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_drc"))
        .args(args)
        .current_dir(dir)
        .env("DRC_TODAY", "2026-11-24")
        .env("NO_COLOR", "1")
        .output()
        .expect("drc runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_refused(output: &Output, status: i32, needle: &str) {
    let text = stderr(output);
    assert_eq!(output.status.code(), Some(status), "{text}");
    assert!(text.contains(needle), "expected {needle:?} in:\n{text}");
}

const FUNCTION: &str =
    "function f {\n  runtime = nodejs24.x\n  handler = \"index.handler\"\n  code = \"lambda\"\n}\n";

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_are_refused_before_any_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    mkfifo(&d.join("pipe.dr"));
    assert_refused(
        &drc(d, &["check", "pipe.dr"]),
        2,
        "error[E0604]: `pipe.dr` is a FIFO (named pipe), not a regular file",
    );
    std::os::unix::fs::symlink("/dev/zero", d.join("zero.dr")).expect("symlink");
    assert_refused(&drc(d, &["check", "zero.dr"]), 2, "`zero.dr` is a device");
    std::fs::create_dir(d.join("folder.dr")).expect("mkdir");
    assert_refused(&drc(d, &["check", "folder.dr"]), 2, "is a directory");
    // An import of a FIFO is a coded error at the import.
    std::fs::write(d.join("main.dr"), "import \"pipe.dr\"\nbucket b {}\n").expect("write");
    assert_refused(
        &drc(d, &["check", "main.dr"]),
        1,
        "error[E0601]: cannot read the imported file `pipe.dr`",
    );
    // So is a FIFO among a function's code files.
    std::fs::create_dir(d.join("lambda")).expect("mkdir");
    std::fs::write(d.join("lambda/index.mjs"), "export const handler = 1;\n").expect("write");
    mkfifo(&d.join("lambda/stuck"));
    std::fs::write(d.join("f.dr"), FUNCTION).expect("write");
    let output = drc(d, &["build", "f.dr"]);
    assert_refused(
        &output,
        1,
        "error[E0405]: cannot package the code of function `f`",
    );
    assert!(stderr(&output).contains("`stuck` is a FIFO (named pipe), not a regular file"));
    assert!(!d.join("out").exists());
}

#[test]
fn invalid_utf8_names_its_byte_offset() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("bad.dr"), b"bucket caf\xc3 {}\n").expect("write");
    assert_refused(
        &drc(dir.path(), &["check", "bad.dr"]),
        2,
        "error[E0605]: `bad.dr` is not UTF-8 text: the byte at offset 10 is invalid",
    );
}

#[test]
fn a_leading_byte_order_mark_is_accepted() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("bom.dr"), "\u{feff}bucket data {}\n").expect("write");
    let output = drc(dir.path(), &["check", "bom.dr"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn files_past_the_size_cap_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = "# padding\n".repeat(900_000);
    text.push_str("bucket data {}\n");
    std::fs::write(dir.path().join("big.dr"), text).expect("write");
    assert_refused(
        &drc(dir.path(), &["check", "big.dr"]),
        2,
        "error[E0604]: `big.dr` is larger than the 8 MiB drc reads in one .dr file",
    );
}

/// A bucket with `n` unknown attributes `q` on one line: `n` `E0202` errors.
fn one_line_of_errors(n: usize) -> String {
    format!("bucket data {{ {}}}\n", "q = 1 ".repeat(n))
}

#[test]
fn errors_past_100_in_a_file_are_counted_in_one_e0105() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("many.dr"), one_line_of_errors(101)).expect("write");
    let output = drc(dir.path(), &["build", "many.dr", "--out-dir", "out"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert_eq!(text.matches("error[E0202]").count(), 100, "{text}");
    assert_eq!(
        text.matches("error[E0105]: 1 more error in this file not shown")
            .count(),
        1
    );
    assert!(
        !dir.path().join("out").exists(),
        "nothing is written on an error"
    );
}

#[test]
fn a_long_line_of_errors_gives_a_bounded_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = one_line_of_errors(6_000);
    assert!(text.len() > 36_000);
    std::fs::write(dir.path().join("wide.dr"), text).expect("write");
    let output = drc(dir.path(), &["build", "wide.dr", "--out-dir", "out"]);
    let report = stderr(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(report.contains("error[E0105]: 5900 more errors in this file not shown"));
    assert!(report.len() < 100_000, "{} bytes of errors", report.len());
    let widest = report.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(widest <= 210, "a line of {widest} characters");
    assert!(report.contains("wide.dr:1:615"), "columns are the file's");
    assert!(
        !dir.path().join("out").exists(),
        "nothing is written on an error"
    );
}

#[test]
fn control_characters_in_messages_and_snippets_are_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "stack s { tags { \"a\u{1b}[31mred\" = \"v\" } }\nbucket data {}\n";
    std::fs::write(dir.path().join("esc.dr"), text).expect("write");
    let output = drc(dir.path(), &["check", "esc.dr"]);
    let report = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{report}");
    assert!(report.contains("E0363"), "{report}");
    assert!(
        !report.contains('\u{1b}'),
        "a raw escape character:\n{report}"
    );
    assert!(report.contains(r"a\u{1b}[31mred"), "{report}");
}

#[test]
fn a_missing_root_file_is_e0604_and_an_import_of_one_e0601() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = drc(dir.path(), &["build", "backups.dr", "--out-dir", "out"]);
    assert_refused(&output, 2, "error[E0604]: there is no file `backups.dr`");
    assert!(stderr(&output).contains("`drc explain --code E0604` explains this code"));
    assert!(
        !dir.path().join("out").exists(),
        "nothing is written on an error"
    );
    std::fs::write(dir.path().join("a.dr"), "import \"gone.dr\"\nbucket b {}\n").expect("write");
    let output = drc(dir.path(), &["check", "a.dr"]);
    assert_refused(&output, 1, "there is no file `gone.dr`");
    assert!(stderr(&output).contains("error[E0601]") && !stderr(&output).contains("E0604"));
    let output = drc(dir.path(), &["check", "."]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    std::fs::create_dir(dir.path().join("empty")).expect("mkdir");
    assert_refused(
        &drc(dir.path(), &["check", "empty"]),
        2,
        "error[E0604]: `empty` is a directory with no .dr file in it",
    );
}

#[test]
fn a_snippet_of_control_characters_stays_narrow() {
    // Found by the fuzz target: 200 escaped characters printed 1,000 columns.
    let dir = tempfile::tempdir().expect("tempdir");
    let text = format!("bucket data {{ {} q = 1 }}\n", "\u{17}".repeat(300));
    std::fs::write(dir.path().join("ctl.dr"), text).expect("write");
    let output = drc(dir.path(), &["check", "ctl.dr"]);
    let report = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{report}");
    let widest = report.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(widest <= 220, "a line of {widest} characters:\n{report}");
}

#[test]
fn a_snippet_over_two_lines_cuts_the_long_one() {
    // Found by the fuzz target: a `{` left open on a long line, labelled with the next item.
    let dir = tempfile::tempdir().expect("tempdir");
    let text = format!(
        "bucket a {{ tags {{ k = \"{}\" }}\nbucket b {{}}\n",
        "v".repeat(2_000)
    );
    std::fs::write(dir.path().join("open.dr"), text).expect("write");
    let output = drc(dir.path(), &["check", "open.dr"]);
    let report = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{report}");
    assert!(report.contains("E0101"), "{report}");
    assert!(report.contains("2 │ bucket b {}"), "{report}");
    let widest = report.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(widest <= 220, "a line of {widest} characters:\n{report}");
}

#[test]
fn a_message_quoting_long_user_text_is_cut() {
    // Found by the fuzz target: a label quoting a cron field of 1,400 characters.
    let dir = tempfile::tempdir().expect("tempdir");
    let text = format!(
        "stack s {{ tags {{ \"{}\" = \"v\" }} }}\nbucket b {{}}\n",
        "#".repeat(3_000)
    );
    std::fs::write(dir.path().join("long.dr"), text).expect("write");
    let output = drc(dir.path(), &["check", "long.dr"]);
    let report = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{report}");
    let widest = report.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(widest <= 600, "a line of {widest} characters");
}

#[test]
fn a_long_line_between_two_labelled_lines_is_not_printed_whole() {
    // Found by the fuzz target: codespan prints the one line between two labels in full.
    let dir = tempfile::tempdir().expect("tempdir");
    let text = format!("bucket a {{\n  # {}\nbucket b {{}}\n", "x".repeat(2_000));
    std::fs::write(dir.path().join("gap.dr"), text).expect("write");
    let output = drc(dir.path(), &["check", "gap.dr"]);
    let report = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{report}");
    let widest = report.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(widest <= 220, "a line of {widest} characters:\n{report}");
}
