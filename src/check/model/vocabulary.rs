//! The model's vocabulary: item kinds, verbs, tags and the markers that stand for the
//! deployment's region, partition and account inside ARNs.

use std::collections::BTreeMap;

/// The marker for the deployment region inside condition values and ARNs.
pub const REGION: &str = "{region}";
/// The marker for the deployment partition inside ARNs.
pub const PARTITION: &str = "{partition}";
/// The marker for the deployment account inside ARNs.
pub const ACCOUNT: &str = "{account}";

/// `tags { team = "platform" }`: tag keys and values, sorted by key.
pub type Tags = BTreeMap<String, String>;

/// The kinds of resource a `.dr` file declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `stack`
    Stack,
    /// `bucket`
    Bucket,
    /// `function`
    Function,
    /// `schedule`
    Schedule,
    /// `param`
    Param,
    /// `queue`
    Queue,
    /// `topic`
    Topic,
    /// `output`
    Output,
}

impl Kind {
    /// The keyword, as written in `.dr`.
    pub fn keyword(self) -> &'static str {
        match self {
            Kind::Stack => "stack",
            Kind::Bucket => "bucket",
            Kind::Function => "function",
            Kind::Schedule => "schedule",
            Kind::Param => "param",
            Kind::Queue => "queue",
            Kind::Topic => "topic",
            Kind::Output => "output",
        }
    }
}

/// A verb a function can declare on a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verb {
    /// `read bucket ["prefix"]`: get objects.
    Read,
    /// `list bucket ["prefix"]`: list keys.
    List,
    /// `put bucket ["prefix"]`: write objects (never delete or configure).
    Put,
    /// `delete bucket ["prefix"]`: delete objects.
    Delete,
    /// `invoke function`: call another function.
    Invoke,
    /// `read_versions bucket ["prefix"]`: get specific (also noncurrent) versions of objects.
    ReadVersions,
    /// `list_versions bucket ["prefix"]`: list object versions and delete markers.
    ListVersions,
    /// `delete_versions bucket ["prefix"]`: permanently delete specific object versions.
    DeleteVersions,
    /// `tag bucket ["prefix"]`: replace the tags of objects (current versions).
    Tag,
    /// `read_tags bucket ["prefix"]`: read the tags of objects (current versions).
    ReadTags,
    /// `publish topic`: publish messages to an SNS topic.
    Publish,
    /// `send queue`: send messages to an SQS queue.
    Send,
}

/// Every verb, how it is written in `.dr` and the kind of item it acts on, in the order the
/// docs list them. What each verb grants is the permission table, `crate::iam::actions::VERBS`.
const VERB_WORDS: &[(Verb, &str, Kind)] = &[
    (Verb::Read, "read", Kind::Bucket),
    (Verb::List, "list", Kind::Bucket),
    (Verb::Put, "put", Kind::Bucket),
    (Verb::Delete, "delete", Kind::Bucket),
    (Verb::Invoke, "invoke", Kind::Function),
    (Verb::ReadVersions, "read_versions", Kind::Bucket),
    (Verb::ListVersions, "list_versions", Kind::Bucket),
    (Verb::DeleteVersions, "delete_versions", Kind::Bucket),
    (Verb::Tag, "tag", Kind::Bucket),
    (Verb::ReadTags, "read_tags", Kind::Bucket),
    (Verb::Publish, "publish", Kind::Topic),
    (Verb::Send, "send", Kind::Queue),
];

impl Verb {
    /// Every verb, in the order the docs list them.
    pub fn all() -> impl Iterator<Item = Verb> + Clone {
        VERB_WORDS.iter().map(|(verb, _, _)| *verb)
    }

    /// The verb written `keyword` in `.dr`, if there is one.
    pub fn from_keyword(keyword: &str) -> Option<Verb> {
        VERB_WORDS
            .iter()
            .find(|(_, word, _)| *word == keyword)
            .map(|(verb, _, _)| *verb)
    }

    /// How the verb is written in `.dr`.
    pub fn keyword(self) -> &'static str {
        self.words().1
    }

    /// The kind of item the verb acts on.
    pub fn target(self) -> Kind {
        self.words().2
    }

    fn words(self) -> &'static (Verb, &'static str, Kind) {
        VERB_WORDS
            .iter()
            .find(|(verb, _, _)| *verb == self)
            .expect("every verb has a row in VERB_WORDS")
    }

    /// Whether the verb removes data: `delete` hides it behind a delete marker in a versioned
    /// bucket, `delete_versions` destroys it for good.
    pub fn deletes(self) -> bool {
        matches!(self, Verb::Delete | Verb::DeleteVersions)
    }

    /// Whether the verb only makes sense on a versioned bucket.
    pub fn needs_versioning(self) -> bool {
        matches!(
            self,
            Verb::ReadVersions | Verb::ListVersions | Verb::DeleteVersions
        )
    }
}
