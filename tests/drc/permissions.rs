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

/// S3 actions whose resource type is `bucket`, from the Service Authorization Reference
/// (<https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html>).
const BUCKET_ACTIONS: &[&str] = &["s3:ListBucket", "s3:ListBucketVersions"];

/// S3 actions whose resource type is `object`, from the same page.
const OBJECT_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:GetObjectVersion",
    "s3:DeleteObjectVersion",
    "s3:GetObjectTagging",
    "s3:PutObjectTagging",
];

/// Every verb grants exactly one S3 or Lambda action: verbs are the unit of least privilege.
#[test]
fn every_verb_grants_one_action_and_no_two_verbs_the_same() {
    let mut seen = BTreeSet::new();
    for rule in VERBS {
        assert_eq!(rule.actions.len(), 1, "{}", rule.keyword());
        assert!(
            seen.insert(rule.actions[0]),
            "{} repeats an action",
            rule.keyword()
        );
    }
}

#[test]
fn the_table_has_no_wildcards_and_puts_each_action_on_its_resource_type() {
    for rule in VERBS {
        for action in rule.actions.iter().chain(rule.kms_actions) {
            assert!(!action.contains('*'), "{}: {action}", rule.keyword());
            assert!(
                action
                    .split_once(':')
                    .is_some_and(|(s, a)| !s.is_empty() && !a.is_empty())
            );
        }
        match rule.scope {
            Scope::Bucket => assert!(
                rule.actions.iter().all(|a| BUCKET_ACTIONS.contains(a)),
                "{}: {:?}",
                rule.keyword(),
                rule.actions
            ),
            Scope::Objects => assert!(
                rule.actions.iter().all(|a| OBJECT_ACTIONS.contains(a)),
                "{}: {:?}",
                rule.keyword(),
                rule.actions
            ),
            Scope::Function => assert!(rule.actions.iter().all(|a| a.starts_with("lambda:"))),
            // Publishing and sending only add messages: never read, delete or configure.
            Scope::Topic => assert_eq!(rule.actions, ["sns:Publish"], "{}", rule.keyword()),
            Scope::Queue => assert_eq!(rule.actions, ["sqs:SendMessage"], "{}", rule.keyword()),
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
    document_grants(policies.iter().map(|p| &p["PolicyDocument"]))
}

/// (action, resource) pairs of one `AWS::IAM::RolePolicy`, read back from the template.
fn cfn_role_policy_grants(cfn: &str, policy: &str) -> BTreeSet<(String, String)> {
    let template: serde_norway::Value = serde_norway::from_str(cfn).expect("valid YAML");
    let resource = &template["Resources"][policy];
    assert_eq!(resource["Type"], "AWS::IAM::RolePolicy");
    document_grants([&resource["Properties"]["PolicyDocument"]].into_iter())
}

/// (action, resource) pairs of CloudFormation policy documents, each resource written as
/// `Tag value` for an intrinsic function.
fn document_grants<'v>(
    documents: impl Iterator<Item = &'v serde_norway::Value>,
) -> BTreeSet<(String, String)> {
    let mut grants = BTreeSet::new();
    for document in documents {
        for statement in document["Statement"].as_sequence().expect("statements") {
            assert_eq!(statement["Effect"], "Allow");
            let resource = match &statement["Resource"] {
                serde_norway::Value::Tagged(t) => {
                    format!("{} {}", t.tag, t.value.as_str().expect("string"))
                }
                // Only resources outside the stack (an existing function, bucket or a key
                // of another account) are named by a literal ARN.
                serde_norway::Value::String(arn)
                    if arn.starts_with("arn:aws:lambda:")
                        || arn.starts_with("arn:aws:s3:::")
                        || arn.starts_with("arn:aws:kms:") =>
                {
                    arn.clone()
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
            ("s3:ListBucket", "arn:aws:s3:::acme-app-data"),
            ("s3:GetObject", "arn:aws:s3:::acme-app-data/*"),
            ("s3:PutObject", "!Sub ${BackupsBucket.Arn}/daily/*"),
            ("kms:GenerateDataKey", "!GetAtt BackupsBucketKey.Arn"),
            ("kms:Decrypt", "!GetAtt BackupsBucketKey.Arn"),
            ("sqs:SendMessage", "!GetAtt FailedRunsQueue.Arn"),
            ("logs:CreateLogStream", logs),
            ("logs:PutLogEvents", logs),
        ])
    );
    let tf_logs = "${aws_cloudwatch_log_group.backup.arn}:log-stream:*";
    assert_eq!(
        tf_grants(&tf, "role_backup"),
        set(&[
            ("s3:ListBucket", "arn:aws:s3:::acme-app-data"),
            ("s3:GetObject", "arn:aws:s3:::acme-app-data/*"),
            ("s3:PutObject", "${aws_s3_bucket.backups.arn}/daily/*"),
            ("kms:GenerateDataKey", "${aws_kms_key.backups.arn}"),
            ("kms:Decrypt", "${aws_kms_key.backups.arn}"),
            ("sqs:SendMessage", "${aws_sqs_queue.failed_runs.arn}"),
            ("logs:CreateLogStream", tf_logs),
            ("logs:PutLogEvents", tf_logs),
        ])
    );
}

/// The replication role of the example's backups, which replicate to a KMS-encrypted replica
/// in another region: it reads the source's versions and writes replicas, decrypts with the
/// source's key and encrypts with the replica's, and can delete nothing.
#[test]
fn replication_role_reads_the_source_writes_each_copy_and_uses_exactly_their_keys() {
    let (_, compilation) = compile_file(
        &root().join("examples/disaster_recovery.dr"),
        "disaster_recovery.dr",
    );
    let cfn = artifact_text(&compilation, "disaster_recovery.cfn.yaml");
    let tf = artifact_text(&compilation, ".tf.json");
    let source = "!GetAtt BackupsBucket.Arn";
    let versions = "!Sub ${BackupsBucket.Arn}/*";
    let replicas = "!Sub arn:${AWS::Partition}:s3:::${ReplicaBucketName}/*";
    let source_key = "!GetAtt BackupsBucketKey.Arn";
    let replica_key = "!Ref ReplicaBucketKeyArn";
    // The vault, in another account, is named by its literal ARNs on both targets.
    let vault = "arn:aws:s3:::acme-backup-vault/*";
    let vault_key = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let expected = |source, versions, replicas, source_key, replica_key| {
        set(&[
            ("s3:ReplicateObject", vault),
            ("s3:ReplicateTags", vault),
            ("s3:ObjectOwnerOverrideToBucketOwner", vault),
            ("kms:Decrypt", vault_key),
            ("kms:Encrypt", vault_key),
            ("s3:GetReplicationConfiguration", source),
            ("s3:ListBucket", source),
            ("s3:GetObjectVersionForReplication", versions),
            ("s3:GetObjectVersionAcl", versions),
            ("s3:GetObjectVersionTagging", versions),
            ("s3:GetObjectRetention", versions),
            ("s3:GetObjectLegalHold", versions),
            ("s3:ReplicateObject", replicas),
            ("s3:ReplicateTags", replicas),
            ("kms:Decrypt", source_key),
            ("kms:Decrypt", replica_key),
            ("kms:Encrypt", replica_key),
        ])
    };
    assert_eq!(
        cfn_role_policy_grants(&cfn, "BackupsReplicationPolicy"),
        expected(source, versions, replicas, source_key, replica_key)
    );
    assert_eq!(
        tf_grants(&tf, "replication_backups"),
        expected(
            "${aws_s3_bucket.backups.arn}",
            "${aws_s3_bucket.backups.arn}/*",
            "${aws_s3_bucket.replica.arn}/*",
            "${aws_kms_key.backups.arn}",
            "${aws_kms_key.replica.arn}",
        )
    );
    // Each key is used only through S3 in its own bucket's region.
    let template: serde_norway::Value = serde_norway::from_str(&cfn).expect("valid YAML");
    let statements = template["Resources"]["BackupsReplicationPolicy"]["Properties"]
        ["PolicyDocument"]["Statement"]
        .as_sequence()
        .expect("statements");
    let via = |sid: &str| {
        let statement = statements
            .iter()
            .find(|s| s["Sid"] == sid)
            .expect("statement");
        serde_norway::to_string(&statement["Condition"]["StringEquals"]["kms:ViaService"])
            .expect("yaml")
    };
    assert_eq!(
        via("BackupsKey").trim(),
        "- !Sub s3.${AWS::Region}.amazonaws.com"
    );
    assert_eq!(via("ReplicaKey").trim(), "- s3.eu-central-1.amazonaws.com");
    assert_eq!(via("VaultKey").trim(), "- s3.eu-west-1.amazonaws.com");
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
        let count = |kind: &str| {
            config["resource"][kind]
                .as_object()
                .map_or(0, serde_json::Map::len)
        };
        assert_eq!(
            roles,
            count("aws_lambda_function") + count("aws_scheduler_schedule"),
            "{name}: one role per function and per schedule"
        );
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

/// Every action of every role statement has at least one cause recorded beside the role
/// (CloudFormation `Metadata`, Terraform `"//"`), naming the file without its directories
/// even when it was compiled under an absolute path.
#[test]
fn every_granted_action_has_provenance_in_both_templates() {
    for name in ["disaster_recovery", "log_archive", "report_fanout"] {
        let path = root().join(format!("examples/{name}.dr"));
        let (_, compilation) = compile_file(&path, &path.to_string_lossy());
        let cfn = artifact_text(&compilation, ".cfn.yaml");
        let template: serde_norway::Value = serde_norway::from_str(&cfn).expect("valid YAML");
        let resources = template["Resources"].as_mapping().expect("resources");
        let mut roles = 0;
        for (id, resource) in resources
            .iter()
            .filter(|(_, r)| r["Type"] == "AWS::IAM::Role")
        {
            roles += 1;
            let provenance = &resource["Metadata"]["drc"]["provenance"];
            // The role's inline policies, and the policies written as resources of their own
            // that name it (a replication role's `AWS::IAM::RolePolicy`).
            let id = id.as_str().expect("logical ID");
            let inline = resource["Properties"]["Policies"]
                .as_sequence()
                .into_iter()
                .flatten();
            let attached = resources.values().filter(|r| {
                r["Type"] == "AWS::IAM::RolePolicy"
                    && matches!(&r["Properties"]["RoleName"], serde_norway::Value::Tagged(t) if t.value.as_str() == Some(id))
            });
            let policies: Vec<&serde_norway::Value> =
                inline.chain(attached.map(|r| &r["Properties"])).collect();
            assert!(!policies.is_empty(), "{name}: {id} has no policy");
            for policy in policies {
                for statement in policy["PolicyDocument"]["Statement"]
                    .as_sequence()
                    .expect("statements")
                {
                    let sid = statement["Sid"].as_str().expect("sid");
                    let actions = statement["Action"].as_sequence().expect("actions");
                    let recorded = provenance[sid].as_mapping().expect("provenance of sid");
                    assert_eq!(recorded.len(), actions.len(), "{name}: {sid}");
                    for action in actions {
                        let causes = recorded[action].as_sequence().expect("causes");
                        assert!(!causes.is_empty(), "{name}: {sid} {action:?}");
                        for cause in causes {
                            let cause = cause.as_str().expect("string");
                            // The file name alone: no directory, never absolute.
                            assert!(cause.starts_with(&format!("{name}.dr:")), "{name}: {cause}");
                        }
                    }
                }
            }
        }
        assert!(roles > 0, "{name}");

        let tf = artifact_text(&compilation, ".tf.json");
        let config: serde_json::Value = serde_json::from_str(&tf).expect("valid JSON");
        for (document, body) in config["data"]["aws_iam_policy_document"]
            .as_object()
            .expect("documents")
            .iter()
            .filter(|(n, _)| n.starts_with("role_"))
        {
            let comment = body["//"].as_str().expect("a provenance comment");
            for (action, _) in tf_grants(&tf, document) {
                assert!(
                    comment.contains(&format!(" {action} <- {name}.dr:")),
                    "{name}/{document}: {action} not in {comment}"
                );
            }
        }
    }
}

/// A Terraform policy document as IAM stores it once deployed, in compact JSON, with every
/// reference replaced by the longest value it can take (the bounds `docs/permissions.md`
/// states).
fn deployed_policy(document: &serde_json::Value, references: &[(&str, String)]) -> String {
    let statements: Vec<serde_json::Value> = document["statement"]
        .as_array()
        .expect("statements")
        .iter()
        .map(|st| {
            let mut out = serde_json::json!({
                "Sid": st["sid"],
                "Effect": st["effect"],
                "Action": st["actions"],
                "Resource": st["resources"][0],
            });
            if let Some(condition) = st["condition"].as_array() {
                let c = &condition[0];
                out["Condition"] = serde_json::json!({
                    c["test"].as_str().expect("test"): { c["variable"].as_str().expect("variable"): c["values"] }
                });
            }
            out
        })
        .collect();
    let mut text = serde_json::to_string(
        &serde_json::json!({ "Version": "2012-10-17", "Statement": statements }),
    )
    .expect("serializes");
    for (reference, value) in references {
        text = text.replace(reference, value);
    }
    assert!(!text.contains("${"), "unreplaced reference in {text}");
    text
}

#[test]
fn a_role_too_large_for_an_inline_policy_gets_managed_policies_with_the_same_statements() {
    let path = root().join("tests/fixtures/valid/policy_split_into_managed_policies/input.dr");
    let (sources, compilation) = compile_file(&path, "input.dr");
    assert!(compilation.diagnostics.is_empty());
    let (analyses, _) = drc::analyze(&sources, crate::support::today());
    let expected: Vec<String> = analyses[0]
        .policies
        .function_role("sorter")
        .statements
        .iter()
        .map(|s| s.sid.clone())
        .collect();

    // CloudFormation: no inline policy; managed policies attached to the role only, holding
    // every statement once, in order; the function waits for them.
    let cfn = artifact_text(&compilation, ".cfn.yaml");
    let template: serde_norway::Value = serde_norway::from_str(&cfn).expect("valid YAML");
    let resources = template["Resources"].as_mapping().expect("resources");
    assert!(
        resources["SorterFunctionRole"]["Properties"]
            .get("Policies")
            .is_none()
    );
    let mut ids = Vec::new();
    let mut sids = Vec::new();
    for (id, resource) in resources {
        if resource["Type"] != "AWS::IAM::ManagedPolicy" {
            continue;
        }
        ids.push(id.as_str().expect("id").to_owned());
        let roles = resource["Properties"]["Roles"]
            .as_sequence()
            .expect("roles");
        assert_eq!(roles.len(), 1);
        assert!(matches!(&roles[0], serde_norway::Value::Tagged(t)
            if t.tag == "Ref" && t.value == "SorterFunctionRole"));
        for statement in resource["Properties"]["PolicyDocument"]["Statement"]
            .as_sequence()
            .expect("statements")
        {
            sids.push(statement["Sid"].as_str().expect("sid").to_owned());
        }
    }
    assert_eq!(ids, ["SorterFunctionPolicy1", "SorterFunctionPolicy2"]);
    assert_eq!(sids, expected);
    let depends_on: Vec<&str> = resources["SorterFunction"]["DependsOn"]
        .as_sequence()
        .expect("depends on")
        .iter()
        .map(|v| v.as_str().expect("id"))
        .collect();
    assert_eq!(depends_on, ids);

    // Terraform: the same split, and each part fits a managed policy even with every
    // deploy-time part of an ARN at its longest, while the whole would not fit inline.
    let tf = artifact_text(&compilation, ".tf.json");
    let config: serde_json::Value = serde_json::from_str(&tf).expect("valid JSON");
    assert!(config["resource"].get("aws_iam_role_policy").is_none());
    let attachments = config["resource"]["aws_iam_role_policy_attachment"]
        .as_object()
        .expect("attachments");
    assert_eq!(attachments.len(), 2);
    for (name, attachment) in attachments {
        assert_eq!(attachment["role"], "${aws_iam_role.sorter.name}");
        assert_eq!(
            attachment["policy_arn"],
            format!("${{aws_iam_policy.{name}.arn}}")
        );
    }
    let x = |n: usize| "x".repeat(n);
    let (partition, region, account) = (x(16), x(20), x(12));
    let references = [
        (
            "${aws_s3_bucket.inbox.arn}",
            format!("arn:{partition}:s3:::{}", x(63)),
        ),
        (
            "${aws_s3_bucket.archive.arn}",
            format!("arn:{partition}:s3:::{}", x(63)),
        ),
        (
            "${aws_kms_key.archive.arn}",
            format!("arn:{partition}:kms:{region}:{account}:key/{}", x(36)),
        ),
        (
            "${aws_cloudwatch_log_group.sorter.arn}",
            format!(
                "arn:{partition}:logs:{region}:{account}:log-group:/aws/lambda/{}-sorter",
                x(128)
            ),
        ),
        ("${data.aws_region.current.region}", region.clone()),
    ];
    let documents = &config["data"]["aws_iam_policy_document"];
    let mut sids = Vec::new();
    let mut whole: Vec<serde_json::Value> = Vec::new();
    for part in ["managed_sorter_1", "managed_sorter_2"] {
        let deployed = deployed_policy(&documents[part], &references);
        assert!(
            deployed.len() <= 6_144,
            "{part}: {} characters",
            deployed.len()
        );
        for statement in documents[part]["statement"].as_array().expect("statements") {
            sids.push(statement["sid"].as_str().expect("sid").to_owned());
            whole.push(statement.clone());
        }
    }
    assert_eq!(sids, expected);
    let inline = deployed_policy(&serde_json::json!({ "statement": whole }), &references);
    assert!(
        inline.len() > 10_240,
        "{} characters fit inline",
        inline.len()
    );
}

#[test]
fn list_and_list_versions_on_one_bucket_keep_their_own_prefixes() {
    let (_, compilation) = compile_file(
        &root().join("tests/fixtures/valid/version_verbs_and_tags/input.dr"),
        "input.dr",
    );
    let tf = artifact_text(&compilation, ".tf.json");
    let config: serde_json::Value = serde_json::from_str(&tf).expect("valid JSON");
    let statements = config["data"]["aws_iam_policy_document"]["role_restore"]["statement"]
        .as_array()
        .expect("statements");
    let on_bucket: Vec<(String, String)> = statements
        .iter()
        .filter(|s| s["resources"][0] == "${aws_s3_bucket.vault.arn}")
        .map(|s| {
            (
                s["actions"].to_string(),
                s["condition"][0]["values"].to_string(),
            )
        })
        .collect();
    assert_eq!(
        on_bucket,
        [
            (
                r#"["s3:ListBucket"]"#.to_owned(),
                r#"["weekly/*"]"#.to_owned()
            ),
            (
                r#"["s3:ListBucketVersions"]"#.to_owned(),
                r#"["daily/*"]"#.to_owned()
            ),
        ]
    );
}

#[test]
fn failure_targets_and_publish_and_send_grant_exactly_their_queue_topic_and_keys() {
    let (_, compilation) = compile_file(
        &root().join("tests/fixtures/valid/failure_handling/input.dr"),
        "input.dr",
    );
    let cfn = artifact_text(&compilation, ".cfn.yaml");
    let tf = artifact_text(&compilation, ".tf.json");
    let logs = "!Sub arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${NightlyFunctionLogGroup}:log-stream:*";
    assert_eq!(
        cfn_grants(&cfn, "NightlyFunctionRole"),
        set(&[
            ("s3:PutObject", "!Sub ${ReportsBucket.Arn}/nightly/*"),
            ("logs:CreateLogStream", logs),
            ("logs:PutLogEvents", logs),
            // `invoke` of functions outside the stack: exactly their ARNs.
            (
                "lambda:InvokeFunction",
                "arn:aws:lambda:eu-west-1:123456789012:function:legacy-report",
            ),
            (
                "lambda:InvokeFunction",
                "!Sub arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:billing-export",
            ),
            // `on_failure = failures` (a KMS queue) and `send work` (an SSE-SQS queue).
            ("sqs:SendMessage", "!GetAtt FailuresQueue.Arn"),
            ("sqs:SendMessage", "!GetAtt WorkQueue.Arn"),
            ("kms:Decrypt", "!GetAtt FailuresQueueKey.Arn"),
            ("kms:GenerateDataKey", "!GetAtt FailuresQueueKey.Arn"),
            // `dead_letter = alerts` and `publish alerts`: topics always have a key.
            ("sns:Publish", "!Ref AlertsTopic"),
            ("kms:Decrypt", "!GetAtt AlertsTopicKey.Arn"),
            ("kms:GenerateDataKey", "!GetAtt AlertsTopicKey.Arn"),
        ])
    );
    let tf_logs = "${aws_cloudwatch_log_group.nightly.arn}:log-stream:*";
    assert_eq!(
        tf_grants(&tf, "role_nightly"),
        set(&[
            ("s3:PutObject", "${aws_s3_bucket.reports.arn}/nightly/*"),
            ("logs:CreateLogStream", tf_logs),
            ("logs:PutLogEvents", tf_logs),
            (
                "lambda:InvokeFunction",
                "arn:aws:lambda:eu-west-1:123456789012:function:legacy-report",
            ),
            (
                "lambda:InvokeFunction",
                "arn:${data.aws_partition.current.partition}:lambda:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:function:billing-export",
            ),
            ("sqs:SendMessage", "${aws_sqs_queue.failures.arn}"),
            ("sqs:SendMessage", "${aws_sqs_queue.work.arn}"),
            ("kms:Decrypt", "${aws_kms_key.failures.arn}"),
            ("kms:GenerateDataKey", "${aws_kms_key.failures.arn}"),
            ("sns:Publish", "${aws_sns_topic.alerts.arn}"),
            ("kms:Decrypt", "${aws_kms_key.alerts.arn}"),
            ("kms:GenerateDataKey", "${aws_kms_key.alerts.arn}"),
        ])
    );
    // The queue and topic keys are used only through their own services.
    let config: serde_json::Value = serde_json::from_str(&tf).expect("valid JSON");
    let statements = config["data"]["aws_iam_policy_document"]["role_nightly"]["statement"]
        .as_array()
        .expect("statements");
    for (key, service) in [("failures", "sqs"), ("alerts", "sns")] {
        let statement = statements
            .iter()
            .find(|s| s["resources"][0] == format!("${{aws_kms_key.{key}.arn}}"))
            .expect("a key statement");
        assert_eq!(statement["condition"][0]["variable"], "kms:ViaService");
        assert_eq!(
            statement["condition"][0]["values"][0],
            format!("{service}.${{data.aws_region.current.region}}.amazonaws.com")
        );
    }
}

#[test]
fn replication_role_reads_the_source_writes_the_replica_and_never_replicates_deletes() {
    let (_, compilation) = compile_file(
        &root().join("tests/fixtures/valid/bucket_replication_sse_s3/input.dr"),
        "input.dr",
    );
    let tf = artifact_text(&compilation, ".tf.json");
    let source = "${aws_s3_bucket.staging.arn}";
    let source_objects = "${aws_s3_bucket.staging.arn}/*";
    let replica_objects = "${aws_s3_bucket.mirror.arn}/*";
    // SSE-S3 on both sides: no KMS action at all.
    assert_eq!(
        tf_grants(&tf, "replication_staging"),
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
    let rule = &template["Resources"]["StagingBucket"]["Properties"]["ReplicationConfiguration"]["Rules"]
        [0];
    assert_eq!(rule["DeleteMarkerReplication"]["Status"], "Disabled");
    assert!(rule.get("SourceSelectionCriteria").is_none());
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
    let template: serde_norway::Value = serde_norway::from_str(&cfn).expect("valid YAML");
    let resources = template["Resources"].as_mapping().expect("resources");
    for id in ["SourceBucket", "ArchiveBucket"] {
        assert!(!resources.contains_key(id), "{id} is emitted");
    }
}
