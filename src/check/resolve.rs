//! Names and references: declaring every name in one namespace (E0203), resolving a
//! reference or a target to an item of the expected kind with "did you mean" (E0401, E0402),
//! cycles of invocations, and collisions of logical IDs and function names.

use super::checker::Checker;
use super::kinds::KINDS;
use super::limits;
use super::model::{Bucket, Destination, EnvValue, Failure, Function, Kind, Reference, Text, Verb};
use super::words::article;
use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::names;
use crate::source::Span;
use crate::syntax::ast::{Ast, Ident, Value};
use std::collections::{BTreeMap, BTreeSet};

const REFERENCE_ATTRIBUTES: &[&str] = &["name", "arn", "url"];
/// Depth-first search for a path back to `start`; returns its edges (from, to, span).
pub(super) fn find_cycle(
    start: usize,
    at: usize,
    edges: &[Vec<(usize, Span)>],
    path: &mut Vec<(usize, usize, Span)>,
    visited: &mut [usize],
) -> Option<Vec<(usize, usize, Span)>> {
    for &(next, span) in &edges[at] {
        path.push((at, next, span));
        if next == start {
            return Some(path.clone());
        }
        if visited[next] != start {
            visited[next] = start;
            if let Some(cycle) = find_cycle(start, next, edges, path, visited) {
                return Some(cycle);
            }
        }
        path.pop();
    }
    None
}

/// `.name` and `.arn` of a bucket outside the stack are known now: they become literals.
pub(super) fn existing_references_to_literals(buckets: &[Bucket], functions: &mut [Function]) {
    // Each name's first bucket, as a scan finds it: one lookup per reference.
    let mut by_name: BTreeMap<&str, &Bucket> = BTreeMap::new();
    for bucket in buckets {
        by_name.entry(&bucket.name).or_insert(bucket);
    }
    for function in functions {
        for (_, value) in &mut function.env {
            let EnvValue::Ref(reference) = value else {
                continue;
            };
            let existing = by_name
                .get(reference.item.as_str())
                .filter(|_| reference.kind == Kind::Bucket)
                .and_then(|b| b.existing.as_ref());
            if let Some(existing) = existing {
                *value = EnvValue::Literal(match reference.attribute {
                    super::model::Attribute::Name => Text::literal(existing.name.clone()),
                    // A bucket has no `url` (E0403); its ARN is the nearest.
                    super::model::Attribute::Arn | super::model::Attribute::Url => {
                        Text::literal(existing.arn.clone())
                    }
                });
            }
        }
    }
}

/// For each function (by index), the functions it depends on and the span that makes it
/// depend on them. Function A depends on B when A's environment names B or A's role may invoke
/// B (the role's policy holds B's ARN). A cycle cannot be deployed on either target.
fn dependency_edges(functions: &[Function]) -> Vec<Vec<(usize, Span)>> {
    let index: BTreeMap<&str, usize> = functions
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name.as_str(), i))
        .collect();
    functions
        .iter()
        .map(|f| {
            let env = f.env.iter().filter_map(|(_, v)| match v {
                EnvValue::Ref(r) if r.kind == Kind::Function => Some((r.item.as_str(), r.span)),
                _ => None,
            });
            let invokes = f
                .accesses
                .iter()
                .filter(|a| a.verb == Verb::Invoke)
                .map(|a| (a.target.as_str(), a.span));
            env.chain(invokes)
                .filter_map(|(name, span)| index.get(name).map(|&i| (i, span)))
                .collect()
        })
        .collect()
}

impl<'a> Checker<'a> {
    pub(super) fn declare(&mut self, name: &'a Ident, kind: Kind) {
        if let Some((first_kind, first)) = self.names.get(name.text.as_str()).copied() {
            self.error(
                Diagnostic::new(
                    Code::E0203,
                    format!("the name `{}` is defined twice", name.text),
                    name.span,
                    format!("{} `{}` defined again here", kind.keyword(), name.text),
                )
                .with_label(
                    first,
                    format!("first defined here as a {}", first_kind.keyword()),
                )
                .with_help("names are shared by all items of a stack: rename one of them"),
            );
        } else {
            self.names.insert(&name.text, (kind, name.span));
        }
    }

