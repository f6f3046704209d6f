//! Policy documents (`aws_iam_policy_document` data sources), the provenance drc writes in
//! their `//` comments, and Lambda permissions.

use super::Reader;
use super::WHY;
use crate::names::logical_stem;
use crate::verify::policy::{
    Condition, Effect, Origin, Owner, Patterns, Principal, Principals, Reading, Statement, cause,
    operator, principal,
};
use crate::verify::symbol::{Item, ItemKind};
use serde_json::Value;

/// Whether text starts a provenance entry: `<Sid> <service:Action> <- `.
fn entry_starts(text: &str) -> bool {
    let Some((sid, rest)) = text.split_once(' ') else {
        return false;
    };
    let Some((action, _)) = rest.split_once(" <- ") else {
        return false;
    };
    !sid.is_empty()
        && sid.chars().all(|c| c.is_ascii_alphanumeric())
        && action.split_once(':').is_some_and(|(service, name)| {
            !service.is_empty() && !name.is_empty() && !action.contains(' ')
        })
}

impl Reader<'_, '_> {
    pub(super) fn document(&mut self, value: &Value, path: &str, policy: &str) -> Vec<Statement> {
        let Some(name) = Self::document_name(value) else {
            self.problem(
                path,
                "a policy that is not an aws_iam_policy_document is not modelled",
            );
            return Vec::new();
        };
        let Some(document) = self
            .root
            .get("data")
            .and_then(|d| d.get("aws_iam_policy_document"))
            .and_then(|d| d.get(name))
        else {
            self.problem(path, format!("policy document `{name}` is not declared"));
            return Vec::new();
        };
        let at = format!("data.aws_iam_policy_document.{name}");
        let Value::Object(fields) = document else {
            self.problem(&at, "a policy document that is not an object");
            return Vec::new();
        };
        for key in fields.keys() {
            if !["statement", "//", "version"].contains(&key.as_str()) {
                self.problem(&at, format!("`{key}` of a policy document is not modelled"));
            }
        }
        let statements: Vec<&Value> = match document.get("statement") {
            Some(Value::Array(list)) => list.iter().collect(),
            Some(single @ Value::Object(_)) => vec![single],
            _ => Vec::new(),
        };
        let mut out = Vec::new();
        for (i, statement) in statements.into_iter().enumerate() {
            if let Some(s) = self.statement(statement, &format!("{at}.statement[{i}]"), policy, i) {
                out.push(s);
            }
        }
        out
    }

    pub(super) fn statement(
        &mut self,
        value: &Value,
        path: &str,
        policy: &str,
        index: usize,
    ) -> Option<Statement> {
        let Value::Object(fields) = value else {
            self.problem(path, "a statement that is not an object");
            return None;
        };
        let mut sid = format!("#{}", index + 1);
        let mut effect = Effect::Allow;
        let mut principals = None;
        let mut actions = None;
        let mut resources = None;
        let mut conditions = Vec::new();
        for (key, field) in fields {
            let at = format!("{path}.{key}");
            match key.as_str() {
                "sid" => sid = self.text(field, &at)?,
                "effect" => match field.as_str() {
                    Some("Allow") => effect = Effect::Allow,
                    Some("Deny") => effect = Effect::Deny,
                    _ => {
                        self.problem(&at, "`effect` is neither `Allow` nor `Deny`");
                        return None;
                    }
                },
                "actions" | "not_actions" => {
                    actions = Some(Patterns {
                        negated: key == "not_actions",
                        items: self.texts(field, &at)?,
                    });
                }
                "resources" | "not_resources" => {
                    resources = Some(Patterns {
                        negated: key == "not_resources",
                        items: self.texts(field, &at)?,
                    });
                }
                "principals" | "not_principals" => {
                    let mut items = Vec::new();
                    for (i, block) in field.as_array().into_iter().flatten().enumerate() {
                        let kind = block
                            .get("type")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned();
                        let identifiers = block.get("identifiers").unwrap_or(&Value::Null);
                        for value in self.texts(identifiers, &format!("{at}[{i}].identifiers"))? {
                            items.push(principal(&kind, &value));
                        }
                    }
                    principals = Some(Principals {
                        negated: key == "not_principals",
                        items,
                    });
                }
                "condition" => {
                    for (i, block) in field.as_array().into_iter().flatten().enumerate() {
                        let at = format!("{at}[{i}]");
                        let test = block
                            .get("test")
                            .and_then(Value::as_str)
                            .unwrap_or_default();
                        let Some((test_value, if_exists, set)) = operator(test) else {
                            self.problem(
                                &at,
                                format!("condition operator `{test}` is not modelled"),
                            );
                            return None;
                        };
                        let variable = block
                            .get("variable")
                            .and_then(Value::as_str)
                            .unwrap_or_default();
                        let values =
                            self.texts(block.get("values").unwrap_or(&Value::Null), &at)?;
                        conditions.push(Condition {
                            test: test_value,
                            if_exists,
                            set,
                            key: variable.to_ascii_lowercase(),
                            values,
                            name: variable.to_owned(),
                        });
                    }
                }
                other => {
                    self.problem(
                        &at,
                        format!("`{other}` is not a statement argument the verifier models"),
                    );
                    return None;
                }
            }
        }
        let Some(actions) = actions else {
            self.problem(path, "a statement without `actions` or `not_actions`");
            return None;
        };
        Some(Statement {
            effect,
            principals,
            actions,
            resources,
            conditions,
            origin: Origin::Read {
                file: self.file.to_owned(),
                policy: policy.to_owned(),
                sid,
            },
        })
    }

