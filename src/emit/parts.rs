//! Which nested stack each unit of a large stack goes to, when its CloudFormation template
//! would pass one of CloudFormation's limits on a template (resources, outputs, parameters,
//! size; `limits::CFN_*`).
//!
//! A unit is an item with everything drc writes for it: a bucket with its policy and key
//! (and its replication role), a function with its role, log group, invoke configuration,
//! alarms and managed policies, a schedule with its role, a queue or a topic with its key.
//! Units never straddle two nested stacks.
//!
//! The rule has two steps, and both are stable when the stack grows at the end:
//!
//! 1. **Order.** Units are taken in declaration order (file, then position), except that a
//!    unit's dependencies (the units whose values it uses) come first: a depth-first walk
//!    from each unit in declaration order, which writes a unit after the units it uses.
//!    Units that use each other (none do today: `E0404` refuses such functions) would be
//!    one group, always in one part. So a part uses values only of parts before it, and
//!    the root template's nested stacks never depend on each other in a cycle, which
//!    CloudFormation refuses.
//! 2. **Fill.** Each unit takes its kind's fixed number of slots, the most resources a
//!    unit of that kind can be whatever its settings ([`slots`]). A part takes units in
//!    that order until the next would pass [`SLOTS_PER_PART`] slots or CloudFormation's
//!    200 parameters (the values it uses from earlier parts, and the root's parameters),
//!    then ends at the last of them where it had at most 200 outputs (the values later
//!    units and the root use, and drc's own outputs: a unit joining can take outputs
//!    away, so the first unit past 200 is not the end); the next part starts after it.
//!
//! A unit's part depends only on the units ordered before it, and a unit declared at the end
//! of the file that no earlier unit uses is ordered after every earlier unit: adding items
//! at the end moves no unit (unless a part is at 200 outputs and the new item uses one more
//! of its values). Inserting or removing an item before others, or changing what an item
//! uses, can shift the units after it.
//!
//! ```text
//! bucket b0 {...}  function f0 { put b1 }  schedule s0 {...}  bucket b1 {...}
//!   order: b0, b1, f0, s0 (f0 uses b1, so b1 comes before it)
//!   part 1: 3 + 3 + 6 + 4 slots, ... until 500 slots, 200 parameters or 200 outputs
//! ```

use super::{Layout, Stack};
use crate::check::limits;
use crate::check::model::Program;
use crate::diagnostics::{Code, Diagnostic};
use crate::iam::{Owner, Policies};
use crate::source::Span;
use std::collections::{HashMap, HashSet};

/// The slots one nested stack holds: CloudFormation's resource limit, so a part never has
/// more resources than a template may.
#[allow(
    clippy::cast_possible_truncation,
    reason = "500 fits any usize; `TryFrom` is not const"
)]
pub const SLOTS_PER_PART: usize = limits::CFN_RESOURCES.max as usize;

/// The parameters one nested stack declares, at most: CloudFormation's limit.
#[allow(
    clippy::cast_possible_truncation,
    reason = "200 fits any usize; `TryFrom` is not const"
)]
pub const PARAMETERS_PER_PART: usize = limits::CFN_PARAMETERS.max as usize;

/// The outputs one nested stack declares, at most: CloudFormation's limit.
#[allow(
    clippy::cast_possible_truncation,
    reason = "200 fits any usize; `TryFrom` is not const"
)]
pub const OUTPUTS_PER_PART: usize = limits::CFN_OUTPUTS.max as usize;

/// Where each unit goes when the stack is split: its part, from 0, by the span of its item's
/// name. Invariant: every unit of the program has its part, a part uses values only of
/// parts before it, and no part holds more than [`SLOTS_PER_PART`] slots,
/// [`PARAMETERS_PER_PART`] parameters or [`OUTPUTS_PER_PART`] outputs.
#[derive(Debug, Clone, Default)]
pub struct Placement {
    parts: HashMap<Span, usize>,
    count: usize,
}

impl Placement {
    /// The part of the unit whose item's name is at `span`.
    pub fn part(&self, span: Span) -> usize {
        *self
            .parts
            .get(&span)
            .expect("every unit of the program is placed")
    }

