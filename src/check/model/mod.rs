//! The checked model: what a `.dr` file means, with every value typed, every unit converted,
//! every name resolved. Invariant: a [`Program`] exists only if checking found no error, so
//! later stages never re-validate and never see a dangling reference.

mod bucket;
mod function;
mod messaging;
mod schedule;
mod stack;
mod text;
mod vocabulary;

use crate::source::FileId;
pub use bucket::{
    AccessLogs, Bucket, Encryption, Existing, Lifecycle, LifecycleRule, LockMode, ObjectLock,
    OtherRegion, Replication, Retention, Transition,
};
pub use function::{
    Access, Attribute, Destination, EnvValue, ExistingFunction, Failure, Function, Reference,
};
pub use messaging::{Queue, QueueEncryption, Topic};
pub use schedule::{Schedule, ScheduleExpression};
pub use stack::{Objectives, Output, Stack};
use std::collections::BTreeMap;
pub use text::{Param, ParamType, ParamValue, Text, TextPart};
pub use vocabulary::{ACCOUNT, Kind, PARTITION, REGION, Tags, Verb};

/// A checked stack.
///
/// Its items are read through accessors: the indexes that find an item by name are built
/// once, by [`Program::new`], and nothing can change the items after that.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    /// The file it came from.
    pub file: FileId,
    /// Stack-wide settings.
    pub stack: Stack,
    items: Items,
    index: Index,
    /// The warnings `allow` lines silenced, in reading order, each with its reason: set by
    /// the checker once the whole stack is checked.
    pub silenced: Vec<super::allow::Silenced>,
}

/// The items of a checked stack, each kind in source order: what [`Program::new`] indexes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Items {
    /// Buckets.
    pub buckets: Vec<Bucket>,
    /// Functions.
    pub functions: Vec<Function>,
    /// Schedules.
    pub schedules: Vec<Schedule>,
    /// Parameters left open for deploy time (those fixed by `--set` were substituted into
    /// the text that uses them and are not listed).
    pub params: Vec<Param>,
    /// Queues.
    pub queues: Vec<Queue>,
    /// Topics.
    pub topics: Vec<Topic>,
    /// Functions outside the stack (`existing = "..."`).
    pub existing_functions: Vec<ExistingFunction>,
    /// `output` items.
    pub outputs: Vec<Output>,
}

/// Where each named item is in [`Items`], and which buckets log to each bucket. Built once
/// from the items, so a lookup by name is a map lookup, never a scan of every item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Index {
    buckets: BTreeMap<String, usize>,
    functions: BTreeMap<String, usize>,
    schedules: BTreeMap<String, usize>,
    queues: BTreeMap<String, usize>,
    topics: BTreeMap<String, usize>,
    existing_functions: BTreeMap<String, usize>,
    /// Log bucket -> the buckets that deliver their access logs to it, in source order.
    log_sources: BTreeMap<String, Vec<usize>>,
}

impl Index {
    fn new(items: &Items) -> Self {
        Self {
            buckets: positions(items.buckets.iter().map(|b| &b.name)),
            functions: positions(items.functions.iter().map(|f| &f.name)),
            schedules: positions(items.schedules.iter().map(|s| &s.name)),
            queues: positions(items.queues.iter().map(|q| &q.name)),
            topics: positions(items.topics.iter().map(|t| &t.name)),
            existing_functions: positions(items.existing_functions.iter().map(|f| &f.name)),
            log_sources: items.buckets.iter().enumerate().fold(
                BTreeMap::new(),
                |mut sources: BTreeMap<String, Vec<usize>>, (i, b)| {
                    if let Some(logs) = &b.access_logs {
                        sources.entry(logs.bucket.clone()).or_default().push(i);
                    }
                    sources
                },
            ),
        }
    }
}

/// Each name's position; the first item of a name when several share it, as a scan finds.
fn positions<'i>(names: impl Iterator<Item = &'i String>) -> BTreeMap<String, usize> {
    let mut index = BTreeMap::new();
    for (i, name) in names.enumerate() {
        index.entry(name.clone()).or_insert(i);
    }
    index
}

impl Program {
    /// A checked stack of these items, with the indexes its readers look names up in.
    pub fn new(file: FileId, stack: Stack, items: Items) -> Self {
        let index = Index::new(&items);
        Self {
            file,
            stack,
            items,
            index,
            silenced: Vec::new(),
        }
    }

    /// Buckets in source order.
    pub fn buckets(&self) -> &[Bucket] {
        &self.items.buckets
    }

