//! Go to definition, find references and rename, across the files of a stack: item names
//! (declared by an item, used by verbs, `invoke = copy`, `backups.name`, ...), parameters
//! (used in strings as `${stage}`), and imports (the definition of an import is its file).

use super::locate::{self, Found, Occurrence};
use super::world::{self, World};
use crate::source::FileId;
use lsp_types::{Location, Position, Range, TextEdit, Uri, WorkspaceEdit};
use std::collections::HashMap;

/// The name under the cursor: its text and where it is written.
fn name_at(world: &World<'_>, file: FileId, position: Position) -> Option<Occurrence> {
    let offset = world.offset(file, position);
    let ast = world.ast(file)?;
    locate::occurrences(ast)
        .into_iter()
        .find(|o| o.span.start as usize <= offset && offset <= o.span.end as usize)
}

/// Every occurrence of `name` in the stack of `file`.
fn everywhere(world: &World<'_>, file: FileId, name: &str) -> Vec<Occurrence> {
    world
        .stack_of(file)
        .into_iter()
        .filter_map(|f| world.ast(f))
        .flat_map(locate::occurrences)
        .filter(|o| o.name == name)
        .collect()
}

/// Where the name (or import) under the cursor is declared.
pub fn definition(world: &World<'_>, file: FileId, position: Position) -> Vec<Location> {
    let offset = world.offset(file, position);
    if let Some(Found::Import(import)) = world.ast(file).and_then(|ast| locate::at(ast, offset)) {
        let from = &world.sources.get(file).name;
        let target = crate::load::join(from, &import.path);
        return vec![Location::new(world::uri(&target), Range::default())];
    }
    let Some(name) = name_at(world, file, position) else {
        return Vec::new();
    };
    everywhere(world, file, &name.name)
        .into_iter()
        .filter(|o| o.declares.is_some())
        .map(|o| world.location(o.span))
        .collect()
}

/// Every place the name under the cursor is written, its declaration only if asked.
pub fn references(
    world: &World<'_>,
    file: FileId,
    position: Position,
    declaration: bool,
) -> Vec<Location> {
    let Some(name) = name_at(world, file, position) else {
        return Vec::new();
    };
    everywhere(world, file, &name.name)
        .into_iter()
        .filter(|o| declaration || o.declares.is_none())
        .map(|o| world.location(o.span))
        .collect()
}

/// The range of the name under the cursor, if it can be renamed.
pub fn prepare_rename(world: &World<'_>, file: FileId, position: Position) -> Option<Range> {
    let name = name_at(world, file, position)?;
    everywhere(world, file, &name.name)
        .iter()
        .any(|o| o.declares.is_some())
        .then(|| world.range(name.span))
}

/// The edits that rename the name under the cursor everywhere in its stack, or why not.
pub fn rename(
    world: &World<'_>,
    file: FileId,
    position: Position,
    new_name: &str,
) -> Result<WorkspaceEdit, String> {
    let valid = new_name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && new_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(format!(
            "`{new_name}` is not a name: a letter or `_`, then letters, digits or `_`"
        ));
    }
    let name = name_at(world, file, position).ok_or("there is no name here to rename")?;
    let occurrences = everywhere(world, file, &name.name);
    if !occurrences.iter().any(|o| o.declares.is_some()) {
        return Err(format!("`{}` is declared nowhere in this stack", name.name));
    }
    if !everywhere(world, file, new_name).is_empty() {
        return Err(format!("`{new_name}` is already a name in this stack"));
    }
    // The protocol's own map type; a `Uri` is never changed while it is a key.
    #[allow(clippy::mutable_key_type)]
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for occurrence in occurrences {
        let location = world.location(occurrence.span);
        changes
            .entry(location.uri)
            .or_default()
            .push(TextEdit::new(location.range, new_name.to_owned()));
    }
    Ok(WorkspaceEdit::new(changes))
}
