//! `drc init`: the files of a starter disaster-recovery stack, ready to build on both
//! targets without a diagnostic.
//!
//! The files are templates under `src/init/`, built into the binary: `<name>.dr` (a source
//! bucket, a versioned, retained, KMS-encrypted backup bucket with a lifecycle rule, the
//! backup function with an alarm and a failure queue, and a nightly schedule), the
//! function's Node.js handler in `lambda/index.mjs`, and a `.gitignore` for `out/`. Like the
//! rest of the library this writes nothing: the CLI does.

use crate::names::is_name;

/// The stack's `.dr` file; `STACK_NAME` stands for the stack's name.
const STACK: &str = include_str!("init/stack.dr");
/// The backup function's handler.
const HANDLER: &str = include_str!("init/index.mjs");
/// `out/` is what `drc build` writes.
const GITIGNORE: &str = include_str!("init/gitignore");

/// Names longer than this are cut, so that physical names built from the stack's (the
/// function's name is `<stack>-backup`, at most 64 characters) stay within AWS's limits.
pub const MAX_NAME_LEN: usize = 40;

/// One file of the starter: its path relative to the stack's directory, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StarterFile {
    /// `backups.dr`, `lambda/index.mjs`, `.gitignore`.
    pub path: String,
    /// The file's text.
    pub text: String,
}

/// The files of a starter stack named `name` (a `.dr` name, see [`stack_name`]).
///
/// # Panics
/// If `name` is not a `.dr` name or is longer than [`MAX_NAME_LEN`].
pub fn starter(name: &str) -> Vec<StarterFile> {
    assert!(
        is_name(name) && name.len() <= MAX_NAME_LEN,
        "`{name}` is a stack name (see init::stack_name)"
    );
    vec![
        StarterFile {
            path: format!("{name}.dr"),
            text: STACK.replace("STACK_NAME", name),
        },
        StarterFile {
            path: "lambda/index.mjs".to_owned(),
            text: HANDLER.to_owned(),
        },
        StarterFile {
            path: ".gitignore".to_owned(),
            text: GITIGNORE.to_owned(),
        },
    ]
}

/// A stack name made from a directory's name: lowercase letters, digits and `_` (every
/// other character becomes `_`), starting with a letter (`dr_` is put before one that does
/// not), at most [`MAX_NAME_LEN`] characters; `backups` when nothing is left.
pub fn stack_name(dir_name: &str) -> String {
    let mut name = String::new();
    for c in dir_name.chars() {
        let c = if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '_'
        };
        if !(c == '_' && (name.is_empty() || name.ends_with('_'))) {
            name.push(c);
        }
    }
    let mut name = name.trim_end_matches('_').to_owned();
    if name.is_empty() {
        return "backups".to_owned();
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert_str(0, "dr_");
    }
    name.truncate(MAX_NAME_LEN);
    name.trim_end_matches('_').to_owned()
}

/// Why `name` cannot name a starter stack, if it cannot.
pub fn name_problem(name: &str) -> Option<String> {
    if !is_name(name) || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        Some(format!(
            "`{name}` is not a stack name: use a letter, then letters, digits and `_`"
        ))
    } else if name.len() > MAX_NAME_LEN {
        Some(format!(
            "`{name}` is longer than {MAX_NAME_LEN} characters, too long for the names AWS gives the stack's resources"
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_names_from_directory_names() {
        assert_eq!(stack_name("backups"), "backups");
        assert_eq!(stack_name("Photo-Backups 2"), "photo_backups_2");
        assert_eq!(stack_name("--x--"), "x");
        assert_eq!(stack_name("2026"), "dr_2026");
        assert_eq!(stack_name("..."), "backups");
        assert_eq!(stack_name("ünïcode"), "n_code");
        let long = stack_name(&"a_".repeat(40));
        assert!(long.len() <= MAX_NAME_LEN && !long.ends_with('_'), "{long}");
        for name in [
            "backups",
            "photo_backups_2",
            "dr_2026",
            "n_code",
            long.as_str(),
        ] {
            assert_eq!(name_problem(name), None, "{name}");
        }
        assert!(name_problem("2x").is_some());
        assert!(name_problem("a-b").is_some());
        assert!(name_problem(&"a".repeat(41)).is_some());
    }

    #[test]
    fn the_starter_names_its_stack_everywhere() {
        let files = starter("photo_backups");
        assert_eq!(files[0].path, "photo_backups.dr");
        assert!(files[0].text.contains("stack photo_backups {"));
        assert!(files[0].text.contains("drc build photo_backups.dr"));
        assert!(!files.iter().any(|f| f.text.contains("STACK_NAME")));
    }
}
