//! Least privilege, checked on the permission table and on what the templates say.

use crate::support::{artifact_text, compile_file, root};
use drc::iam::{Scope, VERBS, Verb};
use std::collections::BTreeSet;

/// Actions no `put` may ever carry: deleting data or changing how the bucket keeps it.
const NEVER_FROM_PUT: &[&str] = &[
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:PutObjectAcl",
    "s3:PutObjectVersionAcl",
    "s3:PutBucketAcl",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutLifecycleConfiguration",
    "s3:PutBucketVersioning",
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutObjectRetention",
    "s3:BypassGovernanceRetention",
    "s3:PutEncryptionConfiguration",
    "s3:DeleteBucket",
    "kms:ScheduleKeyDeletion",
    "kms:DisableKey",
    "kms:PutKeyPolicy",
];

#[test]
fn the_table_has_no_wildcards_and_puts_each_action_on_its_resource_type() {
    for rule in VERBS {
        for action in rule.actions.iter().chain(rule.kms_actions) {
            assert!(!action.contains('*'), "{}: {action}", rule.keyword);
            assert!(
                action
                    .split_once(':')
                    .is_some_and(|(s, a)| !s.is_empty() && !a.is_empty())
            );
        }
        match rule.scope {
            // ListBucket is the only bucket-level action; everything else on objects.
            Scope::Bucket => assert_eq!(rule.actions, ["s3:ListBucket"], "{}", rule.keyword),
            Scope::Objects => assert!(
                rule.actions
                    .iter()
                    .all(|a| a.starts_with("s3:") && a.ends_with("Object")),
                "{}: {:?}",
                rule.keyword,
                rule.actions
            ),
            Scope::Function => assert!(rule.actions.iter().all(|a| a.starts_with("lambda:"))),
        }
    }
}

#[test]
fn put_never_grants_delete_or_configuration() {
    let put = drc::iam::actions::rule(Verb::Put);
    for action in put.actions.iter().chain(put.kms_actions) {
        assert!(!NEVER_FROM_PUT.contains(action), "put grants {action}");
    }
    assert_eq!(put.actions, ["s3:PutObject"]);
}

/// (action, resource) pairs of one role, read back from the CloudFormation template.
fn cfn_grants(cfn: &str, role: &str) -> BTreeSet<(String, String)> {
    let template: serde_norway::Value = serde_norway::from_str(cfn).expect("valid YAML");
    let policies = template["Resources"][role]["Properties"]["Policies"]
        .as_sequence()
        .expect("inline policies");
    let mut grants = BTreeSet::new();
    for policy in policies {
        for statement in policy["PolicyDocument"]["Statement"]
            .as_sequence()
            .expect("statements")
        {
            assert_eq!(statement["Effect"], "Allow");
            let resource = match &statement["Resource"] {
                serde_norway::Value::Tagged(t) => {
                    format!("{} {}", t.tag, t.value.as_str().expect("string"))
                }
                other => panic!("resource is not an intrinsic: {other:?}"),
            };
            for action in statement["Action"].as_sequence().expect("action list") {
                grants.insert((
                    action.as_str().expect("string").to_owned(),
                    resource.clone(),
                ));
            }
        }
    }
    grants
}

/// (action, resource) pairs of one role policy document, read back from Terraform JSON.
fn tf_grants(tf: &str, document: &str) -> BTreeSet<(String, String)> {
    let config: serde_json::Value = serde_json::from_str(tf).expect("valid JSON");
    let mut grants = BTreeSet::new();
    for statement in config["data"]["aws_iam_policy_document"][document]["statement"]
        .as_array()
        .expect("statements")
    {
        assert_eq!(statement["effect"], "Allow");
        let resources = statement["resources"].as_array().expect("resources");
        for action in statement["actions"].as_array().expect("actions") {
            for resource in resources {
                grants.insert((
                    action.as_str().expect("string").to_owned(),
                    resource.as_str().expect("string").to_owned(),
                ));
            }
        }
    }
    grants
}

fn set(pairs: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    pairs
        .iter()
        .map(|(a, r)| ((*a).to_owned(), (*r).to_owned()))
        .collect()
}

#[test]
fn backup_function_can_list_and_read_the_source_and_put_daily_backups_and_nothing_else() {
    let (_, compilation) = compile_file(
        &root().join("examples/disaster_recovery.dr"),
        "disaster_recovery.dr",
    );
    let cfn = artifact_text(&compilation, ".cfn.yaml");
    let tf = artifact_text(&compilation, ".tf.json");
    let logs = "!Sub arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${BackupFunctionLogGroup}:log-stream:*";
    assert_eq!(
        cfn_grants(&cfn, "BackupFunctionRole"),
        set(&[
            ("s3:ListBucket", "!GetAtt AppDataBucket.Arn"),
            ("s3:GetObject", "!Sub ${AppDataBucket.Arn}/*"),
            ("s3:PutObject", "!Sub ${BackupsBucket.Arn}/daily/*"),
            ("kms:GenerateDataKey", "!GetAtt BackupsBucketKey.Arn"),
            ("kms:Decrypt", "!GetAtt BackupsBucketKey.Arn"),
            ("logs:CreateLogStream", logs),
            ("logs:PutLogEvents", logs),
        ])
    );
    let tf_logs = "${aws_cloudwatch_log_group.backup.arn}:log-stream:*";
    assert_eq!(
        tf_grants(&tf, "role_backup"),
        set(&[
            ("s3:ListBucket", "${aws_s3_bucket.app_data.arn}"),
            ("s3:GetObject", "${aws_s3_bucket.app_data.arn}/*"),
            ("s3:PutObject", "${aws_s3_bucket.backups.arn}/daily/*"),
            ("kms:GenerateDataKey", "${aws_kms_key.backups.arn}"),
            ("kms:Decrypt", "${aws_kms_key.backups.arn}"),
            ("logs:CreateLogStream", tf_logs),
            ("logs:PutLogEvents", tf_logs),
        ])
    );
}

