//! Strings that YAML 1.1 or 1.2 could read as something else, generated class by class, put
//! in every position a `.dr` string reaches the CloudFormation template, and read back.
//!
//! The test's notion of YAML 1.1's types is its own, independent of the writer's rule: the
//! regular expressions of the type pages at <https://yaml.org/type/> (bool, null, int,
//! float, timestamp, merge, value), written out below. For every generated string the
//! template must (1) parse, and hold that string as a string (`serde_norway`, a YAML 1.2
//! reader), and (2) never write it plain when one of those expressions matches it (what a
//! YAML 1.1 resolver such as `PyYAML` would turn into another type).

use crate::support::compile_file;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use regex::Regex;
use std::sync::LazyLock;

/// YAML 1.1's implicit types, from <https://yaml.org/type/bool.html>, `null.html`,
/// `int.html`, `float.html`, `timestamp.html`, `merge.html` and `value.html`.
static YAML_1_1_TYPES: LazyLock<Regex> = LazyLock::new(|| {
    let types = [
        r"y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF",
        r"~|null|Null|NULL|",
        r"[-+]?0b[0-1_]+",
        r"[-+]?0[0-7_]+",
        r"[-+]?(0|[1-9][0-9_]*)",
        r"[-+]?0x[0-9a-fA-F_]+",
        r"[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+",
        r"[-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?",
        r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*",
        r"[-+]?\.(inf|Inf|INF)",
        r"\.(nan|NaN|NAN)",
        r"[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]",
        r"[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?([Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](\.[0-9]*)?(([ \t]*)Z|[-+][0-9][0-9]?(:[0-9][0-9])?)?",
        r"<<",
        r"=",
    ];
    Regex::new(&format!("^(?:{})$", types.join("|"))).expect("valid expressions")
});

/// Strings of every class: each YAML 1.1 type above (YAML 1.2's `0o` octal too), words in
/// mixed case, indicators, `: ` and ` #` inside, leading or trailing spaces, and control
/// characters and line breaks.
fn lookalike() -> impl Strategy<Value = String> {
    prop_oneof![
        "[yY]|[nN]|[yY][eE][sS]|[nN][oO]|[oO][nN]|[oO][fF][fF]|[tT][rR][uU][eE]|[fF][aA][lL][sS][eE]",
        "~|null|Null|NULL|<<|=",
        "[-+]?(0b[01_]{1,6}|0[0-7_]{1,4}|0|[1-9][0-9_]{0,6}|0x[0-9a-fA-F_]{1,4}|0o[0-7]{1,4})",
        "[-+]?[1-9][0-9_]{0,2}(:[0-5]?[0-9]){1,3}(\\.[0-9_]{0,2})?",
        "[-+]?([0-9][0-9_]{0,3})?\\.[0-9.]{0,3}([eE][-+][0-9]{1,2})?|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,2})?(Z|[-+][0-9]{1,2})?)?",
        "[-?:,\\[\\]{}#&*!|>'\"%@`][a-z0-9 ]{0,4}",
        "[a-z]{1,3}(: | #|:)[a-z]{0,3}",
        " [a-z0-9]{1,4}|[a-z0-9]{1,4} ",
        "[a-z]{0,3}[\t\n\u{1}\u{1b}\u{7f}\u{85}\u{a0}\u{2028}\u{feff}][a-z]{0,3}",
    ]
}

/// Generated strings per position.
const CASES: u32 = 128;

