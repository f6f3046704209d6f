//! `--message-format json|sarif` through the real binary, with the warnings `allow` lines
//! silenced. The SARIF log is validated against the SARIF 2.1.0 schema vendored in
//! `tests/schemas/`.

use crate::cli::{BROKEN, Drc, assert_contains, temp_dir, with_handler, write};
use crate::support::root;
use crate::toolbelt::SILENCING;
use serde_json::Value;

/// A JSON number as an index or offset.
fn offset(value: &Value) -> usize {
    usize::try_from(value.as_u64().expect("a number")).expect("fits")
}

fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

#[test]
fn json_has_one_diagnostic_per_line_with_rustc_fields() {
    let dir = temp_dir();
    with_handler(dir.path());
    write(dir.path(), "broken.dr", BROKEN);
    let output = Drc::new(&["check", "broken.dr", "--message-format", "json"])
        .in_dir(dir.path())
        .run();
    assert_eq!(output.status, 1, "exit status as with human output");
    assert!(output.stderr.is_empty(), "{}", output.stderr);
    let lines = lines(&output.stdout);
    let (summary, diagnostics) = lines.split_last().expect("a summary line");
    assert_eq!(diagnostics.len(), 3);
    assert_eq!(summary["$message_type"], "summary");
    assert_eq!(summary["errors"], 3);
    assert_eq!(summary["success"], false);
    for d in diagnostics {
        assert_eq!(d["$message_type"], "diagnostic");
        assert_eq!(d["level"], "error");
        let code = d["code"]["code"].as_str().expect("a code");
        assert!(
            d["code"]["explanation"]
                .as_str()
                .expect("the page")
                .starts_with(&format!("# {code}: ")),
            "{d}"
        );
        assert!(
            d["rendered"]
                .as_str()
                .expect("rendered")
                .starts_with("error[")
        );
        assert_eq!(d["spans"][0]["is_primary"], true);
    }
    // `put dta`: the span's offsets, lines and columns, and the replacement on the help.
    let undefined = diagnostics
        .iter()
        .find(|d| d["code"]["code"] == "E0401")
        .expect("E0401");
    let span = &undefined["spans"][0];
    let (start, end) = (offset(&span["byte_start"]), offset(&span["byte_end"]));
    assert_eq!(&BROKEN[start..end], "dta");
    assert_eq!(span["file_name"], "broken.dr");
    assert_eq!(
        (span["line_start"].as_u64(), span["column_start"].as_u64()),
        (Some(9), Some(7))
    );
    assert_eq!(span["column_end"], 10);
    assert_eq!(span["label"], "not defined in this stack");
    assert_eq!(span["text"][0]["text"], "  put dta");
    let help = &undefined["children"][0];
    assert_eq!(help["level"], "help");
    assert_eq!(help["message"], "did you mean `data`?");
    assert_eq!(help["spans"][0]["suggested_replacement"], "data");
    assert_eq!(help["spans"][0]["byte_start"], span["byte_start"]);
    // `memory = 5m`: a note and a help without a replacement.
    let unit = diagnostics
        .iter()
        .find(|d| d["code"]["code"] == "E0302")
        .expect("E0302");
    assert_eq!(unit["children"].as_array().expect("children").len(), 1);
    assert_eq!(unit["children"][0]["spans"], serde_json::json!([]));
}

#[test]
fn json_lists_what_allow_lines_silenced() {
    let dir = temp_dir();
    write(dir.path(), "logs.dr", SILENCING);
    let output = Drc::new(&["check", "logs.dr", "--message-format", "json"])
        .in_dir(dir.path())
        .run();
    assert_eq!(output.status, 0, "{}", output.stdout);
    let lines = lines(&output.stdout);
    let types: Vec<&str> = lines
        .iter()
        .map(|l| l["$message_type"].as_str().expect("a type"))
        .collect();
    assert_eq!(types, ["diagnostic", "silenced", "summary"]);
    assert_eq!(lines[0]["code"]["code"], "W0106");
    let silenced = &lines[1];
    assert_eq!(silenced["code"]["code"], "W0105");
    assert_eq!(silenced["level"], "warning");
    assert_eq!(
        silenced["allow"]["reason"],
        "access logs are written once by S3 and never overwritten"
    );
    assert_eq!(silenced["allow"]["span"]["line_start"], 4);
    assert_eq!(lines[2]["warnings"], 1);
    assert_eq!(lines[2]["silenced"], 1);
    // Deterministic.
    let again = Drc::new(&["check", "logs.dr", "--message-format", "json"])
        .in_dir(dir.path())
        .run();
    assert_eq!(output.stdout, again.stdout);
}