    /// How many nested stacks the split makes.
    pub fn count(&self) -> usize {
        self.count
    }
}

/// What one unit asks of the part it goes to.
#[derive(Debug, Clone)]
pub struct Demand {
    /// The span of its item's name.
    pub key: Span,
    /// The values of other units it uses: the owning unit's key and the value's name (the
    /// name of the output and parameter that carry it between parts).
    pub values: Vec<(Span, String)>,
    /// The root template's parameters it uses, by name.
    pub parameters: Vec<String>,
    /// The outputs it has wherever it goes: drc's own outputs of its resources, and the
    /// values the root's `output` items use.
    pub outputs: Vec<String>,
}

/// A unit that does not fit a nested stack even alone: it needs more parameters or outputs
/// than CloudFormation allows one template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overflow {
    /// The span of its item's name.
    pub key: Span,
    /// The parameters it needs, alone in a part.
    pub parameters: usize,
    /// The outputs it needs, alone in a part.
    pub outputs: usize,
}

/// The slots of each kind of unit: the most resources it can be, except what depends on
/// a choice that is rare to change (replication, managed policies), which counts as it is.
struct Slots;

impl Slots {
    /// Bucket, policy, key.
    const BUCKET: usize = 3;
    /// A replication role and its policy.
    const REPLICATION: usize = 2;
    /// Function, role, log group, invoke configuration, error alarm, failure-queue alarm.
    const FUNCTION: usize = 6;
    /// Schedule, role, dead-letter queue, the queue's alarm.
    const SCHEDULE: usize = 4;
    /// Queue, key.
    const QUEUE: usize = 2;
    /// Topic, key, subscription.
    const TOPIC: usize = 3;
}

/// Every unit of the program with its slots, by the span of its item's name.
/// `layouts` are the roles' layouts, in the order of the policies' roles.
pub fn slots(program: &Program, policies: &Policies, layouts: &[Layout]) -> HashMap<Span, usize> {
    let mut units = HashMap::new();
    for bucket in program.buckets() {
        let replication = policies.replication_role(&bucket.name).is_some();
        let local = bucket.existing.is_none() && bucket.region.is_none();
        let slots =
            usize::from(local) * Slots::BUCKET + usize::from(replication) * Slots::REPLICATION;
        if slots > 0 {
            units.insert(bucket.span, slots);
        }
    }
    for function in program.functions() {
        let owner = Owner::Function(function.name.clone());
        let managed = policies
            .position(&owner)
            .map_or(0, |i| layouts[i].managed_policies());
        units.insert(function.span, Slots::FUNCTION + managed);
    }
    units.extend(
        program
            .schedules()
            .iter()
            .map(|s| (s.span, Slots::SCHEDULE)),
    );
    units.extend(program.queues().iter().map(|q| (q.span, Slots::QUEUE)));
    units.extend(program.topics().iter().map(|t| (t.span, Slots::TOPIC)));
    units
}

/// The fewest parts the program's units can take, by slots alone: what `drc check` knows
/// before any template is written. [`place`] may need more when parameters or outputs fill
/// a part first.
pub fn fewest(program: &Program, policies: &Policies, layouts: &[Layout]) -> usize {
    slots(program, policies, layouts)
        .values()
        .sum::<usize>()
        .div_ceil(SLOTS_PER_PART)
}

/// Why units cannot be placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaceError {
    /// More parts than the root template holds (one resource each): how many.
    Parts(usize),
    /// A unit that does not fit a part even alone.
    Overflow(Overflow),
}

