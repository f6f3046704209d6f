//! The item kinds and what each accepts ([`KINDS`]): the one place the language's
//! vocabulary of items, attributes and blocks is listed.

use super::model::Kind;

/// What each kind of item accepts.
pub(super) struct KindSpec {
    pub(super) kind: Kind,
    pub(super) attributes: &'static [&'static str],
    pub(super) required: &'static [(&'static str, &'static str)],
    pub(super) blocks: &'static [&'static str],
    pub(super) verbs: bool,
}

/// The item kinds and their attributes: the one place the language's vocabulary is listed.
pub(super) const KINDS: &[KindSpec] = &[
    KindSpec {
        kind: Kind::Stack,
        attributes: &["description", "deny_warnings"],
        required: &[],
        blocks: &["tags", "objectives"],
        verbs: false,
    },
    KindSpec {
        kind: Kind::Bucket,
        attributes: &[
            "name",
            "versioned",
            "retain",
            "encryption",
            "replicate_to",
            "existing",
            "key",
            "account",
            "region",
        ],
        required: &[],
        blocks: &["lifecycle", "object_lock", "access_logs", "tags"],
        verbs: false,
    },
    KindSpec {
        kind: Kind::Function,
        attributes: &[
            "runtime",
            "handler",
            "code",
            "memory",
            "timeout",
            "log_retention",
            "description",
            "architecture",
            "reserved_concurrency",
            "ephemeral_storage",
            "on_failure",
            "dead_letter",
            "retry_attempts",
            "max_event_age",
            "alarm",
            "existing",
        ],
        required: &[
            ("runtime", "runtime = nodejs24.x"),
            ("handler", "handler = \"index.handler\""),
            ("code", "code = \"lambda\""),
        ],
        blocks: &["env", "tags"],
        verbs: true,
    },
    KindSpec {
        kind: Kind::Schedule,
        attributes: &[
            "every",
            "cron",
            "invoke",
            "enabled",
            "description",
            "timezone",
            "flexible_window",
            "retries",
            "max_event_age",
        ],
        required: &[("invoke", "invoke = my_function")],
        blocks: &["payload", "tags"],
        verbs: false,
    },
    KindSpec {
        kind: Kind::Output,
        attributes: &["value", "export", "description"],
        required: &[("value", "value = backups.name")],
        blocks: &[],
        verbs: false,
    },
    KindSpec {
        kind: Kind::Queue,
        attributes: &["retention", "encryption"],
        required: &[],
        blocks: &[],
        verbs: false,
    },
    KindSpec {
        kind: Kind::Topic,
        attributes: &["email"],
        required: &[],
        blocks: &[],
        verbs: false,
    },
    KindSpec {
        kind: Kind::Param,
        attributes: &["type", "default", "allowed", "description"],
        required: &[],
        blocks: &[],
        verbs: false,
    },
];
