//! Policy documents in a template (`Statement` lists with `Effect`, `Principal`, `Action`,
//! `Resource` and `Condition`), and the provenance drc writes beside each role.

use super::Reader;
use crate::verify::policy::{
    Condition, Effect, Origin, Patterns, Principal, Principals, Statement, cause, operator,
    principal,
};
use crate::verify::yaml::Node;

impl Reader<'_, '_> {
    /// A policy document's statements.
    pub(super) fn document(
        &mut self,
        t: usize,
        value: &Node,
        path: &str,
        policy: &str,
    ) -> Vec<Statement> {
        let statements = match value.get("Statement") {
            Some(Node::Sequence(list)) => list.iter().collect::<Vec<_>>(),
            Some(single @ Node::Mapping(_)) => vec![single],
            _ => {
                self.problem(t, path, "a policy document without statements");
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (i, statement) in statements.into_iter().enumerate() {
            let path = format!("{path}.Statement[{i}]");
            if let Some(statement) = self.statement(t, statement, &path, policy, i) {
                out.push(statement);
            }
        }
        out
    }

    pub(super) fn statement(
        &mut self,
        t: usize,
        value: &Node,
        path: &str,
        policy: &str,
        index: usize,
    ) -> Option<Statement> {
        let Node::Mapping(map) = value else {
            self.problem(t, path, "a statement that is not a mapping");
            return None;
        };
        let mut sid = format!("#{}", index + 1);
        let mut effect = None;
        let mut principals = None;
        let mut actions = None;
        let mut resources = None;
        let mut conditions = Vec::new();
        for (key, field) in map {
            let key = key.as_str().unwrap_or_default();
            let at = format!("{path}.{key}");
            match key {
                "Sid" => sid = self.text(t, field, &at)?,
                "Effect" => match field.as_str() {
                    Some("Allow") => effect = Some(Effect::Allow),
                    Some("Deny") => effect = Some(Effect::Deny),
                    _ => {
                        self.problem(t, &at, "`Effect` is neither `Allow` nor `Deny`");
                        return None;
                    }
                },
                "Principal" | "NotPrincipal" => {
                    let items = match field {
                        Node::Scalar(star) if star == "*" => vec![Principal::Anyone],
                        Node::Mapping(kinds) => {
                            let mut items = Vec::new();
                            for (kind, values) in kinds {
                                let kind = kind.as_str().unwrap_or_default().to_owned();
                                for value in self.texts(t, values, &format!("{at}.{kind}"))? {
                                    items.push(principal(&kind, &value));
                                }
                            }
                            items
                        }
                        _ => {
                            self.problem(t, &at, "a principal that is neither `*` nor a mapping");
                            return None;
                        }
                    };
                    principals = Some(Principals {
                        negated: key == "NotPrincipal",
                        items,
                    });
                }
                "Action" | "NotAction" => {
                    actions = Some(Patterns {
                        negated: key == "NotAction",
                        items: self.texts(t, field, &at)?,
                    });
                }
                "Resource" | "NotResource" => {
                    resources = Some(Patterns {
                        negated: key == "NotResource",
                        items: self.texts(t, field, &at)?,
                    });
                }
                "Condition" => conditions = self.conditions(t, field, &at)?,
                other => {
                    self.problem(
                        t,
                        &at,
                        format!("`{other}` is not a statement element the verifier models"),
                    );
                    return None;
                }
            }
        }
        let Some(effect) = effect else {
            self.problem(t, path, "a statement without `Effect`");
            return None;
        };
        let Some(actions) = actions else {
            self.problem(t, path, "a statement without `Action` or `NotAction`");
            return None;
        };
        Some(Statement {
            effect,
            principals,
            actions,
            resources,
            conditions,
            origin: Origin::Read {
                file: self.templates[t].file.clone(),
                policy: policy.to_owned(),
                sid,
            },
        })
    }

    pub(super) fn conditions(
        &mut self,
        t: usize,
        value: &Node,
        path: &str,
    ) -> Option<Vec<Condition>> {
        let Node::Mapping(operators) = value else {
            self.problem(t, path, "`Condition` is not a mapping");
            return None;
        };
        let mut out = Vec::new();
        for (name, keys) in operators {
            let name = name.as_str().unwrap_or_default();
            let Some((test, if_exists, set)) = operator(name) else {
                self.problem(
                    t,
                    path,
                    format!("condition operator `{name}` is not modelled"),
                );
                return None;
            };
            let Node::Mapping(keys) = keys else {
                self.problem(t, path, format!("`{name}` is not a mapping of keys"));
                return None;
            };
            for (key, values) in keys {
                let key = key.as_str().unwrap_or_default();
                out.push(Condition {
                    test,
                    if_exists,
                    set,
                    key: key.to_ascii_lowercase(),
                    values: self.texts(t, values, &format!("{path}.{name}.{key}"))?,
                    name: key.to_owned(),
                });
            }
        }
        Some(out)
    }

    /// `Metadata: {drc: {provenance: {Sid: {action: [cause, ...]}}}}` of a role.
    pub(super) fn provenance(
        &mut self,
        t: usize,
        id: &str,
    ) -> Option<Vec<(String, String, String)>> {
        let metadata = self.templates[t]
            .root
            .get("Resources")?
            .get(id)?
            .get("Metadata")?
            .get("drc")?
            .get("provenance")?;
        let mut out = Vec::new();
        for (sid, actions) in metadata.as_mapping()? {
            for (action, causes) in actions.as_mapping()? {
                for text in causes.as_sequence()? {
                    let (Some(sid), Some(action), Some(text)) =
                        (sid.as_str(), action.as_str(), text.as_str())
                    else {
                        continue;
                    };
                    if cause(text).is_none() {
                        self.problem(
                            t,
                            &format!("Resources.{id}.Metadata"),
                            format!("a cause without a location: {text}"),
                        );
                    }
                    out.push((sid.to_owned(), action.to_owned(), text.to_owned()));
                }
            }
        }
        Some(out)
    }
}
