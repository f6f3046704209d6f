//! `drc lsp`, in process: a client speaks the protocol to the server over an in-memory
//! connection. Diagnostics on open and change and across imports, hover, completion,
//! definition, references, rename, symbols, formatting and quick fixes; positions in UTF-16.

use crate::support::{root, today};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

/// Files the server reads when they are imported and not open.
#[derive(Clone, Default)]
struct Disk(Arc<Mutex<BTreeMap<String, String>>>);

impl drc::SourceLoader for Disk {
    fn read(&self, name: &str) -> Result<String, String> {
        self.0
            .lock()
            .expect("lock")
            .get(name)
            .cloned()
            .ok_or_else(|| format!("there is no file `{name}`"))
    }
}

struct Client {
    connection: Connection,
    server: Option<std::thread::JoinHandle<Result<(), String>>>,
    next: i32,
    notifications: VecDeque<Notification>,
}

fn uri(name: &str) -> String {
    format!("file://{name}")
}

impl Client {
    fn start(disk: &Disk) -> Client {
        let (server, connection) = Connection::memory();
        let disk = disk.clone();
        let server = std::thread::spawn(move || drc::lsp::serve(&server, &disk, today()));
        let mut client = Client {
            connection,
            server: Some(server),
            next: 0,
            notifications: VecDeque::new(),
        };
        let capabilities = client.request("initialize", json!({ "capabilities": {} }));
        assert_eq!(capabilities["capabilities"]["positionEncoding"], "utf-16");
        client.notify("initialized", json!({}));
        client
    }

    fn notify(&self, method: &str, params: Value) {
        let note = Notification::new(method.to_owned(), params);
        self.connection
            .sender
            .send(Message::Notification(note))
            .expect("send");
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = RequestId::from(self.next);
        let request = Request::new(id.clone(), method.to_owned(), params);
        self.connection
            .sender
            .send(Message::Request(request))
            .expect("send");
        loop {
            match self.receive() {
                Message::Response(response) if response.id == id => {
                    return response
                        .response_result
                        .unwrap_or_else(|e| panic!("{method}: {e:?}"));
                }
                Message::Notification(note) => self.notifications.push_back(note),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    fn receive(&self) -> Message {
        self.connection
            .receiver
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("the server answers")
    }

    /// The diagnostics last published for `name`. A request the server does not know is
    /// answered after every notification sent before it, so its answer means every
    /// diagnostic of those notifications has arrived.
    fn diagnostics(&mut self, name: &str) -> Vec<Value> {
        self.next += 1;
        let id = RequestId::from(self.next);
        let barrier = Request::new(id.clone(), "drc/barrier".to_owned(), Value::Null);
        self.connection
            .sender
            .send(Message::Request(barrier))
            .expect("send");
        loop {
            match self.receive() {
                Message::Response(response) if response.id == id => break,
                Message::Notification(note) => self.notifications.push_back(note),
                other => panic!("unexpected {other:?}"),
            }
        }
        let wanted = uri(name);
        let mut last = None;
        self.notifications.retain(|note| {
            let this =
                note.method == "textDocument/publishDiagnostics" && note.params["uri"] == wanted;
            if this {
                last = Some(note.params["diagnostics"].clone());
            }
            !this
        });
        last.expect("diagnostics were published")
            .as_array()
            .expect("a list")
            .clone()
    }

    fn open(&self, name: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri(name), "languageId": "dr", "version": 1, "text": text } }),
        );
    }

    fn change(&self, name: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri(name), "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    fn at(&mut self, method: &str, name: &str, line: u32, character: u32) -> Value {
        self.request(
            method,
            json!({ "textDocument": { "uri": uri(name) }, "position": { "line": line, "character": character } }),
        )
    }

    fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let server = self.server.take().expect("running");
        assert_eq!(server.join().expect("no panic"), Ok(()));
    }
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().expect("a code").to_owned())
        .collect()
}

fn labels(items: &Value) -> Vec<String> {
    items
        .as_array()
        .expect("a list")
        .iter()
        .map(|i| i["label"].as_str().expect("a label").to_owned())
        .collect()
}

/// Where `needle` starts in `text`, as (line, UTF-16 column).
fn position(text: &str, needle: &str) -> (u32, u32) {
    let at = text.find(needle).expect("needle in text");
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    let column: usize = text[start..at].encode_utf16().count();
    (
        u32::try_from(line).expect("small"),
        u32::try_from(column).expect("small"),
    )
}

const MAIN: &str = r#"import "shared.dr"

