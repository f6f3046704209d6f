//! drc's diagnostics as the protocol's: published for every file of the last analysis, the
//! open documents and the files they import, and cleared for files that have none left.

use super::world::World;
use crate::diagnostics::{Diagnostic, Severity};
use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, NumberOrString, PublishDiagnosticsParams, Uri,
};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One protocol diagnostic.
pub fn convert(world: &World<'_>, diagnostic: &Diagnostic) -> lsp_types::Diagnostic {
    let mut message = diagnostic.message.clone();
    if !diagnostic.primary.message.is_empty() {
        message = format!("{message}: {}", diagnostic.primary.message);
    }
    for note in &diagnostic.notes {
        let _ = write!(message, "\nnote: {note}");
    }
    if let Some(help) = &diagnostic.help {
        let _ = write!(message, "\nhelp: {help}");
    }
    let related: Vec<DiagnosticRelatedInformation> = diagnostic
        .secondary
        .iter()
        .map(|label| DiagnosticRelatedInformation {
            location: world.location(label.span),
            message: label.message.clone(),
        })
        .collect();
    lsp_types::Diagnostic {
        range: world.range(diagnostic.primary.span),
        severity: Some(match diagnostic.severity() {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(diagnostic.code.as_str().to_owned())),
        source: Some("drc".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp_types::Diagnostic::default()
    }
}

/// The diagnostics to publish: every file of the last analysis, with its diagnostics (none
/// for a clean file), and every file published before that is gone from it, cleared.
pub fn publish(world: &World<'_>, before: &[Uri]) -> Vec<PublishDiagnosticsParams> {
    // By the URI's text: `Uri` itself is no map key (clippy: mutable key type).
    let mut by_file: BTreeMap<String, (Uri, Vec<lsp_types::Diagnostic>, Option<i32>)> =
        BTreeMap::new();
    let uris: BTreeMap<_, _> = world.uris().into_iter().collect();
    for (file, uri) in &uris {
        let version = world
            .documents
            .get(&world.sources.get(*file).name)
            .map(|d| d.version);
        by_file.insert(uri.as_str().to_owned(), (uri.clone(), Vec::new(), version));
    }
    for diagnostic in &world.diagnostics {
        let uri = &uris[&diagnostic.primary.span.file];
        if let Some((_, list, _)) = by_file.get_mut(uri.as_str()) {
            list.push(convert(world, diagnostic));
        }
    }
    for uri in before {
        by_file
            .entry(uri.as_str().to_owned())
            .or_insert_with(|| (uri.clone(), Vec::new(), None));
    }
    by_file
        .into_values()
        .map(|(uri, diagnostics, version)| PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        })
        .collect()
}
