//! Fixture folders: `tests/fixtures/<area>/<case>/input.dr`, discovered by glob. Adding a case
//! never touches Rust code. A case may import sibling `.dr` files of its folder; only
//! `input.dr` is a case, and the snapshot shows every file's source. Each case is compiled for both targets and one snapshot holds the
//! input with everything drc made of it: diagnostics, policies with provenance, the
//! CloudFormation template and the Terraform configuration.
//!
//! Areas: `errors/` cases must fail with at least one coded error and produce no output;
//! `warnings/` cases must compile with at least one warning; `valid/` cases must compile with
//! no diagnostic at all. A case whose name starts with a code (`e0302_...`) must produce
//! that code. Every case must compile to the same bytes twice.

use crate::support::{artifact_text, compile_file};
use std::fmt::Write as _;

#[test]
fn fixtures() {
    insta::glob!("../fixtures", "*/*/input.dr", |path| {
        let area = path
            .parent()
            .and_then(|case| case.parent())
            .and_then(|area| area.file_name())
            .and_then(|name| name.to_str())
            .expect("fixtures live in tests/fixtures/<area>/<case>/");
        let (sources, compilation) = compile_file(path, "input.dr");
        let (_, again) = compile_file(path, "input.dr");
        assert_eq!(
            format!("{:?}", compilation.stacks),
            format!("{:?}", again.stacks),
            "{}: output differs between two runs",
            path.display()
        );

        let errors = compilation
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .count();
        let warnings = compilation.diagnostics.len() - errors;
        match area {
            "errors" => {
                assert!(errors > 0, "{}: expected an error", path.display());
                assert!(
                    compilation.stacks.is_empty(),
                    "{}: output despite errors",
                    path.display()
                );
            }
            "warnings" => {
                assert_eq!(errors, 0, "{}: unexpected error", path.display());
                assert!(warnings > 0, "{}: expected a warning", path.display());
            }
            "valid" => assert!(
                compilation.diagnostics.is_empty(),
                "{}: unexpected diagnostics:\n{}",
                path.display(),
                drc::render(&compilation.diagnostics, &sources, false)
            ),
            other => panic!("unknown fixture area `{other}`: use errors, warnings or valid"),
        }

        // A case named after a code (`e0302_memory_in_minutes`) must produce that code.
        let case = path
            .parent()
            .and_then(|case| case.file_name())
            .and_then(|name| name.to_str())
            .expect("case folder name");
        if let Some((code, _)) = case.split_once('_').filter(|(c, _)| {
            c.len() == 5 && c.starts_with(['e', 'w']) && c[1..].chars().all(|d| d.is_ascii_digit())
        }) {
            let code = code.to_ascii_uppercase();
            assert!(
                compilation
                    .diagnostics
                    .iter()
                    .any(|d| d.code.as_str() == code),
                "{}: named for {code}, which it does not produce:\n{}",
                path.display(),
                drc::render(&compilation.diagnostics, &sources, false)
            );
        }

        let mut snapshot = String::new();
        for (file, source) in sources.iter() {
            // The case's own file, then every file it imports, under its name.
            if file == drc::FileId(0) {
                let _ = writeln!(snapshot, "----- SOURCE\n{}", source.text);
            } else {
                let _ = writeln!(snapshot, "----- SOURCE {}\n{}", source.name, source.text);
            }
        }
        if !compilation.diagnostics.is_empty() {
            let rendered = drc::render(&compilation.diagnostics, &sources, false);
            let _ = writeln!(snapshot, "----- DIAGNOSTICS\n{rendered}");
        }
        if !compilation.silenced.is_empty() {
            let silenced = drc::report::silenced_text(&compilation.silenced, &sources);
            let _ = writeln!(snapshot, "----- SILENCED\n{silenced}");
        }
        if compilation.succeeded() {
            let (_, analyses, _) = crate::support::analyze_file(path, "input.dr");
            let policies = drc::iam::explain::explain(
                &analyses[0].policies,
                &sources,
                drc::iam::explain::FileNames::AsGiven,
            )
            .text();
            // The 500-resource check counts resources from the program and its roles'
            // layouts; it must agree with what the emitter actually writes.
            let program = &analyses[0].program;
            let layouts: Vec<drc::emit::Layout> = analyses[0]
                .policies
                .roles()
                .iter()
                .map(|role| drc::emit::policy::layout(program, role).expect("a compiled role fits"))
                .collect();
            let (resources, builtin, user) = cloudformation_counts(&compilation);
            assert_eq!(
                resources,
                drc::emit::resource_count(program, &layouts),
                "{}: resource count",
                path.display()
            );
            // The 200-output check counts outputs from the program; likewise.
            assert_eq!(
                builtin + user,
                drc::emit::output_count(&analyses[0].program),
                "{}: output count",
                path.display()
            );
            assert_eq!(
                user,
                program.outputs().len(),
                "{}: `output` items",
                path.display()
            );
            let _ = writeln!(snapshot, "----- POLICIES\n{policies}");
            let _ = writeln!(
                snapshot,
                "----- CLOUDFORMATION\n{}",
                artifact_text(&compilation, ".cfn.yaml")
            );
            // A bucket in another region has a CloudFormation template of its own.
            for artifact in &compilation.stacks[0].artifacts {
                if let Some(region) = artifact
                    .file_name
                    .strip_suffix(".cfn.yaml")
                    .and_then(|stem| stem.split_once('.'))
                    .map(|(_, region)| region)
                {
                    let text = std::str::from_utf8(&artifact.bytes).expect("UTF-8");
                    let _ = writeln!(snapshot, "----- CLOUDFORMATION {region}\n{text}");
                }
            }
            let _ = writeln!(
                snapshot,
                "----- TERRAFORM\n{}",
                artifact_text(&compilation, ".tf.json")
            );
        }
        insta::assert_snapshot!(snapshot);
    });
}

