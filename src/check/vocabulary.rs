//! The language's vocabulary, explained for people: each kind of item, each attribute and
//! block, what it means, what value it takes (with its unit) and which words or names fit
//! it. Editors read it for hover and completion.
//!
//! The lists themselves are the checker's: a test holds [`VOCABULARY`] to `KINDS` and to the
//! attribute tables of the nested blocks, and the closed sets of words are the checker's
//! own constants. The sentences follow `docs/language.md`.

use super::bucket::ENCRYPTIONS;
use super::function::ARCHITECTURES;
use super::lock::LOCK_MODES;
use super::model::Kind;
use super::params::PARAM_TYPES;
use super::queue::QUEUE_ENCRYPTIONS;

/// What fits as the value of an attribute, beyond its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Words {
    /// Nothing to offer: text, numbers, durations.
    None,
    /// `true` or `false`.
    Boolean,
    /// One of these words.
    These(&'static [&'static str]),
    /// A Lambda runtime id ([`super::runtimes::RUNTIMES`]).
    Runtime,
    /// The name of an item of one of these kinds.
    Names(&'static [Kind]),
    /// `<bucket or function>.name` or `.arn`.
    Reference,
}

/// One attribute, for people.
#[derive(Debug)]
pub struct Attribute {
    /// `memory`
    pub name: &'static str,
    /// What it does.
    pub meaning: &'static str,
    /// What it takes, unit and default included.
    pub value: &'static str,
    /// The words or names that fit.
    pub words: Words,
}

/// A nested block, for people.
#[derive(Debug)]
pub struct Block {
    /// `lifecycle`
    pub name: &'static str,
    /// What it does.
    pub meaning: &'static str,
    /// Its attributes; empty when its keys are free (`env`, `tags`, `payload`).
    pub attributes: &'static [Attribute],
    /// What a free key's value may be, when keys are free.
    pub values: Words,
}

/// A kind of item, for people.
#[derive(Debug)]
pub struct KindDoc {
    /// The kind.
    pub kind: Kind,
    /// What it makes.
    pub meaning: &'static str,
    /// Its attributes, in the checker's order.
    pub attributes: &'static [Attribute],
    /// Its nested blocks.
    pub blocks: &'static [&'static Block],
    /// Whether a body may hold verbs (`read backups`).
    pub verbs: bool,
}

/// The explained item kind written `keyword`.
pub fn kind(keyword: &str) -> Option<&'static KindDoc> {
    VOCABULARY.iter().find(|k| k.kind.keyword() == keyword)
}

/// The explained nested block named `name`.
pub fn block(name: &str) -> Option<&'static Block> {
    BLOCKS.iter().copied().find(|b| b.name == name)
}

const fn attr(
    name: &'static str,
    meaning: &'static str,
    value: &'static str,
    words: Words,
) -> Attribute {
    Attribute {
        name,
        meaning,
        value,
        words,
    }
}

const DAYS: &str = "a duration in whole days, like `30d`";

static TAGS: Block = Block {
    name: "tags",
    meaning: "Tags for the item's resources (on the stack: for every taggable resource). A key that is not a name is quoted: `\"cost-center\" = \"cc-1234\"`.",
    attributes: &[],
    values: Words::None,
};

static OBJECTIVES: Block = Block {
    name: "objectives",
    meaning: "What the stack must guarantee, proven from the stack itself over its backups (the retained buckets a function may `put` into, and their replicas); an objective that cannot be proven is an error. `drc explain --objectives` prints each proof.",
    attributes: &[
        attr(
            "rpo",
            "The most changes that may be lost: a schedule whose function writes the backups completes a run at least this often (gaps, windows, retries and timeout included).",
            "a duration, like `24h`",
            Words::None,
        ),
        attr(
            "retention",
            "How long every backup survives any writer: every copy locks or keeps versions at least this long.",
            "a duration in whole days, like `35d`",
            Words::None,
        ),
        attr(
            "copies",
            "How many buckets hold the backups: the backup bucket and its replicas.",
            "a whole number, at least 1",
            Words::None,
        ),
        attr(
            "regions",
            "How many regions the copies are in.",
            "a whole number, at least 1",
            Words::None,
        ),
        attr(
            "accounts",
            "How many accounts the copies are in: the stack's and those of replicas in other accounts.",
            "a whole number, at least 1",
            Words::None,
        ),
        attr(
            "immutable",
            "Every copy has a compliance-mode Object Lock at least `retention` long: nobody, not even the account root, deletes a backup sooner.",
            "`true` or `false`",
            Words::Boolean,
        ),
    ],
    values: Words::None,
};