    /// The provenance comment of a policy document: `Why each action is granted: <Sid>
    /// <action> <- <cause>; ...`. A cause may contain `; `, so entries are split only where
    /// the next one starts.
    pub(super) fn provenance(&mut self, document: &str) -> Vec<(String, String, String)> {
        let Some(comment) = self
            .root
            .get("data")
            .and_then(|d| d.get("aws_iam_policy_document"))
            .and_then(|d| d.get(document))
            .and_then(|d| d.get("//"))
            .and_then(Value::as_str)
        else {
            return Vec::new();
        };
        let Some(mut rest) = comment.strip_prefix(WHY) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        while !rest.is_empty() {
            let Some((sid, after)) = rest.split_once(' ') else {
                break;
            };
            let Some((action, after)) = after.split_once(" <- ") else {
                break;
            };
            // The cause runs to the next `; <Sid> <service:Action> <- `, or to the end.
            let mut end = after.len();
            let mut search = 0;
            while let Some(at) = after[search..].find("; ").map(|at| at + search) {
                if entry_starts(&after[at + 2..]) {
                    end = at;
                    break;
                }
                search = at + 2;
            }
            let text = &after[..end];
            if cause(text).is_none() {
                self.problem(
                    &format!("data.aws_iam_policy_document.{document}"),
                    format!("a cause without a location: {text}"),
                );
            }
            out.push((sid.to_owned(), action.to_owned(), text.to_owned()));
            rest = after.get(end + 2..).unwrap_or_default();
        }
        out
    }

    /// The owner a policy document is named after.
    pub(super) fn document_owner(&self, document: &str) -> Option<Owner> {
        if let Some(bucket) = document.strip_prefix("replication_") {
            return Some(Owner::Replication(logical_stem(bucket)));
        }
        let name = match document.strip_prefix("managed_") {
            Some(rest) => rest.rsplit_once('_').map(|(name, _)| name)?,
            None => document.strip_prefix("role_")?,
        };
        if self.resource("aws_lambda_function", name).is_some() {
            Some(Owner::Function(logical_stem(name)))
        } else {
            self.resource("aws_scheduler_schedule", name)
                .map(|_| Owner::Schedule(logical_stem(name)))
        }
    }

    /// `aws_lambda_permission`: one statement of the function's resource policy.
    pub(super) fn permission(&mut self, name: &str, body: &Value, reading: &mut Reading) {
        let at = format!("resource.aws_lambda_permission.{name}");
        let Some((_, function)) = body
            .get("function_name")
            .and_then(Self::referenced)
            .filter(|(k, _)| *k == "aws_lambda_function")
        else {
            self.problem(
                &format!("{at}.function_name"),
                "a permission on a function the configuration does not create",
            );
            return;
        };
        let item = Item {
            kind: ItemKind::Function,
            stem: logical_stem(function),
        };
        let arn = self
            .reference(&format!("aws_lambda_function.{function}.arn"), &at)
            .unwrap_or_default();
        let action = body.get("action").and_then(|a| self.text(a, &at));
        let who = body.get("principal").and_then(|p| self.text(p, &at));
        let (Some(action), Some(who)) = (action, who) else {
            self.problem(&at, "a permission without an action or a principal");
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
            ("source_arn", "ArnLike", "aws:SourceArn"),
            ("source_account", "StringEquals", "aws:SourceAccount"),
            ("principal_org_id", "StringEquals", "aws:PrincipalOrgID"),
            (
                "function_url_auth_type",
                "StringEquals",
                "lambda:FunctionUrlAuthType",
            ),
        ] {
            if let Some(value) = body.get(field).and_then(|v| self.text(v, &at)) {
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
        let entry = reading.resource_policies.entry(item).or_default();
        entry.arn.clone_from(&arn);
        entry.statements.push(Statement {
            effect: Effect::Allow,
            principals: Some(Principals {
                negated: false,
                items: vec![caller],
            }),
            actions: Patterns::of([action]),
            resources: Some(Patterns::of([arn])),
            conditions,
            origin: Origin::Read {
                file: self.file.to_owned(),
                policy: format!("aws_lambda_permission.{name}"),
                sid: name.to_owned(),
            },
        });
    }
}
