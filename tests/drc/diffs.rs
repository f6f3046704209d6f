//! `drc diff` on fixture pairs: `tests/fixtures/diff/<case>/{old.dr,new.dr}`, discovered by
//! glob. Each case runs the real binary in its folder (so paths read `old.dr`, `new.dr`) in
//! both formats; one snapshot holds both inputs, the exit status, the warnings and both
//! outputs.
//!
//! A case named `broadens_...`, `adds_...`, `widens_...` or `drops_...` must exit 3 (something
//! broadens); any other case must exit 0.

use std::fmt::Write as _;
use std::process::Command;

fn run(dir: &std::path::Path, format: &str) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_drc"))
        .args(["diff", "old.dr", "new.dr", "--format", format])
        .current_dir(dir)
        .env("DRC_TODAY", "2026-11-24")
        .output()
        .expect("drc runs");
    (
        output.status.code().expect("exited normally"),
        String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    )
}

#[test]
fn diff_fixtures() {
    insta::glob!("../fixtures/diff", "*/old.dr", |path| {
        let dir = path.parent().expect("cases are folders");
        let case = dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("case folder name");
        let (status, text, text_err) = run(dir, "text");
        let (json_status, json, json_err) = run(dir, "json");
        assert_eq!(status, json_status, "{case}: both formats exit alike");
        // Warnings of either side go to stderr (they are part of a review); errors may not.
        assert_eq!(text_err, json_err, "{case}: both formats warn alike");
        assert!(!text_err.contains("error["), "{case}: {text_err}");
        let broadening = ["broadens_", "adds_", "widens_", "drops_"]
            .iter()
            .any(|p| case.starts_with(p));
        assert_eq!(
            status,
            if broadening { 3 } else { 0 },
            "{case}: exit status\n{text}"
        );
        let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(value["format_version"], 1);
        assert_eq!(value["broadens"], broadening, "{case}: JSON agrees");

        let mut snapshot = String::new();
        for side in ["old.dr", "new.dr"] {
            let source = std::fs::read_to_string(dir.join(side)).expect("readable");
            let _ = writeln!(snapshot, "----- {side}\n{source}");
        }
        let _ = writeln!(snapshot, "----- EXIT STATUS {status}");
        if !text_err.is_empty() {
            let _ = writeln!(snapshot, "----- STDERR\n{text_err}");
        }
        let _ = writeln!(snapshot, "----- TEXT\n{text}");
        let _ = writeln!(snapshot, "----- JSON\n{json}");
        insta::assert_snapshot!(snapshot);
    });
}
