//! The proof (`src/verify/`): every example and valid fixture is proven on both targets, in
//! process and from the built outputs; the templates record the declarations of the program;
//! the YAML reader reads every template as `serde_norway` does; every class of mutation of
//! emitted templates is caught with a concrete request; and generated programs are proven.

use crate::support::{compile_file, root, today};
use drc::verify::expect::{self, Expected};
use drc::verify::policy::{Origin, Statement};
use drc::verify::report::{Kind, Policy, StackReport};
use drc::verify::symbol::Symbols;
use drc::verify::{Outputs, group};
use drc::{Code, CodeFile, CodeSource, Compilation, Options, SourceMap, Target};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Every example and every valid fixture.
fn programs() -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for dir in [root().join("examples")] {
        for entry in std::fs::read_dir(dir).expect("examples/ exists") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "dr") {
                paths.push(path);
            }
        }
    }
    for entry in std::fs::read_dir(root().join("tests/fixtures/valid")).expect("fixtures exist") {
        paths.push(entry.expect("entry").path().join("input.dr"));
    }
    paths.sort();
    assert!(paths.len() > 20, "{paths:?}");
    paths
}

/// The templates of a compilation's only stack.
fn outputs(compilation: &Compilation) -> Outputs {
    let files: Vec<(String, Vec<u8>)> = compilation.stacks[0]
        .artifacts
        .iter()
        .filter(|a| !a.file_name.ends_with(".zip"))
        .map(|a| (a.file_name.clone(), a.bytes.clone()))
        .collect();
    let mut stacks = group(files).expect("drc writes templates only");
    assert_eq!(stacks.len(), 1);
    stacks.remove(0)
}

fn build(path: &std::path::Path) -> (SourceMap, Compilation) {
    let display = path.to_string_lossy().into_owned();
    let (sources, compilation) = compile_file(path, &display);
    assert!(
        compilation.succeeded(),
        "{display}:\n{}",
        drc::render(&compilation.diagnostics, &sources, false)
    );
    (sources, compilation)
}

#[test]
fn the_build_proves_every_program_without_enumerating() {
    // The statements drc writes are, atom for atom, the ones its declarations entitle: the
    // build's proof never needs to enumerate the universe (what keeps it cheap).
    for path in programs() {
        let (sources, compilation) = build(&path);
        let (_, analyses, _) = crate::support::analyze_file(&path, &path.to_string_lossy());
        let files: Vec<(&str, &[u8])> = compilation.stacks[0]
            .artifacts
            .iter()
            .map(|a| (a.file_name.as_str(), a.bytes.as_slice()))
            .collect();
        let report = drc::verify::proof(&analyses[0].program, &sources, &files)
            .expect("readable")
            .expect("templates");
        assert!(report.proven(), "{}", path.display());
        assert_eq!(report.enumerated, 0, "{}", path.display());
    }
}

#[test]
fn every_example_and_valid_fixture_is_proven_on_both_targets() {
    for path in programs() {
        // The build proved its outputs in process (no E0901), and they are proven again from
        // their bytes alone, with the whole universe enumerated.
        let (_, compilation) = build(&path);
        let report = drc::verify::verify(&outputs(&compilation)).expect("readable");
        assert!(report.proven(), "{}:\n{:#?}", path.display(), report);
        assert_eq!(report.targets, ["cloudformation", "terraform"]);
        assert!(
            report.roles > 0 || report.resource_policies > 0,
            "{}",
            path.display()
        );
    }
}

/// An entitlement without where each statement came from, for comparing two of them.
fn shape(expected: &Expected) -> BTreeMap<String, Vec<String>> {
    let statements = |list: &[Statement]| -> Vec<String> {
        let mut out: Vec<String> = list
            .iter()
            .map(|s| {
                let mut s = s.clone();
                s.origin = Origin::Read {
                    file: String::new(),
                    policy: String::new(),
                    sid: String::new(),
                };
                format!("{s:?}")
            })
            .collect();
        out.sort();
        out
    };
    let mut out = BTreeMap::new();
    for (owner, role) in &expected.roles {
        out.insert(format!("{owner:?} identity"), statements(&role.identity));
        out.insert(format!("{owner:?} trust"), statements(&role.trust));
    }
    for (item, policy) in &expected.resource_policies {
        let mut list = statements(&policy.statements);
        list.push(policy.arn.clone());
        out.insert(format!("{item:?}"), list);
    }
    out
}

