//! The real `drc` binary: arguments, exit statuses, stdout/stderr, and files written or not.

use crate::support::root;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A run of the binary, built up and then executed.
pub(crate) struct Drc {
    pub(crate) command: Command,
    stdin: Option<String>,
}

pub(crate) struct Output {
    pub(crate) status: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Drc {
    pub(crate) fn new(args: &[&str]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_drc"));
        command
            .args(args)
            .current_dir(root())
            .env("DRC_TODAY", "2026-11-24")
            .env_remove("NO_COLOR");
        Self {
            command,
            stdin: None,
        }
    }

    pub(crate) fn in_dir(mut self, dir: &Path) -> Self {
        self.command.current_dir(dir);
        self
    }

    /// Gives the run this text on stdin (otherwise stdin is empty).
    pub(crate) fn stdin(mut self, text: &str) -> Self {
        self.stdin = Some(text.to_owned());
        self
    }

    pub(crate) fn run(mut self) -> Output {
        self.command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = self.command.spawn().expect("drc runs");
        let input = self.stdin.unwrap_or_default();
        child
            .stdin
            .take()
            .expect("stdin is piped")
            .write_all(input.as_bytes())
            .expect("drc reads its stdin");
        let output = child.wait_with_output().expect("drc runs");
        Output {
            status: output.status.code().expect("exited normally"),
            stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
        }
    }
}

/// Fails with the whole text when `needle` is not in it.
pub(crate) fn assert_contains(text: &str, needle: &str) {
    assert!(text.contains(needle), "expected {needle:?} in:\n{text}");
}

/// Gives `dir` a `lambda/` folder with one handler, for `code = "lambda"`.
pub(crate) fn with_handler(dir: &Path) {
    std::fs::create_dir(dir.join("lambda")).expect("mkdir");
    write(
        &dir.join("lambda"),
        "index.mjs",
        "export const handler = async () => {};\n",
    );
}

pub(crate) fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

pub(crate) fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

pub(crate) fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write input");
    path
}

pub(crate) const BROKEN: &str = "bucket data {\n  versioned = yes\n}\nfunction f {\n  runtime = nodejs24.x\n  handler = \"index.handler\"\n  code = \"lambda\"\n  memory = 5m\n  put dta\n}\n";

#[test]
fn build_writes_both_templates_and_the_code_archive() {
    let out = temp_dir();
    let run = Drc::new(&["build", "examples/disaster_recovery.dr", "--out-dir"]);
    let mut run = run;
    run.command.arg(out.path());
    let output = run.run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    let files = files_in(out.path());
    assert!(
        files.contains(&"disaster_recovery.cfn.yaml".to_owned()),
        "{files:?}"
    );
    // The replica lives in eu-central-1: CloudFormation creates it with a stack of its own.
    assert!(
        files.contains(&"disaster_recovery.eu-central-1.cfn.yaml".to_owned()),
        "{files:?}"
    );
    assert!(
        files.contains(&"disaster_recovery.tf.json".to_owned()),
        "{files:?}"
    );
    assert!(
        files
            .iter()
            .any(|f| f.starts_with("disaster_recovery-") && f.ends_with(".zip")),
        "{files:?}"
    );
    assert_eq!(files.len(), 4, "no temporary files left behind: {files:?}");
    assert!(output.stdout.is_empty());
}

#[test]
fn build_defaults_to_out_in_the_current_directory() {
    let dir = temp_dir();
    let example = root().join("examples/disaster_recovery.dr");
    let output = Drc::new(&["build", &example.to_string_lossy()])
        .in_dir(dir.path())
        .run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    assert_eq!(files_in(&dir.path().join("out")).len(), 4);
}

#[test]
fn errors_exit_1_report_every_problem_and_write_nothing() {
    let dir = temp_dir();
    with_handler(dir.path());
    write(dir.path(), "broken.dr", BROKEN);
    let output = Drc::new(&["build", "broken.dr"]).in_dir(dir.path()).run();
    assert_eq!(output.status, 1);
    for code in ["E0301", "E0302", "E0401"] {
        assert_contains(&output.stderr, code);
    }
    assert_contains(&output.stderr, "did you mean `data`?");
    assert_contains(&output.stderr, "could not compile (3 errors)");
    assert!(
        !output.stderr.contains('\u{1b}'),
        "no colour when stderr is not a terminal"
    );
    assert!(!dir.path().join("out").exists(), "nothing written on error");
}