/// Places every unit of `demands`, which are in declaration order (see the module's rule).
/// `slots` gives each unit's slots (see [`slots`]), by its key.
pub fn place(demands: &[Demand], slots: impl Fn(Span) -> usize) -> Result<Placement, PlaceError> {
    assert!(
        demands.windows(2).all(|w| w[0].key < w[1].key),
        "demands come in declaration order, one per unit"
    );
    let graph = Graph::new(demands);
    let groups = graph.groups();
    let group_slots: Vec<usize> = groups
        .iter()
        .map(|group| group.iter().map(|&u| slots(demands[u].key)).sum())
        .collect();
    let mut fill = Fill::new(&graph);
    let mut next = 0;
    while next < groups.len() {
        // Fill a part while slots and parameters allow, then keep the longest run of it
        // whose outputs fit: a unit joining the part can take outputs away (its values are
        // no longer needed elsewhere), so the first unit past 200 outputs is not the end.
        fill.open();
        let mut added = Vec::new();
        let mut fitting = 0;
        for (g, group) in groups.iter().enumerate().skip(next) {
            let tally = fill.tally(group);
            if !fill.has_room(&tally, group_slots[g]) {
                break;
            }
            let outputs = tally.outputs;
            added.push((g, fill.commit(group, group_slots[g], tally)));
            if outputs <= OUTPUTS_PER_PART {
                fitting = added.len();
            }
        }
        for (g, taken) in added.drain(fitting..).rev() {
            fill.undo(&groups[g], taken);
        }
        if fitting == 0 {
            let alone = fill.tally(&groups[next]);
            return Err(PlaceError::Overflow(Overflow {
                key: demands[groups[next][0]].key,
                parameters: alone.parameters.len(),
                outputs: alone.outputs,
            }));
        }
        next += fitting;
    }
    // The root template holds one resource per part.
    if fill.count > SLOTS_PER_PART {
        return Err(PlaceError::Parts(fill.count));
    }
    let parts = demands
        .iter()
        .zip(&fill.part_of)
        .map(|(demand, part)| (demand.key, part.expect("every group is placed")))
        .collect();
    Ok(Placement {
        parts,
        count: fill.count,
    })
}

/// Why a split stack cannot be placed: more than 500 nested stacks, or a unit that does not
/// fit one alone.
pub(super) fn placement_error(stack: &Stack<'_>, error: PlaceError) -> Diagnostic {
    match error {
        PlaceError::Parts(count) => too_many_parts(stack.program, &stack.layouts, count, false)
            .expect("more parts than the root holds"),
        PlaceError::Overflow(overflow) => unit_overflow(stack.program, &overflow),
    }
}

/// The error for a stack too large even for nested stacks: the root template holds one
/// resource per nested stack, so at most 500 of them. `parts` is how many the split takes,
/// or the fewest it can take (`at_least`) when the templates are not written yet.
pub(super) fn too_many_parts(
    program: &Program,
    layouts: &[Layout],
    parts: usize,
    at_least: bool,
) -> Option<Diagnostic> {
    let max = usize::try_from(limits::CFN_RESOURCES.max).expect("small");
    let count = super::resource_count(program, layouts);
    (parts > max).then(|| {
        Diagnostic::new(
            Code::E0501,
            format!("this stack needs {count} CloudFormation resources"),
            program.stack.span,
            format!("more than {max} nested stacks of {max} resources can hold"),
        )
        .with_note(format!(
            "drc splits a stack past one template into nested stacks, {}{parts} of them here, and the root template holds at most {max}; see {}",
            if at_least { "at least " } else { "" },
            limits::CFN_RESOURCES.source
        ))
        .with_help("split the file into several stacks")
    })
}

/// The error for a unit that does not fit a nested stack even alone: the values it takes
/// from other nested stacks, or those it gives them, pass CloudFormation's 200 parameters
/// or 200 outputs of a template.
fn unit_overflow(program: &Program, overflow: &Overflow) -> Diagnostic {
    let (what, count, limit) = if overflow.parameters > PARAMETERS_PER_PART {
        ("parameters", overflow.parameters, limits::CFN_PARAMETERS)
    } else {
        ("outputs", overflow.outputs, limits::CFN_OUTPUTS)
    };
    // Once, on the way to an error: a scan is fine.
    let name = program
        .buckets()
        .iter()
        .map(|b| (b.span, &b.name))
        .chain(program.functions().iter().map(|f| (f.span, &f.name)))
        .chain(program.schedules().iter().map(|s| (s.span, &s.name)))
        .chain(program.queues().iter().map(|q| (q.span, &q.name)))
        .chain(program.topics().iter().map(|t| (t.span, &t.name)))
        .find_map(|(span, name)| (span == overflow.key).then_some(name))
        .expect("an overflowing unit is an item of the program");
    Diagnostic::new(
        Code::E0502,
        format!("`{name}` needs {count} {what} in the nested stack it goes to"),
        overflow.key,
        format!(
            "more than the {} {what} of a CloudFormation template",
            limit.max
        ),
    )
    .with_note(format!(
        "this stack is split into nested stacks, and each value an item uses from another nested stack is a parameter of its own, each value it gives one an output; see {}",
        limit.source
    ))
    .with_help("split the item's work between several items, each using fewer of the others")
}