/// Every position a string reaches the template, `@` standing for the string (lifecycle
/// labels and log prefixes end in `/`, as drc asks).
const POSITIONS: [(&str, &str); 16] = [
    (
        "stack description",
        r#"stack s { description = "@" } bucket b {}"#,
    ),
    ("tag key", r#"stack s { tags { "@" = "v" } } bucket b {}"#),
    ("tag value", r#"stack s { tags { k = "@" } } bucket b {}"#),
    (
        "param default",
        r#"stack s {} param p { default = "@" } bucket b {}"#,
    ),
    (
        "param allowed",
        r#"stack s {} param p { default = "@" allowed = ["@"] } bucket b {}"#,
    ),
    (
        "param description",
        r#"stack s {} param p { description = "@" } bucket b {}"#,
    ),
    ("bucket name", r#"stack s {} bucket b { name = "@" }"#),
    (
        "lifecycle label",
        r#"stack s {} bucket b { lifecycle "@/" { expire = 3d } }"#,
    ),
    (
        "log prefix",
        "stack s {} bucket l {} bucket b { access_logs { bucket = l prefix = \"@/\" } }",
    ),
    (
        "handler",
        r#"stack s {} function f { runtime = nodejs24.x handler = "@" code = "lambda" }"#,
    ),
    (
        "env value",
        r#"stack s {} function f { runtime = nodejs24.x handler = "i.h" code = "lambda" env { VAR = "@" } }"#,
    ),
    (
        "env key",
        r#"stack s {} function f { runtime = nodejs24.x handler = "i.h" code = "lambda" env { @ = "v" } }"#,
    ),
    (
        "function description",
        r#"stack s {} function f { runtime = nodejs24.x handler = "i.h" code = "lambda" description = "@" }"#,
    ),
    (
        "output description",
        r#"stack s {} bucket b {} output o { value = b.name description = "@" }"#,
    ),
    (
        "export name",
        r#"stack s {} bucket b {} output o { value = b.name export = "@" }"#,
    ),
    (
        "schedule description",
        r#"stack s {} function f { runtime = nodejs24.x handler = "i.h" code = "lambda" } schedule n { every = 1h invoke = f description = "@" }"#,
    ),
];

/// The string as a `.dr` literal's contents.
fn dr_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
        .replace('\t', "\\t")
        .replace("${", "$${")
}

/// Every string of a YAML tree: keys, values and tagged scalars.
fn strings(value: &serde_norway::Value, out: &mut Vec<String>) {
    use serde_norway::Value;
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Sequence(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Mapping(m) => m.iter().for_each(|(k, v)| {
            strings(k, out);
            strings(v, out);
        }),
        Value::Tagged(t) => strings(&t.value, out),
        _ => {}
    }
}

/// How many times the template writes `text` as a plain scalar: a whole key, a whole value
/// after `key: `, or a whole sequence item.
fn written_plain(template: &str, text: &str) -> usize {
    template
        .lines()
        .filter(|line| {
            let line = line.trim_start_matches(' ');
            let line = line.strip_prefix("- ").unwrap_or(line);
            line == text
                || line
                    .strip_prefix(text)
                    .is_some_and(|rest| rest == ":" || rest.starts_with(": "))
                || line
                    .split_once(": ")
                    .is_some_and(|(_, value)| value == text)
        })
        .count()
}

/// Compiles the position's program with `text`; `None` when drc refuses the string there
/// (a bucket name with capitals, a tag key with `#`): refusing is not misreading.
fn template(dir: &std::path::Path, program: &str, text: &str) -> Option<String> {
    let path = dir.join("input.dr");
    std::fs::write(&path, program.replace('@', &dr_escape(text))).expect("temp dir");
    let (_, compilation) = compile_file(&path, "input.dr");
    let stack = compilation.stacks.first()?;
    let artifact = stack
        .artifacts
        .iter()
        .find(|a| a.file_name.ends_with(".cfn.yaml"))?;
    Some(String::from_utf8(artifact.bytes.clone()).expect("templates are UTF-8"))
}

/// Checks the template of `text` against the template of the same program with a neutral
/// string (`baseline`): drc's own plain `true` or `7` are not the user's string.
fn check(template: &str, baseline: &str, text: &str) -> Result<(), TestCaseError> {
    let tree: serde_norway::Value = serde_norway::from_str(template)
        .map_err(|e| TestCaseError::fail(format!("unloadable ({e}):\n{template}")))?;
    let mut found = Vec::new();
    strings(&tree, &mut found);
    prop_assert!(
        found.iter().any(|s| s == text
            || s == &format!("{text}/")
            // An export name is written after the stack's name, in a `!Sub`.
            || s == &format!("${{AWS::StackName}}-{text}")),
        "{text:?} is no string of the template:\n{template}"
    );
    prop_assert!(
        !(YAML_1_1_TYPES.is_match(text)
            && written_plain(template, text) > written_plain(baseline, text)),
        "{text:?} is a YAML 1.1 non-string written plain:\n{template}"
    );
    Ok(())
}

#[test]
fn every_lookalike_reads_back_in_every_position() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("lambda")).expect("temp dir");
    std::fs::write(dir.path().join("lambda/i.mjs"), "export const h = 1;\n").expect("temp dir");
    for (position, program) in POSITIONS {
        let mut runner = TestRunner::new(Config {
            cases: CASES,
            failure_persistence: None,
            ..Config::default()
        });
        let baseline =
            template(dir.path(), program, "neutral").expect("the neutral program compiles");
        let accepted = std::cell::Cell::new(0);
        runner
            .run(&lookalike(), |text| {
                // A key of an `env` is a bare name: other strings are not names there.
                let bare = program.contains("{ @ =");
                if bare && !text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    return Ok(());
                }
                let Some(template) = template(dir.path(), program, &text) else {
                    return Ok(());
                };
                accepted.set(accepted.get() + 1);
                check(&template, &baseline, &text)
            })
            .unwrap_or_else(|e| panic!("{position}: {e}"));
        println!("{position}: {} of {CASES} strings accepted", accepted.get());
        assert!(accepted.get() > 0, "{position}: drc refused every string");
    }
}

#[test]
fn the_test_knows_yaml_1_1_from_strings() {
    for text in [
        "yes",
        "OFF",
        "y",
        "~",
        "",
        "0x1F",
        "017",
        "1_000",
        "12:30:45",
        ".inf",
        "2001-12-14",
        "<<",
        "=",
    ] {
        assert!(YAML_1_1_TYPES.is_match(text), "{text}");
    }
    for text in ["yess", "index.handler", "0x", "12:30:45a", "daily/"] {
        assert!(!YAML_1_1_TYPES.is_match(text), "{text}");
    }
}

#[test]
fn a_file_name_cannot_write_yaml_through_the_header() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("input.dr");
    std::fs::write(&path, "stack s {}\nbucket b {}\n").expect("temp dir");
    let (_, compilation) = compile_file(&path, "x\nEvil: injected\r\u{2028}#.dr");
    let artifact = compilation.stacks[0]
        .artifacts
        .iter()
        .find(|a| a.file_name.ends_with(".cfn.yaml"))
        .expect("a template");
    let template = String::from_utf8(artifact.bytes.clone()).expect("UTF-8");
    let header = template.lines().next().expect("a header");
    assert!(
        header.contains(r"x\u{a}Evil: injected\u{d}\u{2028}#.dr"),
        "{header}"
    );
    let tree: serde_norway::Value = serde_norway::from_str(&template).expect("YAML");
    assert!(tree.get("Evil").is_none(), "{template}");
}
