//! A stack past one template, as a root template and nested stacks
//! (`AWS::CloudFormation::Stack`), each unit in the part `emit::parts` placed it in.
//!
//! Values cross between templates only through nested-stack parameters and outputs, never
//! exports: a part declares a parameter for each value it uses from elsewhere, the part that
//! has the resource outputs it, and the root passes it (`!GetAtt Part2Stack.Outputs.B0BucketArn`).
//! The root's own parameters are passed through under their names, and `AWS::StackName`
//! becomes the root's name (`RootStackName`), so names built from it are the same split or
//! not. The parts' templates are named `<stack>.part<k>-<hash>.cfn.yaml` (the hash of their
//! bytes, so new contents are a new URL) and are read from the code archives' bucket.
//!
//! ```text
//! Part1Stack:
//!   Type: AWS::CloudFormation::Stack
//!   Properties:
//!     TemplateURL: !Sub https://${CodeArchives}.s3.${AWS::Region}.${AWS::URLSuffix}/generated.part1-0a1b2c3d4e5f.cfn.yaml
//!     Parameters:
//!       B45BucketArn: !GetAtt Part2Stack.Outputs.B45BucketArn
//! ```

use super::values::{CODE_BUCKET, get_att, map, reference, s, sub};
use crate::diagnostics::Diagnostic;
use crate::emit::Stack;
use crate::emit::parts::{Demand, PlaceError, Placement};
use crate::source::Span;
use serde_norway::{Mapping, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

/// The parameter of a part that holds the root stack's name.
const ROOT_STACK_NAME: &str = "RootStackName";

/// The resources drc writes for one item, with the span of the item's name.
pub(super) struct Unit {
    pub key: Span,
    pub resources: Mapping,
}

/// Where a part's parameter gets its value from in the root.
enum Source {
    /// The root's parameter (or pseudo parameter) of this name.
    Root(String),
    /// An output of another part: its index, and the value that part outputs.
    Part(usize, Value),
}

#[derive(Default)]
struct Part {
    parameters: BTreeMap<String, Source>,
    resources: Mapping,
    outputs: Mapping,
}

/// How references are read: where each resource is, and the root's parameters.
struct Wiring<'a> {
    arrangement: &'a Arrangement,
    root: &'a Mapping,
}

/// Where each unit of a split stack goes, and which unit each logical ID belongs to.
pub(super) struct Arrangement {
    placement: Placement,
    owner: HashMap<String, Span>,
}

impl Arrangement {
    /// The part of the resource `id`, if it is a resource of a unit.
    fn part(&self, id: &str) -> Option<usize> {
        self.owner.get(id).map(|&key| self.placement.part(key))
    }
}

/// What a reference to `id` (with `attribute` for `Fn::GetAtt`) becomes in part `here`
/// (`None`: the root): the name that replaces it and where that name's value comes from, or
/// `None` when it stays as it is.
impl Wiring<'_> {
    fn resolve(
        &self,
        here: Option<usize>,
        id: &str,
        attribute: Option<&str>,
    ) -> Option<(String, Source)> {
        if id.starts_with("AWS::") {
            return (id == "AWS::StackName" && here.is_some())
                .then(|| (ROOT_STACK_NAME.to_owned(), Source::Root(id.to_owned())));
        }
        if self.root.contains_key(id) {
            return here.map(|_| (id.to_owned(), Source::Root(id.to_owned())));
        }
        let part = self.arrangement.part(id)?;
        if Some(part) == here {
            return None;
        }
        let value = match attribute {
            Some(attribute) => get_att(id, attribute),
            None => reference(id),
        };
        Some((carried(id, attribute), Source::Part(part, value)))
    }
}

/// The name of the output and the parameter that carry a resource's value (`!Ref id`, or
/// `!GetAtt id.attribute`) between parts.
fn carried(id: &str, attribute: Option<&str>) -> String {
    match attribute {
        Some(attribute) => format!("{id}{attribute}"),
        None => format!("{id}Ref"),
    }
}

/// The root template's resource of part `index` (from 0).
fn part_id(index: usize) -> String {
    format!("Part{}Stack", index + 1)
}

/// Rewrites every reference in `value` that leaves part `here` (`None`: the root), recording
/// what it needs in `needs` (name, source).
fn rewrite(
    value: &mut Value,
    wiring: &Wiring,
    here: Option<usize>,
    needs: &mut Vec<(String, Source)>,
) {
    visit(value, here.is_none(), &mut |id, attribute| {
        let (name, source) = wiring.resolve(here, id, attribute)?;
        let text = match (here, &source) {
            (None, Source::Part(part, _)) => format!("{}.Outputs.{name}", part_id(*part)),
            _ => name.clone(),
        };
        needs.push((name, source));
        Some(text)
    });
}

