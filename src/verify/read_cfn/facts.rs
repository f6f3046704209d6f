//! What the resources of a template say beyond their policies: a bucket's key, lock,
//! replication and logging, a function's role, log group and dead-letter target, a role's
//! policies, bucket, topic and queue policies, and Lambda permissions.

use super::{Reader, Resource};
use crate::verify::policy::{
    BucketFacts, Condition, Destination, Effect, FunctionFacts, Origin, Patterns, Principal,
    Principals, Reading, RoleReading, Statement, operator, principal,
};
use crate::verify::tree::Node;

impl<'t> Reader<'t, '_> {
    pub(super) fn bucket(&mut self, t: usize, resource: Resource<'t>) -> BucketFacts {
        let (id, _, properties) = resource;
        let at = format!("Resources.{id}.Properties");
        let arn = self.arn(t, resource, &at).unwrap_or_default();
        let region = self.region(t);
        let mut key = None;
        if let Some(Node::Sequence(rules)) = properties
            .get("BucketEncryption")
            .and_then(|e| e.get("ServerSideEncryptionConfiguration"))
        {
            for rule in rules {
                let default = rule.get("ServerSideEncryptionByDefault");
                let algorithm = default
                    .and_then(|d| d.get("SSEAlgorithm"))
                    .and_then(Node::as_str);
                if let (Some("aws:kms" | "aws:kms:dsse"), Some(id)) =
                    (algorithm, default.and_then(|d| d.get("KMSMasterKeyID")))
                {
                    key = self.text(t, id, &format!("{at}.BucketEncryption"));
                }
            }
        }
        let locked = properties
            .get("ObjectLockEnabled")
            .is_some_and(Node::is_true);
        let replication = properties.get("ReplicationConfiguration").and_then(|r| {
            let role = r.get("Role").and_then(Self::referenced).map(str::to_owned);
            let rules = r.get("Rules").and_then(Node::as_sequence)?;
            let at = format!("{at}.ReplicationConfiguration");
            if rules.is_empty() {
                self.problem(t, &at, "replication without a rule is not modelled");
            }
            let destinations = rules
                .iter()
                .filter_map(|rule| {
                    let destination = rule.get("Destination")?;
                    let arn = self.text(t, destination.get("Bucket")?, &at)?;
                    let key = destination
                        .get("EncryptionConfiguration")
                        .and_then(|e| e.get("ReplicaKmsKeyID"))
                        .and_then(|k| self.text(t, k, &at));
                    let owner_override = destination
                        .get("AccessControlTranslation")
                        .and_then(|a| a.get("Owner"))
                        .and_then(Node::as_str)
                        == Some("Destination");
                    Some(Destination {
                        arn,
                        key,
                        owner_override,
                    })
                })
                .collect();
            Some((role, destinations))
        });
        let logging = properties.get("LoggingConfiguration").and_then(|l| {
            let bucket = self.text(
                t,
                l.get("DestinationBucketName")?,
                &format!("{at}.LoggingConfiguration"),
            )?;
            let prefix = match l.get("LogFilePrefix") {
                Some(prefix) => self.text(t, prefix, &format!("{at}.LoggingConfiguration"))?,
                None => String::new(),
            };
            Some((bucket, prefix))
        });
        BucketFacts {
            arn,
            region,
            key,
            locked,
            replication,
            logging,
        }
    }

    pub(super) fn function(&mut self, t: usize, resource: Resource<'t>) -> FunctionFacts {
        let (id, _, properties) = resource;
        let at = format!("Resources.{id}.Properties");
        let arn = self.arn(t, resource, &at).unwrap_or_default();
        let role = properties
            .get("Role")
            .and_then(Self::referenced)
            .map(str::to_owned);
        let log_group = properties
            .get("LoggingConfig")
            .and_then(|l| l.get("LogGroup"))
            .and_then(|g| self.text(t, g, &format!("{at}.LoggingConfig.LogGroup")));
        let dead_letter = properties
            .get("DeadLetterConfig")
            .and_then(|d| d.get("TargetArn"))
            .and_then(|d| self.text(t, d, &format!("{at}.DeadLetterConfig.TargetArn")));
        FunctionFacts {
            arn,
            role,
            log_group,
            on_failure: None,
            dead_letter,
        }
    }

    pub(super) fn role(
        &mut self,
        t: usize,
        resource: Resource<'t>,
        managed_links: &mut Vec<(String, String)>,
    ) -> RoleReading {
        let (id, _, properties) = resource;
        let at = format!("Resources.{id}.Properties");
        let trust = if let Some(document) = properties.get("AssumeRolePolicyDocument") {
            self.document(
                t,
                document,
                &format!("{at}.AssumeRolePolicyDocument"),
                &format!("trust policy of {id}"),
            )
        } else {
            self.problem(t, &at, "a role without a trust policy");
            Vec::new()
        };
        let mut identity = Vec::new();
        if let Some(Node::Sequence(policies)) = properties.get("Policies") {
            for (i, policy) in policies.iter().enumerate() {
                let name = policy
                    .get("PolicyName")
                    .and_then(Node::as_str)
                    .unwrap_or("(unnamed)");
                if let Some(document) = policy.get("PolicyDocument") {
                    identity.extend(self.document(
                        t,
                        document,
                        &format!("{at}.Policies[{i}].PolicyDocument"),
                        &format!("policy {name} of {id}"),
                    ));
                }
            }
        }
        if let Some(Node::Sequence(arns)) = properties.get("ManagedPolicyArns") {
            for (i, arn) in arns.iter().enumerate() {
                match Self::referenced(arn)
                    .filter(|p| self.resource(t, p).is_some_and(|r| r.1 == "AWS::IAM::ManagedPolicy"))
                {
                    Some(policy) => managed_links.push((id.to_owned(), policy.to_owned())),
                    None => self.problem(
                        t,
                        &format!("{at}.ManagedPolicyArns[{i}]"),
                        "a managed policy the templates do not contain: what it allows cannot be proven",
                    ),
                }
            }
        }
        if properties.get("PermissionsBoundary").is_some() {
            self.problem(
                t,
                &format!("{at}.PermissionsBoundary"),
                "permissions boundaries are not modelled",
            );
        }
        RoleReading {
            id: id.to_owned(),
            trust,
            identity,
        }
    }

    /// A bucket, topic or queue policy: its document, on each resource `field` names.
    pub(super) fn resource_policy(
        &mut self,
        t: usize,
        resource: Resource<'t>,
        field: &str,
        reading: &mut Reading,
    ) {
        let (id, _, properties) = resource;
        let at = format!("Resources.{id}.Properties");
        let targets: Vec<&Node> = match properties.get(field) {
            Some(Node::Sequence(list)) => list.iter().collect(),
            Some(single) => vec![single],
            None => Vec::new(),
        };
        let statements = match properties.get("PolicyDocument") {
            Some(document) => self.document(
                t,
                document,
                &format!("{at}.PolicyDocument"),
                &format!("resource policy {id}"),
            ),
            None => Vec::new(),
        };
        for target in targets {
            let item = Self::referenced(target)
                .and_then(|r| self.resource(t, r))
                .and_then(|(r, kind, _)| Self::item(r, kind));
            match item {
                Some(item) => reading
                    .resource_policies
                    .entry(item)
                    .or_default()
                    .statements
                    .extend(statements.iter().cloned()),
                None => self.problem(
                    t,
                    &format!("{at}.{field}"),
                    "a policy on a resource the templates do not create",
                ),
            }
        }
    }

    /// `AWS::Lambda::Permission`: one statement of the function's resource policy.
    pub(super) fn permission(&mut self, t: usize, resource: Resource<'t>, reading: &mut Reading) {
        let (id, _, properties) = resource;
        let at = format!("Resources.{id}.Properties");
        let Some(function) = properties
            .get("FunctionName")
            .and_then(Self::referenced)
            .and_then(|r| self.resource(t, r))
            .filter(|r| r.1 == "AWS::Lambda::Function")
        else {
            self.problem(
                t,
                &format!("{at}.FunctionName"),
                "a permission on a function the templates do not create",
            );
            return;
        };
        let item = Self::item(function.0, function.1).expect("functions are items");
        let arn = self.arn(t, function, &at).unwrap_or_default();
        let text = |reader: &mut Self, field: &str| -> Option<String> {
            properties
                .get(field)
                .and_then(|v| reader.text(t, v, &format!("{at}.{field}")))
        };
        let (Some(action), Some(who)) = (text(self, "Action"), text(self, "Principal")) else {
            self.problem(t, &at, "a permission without an action or a principal");
            return;
        };
        let caller = if who == "*" {
            Principal::Anyone
        } else if who.ends_with(".amazonaws.com") || who.ends_with(".amazonaws.com.cn") {
            Principal::Service(who)
        } else {
            principal("AWS", &who)
        };
        let mut conditions = Vec::new();
        for (field, test, key) in [
            ("SourceArn", "ArnLike", "aws:SourceArn"),
            ("SourceAccount", "StringEquals", "aws:SourceAccount"),
            ("PrincipalOrgID", "StringEquals", "aws:PrincipalOrgID"),
            (
                "FunctionUrlAuthType",
                "StringEquals",
                "lambda:FunctionUrlAuthType",
            ),
        ] {
            if let Some(value) = text(self, field) {
                let (test_value, if_exists, set) = operator(test).expect("known operators");
                conditions.push(Condition {
                    test: test_value,
                    if_exists,
                    set,
                    key: key.to_ascii_lowercase(),
                    values: vec![value],
                    name: key.to_owned(),
                });
            }
        }
        let statement = Statement {
            effect: Effect::Allow,
            principals: Some(Principals {
                negated: false,
                items: vec![caller],
            }),
            actions: Patterns::of([action]),
            resources: Some(Patterns::of([arn.clone()])),
            conditions,
            origin: Origin::Read {
                file: self.templates[t].file.clone(),
                policy: format!("Lambda permission {id}"),
                sid: id.to_owned(),
            },
        };
        let entry = reading.resource_policies.entry(item).or_default();
        entry.arn = arn;
        entry.statements.push(statement);
    }
}
