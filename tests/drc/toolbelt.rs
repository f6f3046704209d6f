//! The commands and options that fit drc into other tools, through the real binary: error
//! pages (`explain --code`), completions and the man page, stdin and directories.

use crate::cli::{BROKEN, Drc, assert_contains, temp_dir, write};
use crate::support::root;
use drc::Code;

#[test]
fn explain_code_prints_the_page_of_every_code() {
    for code in Code::ALL {
        let output = Drc::new(&["explain", "--code", code.as_str()]).run();
        assert_eq!(output.status, 0, "{}: {}", code.as_str(), output.stderr);
        let page =
            std::fs::read_to_string(root().join(format!("docs/errors/{}.md", code.as_str())))
                .expect("every code has a page");
        assert_eq!(output.stdout, page, "{}", code.as_str());
    }
    // Any case; an unknown code is a usage error with the nearest code.
    let lower = Drc::new(&["explain", "--code", "e0302"]).run();
    assert_eq!(lower.status, 0);
    assert!(lower.stdout.starts_with("# E0302: wrong unit\n"));
    let unknown = Drc::new(&["explain", "--code", "E0399"]).run();
    assert_eq!(unknown.status, 2);
    assert!(unknown.stdout.is_empty());
    assert_contains(&unknown.stderr, "drc has no code `E0399`");
    assert_contains(&unknown.stderr, "did you mean `E0309`?");
    // A file or a code, not both, and one of them.
    assert_eq!(Drc::new(&["explain"]).run().status, 2);
    let both = Drc::new(&["explain", "examples/log_archive.dr", "--code", "E0302"]).run();
    assert_eq!(both.status, 2, "{}", both.stderr);
}

#[test]
fn every_diagnostic_says_how_to_see_its_page() {
    let dir = temp_dir();
    write(dir.path(), "broken.dr", BROKEN);
    let output = Drc::new(&["check", "broken.dr"]).in_dir(dir.path()).run();
    assert_eq!(output.status, 1);
    let headers = output
        .stderr
        .lines()
        .filter(|l| l.starts_with("error[") || l.starts_with("warning["))
        .count();
    assert!(headers >= 3, "{}", output.stderr);
    for code in ["E0301", "E0302", "E0401"] {
        assert_contains(
            &output.stderr,
            &format!("= note: `drc explain --code {code}` explains this code"),
        );
    }
    assert_eq!(output.stderr.matches("drc explain --code").count(), headers);
}

#[test]
fn a_dash_reads_the_file_from_stdin() {
    let stack = std::fs::read_to_string(root().join("examples/log_archive.dr")).expect("example");
    let output = Drc::new(&["check", "-"])
        .stdin(&stack)
        .in_dir(&root().join("examples"))
        .run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    // Diagnostics name it `<stdin>`; code directories are read from the current directory.
    let dir = temp_dir();
    write(dir.path(), "unused.txt", "");
    let output = Drc::new(&["check", "-"])
        .stdin(BROKEN)
        .in_dir(dir.path())
        .run();
    assert_eq!(output.status, 1);
    assert_contains(&output.stderr, "┌─ <stdin>:2:15");
    // Without a `stack` item, the stack is named `stdin`.
    let output = Drc::new(&["build", "-", "--target", "terraform", "--stdout"])
        .stdin("bucket data {\n  versioned = true\n}\n")
        .run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    let config: serde_json::Value = serde_json::from_str(&output.stdout).expect("JSON");
    assert!(config["resource"]["aws_s3_bucket"]["data"].is_object());
    assert_contains(&output.stdout, "stdin");
    let explain = Drc::new(&["explain", "-"])
        .stdin(
            &std::fs::read_to_string(root().join("examples/disaster_recovery.dr"))
                .expect("example"),
        )
        .in_dir(&root().join("examples"))
        .run();
    assert_eq!(explain.status, 0, "{}", explain.stderr);
    assert_contains(&explain.stdout, "<stdin>:");
    let twice = Drc::new(&["check", "-", "-"]).run();
    assert_eq!(twice.status, 2);
    assert_contains(&twice.stderr, "standard input) is given twice");
}

#[test]
fn a_directory_stands_for_its_dr_files_in_name_order() {
    let dir = temp_dir();
    let stacks = dir.path().join("stacks");
    std::fs::create_dir(&stacks).expect("mkdir");
    write(&stacks, "b.dr", "bucket second {}\n");
    write(&stacks, "a.dr", "bucket first {\n  versioned = yes\n}\n");
    write(&stacks, "notes.txt", "not a stack");
    let output = Drc::new(&["check", "stacks"]).in_dir(dir.path()).run();
    assert_eq!(output.status, 1);
    assert_contains(&output.stderr, "stacks/a.dr:2:");
    write(&stacks, "a.dr", "bucket first {}\n");
    let output = Drc::new(&["build", "stacks", "--target", "terraform"])
        .in_dir(dir.path())
        .run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    let wrote: Vec<&str> = output.stderr.lines().collect();
    assert_eq!(wrote, ["wrote out/a.tf.json", "wrote out/b.tf.json"]);
    // The examples directory: every example, each a stack of its own.
    let output = Drc::new(&["check", "--deny-warnings", "examples"]).run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    // --stdout needs the directory to hold one file; an empty one is a usage error.
    let output = Drc::new(&["build", "stacks", "--stdout", "--target", "terraform"])
        .in_dir(dir.path())
        .run();
    assert_eq!(output.status, 2);
    std::fs::create_dir(dir.path().join("empty")).expect("mkdir");
    let output = Drc::new(&["check", "empty"]).in_dir(dir.path()).run();
    assert_eq!(output.status, 2);
    assert_contains(&output.stderr, "`empty` holds no .dr file");
    let output = Drc::new(&["explain", "stacks"]).in_dir(dir.path()).run();
    assert_eq!(output.status, 2);
    assert_contains(&output.stderr, "is a directory");
}
