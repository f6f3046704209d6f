//! `drc graph`: a picture of a stack, as Mermaid (which GitHub renders in Markdown) or as
//! Graphviz DOT.
//!
//! Nodes are the stack's items: buckets (cylinders, with versioning, retention, their key
//! and region), functions, schedules (with their expression), queues, topics, and the
//! buckets and functions outside the stack (dashed). Solid edges are who may do what to
//! which resource, read from the inferred [`Policies`]: one edge per role and item, labelled
//! with the actions, the objects after an object action (`s3:PutObject daily/*`,
//! `s3:GetObject (all objects)`) and `(key)` after an action on the item's KMS key. A function's own log streams are left out: every
//! function has them. Dashed edges are what S3 and CloudWatch do on their own: replication,
//! access logs, and the alarm on a function's errors.
//!
//! ```text
//! function backup --"s3:ListBucket / s3:GetObject"--> bucket app_data
//! schedule nightly --"lambda:InvokeFunction"--> function backup
//! bucket backups -.replicates to.-> bucket replica
//! ```

use crate::check::model::{Encryption, Program};
use crate::iam::{Owner, Policies, Resource};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// How to write the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A Mermaid `flowchart`, for a ```` ```mermaid ```` block in Markdown.
    Mermaid,
    /// Graphviz DOT, for `dot -Tsvg`.
    Dot,
}

/// The shape a node is drawn with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Bucket,
    Function,
    Schedule,
    Queue,
    Topic,
}

/// One item of the stack.
struct Node {
    id: String,
    shape: Shape,
    /// Lines of the label: the kind and name first.
    lines: Vec<String>,
    /// Outside the stack (`existing`).
    outside: bool,
}

/// One arrow.
struct Edge {
    from: String,
    to: String,
    /// Lines of the label.
    lines: Vec<String>,
    /// Done by a service on its own rather than granted to a role.
    dashed: bool,
}

/// The stack `program` with the permissions `policies` grants, as a graph in `format`.
pub fn graph(program: &Program, policies: &Policies, format: Format) -> String {
    let (nodes, edges) = build(program, policies);
    match format {
        Format::Mermaid => mermaid(&program.stack.name, &nodes, &edges),
        Format::Dot => dot(&program.stack.name, &nodes, &edges),
    }
}

