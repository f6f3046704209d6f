//! The evaluator: IAM's decision for a request against a set of statements, and the
//! comparison of two sets of statements over the universe of requests.
//!
//! What it models (IAM's policy evaluation logic within one policy set,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>):
//! an explicit `Deny` wins over any `Allow`; a request matches a statement when its action
//! matches `Action` (or not `NotAction`), case-insensitively with `*` and `?`; its resource
//! matches `Resource` (or not `NotResource`) with `*` and `?`; its caller matches
//! `Principal` (or not `NotPrincipal`) in trust and resource policies; and every condition
//! holds. Conditions: the string, ARN, `Bool` and `Null` operators, `...IfExists`,
//! `ForAnyValue:`/`ForAllValues:` over single-valued keys; a service's condition key is
//! present only in requests for actions that support it (from the action table), and an
//! absent key fails a condition unless the operator is negated, `...IfExists` or `Null`.
//!
//! [`Evaluator::compare`] does not try every request one by one: on each axis (actions,
//! resources, condition values, callers) it sorts the samples into classes that match the
//! same statements of both sides, and decides one representative per combination of
//! classes. Every member of a class gets the same decision, so the comparison is as
//! exhaustive as trying the whole universe, and each difference comes with a concrete
//! request.

use super::matching::{Bits, atoms, caller_matches, holds, resource_matches};
use super::policy::{Condition, Effect, Principal, Statement, Test};
use super::symbol::{Symbols, glob_ignore_case, has_wildcard};
use super::universe::{Caller, around, callers, catalog, values};
use std::collections::{BTreeMap, HashMap};

/// What a set of statements says about a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Decision {
    /// A statement allows it and none denies it.
    Allow,
    /// A statement denies it.
    Deny,
    /// No statement matches it.
    Neither,
}

/// Which resources the requests of a question name.
#[derive(Debug, Clone, Copy)]
pub enum Resources<'a> {
    /// Any resource: samples around every pattern of both sides, and outsiders of every type
    /// the actions in play act on (identity policies).
    Open,
    /// The resource a resource-based policy or trust policy is attached to, and samples
    /// around patterns that fall under it (objects of a bucket).
    Within(&'a str),
}

/// Two sets of statements to compare, and the requests to compare them on.
#[derive(Debug, Clone, Copy)]
pub struct Question<'a> {
    /// What the templates say.
    pub left: &'a [Statement],
    /// What they should say.
    pub right: &'a [Statement],
    /// The services whose actions are asked about.
    pub services: &'a [&'a str],
    /// Which resources.
    pub resources: Resources<'a>,
    /// Whether requests come from callers (trust and resource policies).
    pub callers: bool,
    /// Compare `Allow`, `Deny` and neither (resource policies), or only whether a request is
    /// allowed (identity and trust policies).
    pub tri_state: bool,
}

/// A request on which the two sides disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The action, then every other action that behaves the same on this request.
    pub actions: Vec<usize>,
    /// The resource (symbolic).
    pub resource: String,
    /// The condition keys in play and their values in this request (`None`: absent).
    pub context: Vec<(String, Option<String>)>,
    /// Who asks, for trust and resource policies.
    pub caller: Option<Caller>,
    /// The left side's decision.
    pub left: Decision,
    /// The right side's.
    pub right: Decision,
    /// The left statements that decide it (by index).
    pub left_by: Vec<usize>,
    /// The right statements that decide it (by index).
    pub right_by: Vec<usize>,
}

/// The types of a resource sample: `None` for `*`.
type Types = Option<Vec<(&'static str, &'static str)>>;

/// More combinations of condition values than the evaluator enumerates.
const MAX_CONTEXTS: usize = 4096;