    /// Functions in source order.
    pub fn functions(&self) -> &[Function] {
        &self.items.functions
    }

    /// Schedules in source order.
    pub fn schedules(&self) -> &[Schedule] {
        &self.items.schedules
    }

    /// Parameters left open for deploy time, in source order (those fixed by `--set` were
    /// substituted into the text that uses them and are not listed).
    pub fn params(&self) -> &[Param] {
        &self.items.params
    }

    /// Queues in source order.
    pub fn queues(&self) -> &[Queue] {
        &self.items.queues
    }

    /// Topics in source order.
    pub fn topics(&self) -> &[Topic] {
        &self.items.topics
    }

    /// Functions outside the stack (`existing = "..."`), in source order.
    pub fn existing_functions(&self) -> &[ExistingFunction] {
        &self.items.existing_functions
    }

    /// How many items the stack declares: buckets, functions, schedules, queues, topics.
    pub fn item_count(&self) -> usize {
        let items = &self.items;
        items.buckets.len()
            + items.functions.len()
            + items.schedules.len()
            + items.queues.len()
            + items.topics.len()
    }

    /// `output` items in source order.
    pub fn outputs(&self) -> &[Output] {
        &self.items.outputs
    }

    /// The bucket with this name. Names come from the checker, so the bucket exists.
    pub fn bucket(&self, name: &str) -> &Bucket {
        &self.items.buckets[found(self.index.buckets.get(name))]
    }

    /// The bucket with this name, if the stack has one: for a name from another version of
    /// the stack, say.
    pub fn find_bucket(&self, name: &str) -> Option<&Bucket> {
        self.index
            .buckets
            .get(name)
            .map(|&i| &self.items.buckets[i])
    }

    /// The buckets the stack creates: all but those declared with `existing`.
    pub fn created_buckets(&self) -> impl Iterator<Item = &Bucket> {
        self.items.buckets.iter().filter(|b| b.existing.is_none())
    }

    /// The buckets the stack creates in the region it is deployed to (no `region`).
    pub fn local_buckets(&self) -> impl Iterator<Item = &Bucket> {
        self.created_buckets().filter(|b| b.region.is_none())
    }

    /// The buckets that deliver their server access logs to `bucket`, in source order.
    pub fn log_sources(&self, bucket: &str) -> impl Iterator<Item = &Bucket> {
        self.index
            .log_sources
            .get(bucket)
            .into_iter()
            .flatten()
            .map(|&i| &self.items.buckets[i])
    }

    /// The other regions buckets are created in (`region = "..."`), sorted, each once.
    pub fn other_regions(&self) -> Vec<&'static str> {
        let mut regions: Vec<&'static str> = self
            .items
            .buckets
            .iter()
            .filter_map(|b| b.region.map(|r| r.code))
            .collect();
        regions.sort_unstable();
        regions.dedup();
        regions
    }

    /// The function with this name. Names come from the checker, so the function exists.
    pub fn function(&self, name: &str) -> &Function {
        &self.items.functions[found(self.index.functions.get(name))]
    }

    /// The schedule with this name. Names come from the checker, so the schedule exists.
    pub fn schedule(&self, name: &str) -> &Schedule {
        &self.items.schedules[found(self.index.schedules.get(name))]
    }

    /// The queue with this name. Names come from the checker, so the queue exists.
    pub fn queue(&self, name: &str) -> &Queue {
        &self.items.queues[found(self.index.queues.get(name))]
    }

    /// The topic with this name. Names come from the checker, so the topic exists.
    pub fn topic(&self, name: &str) -> &Topic {
        &self.items.topics[found(self.index.topics.get(name))]
    }

    /// The function outside the stack with this name, if `name` is one.
    pub fn existing_function(&self, name: &str) -> Option<&ExistingFunction> {
        self.index
            .existing_functions
            .get(name)
            .map(|&i| &self.items.existing_functions[i])
    }

    /// The tags of a resource whose item has `tags`: the stack's tags, overridden key by key
    /// by the item's. Every taggable resource drc emits for the item gets exactly these.
    pub fn tags(&self, item: &Tags) -> Tags {
        let mut tags = self.stack.tags.clone();
        tags.extend(item.iter().map(|(k, v)| (k.clone(), v.clone())));
        tags
    }
}

/// The position a name was found at: a reference the checker resolved is always there.
fn found(position: Option<&usize>) -> usize {
    *position.expect("references are resolved by the checker")
}