function copy {
  runtime = nodejs24.x
  handler = "index.handler"
  code    = "lambda"
  memory  = 256MB
  description = "copies ${stage} – 🎉 data"
  env { TARGET = backups.name }
  put backups "daily/"
}
"#;

const SHARED: &str = r#"param stage { default = "dev" }

bucket backups {
  versioned = true
}
"#;

#[test]
fn diagnostics_follow_open_change_and_imports() {
    let disk = Disk::default();
    disk.0.lock().expect("lock").insert(
        "/w/shared.dr".to_owned(),
        SHARED.replace("backups", "backup"),
    );
    let mut client = Client::start(&disk);
    client.open("/w/main.dr", MAIN);
    // `shared.dr` is read from disk: `backups` is not declared there.
    let main = client.diagnostics("/w/main.dr");
    assert_eq!(codes(&main), ["E0401", "E0401"], "{main:#?}");
    let (line, column) = position(MAIN, "backups.name");
    assert_eq!(
        main[0]["range"]["start"],
        json!({ "line": line, "character": column })
    );
    // Opened, the file's text is the editor's, not the disk's.
    client.open("/w/shared.dr", SHARED);
    assert!(client.diagnostics("/w/main.dr").is_empty());
    // A syntax error in the imported file is reported in it, not in the importer.
    client.change(
        "/w/shared.dr",
        2,
        &SHARED.replace("versioned =", "versioned :"),
    );
    assert_eq!(codes(&client.diagnostics("/w/shared.dr")), ["E0101"]);
    // The character after a non-ASCII one, in UTF-16 units.
    let broken = MAIN.replace("🎉 data\"", "🎉 data\" memory: 1");
    client.change("/w/main.dr", 2, &broken);
    let main = client.diagnostics("/w/main.dr");
    assert_eq!(codes(&main), ["E0101"], "{main:#?}");
    let (line, column) = position(&broken, ": 1");
    assert_eq!(
        main[0]["range"]["start"],
        json!({ "line": line, "character": column })
    );
    client.stop();
}

