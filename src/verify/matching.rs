//! What a statement matches: IAM's rules for one request against one statement (action,
//! resource, caller, conditions), a set of statements as the atomic statements it is the
//! union of, and the bit sets the evaluator decides requests with.

use super::policy::{
    Condition, Effect, Patterns, Principal, Principals, SetOperator, Statement, Test,
};
use super::symbol::glob;
use super::universe::Caller;
use std::collections::BTreeSet;

/// A set of statements, one bit each.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct Bits(Vec<u64>);

impl Bits {
    pub(super) fn new(n: usize) -> Self {
        Bits(vec![0; n.div_ceil(64)])
    }

    pub(super) fn all(n: usize) -> Self {
        let mut bits = Bits::new(n);
        for i in 0..n {
            bits.set(i);
        }
        bits
    }

    pub(super) fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }

    pub(super) fn and(&self, other: &Bits) -> Bits {
        Bits(self.0.iter().zip(&other.0).map(|(a, b)| a & b).collect())
    }

    pub(super) fn meets(&self, other: &Bits) -> bool {
        self.0.iter().zip(&other.0).any(|(a, b)| a & b != 0)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    pub(super) fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(w, word)| {
            (0..64)
                .filter(move |b| word & (1 << b) != 0)
                .map(move |b| w * 64 + b)
        })
    }
}

/// A condition, normalised: test, `...IfExists`, set operator, key, sorted values.
pub(super) type Clause = (Test, bool, Option<SetOperator>, String, Vec<String>);

/// One allow or deny of one action pattern on one resource pattern for one principal, under
/// conditions: the smallest statement.
pub(super) type Atom = (
    Effect,
    Option<Principal>,
    String,
    Option<String>,
    Vec<Clause>,
);

/// A set of statements as the atoms they are the union of: a statement with several
/// actions, resources or principals allows (or denies) each combination, and a single
/// condition with several values (a non-negated test) holds when one of them does. `None`
/// when a statement is not such a union (`NotAction`, `NotResource`, `NotPrincipal`).
pub(super) fn atoms(statements: &[Statement]) -> Option<BTreeSet<Atom>> {
    let mut out = BTreeSet::new();
    for statement in statements {
        if statement.actions.negated
            || statement.resources.as_ref().is_some_and(|r| r.negated)
            || statement.principals.as_ref().is_some_and(|p| p.negated)
        {
            return None;
        }
        let principals: Vec<Option<Principal>> = match &statement.principals {
            Some(p) => p.items.iter().cloned().map(Some).collect(),
            None => vec![None],
        };
        let resources: Vec<Option<String>> = match &statement.resources {
            Some(r) => r.items.iter().cloned().map(Some).collect(),
            None => vec![None],
        };
        let normal = |c: &Condition, values: Vec<String>| {
            let mut values = values;
            values.sort_unstable();
            values.dedup();
            (c.test, c.if_exists, c.set, c.key.clone(), values)
        };
        let conditions: Vec<Vec<Clause>> = match statement.conditions.as_slice() {
            [one] if !one.test.negated() && one.set.is_none() => one
                .values
                .iter()
                .map(|v| vec![normal(one, vec![v.clone()])])
                .collect(),
            all => vec![all.iter().map(|c| normal(c, c.values.clone())).collect()],
        };
        for principal in &principals {
            for action in &statement.actions.items {
                for resource in &resources {
                    for condition in &conditions {
                        let mut condition = condition.clone();
                        condition.sort();
                        out.insert((
                            statement.effect,
                            principal.clone(),
                            action.to_ascii_lowercase(),
                            resource.clone(),
                            condition,
                        ));
                    }
                }
            }
        }
    }
    Some(out)
}

/// `Resource` / `NotResource` against a resource (whole-string wildcards).
pub fn resource_matches(patterns: &Patterns, resource: &str) -> bool {
    patterns.items.iter().any(|p| glob(p, resource)) != patterns.negated
}

/// `Principal` / `NotPrincipal` against a caller. A statement without either matches no
/// caller (it is not a valid trust or resource policy statement).
pub(super) fn caller_matches(principals: Option<&Principals>, caller: &Caller) -> bool {
    let Some(principals) = principals else {
        return false;
    };
    let any = principals.items.iter().any(|p| match (p, caller) {
        (Principal::Anyone, _) => true,
        (Principal::Account(a), Caller::Iam { account, .. }) => a == account,
        (Principal::Arn(x), Caller::Iam { arn, .. }) => x == arn,
        (Principal::Service(s), Caller::Service(c)) => s.eq_ignore_ascii_case(c),
        _ => false,
    });
    any != principals.negated
}

/// One condition, given the key's value in the request (`None`: absent).
pub(super) fn holds(condition: &Condition, value: Option<&str>) -> bool {
    let Some(value) = value else {
        return match condition.test {
            Test::Null => condition
                .values
                .iter()
                .any(|v| v.eq_ignore_ascii_case("true")),
            _ if condition.if_exists => true,
            _ if condition.set == Some(SetOperator::AllValues) => true,
            test => test.negated(),
        };
    };
    let one = |pattern: &str| -> bool {
        match condition.test {
            Test::StringEquals | Test::StringNotEquals => pattern == value,
            Test::StringEqualsIgnoreCase | Test::StringNotEqualsIgnoreCase => {
                pattern.eq_ignore_ascii_case(value)
            }
            Test::StringLike | Test::StringNotLike => glob(pattern, value),
            Test::ArnLike | Test::ArnNotLike => arn_like(pattern, value),
            Test::Bool => pattern.eq_ignore_ascii_case(value),
            Test::Null => pattern.eq_ignore_ascii_case("false"),
        }
    };
    let any = condition.values.iter().any(|p| one(p));
    if condition.test.negated() { !any } else { any }
}

/// `ArnLike`: each of the six colon-separated parts matched on its own.
pub(super) fn arn_like(pattern: &str, arn: &str) -> bool {
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let a: Vec<&str> = arn.splitn(6, ':').collect();
    p.len() == a.len() && p.iter().zip(&a).all(|(p, a)| glob(p, a))
}