#[test]
fn every_role_in_every_example_is_free_of_wildcard_actions_and_star_resources() {
    for name in ["disaster_recovery", "log_archive", "report_fanout"] {
        let (_, compilation) = compile_file(&root().join(format!("examples/{name}.dr")), "x.dr");
        let tf = artifact_text(&compilation, ".tf.json");
        let config: serde_json::Value = serde_json::from_str(&tf).expect("valid JSON");
        let documents = config["data"]["aws_iam_policy_document"]
            .as_object()
            .expect("documents");
        let mut roles = 0;
        for (document, body) in documents.iter().filter(|(n, _)| n.starts_with("role_")) {
            roles += 1;
            for (action, resource) in tf_grants(&tf, document) {
                assert!(!action.contains('*'), "{name}/{document}: {action}");
                assert_ne!(resource, "*", "{name}/{document}: {action}");
            }
            assert!(body["statement"].as_array().is_some_and(|s| !s.is_empty()));
        }
        let functions = config["resource"]["aws_lambda_function"]
            .as_object()
            .expect("functions")
            .len();
        assert_eq!(roles, functions, "{name}: one role per function");
    }
}

#[test]
fn list_with_a_prefix_is_conditioned_on_that_prefix() {
    let (_, compilation) = compile_file(&root().join("examples/log_archive.dr"), "log_archive.dr");
    let tf = artifact_text(&compilation, ".tf.json");
    let config: serde_json::Value = serde_json::from_str(&tf).expect("valid JSON");
    let statements = config["data"]["aws_iam_policy_document"]["role_archiver"]["statement"]
        .as_array()
        .expect("statements");
    let list = statements
        .iter()
        .find(|s| s["actions"][0] == "s3:ListBucket")
        .expect("a list statement");
    assert_eq!(list["resources"][0], "${aws_s3_bucket.logs.arn}");
    assert_eq!(list["condition"][0]["test"], "StringLike");
    assert_eq!(list["condition"][0]["variable"], "s3:prefix");
    assert_eq!(list["condition"][0]["values"][0], "app/*");
}

#[test]
fn replication_role_reads_the_source_writes_the_replica_and_never_replicates_deletes() {
    let (_, compilation) = compile_file(
        &root().join("tests/fixtures/valid/bucket_replication/input.dr"),
        "input.dr",
    );
    let tf = artifact_text(&compilation, ".tf.json");
    let source = "${aws_s3_bucket.backups.arn}";
    let source_objects = "${aws_s3_bucket.backups.arn}/*";
    let replica_objects = "${aws_s3_bucket.replica.arn}/*";
    assert_eq!(
        tf_grants(&tf, "replication_backups"),
        set(&[
            ("s3:GetReplicationConfiguration", source),
            ("s3:ListBucket", source),
            ("s3:GetObjectVersionAcl", source_objects),
            ("s3:GetObjectVersionForReplication", source_objects),
            ("s3:GetObjectVersionTagging", source_objects),
            ("s3:ReplicateObject", replica_objects),
            ("s3:ReplicateTags", replica_objects),
        ])
    );
    let cfn = artifact_text(&compilation, ".cfn.yaml");
    let template: serde_norway::Value = serde_norway::from_str(&cfn).expect("valid YAML");
    let rule = &template["Resources"]["BackupsBucket"]["Properties"]["ReplicationConfiguration"]["Rules"]
        [0];
    assert_eq!(rule["DeleteMarkerReplication"]["Status"], "Disabled");
    assert!(!cfn.contains("s3:ReplicateDelete"));
}

#[test]
fn existing_buckets_are_granted_on_their_exact_arns_and_never_emitted() {
    let (_, compilation) = compile_file(
        &root().join("tests/fixtures/valid/bucket_existing/input.dr"),
        "input.dr",
    );
    let tf = artifact_text(&compilation, ".tf.json");
    let grants = tf_grants(&tf, "role_backup");
    for expected in [
        ("s3:ListBucket", "arn:aws:s3:::acme-production-data"),
        (
            "s3:GetObject",
            "arn:aws:s3:::acme-production-data/exports/*",
        ),
        ("s3:GetObject", "arn:aws:s3:::acme-archive/*"),
        (
            "kms:Decrypt",
            "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        ),
    ] {
        assert!(
            grants.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "missing {expected:?} in {grants:?}"
        );
    }
    let config: serde_json::Value = serde_json::from_str(&tf).expect("valid JSON");
    let buckets = config["resource"]["aws_s3_bucket"]
        .as_object()
        .expect("buckets");
    assert_eq!(buckets.keys().collect::<Vec<_>>(), ["backups"]);
    let cfn = artifact_text(&compilation, ".cfn.yaml");
    assert!(!cfn.contains("SourceBucket:") && !cfn.contains("ArchiveBucket:"));
}
