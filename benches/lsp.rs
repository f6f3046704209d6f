//! The language server's latency: after an edit of a 5,000-line file, how long until its
//! fresh diagnostics are published. The server runs in process on an in-memory connection;
//! the time measured runs from sending `didChange` to receiving `publishDiagnostics`: the
//! server's time (the goal is at most 20 ms).
//!
//! `cargo bench --bench lsp`. Two edits are timed: one that keeps the file valid, one that
//! leaves a syntax error (the parser then reads the file item by item).

use criterion::{Criterion, criterion_group, criterion_main};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// A stack of about `lines` lines: buckets, functions that copy between them, schedules.
fn generated(lines: usize) -> String {
    let mut text = String::from("stack generated {\n  description = \"latency\"\n}\n");
    let mut i = 0;
    while text.lines().count() < lines {
        let _ = write!(
            text,
            "\nbucket b{i} {{\n  versioned  = true\n  retain     = true\n  encryption = kms\n  lifecycle {{ noncurrent_expire = 30d }}\n}}\n\n\
             function f{i} {{\n  runtime = nodejs24.x\n  handler = \"index.handler\"\n  code    = \"lambda\"\n  memory  = 512MB\n  timeout = 5m\n  alarm   = alerts\n  env {{ FROM = b{i}.name }}\n\n  list b{i}\n  read b{i} \"data/\"\n}}\n\n\
             schedule s{i} {{\n  every  = 24h\n  invoke = f{i}\n}}\n"
        );
        i += 1;
    }
    text.push_str("\ntopic alerts {}\n");
    text
}

/// Files the server never needs: the stack imports nothing.
struct NoDisk;

impl drc::SourceLoader for NoDisk {
    fn read(&self, name: &str) -> Result<String, String> {
        Err(format!("there is no file `{name}`"))
    }
}

fn send(connection: &Connection, method: &str, params: Value) {
    let note = Notification::new(method.to_owned(), params);
    connection
        .sender
        .send(Message::Notification(note))
        .expect("the server listens");
}

/// Waits for the next diagnostics; how many there are.
fn diagnostics(connection: &Connection) -> usize {
    loop {
        match connection.receiver.recv().expect("the server answers") {
            Message::Notification(note) if note.method == "textDocument/publishDiagnostics" => {
                return note.params["diagnostics"].as_array().map_or(0, Vec::len);
            }
            _ => {}
        }
    }
}

fn bench(c: &mut Criterion) {
    let text = generated(5000);
    assert!(text.lines().count() >= 5000);
    let (server, client) = Connection::memory();
    let thread = std::thread::spawn(move || {
        drc::lsp::serve(&server, &NoDisk, drc::date(2026, 11, 24)).expect("serves");
    });
    let initialize = Request::new(
        RequestId::from(1),
        "initialize".to_owned(),
        json!({ "capabilities": {} }),
    );
    client
        .sender
        .send(Message::Request(initialize))
        .expect("send");
    client.receiver.recv().expect("initialized");
    send(&client, "initialized", json!({}));
    let uri = "file:///bench/stack.dr";
    send(
        &client,
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "dr", "version": 1, "text": text } }),
    );
    assert_eq!(diagnostics(&client), 0, "the generated stack is clean");

    let mut version = 1;
    let mut edit = |name: &str, edited: &str, expected: usize| {
        c.bench_function(name, |b| {
            b.iter_custom(|iterations| {
                let mut total = Duration::ZERO;
                for i in 0..iterations {
                    // Alternate between the edited text and the original, so every change
                    // is a real one.
                    let (next, count) = if i % 2 == 0 { (edited, expected) } else { (text.as_str(), 0) };
                    version += 1;
                    let start = Instant::now();
                    send(
                        &client,
                        "textDocument/didChange",
                        json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": next }] }),
                    );
                    assert_eq!(diagnostics(&client), count);
                    total += start.elapsed();
                }
                total
            });
        });
    };
    let wrong_unit = text.replacen("memory  = 512MB", "memory  = 5m", 1);
    edit(
        "lsp: diagnostics after an edit of 5,000 lines",
        &wrong_unit,
        1,
    );
    let syntax_error = text.replacen("versioned  = true", "versioned  = ", 1);
    edit(
        "lsp: diagnostics after an edit of 5,000 lines, with a syntax error",
        &syntax_error,
        1,
    );

    let shutdown = Request::new(RequestId::from(2), "shutdown".to_owned(), Value::Null);
    client
        .sender
        .send(Message::Request(shutdown))
        .expect("send");
    send(&client, "exit", Value::Null);
    thread.join().expect("the server stops");
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(10));
    targets = bench
}
criterion_main!(benches);
