//! Which nested stack each unit of a large stack goes to, when its CloudFormation template
//! would pass one of CloudFormation's limits on a template (resources, outputs, parameters,
//! size; `limits::CFN_*`).
//!
//! A unit is an item with everything drc writes for it: a bucket with its policy and key
//! (and its replication role), a function with its role, log group, invoke configuration,
//! alarms and managed policies, a schedule with its role, a queue or a topic with its key.
//! Units never straddle two nested stacks.
//!
//! The rule, stable when the stack grows: units are taken in declaration order (file, then
//! position), and each takes its kind's fixed number of slots, the most resources a unit of
//! that kind can be (`slots`), whatever its settings; a nested stack takes units until
//! the next would pass [`SLOTS_PER_PART`]. So a unit's nested stack depends only on the
//! kinds of the units declared before it: adding items at the end of the file, or changing
//! an item's settings, moves no unit. Only inserting or removing an item before others (or
//! replication or a managed policy added to or taken from one) shifts the units after it.
//!
//! ```text
//! bucket b0 {...}    function f0 {...}    schedule s0 {...}     -> part 1: 3 + 6 + 4 slots
//! ...                                                           -> part 1 until 500 slots
//! bucket b45 {...}                                              -> part 2
//! ```

use super::Layout;
use crate::check::limits;
use crate::check::model::Program;
use crate::iam::{Owner, Policies};
use crate::source::Span;
use std::collections::BTreeMap;

/// The slots one nested stack holds: CloudFormation's resource limit, so a part never has
/// more resources than a template may.
#[allow(
    clippy::cast_possible_truncation,
    reason = "500 fits any usize; `TryFrom` is not const"
)]
pub const SLOTS_PER_PART: usize = limits::CFN_RESOURCES.max as usize;

/// Where each unit goes when the stack is split: its part, from 0, by the span of its item's
/// name. Invariant: every unit of the program has its part, parts are numbered from 0 in
/// declaration order, and no part holds more than [`SLOTS_PER_PART`] slots.
#[derive(Debug, Clone, Default)]
pub struct Placement {
    parts: BTreeMap<Span, usize>,
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

/// Every unit of the program with its slots, in declaration order.
fn slots(program: &Program, policies: &Policies, layouts: &[Layout]) -> Vec<(Span, usize)> {
    let mut units = Vec::new();
    for bucket in program.buckets() {
        let replication = policies.replication_role(&bucket.name).is_some();
        let local = bucket.existing.is_none() && bucket.region.is_none();
        let slots =
            usize::from(local) * Slots::BUCKET + usize::from(replication) * Slots::REPLICATION;
        if slots > 0 {
            units.push((bucket.span, slots));
        }
    }
    for function in program.functions() {
        let owner = Owner::Function(function.name.clone());
        let managed = policies
            .position(&owner)
            .map_or(0, |i| layouts[i].managed_policies());
        units.push((function.span, Slots::FUNCTION + managed));
    }
    units.extend(
        program
            .schedules()
            .iter()
            .map(|s| (s.span, Slots::SCHEDULE)),
    );
    units.extend(program.queues().iter().map(|q| (q.span, Slots::QUEUE)));
    units.extend(program.topics().iter().map(|t| (t.span, Slots::TOPIC)));
    units.sort_by_key(|&(span, _)| span);
    units
}

/// Places every unit: first fit in declaration order, by slots (see the module's rule).
/// `layouts` are the roles' layouts, in the order of the policies' roles.
pub fn place(program: &Program, policies: &Policies, layouts: &[Layout]) -> Placement {
    let mut placement = Placement::default();
    let mut used = 0;
    for (span, slots) in slots(program, policies, layouts) {
        if placement.count == 0 || used + slots > SLOTS_PER_PART {
            placement.count += 1;
            used = 0;
        }
        used += slots;
        placement.parts.insert(span, placement.count - 1);
    }
    placement
}