    /// Reports an undefined name or a name of the wrong kind; true when it is fine.
    pub(super) fn expect_kind(
        &mut self,
        name: &str,
        span: Span,
        expected: Kind,
        why: &str,
    ) -> bool {
        match self.names.get(name).copied() {
            None => {
                let candidates: Vec<&str> = self
                    .names
                    .iter()
                    .filter(|(_, (k, _))| *k == expected)
                    .map(|(n, _)| *n)
                    .collect();
                let mut d = Diagnostic::new(
                    Code::E0401,
                    format!("no {} named `{name}`", expected.keyword()),
                    span,
                    "not defined in this stack",
                );
                d = if did_you_mean(name, candidates.iter().copied()).is_some() {
                    d.with_suggestion(name, candidates.iter().copied())
                } else {
                    d.with_help(format!(
                        "declare it with `{} {name} {{ ... }}`",
                        expected.keyword()
                    ))
                };
                self.error(d);
                false
            }
            Some((kind, declared)) if kind != expected => {
                // Queues and topics each take their own verb.
                let help = match (expected, kind) {
                    (Kind::Topic, Kind::Queue) => {
                        Some(format!("queues take `send`: `send {name}`"))
                    }
                    (Kind::Queue, Kind::Topic) => {
                        Some(format!("topics take `publish`: `publish {name}`"))
                    }
                    _ => None,
                };
                let mut d = Diagnostic::new(
                    Code::E0402,
                    format!(
                        "`{name}` is a {}, not a {}",
                        kind.keyword(),
                        expected.keyword()
                    ),
                    span,
                    why.to_owned(),
                )
                .with_label(
                    declared,
                    format!("`{name}` is declared as a {} here", kind.keyword()),
                );
                if let Some(help) = help {
                    d = d.with_help(help);
                }
                self.error(d);
                false
            }
            Some(_) => true,
        }
    }

    pub(super) fn resolve_reference(&mut self, reference: &mut Reference) {
        let item_span = Span {
            end: reference.span.start + u32::try_from(reference.item.len()).expect("short"),
            ..reference.span
        };
        let Some((kind, declared)) = self.names.get(reference.item.as_str()).copied() else {
            let candidates: Vec<&str> = self.names.keys().copied().collect();
            self.error(
                Diagnostic::new(
                    Code::E0401,
                    format!("`{}` is not defined", reference.item),
                    item_span,
                    "no bucket or function has this name",
                )
                .with_suggestion(&reference.item, candidates),
            );
            return;
        };
        if !matches!(
            kind,
            Kind::Bucket | Kind::Function | Kind::Queue | Kind::Topic
        ) {
            let mut d = Diagnostic::new(
                Code::E0402,
                format!("{} cannot be referenced", article(kind.keyword())),
                item_span,
                "only buckets, functions, queues and topics have a name and an ARN to pass",
            )
            .with_label(
                declared,
                format!("declared as {} here", article(kind.keyword())),
            );
            if kind == Kind::Param {
                d = d.with_help(format!(
                    "insert a parameter's value into a string: `\"${{{}}}\"`",
                    reference.item
                ));
            }
            self.error(d);
            return;
        }
        if self.existing.contains(reference.item.as_str()) {
            self.error(
                Diagnostic::new(
                    Code::E0422,
                    format!("`{}` is a function outside the stack", reference.item),
                    reference.span,
                    "drc does not know this function's attributes",
                )
                .with_label(declared, "declared with `existing` here")
                .with_help(
                    "write its name or ARN as a string instead, like `LEGACY = \"legacy-report\"`",
                ),
            );
            return;
        }
        if reference.attribute == super::model::Attribute::Url && kind != Kind::Queue {
            let start = item_span.end + 1;
            self.error(
                Diagnostic::new(
                    Code::E0403,
                    format!("{} has no `url`", article(kind.keyword())),
                    Span {
                        start,
                        ..reference.span
                    },
                    "only queues have a URL",
                )
                .with_label(
                    declared,
                    format!("declared as {} here", article(kind.keyword())),
                )
                .with_help("use `name` or `arn`"),
            );
            return;
        }
        reference.kind = kind;
    }

    /// Resolves `on_failure` and `dead_letter` (a queue or a topic) and `alarm` (a topic).
    pub(super) fn resolve_failure(&mut self, failure: &mut Failure) {
        let slots = [
            (
                &mut failure.on_failure,
                "on_failure",
                &[Kind::Queue, Kind::Topic][..],
            ),
            (
                &mut failure.dead_letter,
                "dead_letter",
                &[Kind::Queue, Kind::Topic][..],
            ),
            (&mut failure.alarm, "alarm", &[Kind::Topic][..]),
        ];
        for (slot, key, allowed) in slots {
            self.resolve_destination(slot, key, allowed);
        }
    }