#[test]
fn an_empty_or_comments_only_file_is_an_error_and_writes_nothing() {
    let dir = temp_dir();
    write(dir.path(), "empty.dr", "");
    write(
        dir.path(),
        "notes.dr",
        "# to be written\n\n# bucket backups {}\n",
    );
    for file in ["empty.dr", "notes.dr"] {
        let output = Drc::new(&["build", file]).in_dir(dir.path()).run();
        assert_eq!(output.status, 1, "{file}: {}", output.stderr);
        assert_contains(&output.stderr, "error[E0226]");
        assert_contains(&output.stderr, "creates no resource");
        assert!(!dir.path().join("out").exists(), "nothing written on error");
    }
}

#[test]
fn several_stacks_get_a_directory_each() {
    let dir = temp_dir();
    with_handler(dir.path());
    write(
        dir.path(),
        "alpha.dr",
        "stack alpha {}\nbucket data { versioned = true }\n",
    );
    write(dir.path(), "beta.dr", &format!("stack beta {{}}\n{STACK}"));
    let output = Drc::new(&["build", "alpha.dr", "beta.dr", "--out-dir", "out"])
        .in_dir(dir.path())
        .run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    let out = dir.path().join("out");
    // Terraform reads every .tf.json of a directory as one configuration: one per directory.
    assert_eq!(files_in(&out), ["alpha", "beta"]);
    assert_eq!(
        files_in(&out.join("alpha")),
        ["alpha.cfn.yaml", "alpha.tf.json"]
    );
    let beta = files_in(&out.join("beta"));
    assert_eq!(beta.len(), 3, "{beta:?}");
    assert!(
        beta[0].starts_with("beta-") && beta[0].ends_with(".zip"),
        "{beta:?}"
    );
    assert_eq!(beta[1..], ["beta.cfn.yaml", "beta.tf.json"]);
    // The archive the configuration names is beside it.
    let tf = std::fs::read_to_string(out.join("beta/beta.tf.json")).expect("tf");
    assert_contains(&tf, &format!("${{path.module}}/{}", beta[0]));
    for stack in ["alpha", "beta"] {
        let verified = Drc::new(&["verify", &format!("out/{stack}")])
            .in_dir(dir.path())
            .run();
        assert_eq!(verified.status, 0, "{}", verified.stderr);
    }
    // One stack keeps the flat layout.
    let one = Drc::new(&["build", "alpha.dr", "--out-dir", "one"])
        .in_dir(dir.path())
        .run();
    assert_eq!(one.status, 0, "{}", one.stderr);
    assert_eq!(
        files_in(&dir.path().join("one")),
        ["alpha.cfn.yaml", "alpha.tf.json"]
    );
}

#[test]
fn errors_leave_existing_outputs_untouched() {
    let dir = temp_dir();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).expect("mkdir");
    write(&out, "broken.cfn.yaml", "previous contents\n");
    write(dir.path(), "broken.dr", BROKEN);
    let output = Drc::new(&["build", "broken.dr"]).in_dir(dir.path()).run();
    assert_eq!(output.status, 1);
    assert_eq!(
        std::fs::read_to_string(out.join("broken.cfn.yaml")).expect("kept"),
        "previous contents\n"
    );
    assert_eq!(files_in(&out), ["broken.cfn.yaml"]);
}

#[test]
fn one_bad_file_stops_every_file() {
    let dir = temp_dir();
    write(dir.path(), "broken.dr", BROKEN);
    let example = root().join("examples/disaster_recovery.dr");
    let output = Drc::new(&["build", &example.to_string_lossy(), "broken.dr"])
        .in_dir(dir.path())
        .run();
    assert_eq!(output.status, 1);
    assert!(!dir.path().join("out").exists());
}

#[test]
fn stdout_prints_the_one_template() {
    let output = Drc::new(&[
        "build",
        "examples/disaster_recovery.dr",
        "--target",
        "terraform",
        "--stdout",
    ])
    .run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    let config: serde_json::Value =
        serde_json::from_str(&output.stdout).expect("stdout is the Terraform JSON");
    assert!(config["resource"]["aws_lambda_function"]["backup"].is_object());

    let output = Drc::new(&[
        "build",
        "examples/disaster_recovery.dr",
        "--target",
        "cloudformation",
        "--stdout",
    ])
    .run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    assert!(output.stdout.contains("AWS::Lambda::Function"));
}

#[test]
fn stdout_needs_one_target() {
    let output = Drc::new(&["build", "examples/disaster_recovery.dr", "--stdout"]).run();
    assert_eq!(output.status, 2);
    assert_contains(&output.stderr, "--stdout prints one template");
    assert!(output.stdout.is_empty());
}