/// Calls `f` on every reference in `value` (`!Ref id`, `!GetAtt id.attribute`, and `${id}`
/// or `${id.attribute}` in `!Sub` text) with its logical ID and attribute. Where `f` gives a
/// name, the reference becomes that name: `${name}` in text, `!Ref name`, or `!GetAtt name`
/// when `getatt` (in the root, which reads a nested stack's output).
fn visit(
    value: &mut Value,
    getatt: bool,
    f: &mut impl FnMut(&str, Option<&str>) -> Option<String>,
) {
    match value {
        Value::Tagged(tagged) => {
            // Compared in place: a tag's text is not copied for every node of every part.
            let tag = ["Ref", "GetAtt", "Sub"]
                .into_iter()
                .find(|name| tagged.tag == *name)
                .unwrap_or_default();
            let renamed = match (tag, &mut tagged.value) {
                ("Ref", Value::String(id)) => f(id, None),
                ("GetAtt", Value::String(dotted)) => dotted
                    .split_once('.')
                    .and_then(|(id, attribute)| f(id, Some(attribute))),
                ("Sub", Value::String(template)) => {
                    let renamed = rewrite_sub(template, |var| {
                        let (id, attribute) = match var.split_once('.') {
                            Some((id, attribute)) if !var.starts_with("AWS::") => {
                                (id, Some(attribute))
                            }
                            _ => (var, None),
                        };
                        f(id, attribute)
                    });
                    if let Some(renamed) = renamed {
                        *template = renamed;
                    }
                    None
                }
                (_, inner) => {
                    visit(inner, getatt, f);
                    None
                }
            };
            if let Some(name) = renamed {
                *value = if getatt {
                    tagged_getatt(&name)
                } else {
                    reference(&name)
                };
            }
        }
        Value::Mapping(mapping) => {
            for (_, inner) in mapping.iter_mut() {
                visit(inner, getatt, f);
            }
        }
        Value::Sequence(items) => {
            for inner in items {
                visit(inner, getatt, f);
            }
        }
        _ => {}
    }
}

fn tagged_getatt(dotted: &str) -> Value {
    super::values::tagged("GetAtt", s(dotted))
}

/// `Fn::Sub` text with each `${var}` that `f` renames replaced, or `None` when it renames
/// none; `${!...}` escapes are kept.
fn rewrite_sub(template: &str, mut f: impl FnMut(&str) -> Option<String>) -> Option<String> {
    // Written only from the first renamed variable on: most text has none.
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut at = 0;
    while let Some(start) = template[at..].find("${").map(|i| at + i) {
        let after = start + 2;
        match template[after..].find('}') {
            Some(end) if !template[after..].starts_with('!') => {
                let var = &template[after..after + end];
                if let Some(name) = f(var) {
                    let out = out.get_or_insert_with(|| String::with_capacity(template.len() + 16));
                    out.push_str(&template[copied..start]);
                    let _ = write!(out, "${{{name}}}");
                    copied = after + end + 1;
                }
                at = after + end + 1;
            }
            _ => at = after,
        }
    }
    let mut out = out?;
    out.push_str(&template[copied..]);
    Some(out)
}