#[test]
fn the_templates_record_what_the_program_declares() {
    for path in programs() {
        let (sources, compilation) = build(&path);
        let (_, analyses, _) = crate::support::analyze_file(&path, &path.to_string_lossy());
        let mut symbols = Symbols::new();
        let from_program = expect::from_program(&analyses[0].program, &sources, &mut symbols);
        let readings =
            drc::verify::readings(&outputs(&compilation), &mut symbols, true).expect("readable");
        for (target, reading) in &readings {
            assert!(
                reading.problems.is_empty(),
                "{target}: {:?}",
                reading.problems
            );
            let from_reading = expect::from_reading(reading, &mut symbols);
            assert!(
                from_reading.problems.is_empty(),
                "{:?}",
                from_reading.problems
            );
            assert_eq!(
                shape(&from_program),
                shape(&from_reading),
                "{} on {target}",
                path.display()
            );
        }
    }
}

#[test]
fn the_yaml_reader_reads_every_template_as_serde_norway_does() {
    let mut templates = 0;
    for path in programs() {
        let (_, compilation) = build(&path);
        for artifact in &compilation.stacks[0].artifacts {
            if !artifact.file_name.ends_with(".cfn.yaml") {
                continue;
            }
            let text = std::str::from_utf8(&artifact.bytes).expect("UTF-8");
            let fast = drc::verify::tree::parse_fast(text)
                .unwrap_or_else(|| panic!("{}: outside the fast reader", artifact.file_name));
            let full: serde_norway::Value = serde_norway::from_str(text).expect("YAML");
            assert_eq!(
                fast,
                drc::verify::tree::from_value(full),
                "{}",
                artifact.file_name
            );
            templates += 1;
        }
    }
    assert!(templates > 20);
}

/// The disaster-recovery example, built.
fn example() -> (SourceMap, Compilation) {
    build(&root().join("examples/disaster_recovery.dr"))
}

/// The outputs with one file's text changed; panics if `change` changes nothing.
fn mutate(outputs: &Outputs, suffix: &str, change: impl Fn(&str) -> String) -> Outputs {
    let mut mutated = outputs.clone();
    let mut files: Vec<&mut (String, Vec<u8>)> = mutated.cloudformation.iter_mut().collect();
    files.extend(mutated.terraform.iter_mut());
    let file = files
        .into_iter()
        .find(|(name, _)| name.ends_with(suffix))
        .expect("the file exists");
    let text = String::from_utf8(file.1.clone()).expect("UTF-8");
    let changed = change(&text);
    assert_ne!(text, changed, "the mutation of {suffix} changes nothing");
    file.1 = changed.into_bytes();
    mutated
}