/// A parameter of a part: a value of another part, or a parameter of the root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Parameter {
    Value(usize),
    Root(usize),
}

/// The demands as numbers: units by index (declaration order), values and the root's
/// parameters by index.
struct Graph {
    /// The units each unit uses, in declaration order, without itself.
    edges: Vec<Vec<usize>>,
    /// The values of other units each unit uses, and the root's parameters, each once.
    uses: Vec<Vec<Parameter>>,
    /// Each value's unit.
    owner: Vec<usize>,
    /// The values each unit owns.
    owns: Vec<Vec<usize>>,
    /// How many units other than its owner use each value.
    users: Vec<usize>,
    /// Whether a value is an output wherever its users are.
    fixed: Vec<bool>,
}

impl Graph {
    fn new(demands: &[Demand]) -> Graph {
        let index: HashMap<Span, usize> = demands
            .iter()
            .enumerate()
            .map(|(i, d)| (d.key, i))
            .collect();
        let mut graph = Graph {
            edges: vec![Vec::new(); demands.len()],
            uses: vec![Vec::new(); demands.len()],
            owner: Vec::new(),
            owns: vec![Vec::new(); demands.len()],
            users: Vec::new(),
            fixed: Vec::new(),
        };
        let mut values: HashMap<&str, usize> = HashMap::new();
        for (unit, demand) in demands.iter().enumerate() {
            for name in &demand.outputs {
                let v = graph.value(&mut values, unit, name);
                graph.fixed[v] = true;
            }
        }
        let mut roots: HashMap<&str, usize> = HashMap::new();
        for (unit, demand) in demands.iter().enumerate() {
            let mut seen = HashSet::new();
            for (key, name) in &demand.values {
                let owner = *index
                    .get(key)
                    .expect("a unit uses values only of the program's units");
                if owner == unit {
                    continue;
                }
                let v = graph.value(&mut values, owner, name);
                if seen.insert(Parameter::Value(v)) {
                    graph.users[v] += 1;
                    graph.uses[unit].push(Parameter::Value(v));
                    graph.edges[unit].push(owner);
                }
            }
            for name in &demand.parameters {
                let next = roots.len();
                let root = Parameter::Root(*roots.entry(name.as_str()).or_insert(next));
                if seen.insert(root) {
                    graph.uses[unit].push(root);
                }
            }
            graph.edges[unit].sort_unstable();
            graph.edges[unit].dedup();
        }
        graph
    }

