//! The permission table checked against AWS's own data: the IAM database parliament ships
//! (`iam_definition.json`, generated from the Service Authorization Reference), read from the
//! path in `DRC_IAM_DEFINITION`. `.ci/install-validators.sh` installs it; `.ci/run` sets the
//! variable. It is a test oracle only: nothing in `src/` reads it.
//!
//! Checked:
//! - every action in the table (`VERBS`, with their KMS actions, and `LOG_ACTIONS`) exists,
//!   spelled as AWS spells it, so an unused row is covered too;
//! - every action drc emits, in every example and every valid and warning fixture, is granted
//!   on a resource type the action accepts (`Resource::iam_type`);
//! - every verb of the table, and every action of its rows, is exercised by some program,
//!   so the check is never vacuous;
//! - every ARN the CloudFormation emitter spells out (`!Sub arn:...`) has the shape AWS gives
//!   the statement's resource type (ARNs from `!GetAtt` come from AWS itself).
//!
//! Without the variable the test fails under CI (`CI` set) and is skipped loudly elsewhere.

use crate::support::root;
use drc::iam::actions::LOG_ACTIONS;
use drc::iam::{Cause, VERBS};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// What AWS says about actions: `s3:GetObject` -> resource types it accepts (`object`).
struct Oracle {
    actions: BTreeMap<String, BTreeSet<String>>,
    /// (service prefix, resource type) -> ARN format: `arn:${Partition}:s3:::${BucketName}`.
    resource_types: BTreeMap<(String, String), String>,
}

impl Oracle {
    /// Loads the database from `DRC_IAM_DEFINITION`; `None` (after a loud message) when the
    /// variable is unset outside CI.
    fn load() -> Option<Oracle> {
        let Some(path) = std::env::var_os("DRC_IAM_DEFINITION") else {
            assert!(
                std::env::var_os("CI").is_none(),
                "DRC_IAM_DEFINITION is not set under CI: the action table would go unchecked \
                 (run .ci/install-validators.sh and point the variable at parliament's \
                 iam_definition.json)"
            );
            // Straight to stderr, past the test harness's capture, so the skip is seen.
            let _ = writeln!(
                std::io::stderr(),
                "\n\
                 ************************************************************************\n\
                 SKIPPED: the action table was NOT checked against AWS's IAM data.\n\
                 Set DRC_IAM_DEFINITION to parliament's iam_definition.json, e.g.\n\
                 DRC_IAM_DEFINITION=/tmp/validators/venv/lib/python3.11/site-packages/\
                 parliament/iam_definition.json cargo test --test drc oracle\n\
                 ************************************************************************\n"
            );
            return None;
        };
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", Path::new(&path).display()));
        let services: serde_json::Value =
            serde_json::from_str(&text).expect("iam_definition.json is JSON");
        let mut oracle = Oracle {
            actions: BTreeMap::new(),
            resource_types: BTreeMap::new(),
        };
        // A prefix can appear in several service entries (`iam` does): merge them.
        for service in services.as_array().expect("a list of services") {
            let prefix = service["prefix"].as_str().expect("services have a prefix");
            for privilege in service["privileges"].as_array().expect("privileges") {
                let name = privilege["privilege"].as_str().expect("privilege name");
                let types = oracle
                    .actions
                    .entry(format!("{prefix}:{name}"))
                    .or_default();
                for resource_type in privilege["resource_types"].as_array().expect("types") {
                    let resource_type = resource_type["resource_type"].as_str().expect("name");
                    // `object*` marks a required type; `` (empty) means "any resource".
                    let resource_type = resource_type.trim_end_matches('*');
                    if !resource_type.is_empty() {
                        types.insert(resource_type.to_owned());
                    }
                }
            }
            for resource in service["resources"].as_array().expect("resources") {
                let name = resource["resource"].as_str().expect("resource name");
                let arn = resource["arn"].as_str().expect("ARN format");
                oracle
                    .resource_types
                    .insert((prefix.to_owned(), name.to_owned()), arn.to_owned());
            }
        }
        assert!(
            oracle.actions.len() > 1000 && oracle.actions.contains_key("s3:GetObject"),
            "{} does not look like parliament's IAM database ({} actions)",
            Path::new(&path).display(),
            oracle.actions.len()
        );
        Some(oracle)
    }