/// Replaces exactly one occurrence.
fn once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` occurs once");
    text.replacen(from, to, 1)
}

/// The verify report of mutated outputs, which must not be proven.
fn caught(outputs: &Outputs) -> StackReport {
    let report = drc::verify::verify(outputs).expect("readable");
    assert!(!report.proven(), "the mutation went unnoticed");
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    report
}

/// Whether a report has a finding of this kind with this action and a resource containing
/// `resource`, and prints it (a concrete request) in its message.
fn has(report: &StackReport, kind: Kind, action: &str, resource: &str) -> bool {
    report.findings.iter().any(|f| {
        let requests = std::iter::once(&f.request).chain(&f.similar);
        f.kind == kind
            && requests.clone().any(|r| {
                (r.action == action || r.also.iter().any(|a| a == action))
                    && r.resource.contains(resource)
            })
            && f.headline().contains(&f.request.action)
            && f.headline().contains(&f.request.resource)
    })
}

#[test]
fn an_added_action_is_an_over_grant() {
    let (_, compilation) = example();
    let outputs = outputs(&compilation);
    let mutated = mutate(&outputs, ".cfn.yaml", |t| {
        once(
            t,
            "            - s3:PutObject\n            Resource: !Sub ${BackupsBucket.Arn}/daily/*",
            "            - s3:DeleteObject\n            - s3:PutObject\n            Resource: !Sub ${BackupsBucket.Arn}/daily/*",
        )
    });
    let report = caught(&mutated);
    assert!(
        has(
            &report,
            Kind::OverGrant,
            "s3:DeleteObject",
            "<bucket backups>/daily/"
        ),
        "{report:#?}"
    );
    let finding = &report.findings[0];
    assert_eq!(finding.target, "cloudformation");
    assert_eq!(
        finding.headline(),
        "`backup` may `s3:DeleteObject` on `arn:{partition}:s3:::<bucket backups>/daily/x`, which no declaration entitles"
    );
    assert!(finding.decided_by[0].starts_with("BackupsObjectsDaily in policy backup-permissions"));
    // The targets now differ too.
    assert!(has(
        &report,
        Kind::TargetsDiffer,
        "s3:DeleteObject",
        "<bucket backups>/daily/"
    ));
}

#[test]
fn a_widened_resource_is_an_over_grant() {
    let (_, compilation) = example();
    let mutated = mutate(&outputs(&compilation), ".tf.json", |t| {
        once(
            t,
            "\"${aws_s3_bucket.backups.arn}/daily/*\"",
            "\"${aws_s3_bucket.backups.arn}/*\"",
        )
    });
    let report = caught(&mutated);
    // A key outside daily/ of the same bucket.
    let finding = report
        .findings
        .iter()
        .find(|f| f.kind == Kind::OverGrant)
        .expect("an over-grant");
    assert_eq!(finding.target, "terraform");
    assert_eq!(finding.request.action, "s3:PutObject");
    assert_eq!(
        finding.request.resource,
        "arn:{partition}:s3:::<bucket backups>/x"
    );
}

#[test]
fn a_dropped_condition_is_an_over_grant() {
    let (_, compilation) = example();
    let mutated = mutate(&outputs(&compilation), ".cfn.yaml", |t| {
        once(
            t,
            "            Resource: !GetAtt BackupsBucketKey.Arn\n            Condition:\n              StringEquals:\n                kms:ViaService:\n                - !Sub s3.${AWS::Region}.amazonaws.com\n          - Sid: BackupLogs",
            "            Resource: !GetAtt BackupsBucketKey.Arn\n          - Sid: BackupLogs",
        )
    });
    let report = caught(&mutated);
    let finding = report
        .findings
        .iter()
        .find(|f| f.kind == Kind::OverGrant)
        .expect("an over-grant");
    assert_eq!(finding.request.action, "kms:Decrypt");
    assert!(
        finding
            .request
            .also
            .contains(&"kms:GenerateDataKey".to_owned())
    );
    assert!(finding.request.resource.contains("<key of bucket backups>"));
    // Used directly, or through another service: no kms:ViaService, or another one.
    let requests: Vec<_> = std::iter::once(&finding.request)
        .chain(&finding.similar)
        .collect();
    assert!(
        requests.iter().any(|r| r.context.is_empty()
            || r.context[0].1.as_deref() != Some("s3.{region}.amazonaws.com"))
    );
}

#[test]
fn a_changed_condition_is_an_over_and_an_under_grant() {
    let (_, compilation) = example();
    let mutated = mutate(&outputs(&compilation), ".tf.json", |t| {
        let at = t
            .find("\"role_backup\"")
            .expect("the backup role's document");
        let (head, tail) = t.split_at(at);
        format!(
            "{head}{}",
            tail.replacen(
                "\"s3.${data.aws_region.current.region}.amazonaws.com\"",
                "\"sqs.${data.aws_region.current.region}.amazonaws.com\"",
                1
            )
        )
    });
    let report = caught(&mutated);
    let over = report
        .findings
        .iter()
        .find(|f| f.kind == Kind::OverGrant)
        .expect("an over-grant");
    assert_eq!(
        over.request.context,
        [(
            "kms:ViaService".to_owned(),
            Some("sqs.{region}.amazonaws.com".to_owned())
        )]
    );
    let under = report
        .findings
        .iter()
        .find(|f| f.kind == Kind::UnderGrant)
        .expect("an under-grant");
    assert_eq!(
        under.request.context,
        [(
            "kms:ViaService".to_owned(),
            Some("s3.{region}.amazonaws.com".to_owned())
        )]
    );
    assert!(
        under
            .headline()
            .contains("`put backups \"daily/\"` (disaster_recovery.dr:"),
        "{}",
        under.headline()
    );
}