static LIFECYCLE: Block = Block {
    name: "lifecycle",
    meaning: "S3 lifecycle rules: storage-class transitions and expirations. `lifecycle { }` covers the whole bucket; `lifecycle \"prefix/\" { }` the keys under a prefix.",
    attributes: &[
        attr(
            "standard_ia",
            "Move current objects to S3 Standard-IA this long after creation (30 days at the earliest).",
            DAYS,
            Words::None,
        ),
        attr(
            "intelligent_tiering",
            "Move current objects to S3 Intelligent-Tiering this long after creation.",
            DAYS,
            Words::None,
        ),
        attr(
            "glacier_ir",
            "Move current objects to S3 Glacier Instant Retrieval this long after creation.",
            DAYS,
            Words::None,
        ),
        attr(
            "glacier",
            "Move current objects to S3 Glacier Flexible Retrieval this long after creation.",
            DAYS,
            Words::None,
        ),
        attr(
            "deep_archive",
            "Move current objects to S3 Glacier Deep Archive this long after creation.",
            DAYS,
            Words::None,
        ),
        attr(
            "expire",
            "Expire current objects this long after creation, after the last transition.",
            DAYS,
            Words::None,
        ),
        attr(
            "noncurrent_standard_ia",
            "Move noncurrent versions to S3 Standard-IA this long after they become noncurrent.",
            DAYS,
            Words::None,
        ),
        attr(
            "noncurrent_intelligent_tiering",
            "Move noncurrent versions to S3 Intelligent-Tiering this long after they become noncurrent.",
            DAYS,
            Words::None,
        ),
        attr(
            "noncurrent_glacier_ir",
            "Move noncurrent versions to S3 Glacier Instant Retrieval this long after they become noncurrent.",
            DAYS,
            Words::None,
        ),
        attr(
            "noncurrent_glacier",
            "Move noncurrent versions to S3 Glacier Flexible Retrieval this long after they become noncurrent.",
            DAYS,
            Words::None,
        ),
        attr(
            "noncurrent_deep_archive",
            "Move noncurrent versions to S3 Glacier Deep Archive this long after they become noncurrent.",
            DAYS,
            Words::None,
        ),
        attr(
            "noncurrent_expire",
            "Delete noncurrent versions this long after they become noncurrent.",
            DAYS,
            Words::None,
        ),
        attr(
            "abort_incomplete_uploads",
            "Abort multipart uploads left incomplete this long (whole bucket only).",
            "a duration in whole days; default `7d`",
            Words::None,
        ),
    ],
    values: Words::None,
};

static OBJECT_LOCK: Block = Block {
    name: "object_lock",
    meaning: "S3 Object Lock: every new object version is protected from deletion and overwrite for a default retention period. Needs `versioned = true`.",
    attributes: &[
        attr(
            "mode",
            "Governance (users with a special permission may shorten or remove retention) or compliance (nobody can, not even the root user).",
            "a word: `governance` or `compliance`; required",
            Words::These(LOCK_MODES),
        ),
        attr(
            "retain",
            "The default retention of each new object version.",
            "a duration in whole days (`30d`, 1 to 36500) or years (`7y`, 1 to 100); required",
            Words::None,
        ),
    ],
    values: Words::None,
};

static ACCESS_LOGS: Block = Block {
    name: "access_logs",
    meaning: "S3 server access logs of this bucket, delivered to another bucket of the stack.",
    attributes: &[
        attr(
            "bucket",
            "The bucket the logs go to.",
            "the name of a bucket of the stack; required",
            Words::Names(&[Kind::Bucket]),
        ),
        attr(
            "prefix",
            "The key prefix of the log objects.",
            "a string; default: this bucket's name and `/`",
            Words::None,
        ),
    ],
    values: Words::None,
};

