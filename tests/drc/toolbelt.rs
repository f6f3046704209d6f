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
    // Two stacks: a directory each, so each Terraform directory holds one configuration.
    assert_eq!(wrote, ["wrote out/a/a.tf.json", "wrote out/b/b.tf.json"]);
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
    assert_contains(
        &output.stderr,
        "`empty` is a directory with no .dr file in it",
    );
    let output = Drc::new(&["explain", "stacks"]).in_dir(dir.path()).run();
    assert_eq!(output.status, 2);
    assert_contains(&output.stderr, "is a directory");
}

/// Whether a program can be run (`NAME --version` exits), for checks that need it.
fn available(program: &str) -> bool {
    std::process::Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The subcommands, as `drc --help` lists them.
fn subcommands() -> Vec<String> {
    let help = Drc::new(&["--help"]).run().stdout;
    help.split("Commands:\n")
        .nth(1)
        .expect("help lists the commands")
        .lines()
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_owned)
        .collect()
}

#[test]
fn completions_for_every_shell_name_every_subcommand() {
    let commands = subcommands();
    assert!(commands.len() >= 6, "{commands:?}");
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let output = Drc::new(&["completions", shell]).run();
        assert_eq!(output.status, 0, "{shell}: {}", output.stderr);
        for command in &commands {
            assert_contains(&output.stdout, command);
        }
    }
    assert_eq!(Drc::new(&["completions", "tcsh"]).run().status, 2);
    assert_eq!(Drc::new(&["completions"]).run().status, 2);
}

#[test]
fn bash_completes_subcommands_and_option_values() {
    if !available("bash") {
        eprintln!("skipped: no bash");
        return;
    }
    let script = Drc::new(&["completions", "bash"]).run().stdout;
    let dir = temp_dir();
    let path = write(dir.path(), "drc.bash", &script);
    // What bash would offer after `drc ex<TAB>` and `drc build --target <TAB>`.
    let complete = |words: &str, current: usize| {
        let program = format!(
            "source {}; COMP_WORDS=({words}); COMP_CWORD={current}; _drc drc \"${{COMP_WORDS[$COMP_CWORD]}}\" \"${{COMP_WORDS[$COMP_CWORD-1]}}\"; echo \"${{COMPREPLY[@]}}\"",
            path.display()
        );
        let output = std::process::Command::new("bash")
            .args(["-c", &program])
            .output()
            .expect("bash runs");
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).expect("UTF-8")
    };
    assert_eq!(complete("drc ex", 1).trim(), "explain");
    assert_eq!(
        complete("drc build --target ''", 3).trim(),
        "cloudformation terraform all"
    );
    assert_contains(&complete("drc check --", 2), "--deny-warnings");
}

#[test]
fn the_man_page_renders_with_every_subcommand_and_the_examples() {
    let output = Drc::new(&["man"]).run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    let page = output.stdout;
    assert!(page.contains(".TH drc 1"), "{page}");
    for command in subcommands() {
        assert_contains(&page, &format!("drc\\-{command}(1)"));
    }
    // The examples keep their lines (no filling) and their hyphens are not hyphenation.
    assert_contains(&page, ".SH EXAMPLES\n.nf\n");
    assert_contains(&page, "drc explain \\-\\-code E0302");
    assert_contains(&page, ".SH ENVIRONMENT\n.nf\n");
    if available("groff") {
        let dir = temp_dir();
        let path = write(dir.path(), "drc.1", &page);
        let rendered = std::process::Command::new("groff")
            .args(["-man", "-Tutf8", "-ww"])
            .arg(&path)
            .output()
            .expect("groff runs");
        let warnings = String::from_utf8_lossy(&rendered.stderr);
        assert!(
            rendered.status.success() && warnings.is_empty(),
            "{warnings}"
        );
        let text = String::from_utf8_lossy(&rendered.stdout);
        assert_contains(
            &text,
            "drc build stack.dr --target terraform --out-dir infra/",
        );
    } else {
        eprintln!("rendering not checked: no groff");
    }
    let dir = temp_dir();
    let output = Drc::new(&["man", "--out-dir", "pages"])
        .in_dir(dir.path())
        .run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    let pages = crate::cli::files_in(&dir.path().join("pages"));
    assert!(pages.contains(&"drc.1".to_owned()), "{pages:?}");
    assert!(pages.contains(&"drc-build.1".to_owned()), "{pages:?}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("pages/drc.1")).expect("drc.1"),
        page,
        "the directory's drc.1 is the page `drc man` prints"
    );
}

/// A stack with one warning silenced (W0105, with its reason) and one left (W0106 on the
/// other bucket).
pub(crate) const SILENCING: &str = r#"bucket access_logs {
  retain     = true
  encryption = kms
  allow W0105 "access logs are written once by S3 and never overwritten"
}

bucket backups {
  versioned = true
  retain    = true
}
"#;

#[test]
fn allow_silences_its_warning_and_explain_lists_it_with_the_reason() {
    let dir = temp_dir();
    write(dir.path(), "logs.dr", SILENCING);
    let check = Drc::new(&["check", "logs.dr"]).in_dir(dir.path()).run();
    assert_eq!(check.status, 0, "{}", check.stderr);
    assert!(!check.stderr.contains("W0105"), "{}", check.stderr);
    assert_contains(&check.stderr, "warning[W0106]");
    assert_contains(&check.stderr, "warning: 1 warning emitted");
    let text = Drc::new(&["explain", "logs.dr"]).in_dir(dir.path()).run();
    assert_eq!(text.status, 0, "{}", text.stderr);
    assert_contains(
        &text.stdout,
        "silenced warnings\n  W0105 at logs.dr:2:3: backup bucket `access_logs` is not versioned\n    allowed at logs.dr:4:3: \"access logs are written once by S3 and never overwritten\"\n",
    );
    let json = Drc::new(&["explain", "logs.dr", "--format", "json"])
        .in_dir(dir.path())
        .run();
    let json: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(json["silenced"][0]["code"], "W0105");
    assert_eq!(json["silenced"][0]["allow"]["location"]["line"], 4);
    // A stack that silences nothing has an empty list.
    let none = Drc::new(&["explain", "examples/log_archive.dr", "--format", "json"]).run();
    let none: serde_json::Value = serde_json::from_str(&none.stdout).expect("JSON");
    assert_eq!(none["silenced"], serde_json::json!([]));
    // With the allow removed, the warning is back; denied, it fails the check.
    write(
        dir.path(),
        "logs.dr",
        &SILENCING.replace("  allow W0105", "  # allow W0105"),
    );
    let check = Drc::new(&["check", "logs.dr", "--deny-warnings"])
        .in_dir(dir.path())
        .run();
    assert_eq!(check.status, 1);
    assert_contains(&check.stderr, "error[W0105]");
}