#[test]
fn check_passes_clean_files_and_reports_warnings_without_failing() {
    let output = Drc::new(&[
        "check",
        "examples/disaster_recovery.dr",
        "examples/log_archive.dr",
    ])
    .run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    assert!(output.stderr.is_empty(), "{}", output.stderr);

    let dir = temp_dir();
    with_handler(dir.path());
    write(
        dir.path(),
        "old.dr",
        "function f {\n  runtime = nodejs20.x\n  handler = \"index.handler\"\n  code = \"lambda\"\n}\n",
    );
    let output = Drc::new(&["check", "old.dr"]).in_dir(dir.path()).run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    assert_contains(&output.stderr, "warning[W0001]");
    assert_contains(&output.stderr, "nodejs24.x");
    assert!(!dir.path().join("out").exists(), "check writes nothing");
}

#[test]
fn check_reports_a_missing_code_directory() {
    let dir = temp_dir();
    write(
        dir.path(),
        "nocode.dr",
        "function f {\n  runtime = nodejs24.x\n  handler = \"index.handler\"\n  code = \"missing\"\n}\n",
    );
    let output = Drc::new(&["check", "nocode.dr"]).in_dir(dir.path()).run();
    assert_eq!(output.status, 1);
    assert_contains(&output.stderr, "E0405");
}

#[test]
fn usage_and_io_errors_exit_2() {
    let output = Drc::new(&["build", "no/such/file.dr"]).run();
    assert_eq!(output.status, 2);
    assert_contains(&output.stderr, "there is no file `no/such/file.dr`");

    assert_eq!(Drc::new(&["build"]).run().status, 2);
    assert_eq!(Drc::new(&["frobnicate"]).run().status, 2);
    assert_eq!(
        Drc::new(&["build", "x.dr", "--target", "pulumi"])
            .run()
            .status,
        2
    );

    let mut run = Drc::new(&["check", "examples/disaster_recovery.dr"]);
    run.command.env("DRC_TODAY", "yesterday");
    let output = run.run();
    assert_eq!(output.status, 2);
    assert_contains(&output.stderr, "DRC_TODAY");
}

#[test]
fn help_teaches() {
    let output = Drc::new(&["--help"]).run();
    assert_eq!(output.status, 0);
    for words in ["build", "check", "Examples:", "DRC_TODAY"] {
        assert_contains(&output.stdout, words);
    }
    let output = Drc::new(&["build", "--help"]).run();
    assert!(output.stdout.contains("--out-dir"));
    assert!(output.stdout.contains("only when every input compiles"));
}

#[test]
fn colour_can_be_forced() {
    let dir = temp_dir();
    write(dir.path(), "broken.dr", "bucket b { versioned = yes }\n");
    let output = Drc::new(&["check", "--color", "always", "broken.dr"])
        .in_dir(dir.path())
        .run();
    assert_eq!(output.status, 1);
    assert_contains(&output.stderr, "\u{1b}");
}

#[test]
fn the_same_input_gives_byte_identical_files() {
    let first = temp_dir();
    let second = temp_dir();
    for out in [&first, &second] {
        let mut run = Drc::new(&["build", "examples/report_fanout.dr", "--out-dir"]);
        run.command.arg(out.path());
        assert_eq!(run.run().status, 0);
    }
    let names = files_in(first.path());
    assert_eq!(names, files_in(second.path()));
    for name in names {
        let a = std::fs::read(first.path().join(&name)).expect("read");
        let b = std::fs::read(second.path().join(&name)).expect("read");
        assert!(a == b, "{name} differs");
    }
}

/// The backup function's `put` line in the example, as written.
const EXAMPLE_PUT: &str = "put  backups \"daily/\"";

/// The 1-based line and column where `needle` first occurs in the example.
fn position_in_example(needle: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(root().join("examples/disaster_recovery.dr"))
        .expect("the example is readable");
    text.lines()
        .enumerate()
        .find_map(|(i, line)| line.find(needle).map(|c| (i + 1, c + 1)))
        .unwrap_or_else(|| panic!("`{needle}` is not in the example"))
}