    /// Resolves one failure destination to an item of an `allowed` kind; a destination of
    /// another kind (E0420) or with no such name (E0401) is reported and removed.
    fn resolve_destination(&mut self, slot: &mut Option<Destination>, key: &str, allowed: &[Kind]) {
        let Some(destination) = slot.as_mut() else {
            return;
        };
        let wanted = allowed
            .iter()
            .map(|k| k.keyword())
            .collect::<Vec<_>>()
            .join(" or ");
        match self.names.get(destination.target.as_str()).copied() {
            Some((kind, _)) if allowed.contains(&kind) => destination.kind = kind,
            Some((kind, declared)) => {
                let help = if key == "alarm" {
                    "declare a `topic` and write `alarm = <topic>`: the alarm notifies the topic"
                } else {
                    "failed events go to a `queue` or a `topic`: declare one and name it here"
                };
                self.error(
                    Diagnostic::new(
                        Code::E0420,
                        format!(
                            "`{key}` needs a {wanted}, but `{}` is a {}",
                            destination.target,
                            kind.keyword()
                        ),
                        destination.span,
                        format!("not a {wanted}"),
                    )
                    .with_label(
                        declared,
                        format!(
                            "`{}` is declared as a {} here",
                            destination.target,
                            kind.keyword()
                        ),
                    )
                    .with_help(help),
                );
                *slot = None;
            }
            None => {
                let candidates: Vec<&str> = self
                    .names
                    .iter()
                    .filter(|(_, (k, _))| allowed.contains(k))
                    .map(|(n, _)| *n)
                    .collect();
                let mut d = Diagnostic::new(
                    Code::E0401,
                    format!("no {wanted} named `{}`", destination.target),
                    destination.span,
                    "not defined in this stack",
                );
                d = if did_you_mean(&destination.target, candidates.iter().copied()).is_some() {
                    d.with_suggestion(&destination.target, candidates.iter().copied())
                } else {
                    d.with_help(format!(
                        "declare it with `{} {} {{ ... }}`",
                        allowed[0].keyword(),
                        destination.target
                    ))
                };
                self.error(d);
                *slot = None;
            }
        }
    }

    /// E0404: functions that depend on each other in a cycle, each cycle reported once.
    pub(super) fn check_cycles(&mut self, functions: &[Function]) {
        let edges = dependency_edges(functions);
        let mut reported: BTreeSet<Vec<usize>> = BTreeSet::new();
        // `visited[f] == start`: the search from `start` reached `f` (one vector for all).
        let mut visited = vec![usize::MAX; functions.len()];
        for start in 0..functions.len() {
            let mut path = Vec::new();
            if let Some(cycle) = find_cycle(start, start, &edges, &mut path, &mut visited) {
                let mut members: Vec<usize> = cycle.iter().map(|&(from, _, _)| from).collect();
                members.sort_unstable();
                if !reported.insert(members) {
                    continue;
                }
                if let [(only, _, span)] = cycle.as_slice() {
                    self.self_reference(&functions[*only], *span);
                } else {
                    self.dependency_cycle(functions, &cycle);
                }
            }
        }
    }

    /// E0404 for a function whose role may invoke it or whose environment names it.
    fn self_reference(&mut self, function: &Function, span: Span) {
        let invokes = function.accesses.iter().any(|a| a.span == span);
        let (label, help) = if invokes {
            (
                "a function cannot be granted to invoke itself",
                "invoke a second function, or loop inside the handler",
            )
        } else {
            (
                "a function's environment cannot hold its own name or ARN",
                "read the name from `AWS_LAMBDA_FUNCTION_NAME`, which Lambda sets for every function",
            )
        };
        self.error(
            Diagnostic::new(Code::E0404, format!("function `{}` refers to itself", function.name), span, label)
                .with_note("its role or environment would need its own ARN or name, which exist only after the role")
                .with_help(help),
        );
    }

