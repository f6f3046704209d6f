//! Stacks past one CloudFormation template: Terraform has no resource cap, and the
//! generated stack of `benches/generate.rs` builds at any size.

#[path = "../../benches/generate.rs"]
mod generate;

use drc::{CodeFile, CodeSource, Compilation, Options, SourceMap, Target};

/// The one code directory every generated function names.
struct Handler;

impl CodeSource for Handler {
    fn files(&self, _dr_path: &str, dir: &str) -> Result<Vec<CodeFile>, String> {
        assert_eq!(dir, generate::CODE_DIR);
        Ok(vec![CodeFile {
            path: generate::HANDLER.0.to_owned(),
            bytes: generate::HANDLER.1.as_bytes().to_vec(),
            executable: false,
        }])
    }
}

/// Compiles the generated stack of `copies` copies for `targets`.
pub fn build(copies: usize, targets: &[Target]) -> Compilation {
    let mut sources = SourceMap::new();
    sources.add("stack.dr", generate::stack(copies));
    let options = Options {
        targets: targets.to_vec(),
        today: crate::support::today(),
        deny_warnings: false,
        set: std::collections::BTreeMap::new(),
    };
    drc::compile(&sources, &options, &Handler)
}

fn codes(compilation: &Compilation) -> Vec<&'static str> {
    compilation
        .diagnostics
        .iter()
        .filter(|d| d.severity() == drc::Severity::Error)
        .map(|d| d.code.as_str())
        .collect()
}

#[test]
fn terraform_alone_has_no_resource_or_output_cap() {
    // 300 copies: 2,100 CloudFormation resources and 600 outputs, far past one template.
    let terraform = build(300, &[Target::Terraform]);
    assert_eq!(codes(&terraform), Vec::<&str>::new());
    let template = &terraform.stacks[0].artifacts[0];
    assert_eq!(template.file_name, "generated.tf.json");
    let text = String::from_utf8_lossy(&template.bytes);
    assert_eq!(text.matches("\"aws_lambda_function\"").count(), 1);
    assert!(
        text.contains("\"f299\""),
        "the last copy's function is emitted"
    );
}

/// Each CloudFormation template of a build, parsed: the stack's own first.
fn templates(compilation: &Compilation) -> Vec<(String, serde_norway::Value)> {
    compilation.stacks[0]
        .artifacts
        .iter()
        .filter(|a| a.file_name.ends_with(".cfn.yaml"))
        .map(|a| {
            let value = serde_norway::from_slice(&a.bytes).expect("templates are YAML");
            (a.file_name.clone(), value)
        })
        .collect()
}

fn entries(template: &serde_norway::Value, section: &str) -> usize {
    template
        .get(section)
        .and_then(serde_norway::Value::as_mapping)
        .map_or(0, serde_norway::Mapping::len)
}

/// Logical ID -> the nested stack (its logical ID in the root) holding it.
fn placements(compilation: &Compilation) -> std::collections::BTreeMap<String, String> {
    let templates = templates(compilation);
    let (_, root) = &templates[0];
    let mut placements = std::collections::BTreeMap::new();
    for (part, body) in root["Resources"].as_mapping().expect("resources") {
        assert_eq!(body["Type"], "AWS::CloudFormation::Stack");
        let url = serde_norway::to_string(&body["Properties"]["TemplateURL"]).expect("YAML");
        let file = url.trim().rsplit('/').next().expect("a URL").to_owned();
        let (_, nested) = templates
            .iter()
            .find(|(name, _)| *name == file)
            .unwrap_or_else(|| panic!("the build has the nested template {file}"));
        for (id, _) in nested["Resources"].as_mapping().expect("resources") {
            let previous = placements.insert(
                id.as_str().expect("IDs are text").to_owned(),
                part.as_str().expect("IDs are text").to_owned(),
            );
            assert_eq!(previous, None, "each resource is in one nested stack");
        }
    }
    placements
}

/// Asserts that each nested stack of the root takes values only from nested stacks before
/// it: no two depend on each other (CloudFormation refuses a cycle, cfn-lint's E3004).
fn assert_parts_use_only_earlier_parts(compilation: &Compilation) {
    let templates = templates(compilation);
    let (_, root) = &templates[0];
    let parts = root["Resources"].as_mapping().expect("resources");
    let index = |id: &str| -> usize {
        id.strip_prefix("Part")
            .and_then(|rest| rest.strip_suffix("Stack"))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("`{id}` is a part"))
    };
    let mut crossings = 0;
    for (part, body) in parts {
        let here = index(part.as_str().expect("IDs are text"));
        let Some(parameters) = body["Properties"]["Parameters"].as_mapping() else {
            continue;
        };
        for (name, value) in parameters {
            let text = serde_norway::to_string(value).expect("YAML");
            if let Some(dotted) = text.trim().strip_prefix("!GetAtt ") {
                let from = index(dotted.split('.').next().expect("Stack.Outputs.Name"));
                assert!(
                    from < here,
                    "Part{here}Stack's {name:?} comes from Part{from}Stack"
                );
                crossings += 1;
            }
        }
    }
    assert!(crossings > 0, "values cross between the parts");
}

#[test]
fn a_split_stack_has_no_cycle_between_nested_stacks() {
    // Copy i's function puts into copy i + 1's bucket: in declaration order, a part ending
    // between a function and its schedule would use the next part's bucket while the next
    // part uses its function.
    assert_parts_use_only_earlier_parts(&build(100, &[Target::CloudFormation]));
}