#[test]
fn an_added_principal_is_caught_in_the_trust_policy() {
    let (_, compilation) = example();
    let mutated = mutate(&outputs(&compilation), ".cfn.yaml", |t| {
        once(
            t,
            "            Service: lambda.amazonaws.com\n",
            "            Service:\n            - lambda.amazonaws.com\n            - ec2.amazonaws.com\n",
        )
    });
    let report = caught(&mutated);
    let finding = &report.findings[0];
    assert_eq!(
        (finding.kind, finding.policy),
        (Kind::OverGrant, Policy::Trust)
    );
    assert_eq!(finding.request.action, "sts:AssumeRole");
    assert_eq!(
        finding.request.caller.as_deref(),
        Some("service `ec2.amazonaws.com`")
    );
    assert!(
        finding.headline().starts_with(
            "the role of function backup can be assumed by service `ec2.amazonaws.com`"
        )
    );
}

#[test]
fn a_trust_policy_without_its_condition_is_caught() {
    // The schedule's role admits EventBridge Scheduler only on behalf of the stack's account.
    let (_, compilation) = example();
    let mutated = mutate(&outputs(&compilation), ".cfn.yaml", |t| {
        once(
            t,
            "            Service: scheduler.amazonaws.com\n          Action: sts:AssumeRole\n          Condition:\n            StringEquals:\n              aws:SourceAccount: !Ref AWS::AccountId\n",
            "            Service: scheduler.amazonaws.com\n          Action: sts:AssumeRole\n",
        )
    });
    let report = caught(&mutated);
    let finding = &report.findings[0];
    assert_eq!(
        (finding.kind, finding.policy),
        (Kind::OverGrant, Policy::Trust)
    );
    assert_eq!(
        finding.request.caller.as_deref(),
        Some("service `scheduler.amazonaws.com`")
    );
    assert!(
        finding.subject.contains("schedule nightly"),
        "{}",
        finding.subject
    );
    // On behalf of no account, or of another one.
    assert_eq!(
        finding.request.context,
        [("aws:SourceAccount".to_owned(), None)]
    );
    assert!(finding.similar.iter().any(|r| r.context
        == [(
            "aws:SourceAccount".to_owned(),
            Some("<another account>".to_owned())
        )]));
}

#[test]
fn a_bucket_policy_that_allows_plain_http_is_caught() {
    let (_, compilation) = example();
    let mutated = mutate(&outputs(&compilation), ".cfn.yaml", |t| {
        let at = t.find("  BackupsBucketPolicy:").expect("the bucket policy");
        let (head, tail) = t.split_at(at);
        format!(
            "{head}{}",
            tail.replacen(
                "aws:SecureTransport: 'false'",
                "aws:SecureTransport: 'true'",
                1
            )
        )
    });
    let report = caught(&mutated);
    let finding = report
        .findings
        .iter()
        .find(|f| {
            f.policy == Policy::Resource
                && f.request
                    .context
                    .iter()
                    .any(|(_, v)| v.as_deref() == Some("false"))
        })
        .expect("requests without TLS");
    assert!(
        finding
            .headline()
            .starts_with("the policy of bucket `backups` does not deny"),
        "{}",
        finding.headline()
    );
    assert!(
        finding
            .headline()
            .contains("every bucket refuses requests without TLS")
    );
}

#[test]
fn a_change_to_one_target_only_is_a_drift_between_targets() {
    let (_, compilation) = example();
    let mutated = mutate(&outputs(&compilation), ".tf.json", |t| {
        once(
            t,
            "\"actions\": [\n              \"s3:GetObject\"\n            ],\n            \"resources\": [\n              \"arn:aws:s3:::acme-app-data/*\"",
            "\"actions\": [\n              \"s3:GetObject\",\n              \"s3:GetObjectVersion\"\n            ],\n            \"resources\": [\n              \"arn:aws:s3:::acme-app-data/*\"",
        )
    });
    let report = caught(&mutated);
    assert!(has(
        &report,
        Kind::OverGrant,
        "s3:GetObjectVersion",
        "arn:aws:s3:::acme-app-data/"
    ));
    let drift = report
        .findings
        .iter()
        .find(|f| f.kind == Kind::TargetsDiffer)
        .expect("a drift");
    assert_eq!(drift.target, "cloudformation and terraform");
    assert_eq!(drift.request.action, "s3:GetObjectVersion");
    assert!(
        drift
            .headline()
            .ends_with("is not allowed on cloudformation but allowed on terraform"),
        "{}",
        drift.headline()
    );
}