fn build(program: &Program, policies: &Policies) -> (Vec<Node>, Vec<Edge>) {
    let mut nodes = Vec::new();
    for bucket in program.buckets() {
        let mut lines = vec![format!("bucket {}", bucket.name)];
        if let Some(existing) = &bucket.existing {
            lines.push(format!("existing: {}", existing.name));
            if let Some(account) = &existing.account {
                lines.push(format!("account {account}"));
            }
        } else {
            let mut facts = Vec::new();
            if bucket.versioned {
                facts.push("versioned");
            }
            if bucket.retain {
                facts.push("retained");
            }
            if bucket.encryption == Encryption::Kms {
                facts.push("KMS key");
            }
            if bucket.object_lock.is_some() {
                facts.push("object lock");
            }
            if !facts.is_empty() {
                lines.push(facts.join(", "));
            }
            if let Some(region) = bucket.region {
                lines.push(format!("region {}", region.code));
            }
        }
        nodes.push(Node {
            id: id("bucket", &bucket.name),
            shape: Shape::Bucket,
            lines,
            outside: bucket.existing.is_some(),
        });
    }
    for function in program.functions() {
        nodes.push(Node {
            id: id("function", &function.name),
            shape: Shape::Function,
            lines: vec![
                format!("function {}", function.name),
                function.runtime.id.to_owned(),
            ],
            outside: false,
        });
    }
    for function in program.existing_functions() {
        nodes.push(Node {
            id: id("function", &function.name),
            shape: Shape::Function,
            lines: vec![format!("function {}", function.name), "existing".to_owned()],
            outside: true,
        });
    }
    for schedule in program.schedules() {
        let mut lines = vec![
            format!("schedule {}", schedule.name),
            schedule.expression.to_aws(),
        ];
        if let Some(zone) = &schedule.timezone {
            lines.push(zone.clone());
        }
        nodes.push(Node {
            id: id("schedule", &schedule.name),
            shape: Shape::Schedule,
            lines,
            outside: false,
        });
    }
    for queue in program.queues() {
        nodes.push(Node {
            id: id("queue", &queue.name),
            shape: Shape::Queue,
            lines: vec![format!("queue {}", queue.name)],
            outside: false,
        });
    }
    for topic in program.topics() {
        let mut lines = vec![format!("topic {}", topic.name)];
        lines.extend(topic.email.iter().cloned());
        nodes.push(Node {
            id: id("topic", &topic.name),
            shape: Shape::Topic,
            lines,
            outside: false,
        });
    }

    let mut edges = Vec::new();
    for role in policies.roles() {
        let from = match &role.owner {
            Owner::Function(name) => id("function", name),
            Owner::Scheduler(name) => id("schedule", name),
            // Drawn from the program below, as what S3 does on its own.
            Owner::Replication(_) => continue,
        };
        // Actions per item, in the order of the role's statements.
        let mut granted: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut order = Vec::new();
        for statement in &role.statements {
            let Some((to, suffix)) = target(&statement.resource) else {
                continue;
            };
            if !granted.contains_key(&to) {
                order.push(to.clone());
            }
            let actions = granted.entry(to).or_default();
            for action in &statement.actions {
                let line = format!("{}{suffix}", action.name);
                if !actions.contains(&line) {
                    actions.push(line);
                }
            }
        }
        for to in order {
            let lines = granted.remove(&to).unwrap_or_default();
            edges.push(Edge {
                from: from.clone(),
                to,
                lines,
                dashed: false,
            });
        }
    }
    for bucket in program.buckets() {
        for replication in &bucket.replicate_to {
            edges.push(Edge {
                from: id("bucket", &bucket.name),
                to: id("bucket", &replication.replica),
                lines: vec!["replicates to".to_owned()],
                dashed: true,
            });
        }
        if let Some(logs) = &bucket.access_logs {
            let mut line = "access logs".to_owned();
            if !logs.prefix.is_empty() {
                let _ = write!(line, " {}", logs.prefix);
            }
            edges.push(Edge {
                from: id("bucket", &bucket.name),
                to: id("bucket", &logs.bucket),
                lines: vec![line],
                dashed: true,
            });
        }
    }
    for function in program.functions() {
        if let Some(alarm) = &function.failure.alarm {
            edges.push(Edge {
                from: id("function", &function.name),
                to: id("topic", &alarm.target),
                lines: vec!["alarm on errors".to_owned()],
                dashed: true,
            });
        }
    }
    (nodes, edges)
}

/// The node a resource belongs to, and what follows an action on it in a label: the
/// objects' prefix, `(key)` for the item's KMS key, `(dead-letter queue)` for a schedule's
/// own queue. `None` for a function's own logs.
fn target(resource: &Resource) -> Option<(String, String)> {
    Some(match resource {
        Resource::Bucket(b) | Resource::ExistingBucket { bucket: b, .. } => {
            (id("bucket", b), String::new())
        }
        Resource::Objects { bucket, prefix } | Resource::ExistingObjects { bucket, prefix, .. } => {
            let objects = if prefix.is_empty() {
                " (all objects)".to_owned()
            } else {
                format!(" {prefix}*")
            };
            (id("bucket", bucket), objects)
        }
        Resource::BucketKey(b) | Resource::ExistingKey { bucket: b, .. } => {
            (id("bucket", b), " (key)".to_owned())
        }
        Resource::Function(f) | Resource::ExistingFunction { name: f, .. } => {
            (id("function", f), String::new())
        }
        Resource::Queue(q) => (id("queue", q), String::new()),
        Resource::QueueKey(q) => (id("queue", q), " (key)".to_owned()),
        Resource::Topic(t) => (id("topic", t), String::new()),
        Resource::TopicKey(t) => (id("topic", t), " (key)".to_owned()),
        // A schedule's own queue is drawn as part of the schedule, as a key is of its bucket.
        Resource::ScheduleDeadLetters(s) => (id("schedule", s), " (dead-letter queue)".to_owned()),
        Resource::LogStreams(_) => return None,
    })
}