static ENV: Block = Block {
    name: "env",
    meaning: "The function's environment variables: `NAME = value`, where a value is a string, a number, a boolean or a reference like `backups.name` (resolved at deploy time).",
    attributes: &[],
    values: Words::Reference,
};

static PAYLOAD: Block = Block {
    name: "payload",
    meaning: "The JSON the schedule passes to the function: keys and values, nested blocks for objects.",
    attributes: &[],
    values: Words::None,
};

/// Every nested block.
static BLOCKS: &[&Block] = &[
    &OBJECTIVES,
    &LIFECYCLE,
    &OBJECT_LOCK,
    &ACCESS_LOGS,
    &ENV,
    &TAGS,
    &PAYLOAD,
];

/// Every kind of item, explained.
pub static VOCABULARY: &[KindDoc] = &[
    KindDoc {
        kind: Kind::Stack,
        meaning: "The stack this file describes: its name (the file's, without one), description and tags. At most one per file.",
        attributes: &[
            attr(
                "description",
                "The template's description.",
                "a string of at most 1024 bytes",
                Words::None,
            ),
            attr(
                "deny_warnings",
                "Make every warning of this file an error.",
                "`true` or `false`; default `false`",
                Words::Boolean,
            ),
        ],
        blocks: &[&TAGS, &OBJECTIVES],
        verbs: false,
    },
    KindDoc {
        kind: Kind::Bucket,
        meaning: "An S3 bucket with its bucket policy (TLS only, public access blocked, bucket owner enforced), and a KMS key with `encryption = kms`.",
        attributes: &[
            attr(
                "name",
                "The bucket's S3 name.",
                "a string following the S3 naming rules; may insert parameters; default: generated",
                Words::None,
            ),
            attr(
                "versioned",
                "Keep every version of every object.",
                "`true` or `false`; default `false`",
                Words::Boolean,
            ),
            attr(
                "retain",
                "Keep the bucket (and its key) when the stack is deleted or the bucket replaced.",
                "`true` or `false`; default `false`",
                Words::Boolean,
            ),
            attr(
                "encryption",
                "Encryption at rest: keys S3 manages (`s3`), or a KMS key of its own (`kms`), rotation on.",
                "`s3` or `kms`; default `s3`",
                Words::These(ENCRYPTIONS),
            ),
            attr(
                "replicate_to",
                "Replicate every new object version to another versioned bucket, or to each bucket of a list, `[replica, vault]` (one replication rule each; deletions are not replicated).",
                "the name of a bucket",
                Words::Names(&[Kind::Bucket]),
            ),
            attr(
                "existing",
                "A bucket outside the stack: drc grants on it but never creates, changes or deletes it.",
                "a string: a bucket name or an S3 ARN",
                Words::None,
            ),
            attr(
                "key",
                "The KMS key of an existing bucket, for the key actions its verbs need.",
                "a string: a KMS key ARN; only with `existing`",
                Words::None,
            ),
            attr(
                "account",
                "The other account that owns an existing bucket; with it the bucket may be a replica, a copy in another account.",
                "a string: a 12-digit account ID; only with `existing`",
                Words::None,
            ),
            attr(
                "region",
                "The Region the bucket lives in, when not the stack's.",
                "a string: a Region code like `\"eu-central-1\"`",
                Words::None,
            ),
        ],
        blocks: &[&LIFECYCLE, &OBJECT_LOCK, &ACCESS_LOGS, &TAGS],
        verbs: false,
    },
    KindDoc {
        kind: Kind::Function,
        meaning: "A Lambda function with its own role, whose policy drc infers from the function's verbs, and its own log group.",
        attributes: &[
            attr(
                "runtime",
                "The Lambda runtime.",
                "a runtime id like `nodejs24.x`; required",
                Words::Runtime,
            ),
            attr(
                "handler",
                "The function's entry point in its code.",
                "a string like `\"index.handler\"`; required",
                Words::None,
            ),
            attr(
                "code",
                "The directory of the function's code, relative to the `.dr` file; drc zips it.",
                "a string like `\"lambda\"`; required",
                Words::None,
            ),
            attr(
                "memory",
                "Memory for each run (CPU grows with it).",
                "a size in MB or GB, 128 to 10240 MB; default `128MB`",
                Words::None,
            ),
            attr(
                "timeout",
                "How long a run may take.",
                "a duration, 1 second to 15 minutes; default `3s`",
                Words::None,
            ),
            attr(
                "log_retention",
                "How long the function's logs are kept.",
                "a duration in whole days that CloudWatch Logs offers (1, 3, 5, 7, 14, 30, ... 3653); default `365d`",
                Words::None,
            ),
            attr(
                "description",
                "The function's description.",
                "a string of at most 256 bytes; may insert parameters",
                Words::None,
            ),
            attr(
                "architecture",
                "The instruction set the function runs on.",
                "`arm64` or `x86_64`; default `x86_64`",
                Words::These(ARCHITECTURES),
            ),
            attr(
                "reserved_concurrency",
                "The most runs at once (`0` stops the function).",
                "a number, 0 to 900; default unreserved",
                Words::None,
            ),
            attr(
                "ephemeral_storage",
                "The size of `/tmp`.",
                "a size, 512 to 10240 MB; default 512 MB",
                Words::None,
            ),
            attr(
                "on_failure",
                "Where the event of a run that failed after its retries is sent.",
                "the name of a queue or topic",
                Words::Names(&[Kind::Queue, Kind::Topic]),
            ),
            attr(
                "dead_letter",
                "Where Lambda sends events it could not process (the older dead-letter queue).",
                "the name of a queue or topic",
                Words::Names(&[Kind::Queue, Kind::Topic]),
            ),
            attr(
                "retry_attempts",
                "How often Lambda retries a failed asynchronous run.",
                "a number, 0 to 2; default 2",
                Words::None,
            ),
            attr(
                "max_event_age",
                "How long Lambda keeps an event for retries.",
                "a duration, 60 seconds to 6 hours; default 6 hours",
                Words::None,
            ),
            attr(
                "alarm",
                "A CloudWatch alarm on the function's errors notifies this topic.",
                "the name of a topic",
                Words::Names(&[Kind::Topic]),
            ),
            attr(
                "existing",
                "A function outside the stack, by name or ARN: other items may invoke it; nothing is created.",
                "a string: a function name or ARN",
                Words::None,
            ),
        ],
        blocks: &[&ENV, &TAGS],
        verbs: true,
    },
    KindDoc {
        kind: Kind::Schedule,
        meaning: "An EventBridge Scheduler schedule that invokes one function, with a role of its own allowed only to invoke it and to keep the runs it failed to invoke in the schedule's own dead-letter queue (alarmed to the function's `alarm` topic).",
        attributes: &[
            attr(
                "every",
                "Run at a fixed rate.",
                "a duration in whole minutes, at least `1m` (`24h`, `90m`)",
                Words::None,
            ),
            attr(
                "cron",
                "Run on a cron expression.",
                "a string: an EventBridge cron expression like `\"0 2 * * ? *\"`",
                Words::None,
            ),
            attr(
                "invoke",
                "The function the schedule runs.",
                "the name of a function; required",
                Words::Names(&[Kind::Function]),
            ),
            attr(
                "enabled",
                "Whether the schedule runs.",
                "`true` or `false`; default `true`",
                Words::Boolean,
            ),
            attr(
                "description",
                "The schedule's description.",
                "a string of at most 512 bytes; may insert parameters",
                Words::None,
            ),
            attr(
                "timezone",
                "The time zone of a `cron` schedule.",
                "a string: an IANA time zone name like `\"Europe/Paris\"`; default UTC",
                Words::None,
            ),
            attr(
                "flexible_window",
                "Let the schedule start up to this long after its time.",
                "a duration in whole minutes, `1m` to `1440m`; default off",
                Words::None,
            ),
            attr(
                "retries",
                "How often EventBridge Scheduler retries a failed invocation.",
                "a whole number, 0 to 185; default 185",
                Words::None,
            ),
            attr(
                "max_event_age",
                "How long EventBridge Scheduler keeps retrying.",
                "a duration, `60s` to `24h`; default 24 hours",
                Words::None,
            ),
        ],
        blocks: &[&PAYLOAD, &TAGS],
        verbs: false,
    },
    KindDoc {
        kind: Kind::Output,
        meaning: "A stack output: a bucket's or function's name or ARN, exported for other stacks if asked.",
        attributes: &[
            attr(
                "value",
                "What the output holds.",
                "a reference: `<bucket or function>.name` or `.arn`; required",
                Words::Reference,
            ),
            attr(
                "export",
                "The CloudFormation export name (Terraform has no exports).",
                "a string of letters, digits, `:` and `-`",
                Words::None,
            ),
            attr(
                "description",
                "The output's description.",
                "a string of at most 1024 bytes",
                Words::None,
            ),
        ],
        blocks: &[],
        verbs: false,
    },
    KindDoc {
        kind: Kind::Queue,
        meaning: "An SQS standard queue, encrypted at rest: where failed events can wait.",
        attributes: &[
            attr(
                "retention",
                "How long a message is kept.",
                "a duration, 60 seconds to 14 days; default `14d`",
                Words::None,
            ),
            attr(
                "encryption",
                "Encryption at rest: keys SQS manages (`sqs`) or a KMS key of its own (`kms`).",
                "`sqs` or `kms`; default `sqs`",
                Words::These(QUEUE_ENCRYPTIONS),
            ),
        ],
        blocks: &[],
        verbs: false,
    },
    KindDoc {
        kind: Kind::Topic,
        meaning: "An SNS topic, encrypted with a KMS key: who hears of failures and alarms.",
        attributes: &[attr(
            "email",
            "An email address subscribed to the topic (it must confirm).",
            "a string: one email address",
            Words::None,
        )],
        blocks: &[],
        verbs: false,
    },
    KindDoc {
        kind: Kind::Param,
        meaning: "A parameter chosen at deploy time (a CloudFormation parameter, a Terraform variable), or fixed with `--set`. Strings insert it with `${name}`.",
        attributes: &[
            attr(
                "type",
                "The parameter's type.",
                "`string` or `number`; default `string`",
                Words::These(PARAM_TYPES),
            ),
            attr(
                "default",
                "The value when none is given.",
                "a string or number of the parameter's type",
                Words::None,
            ),
            attr(
                "allowed",
                "The values it may take.",
                "a list of values of its type, like `[\"dev\", \"prod\"]`",
                Words::None,
            ),
            attr(
                "description",
                "The parameter's description.",
                "a string",
                Words::None,
            ),
        ],
        blocks: &[],
        verbs: false,
    },
];