#[test]
fn swapped_policies_of_two_roles_are_caught_on_both_targets() {
    let (_, compilation) =
        build(&root().join("tests/fixtures/valid/writer_and_pruner_split/input.dr"));
    let outputs = outputs(&compilation);
    // CloudFormation: the inline policies of the two roles trade places.
    let cfn = mutate(&outputs, ".cfn.yaml", |t| {
        let policies = |role: &str| -> (usize, usize) {
            let at = t.find(&format!("  {role}:\n")).expect("the role");
            let start = at + t[at..].find("      Policies:\n").expect("inline policies");
            // To the next resource: a line indented by two spaces.
            let end = t[start..]
                .match_indices("\n  ")
                .find(|(e, _)| t[start + e + 3..].starts_with(|c: char| c.is_ascii_alphabetic()))
                .map_or(t.len(), |(e, _)| start + e + 1);
            (start, end)
        };
        let (a, b) = (
            policies("BackupFunctionRole"),
            policies("PruneFunctionRole"),
        );
        let (first, second) = if a.0 < b.0 { (a, b) } else { (b, a) };
        format!(
            "{}{}{}{}{}",
            &t[..first.0],
            &t[second.0..second.1],
            &t[first.1..second.0],
            &t[first.0..first.1],
            &t[second.1..]
        )
    });
    let report = caught(&cfn);
    for function in ["`backup`", "`prune`"] {
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.subject == function && f.kind == Kind::OverGrant),
            "{function}: {report:#?}"
        );
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.subject == function && f.kind == Kind::UnderGrant)
        );
    }
    // Terraform: the role policies name each other's documents.
    let tf = mutate(&outputs, ".tf.json", |t| {
        t.replace("data.aws_iam_policy_document.role_backup.json", "SWAP")
            .replace(
                "data.aws_iam_policy_document.role_prune.json",
                "data.aws_iam_policy_document.role_backup.json",
            )
            .replace("SWAP", "data.aws_iam_policy_document.role_prune.json")
    });
    let report = caught(&tf);
    assert!(
        has(
            &report,
            Kind::OverGrant,
            "s3:DeleteObject",
            "<bucket backups>/daily/"
        ),
        "{report:#?}"
    );
    assert!(report.findings.iter().any(|f| f.subject == "`prune`"));
    assert!(report.findings.iter().any(|f| f.subject == "`backup`"));
}

#[test]
fn a_lambda_permission_is_an_over_grant() {
    let (_, compilation) = example();
    let mutated = mutate(&outputs(&compilation), ".cfn.yaml", |t| {
        once(
            t,
            "  BackupFunctionInvokeConfig:\n",
            "  Anyone:\n    Type: AWS::Lambda::Permission\n    Properties:\n      FunctionName: !Ref BackupFunction\n      Action: lambda:InvokeFunction\n      Principal: '*'\n  BackupFunctionInvokeConfig:\n",
        )
    });
    let report = caught(&mutated);
    let finding = report
        .findings
        .iter()
        .find(|f| f.policy == Policy::Resource)
        .expect("on the function");
    assert_eq!(finding.request.action, "lambda:InvokeFunction");
    assert_eq!(
        finding.request.caller.as_deref(),
        Some("anyone (unauthenticated)")
    );
    assert!(
        finding
            .headline()
            .starts_with("the policy of function `backup` allows `lambda:InvokeFunction`")
    );
}

#[test]
fn what_cannot_be_modelled_withholds_the_proof() {
    let (_, compilation) = example();
    let mutated = mutate(&outputs(&compilation), ".cfn.yaml", |t| {
        once(
            t,
            "  BackupFunctionInvokeConfig:\n",
            "  Admin:\n    Type: AWS::IAM::User\n    Properties: {}\n  BackupFunctionInvokeConfig:\n",
        )
    });
    let report = drc::verify::verify(&mutated).expect("readable");
    assert!(!report.proven());
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.message.contains("AWS::IAM::User is not modelled"))
    );
}