#[test]
fn explain_traces_every_action_of_the_example_to_its_cause() {
    let output = Drc::new(&["explain", "examples/disaster_recovery.dr"]).run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    assert_contains(&output.stdout, "role of function backup");
    let (line, column) = position_in_example(EXAMPLE_PUT);
    assert_contains(
        &output.stdout,
        &format!("s3:PutObject  <- examples/disaster_recovery.dr:{line}:{column}  {EXAMPLE_PUT}"),
    );
    let (line, column) = position_in_example("failed_runs");
    assert_contains(
        &output.stdout,
        &format!(
            "sqs:SendMessage  <- examples/disaster_recovery.dr:{line}:{column}  built-in: failed asynchronous invocations go to the on-failure destination"
        ),
    );
    assert_contains(
        &output.stdout,
        "role of schedule nightly (assumed by EventBridge Scheduler)\n  InvokeBackup: lambda:InvokeFunction\n    on function backup\n",
    );
    // Every action line of every statement has a cause line.
    let mut statement_actions = Vec::new();
    let mut caused = std::collections::BTreeSet::new();
    for line in output.stdout.lines() {
        if let Some((_, actions)) = line
            .strip_prefix("  ")
            .filter(|l| !l.starts_with(' '))
            .and_then(|l| l.split_once(": "))
        {
            statement_actions.extend(actions.split(", ").map(str::to_owned));
        } else if let Some((action, _)) = line.trim_start().split_once("  <- ") {
            caused.insert(action.to_owned());
        }
    }
    assert!(statement_actions.len() >= 7, "{}", output.stdout);
    for action in &statement_actions {
        assert!(
            caused.contains(action),
            "{action} has no cause:\n{}",
            output.stdout
        );
    }
}

#[test]
fn explain_objectives_proves_every_objective_of_the_example() {
    let output = Drc::new(&["explain", "--objectives", "examples/disaster_recovery.dr"]).run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    assert_eq!(output.stderr, "");
    let verdicts: Vec<&str> = output
        .stdout
        .lines()
        .filter(|l| !l.starts_with(' '))
        .collect();
    assert_eq!(
        verdicts,
        [
            "proven rpo = 24h",
            "proven retention = 35d",
            "proven copies = 3",
            "proven regions = 2",
            "proven accounts = 2",
            "proven immutable = true",
        ]
    );
    assert_contains(&output.stdout, "longest gap 13h over 5 years");
}

#[test]
fn explain_objectives_shows_an_unmet_objective_as_an_error() {
    let output = Drc::new(&[
        "explain",
        "--objectives",
        "tests/fixtures/errors/e0390_copies_without_a_replica/input.dr",
    ])
    .run();
    assert_eq!(output.status, 1);
    assert_contains(
        &output.stderr,
        "error[E0390]: objective `copies = 2` is not met",
    );
}

#[test]
fn explain_json_is_versioned_with_locations_as_objects() {
    let output = Drc::new(&[
        "explain",
        "examples/disaster_recovery.dr",
        "--format",
        "json",
    ])
    .run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    let json: serde_json::Value = serde_json::from_str(&output.stdout).expect("JSON");
    assert_eq!(json["format_version"], 1);
    assert_eq!(json["stack"], "disaster_recovery");
    let role = &json["roles"][0];
    assert_eq!(role["owner"]["kind"], "function");
    assert_eq!(role["owner"]["name"], "backup");
    let statements = role["statements"].as_array().expect("statements");
    let put = statements
        .iter()
        .find(|s| s["sid"] == "BackupsObjectsDaily")
        .expect("the put statement");
    assert_eq!(put["resource"]["kind"], "objects");
    assert_eq!(put["resource"]["prefix"], "daily/");
    let cause = &put["actions"][0]["causes"][0];
    assert_eq!(cause["kind"], "declaration");
    assert_eq!(cause["location"]["file"], "examples/disaster_recovery.dr");
    let (line, column) = position_in_example(EXAMPLE_PUT);
    assert_eq!(cause["location"]["line"], line);
    assert_eq!(cause["location"]["column"], column);
    assert_eq!(cause["text"], EXAMPLE_PUT);
    for statement in statements {
        for action in statement["actions"].as_array().expect("actions") {
            assert!(!action["causes"].as_array().expect("causes").is_empty());
        }
    }
    // The schedule invokes through a role of its own, traced like any other.
    let schedule = json["roles"]
        .as_array()
        .expect("roles")
        .iter()
        .find(|r| r["owner"]["kind"] == "schedule")
        .expect("the schedule's role");
    assert_eq!(schedule["owner"]["name"], "nightly");
    let invoke = &schedule["statements"][0];
    assert_eq!(invoke["resource"]["function"], "backup");
    assert_eq!(invoke["actions"][0]["action"], "lambda:InvokeFunction");
    assert_eq!(invoke["actions"][0]["causes"][0]["kind"], "rule");
    let again = Drc::new(&[
        "explain",
        "examples/disaster_recovery.dr",
        "--format",
        "json",
    ])
    .run();
    assert_eq!(output.stdout, again.stdout, "deterministic");
}