#[test]
fn five_thousand_copies_build_for_both_targets_within_every_template_limit() {
    let compilation = build(5_000, &Target::ALL);
    assert_eq!(codes(&compilation), Vec::<&str>::new());
    let templates = templates(&compilation);
    // 13 slots per copy (bucket 3, function 6, schedule 4), 65,000 in all; each nested
    // stack fills to between 497 and 500: 131 of them, and the root.
    assert_eq!(templates.len(), 1 + 131);
    for (name, template) in &templates {
        let bytes = compilation.stacks[0]
            .artifacts
            .iter()
            .find(|a| a.file_name == *name)
            .map_or(0, |a| a.bytes.len());
        assert!(entries(template, "Resources") <= 500, "{name}: resources");
        assert!(entries(template, "Outputs") <= 200, "{name}: outputs");
        assert!(entries(template, "Parameters") <= 200, "{name}: parameters");
        assert!(bytes <= 1_000_000, "{name}: {bytes} bytes");
        let text = serde_norway::to_string(template).expect("YAML");
        assert!(
            !text.contains("ImportValue") && !text.contains("Export"),
            "{name}: exports"
        );
    }
    assert_eq!(placements(&compilation).len(), 9 * 5_000);
    assert_parts_use_only_earlier_parts(&compilation);
    let terraform = compilation.stacks[0]
        .artifacts
        .iter()
        .find(|a| a.file_name == "generated.tf.json")
        .expect("the Terraform configuration");
    let text = String::from_utf8_lossy(&terraform.bytes);
    assert!(text.contains("\"f4999\""));
}

#[test]
fn adding_a_copy_moves_no_resource_to_another_nested_stack() {
    // 100 copies make three nested stacks; the 101st joins the last.
    let before = placements(&build(100, &[Target::CloudFormation]));
    let after = placements(&build(101, &[Target::CloudFormation]));
    assert_eq!(before.len(), 9 * 100);
    let parts: std::collections::BTreeSet<&String> = before.values().collect();
    assert_eq!(parts.len(), 3);
    for (id, part) in &before {
        assert_eq!(after.get(id), Some(part), "{id} moved");
    }
    assert_eq!(after.len(), 9 * 101);
}

#[test]
fn a_split_stack_built_twice_is_byte_identical() {
    // Units, nested templates, target outputs and the proof's reading run in parallel:
    // each is taken in order, so two builds give the same bytes, file for file.
    let targets = [Target::CloudFormation, Target::Terraform];
    let first = build(150, &targets);
    let second = build(150, &targets);
    // Not a warning either: the benchmarks time the build, not N warnings printed.
    assert_eq!(
        first
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect::<Vec<_>>(),
        Vec::<&str>::new()
    );
    let files = |c: &Compilation| -> Vec<(String, Vec<u8>)> {
        c.stacks[0]
            .artifacts
            .iter()
            .map(|a| (a.file_name.clone(), a.bytes.clone()))
            .collect()
    };
    let (first, second) = (files(&first), files(&second));
    assert!(
        first
            .iter()
            .filter(|(name, _)| name.ends_with(".cfn.yaml"))
            .count()
            > 2,
        "split into nested stacks"
    );
    assert!(first == second, "two builds differ");
}

#[test]
fn the_largest_benchmarked_stack_fits_one_file() {
    // BENCHMARKS.md's 20,000 copies are read from one file, which drc reads only up to
    // 8 MiB (E0604, src/cli/reading.rs), so the build meets the stack's real limits.
    assert!(generate::stack(20_000).len() < 8 * 1024 * 1024);
}

#[test]
fn a_function_shares_a_nested_stack_with_the_140_buckets_it_reads() {
    // 140 KMS buckets one function reads, then 30 more: 516 resources, split. While the
    // buckets come in, their ARNs count as outputs (the function may go elsewhere); when the
    // function joins, they are inside. A part that ended at the first unit past 200 outputs
    // left the function 282 parameters, past CloudFormation's 200 (E0502).
    let bucket = |name: String| {
        format!("bucket {name} {{ name = \"acme-{name}\", versioned = true, encryption = kms }}\n")
    };
    let mut text = "stack archive_index {}\n".to_owned();
    text.extend((0..140).map(|i| bucket(format!("shard{i:03}"))));
    text.push_str("function indexer {\n  runtime = nodejs24.x\n  handler = \"index.handler\"\n  code = \"lambda\"\n");
    text.extend((0..140).map(|i| format!("  read shard{i:03}\n")));
    text.push_str("}\n");
    text.extend((0..30).map(|i| bucket(format!("spare{i:03}"))));
    let mut sources = SourceMap::new();
    sources.add("stack.dr", text);
    let options = Options {
        targets: vec![Target::CloudFormation],
        today: crate::support::today(),
        deny_warnings: false,
        set: std::collections::BTreeMap::new(),
    };
    let compilation = drc::compile(&sources, &options, &Lambda);
    assert_eq!(codes(&compilation), Vec::<&str>::new());
    let placements = placements(&compilation);
    let home = &placements["IndexerFunction"];
    for i in 0..140 {
        assert_eq!(
            &placements[&format!("Shard{i:03}Bucket")],
            home,
            "shard{i:03}"
        );
    }
    for (name, template) in templates(&compilation) {
        assert!(entries(&template, "Outputs") <= 200, "{name}: outputs");
        assert!(
            entries(&template, "Parameters") <= 200,
            "{name}: parameters"
        );
    }
}

/// A `lambda` directory of one handler.
struct Lambda;

impl CodeSource for Lambda {
    fn files(&self, _dr_path: &str, dir: &str) -> Result<Vec<CodeFile>, String> {
        assert_eq!(dir, "lambda");
        Ok(vec![CodeFile {
            path: "index.mjs".to_owned(),
            bytes: b"export const handler = async () => ({});\n".to_vec(),
            executable: false,
        }])
    }
}
