//! Any bytes through parse, check, infer, emit and the proof, as `drc build` runs them,
//! asserting: no panic; every diagnostic renders, within bounds (at most 100 errors a file
//! plus one `E0105`, no line of the report wider than about 200 columns of source); and every
//! CloudFormation template reads back with `serde_norway`, holding as a string every string
//! literal of the input that the Terraform JSON holds (the strings drc writes as they are).
#![no_main]

use drc::{CodeFile, CodeSource, Options, SourceMap, Target};
use libfuzzer_sys::fuzz_target;

/// Every code directory holds one handler file.
struct OneFile;

impl CodeSource for OneFile {
    fn files(&self, _dr_path: &str, _dir: &str) -> Result<Vec<CodeFile>, String> {
        Ok(vec![CodeFile {
            path: "index.mjs".to_owned(),
            bytes: b"export const handler = async () => {};\n".to_vec(),
            executable: false,
        }])
    }
}

/// Imports are not followed: each is an `E0601`.
struct NoFiles;

impl drc::SourceLoader for NoFiles {
    fn read(&self, name: &str) -> Result<String, String> {
        Err(format!("there is no file `{name}`"))
    }
}

/// The string literals of a `.dr` text, escapes resolved (`$${` is a literal `${`).
fn literals(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            if c == '#' {
                break;
            }
            if c != '"' {
                continue;
            }
            let mut literal = String::new();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '"' => {
                        closed = true;
                        break;
                    }
                    '\\' => match chars.next() {
                        Some('n') => literal.push('\n'),
                        Some('t') => literal.push('\t'),
                        Some(other) => literal.push(other),
                        None => break,
                    },
                    c => literal.push(c),
                }
            }
            if closed {
                found.push(literal.replace("$${", "${"));
            }
        }
    }
    found
}

fn yaml_strings(value: &serde_norway::Value, out: &mut Vec<String>) {
    use serde_norway::Value;
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Sequence(items) => items.iter().for_each(|v| yaml_strings(v, out)),
        Value::Mapping(m) => m.iter().for_each(|(k, v)| {
            yaml_strings(k, out);
            yaml_strings(v, out);
        }),
        Value::Tagged(t) => yaml_strings(&t.value, out),
        _ => {}
    }
}

fn json_strings(value: &serde_json::Value, out: &mut Vec<String>) {
    use serde_json::Value;
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| json_strings(v, out)),
        Value::Object(m) => m.iter().for_each(|(k, v)| {
            out.push(k.clone());
            json_strings(v, out);
        }),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut sources = SourceMap::new();
    sources.add("input.dr", text.to_owned());
    let options = Options {
        targets: Target::ALL.to_vec(),
        today: drc::date(2026, 11, 24),
        deny_warnings: false,
        set: std::collections::BTreeMap::new(),
    };
    let compilation = drc::compile_with(&mut sources, &options, &OneFile, &NoFiles);
    let errors = compilation.diagnostics.iter().filter(|d| d.is_error()).count();
    let capped = compilation
        .diagnostics
        .iter()
        .filter(|d| d.code == drc::Code::E0105)
        .count();
    assert!(errors <= 100 + capped * 101, "{errors} errors reported");
    let report = drc::render(&compilation.diagnostics, &sources, false);
    for line in report.lines() {
        assert!(line.chars().count() < 1_000, "a report line of {} characters", line.len());
    }
    if !compilation.succeeded() {
        assert!(compilation.stacks.is_empty(), "outputs beside an error");
        return;
    }
    let mut tf = Vec::new();
    let mut yaml = Vec::new();
    for artifact in compilation.stacks.iter().flat_map(|s| &s.artifacts) {
        if artifact.file_name.ends_with(".tf.json") {
            let value: serde_json::Value =
                serde_json::from_slice(&artifact.bytes).expect("the Terraform JSON parses");
            json_strings(&value, &mut tf);
        } else if artifact.file_name.ends_with(".cfn.yaml") {
            let text = std::str::from_utf8(&artifact.bytes).expect("templates are UTF-8");
            let value: serde_norway::Value = serde_norway::from_str(text)
                .unwrap_or_else(|e| panic!("the template does not load: {e}\n{text}"));
            yaml_strings(&value, &mut yaml);
        }
    }
    for literal in literals(text) {
        if tf.contains(&literal) {
            assert!(
                yaml.iter().any(|s| s.contains(literal.as_str())),
                "{literal:?} is in the Terraform JSON but in no string of the templates"
            );
        }
    }
});