#[test]
fn explain_function_shows_one_role_and_its_invokers() {
    let output = Drc::new(&[
        "explain",
        "examples/report_fanout.dr",
        "--function",
        "notify",
    ])
    .run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    assert_contains(&output.stdout, "role of function notify");
    // `report` may invoke `notify`, so its role is one of notify's invokers; the schedule
    // invokes `report`, not `notify`, and is left out.
    assert_contains(&output.stdout, "role of function report");
    assert!(
        !output.stdout.contains("role of schedule"),
        "{}",
        output.stdout
    );
    let all = Drc::new(&["explain", "examples/report_fanout.dr"]).run();
    assert_contains(&all.stdout, "role of function report");
}

#[test]
fn explain_unknown_function_is_a_usage_error_with_a_suggestion() {
    let output = Drc::new(&[
        "explain",
        "examples/disaster_recovery.dr",
        "--function",
        "bakup",
    ])
    .run();
    assert_eq!(output.status, 2);
    assert!(output.stdout.is_empty());
    assert_contains(&output.stderr, "declares no function `bakup`");
    assert_contains(&output.stderr, "did you mean `backup`?");
}

#[test]
fn explain_a_file_with_errors_exits_1_with_its_diagnostics() {
    let dir = temp_dir();
    write(dir.path(), "broken.dr", BROKEN);
    let output = Drc::new(&["explain", "broken.dr"]).in_dir(dir.path()).run();
    assert_eq!(output.status, 1);
    assert_contains(&output.stderr, "E0401");
    assert!(output.stdout.is_empty());
}

const STACK: &str = "bucket backups { versioned = true  retain = true }\n\
    function backup {\n  runtime = nodejs24.x\n  handler = \"index.handler\"\n  code = \"lambda\"\n  put backups \"daily/\"\n}\n";

#[test]
fn diff_exit_status_says_whether_anything_broadens() {
    let dir = temp_dir();
    write(dir.path(), "old.dr", STACK);
    write(dir.path(), "same.dr", STACK);
    write(
        dir.path(),
        "wider.dr",
        &STACK.replace("put backups \"daily/\"", "put backups"),
    );
    write(dir.path(), "broken.dr", BROKEN);
    let same = Drc::new(&["diff", "old.dr", "same.dr"])
        .in_dir(dir.path())
        .run();
    assert_eq!(same.status, 0, "{}{}", same.stdout, same.stderr);
    assert_contains(&same.stdout, "nothing broadens");
    let wider = Drc::new(&["diff", "old.dr", "wider.dr"])
        .in_dir(dir.path())
        .run();
    assert_eq!(wider.status, 3, "{}{}", wider.stdout, wider.stderr);
    assert_contains(
        &wider.stdout,
        "widened s3:PutObject on all objects of bucket backups",
    );
    let back = Drc::new(&["diff", "wider.dr", "old.dr"])
        .in_dir(dir.path())
        .run();
    assert_eq!(
        back.status, 0,
        "narrowing does not broaden: {}",
        back.stdout
    );
    let broken = Drc::new(&["diff", "old.dr", "broken.dr"])
        .in_dir(dir.path())
        .run();
    assert_eq!(broken.status, 1);
    assert_contains(&broken.stderr, "E0401");
    assert!(broken.stdout.is_empty());
    let mixed = Drc::new(&["diff", "old.dr", "."]).in_dir(dir.path()).run();
    assert_eq!(mixed.status, 2);
    assert_contains(&mixed.stderr, "both be files or both be directories");
    let missing = Drc::new(&["diff", "old.dr"]).in_dir(dir.path()).run();
    assert_eq!(missing.status, 2);
}

#[test]
fn diff_of_directories_matches_stacks_by_name() {
    let dir = temp_dir();
    for side in ["a", "b"] {
        std::fs::create_dir(dir.path().join(side)).expect("mkdir");
    }
    let old = dir.path().join("a");
    let new = dir.path().join("b");
    write(&old, "backup.dr", STACK);
    write(&old, "other.dr", "bucket logs { versioned = true }\n");
    write(&old, "notes.txt", "not a stack");
    // The same stacks under other file names; `backups` loses `retain`.
    write(
        &new,
        "renamed.dr",
        &format!(
            "stack backup {{}}\n{}",
            STACK.replace("  retain = true", "")
        ),
    );
    write(&new, "other.dr", "bucket logs { versioned = true }\n");
    let output = Drc::new(&["diff", "a", "b", "--format", "json"])
        .in_dir(dir.path())
        .run();
    assert_eq!(output.status, 3, "{}{}", output.stdout, output.stderr);
    let json: serde_json::Value = serde_json::from_str(&output.stdout).expect("JSON");
    let stacks = json["stacks"].as_array().expect("stacks");
    assert_eq!(stacks.len(), 2, "{json}");
    assert_eq!(stacks[0]["stack"], "backup");
    assert_eq!(stacks[0]["status"], "changed");
    assert!(stacks[0]["roles"].as_array().expect("roles").is_empty());
    assert_eq!(stacks[0]["buckets"][0]["change"], "retain_removed");
    assert_eq!(stacks[0]["buckets"][0]["location"]["file"], "b/renamed.dr");
    assert_eq!(stacks[1]["stack"], "other");
    assert_eq!(stacks[1]["status"], "unchanged");
}