/// The SARIF 2.1.0 schema, as OASIS publishes it (see tests/schemas/README.md).
pub(crate) fn sarif_errors(log: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/schemas/sarif-schema-2.1.0.json"))
            .expect("the schema is vendored"),
    )
    .expect("the schema is JSON");
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles");
    validator
        .iter_errors(log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// What GitHub code scanning requires beyond the schema: a rule id, a message, a location
/// with a relative path and a start line, and rules that match the results.
fn code_scanning_problems(log: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let run = &log["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| r["id"].as_str().expect("a rule id"))
        .collect();
    for (i, result) in run["results"]
        .as_array()
        .expect("results")
        .iter()
        .enumerate()
    {
        let rule = result["ruleId"].as_str().unwrap_or_default();
        let index = result["ruleIndex"].as_u64().map(|i| offset(&i.into()));
        if index.and_then(|i| rules.get(i)) != Some(&rule) {
            problems.push(format!("result {i}: ruleIndex does not point at {rule}"));
        }
        if result["message"]["text"].as_str().is_none_or(str::is_empty) {
            problems.push(format!("result {i}: no message"));
        }
        let physical = &result["locations"][0]["physicalLocation"];
        let uri = physical["artifactLocation"]["uri"]
            .as_str()
            .unwrap_or_default();
        if uri.is_empty() || uri.starts_with('/') || uri.contains("://") {
            problems.push(format!("result {i}: uri {uri:?} is not a relative path"));
        }
        if physical["region"]["startLine"]
            .as_u64()
            .is_none_or(|l| l == 0)
        {
            problems.push(format!("result {i}: no start line"));
        }
    }
    problems
}

#[test]
fn sarif_validates_against_the_schema_and_suits_code_scanning() {
    let dir = temp_dir();
    with_handler(dir.path());
    write(dir.path(), "broken.dr", BROKEN);
    write(dir.path(), "logs.dr", SILENCING);
    let output = Drc::new(&["check", "broken.dr", "logs.dr", "--message-format", "sarif"])
        .in_dir(dir.path())
        .run();
    assert_eq!(output.status, 1);
    assert!(output.stderr.is_empty(), "{}", output.stderr);
    let log: Value = serde_json::from_str(&output.stdout).expect("one JSON document");
    assert_eq!(sarif_errors(&log), Vec::<String>::new());
    assert_eq!(code_scanning_problems(&log), Vec::<String>::new());
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "drc");
    let results = run["results"].as_array().expect("results");
    // Three errors, one warning left, one warning silenced (as a suppressed result).
    assert_eq!(results.len(), 5);
    let undefined = results
        .iter()
        .find(|r| r["ruleId"] == "E0401")
        .expect("E0401");
    assert_eq!(undefined["level"], "error");
    let region = &undefined["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(9), Some(7))
    );
    assert_eq!(region["snippet"]["text"], "  put dta");
    let fix = &undefined["fixes"][0]["artifactChanges"][0];
    assert_eq!(fix["artifactLocation"]["uri"], "broken.dr");
    assert_eq!(fix["replacements"][0]["insertedContent"]["text"], "data");
    let suppressed = results
        .iter()
        .find(|r| r["ruleId"] == "W0105")
        .expect("the silenced warning");
    assert_eq!(suppressed["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        suppressed["suppressions"][0]["justification"],
        "access logs are written once by S3 and never overwritten"
    );
    let left = results
        .iter()
        .find(|r| r["ruleId"] == "W0106")
        .expect("W0106");
    assert!(left.get("suppressions").is_none());
    assert_eq!(left["level"], "warning");
    // Each rule carries its page.
    let rule = &run["tool"]["driver"]["rules"][0];
    assert!(
        rule["help"]["markdown"]
            .as_str()
            .expect("help")
            .starts_with("# E0301: ")
    );
}

#[test]
fn sarif_of_a_clean_build_and_of_stdin_validates() {
    let out = temp_dir();
    let out_dir = out.path().to_string_lossy().into_owned();
    let output = Drc::new(&[
        "build",
        "examples",
        "--message-format",
        "sarif",
        "--out-dir",
        &out_dir,
    ])
    .run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    let log: Value = serde_json::from_str(&output.stdout).expect("one JSON document");
    assert_eq!(sarif_errors(&log), Vec::<String>::new());
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
    // A name that is not a path is percent-encoded.
    let output = Drc::new(&["check", "-", "--message-format", "sarif"])
        .stdin("bucket data {\n  versioned = yes\n}\n")
        .run();
    assert_eq!(output.status, 1);
    let log: Value = serde_json::from_str(&output.stdout).expect("one JSON document");
    assert_eq!(sarif_errors(&log), Vec::<String>::new());
    assert_eq!(
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "%3Cstdin%3E"
    );
}

#[test]
fn the_schema_check_fails_a_log_that_breaks_the_schema() {
    let output = Drc::new(&[
        "check",
        "examples/log_archive.dr",
        "--message-format",
        "sarif",
    ])
    .run();
    let mut log: Value = serde_json::from_str(&output.stdout).expect("one JSON document");
    assert!(sarif_errors(&log).is_empty());
    log["version"] = "2.0.0".into();
    log["runs"][0]["results"] = serde_json::json!([{ "message": {}, "level": "fatal" }]);
    let errors = sarif_errors(&log);
    assert!(errors.len() >= 2, "{errors:?}");
    assert!(!code_scanning_problems(&log).is_empty());
}

#[test]
fn message_format_leaves_the_template_alone_and_build_reports_like_check() {
    let output = Drc::new(&[
        "build",
        "examples/log_archive.dr",
        "--stdout",
        "--target",
        "terraform",
        "--message-format",
        "json",
    ])
    .run();
    assert_eq!(output.status, 2);
    assert_contains(&output.stderr, "takes no --message-format but human");
    let dir = temp_dir();
    write(dir.path(), "broken.dr", BROKEN);
    let output = Drc::new(&["build", "broken.dr", "--message-format", "json"])
        .in_dir(dir.path())
        .run();
    assert_eq!(output.status, 1);
    assert!(!dir.path().join("out").exists());
    assert_eq!(lines(&output.stdout).len(), 4);
}