#[cfg(test)]
mod tests {
    use super::{BLOCKS, VOCABULARY, block};
    use crate::check::kinds::KINDS;
    use crate::check::lifecycle::LIFECYCLE_ATTRIBUTES;
    use crate::check::lock::OBJECT_LOCK_ATTRIBUTES;
    use crate::check::logging::ACCESS_LOGS_ATTRIBUTES;
    use crate::check::stack::OBJECTIVES;

    #[test]
    fn every_kind_attribute_and_block_is_explained() {
        assert_eq!(VOCABULARY.len(), KINDS.len());
        for spec in KINDS {
            let doc = super::kind(spec.kind.keyword()).expect("every kind is explained");
            let names: Vec<&str> = doc.attributes.iter().map(|a| a.name).collect();
            assert_eq!(names, spec.attributes, "{}", spec.kind.keyword());
            let blocks: Vec<&str> = doc.blocks.iter().map(|b| b.name).collect();
            assert_eq!(blocks, spec.blocks, "{}", spec.kind.keyword());
            assert_eq!(doc.verbs, spec.verbs, "{}", spec.kind.keyword());
        }
        for (name, attributes) in [
            ("lifecycle", LIFECYCLE_ATTRIBUTES),
            ("object_lock", OBJECT_LOCK_ATTRIBUTES),
            ("access_logs", ACCESS_LOGS_ATTRIBUTES),
            ("objectives", OBJECTIVES),
        ] {
            let names: Vec<&str> = block(name)
                .expect("explained")
                .attributes
                .iter()
                .map(|a| a.name)
                .collect();
            assert_eq!(names, attributes, "{name}");
        }
        for block in BLOCKS {
            assert!(
                KINDS.iter().any(|k| k.blocks.contains(&block.name)),
                "{} is a block of no kind",
                block.name
            );
        }
    }
}