/// A stack that compiles with one DR-safety warning: the writer may also delete.
pub(crate) const WRITER_THAT_DELETES: &str = r#"bucket backups {
  versioned  = true
  retain     = true
  encryption = kms
}

function backup {
  runtime = nodejs24.x
  handler = "index.handler"
  code    = "lambda"
  env { BACKUPS = backups.name }
  put    backups "daily/"
  delete backups
}
"#;

#[test]
fn warnings_build_by_default_and_fail_with_deny_warnings() {
    let dir = temp_dir();
    with_handler(dir.path());
    write(dir.path(), "stack.dr", WRITER_THAT_DELETES);

    let output = Drc::new(&["build", "stack.dr"]).in_dir(dir.path()).run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    assert_contains(&output.stderr, "warning[W0101]");
    assert_contains(&output.stderr, "warning: 1 warning emitted");
    assert!(dir.path().join("out/stack.cfn.yaml").exists());

    let out = dir.path().join("denied");
    let output = Drc::new(&[
        "build",
        "--deny-warnings",
        "stack.dr",
        "--out-dir",
        "denied",
    ])
    .in_dir(dir.path())
    .run();
    assert_eq!(output.status, 1, "{}", output.stderr);
    assert_contains(&output.stderr, "error[W0101]");
    assert_contains(
        &output.stderr,
        "note: `W0101` is a warning, made an error by `--deny-warnings`",
    );
    assert_contains(&output.stderr, "error: could not compile (1 error)");
    assert!(!out.exists(), "nothing written when warnings are denied");

    let output = Drc::new(&["check", "--deny-warnings", "stack.dr"])
        .in_dir(dir.path())
        .run();
    assert_eq!(output.status, 1, "{}", output.stderr);
    assert_contains(&output.stderr, "error[W0101]");
}

#[test]
fn deny_warnings_passes_clean_files() {
    let output = Drc::new(&[
        "check",
        "--deny-warnings",
        "examples/disaster_recovery.dr",
        "examples/log_archive.dr",
        "examples/report_fanout.dr",
    ])
    .run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    assert!(output.stderr.is_empty(), "{}", output.stderr);
}

#[test]
fn a_stack_can_deny_its_own_warnings() {
    let dir = temp_dir();
    with_handler(dir.path());
    let strict = format!("stack strict {{ deny_warnings = true }}\n{WRITER_THAT_DELETES}");
    write(dir.path(), "strict.dr", &strict);
    write(dir.path(), "lenient.dr", WRITER_THAT_DELETES);

    // The lenient stack alone builds with its warning.
    let output = Drc::new(&["build", "lenient.dr"]).in_dir(dir.path()).run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    assert_contains(&output.stderr, "warning[W0101]");

    // The strict stack's warning is an error, and stops every file.
    let out = dir.path().join("both");
    let output = Drc::new(&["build", "strict.dr", "lenient.dr", "--out-dir", "both"])
        .in_dir(dir.path())
        .run();
    assert_eq!(output.status, 1, "{}", output.stderr);
    assert_contains(&output.stderr, "error[W0101]");
    assert_contains(
        &output.stderr,
        "made an error by `deny_warnings = true` in stack `strict`",
    );
    assert_contains(&output.stderr, "warning[W0101]");
    assert_contains(&output.stderr, "could not compile (1 error, 1 warning)");
    assert!(!out.exists(), "nothing written");
}

const STAGED: &str = "param stage {\n  default = \"dev\"\n  allowed = [\"dev\", \"prod\"]\n}\n\nparam copies {\n  type    = number\n  default = 1\n}\n\nbucket data {\n  name = \"acme-${stage}-${copies}\"\n}\n";