    /// The index of the value `name` of unit `owner`, given one the first time it is seen.
    fn value<'d>(
        &mut self,
        values: &mut HashMap<&'d str, usize>,
        owner: usize,
        name: &'d str,
    ) -> usize {
        *values.entry(name).or_insert_with(|| {
            self.owner.push(owner);
            self.owns[owner].push(self.users.len());
            self.users.push(0);
            self.fixed.push(false);
            self.users.len() - 1
        })
    }

    /// The units in groups, in the rule's order: a depth-first walk from each unit in
    /// declaration order, each group after the groups it uses. A group is one unit, or units
    /// that use each other (a strongly connected component, found as Tarjan's algorithm
    /// does; iterative, so a long chain of uses cannot exhaust the stack).
    fn groups(&self) -> Vec<Vec<usize>> {
        const UNSEEN: usize = usize::MAX;
        let n = self.edges.len();
        let mut order = vec![UNSEEN; n];
        let mut low = vec![0; n];
        let mut open = vec![false; n];
        let mut stack = Vec::new();
        let mut groups = Vec::new();
        let mut next = 0;
        for root in 0..n {
            if order[root] != UNSEEN {
                continue;
            }
            // (unit, how many of its edges are walked)
            let mut walk = vec![(root, 0)];
            order[root] = next;
            low[root] = next;
            next += 1;
            stack.push(root);
            open[root] = true;
            while let Some(&mut (unit, ref mut walked)) = walk.last_mut() {
                if let Some(&used) = self.edges[unit].get(*walked) {
                    *walked += 1;
                    if order[used] == UNSEEN {
                        order[used] = next;
                        low[used] = next;
                        next += 1;
                        stack.push(used);
                        open[used] = true;
                        walk.push((used, 0));
                    } else if open[used] {
                        low[unit] = low[unit].min(order[used]);
                    }
                    continue;
                }
                walk.pop();
                if let Some(&(caller, _)) = walk.last() {
                    low[caller] = low[caller].min(low[unit]);
                }
                if low[unit] == order[unit] {
                    let mut group = Vec::new();
                    while let Some(member) = stack.pop() {
                        open[member] = false;
                        group.push(member);
                        if member == unit {
                            break;
                        }
                    }
                    group.sort_unstable();
                    groups.push(group);
                }
            }
        }
        groups
    }
}

/// The filling: the open part (the last), and what it holds so far.
struct Fill<'g> {
    graph: &'g Graph,
    /// Each unit's part, once placed.
    part_of: Vec<Option<usize>>,
    /// How many parts are open or closed.
    count: usize,
    slots: usize,
    parameters: HashSet<Parameter>,
    outputs: usize,
    /// For each value, how many of its users are not in the open part.
    outside: Vec<usize>,
}

/// What a group adds to the open part.
struct Tally {
    parameters: Vec<Parameter>,
    outputs: usize,
    /// The values of the open part or the group that the group uses, and how many of its
    /// units use each.
    inside: HashMap<usize, usize>,
}