/// A node's id: its kind and name, which together are unique (names are unique in a
/// stack, and made of letters, digits and `_`).
fn id(kind: &str, name: &str) -> String {
    format!("{kind}_{name}")
}

fn mermaid(stack: &str, nodes: &[Node], edges: &[Edge]) -> String {
    let text = |lines: &[String]| {
        let escaped: Vec<String> = lines
            .iter()
            .map(|l| {
                l.replace('#', "#35;")
                    .replace('"', "#quot;")
                    .replace('<', "#lt;")
                    .replace('>', "#gt;")
            })
            .collect();
        format!("\"{}\"", escaped.join("<br/>"))
    };
    let mut out = format!("%% drc graph of stack {stack}\nflowchart LR\n");
    for node in nodes {
        let label = text(&node.lines);
        let shape = match node.shape {
            Shape::Bucket => format!("[({label})]"),
            Shape::Function => format!("({label})"),
            Shape::Schedule => format!("{{{{{label}}}}}"),
            Shape::Queue => format!("[/{label}/]"),
            Shape::Topic => format!(">{label}]"),
        };
        let _ = writeln!(out, "  {}{shape}", node.id);
    }
    for edge in edges {
        let arrow = if edge.dashed { "-.->" } else { "-->" };
        let _ = writeln!(
            out,
            "  {} {arrow}|{}| {}",
            edge.from,
            text(&edge.lines),
            edge.to
        );
    }
    let outside: Vec<&str> = nodes
        .iter()
        .filter(|n| n.outside)
        .map(|n| n.id.as_str())
        .collect();
    if !outside.is_empty() {
        let _ = writeln!(
            out,
            "  classDef outside stroke-dasharray: 5 5\n  class {} outside",
            outside.join(",")
        );
    }
    out
}

fn dot(stack: &str, nodes: &[Node], edges: &[Edge]) -> String {
    let text = |lines: &[String]| {
        let escaped: Vec<String> = lines
            .iter()
            .map(|l| l.replace('\\', "\\\\").replace('"', "\\\""))
            .collect();
        format!("\"{}\"", escaped.join("\\n"))
    };
    let mut out = format!(
        "// drc graph of stack {stack}\ndigraph \"{stack}\" {{\n  rankdir=LR;\n  node [fontname=\"Helvetica\" fontsize=11];\n  edge [fontname=\"Helvetica\" fontsize=9];\n"
    );
    for node in nodes {
        let shape = match node.shape {
            Shape::Bucket => "cylinder",
            Shape::Function => "box",
            Shape::Schedule => "hexagon",
            Shape::Queue => "parallelogram",
            Shape::Topic => "cds",
        };
        let mut styles = Vec::new();
        if node.shape == Shape::Function {
            styles.push("rounded");
        }
        if node.outside {
            styles.push("dashed");
        }
        let style = if styles.is_empty() {
            String::new()
        } else {
            format!(" style=\"{}\"", styles.join(","))
        };
        let _ = writeln!(
            out,
            "  \"{}\" [shape={shape}{style} label={}];",
            node.id,
            text(&node.lines)
        );
    }
    for edge in edges {
        let style = if edge.dashed { " style=dashed" } else { "" };
        let _ = writeln!(
            out,
            "  \"{}\" -> \"{}\" [label={}{style}];",
            edge.from,
            edge.to,
            text(&edge.lines)
        );
    }
    out.push_str("}\n");
    out
}
