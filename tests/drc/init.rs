//! `drc init` through the real binary: the starter stack builds clean on both targets, its
//! outputs pass the outside checks that are installed, and nothing is ever overwritten.

use crate::cli::{Drc, assert_contains, files_in, temp_dir, write};
use std::path::Path;
use std::process::Command;

/// Runs `program` with `args` if it is installed: `None` when it is not.
fn run_if_installed(program: &str, args: &[&str], dir: &Path) -> Option<std::process::Output> {
    let installed = Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        eprintln!("skipped: `{program}` is not installed");
        return None;
    }
    Some(
        Command::new(program)
            .args(args)
            .current_dir(dir)
            .output()
            .expect("the program runs"),
    )
}

#[test]
fn the_starter_builds_clean_on_both_targets_and_passes_the_outside_checks() {
    let dir = temp_dir();
    let output = Drc::new(&["init", "Photo Backups"])
        .in_dir(dir.path())
        .run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    let stack = dir.path().join("Photo Backups");
    assert_eq!(
        files_in(&stack),
        [".gitignore", "lambda", "photo_backups.dr"]
    );
    assert_eq!(files_in(&stack.join("lambda")), ["index.mjs"]);
    assert_contains(
        &output.stderr,
        "next: cd 'Photo Backups' && drc build photo_backups.dr",
    );

    let build = Drc::new(&["build", "--deny-warnings", "photo_backups.dr"])
        .in_dir(&stack)
        .run();
    assert_eq!(build.status, 0, "{}", build.stderr);
    assert!(
        !build.stderr.contains("warning") && !build.stderr.contains("error"),
        "{}",
        build.stderr
    );
    let out = files_in(&stack.join("out"));
    assert!(
        out.contains(&"photo_backups.cfn.yaml".to_owned()),
        "{out:?}"
    );
    assert!(out.contains(&"photo_backups.tf.json".to_owned()), "{out:?}");
    assert!(
        out.iter()
            .any(|f| f.starts_with("photo_backups-") && f.ends_with(".zip")),
        "{out:?}"
    );
    let explain = Drc::new(&["explain", "photo_backups.dr"])
        .in_dir(&stack)
        .run();
    assert_contains(&explain.stdout, "s3:PutObject  <- photo_backups.dr:");
    assert!(
        !explain.stdout.contains("s3:DeleteObject"),
        "{}",
        explain.stdout
    );

    // The outside checks CI runs on every example (.ci/validate-outputs.py), where they are
    // installed here.
    if let Some(lint) = run_if_installed("cfn-lint", &["out/photo_backups.cfn.yaml"], &stack) {
        assert!(
            lint.status.success(),
            "cfn-lint:\n{}{}",
            String::from_utf8_lossy(&lint.stdout),
            String::from_utf8_lossy(&lint.stderr)
        );
    }
    if let Some(node) = run_if_installed("node", &["--check", "lambda/index.mjs"], &stack) {
        assert!(
            node.status.success(),
            "{}",
            String::from_utf8_lossy(&node.stderr)
        );
    }
}

#[test]
fn init_never_overwrites_and_checks_the_name() {
    let dir = temp_dir();
    let stack = dir.path().join("backups");
    std::fs::create_dir(&stack).expect("mkdir");
    write(&stack, "backups.dr", "bucket mine {}\n");
    let output = Drc::new(&["init", "backups"]).in_dir(dir.path()).run();
    assert_eq!(output.status, 2);
    assert_contains(
        &output.stderr,
        "backups/backups.dr` already exists: nothing written",
    );
    assert_eq!(files_in(&stack), ["backups.dr"]);
    assert_eq!(
        std::fs::read_to_string(stack.join("backups.dr")).expect("kept"),
        "bucket mine {}\n"
    );

    // Another name, in the same directory; and the current directory by default.
    let output = Drc::new(&["init", "--name", "nightly"])
        .in_dir(&stack)
        .run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    assert_contains(&output.stderr, "created ./nightly.dr");
    assert_contains(&output.stderr, "next: drc build nightly.dr");
    let again = Drc::new(&["init", "--name", "other"]).in_dir(&stack).run();
    assert_eq!(again.status, 2, "lambda/index.mjs and .gitignore exist");
    assert_contains(&again.stderr, "already exist: nothing written");

    for bad in ["2nightly", "night-ly", &"n".repeat(41)] {
        let output = Drc::new(&["init", "fresh", "--name", bad])
            .in_dir(dir.path())
            .run();
        assert_eq!(output.status, 2, "{bad}");
        assert_contains(&output.stderr, "give one with --name");
        assert!(!dir.path().join("fresh").exists());
    }
}
