//! The values of options several subcommands share: output formats, targets, colour, and
//! `--set NAME=VALUE`.

use clap::ValueEnum;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum Format {
    /// For people.
    Text,
    /// For tools: stable, versioned (`format_version`).
    Json,
}

/// How `check` and `build` report diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum MessageFormat {
    /// For people, on stderr, as a compiler prints them.
    Human,
    /// One JSON object per line on stdout, shaped like rustc's JSON diagnostics, then the
    /// silenced warnings and a summary.
    Json,
    /// One SARIF 2.1.0 log on stdout, for GitHub code scanning and other review tools.
    Sarif,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum TargetArg {
    /// CloudFormation YAML.
    Cloudformation,
    /// Terraform JSON.
    Terraform,
    /// Both.
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum Color {
    /// Colour when stderr is a terminal and NO_COLOR is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// `NAME=VALUE` of `--set`.
pub(super) fn parse_set(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=VALUE, like `stage=prod`, not `{text}`"))?;
    if name.is_empty() {
        return Err(format!("`{text}` names no parameter: write NAME=VALUE"));
    }
    Ok((name.to_owned(), value.to_owned()))
}

/// The `--set` values by name; a name given twice is a usage error.
pub(super) fn collect_set(
    pairs: Vec<(String, String)>,
) -> Result<BTreeMap<String, String>, String> {
    let mut set = BTreeMap::new();
    for (name, value) in pairs {
        if let Some(first) = set.insert(name.clone(), value.clone()) {
            return Err(format!(
                "--set {name} is given twice (`{first}` and `{value}`): keep one"
            ));
        }
    }
    Ok(set)
}