/// The evaluator, with what it has learnt so far. One evaluator serves one stack's
/// [`Symbols`]: the samples it keeps are symbolic text.
#[derive(Debug, Default)]
pub struct Evaluator {
    /// Action pattern (as written) -> the actions of the table it matches.
    action_sets: HashMap<String, Vec<usize>>,
    /// Resource sample -> its types, by index into `type_lists`.
    types: HashMap<String, usize>,
    /// Distinct type lists (`None`: `*`).
    type_lists: Vec<Types>,
    /// Pattern -> the samples around it.
    samples: HashMap<String, Vec<String>>,
    /// Resource types -> the outsiders of those types.
    outsiders: HashMap<Vec<(&'static str, &'static str)>, Vec<String>>,
    /// Services -> which actions of the table are theirs.
    in_play: HashMap<Vec<String>, Vec<bool>>,
    /// Enumerate the universe even when both sides are made of the same atoms.
    exhaustive: bool,
}

impl Evaluator {
    /// An evaluator with empty caches. An `exhaustive` one enumerates the universe for every
    /// comparison; otherwise two sides made of the same atomic statements (the same allows and
    /// denies of the same action patterns on the same resource patterns, for the same
    /// principals under the same conditions) are equal without enumeration, and the universe
    /// is enumerated only to find the requests on which they differ.
    pub fn new(exhaustive: bool) -> Self {
        Self {
            exhaustive,
            ..Self::default()
        }
    }