#[test]
fn hover_explains_attributes_verbs_runtimes_and_names() {
    let disk = Disk::default();
    let mut client = Client::start(&disk);
    client.open("/w/shared.dr", SHARED);
    client.open("/w/main.dr", MAIN);
    let hover = |client: &mut Client, needle: &str| {
        let (line, column) = position(MAIN, needle);
        let answer = client.at("textDocument/hover", "/w/main.dr", line, column + 1);
        answer["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let memory = hover(&mut client, "memory");
    assert!(
        memory.contains("Memory for each run") && memory.contains("128 to 10240 MB"),
        "{memory}"
    );
    let put = hover(&mut client, "put backups");
    assert!(put.contains("`s3:PutObject`"), "{put}");
    assert!(put.contains("arn:aws:s3:::<backups>/daily/*"), "{put}");
    let runtime = hover(&mut client, "nodejs24.x");
    assert!(runtime.contains("deprecated on 20"), "{runtime}");
    let stage = hover(&mut client, "stage}");
    assert!(
        stage.contains("param `stage`") && stage.contains("shared.dr"),
        "{stage}"
    );
    client.stop();
}

#[test]
fn completion_offers_what_fits_where_the_cursor_is() {
    let disk = Disk::default();
    let mut client = Client::start(&disk);
    client.open("/w/shared.dr", SHARED);
    let text = format!(
        "{MAIN}\nbuc\nbucket logs {{\n  encryption = \n  repl\n}}\nfunction g {{\n  read \n  runtime = nodejs2\n}}\nqueue jobs {{}}\nfunction h {{\n  env {{ JOBS = j }}\n}}\n"
    );
    client.open("/w/main.dr", &text);
    let mut complete = |needle: &str, after: &str| {
        let (line, column) = position(&text, needle);
        let column = column + u32::try_from(after.len()).expect("small");
        labels(&client.at("textDocument/completion", "/w/main.dr", line, column))
    };
    assert_eq!(complete("buc\n", "buc"), ["bucket"]);
    assert_eq!(complete("encryption = ", "encryption = "), ["s3", "kms"]);
    assert_eq!(complete("repl\n", "repl"), ["replicate_to"]);
    assert_eq!(complete("read \n", "read "), ["backups", "logs"]);
    let runtimes = complete("runtime = nodejs2", "runtime = nodejs2");
    assert!(runtimes.contains(&"nodejs24.x".to_owned()), "{runtimes:?}");
    let references = complete("JOBS = j", "JOBS = ");
    for expected in ["jobs.url", "jobs.arn", "jobs.name", "backups.name"] {
        assert!(
            references.contains(&expected.to_owned()),
            "{expected}: {references:?}"
        );
    }
    assert!(
        !references.contains(&"backups.url".to_owned()),
        "{references:?}"
    );
    let entries = complete("  memory", "  ");
    for expected in ["runtime", "env", "put", "invoke"] {
        assert!(
            entries.contains(&expected.to_owned()),
            "{expected}: {entries:?}"
        );
    }
    client.stop();
}

#[test]
fn definition_references_and_rename_cross_files() {
    let disk = Disk::default();
    let mut client = Client::start(&disk);
    client.open("/w/shared.dr", SHARED);
    client.open("/w/main.dr", MAIN);
    let (line, column) = position(MAIN, "backups \"daily/\"");
    let definition = client.at("textDocument/definition", "/w/main.dr", line, column);
    let (def_line, def_column) = position(SHARED, "backups {");
    assert_eq!(
        definition,
        json!([{ "uri": uri("/w/shared.dr"), "range": {
            "start": { "line": def_line, "character": def_column },
            "end": { "line": def_line, "character": def_column + 7 } } }])
    );
    let (line, column) = position(MAIN, "shared.dr");
    let import = client.at("textDocument/definition", "/w/main.dr", line, column);
    assert_eq!(import[0]["uri"], uri("/w/shared.dr"));
    let references = client.request(
        "textDocument/references",
        json!({ "textDocument": { "uri": uri("/w/main.dr") }, "position": { "line": def_line, "character": 0 },
                "context": { "includeDeclaration": true } }),
    );
    assert_eq!(references, json!([]), "no name at the start of the line");
    let (line, column) = position(MAIN, "backups.name");
    let references = client.request(
        "textDocument/references",
        json!({ "textDocument": { "uri": uri("/w/main.dr") }, "position": { "line": line, "character": column },
                "context": { "includeDeclaration": true } }),
    );
    assert_eq!(references.as_array().expect("a list").len(), 3);
    let rename = client.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": uri("/w/main.dr") }, "position": { "line": line, "character": column },
                "newName": "vault" }),
    );
    let changes = &rename["changes"];
    assert_eq!(
        changes[uri("/w/main.dr")].as_array().expect("edits").len(),
        2
    );
    assert_eq!(
        changes[uri("/w/shared.dr")]
            .as_array()
            .expect("edits")
            .len(),
        1
    );
    // A parameter, used inside a string.
    let (line, column) = position(MAIN, "stage}");
    let rename = client.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": uri("/w/main.dr") }, "position": { "line": line, "character": column },
                "newName": "tier" }),
    );
    assert_eq!(
        rename["changes"][uri("/w/main.dr")][0]["range"]["start"]["character"],
        column
    );
    client.stop();
}

#[test]
fn symbols_and_formatting() {
    let disk = Disk::default();
    let mut client = Client::start(&disk);
    client.open("/w/shared.dr", SHARED);
    let messy = "bucket a {\nversioned=true\n  lifecycle { expire = 30d }\n}\nqueue q {}\n";
    client.open("/w/main.dr", messy);
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri("/w/main.dr") } }),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .expect("a list")
        .iter()
        .map(|s| s["name"].as_str().expect("a name"))
        .collect();
    assert_eq!(names, ["a", "q"]);
    assert_eq!(symbols[0]["children"][1]["name"], "lifecycle");
    let format = |client: &mut Client| {
        client.request(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": uri("/w/main.dr") }, "options": { "tabSize": 2, "insertSpaces": true } }),
        )
    };
    let edits = format(&mut client);
    assert_eq!(
        edits[0]["newText"],
        "bucket a {\n  versioned = true\n  lifecycle { expire = 30d }\n}\n\nqueue q {}\n"
    );
    client.change("/w/main.dr", 2, "bucket a {\n");
    assert_eq!(format(&mut client), json!([]));
    client.stop();
}