#[test]
fn resources_that_depend_on_each_other_withhold_the_proof() {
    // The function's invoke configuration names the function; the function waiting for
    // it closes a cycle CloudFormation refuses, as two nested stacks passing each other's
    // outputs would.
    let (_, compilation) = example();
    let mutated = mutate(&outputs(&compilation), ".cfn.yaml", |t| {
        once(
            t,
            "  BackupFunction:\n    Type: AWS::Lambda::Function\n",
            "  BackupFunction:\n    Type: AWS::Lambda::Function\n    DependsOn: BackupFunctionInvokeConfig\n",
        )
    });
    let report = drc::verify::verify(&mutated).expect("readable");
    assert!(!report.proven());
    assert!(
        report.problems.iter().any(|p| p.message.contains(
            "a cycle, which CloudFormation refuses: BackupFunction -> BackupFunctionInvokeConfig -> BackupFunction"
        )),
        "{:?}",
        report.problems
    );
}

#[test]
fn the_build_refuses_output_that_fails_its_proof() {
    // The in-process proof, on bytes that an emitter slip would have produced.
    let path = root().join("examples/disaster_recovery.dr");
    let (sources, compilation) = build(&path);
    let (_, analyses, _) = crate::support::analyze_file(&path, &path.to_string_lossy());
    let mutated = mutate(&outputs(&compilation), ".tf.json", |t| {
        once(
            t,
            "\"${aws_s3_bucket.backups.arn}/daily/*\"",
            "\"${aws_s3_bucket.backups.arn}/*\"",
        )
    });
    let mut files: Vec<(&str, &[u8])> = mutated
        .cloudformation
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let (tf_name, tf_bytes) = mutated.terraform.as_ref().expect("terraform");
    files.push((tf_name, tf_bytes));
    let diagnostics = drc::verify::prove(&analyses[0].program, &sources, &files);
    assert!(!diagnostics.is_empty());
    assert!(diagnostics.iter().all(|d| d.code == Code::E0901));
    let text = drc::render(&diagnostics, &sources, false);
    assert!(
        text.contains("error[E0901]: the terraform output allows more than declared"),
        "{text}"
    );
    assert!(
        text.contains("`backup` may `s3:PutObject` on `arn:{partition}:s3:::<bucket backups>/x`"),
        "{text}"
    );
}

#[test]
fn the_e0901_page_shows_what_drc_reports() {
    // The page's example: its file, the change to the output, and what drc prints.
    let page = std::fs::read_to_string(root().join("docs/errors/E0901.md")).expect("the page");
    let block = |fence: &str| -> String {
        let start = page.find(fence).expect("a block") + fence.len();
        let end = start + page[start..].find("\n```").expect("closed");
        page[start..end].to_owned()
    };
    let dr = block("```dr\n");
    let shown = block("```text\n");
    let (from, to) = (
        "- s3:PutObject\n",
        "- s3:DeleteObject\n            - s3:PutObject\n",
    );
    assert!(
        page.contains("`s3:DeleteObject`"),
        "the page says which action is added"
    );
    let mut sources = SourceMap::new();
    sources.add("example.dr", dr);
    let options = Options {
        targets: Target::ALL.to_vec(),
        today: today(),
        deny_warnings: false,
        set: BTreeMap::new(),
    };
    let compilation = drc::compile(&sources, &options, &Handler);
    assert!(
        compilation.diagnostics.is_empty(),
        "{}",
        drc::render(&compilation.diagnostics, &sources, false)
    );
    let (analyses, _) = drc::analyze(&sources, today());
    let mutated = mutate(&outputs(&compilation), ".cfn.yaml", |t| once(t, from, to));
    let files: Vec<(&str, &[u8])> = mutated
        .cloudformation
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .chain(
            mutated
                .terraform
                .iter()
                .map(|(n, b)| (n.as_str(), b.as_slice())),
        )
        .collect();
    let mut diagnostics = drc::verify::prove(&analyses[0].program, &sources, &files);
    drc::diagnostics::sort(&mut diagnostics);
    let mut printed = drc::render(&diagnostics, &sources, false);
    assert_eq!(printed.pop(), Some('\n'));
    assert_eq!(printed, shown);
}

/// One handler for every function.
struct Handler;

impl CodeSource for Handler {
    fn files(&self, _: &str, _: &str) -> Result<Vec<CodeFile>, String> {
        Ok(vec![CodeFile {
            path: "index.mjs".into(),
            bytes: b"export const handler = async () => {};\n".to_vec(),
            executable: false,
        }])
    }
}