    /// Why an action is unknown, with the nearest spellings AWS has.
    fn unknown(&self, action: &str) -> Option<String> {
        if self.actions.contains_key(action) {
            return None;
        }
        let near: Vec<&String> = self
            .actions
            .keys()
            .filter(|known| strsim_close(known, action))
            .collect();
        Some(format!(
            "`{action}` is not an IAM action AWS knows (case matters); nearest: {near:?}"
        ))
    }
}

/// Same service and case-insensitively equal, or within two edits.
fn strsim_close(known: &str, action: &str) -> bool {
    let same_service = known.split(':').next() == action.split(':').next();
    same_service && (known.eq_ignore_ascii_case(action) || strsim::levenshtein(known, action) <= 2)
}

/// Every program drc is expected to compile: the examples and the valid and warning
/// fixtures.
fn programs() -> Vec<PathBuf> {
    let mut paths = Vec::new();
    let examples = std::fs::read_dir(root().join("examples")).expect("examples/ exists");
    for entry in examples {
        let path = entry.expect("readable entry").path();
        if path.extension().is_some_and(|e| e == "dr") {
            paths.push(path);
        }
    }
    for area in ["valid", "warnings"] {
        let cases = std::fs::read_dir(root().join("tests/fixtures").join(area)).expect("area");
        for entry in cases {
            let path = entry.expect("readable entry").path().join("input.dr");
            if path.is_file() {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
}

#[test]
fn every_action_in_the_table_exists_in_aws() {
    let Some(oracle) = Oracle::load() else { return };
    let mut problems = Vec::new();
    let mut checked = 0;
    for rule in VERBS {
        for action in rule.actions.iter().chain(rule.kms_actions) {
            checked += 1;
            if let Some(problem) = oracle.unknown(action) {
                problems.push(format!("verb `{}`: {problem}", rule.keyword()));
            }
        }
    }
    for action in LOG_ACTIONS {
        checked += 1;
        if let Some(problem) = oracle.unknown(action) {
            problems.push(format!("LOG_ACTIONS: {problem}"));
        }
    }
    assert!(checked > 0, "the table is empty");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_emitted_action_is_granted_on_a_resource_type_it_accepts() {
    let Some(oracle) = Oracle::load() else { return };
    let mut problems = BTreeSet::new();
    let mut pairs: BTreeSet<(&'static str, String)> = BTreeSet::new();
    let mut verbs_used: BTreeSet<String> = BTreeSet::new();
    for path in programs() {
        let display = path
            .strip_prefix(root())
            .unwrap_or(&path)
            .display()
            .to_string();
        let (sources, analyses, diagnostics) = crate::support::analyze_file(&path, &display);
        assert!(
            analyses.len() == 1 && !drc::diagnostics::has_errors(&diagnostics),
            "{display} does not compile:\n{}",
            drc::render(&diagnostics, &sources, false)
        );
        for role in analyses[0].policies.roles() {
            for statement in &role.statements {
                let (service, resource_type) = statement.resource.iam_type();
                assert!(
                    oracle
                        .resource_types
                        .contains_key(&(service.to_owned(), resource_type.to_owned())),
                    "{display}: `iam_type` of {:?} is ({service}, {resource_type}), which is \
                     not a resource type of {service} in AWS's data",
                    statement.resource
                );
                for action in &statement.actions {
                    pairs.insert((action.name, format!("{service}:{resource_type}")));
                    for cause in &action.causes {
                        if let Cause::Verb(span) = cause {
                            let text = sources.get(span.file).slice(*span);
                            let keyword = text.split_whitespace().next().unwrap_or_default();
                            verbs_used.insert(keyword.to_owned());
                        }
                    }
                    if let Some(problem) = oracle.unknown(action.name) {
                        problems.insert(format!(
                            "{display}: {} ({}): {problem}",
                            role.owner.describe(),
                            statement.sid
                        ));
                        continue;
                    }
                    let accepted = &oracle.actions[action.name];
                    if !action.name.starts_with(&format!("{service}:"))
                        || !accepted.contains(resource_type)
                    {
                        problems.insert(format!(
                            "{display}: {} statement {}: `{}` is granted on a {service} \
                             `{resource_type}`, but AWS accepts it only on {accepted:?}",
                            role.owner.describe(),
                            statement.sid,
                            action.name
                        ));
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{}",
        problems.into_iter().collect::<Vec<_>>().join("\n")
    );
    assert!(
        !pairs.is_empty(),
        "no (action, resource type) pair was checked"
    );
    let unused: Vec<&str> = VERBS
        .iter()
        .map(drc::iam::VerbRule::keyword)
        .filter(|keyword| !verbs_used.contains(*keyword))
        .collect();
    assert!(
        unused.is_empty(),
        "verbs no example or fixture uses, so their emitted resource types go unchecked: \
         {unused:?}; add them to a valid fixture"
    );
    // Every action of the table, KMS ones included, was emitted somewhere and so checked.
    let emitted: BTreeSet<&str> = pairs.iter().map(|(action, _)| *action).collect();
    let unexercised: Vec<&str> = VERBS
        .iter()
        .flat_map(|rule| rule.actions.iter().chain(rule.kms_actions))
        .chain(LOG_ACTIONS)
        .copied()
        .filter(|action| !emitted.contains(action))
        .collect();
    assert!(
        unexercised.is_empty(),
        "table actions no example or fixture emits (use the verb on a plain and on a \
         KMS-encrypted bucket in a valid fixture): {unexercised:?}"
    );
    eprintln!(
        "oracle: {} (action, resource type) pairs checked: {pairs:?}",
        pairs.len()
    );
}

/// A piece of an ARN format: literal text, or a `${Variable}` matching one or more
/// characters.
#[derive(Debug)]
enum Piece {
    Text(String),
    Variable,
}

/// Splits `arn:${Partition}:s3:::${BucketName}` into its pieces.
fn pieces(format: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut rest = format;
    while let Some(start) = rest.find("${") {
        if start > 0 {
            pieces.push(Piece::Text(rest[..start].to_owned()));
        }
        pieces.push(Piece::Variable);
        let end = rest[start..].find('}').expect("a closed ${...}") + start;
        rest = &rest[end + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest.to_owned()));
    }
    pieces
}

/// Whether `text` has the shape `pieces` describe.
fn fits(pieces: &[Piece], text: &str) -> bool {
    match pieces.split_first() {
        None => text.is_empty(),
        Some((Piece::Text(literal), rest)) => text
            .strip_prefix(literal.as_str())
            .is_some_and(|after| fits(rest, after)),
        Some((Piece::Variable, rest)) => (1..=text.len())
            .filter(|&n| text.is_char_boundary(n))
            .any(|n| fits(rest, &text[n..])),
    }
}

/// The `!Sub` resource of each statement (by Sid) of a function's role, inline or in managed
/// policies attached to it.
fn spelled_out_arns(template: &serde_norway::Value, role_id: &str) -> BTreeMap<String, String> {
    use serde_norway::Value;
    let mut documents = Vec::new();
    let resources = template["Resources"].as_mapping().expect("resources");
    if let Some(policies) = resources[role_id]["Properties"]["Policies"].as_sequence() {
        documents.extend(policies.iter().map(|p| &p["PolicyDocument"]));
    }
    for resource in resources.values() {
        let attached = resource["Properties"]["Roles"]
            .as_sequence()
            .is_some_and(|roles| {
                roles
                    .iter()
                    .any(|r| matches!(r, Value::Tagged(t) if t.tag == "Ref" && t.value == role_id))
            });
        if resource["Type"] == "AWS::IAM::ManagedPolicy" && attached {
            documents.push(&resource["Properties"]["PolicyDocument"]);
        }
    }
    let mut arns = BTreeMap::new();
    for document in documents {
        for statement in document["Statement"].as_sequence().expect("statements") {
            let arn = match &statement["Resource"] {
                Value::Tagged(t) if t.tag == "Sub" => t.value.as_str(),
                _ => None,
            };
            if let Some(arn) = arn.filter(|a| a.starts_with("arn:")) {
                let sid = statement["Sid"].as_str().expect("sid").to_owned();
                arns.insert(sid, arn.to_owned());
            }
        }
    }
    arns
}

#[test]
fn arns_drc_spells_out_have_the_shape_aws_gives_their_resource_type() {
    let Some(oracle) = Oracle::load() else { return };
    let mut checked = 0;
    let mut problems = Vec::new();
    for path in programs() {
        let display = path
            .strip_prefix(root())
            .unwrap_or(&path)
            .display()
            .to_string();
        let (_, compilation) = crate::support::compile_file(&path, &display);
        // A split stack has a root template and nested ones: each role is in one of them.
        let templates: Vec<serde_norway::Value> = compilation.stacks[0]
            .artifacts
            .iter()
            .filter(|a| a.file_name.ends_with(".cfn.yaml"))
            .map(|a| serde_norway::from_slice(&a.bytes).expect("valid YAML"))
            .collect();
        let (_, analyses, _) = crate::support::analyze_file(&path, &display);
        for role in analyses[0].policies.roles() {
            // Only function roles have a logical ID this test knows how to find.
            let Some(function) = role
                .owner
                .describe()
                .strip_prefix("function ")
                .map(str::to_owned)
            else {
                continue;
            };
            let role_id = drc::emit::LogicalIds::role(&function);
            let template = templates
                .iter()
                .find(|t| t["Resources"].get(&role_id).is_some())
                .unwrap_or_else(|| panic!("{display}: no template holds {role_id}"));
            let arns = spelled_out_arns(template, &role_id);
            for statement in &role.statements {
                let Some(arn) = arns.get(&statement.sid) else {
                    continue;
                };
                let (service, resource_type) = statement.resource.iam_type();
                let format =
                    &oracle.resource_types[&(service.to_owned(), resource_type.to_owned())];
                checked += 1;
                if !fits(&pieces(format), &pieces_to_placeholders(arn)) {
                    problems.push(format!(
                        "{display}: function {function} statement {}: `{arn}` does not have \
                         the shape of a {service} `{resource_type}` ARN, `{format}`",
                        statement.sid
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked > 0, "no spelled-out ARN was checked");
}

/// A `!Sub` template with every `${...}` replaced by one placeholder character, which an
/// ARN format's variable matches.
fn pieces_to_placeholders(template: &str) -> String {
    pieces(template)
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(text) => text,
            Piece::Variable => "V".to_owned(),
        })
        .collect()
}

#[test]
fn the_proofs_action_table_is_the_one_aws_publishes() {
    // src/verify/actions.rs, generated by .ci/gen-actions.py, against the database it was
    // generated from: the same actions, each with the same resource types.
    let Some(oracle) = Oracle::load() else { return };
    let services = drc::verify::actions::SERVICES;
    let ours: BTreeMap<String, BTreeSet<String>> = drc::verify::actions::ACTIONS
        .iter()
        .map(|row| {
            let types = row.resource_types.iter().map(|t| (*t).to_owned()).collect();
            (row.name.to_owned(), types)
        })
        .collect();
    let theirs: BTreeMap<String, BTreeSet<String>> = oracle
        .actions
        .iter()
        .filter(|(name, _)| services.iter().any(|s| name.starts_with(&format!("{s}:"))))
        .map(|(name, types)| (name.clone(), types.clone()))
        .collect();
    let missing: Vec<&String> = theirs.keys().filter(|a| !ours.contains_key(*a)).collect();
    let extra: Vec<&String> = ours.keys().filter(|a| !theirs.contains_key(*a)).collect();
    let changed: Vec<&String> = ours
        .iter()
        .filter(|(name, types)| theirs.get(*name).is_some_and(|t| t != *types))
        .map(|(name, _)| name)
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty() && changed.is_empty(),
        "src/verify/actions.rs is out of date (run python3 .ci/gen-actions.py): \
         missing {missing:?}, not in AWS's data {extra:?}, other resource types {changed:?}"
    );
}