/// The split stack's templates: the root (named `root_name`) first, then its parts. `units`
/// hold every resource, `builtin` drc's outputs (each goes to the part of the resource it
/// names), `user` the `output` items (kept in the root). Fails when the units cannot be
/// placed (`parts::place`).
pub(super) fn split(
    stack: &Stack<'_>,
    root_name: &str,
    mut root: Mapping,
    mut parameters: Mapping,
    mut units: Vec<Unit>,
    builtin: Mapping,
    mut user: Mapping,
) -> Result<Vec<(String, String)>, Box<Diagnostic>> {
    let arrangement = arrange(stack, &mut parameters, &mut units, &builtin, &mut user)?;
    let count = arrangement.placement.count();
    let mut parts: Vec<Part> = (0..count).map(|_| Part::default()).collect();
    for unit in units {
        let part = arrangement.placement.part(unit.key);
        parts[part].resources.extend(unit.resources);
    }
    for (name, body) in builtin {
        let part = body
            .get("Value")
            .and_then(named_resource)
            .and_then(|id| arrangement.part(&id))
            .expect("drc's outputs name a resource of a unit");
        parts[part].outputs.insert(name, body);
    }
    let wiring = Wiring {
        arrangement: &arrangement,
        root: &parameters,
    };
    let mut needs = Vec::new();
    for (index, part) in parts.iter_mut().enumerate() {
        let mut part_needs = Vec::new();
        for (_, body) in &mut part.resources {
            rewrite(body, &wiring, Some(index), &mut part_needs);
        }
        needs.extend(part_needs.iter().filter_map(|(name, source)| match source {
            Source::Part(from, value) => Some((*from, name.clone(), value.clone())),
            Source::Root(_) => None,
        }));
        for (name, source) in part_needs {
            part.parameters.entry(name).or_insert(source);
        }
    }
    let mut root_needs = Vec::new();
    for (_, body) in &mut user {
        rewrite(body, &wiring, None, &mut root_needs);
    }
    for (name, source) in root_needs {
        if let Source::Part(from, value) = source {
            needs.push((from, name, value));
        }
    }
    for (from, name, value) in needs {
        let outputs = &mut parts[from].outputs;
        if !outputs.contains_key(name.as_str()) {
            outputs.insert(s(&name), map([("Value", value)]));
        }
    }
    let mut files = vec![(root_name.to_owned(), String::new())];
    let mut nested = Mapping::new();
    // The parts are written in parallel, then taken in order.
    let parts: Vec<_> = parts.into_iter().enumerate().collect();
    let rendered =
        crate::parallel::map_owned(parts, stack.program.item_count(), |(index, part)| {
            render_part(stack, index, part, &parameters)
        });
    for (index, (file, text, body)) in rendered.into_iter().enumerate() {
        nested.insert(s(&part_id(index)), body);
        files.push((file, text));
    }
    root.insert(s("Parameters"), Value::Mapping(parameters));
    root.insert(s("Resources"), Value::Mapping(nested));
    if !user.is_empty() {
        root.insert(s("Outputs"), Value::Mapping(user));
    }
    files[0].1 = super::render(stack, root);
    Ok(files)
}

/// Where each unit of a split stack goes (see [`Arrangement`]). `parameters` gain the code archives' bucket (which
/// nested templates are read from) and `units` are sorted in declaration order. Fails when
/// the units cannot be placed (E0501, E0502).
pub(super) fn arrange(
    stack: &Stack<'_>,
    parameters: &mut Mapping,
    units: &mut [Unit],
    builtin: &Mapping,
    user: &mut Mapping,
) -> Result<Arrangement, Box<Diagnostic>> {
    parameters.insert(s(CODE_BUCKET), super::code_bucket_parameter(true));
    units.sort_by_key(|unit| unit.key);
    let mut owner: HashMap<String, Span> = HashMap::new();
    for unit in units.iter() {
        for (id, _) in &unit.resources {
            owner.insert(
                id.as_str().expect("logical IDs are strings").to_owned(),
                unit.key,
            );
        }
    }
    let placement = place(stack, parameters, units, &owner, builtin, user)
        .map_err(|error| Box::new(crate::emit::parts::placement_error(stack, error)))?;
    Ok(Arrangement { placement, owner })
}

/// Where each unit goes: what each asks of its part (the values it uses, by reading its
/// references; its outputs), placed by `parts::place`. `units` are in declaration order,
/// and `owner` gives the unit of each logical ID.
fn place(
    stack: &Stack<'_>,
    parameters: &Mapping,
    units: &mut [Unit],
    owner: &HashMap<String, Span>,
    builtin: &Mapping,
    user: &mut Mapping,
) -> Result<Placement, PlaceError> {
    let mut demands: Vec<Demand> = Vec::new();
    for unit in units.iter_mut() {
        if demands.last().is_none_or(|d| d.key != unit.key) {
            demands.push(Demand {
                key: unit.key,
                values: Vec::new(),
                parameters: Vec::new(),
                outputs: Vec::new(),
            });
        }
        let demand = demands.last_mut().expect("just pushed");
        for (_, body) in &mut unit.resources {
            visit(body, false, &mut |id, attribute| {
                if id == "AWS::StackName" {
                    demand.parameters.push(ROOT_STACK_NAME.to_owned());
                } else if parameters.contains_key(id) {
                    demand.parameters.push(id.to_owned());
                } else if let Some(&key) = owner.get(id)
                    && key != demand.key
                {
                    demand.values.push((key, carried(id, attribute)));
                }
                None
            });
        }
    }
    let index: HashMap<Span, usize> = demands
        .iter()
        .enumerate()
        .map(|(i, d)| (d.key, i))
        .collect();
    for (name, body) in builtin {
        let id = body
            .get("Value")
            .and_then(named_resource)
            .expect("drc's outputs name a resource");
        let name = name.as_str().expect("output names are strings").to_owned();
        demands[index[&owner[&id]]].outputs.push(name);
    }
    for (_, body) in user.iter_mut() {
        visit(body, true, &mut |id, attribute| {
            if let Some(key) = owner.get(id) {
                demands[index[key]].outputs.push(carried(id, attribute));
            }
            None
        });
    }
    let slots = crate::emit::parts::slots(stack.program, stack.policies, &stack.layouts);
    crate::emit::parts::place(&demands, |key| {
        *slots.get(&key).expect("every unit has its slots")
    })
}