    /// E0404 for a cycle of two or more functions, given by its edges (from, to, span).
    fn dependency_cycle(&mut self, functions: &[Function], cycle: &[(usize, usize, Span)]) {
        let names: Vec<&str> = cycle
            .iter()
            .map(|&(from, _, _)| functions[from].name.as_str())
            .collect();
        let (first_from, first_to, first_span) = cycle[0];
        let mut d = Diagnostic::new(
            Code::E0404,
            format!(
                "functions depend on each other in a cycle: {} -> {}",
                names.join(" -> "),
                names[0]
            ),
            first_span,
            format!(
                "`{}` needs `{}` to exist first",
                functions[first_from].name, functions[first_to].name
            ),
        );
        for &(from, to, span) in &cycle[1..] {
            d = d.with_label(
                span,
                format!(
                    "`{}` needs `{}` to exist first",
                    functions[from].name, functions[to].name
                ),
            );
        }
        self.error(
            d.with_note("each function's name, ARN or permissions refer to the next, so no order of creation works")
                .with_help("break the cycle, for example by passing a name as a fixed string instead of a reference"),
        );
    }

    pub(super) fn check_logical_ids(&mut self, asts: &[&Ast]) {
        // Logical IDs are the name's stem plus a suffix per kind (`AppDataBucket`), so only
        // two items of the same kind can collide.
        let mut seen: BTreeMap<(Kind, String), &Ident> = BTreeMap::new();
        for item in asts.iter().flat_map(|ast| &ast.items) {
            let Some(spec) = KINDS
                .iter()
                .find(|k| k.kind.keyword() == item.kind.text && k.kind != Kind::Stack)
            else {
                continue;
            };
            let stem = names::logical_stem(&item.name.text);
            if stem.is_empty() || !stem.starts_with(|c: char| c.is_ascii_alphabetic()) {
                self.error(
                    Diagnostic::new(
                        Code::E0209,
                        format!(
                            "`{}` cannot be turned into a CloudFormation logical ID",
                            item.name.text
                        ),
                        item.name.span,
                        "needs a letter after any leading underscores",
                    )
                    .with_help("start names with a letter, like `backups`"),
                );
                continue;
            }
            let longest = format!("{stem}{}", names::longest_id_suffix(spec.kind.keyword()));
            if longest.len() > usize::try_from(limits::LOGICAL_ID.max).expect("small") {
                self.error(
                    Diagnostic::new(
                        Code::E0541,
                        format!(
                            "`{}` gives a CloudFormation logical ID too long: `{longest}`",
                            item.name.text
                        ),
                        item.name.span,
                        format!("{} characters in the longest ID it gives", longest.len()),
                    )
                    .with_note(format!(
                        "logical IDs are at most {} characters ({})",
                        limits::LOGICAL_ID.max,
                        limits::LOGICAL_ID.source
                    ))
                    .with_help("shorten the name"),
                );
                continue;
            }
            let id = format!("{stem}{}", names::logical_stem(spec.kind.keyword()));
            match seen.get(&(spec.kind, stem.clone())) {
                Some(first) if first.text != item.name.text => {
                    self.error(
                        Diagnostic::new(
                            Code::E0208,
                            format!(
                                "`{}` and `{}` both become the logical ID `{id}`",
                                first.text, item.name.text
                            ),
                            item.name.span,
                            format!("becomes `{id}`"),
                        )
                        .with_label(first.span, format!("also becomes `{id}`"))
                        .with_note("logical IDs drop underscores and capitalise each word")
                        .with_help(
                            "rename one of them so they differ in more than case and underscores",
                        ),
                    );
                }
                Some(_) => {}
                None => {
                    seen.insert((spec.kind, stem), &item.name);
                }
            }
        }
    }

    /// `item.attribute` (`backups.name`, `copy.arn`): the reference, its attribute checked
    /// (E0403); the item is resolved in pass 3.
    pub(super) fn reference(&mut self, value: &Value, word: &str) -> Option<Reference> {
        let (item, attribute) = word.split_once('.').expect("contains a dot");
        let attribute = match attribute {
            "name" => super::model::Attribute::Name,
            "arn" => super::model::Attribute::Arn,
            "url" => super::model::Attribute::Url,
            other => {
                let start = value.span.start + u32::try_from(item.len() + 1).expect("short");
                self.error(
                    Diagnostic::new(
                        Code::E0403,
                        format!("unknown attribute `{other}` in a reference"),
                        Span {
                            start,
                            ..value.span
                        },
                        "not an attribute of a resource",
                    )
                    .with_note("buckets, functions, queues and topics have `name` and `arn`; queues also have `url`")
                    .with_suggestion(other, REFERENCE_ATTRIBUTES.iter().copied()),
                );
                return None;
            }
        };
        Some(Reference {
            item: item.to_owned(),
            kind: Kind::Bucket,
            attribute,
            span: value.span,
        })
    }
}