#[test]
fn every_fix_a_fixture_diagnostic_offers_removes_it() {
    let mut fixed = 0;
    for area in ["errors", "warnings"] {
        let mut cases: Vec<_> = std::fs::read_dir(root().join("tests/fixtures").join(area))
            .expect("fixtures")
            .map(|e| e.expect("entry").path())
            .collect();
        cases.sort();
        for case in cases {
            let text = std::fs::read_to_string(case.join("input.dr")).expect("readable");
            let disk = Disk::default();
            for entry in std::fs::read_dir(&case).expect("case") {
                let path = entry.expect("entry").path();
                if path.extension().is_some_and(|e| e == "dr") {
                    let name = format!("/w/{}", path.file_name().expect("name").to_string_lossy());
                    let other = std::fs::read_to_string(&path).expect("readable");
                    disk.0.lock().expect("lock").insert(name, other);
                }
            }
            let mut client = Client::start(&disk);
            client.open("/w/input.dr", &text);
            let before = client.diagnostics("/w/input.dr");
            for diagnostic in &before {
                let actions = client.request(
                    "textDocument/codeAction",
                    json!({ "textDocument": { "uri": uri("/w/input.dr") }, "range": diagnostic["range"],
                            "context": { "diagnostics": [diagnostic] } }),
                );
                for action in actions.as_array().expect("a list") {
                    if action["diagnostics"][0] != *diagnostic {
                        continue;
                    }
                    let edit = &action["edit"]["changes"][uri("/w/input.dr")][0];
                    let after = apply(&text, edit);
                    client.change("/w/input.dr", 2, &after);
                    let now = client.diagnostics("/w/input.dr");
                    let code = &diagnostic["code"];
                    let count = |list: &[Value]| list.iter().filter(|d| d["code"] == *code).count();
                    assert!(
                        count(&now) < count(&before) && !codes(&now).contains(&"E0101".to_owned()),
                        "{}: `{}` did not fix {code}:\n{after}\n{now:#?}",
                        case.display(),
                        action["title"]
                    );
                    client.change("/w/input.dr", 3, &text);
                    client.diagnostics("/w/input.dr");
                    fixed += 1;
                }
            }
            client.stop();
        }
    }
    assert!(fixed >= 20, "fixes tried: {fixed}");
}

/// `text` with one protocol edit applied (positions in UTF-16 units).
fn apply(text: &str, edit: &Value) -> String {
    let offset = |position: &Value| {
        let line = usize::try_from(position["line"].as_u64().expect("line")).expect("small");
        let units =
            usize::try_from(position["character"].as_u64().expect("character")).expect("small");
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut at = start;
        let mut counted = 0;
        for c in text[start..].chars() {
            if counted >= units || c == '\n' {
                break;
            }
            counted += c.len_utf16();
            at += c.len_utf8();
        }
        at
    };
    let (start, end) = (
        offset(&edit["range"]["start"]),
        offset(&edit["range"]["end"]),
    );
    format!(
        "{}{}{}",
        &text[..start],
        edit["newText"].as_str().expect("text"),
        &text[end..]
    )
}

#[test]
fn the_binary_serves_on_standard_input_and_output() {
    use std::io::{Read as _, Write as _};
    let frame = |value: Value| {
        let body = value.to_string();
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    };
    let input = [
        json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {} } }),
        json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }),
        json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": { "textDocument": {
            "uri": "file:///nowhere/a.dr", "languageId": "dr", "version": 1, "text": "bucket a { versioned = yes }\n" } } }),
        json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" }),
        json!({ "jsonrpc": "2.0", "method": "exit" }),
    ]
    .map(frame)
    .concat();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_drc"))
        .arg("lsp")
        .env("DRC_TODAY", "2026-11-24")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("drc lsp runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let mut output = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut output)
        .expect("read");
    assert!(child.wait().expect("exits").success());
    assert!(
        output.contains(r#""positionEncoding":"utf-16""#),
        "{output}"
    );
    assert!(output.contains(r#""code":"E0301""#), "{output}");
}

#[test]
fn an_imported_document_is_checked_in_the_stack_that_imports_it() {
    let disk = Disk::default();
    let mut client = Client::start(&disk);
    // `outputs.dr` names `copy`, which only the importing file declares: checked alone it
    // would report `copy` as undefined.
    let outputs = "output copy_arn { value = copy.arn }\n";
    client.open(
        "/w/main.dr",
        &MAIN.replace(
            "import \"shared.dr\"",
            "import \"shared.dr\"\nimport \"outputs.dr\"",
        ),
    );
    client.open("/w/outputs.dr", outputs);
    client.open("/w/shared.dr", SHARED);
    assert_eq!(client.diagnostics("/w/outputs.dr"), Vec::<Value>::new());
    assert_eq!(client.diagnostics("/w/main.dr"), Vec::<Value>::new());
    // Closed, the importer no longer makes the stack: the file alone has an error.
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri("/w/main.dr") } }),
    );
    assert_eq!(codes(&client.diagnostics("/w/outputs.dr")), ["E0401"]);
    client.stop();
}
