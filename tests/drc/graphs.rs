//! `drc graph` through the real binary: what the picture shows against the policies drc
//! infers, both formats, and the pictures in `docs/tools.md` kept up to date.

use crate::cli::{BROKEN, Drc, assert_contains, temp_dir, write};
use crate::support::{analyze_file, root};

/// Whether Graphviz's `dot` can be run.
fn have_dot() -> bool {
    std::process::Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The Mermaid edges of a graph: (from, label lines, to, dashed).
fn mermaid_edges(graph: &str) -> Vec<(String, Vec<String>, String, bool)> {
    graph
        .lines()
        .filter_map(|line| {
            let line = line.trim();
            let (from, rest, dashed) = if let Some((from, rest)) = line.split_once(" -.->|") {
                (from, rest, true)
            } else {
                let (from, rest) = line.split_once(" -->|")?;
                (from, rest, false)
            };
            let (label, to) = rest.rsplit_once("| ")?;
            let lines = label
                .trim_matches('"')
                .split("<br/>")
                .map(str::to_owned)
                .collect();
            Some((from.to_owned(), lines, to.to_owned(), dashed))
        })
        .collect()
}

#[test]
fn every_permission_of_every_example_is_on_an_edge() {
    for example in ["disaster_recovery", "log_archive", "report_fanout"] {
        let path = root().join(format!("examples/{example}.dr"));
        let output = Drc::new(&["graph", &format!("examples/{example}.dr")]).run();
        assert_eq!(output.status, 0, "{}", output.stderr);
        let edges = mermaid_edges(&output.stdout);
        let (_, analyses, _) = analyze_file(&path, example);
        for role in analyses[0].policies.roles() {
            let from = match &role.owner {
                drc::iam::Owner::Function(f) => format!("function_{f}"),
                drc::iam::Owner::Scheduler(s) => format!("schedule_{s}"),
                drc::iam::Owner::Replication(b) => {
                    assert!(
                        edges
                            .iter()
                            .any(|(f, l, _, dashed)| *f == format!("bucket_{b}")
                                && *dashed
                                && l == &["replicates to"]),
                        "{example}: no replication edge from {b}:\n{}",
                        output.stdout
                    );
                    continue;
                }
            };
            for statement in &role.statements {
                if matches!(statement.resource, drc::iam::Resource::LogStreams(_)) {
                    continue;
                }
                for action in &statement.actions {
                    assert!(
                        edges.iter().any(|(f, lines, _, dashed)| *f == from
                            && !dashed
                            && lines
                                .iter()
                                .any(|l| l.split(' ').next() == Some(action.name))),
                        "{example}: {} of {from} on {} is on no edge:\n{}",
                        action.name,
                        statement.resource.describe(),
                        output.stdout
                    );
                }
            }
        }
    }
}

#[test]
fn the_example_graph_shows_schedules_replication_logs_and_alarms() {
    let output = Drc::new(&["graph", "examples/disaster_recovery.dr"]).run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    let graph = &output.stdout;
    assert!(graph.starts_with("%% drc graph of stack disaster_recovery\nflowchart LR\n"));
    assert_contains(
        graph,
        "schedule_nightly{{\"schedule nightly<br/>cron(0 1,13 * * ? *)<br/>Europe/Paris\"}}",
    );
    assert_contains(
        graph,
        "bucket_app_data[(\"bucket app_data<br/>existing: acme-app-data\")]",
    );
    assert_contains(
        graph,
        "bucket_vault[(\"bucket vault<br/>existing: acme-backup-vault<br/>account 111122223333\")]",
    );
    assert_contains(graph, "class bucket_app_data,bucket_vault outside");
    let edges = mermaid_edges(graph);
    let edge = |from: &str, to: &str| {
        edges
            .iter()
            .find(|(f, _, t, _)| f == from && t == to)
            .unwrap_or_else(|| panic!("no edge {from} -> {to}:\n{graph}"))
    };
    assert_eq!(
        edge("schedule_nightly", "function_backup").1,
        ["lambda:InvokeFunction"]
    );
    let put = edge("function_backup", "bucket_backups");
    assert!(
        put.1.contains(&"s3:PutObject daily/*".to_owned()),
        "{put:?}"
    );
    assert!(put.1.iter().any(|l| l.ends_with(" (key)")), "{put:?}");
    assert!(!put.1.iter().any(|l| l.contains("Delete")), "{put:?}");
    // Both destinations of `replicate_to`, dashed: S3 writes them, not a role of the stack's.
    for replica in ["bucket_replica", "bucket_vault"] {
        let replication = edge("bucket_backups", replica);
        assert_eq!(replication.1, ["replicates to"], "{replication:?}");
        assert!(replication.3, "{replication:?}");
    }
    assert_eq!(
        edge("bucket_backups", "bucket_logs").1,
        ["access logs backups/"]
    );
    assert_eq!(
        edge("function_backup", "topic_alerts").1,
        ["alarm on errors"]
    );
    assert_eq!(
        edge("function_backup", "queue_failed_runs").1,
        ["sqs:SendMessage"]
    );
}

/// The fenced block of `language` in `docs/tools.md` that follows `after`.
fn docs_block(after: &str, language: &str) -> String {
    let page = std::fs::read_to_string(root().join("docs/tools.md")).expect("docs/tools.md");
    let from = page
        .find(after)
        .unwrap_or_else(|| panic!("`{after}` is not in docs/tools.md"));
    let start = page[from..]
        .find(&format!("```{language}\n"))
        .map(|at| from + at + language.len() + 4)
        .expect("the block");
    let end = start + page[start..].find("```\n").expect("the block ends");
    page[start..end].to_owned()
}

#[test]
fn the_pictures_in_the_docs_are_what_drc_draws() {
    let mermaid = Drc::new(&["graph", "examples/disaster_recovery.dr"]).run();
    assert_eq!(
        docs_block("The disaster-recovery example, `drc graph", "mermaid"),
        mermaid.stdout,
        "docs/tools.md: paste the output of `drc graph examples/disaster_recovery.dr`"
    );
    // The SVG was made from today's DOT: every label line is one of its texts (as Graphviz
    // writes them, `-` as `&#45;`).
    let dot = Drc::new(&["graph", "examples/disaster_recovery.dr", "--format", "dot"]).run();
    assert_eq!(dot.status, 0, "{}", dot.stderr);
    let svg = std::fs::read_to_string(root().join("docs/images/disaster_recovery.svg"))
        .expect("the picture");
    let mut labels = 0;
    for line in dot.stdout.lines() {
        let Some((_, label)) = line.split_once("label=\"") else {
            continue;
        };
        let label = &label[..label.find('"').expect("a label ends")];
        for text in label.split("\\n") {
            let text = text
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('-', "&#45;");
            assert!(
                svg.contains(&format!(">{text}</text>")),
                "docs/images/disaster_recovery.svg lacks `{text}`: run `drc graph examples/disaster_recovery.dr --format dot | dot -Tsvg > docs/images/disaster_recovery.svg`"
            );
            labels += 1;
        }
    }
    assert!(labels > 20, "{}", dot.stdout);
}

#[test]
fn dot_renders_with_graphviz() {
    let dot = Drc::new(&["graph", "examples/disaster_recovery.dr", "--format", "dot"]).run();
    assert_eq!(dot.status, 0, "{}", dot.stderr);
    assert!(
        dot.stdout.starts_with(
            "// drc graph of stack disaster_recovery\ndigraph \"disaster_recovery\" {\n"
        )
    );
    assert_contains(
        &dot.stdout,
        "\"bucket_backups\" -> \"bucket_replica\" [label=\"replicates to\" style=dashed];",
    );
    if !have_dot() {
        eprintln!("rendering not checked: no Graphviz `dot`");
        return;
    }
    let dir = temp_dir();
    let path = write(dir.path(), "graph.dot", &dot.stdout);
    let rendered = std::process::Command::new("dot")
        .arg("-Tsvg")
        .arg(&path)
        .output()
        .expect("dot runs");
    assert!(rendered.status.success(), "{rendered:?}");
    assert!(
        rendered.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    assert!(String::from_utf8_lossy(&rendered.stdout).contains("<svg"));
}

#[test]
fn graph_reads_stdin_and_reports_errors_like_check() {
    let stack = "bucket data {\n  versioned = true\n}\n";
    let output = Drc::new(&["graph", "-"]).stdin(stack).run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    assert_contains(&output.stdout, "%% drc graph of stack stdin");
    assert_contains(
        &output.stdout,
        "bucket_data[(\"bucket data<br/>versioned\")]",
    );
    let dir = temp_dir();
    write(dir.path(), "broken.dr", BROKEN);
    let broken = Drc::new(&["graph", "broken.dr"]).in_dir(dir.path()).run();
    assert_eq!(broken.status, 1);
    assert!(broken.stdout.is_empty());
    assert_contains(&broken.stderr, "error[E0401]");
    let directory = Drc::new(&["graph", "examples"]).run();
    assert_eq!(directory.status, 2);
    let unknown = Drc::new(&["graph", "examples/log_archive.dr", "--format", "png"]).run();
    assert_eq!(unknown.status, 2);
}

#[test]
fn a_copy_in_another_account_shows_its_account() {
    let output = Drc::new(&[
        "graph",
        "tests/fixtures/valid/bucket_replication_other_account/input.dr",
    ])
    .run();
    assert_eq!(output.status, 0, "{}", output.stderr);
    assert!(
        output.stdout.contains(
            "bucket_vault[(\"bucket vault<br/>existing: acme-backup-vault<br/>account 111122223333\")]"
        ),
        "{}",
        output.stdout
    );
    let edges = mermaid_edges(&output.stdout);
    assert!(
        edges
            .iter()
            .any(|(from, lines, to, dashed)| from == "bucket_backups"
                && to == "bucket_vault"
                && *dashed
                && lines == &["replicates to"]),
        "{}",
        output.stdout
    );
}