    fn matching_actions(&mut self, pattern: &str) -> &[usize] {
        if !self.action_sets.contains_key(pattern) {
            let catalog = catalog();
            let found = if has_wildcard(pattern) {
                catalog
                    .actions
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| glob_ignore_case(pattern, a.name))
                    .map(|(i, _)| i)
                    .collect()
            } else {
                catalog.action(pattern).into_iter().collect()
            };
            self.action_sets.insert(pattern.to_owned(), found);
        }
        &self.action_sets[pattern]
    }

    fn types_of(&mut self, resource: &str) -> usize {
        if let Some(&id) = self.types.get(resource) {
            return id;
        }
        let types = (resource != "*").then(|| catalog().types_of(resource));
        let id = if let Some(id) = self.type_lists.iter().position(|t| *t == types) {
            id
        } else {
            self.type_lists.push(types);
            self.type_lists.len() - 1
        };
        self.types.insert(resource.to_owned(), id);
        id
    }

    fn around(&mut self, pattern: &str, symbols: &mut Symbols) -> &[String] {
        if !self.samples.contains_key(pattern) {
            let found = around(pattern, symbols);
            self.samples.insert(pattern.to_owned(), found);
        }
        &self.samples[pattern]
    }

    fn in_play(&mut self, services: &[&str]) -> &[bool] {
        let key: Vec<String> = services.iter().map(|s| (*s).to_owned()).collect();
        self.in_play.entry(key).or_insert_with(|| {
            let catalog = catalog();
            let mut in_play = vec![false; catalog.actions.len()];
            for a in catalog.of_services(services) {
                in_play[a] = true;
            }
            in_play
        })
    }

    fn outsiders(&mut self, acting: &[usize], symbols: &mut Symbols) -> &[String] {
        let catalog = catalog();
        let mut wanted: Vec<(&'static str, &'static str)> = acting
            .iter()
            .flat_map(|&a| {
                let action = &catalog.actions[a];
                action.types.iter().map(move |t| (action.service, *t))
            })
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        if !self.outsiders.contains_key(&wanted) {
            let found = catalog.outsiders(&wanted, symbols);
            self.outsiders.insert(wanted.clone(), found);
        }
        &self.outsiders[&wanted]
    }

    /// Every request of the universe on which the two sides of `question` disagree, one per
    /// combination of classes.
    pub fn compare(
        &mut self,
        question: &Question,
        symbols: &mut Symbols,
    ) -> Result<Vec<Difference>, String> {
        // Two sides made of the same atomic statements decide every request alike.
        if question.left.is_empty() && question.right.is_empty() {
            return Ok(Vec::new());
        }
        if !self.exhaustive
            && let (Some(left), Some(right)) = (atoms(question.left), atoms(question.right))
            && left == right
        {
            return Ok(Vec::new());
        }
        let catalog = catalog();
        let all: Vec<&Statement> = question.left.iter().chain(question.right).collect();
        let n = all.len();
        let split = question.left.len();
        let (mut left, mut right, mut allow, mut deny) =
            (Bits::new(n), Bits::new(n), Bits::new(n), Bits::new(n));
        for (i, statement) in all.iter().enumerate() {
            if i < split {
                left.set(i);
            } else {
                right.set(i);
            }
            match statement.effect {
                Effect::Allow => allow.set(i),
                Effect::Deny => deny.set(i),
            }
        }

        // Actions: which statements each action of the services in play matches.
        let in_play = self.in_play(question.services).to_vec();
        let mut action_bits: BTreeMap<usize, Bits> = BTreeMap::new();
        let mut named: Vec<usize> = Vec::new();
        for (i, statement) in all.iter().enumerate() {
            let mut matched: Vec<usize> = Vec::new();
            for pattern in &statement.actions.items {
                if !has_wildcard(pattern) {
                    named.extend(catalog.action(pattern));
                }
                matched.extend(self.matching_actions(pattern).iter().copied());
            }
            let matched: Vec<usize> = if statement.actions.negated {
                let mut excluded = vec![false; catalog.actions.len()];
                for a in matched {
                    excluded[a] = true;
                }
                (0..catalog.actions.len())
                    .filter(|&a| in_play[a] && !excluded[a])
                    .collect()
            } else {
                matched.into_iter().filter(|&a| in_play[a]).collect()
            };
            for a in matched {
                action_bits.entry(a).or_insert_with(|| Bits::new(n)).set(i);
            }
        }

        // Condition keys in play, and which of them each action's requests carry.
        let mut keys: Vec<String> = all
            .iter()
            .flat_map(|s| s.conditions.iter().map(|c| c.key.clone()))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        if keys.len() > 63 {
            return Err(format!("{} condition keys in one comparison", keys.len()));
        }
        let profile = |action: usize| -> u64 {
            keys.iter()
                .enumerate()
                .filter(|(_, k)| catalog.supports(action, k))
                .fold(0, |mask, (i, _)| mask | (1 << i))
        };

        // Action classes: same statements, same resource types, same keys.
        let mut classes: BTreeMap<(Bits, &'static [&'static str], u64), Vec<usize>> =
            BTreeMap::new();
        for (&a, bits) in &action_bits {
            classes
                .entry((bits.clone(), catalog.actions[a].types, profile(a)))
                .or_default()
                .push(a);
        }
        for members in classes.values_mut() {
            // The representative: an action some statement names, else the first.
            if let Some(at) = members.iter().position(|a| named.contains(a)) {
                members.swap(0, at);
            }
        }
        let acting: Vec<usize> = action_bits.keys().copied().collect();

        // Resources: samples, each with the statements it matches and its types.
        let mut samples: Vec<String> = Vec::new();
        let mut patterns: Vec<&String> = all
            .iter()
            .filter_map(|s| s.resources.as_ref())
            .flat_map(|r| r.items.iter())
            .collect();
        patterns.sort_unstable();
        patterns.dedup();
        match question.resources {
            Resources::Open => {
                for pattern in &patterns {
                    samples.extend(self.around(pattern, symbols).iter().cloned());
                }
                samples.extend(self.outsiders(&acting, symbols).iter().cloned());
                samples.push("*".to_owned());
            }
            Resources::Within(base) => {
                samples.push(base.to_owned());
                samples.push(format!("{base}/x"));
                for pattern in &patterns {
                    samples.extend(
                        self.around(pattern, symbols)
                            .iter()
                            .filter(|s| s.starts_with(base))
                            .cloned(),
                    );
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        samples.retain(|s| seen.insert(s.clone()));
        let mut resource_classes: Vec<(Bits, usize, String)> = Vec::new();
        let mut resource_index: HashMap<(Bits, usize), usize> = HashMap::new();
        for sample in samples {
            let types = self.types_of(&sample);
            if self.type_lists[types].as_ref().is_some_and(Vec::is_empty) {
                continue;
            }
            let mut bits = Bits::new(n);
            for (i, statement) in all.iter().enumerate() {
                if statement
                    .resources
                    .as_ref()
                    .is_none_or(|r| resource_matches(r, &sample))
                {
                    bits.set(i);
                }
            }
            resource_index
                .entry((bits.clone(), types))
                .or_insert_with(|| {
                    resource_classes.push((bits, types, sample));
                    resource_classes.len() - 1
                });
        }

        // Condition values: every combination of the values of the keys in play.
        let mut per_key: Vec<Vec<Option<String>>> = Vec::new();
        for key in &keys {
            let conditions: Vec<&Condition> = all
                .iter()
                .flat_map(|s| s.conditions.iter())
                .filter(|c| &c.key == key)
                .collect();
            let written: Vec<&str> = conditions
                .iter()
                .flat_map(|c| c.values.iter().map(String::as_str))
                .collect();
            let boolean = conditions.iter().any(|c| c.test == Test::Bool);
            per_key.push(values(key, &written, boolean, symbols));
        }
        let count = per_key.iter().map(Vec::len).product::<usize>();
        if count > MAX_CONTEXTS {
            return Err(format!(
                "{count} combinations of condition values (keys {})",
                keys.join(", ")
            ));
        }
        let mut contexts: Vec<Vec<Option<String>>> = vec![Vec::new()];
        for options in &per_key {
            contexts = contexts
                .into_iter()
                .flat_map(|prefix| {
                    options.iter().map(move |value| {
                        let mut next = prefix.clone();
                        next.push(value.clone());
                        next
                    })
                })
                .collect();
        }
        let mut condition_bits: HashMap<(usize, u64), Bits> = HashMap::new();
        let mut distinct_contexts: HashMap<u64, Vec<usize>> = HashMap::new();

        // Callers.
        let caller_classes: Vec<(Bits, Option<Caller>)> = if question.callers {
            let mut services = Vec::new();
            let mut accounts = Vec::new();
            let mut arns = Vec::new();
            for principals in all.iter().filter_map(|s| s.principals.as_ref()) {
                for principal in &principals.items {
                    match principal {
                        Principal::Service(s) => services.push(s.clone()),
                        Principal::Account(a) => accounts.push(a.clone()),
                        Principal::Arn(a) => arns.push(a.clone()),
                        Principal::Anyone | Principal::Other(_) => {}
                    }
                }
            }
            let mut found: Vec<(Bits, Option<Caller>)> = Vec::new();
            for caller in callers(&services, &accounts, &arns, symbols) {
                let mut bits = Bits::new(n);
                for (i, statement) in all.iter().enumerate() {
                    if caller_matches(statement.principals.as_ref(), &caller) {
                        bits.set(i);
                    }
                }
                if !found.iter().any(|(b, _)| *b == bits) {
                    found.push((bits, Some(caller)));
                }
            }
            found
        } else {
            vec![(Bits::all(n), None)]
        };

        let mut differences = Vec::new();
        for ((action_bits, types, profile), members) in &classes {
            for (resource_bits, resource_types, resource) in &resource_classes {
                if !catalog.pairs(members[0], self.type_lists[*resource_types].as_deref()) {
                    continue;
                }
                let with_resource = action_bits.and(resource_bits);
                if with_resource.is_empty() {
                    continue;
                }
                let _ = types;
                for (caller_bits, caller) in &caller_classes {
                    let with_caller = with_resource.and(caller_bits);
                    if with_caller.is_empty() {
                        continue;
                    }
                    let distinct = distinct_contexts.entry(*profile).or_insert_with(|| {
                        // Requests for these actions carry only the keys they support:
                        // contexts that differ in other keys are the same request.
                        let mut seen = std::collections::HashSet::new();
                        contexts
                            .iter()
                            .enumerate()
                            .filter(|(_, context)| {
                                let carried: Vec<Option<&str>> = context
                                    .iter()
                                    .enumerate()
                                    .map(|(k, v)| {
                                        let supported =
                                            keys[k].starts_with("aws:") || profile & (1 << k) != 0;
                                        v.as_deref().filter(|_| supported)
                                    })
                                    .collect();
                                seen.insert(carried)
                            })
                            .map(|(c, _)| c)
                            .collect::<Vec<usize>>()
                    });
                    for &c in distinct.iter() {
                        let context = &contexts[c];
                        let holds = condition_bits.entry((c, *profile)).or_insert_with(|| {
                            let mut bits = Bits::new(n);
                            for (i, statement) in all.iter().enumerate() {
                                let present = |key: &str| -> Option<&str> {
                                    let k = keys.iter().position(|x| x == key)?;
                                    let supported =
                                        key.starts_with("aws:") || profile & (1 << k) != 0;
                                    context[k].as_deref().filter(|_| supported)
                                };
                                if statement
                                    .conditions
                                    .iter()
                                    .all(|condition| holds(condition, present(&condition.key)))
                                {
                                    bits.set(i);
                                }
                            }
                            bits
                        });
                        let matched = with_caller.and(holds);
                        let (l, r) = (
                            decide(&matched.and(&left), &allow, &deny),
                            decide(&matched.and(&right), &allow, &deny),
                        );
                        let differ = if question.tri_state {
                            l != r
                        } else {
                            (l == Decision::Allow) != (r == Decision::Allow)
                        };
                        if differ {
                            let deciding = |d: Decision, side: &Bits| -> Vec<usize> {
                                let effect = match d {
                                    Decision::Allow => &allow,
                                    Decision::Deny => &deny,
                                    Decision::Neither => return Vec::new(),
                                };
                                matched.and(side).and(effect).ones().collect()
                            };
                            differences.push(Difference {
                                actions: members.clone(),
                                resource: resource.clone(),
                                context: keys
                                    .iter()
                                    .enumerate()
                                    .map(|(k, key)| {
                                        let supported =
                                            key.starts_with("aws:") || profile & (1 << k) != 0;
                                        (key.clone(), context[k].clone().filter(|_| supported))
                                    })
                                    .collect(),
                                caller: caller.clone(),
                                left: l,
                                right: r,
                                left_by: deciding(l, &left),
                                right_by: deciding(r, &right)
                                    .into_iter()
                                    .map(|i| i - split)
                                    .collect(),
                            });
                        }
                    }
                }
            }
        }
        Ok(differences)
    }
}

fn decide(matched: &Bits, allow: &Bits, deny: &Bits) -> Decision {
    if matched.meets(deny) {
        Decision::Deny
    } else if matched.meets(allow) {
        Decision::Allow
    } else {
        Decision::Neither
    }
}

#[cfg(test)]
mod tests {
    use super::super::matching::arn_like;
    use super::super::policy::{Origin, Patterns, Reason};
    use super::*;

    fn statement(effect: Effect, actions: &[&str], resources: &[&str]) -> Statement {
        Statement {
            effect,
            principals: None,
            actions: Patterns::of(actions.iter().copied()),
            resources: Some(Patterns::of(resources.iter().copied())),
            conditions: Vec::new(),
            origin: Origin::Entitled(Reason::Rule {
                rule: "test",
                subject: "test".into(),
            }),
        }
    }

    fn condition(test: Test, key: &str, values: &[&str]) -> Condition {
        Condition {
            test,
            if_exists: false,
            set: None,
            key: key.into(),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
            name: key.into(),
        }
    }

    fn compare(left: &[Statement], right: &[Statement]) -> Vec<Difference> {
        let mut symbols = Symbols::new();
        Evaluator::new(true)
            .compare(
                &Question {
                    left,
                    right,
                    services: &["s3", "kms"],
                    resources: Resources::Open,
                    callers: false,
                    tri_state: false,
                },
                &mut symbols,
            )
            .expect("small")
    }

    #[test]
    fn the_same_statements_agree_and_a_wider_one_does_not() {
        let put = statement(
            Effect::Allow,
            &["s3:PutObject"],
            &["arn:aws:s3:::b/daily/*"],
        );
        let one = std::slice::from_ref(&put);
        assert!(compare(one, one).is_empty());
        let wide = statement(Effect::Allow, &["s3:PutObject"], &["arn:aws:s3:::b/*"]);
        let found = compare(&[wide], one);
        // Every key outside daily/ is one class: one request shows it.
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].resource, "arn:aws:s3:::b/x");
        assert_eq!(
            (found[0].left, found[0].right),
            (Decision::Allow, Decision::Neither)
        );
        let star = statement(Effect::Allow, &["s3:*"], &["arn:aws:s3:::b/daily/*"]);
        let found = compare(&[star], &[put]);
        let names: Vec<&str> = found
            .iter()
            .flat_map(|d| d.actions.iter().map(|&a| catalog().actions[a].name))
            .collect();
        assert!(names.contains(&"s3:DeleteObject"));
        assert!(!names.contains(&"s3:PutObject"));
    }

    #[test]
    fn deny_wins_and_not_action_inverts() {
        let all = statement(Effect::Allow, &["s3:*"], &["*"]);
        let deny = statement(Effect::Deny, &["s3:DeleteObject"], &["*"]);
        let not_delete = Statement {
            actions: Patterns {
                negated: true,
                items: vec!["s3:DeleteObject".into()],
            },
            ..statement(Effect::Allow, &[], &["*"])
        };
        // `s3:*` minus a denied deletion is everything but the deletion in s3; `NotAction`
        // also allows every kms action, so only kms actions differ.
        let found = compare(&[all, deny], std::slice::from_ref(&not_delete));
        assert!(!found.is_empty());
        assert!(
            found
                .iter()
                .all(|d| catalog().actions[d.actions[0]].service == "kms"
                    && d.left == Decision::Neither
                    && d.right == Decision::Allow)
        );
    }

    #[test]
    fn conditions_decide() {
        let list = |values: &[&str]| Statement {
            conditions: vec![condition(Test::StringLike, "s3:prefix", values)],
            ..statement(Effect::Allow, &["s3:ListBucket"], &["arn:aws:s3:::b"])
        };
        assert!(compare(&[list(&["daily/*"])], &[list(&["daily/*"])]).is_empty());
        let found = compare(&[list(&["daily/*", "weekly/*"])], &[list(&["daily/*"])]);
        let prefixes: Vec<Option<&str>> = found.iter().map(|d| d.context[0].1.as_deref()).collect();
        // The samples inside `weekly/*`: allowed on the left only.
        assert_eq!(prefixes, [Some("weekly/x"), Some("weekly/")]);
        // Without the condition every prefix, and no prefix, is allowed.
        let found = compare(
            &[statement(
                Effect::Allow,
                &["s3:ListBucket"],
                &["arn:aws:s3:::b"],
            )],
            &[list(&["daily/*"])],
        );
        assert_eq!(found[0].context, [("s3:prefix".to_owned(), None)]);
        // A negated operator holds when the key is absent.
        let absent = condition(Test::StringNotEquals, "kms:viaservice", &["s3.x"]);
        assert!(holds(&absent, None));
        assert!(!holds(
            &condition(Test::StringEquals, "kms:viaservice", &["s3.x"]),
            None
        ));
        let null = condition(Test::Null, "aws:sourcearn", &["true"]);
        assert!(holds(&null, None) && !holds(&null, Some("a")));
        assert!(arn_like("arn:aws:s3:::*", "arn:aws:s3:::b"));
        assert!(!arn_like("arn:aws:s3:*", "arn:aws:s3:::b"));
    }
}
