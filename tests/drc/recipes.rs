//! The recipes in `docs/recipes/`, run as a user would: the pre-commit hook in a git
//! repository of the examples, and the `drc` lines of the GitHub Actions workflow.

use crate::cli::{assert_contains, temp_dir};
use crate::support::root;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Copies a directory tree.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("readable") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The directory of the `drc` under test, for PATH.
fn drc_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_drc"))
        .parent()
        .expect("the binary is in a directory")
        .to_path_buf()
}

/// `git` in `dir`, as a user with a name.
fn git(dir: &Path, args: &[&str]) -> Output {
    let output = Command::new("git")
        .args(["-c", "user.name=drc", "-c", "user.email=drc@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?}: {output:?}");
    output
}

/// A run of the hook in `repo`, with `env` set.
fn hook(repo: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let output = Command::new("sh")
        .arg(root().join("docs/recipes/pre-commit"))
        .args(args)
        .current_dir(repo)
        .env("DRC", env!("CARGO_BIN_EXE_drc"))
        .env("DRC_TODAY", "2026-11-24")
        .env_remove("DRC_STACKS")
        .env_remove("DRC_ALLOW_BROADEN")
        .envs(env.iter().copied())
        .output()
        .expect("the hook runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned()
        + &String::from_utf8_lossy(&output.stdout);
    (output.status.code().expect("exited"), stderr)
}

fn have_git() -> bool {
    Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

const PUT: &str = "put  backups \"daily/\"";

#[test]
fn the_pre_commit_hook_checks_what_is_staged_over_the_examples() {
    if !have_git() {
        eprintln!("skipped: no git");
        return;
    }
    let dir = temp_dir();
    let repo = dir.path();
    git(repo, &["init", "-q"]);
    copy_dir(&root().join("examples"), &repo.join("examples"));
    let example = repo.join("examples/disaster_recovery.dr");
    let original = std::fs::read_to_string(&example).expect("the example");
    assert!(original.contains(PUT));

    // Nothing staged: nothing to do.
    assert_eq!(hook(repo, &[], &[]), (0, String::new()));
    // The first commit: every example checks clean, and there is nothing to diff against.
    git(repo, &["add", "-A"]);
    let (status, output) = hook(repo, &[], &[]);
    assert_eq!(status, 0, "{output}");
    git(repo, &["commit", "-q", "-m", "stacks"]);

    // A wider `put` broadens the backup function's role: stopped, unless meant.
    std::fs::write(&example, original.replace(PUT, "put  backups")).expect("write");
    git(repo, &["add", "-A"]);
    let (status, output) = hook(repo, &[], &[]);
    assert_eq!(status, 1, "{output}");
    assert_contains(
        &output,
        "examples/disaster_recovery.dr: permissions broaden:",
    );
    assert_contains(
        &output,
        "widened s3:PutObject on all objects of bucket backups",
    );
    assert_contains(&output, "DRC_ALLOW_BROADEN=1");
    let (status, output) = hook(repo, &[], &[("DRC_ALLOW_BROADEN", "1")]);
    assert_eq!(status, 0, "{output}");

    // A warning fails the check (warnings are denied); the same line with an `allow` and a
    // reason passes it.
    let deleting = original.replace(PUT, &format!("{PUT}\n  delete backups \"daily/\""));
    std::fs::write(&example, &deleting).expect("write");
    git(repo, &["add", "-A"]);
    let (status, output) = hook(repo, &[], &[("DRC_ALLOW_BROADEN", "1")]);
    assert_eq!(status, 1, "{output}");
    assert_contains(&output, "error[W0101]");
    let allowed = deleting.replace(
        "  delete backups \"daily/\"",
        "  delete backups \"daily/\"\n  allow W0101 \"old dailies are pruned by this run\"",
    );
    std::fs::write(&example, &allowed).expect("write");
    git(repo, &["add", "-A"]);
    let (status, output) = hook(repo, &[], &[("DRC_ALLOW_BROADEN", "1")]);
    assert_eq!(status, 0, "{output}");

    // The staged version is what counts, not the working tree.
    git(repo, &["reset", "-q", "--hard"]);
    std::fs::write(&example, "bucket broken {\n  versioned = yes\n}\n").expect("write");
    let (status, output) = hook(repo, &["examples/disaster_recovery.dr"], &[]);
    assert_eq!(status, 0, "{output}");
    git(repo, &["add", "-A"]);
    let (status, output) = hook(repo, &[], &[]);
    assert_eq!(status, 1, "{output}");
    assert_contains(&output, "error[E0301]");

    // DRC_STACKS names the stacks to check whenever a .dr file is staged.
    let (status, output) = hook(
        repo,
        &[],
        &[(
            "DRC_STACKS",
            "examples/log_archive.dr examples/report_fanout.dr",
        )],
    );
    assert_eq!(status, 0, "{output}");
}

/// The lines of the workflow's `run` steps that start with `drc `.
fn workflow_drc_lines(workflow: &serde_norway::Value) -> Vec<String> {
    workflow["jobs"]["drc"]["steps"]
        .as_sequence()
        .expect("steps")
        .iter()
        .filter_map(|step| step["run"].as_str())
        .flat_map(str::lines)
        .map(str::trim)
        .filter(|line| line.starts_with("drc "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_github_workflow_uploads_sarif_that_validates_and_gates_on_permissions() {
    let text = std::fs::read_to_string(root().join("docs/recipes/github-actions.yml"))
        .expect("the workflow");
    let workflow: serde_norway::Value = serde_norway::from_str(&text).expect("valid YAML");
    assert_eq!(workflow["permissions"]["security-events"], "write");
    let steps = workflow["jobs"]["drc"]["steps"]
        .as_sequence()
        .expect("steps");
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("an upload-sarif step");
    assert_eq!(upload["with"]["sarif_file"], "drc.sarif");
    assert_eq!(upload["if"], "always()");

    // Run the workflow's drc lines on a copy of the examples: the pull request's side, and
    // the base's under $RUNNER_TEMP/base.
    let lines = workflow_drc_lines(&workflow);
    assert_eq!(lines.len(), 2, "{lines:?}");
    let dir = temp_dir();
    let work = dir.path().join("work");
    let runner = dir.path().join("runner");
    copy_dir(&root().join("examples"), &work.join("examples"));
    copy_dir(&root().join("examples"), &runner.join("base/examples"));
    let path = format!(
        "{}:{}",
        drc_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |line: &str| {
        Command::new("sh")
            .args(["-c", line])
            .current_dir(&work)
            .env("PATH", &path)
            .env("DRC_STACKS", "examples")
            .env("RUNNER_TEMP", &runner)
            .env("DRC_TODAY", "2026-11-24")
            .output()
            .expect("sh runs")
    };
    let check = run(&lines[0]);
    assert!(check.status.success(), "{check:?}");
    let log: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(work.join("drc.sarif")).expect("drc.sarif is written"),
    )
    .expect("SARIF is JSON");
    assert_eq!(crate::formats::sarif_errors(&log), Vec::<String>::new());
    let gate = run(&lines[1]);
    assert_eq!(gate.status.code(), Some(0), "{gate:?}");
    // A pull request that widens a `put` fails the gate.
    let example = work.join("examples/disaster_recovery.dr");
    let text = std::fs::read_to_string(&example).expect("example");
    std::fs::write(&example, text.replace(PUT, "put  backups")).expect("write");
    let gate = run(&lines[1]);
    assert_eq!(gate.status.code(), Some(3), "{gate:?}");
}