#[test]
fn set_fixes_a_parameter_and_removes_it_from_both_outputs() {
    let dir = temp_dir();
    write(dir.path(), "staged.dr", STAGED);
    let output = Drc::new(&["build", "staged.dr", "--set", "stage=prod"])
        .in_dir(dir.path())
        .run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    let cfn = std::fs::read_to_string(dir.path().join("out/staged.cfn.yaml")).expect("cfn");
    let tf = std::fs::read_to_string(dir.path().join("out/staged.tf.json")).expect("tf");
    assert_contains(&cfn, "BucketName: !Sub acme-prod-${CopiesParam}");
    assert!(!cfn.contains("StageParam"), "{cfn}");
    assert_contains(&tf, r#""bucket": "acme-prod-${var.copies}""#);
    assert!(!tf.contains(r#""stage""#), "{tf}");

    // A fixed value can go where an open parameter cannot: the template's description.
    write(
        dir.path(),
        "described.dr",
        "stack described {\n  description = \"Backups for ${stage}\"\n}\n\nparam stage {\n  default = \"dev\"\n}\n\nbucket backups {\n  versioned = true\n}\n",
    );
    let open = Drc::new(&["check", "described.dr"])
        .in_dir(dir.path())
        .run();
    assert_eq!(open.status, 1, "{}", open.stderr);
    assert_contains(&open.stderr, "error[E0382]");
    let fixed = Drc::new(&[
        "build",
        "described.dr",
        "--set",
        "stage=prod",
        "--stdout",
        "--target",
        "cloudformation",
    ])
    .in_dir(dir.path())
    .run();
    assert_eq!(fixed.status, 0, "{}", fixed.stderr);
    assert_contains(&fixed.stdout, "Description: Backups for prod");
}

#[test]
fn set_values_are_checked_against_the_declaration() {
    let dir = temp_dir();
    write(dir.path(), "staged.dr", STAGED);
    let outside = Drc::new(&["check", "staged.dr", "--set", "stage=test"])
        .in_dir(dir.path())
        .run();
    assert_eq!(outside.status, 1, "{}", outside.stderr);
    assert_contains(
        &outside.stderr,
        "error[E0385]: `test` is not an allowed value of `stage`",
    );
    assert_contains(&outside.stderr, "staged.dr:1:7");
    assert_contains(
        &outside.stderr,
        "note: the value comes from `--set stage=test`",
    );

    let not_a_number = Drc::new(&["check", "staged.dr", "--set", "copies=two"])
        .in_dir(dir.path())
        .run();
    assert_eq!(not_a_number.status, 1, "{}", not_a_number.stderr);
    assert_contains(&not_a_number.stderr, "error[E0384]: `two` is not a number");

    let unknown = Drc::new(&["build", "staged.dr", "--set", "stag=prod"])
        .in_dir(dir.path())
        .run();
    assert_eq!(unknown.status, 1, "{}", unknown.stderr);
    assert_contains(&unknown.stderr, "error[E0387]");
    assert_contains(&unknown.stderr, "did you mean `stage`?");
    assert!(!dir.path().join("out").exists(), "nothing written on error");

    // Several `--set`, each of a declared parameter and an allowed value.
    let both = Drc::new(&[
        "check",
        "staged.dr",
        "--set",
        "copies=1",
        "--set",
        "stage=dev",
    ])
    .in_dir(dir.path())
    .run();
    assert_eq!(both.status, 0, "{}", both.stderr);

    let malformed = Drc::new(&["check", "staged.dr", "--set", "stage"])
        .in_dir(dir.path())
        .run();
    assert_eq!(malformed.status, 2, "{}", malformed.stderr);
    assert_contains(&malformed.stderr, "expected NAME=VALUE");
}

#[test]
fn a_fixed_value_is_checked_as_part_of_the_bucket_name() {
    let dir = temp_dir();
    write(
        dir.path(),
        "named.dr",
        "param owner {\n  default = \"ops\"\n}\n\nbucket data {\n  name = \"acme-${owner}\"\n}\n",
    );
    let output = Drc::new(&["check", "named.dr", "--set", "owner=Ops_Team"])
        .in_dir(dir.path())
        .run();
    assert_eq!(output.status, 1, "{}", output.stderr);
    assert_contains(
        &output.stderr,
        "error[E0308]: `acme-Ops_Team` is not a valid S3 bucket name",
    );
}

#[test]
fn imports_are_read_relative_to_the_importing_file_and_so_is_function_code() {
    let dir = temp_dir();
    std::fs::create_dir(dir.path().join("lib")).expect("mkdir");
    with_handler(&dir.path().join("lib"));
    write(
        dir.path(),
        "main.dr",
        "import \"lib/functions.dr\"\n\nbucket data {\n  versioned = true\n}\n",
    );
    write(
        &dir.path().join("lib"),
        "functions.dr",
        "import \"../shared.dr\"\n\nfunction copy {\n  runtime = nodejs24.x\n  handler = \"index.handler\"\n  code    = \"lambda\"\n  read data\n  put  copies\n}\n",
    );
    write(dir.path(), "shared.dr", "bucket copies {}\n");
    let output = Drc::new(&["build", "main.dr"]).in_dir(dir.path()).run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    let files = files_in(&dir.path().join("out"));
    assert!(files.contains(&"main.cfn.yaml".to_owned()), "{files:?}");
    assert!(
        files
            .iter()
            .any(|f| f.starts_with("main-") && f.ends_with(".zip")),
        "the function's code comes from lib/lambda: {files:?}"
    );

    // A missing import is an error at the import's string, naming the resolved path.
    write(
        &dir.path().join("lib"),
        "functions.dr",
        "import \"gone.dr\"\n",
    );
    let missing = Drc::new(&["check", "main.dr"]).in_dir(dir.path()).run();
    assert_eq!(missing.status, 1, "{}", missing.stderr);
    assert_contains(
        &missing.stderr,
        "error[E0601]: cannot read the imported file `gone.dr`",
    );
    assert_contains(&missing.stderr, "lib/functions.dr:1:8");
    assert_contains(&missing.stderr, "there is no file `lib/gone.dr`");
}

#[test]
fn verify_proves_built_outputs_and_exits_1_on_a_violation() {
    let dir = temp_dir();
    let out = dir.path().join("out");
    let built = Drc::new(&[
        "build",
        "examples/disaster_recovery.dr",
        "--out-dir",
        &out.to_string_lossy(),
    ])
    .run();
    assert_eq!(built.status, 0, "{}", built.stderr);
    let proven = Drc::new(&["verify", &out.to_string_lossy()]).run();
    assert_eq!(proven.status, 0, "{}{}", proven.stdout, proven.stderr);
    assert_eq!(
        proven.stdout,
        "stack disaster_recovery: proven on cloudformation and terraform: 3 roles and 10 resource policies allow exactly what is declared\nproven: 1 stacks\n"
    );
    // The main template alone brings its regional template along.
    let cfn = out.join("disaster_recovery.cfn.yaml");
    let alone = Drc::new(&["verify", &cfn.to_string_lossy()]).run();
    assert_eq!(alone.status, 0, "{}", alone.stdout);
    assert_contains(&alone.stdout, "proven on cloudformation:");

    let text = std::fs::read_to_string(&cfn).expect("built");
    let widened = text.replacen(
        "Resource: !Sub ${BackupsBucket.Arn}/daily/*",
        "Resource: !Sub ${BackupsBucket.Arn}/*",
        1,
    );
    assert_ne!(text, widened);
    std::fs::write(&cfn, widened).expect("writable");
    let caught = Drc::new(&["verify", &out.to_string_lossy()]).run();
    assert_eq!(caught.status, 1, "{}", caught.stdout);
    assert_contains(
        &caught.stdout,
        "cloudformation: `backup` may `s3:PutObject` on `arn:{partition}:s3:::<bucket backups>/x`, which no declaration entitles",
    );
    let json = Drc::new(&["verify", &out.to_string_lossy(), "--format", "json"]).run();
    assert_eq!(json.status, 1);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(value["format_version"], 1);
    assert_eq!(value["proven"], false);
    let finding = &value["stacks"][0]["findings"][0];
    assert_eq!(finding["kind"], "over_grant");
    assert_eq!(finding["request"]["action"], "s3:PutObject");
    assert_eq!(
        finding["request"]["resource"],
        "arn:{partition}:s3:::<bucket backups>/x"
    );
}

#[test]
fn verify_refuses_what_is_not_an_output() {
    let dir = temp_dir();
    let missing = Drc::new(&["verify", &dir.path().join("nope").to_string_lossy()]).run();
    assert_eq!(missing.status, 2);
    assert_contains(&missing.stderr, "there is no file or directory");
    let empty = Drc::new(&["verify", &dir.path().to_string_lossy()]).run();
    assert_eq!(empty.status, 2);
    assert_contains(&empty.stderr, "holds no .cfn.yaml or .tf.json file");
    let source = Drc::new(&["verify", "examples/disaster_recovery.dr"]).run();
    assert_eq!(source.status, 2);
    assert_contains(&source.stderr, "is neither a CloudFormation template");
    write(dir.path(), "broken.tf.json", "{ not json");
    let broken = Drc::new(&["verify", &dir.path().to_string_lossy()]).run();
    assert_eq!(broken.status, 2);
    assert_contains(&broken.stderr, "is not a Terraform JSON configuration");
}