impl<'g> Fill<'g> {
    fn new(graph: &'g Graph) -> Fill<'g> {
        Fill {
            graph,
            part_of: vec![None; graph.edges.len()],
            count: 0,
            slots: 0,
            parameters: HashSet::new(),
            outputs: 0,
            outside: graph.users.clone(),
        }
    }

    /// Whether `group` (of `slots` slots, adding `tally`) has room in the open part: its
    /// slots and parameters. Outputs are for the caller, which can wait for units that take
    /// some away.
    fn has_room(&self, tally: &Tally, slots: usize) -> bool {
        self.slots + slots <= SLOTS_PER_PART
            && self.parameters.len() + tally.parameters.len() <= PARAMETERS_PER_PART
    }

    /// Puts `group` (of `slots` slots, adding `tally`) in the open part; what it took off
    /// `outside`, for [`Fill::undo`].
    fn commit(&mut self, group: &[usize], slots: usize, tally: Tally) -> Vec<(usize, usize)> {
        let here = self.count - 1;
        for &unit in group {
            self.part_of[unit] = Some(here);
        }
        self.slots += slots;
        self.parameters.extend(tally.parameters);
        self.outputs = tally.outputs;
        let taken: Vec<(usize, usize)> = tally.inside.into_iter().collect();
        for &(value, users) in &taken {
            self.outside[value] -= users;
        }
        taken
    }

    /// Takes `group` back out of the open part, which is about to close without it (its
    /// slots, parameters and outputs are not restored: the next part starts empty).
    fn undo(&mut self, group: &[usize], taken: Vec<(usize, usize)>) {
        for &unit in group {
            self.part_of[unit] = None;
        }
        for (value, users) in taken {
            self.outside[value] += users;
        }
    }

    /// Closes the open part, if any, and opens an empty one.
    fn open(&mut self) {
        self.count += 1;
        self.slots = 0;
        self.parameters.clear();
        self.outputs = 0;
    }

    /// What `group` would add to the open part.
    fn tally(&self, group: &[usize]) -> Tally {
        let graph = self.graph;
        let here = Some(self.count - 1);
        let inside_part = |unit: usize| group.contains(&unit) || self.part_of[unit] == here;
        let mut parameters = Vec::new();
        let mut inside: HashMap<usize, usize> = HashMap::new();
        for &unit in group {
            for &parameter in &graph.uses[unit] {
                match parameter {
                    Parameter::Value(value) if inside_part(graph.owner[value]) => {
                        *inside.entry(value).or_default() += 1;
                    }
                    _ => {
                        if !self.parameters.contains(&parameter) && !parameters.contains(&parameter)
                        {
                            parameters.push(parameter);
                        }
                    }
                }
            }
        }
        let is_output = |value: usize, outside: usize| graph.fixed[value] || outside > 0;
        let mut outputs = self.outputs;
        for (&value, &users) in &inside {
            if !group.contains(&graph.owner[value])
                && is_output(value, self.outside[value])
                && !is_output(value, self.outside[value] - users)
            {
                outputs -= 1;
            }
        }
        for &unit in group {
            for &value in &graph.owns[unit] {
                let users = inside.get(&value).copied().unwrap_or(0);
                outputs += usize::from(is_output(value, self.outside[value] - users));
            }
        }
        Tally {
            parameters,
            outputs,
            inside,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn key(i: u32) -> Span {
        Span {
            file: FileId(0),
            start: 10 * i,
            end: 10 * i + 1,
        }
    }

    /// Unit `i` of `n`, using the values `uses` names (owner, value name), each unit one slot.
    fn demand(i: u32, uses: &[(u32, &str)]) -> Demand {
        Demand {
            key: key(i),
            values: uses.iter().map(|&(o, v)| (key(o), v.to_owned())).collect(),
            parameters: Vec::new(),
            outputs: Vec::new(),
        }
    }

    fn one_slot_each(_: Span) -> usize {
        1
    }

    /// Each part's parameters and outputs, counted from the placement as the templates
    /// would declare them.
    fn counts(demands: &[Demand], placement: &Placement) -> Vec<(usize, usize)> {
        let mut parameters = vec![HashSet::new(); placement.count()];
        let mut outputs = vec![HashSet::new(); placement.count()];
        for demand in demands {
            let here = placement.part(demand.key);
            for (owner, value) in &demand.values {
                let there = placement.part(*owner);
                assert!(there <= here, "a part uses values only of parts before it");
                if there != here {
                    parameters[here].insert(value.clone());
                    outputs[there].insert(value.clone());
                }
            }
        }
        parameters
            .iter()
            .zip(&outputs)
            .map(|(p, o)| (p.len(), o.len()))
            .collect()
    }

    #[test]
    fn a_unit_comes_after_the_units_it_uses_even_declared_later() {
        // f0 (unit 1) puts into b1 (unit 3). In declaration order, two units of 250 slots
        // to a part, b0 and f0 would be part 1 and s0 and b1 part 2: part 1 would use b1's
        // value from part 2 and part 2 f0's from part 1, a cycle. b1 comes before f0.
        let demands = [
            demand(0, &[]),
            demand(1, &[(0, "B0Arn"), (3, "B1Arn")]),
            demand(2, &[(1, "F0Arn")]),
            demand(3, &[]),
        ];
        let placement = place(&demands, |_| 250).expect("fits");
        let parts: Vec<usize> = (0..4).map(|i| placement.part(key(i))).collect();
        assert_eq!(parts, [0, 1, 1, 0]);
        // f0 takes b0's and b1's values from part 1, which outputs them.
        assert_eq!(counts(&demands, &placement), [(0, 2), (2, 0)]);
    }

    #[test]
    fn units_that_use_each_other_share_a_part() {
        let demands = [
            demand(0, &[(2, "CArn")]),
            demand(1, &[]),
            demand(2, &[(0, "AArn")]),
        ];
        let placement = place(&demands, |_| 200).expect("fits");
        // a and c are one group of 400 slots, after nothing: part 1; b does not fit there.
        let parts: Vec<usize> = (0..3).map(|i| placement.part(key(i))).collect();
        assert_eq!(parts, [0, 1, 0]);
    }

    /// `producers` units of one value each, then `fillers` units of none, then one unit
    /// using every producer's value.
    fn producers_fillers_user(producers: u32, fillers: u32, names: &[String]) -> Vec<Demand> {
        let mut demands: Vec<Demand> = (0..producers + fillers).map(|i| demand(i, &[])).collect();
        let uses: Vec<(u32, &str)> = (0..producers)
            .map(|i| (i, names[i as usize].as_str()))
            .collect();
        demands.push(demand(producers + fillers, &uses));
        demands
    }

    #[test]
    fn a_user_that_takes_its_values_in_brings_the_outputs_back_within_200() {
        // 250 values used by the last unit: 250 outputs until it joins, then none.
        let names: Vec<String> = (0..250).map(|i| format!("V{i}")).collect();
        let demands = producers_fillers_user(250, 0, &names);
        let placement = place(&demands, one_slot_each).expect("fits");
        assert_eq!(placement.count(), 1);
        assert_eq!(counts(&demands, &placement), [(0, 0)]);
    }

    #[test]
    fn a_part_ends_where_its_outputs_last_fit_and_parameters_stay_within_200() {
        // 250 values, 300 units of none, and their user, which no longer fits the first
        // part: that part ends after the 200th value, the last point within 200 outputs.
        let names: Vec<String> = (0..401).map(|i| format!("V{i}")).collect();
        let demands = producers_fillers_user(250, 300, &names);
        let placement = place(&demands, one_slot_each).expect("fits");
        assert_eq!(placement.count(), 2);
        assert_eq!(placement.part(key(199)), 0);
        assert_eq!(placement.part(key(200)), 1);
        assert_eq!(counts(&demands, &placement), [(0, 200), (200, 0)]);
        // 401 values and 500 units of none: two parts of 200 outputs, a third of one, and
        // the user would take all 401 as parameters even alone in a fourth.
        let demands = producers_fillers_user(401, 500, &names);
        assert_eq!(
            place(&demands, one_slot_each).map(|p| p.count()),
            Err(PlaceError::Overflow(Overflow {
                key: key(901),
                parameters: 401,
                outputs: 0
            }))
        );
    }

    #[test]
    fn a_part_closes_at_500_slots_and_at_most_500_parts_are_placed() {
        let demands: Vec<Demand> = (0..600).map(|i| demand(i, &[])).collect();
        let placement = place(&demands, one_slot_each).expect("fits");
        assert_eq!(placement.count(), 2);
        assert_eq!(placement.part(key(499)), 0);
        assert_eq!(placement.part(key(500)), 1);
        assert_eq!(
            place(&demands[..501], |_| 500).map(|p| p.count()),
            Err(PlaceError::Parts(501))
        );
    }

    #[test]
    fn units_added_at_the_end_move_no_unit() {
        // A chain of uses forward and back, three parts' worth, then ten more units that
        // use earlier ones.
        let names: Vec<String> = (0..1200).map(|i| format!("V{i}")).collect();
        let make = |n: u32| -> Vec<Demand> {
            (0..n)
                .map(|i| {
                    let mut uses = Vec::new();
                    if i % 3 == 1 && i + 2 < n {
                        uses.push((i + 2, names[(i + 2) as usize].as_str()));
                    }
                    if i > 0 {
                        uses.push((i - 1, names[(i - 1) as usize].as_str()));
                    }
                    demand(i, &uses)
                })
                .collect()
        };
        let before = make(1190);
        let after = make(1200);
        let first = place(&before, |_| 2).expect("fits");
        let second = place(&after, |_| 2).expect("fits");
        assert!(first.count() >= 3);
        counts(&after, &second);
        // The last unit of `before` (1189) used nothing after it; units up to it keep their
        // part, except those whose forward use changed (none: i + 2 < 1190 held before).
        for i in 0..1188 {
            assert_eq!(first.part(key(i)), second.part(key(i)), "unit {i} moved");
        }
    }
}
