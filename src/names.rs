//! How `.dr` names become names in the outputs. One rule per target, shared by the checker
//! (which refuses names that would collide) and the emitters (which use them).
//!
//! ```text
//! app_data  ->  CloudFormation logical ID stem `AppData`  (resources: `AppDataBucket`, ...)
//!           ->  Terraform resource name `app_data`
//! stack disaster_recovery  ->  physical name prefix `disaster-recovery`
//! ```

/// The CloudFormation logical ID stem of a name: underscores dropped, each word capitalised.
/// `my_data` and `myData` both give `MyData`, which is why the checker refuses such pairs.
pub fn logical_stem(name: &str) -> String {
    name.split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            let first = chars
                .next()
                .expect("parts are not empty")
                .to_ascii_uppercase();
            std::iter::once(first).chain(chars).collect::<String>()
        })
        .collect()
}

/// The longest ending drc adds to a name's stem in one kind's CloudFormation logical IDs
/// (`AppData` + `FunctionFailureAlarm`). `LogicalIds` in `src/emit/mod.rs` builds the IDs;
/// its tests check each one against this table.
pub const LONGEST_ID_SUFFIXES: &[(&str, &str)] = &[
    ("bucket", "ReplicationRoleArn"),
    ("function", "FunctionFailureAlarm"),
    ("schedule", "ScheduleDeadLetterAlarm"),
    ("queue", "QueueKey"),
    ("topic", "TopicSubscription"),
    ("output", "Output"),
    ("param", "Param"),
];

/// The longest ending of `kind`'s logical IDs ([`LONGEST_ID_SUFFIXES`]); empty for a kind
/// that gives none (`stack`).
pub fn longest_id_suffix(kind: &str) -> &'static str {
    LONGEST_ID_SUFFIXES
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("", |(_, suffix)| suffix)
}

/// The prefix of physical names drc sets (Lambda function names, log groups on Terraform):
/// the stack name with `_` turned into `-`.
pub fn physical_prefix(stack: &str) -> String {
    stack.replace('_', "-")
}

/// Whether `text` is a `.dr` name (the grammar's `name`): a letter or `_`, then letters,
/// digits and `_`.
pub fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logical_stems() {
        assert_eq!(logical_stem("app_data"), "AppData");
        assert_eq!(logical_stem("myData"), "MyData");
        assert_eq!(logical_stem("my_data"), "MyData");
        assert_eq!(logical_stem("backups"), "Backups");
        assert_eq!(logical_stem("a__b_"), "AB");
        assert_eq!(logical_stem("_"), "");
        assert_eq!(logical_stem("x2_y"), "X2Y");
    }

    #[test]
    fn physical_prefixes() {
        assert_eq!(physical_prefix("disaster_recovery"), "disaster-recovery");
    }
}