/// A small deterministic generator (xorshift64*), so every run tries the same programs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).expect("small")
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// A random valid program: buckets (created, KMS-encrypted, versioned, replicated, or outside
/// the stack with or without a key), queues, topics, functions with random verbs, prefixes
/// and failure targets, schedules.
fn generated(seed: u64) -> String {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut text = format!("stack gen{seed} {{}}\n");
    let buckets = 1 + rng.below(4);
    let mut kms = Vec::new();
    let mut created = Vec::new();
    for b in 0..buckets {
        if b > 0 && rng.chance(25) {
            let key = if rng.chance(50) {
                "\n  key = \"arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\""
            } else {
                ""
            };
            let _ = writeln!(
                text,
                "bucket b{b} {{\n  existing = \"acme-outside-{seed}-{b}\"{key}\n}}"
            );
            kms.push(!key.is_empty());
            continue;
        }
        let encrypted = rng.chance(50);
        kms.push(encrypted);
        created.push((b, encrypted));
        let encryption = if encrypted { "kms" } else { "s3" };
        let _ = writeln!(
            text,
            "bucket b{b} {{ versioned = true  encryption = {encryption} }}"
        );
    }
    // Replication between two created buckets encrypted alike.
    if let [(source, a), (replica, b), ..] = created.as_slice()
        && a == b
        && rng.chance(50)
    {
        text = text.replacen(
            &format!("bucket b{source} {{ versioned = true"),
            &format!("bucket b{source} {{ replicate_to = b{replica}  versioned = true"),
            1,
        );
    }
    let queues = rng.below(3);
    for q in 0..queues {
        let encryption = if rng.chance(50) { "kms" } else { "sqs" };
        let _ = writeln!(text, "queue q{q} {{ encryption = {encryption} }}");
    }
    let topics = rng.below(3);
    for t in 0..topics {
        let _ = writeln!(text, "topic t{t} {{}}");
    }
    let verbs = [
        "read",
        "list",
        "put",
        "delete",
        "read_versions",
        "list_versions",
        "delete_versions",
        "tag",
        "read_tags",
    ];
    let prefixes = ["", " \"daily/\"", " \"a/b/\"", " \"x\"", " \"daily/2024/\""];
    let functions = 1 + rng.below(3);
    for f in 0..functions {
        let _ = writeln!(
            text,
            "function f{f} {{\n  runtime = nodejs24.x\n  handler = \"index.handler\"\n  code = \"lambda\""
        );
        if queues + topics > 0 && rng.chance(40) {
            let pick = rng.below(queues + topics);
            let target = if pick < queues {
                format!("q{pick}")
            } else {
                format!("t{}", pick - queues)
            };
            let _ = writeln!(text, "  on_failure = {target}");
        }
        if topics > 0 && rng.chance(30) {
            let _ = writeln!(text, "  dead_letter = t{}", rng.below(topics));
        }
        for _ in 0..rng.below(6) {
            let bucket = rng.below(buckets);
            let verb = verbs[rng.below(verbs.len())];
            let prefix = prefixes[rng.below(prefixes.len())];
            let _ = writeln!(text, "  {verb} b{bucket}{prefix}");
        }
        if f > 0 && rng.chance(40) {
            let _ = writeln!(text, "  invoke f{}", rng.below(f));
        }
        if topics > 0 && rng.chance(30) {
            let _ = writeln!(text, "  publish t{}", rng.below(topics));
        }
        if queues > 0 && rng.chance(30) {
            let _ = writeln!(text, "  send q{}", rng.below(queues));
        }
        text.push_str("}\n");
    }
    for s in 0..rng.below(3) {
        let _ = writeln!(
            text,
            "schedule s{s} {{ every = 24h  invoke = f{} }}",
            rng.below(functions)
        );
    }
    text
}

