//! Resources that depend on each other in a cycle, which CloudFormation refuses ("Circular
//! dependency between resources"; cfn-lint's E3004). A resource depends on another of the
//! same template when it names it in a `Ref`, a `Fn::GetAtt`, a `${...}` of `Fn::Sub`, or
//! its `DependsOn`. Between nested stacks this is the root's stack resources passing each
//! other's outputs, which a placement of units into parts could cause.
//!
//! ```text
//! Part2Stack: Parameters: { B77BucketArn: !GetAtt Part3Stack.Outputs.B77BucketArn }
//! Part3Stack: Parameters: { F76FunctionArn: !GetAtt Part2Stack.Outputs.F76FunctionArn }
//!   => the cycle Part2Stack -> Part3Stack -> Part2Stack
//! ```

use super::Reader;
use crate::verify::tree::Node;
use std::collections::HashMap;

/// The first cycle among a template's resources (`root` is the template), as the logical
/// IDs along it, the first repeated at the end; `None` when there is none.
pub(super) fn cycle(root: &Node<'_>) -> Option<Vec<String>> {
    let resources = root.get("Resources")?.as_mapping()?;
    let ids: Vec<&str> = resources
        .iter()
        .map(|(id, _)| id.as_str().unwrap_or_default())
        .collect();
    let index: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
    let edges: Vec<Vec<usize>> = resources
        .iter()
        .map(|(_, body)| {
            let mut names = Vec::new();
            named(body, &mut names);
            let mut used: Vec<usize> = names.iter().filter_map(|n| index.get(n).copied()).collect();
            used.sort_unstable();
            used.dedup();
            used
        })
        .collect();
    // Depth first, iterative: 0 unseen, 1 on the walk, 2 done.
    let mut state = vec![0u8; ids.len()];
    for start in 0..ids.len() {
        if state[start] != 0 {
            continue;
        }
        let mut walk = vec![(start, 0)];
        state[start] = 1;
        while let Some(&mut (at, ref mut next)) = walk.last_mut() {
            let Some(&to) = edges[at].get(*next) else {
                state[at] = 2;
                walk.pop();
                continue;
            };
            *next += 1;
            match state[to] {
                0 => {
                    state[to] = 1;
                    walk.push((to, 0));
                }
                1 => {
                    let from = walk.iter().position(|&(unit, _)| unit == to)?;
                    let mut cycle: Vec<String> = walk[from..]
                        .iter()
                        .map(|&(u, _)| ids[u].to_owned())
                        .collect();
                    cycle.push(ids[to].to_owned());
                    return Some(cycle);
                }
                _ => {}
            }
        }
    }
    None
}

/// The logical IDs (or pseudo parameters) `node` names, pushed to `names`.
fn named<'n>(node: &'n Node<'_>, names: &mut Vec<&'n str>) {
    // `Ref` and `Fn::GetAtt`, short or long, as the reader reads them.
    if let Some(id) = Reader::referenced(node) {
        names.push(id);
        return;
    }
    match node {
        Node::Tagged(tag, inner) if tag == "Sub" => sub_named(inner, names),
        Node::Tagged(_, inner) => named(inner, names),
        Node::Mapping(entries) => {
            for (key, value) in entries {
                match (key.as_str(), value) {
                    (Some("DependsOn"), Node::Scalar(id)) => names.push(id),
                    (Some("DependsOn"), Node::Sequence(ids)) => {
                        names.extend(ids.iter().filter_map(Node::as_str));
                    }
                    (Some("Fn::Sub"), _) => sub_named(value, names),
                    _ => named(value, names),
                }
            }
        }
        Node::Sequence(items) => items.iter().for_each(|item| named(item, names)),
        Node::Scalar(_) | Node::Null => {}
    }
}

/// What `Fn::Sub`'s argument names: its text's variables, and its variables' values.
fn sub_named<'n>(argument: &'n Node<'_>, names: &mut Vec<&'n str>) {
    match argument {
        Node::Scalar(text) => substituted(text, names),
        Node::Sequence(parts) => {
            if let Some(text) = parts.first().and_then(Node::as_str) {
                substituted(text, names);
            }
            parts.iter().skip(1).for_each(|part| named(part, names));
        }
        other => named(other, names),
    }
}

/// The names of `${Name}` and `${Name.Attribute}` in `Fn::Sub` text (not `${!...}`).
fn substituted<'n>(text: &'n str, names: &mut Vec<&'n str>) {
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let var = &after[..end];
        if !var.starts_with('!') {
            names.push(var.split('.').next().unwrap_or(var));
        }
        rest = &after[end + 1..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::tree;

    #[test]
    fn stacks_passing_each_other_outputs_are_a_cycle() {
        let text = "Resources:\n  Part1Stack:\n    Type: AWS::CloudFormation::Stack\n  Part2Stack:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      Parameters:\n        A: !GetAtt Part3Stack.Outputs.A\n  Part3Stack:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      Parameters:\n        B: !Sub '${Part2Stack.Outputs.B}'\n";
        let root = tree::parse(text).expect("YAML");
        assert_eq!(
            cycle(&root),
            Some(vec![
                "Part2Stack".to_owned(),
                "Part3Stack".to_owned(),
                "Part2Stack".to_owned()
            ])
        );
        let acyclic = text.replace("Part3Stack.Outputs.A", "Part1Stack.Outputs.A");
        assert_eq!(cycle(&tree::parse(&acyclic).expect("YAML")), None);
    }

    #[test]
    fn depends_on_and_long_forms_count() {
        let text = "Resources:\n  A:\n    DependsOn: [B]\n  B:\n    Properties:\n      X: { 'Fn::GetAtt': [C, Arn] }\n  C:\n    Properties:\n      Y: { Ref: A }\n      Z: !Sub '${!A} ${AWS::Region}'\n";
        let root = tree::parse(text).expect("YAML");
        assert_eq!(cycle(&root).map(|c| c.len()), Some(4), "A -> B -> C -> A");
        let broken = text.replace("{ Ref: A }", "{ Ref: AWS::Region }");
        assert_eq!(
            cycle(&tree::parse(&broken).expect("YAML")),
            None,
            "`${{!A}}` names nothing"
        );
    }
}
