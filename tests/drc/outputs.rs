//! How `drc build` writes: all or nothing, archives shared by content, few open files, and
//! never stopped by a closed or full stderr.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn drc(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_drc"));
    command
        .args(args)
        .current_dir(dir)
        .env("DRC_TODAY", "2026-11-24");
    command
}

fn run(mut command: Command) -> Output {
    command.output().expect("drc runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A stack of `count` functions; function `i` uses code directory `code{i % dirs}`.
fn stack(dir: &Path, count: usize, dirs: usize) {
    let mut text = String::from("bucket data {}\n");
    for i in 0..count {
        let _ = write!(
            text,
            "function f{i} {{\n  runtime = nodejs24.x\n  handler = \"index.handler\"\n  code = \"code{}\"\n  read data\n}}\n",
            i % dirs
        );
    }
    std::fs::write(dir.join("s.dr"), text).expect("write");
    for d in 0..dirs {
        let code = dir.join(format!("code{d}"));
        std::fs::create_dir_all(&code).expect("mkdir");
        std::fs::write(
            code.join("index.mjs"),
            format!("export const handler = async () => {d};\n"),
        )
        .expect("write");
    }
}

#[test]
fn functions_sharing_code_share_one_archive() {
    let dir = tempfile::tempdir().expect("tempdir");
    stack(dir.path(), 6, 2);
    let output = run(drc(dir.path(), &["build", "s.dr"]));
    assert!(output.status.success(), "{}", stderr(&output));
    let files = names(&dir.path().join("out"));
    let zips: Vec<_> = files.iter().filter(|f| f.ends_with(".zip")).collect();
    assert_eq!(
        zips.len(),
        2,
        "two code directories, two archives: {files:?}"
    );
    let template = std::fs::read_to_string(dir.path().join("out/s.cfn.yaml")).expect("template");
    for zip in zips {
        assert!(zip.starts_with("s-"), "{zip}");
        assert_eq!(
            template.matches(zip.as_str()).count(),
            3,
            "{zip} in:\n{template}"
        );
    }
}

#[test]
fn an_output_name_taken_by_a_directory_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    stack(dir.path(), 1, 1);
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("s.tf.json")).expect("mkdir");
    std::fs::write(out.join("s.cfn.yaml"), "previous\n").expect("write");
    let output = run(drc(dir.path(), &["build", "s.dr"]));
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("a directory has that name"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(out.join("s.cfn.yaml")).expect("kept"),
        "previous\n"
    );
    assert_eq!(
        names(&out),
        ["s.cfn.yaml", "s.tf.json"],
        "no archive, no staging file"
    );
}

#[test]
fn staging_files_of_a_killed_run_are_removed() {
    let dir = tempfile::tempdir().expect("tempdir");
    stack(dir.path(), 1, 1);
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).expect("mkdir");
    // No process has this id (Linux's pid_max is at most 2^22).
    std::fs::write(out.join(".drc-4294967295-abc.tmp"), "half").expect("write");
    let output = run(drc(dir.path(), &["build", "s.dr"]));
    assert!(output.status.success(), "{}", stderr(&output));
    let files = names(&out);
    if Path::new("/proc/self").exists() {
        assert!(files.iter().all(|f| !f.starts_with('.')), "{files:?}");
    }
    assert_eq!(
        files.iter().filter(|f| !f.starts_with('.')).count(),
        3,
        "{files:?}"
    );
}

#[test]
fn a_full_or_closed_stderr_does_not_stop_the_build() {
    let dir = tempfile::tempdir().expect("tempdir");
    stack(dir.path(), 1, 1);
    if let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") {
        let mut command = drc(dir.path(), &["build", "s.dr"]);
        command.stderr(full);
        let output = run(command);
        assert_eq!(output.status.code(), Some(0));
        assert_eq!(names(&dir.path().join("out")).len(), 3);
    }
    let mut command = drc(dir.path(), &["build", "s.dr", "--out-dir", "closed"]);
    command.stderr(Stdio::null());
    let output = run(command);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(names(&dir.path().join("closed")).len(), 3);
}

#[cfg(unix)]
#[test]
fn many_outputs_need_few_open_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    stack(dir.path(), 120, 120);
    let drc_path = env!("CARGO_BIN_EXE_drc");
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -n 48 && exec '{drc_path}' build --target terraform s.dr"
        ))
        .current_dir(dir.path())
        .env("DRC_TODAY", "2026-11-24")
        .output()
        .expect("sh runs");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(names(&dir.path().join("out")).len(), 121);
}