#[test]
fn generated_programs_are_proven_on_both_targets() {
    let options = Options {
        targets: Target::ALL.to_vec(),
        today: today(),
        deny_warnings: false,
        set: BTreeMap::new(),
    };
    let mut roles = 0;
    let mut features: BTreeMap<&str, usize> = BTreeMap::new();
    for seed in 0..64 {
        let text = generated(seed);
        for feature in [
            "replicate_to",
            "existing",
            "key =",
            "encryption = kms",
            "on_failure",
            "dead_letter",
            "invoke f",
            "publish",
            "send",
            "schedule",
            "list_versions",
            "delete_versions",
            "\"daily/\"",
        ] {
            *features.entry(feature).or_default() += usize::from(text.contains(feature));
        }
        let mut sources = SourceMap::new();
        sources.add(format!("gen{seed}.dr"), text.clone());
        let compilation = drc::compile(&sources, &options, &Handler);
        assert!(
            compilation.succeeded(),
            "seed {seed}:\n{text}\n{}",
            drc::render(&compilation.diagnostics, &sources, false)
        );
        let report = drc::verify::verify(&outputs(&compilation)).expect("readable");
        assert!(report.proven(), "seed {seed}:\n{text}\n{report:#?}");
        roles += report.roles;
    }
    assert!(roles > 150, "{roles} roles: the generator makes too little");
    // Every feature the generator knows appears in several programs.
    assert!(features.values().all(|&n| n >= 3), "{features:?}");
}

#[test]
fn a_schedule_role_sending_to_another_queue_is_caught() {
    let (_, compilation) = example();
    // The role may send to the function's failure queue instead of its own dead-letter queue.
    let mutated = mutate(&outputs(&compilation), ".cfn.yaml", |t| {
        once(
            t,
            "            - sqs:SendMessage\n            Resource: !GetAtt NightlyScheduleDeadLetters.Arn",
            "            - sqs:SendMessage\n            Resource: !GetAtt FailedRunsQueue.Arn",
        )
    });
    let report = caught(&mutated);
    assert!(
        has(
            &report,
            Kind::OverGrant,
            "sqs:SendMessage",
            "<queue failed_runs>"
        ),
        "{report:#?}"
    );
    assert!(
        has(
            &report,
            Kind::UnderGrant,
            "sqs:SendMessage",
            "<dead-letter queue of schedule nightly>"
        ),
        "{report:#?}"
    );
}

#[test]
fn a_schedule_naming_another_dead_letter_queue_is_not_proven() {
    let (_, compilation) = example();
    // The schedule and its role both name the failure queue: consistent with each other, but
    // not the schedule's own queue, so `drc verify` (which reads the templates alone) refuses.
    let mutated = mutate(&outputs(&compilation), ".tf.json", |t| {
        let t = once(
            t,
            "\"dead_letter_config\": {\n            \"arn\": \"${aws_sqs_queue.nightly.arn}\"",
            "\"dead_letter_config\": {\n            \"arn\": \"${aws_sqs_queue.failed_runs.arn}\"",
        );
        once(
            &t,
            "\"sqs:SendMessage\"\n            ],\n            \"resources\": [\n              \"${aws_sqs_queue.nightly.arn}\"",
            "\"sqs:SendMessage\"\n            ],\n            \"resources\": [\n              \"${aws_sqs_queue.failed_runs.arn}\"",
        )
    });
    let report = drc::verify::verify(&mutated).expect("readable");
    assert!(!report.proven(), "{report:#?}");
    assert!(
        report.problems.iter().any(|p| p.message
            == "schedule nightly sends the runs it failed to invoke to arn:{partition}:sqs:{region}:{account}:<queue failed_runs>, which is not its own dead-letter queue"),
        "{:#?}",
        report.problems
    );
}

#[test]
fn an_owner_override_without_a_replica_in_another_account_is_an_over_grant() {
    let (_, compilation) =
        build(&root().join("tests/fixtures/valid/bucket_replication_other_account/input.dr"));
    let outputs = outputs(&compilation);
    assert!(drc::verify::verify(&outputs).expect("readable").proven());
    // Without the owner override in the replication, nothing entitles the role's
    // s3:ObjectOwnerOverrideToBucketOwner.
    let mutated = mutate(&outputs, ".cfn.yaml", |t| {
        once(
            t,
            "            AccessControlTranslation:\n              Owner: Destination\n",
            "",
        )
    });
    let report = caught(&mutated);
    assert!(
        has(
            &report,
            Kind::OverGrant,
            "s3:ObjectOwnerOverrideToBucketOwner",
            "acme-backup-vault/"
        ),
        "{report:#?}"
    );
}