/// The resources, drc's outputs and the `output` items of a stack's CloudFormation templates:
/// the main template's, and when it is split, its nested stacks' (the `AWS::CloudFormation::Stack`
/// resources themselves, and the outputs that only pass values between nested stacks, left
/// out). Every output drc writes for a bucket or function, or for an `output` item, has a
/// description or a value the user gave; the passing ones have a value alone.
fn cloudformation_counts(compilation: &drc::Compilation) -> (usize, usize, usize) {
    let artifacts = &compilation.stacks[0].artifacts;
    let main = artifact_text(compilation, ".cfn.yaml");
    let main: serde_norway::Value = serde_norway::from_str(&main).expect("valid YAML");
    let nested: Vec<serde_norway::Value> = artifacts
        .iter()
        .filter(|a| a.file_name.contains(".part") && a.file_name.ends_with(".cfn.yaml"))
        .map(|a| serde_norway::from_slice(&a.bytes).expect("valid YAML"))
        .collect();
    let resources = std::iter::once(&main)
        .chain(&nested)
        .flat_map(|t| t["Resources"].as_mapping().expect("resources"))
        .filter(|(_, body)| body["Type"] != "AWS::CloudFormation::Stack")
        .count();
    let outputs = |t: &serde_norway::Value| {
        t.get("Outputs")
            .and_then(serde_norway::Value::as_mapping)
            .cloned()
            .unwrap_or_default()
    };
    let user = outputs(&main)
        .iter()
        .filter(|(id, _)| id.as_str().is_some_and(|id| id.ends_with("Output")))
        .count();
    let builtin = std::iter::once(&main)
        .chain(&nested)
        .flat_map(outputs)
        .filter(|(id, body)| {
            !id.as_str().is_some_and(|id| id.ends_with("Output"))
                && body.get("Description").is_some()
        })
        .count();
    (resources, builtin, user)
}
