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
