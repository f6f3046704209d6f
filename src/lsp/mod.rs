//! `drc lsp`: a language server for `.dr` files, over [`lsp_server`] (synchronous, as
//! rust-analyzer's) and [`lsp_types`]. A thin layer over the library: every change reloads
//! and checks the open documents with the same stages as `drc check`, and each request is
//! answered from that analysis.
//!
//! One room per feature: `diagnostics.rs`, `hover.rs`, `completion.rs`, `navigation.rs`
//! (definition, references, rename), `symbols.rs`, `formatting.rs`, `actions.rs`; what they
//! share is in `world.rs` (documents and analysis), `locate.rs` (what is at an offset, where
//! names are) and `position.rs` (UTF-16 positions).
//!
//! The server does no IO of its own: the command line hands it a connection (standard input
//! and output) and the [`SourceLoader`] that reads imported files that are not open.

mod actions;
mod completion;
mod diagnostics;
mod formatting;
mod hover;
mod locate;
mod navigation;
pub mod position;
mod symbols;
mod world;

use crate::load::SourceLoader;
use jiff::civil::Date;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest,
    PrepareRenameRequest, References, Rename, Request as _,
};
use lsp_types::{
    CodeActionProviderCapability, CompletionOptions, HoverProviderCapability, OneOf,
    PositionEncodingKind, RenameOptions, ServerCapabilities, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use world::{Document, World};

/// What the server can do.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![" ".to_owned(), "=".to_owned()]),
            ..CompletionOptions::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: lsp_types::WorkDoneProgressOptions::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

/// Serves one client on `connection` until it asks to shut down and exits. `disk` reads
/// imported files that are not open; `today` judges runtime deprecations.
pub fn serve(connection: &Connection, disk: &dyn SourceLoader, today: Date) -> Result<(), String> {
    let capabilities = serde_json::to_value(capabilities()).expect("capabilities serialize");
    connection
        .initialize(capabilities)
        .map_err(|e| format!("the client did not initialize: {e}"))?;
    let mut server = Server {
        world: World::new(disk, today),
        published: Vec::new(),
    };
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection
                    .handle_shutdown(&request)
                    .map_err(|e| format!("shutdown failed: {e}"))?
                {
                    return Ok(());
                }
                let response = server.request(request);
                send(connection, Message::Response(response))?;
            }
            Message::Notification(notification) => {
                if server.notify(notification) {
                    for params in server.publish() {
                        let note = Notification::new(PublishDiagnostics::METHOD.to_owned(), params);
                        send(connection, Message::Notification(note))?;
                    }
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

fn send(connection: &Connection, message: Message) -> Result<(), String> {
    connection
        .sender
        .send(message)
        .map_err(|e| format!("cannot answer the client: {e}"))
}

struct Server<'a> {
    world: World<'a>,
    /// The files diagnostics were last published for.
    published: Vec<Uri>,
}

type Answer = Result<Value, (ErrorCode, String)>;

fn parse<P: DeserializeOwned>(params: Value) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(params).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

fn json(value: impl serde::Serialize) -> Value {
    serde_json::to_value(value).expect("protocol types serialize")
}

impl Server<'_> {
    /// Applies a notification; whether the documents changed.
    fn notify(&mut self, notification: Notification) -> bool {
        let documents = &mut self.world.documents;
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(params) = parse::<lsp_types::DidOpenTextDocumentParams>(notification.params)
                else {
                    return false;
                };
                let document = params.text_document;
                documents.insert(
                    world::name(&document.uri),
                    Document {
                        text: document.text,
                        version: document.version,
                    },
                );
            }
            DidChangeTextDocument::METHOD => {
                let Ok(params) =
                    parse::<lsp_types::DidChangeTextDocumentParams>(notification.params)
                else {
                    return false;
                };
                // Full synchronisation: the last change holds the whole text.
                let Some(change) = params.content_changes.into_iter().last() else {
                    return false;
                };
                documents.insert(
                    world::name(&params.text_document.uri),
                    Document {
                        text: change.text,
                        version: params.text_document.version,
                    },
                );
            }
            DidSaveTextDocument::METHOD => {}
            DidCloseTextDocument::METHOD => {
                let Ok(params) =
                    parse::<lsp_types::DidCloseTextDocumentParams>(notification.params)
                else {
                    return false;
                };
                documents.remove(&world::name(&params.text_document.uri));
            }
            _ => return false,
        }
        self.world.analyze();
        true
    }

    /// The diagnostics to send after a change.
    fn publish(&mut self) -> Vec<lsp_types::PublishDiagnosticsParams> {
        let all = diagnostics::publish(&self.world, &self.published);
        self.published = all
            .iter()
            .filter(|p| !p.diagnostics.is_empty())
            .map(|p| p.uri.clone())
            .collect();
        all
    }

    fn request(&mut self, request: Request) -> Response {
        let id: RequestId = request.id.clone();
        match self.answer(request) {
            Ok(result) => Response::new_ok(id, result),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        }
    }

    /// The file a request is about, if the server knows it.
    fn file(&self, uri: &Uri) -> Result<crate::FileId, (ErrorCode, String)> {
        self.world.file(uri).ok_or_else(|| {
            (
                ErrorCode::InvalidParams,
                format!("`{}` is not open", uri.as_str()),
            )
        })
    }

    fn answer(&mut self, request: Request) -> Answer {
        let world = &self.world;
        match request.method.as_str() {
            HoverRequest::METHOD => {
                let params: lsp_types::HoverParams = parse(request.params)?;
                let at = params.text_document_position_params;
                let file = self.file(&at.text_document.uri)?;
                Ok(json(hover::hover(world, file, at.position)))
            }
            Completion::METHOD => {
                let params: lsp_types::CompletionParams = parse(request.params)?;
                let at = params.text_document_position;
                let file = self.file(&at.text_document.uri)?;
                Ok(json(completion::complete(world, file, at.position)))
            }
            GotoDefinition::METHOD => {
                let params: lsp_types::GotoDefinitionParams = parse(request.params)?;
                let at = params.text_document_position_params;
                let file = self.file(&at.text_document.uri)?;
                Ok(json(navigation::definition(world, file, at.position)))
            }
            References::METHOD => {
                let params: lsp_types::ReferenceParams = parse(request.params)?;
                let at = params.text_document_position;
                let file = self.file(&at.text_document.uri)?;
                let declaration = params.context.include_declaration;
                Ok(json(navigation::references(
                    world,
                    file,
                    at.position,
                    declaration,
                )))
            }
            PrepareRenameRequest::METHOD => {
                let params: lsp_types::TextDocumentPositionParams = parse(request.params)?;
                let file = self.file(&params.text_document.uri)?;
                Ok(json(navigation::prepare_rename(
                    world,
                    file,
                    params.position,
                )))
            }
            Rename::METHOD => {
                let params: lsp_types::RenameParams = parse(request.params)?;
                let at = params.text_document_position;
                let file = self.file(&at.text_document.uri)?;
                navigation::rename(world, file, at.position, &params.new_name)
                    .map_err(|why| (ErrorCode::InvalidRequest, why))
                    .map(json)
            }
            DocumentSymbolRequest::METHOD => {
                let params: lsp_types::DocumentSymbolParams = parse(request.params)?;
                let file = self.file(&params.text_document.uri)?;
                Ok(json(symbols::symbols(world, file)))
            }
            Formatting::METHOD => {
                let params: lsp_types::DocumentFormattingParams = parse(request.params)?;
                let file = self.file(&params.text_document.uri)?;
                Ok(json(formatting::format(world.text(file))))
            }
            CodeActionRequest::METHOD => {
                let params: lsp_types::CodeActionParams = parse(request.params)?;
                let file = self.file(&params.text_document.uri)?;
                Ok(json(actions::actions(world, file, params.range)))
            }
            method => Err((
                ErrorCode::MethodNotFound,
                format!("drc lsp does not answer `{method}`"),
            )),
        }
    }
}