/// The logical ID a drc output's `!Ref X` or `!GetAtt X.Attribute` names.
fn named_resource(value: &Value) -> Option<String> {
    let Value::Tagged(tagged) = value else {
        return None;
    };
    let text = tagged.value.as_str()?;
    Some(text.split('.').next().unwrap_or(text).to_owned())
}

/// Part `index`'s template: its file name, its text, and its resource in the root (the
/// nested stack, with the values of its parameters).
fn render_part(
    stack: &Stack<'_>,
    index: usize,
    part: Part,
    root_parameters: &Mapping,
) -> (String, String, Value) {
    let name = &stack.program.stack.name;
    let mut declared = Mapping::new();
    let mut passed = Mapping::new();
    for (parameter, source) in part.parameters {
        let (declaration, value) = match source {
            Source::Root(root) if root.starts_with("AWS::") => (
                map([
                    ("Type", s("String")),
                    ("Description", s("The root stack's name")),
                ]),
                reference(&root),
            ),
            Source::Root(root) => (root_parameters[root.as_str()].clone(), reference(&root)),
            Source::Part(from, _) => (
                map([
                    ("Type", s("String")),
                    (
                        "Description",
                        s(&format!("Output {parameter} of part {}", from + 1)),
                    ),
                ]),
                tagged_getatt(&format!("{}.Outputs.{parameter}", part_id(from))),
            ),
        };
        declared.insert(s(&parameter), declaration);
        passed.insert(s(&parameter), value);
    }
    let mut template = Mapping::new();
    template.insert(s("AWSTemplateFormatVersion"), s("2010-09-09"));
    template.insert(
        s("Description"),
        s(&format!(
            "Part {} of stack {name}, nested in {}",
            index + 1,
            crate::emit::Target::CloudFormation.file_name(name)
        )),
    );
    if !declared.is_empty() {
        template.insert(s("Parameters"), Value::Mapping(declared));
    }
    template.insert(s("Resources"), Value::Mapping(part.resources));
    if !part.outputs.is_empty() {
        template.insert(s("Outputs"), Value::Mapping(part.outputs));
    }
    let text = super::render(stack, template);
    let digest = Sha256::digest(text.as_bytes());
    let hex = digest.iter().take(6).fold(String::new(), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    });
    let file = format!("{name}.part{}-{hex}.cfn.yaml", index + 1);
    let mut properties = Mapping::new();
    properties.insert(
        s("TemplateURL"),
        sub(&format!(
            "https://${{{CODE_BUCKET}}}.s3.${{AWS::Region}}.${{AWS::URLSuffix}}/{file}"
        )),
    );
    if !passed.is_empty() {
        properties.insert(s("Parameters"), Value::Mapping(passed));
    }
    let body = map([
        ("Type", s("AWS::CloudFormation::Stack")),
        ("Properties", Value::Mapping(properties)),
    ]);
    (file, text, body)
}

#[cfg(test)]
mod tests {
    use super::rewrite_sub;

    #[test]
    fn sub_text_is_renamed_only_where_asked_and_escapes_are_kept() {
        let rename = |var: &str| (var == "B0Bucket.Arn").then(|| "B0BucketArn".to_owned());
        assert_eq!(
            rewrite_sub(
                "${B0Bucket.Arn}/a/${!B0Bucket.Arn}/${AWS::Region}${B0Bucket.Arn}",
                rename
            )
            .as_deref(),
            Some("${B0BucketArn}/a/${!B0Bucket.Arn}/${AWS::Region}${B0BucketArn}")
        );
        assert_eq!(rewrite_sub("${AWS::Region}/${Other}/${", rename), None);
        assert_eq!(rewrite_sub("plain", rename), None);
    }
}
