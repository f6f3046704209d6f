//! `topic name { ... }`: an SNS topic and its email subscriptions.

use super::body::Body;
use super::checker::Checker;
use super::limits;
use super::model::Topic;
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::ast::Ident;

impl<'a> Checker<'a> {
    pub(super) fn topic(&mut self, name: &Ident, body: &Body<'a>) -> Topic {
        let email = self.string(body, "email").and_then(|(text, span)| {
            if let Some(problem) = limits::email_problem(&text) {
                self.error(
                    Diagnostic::new(
                        Code::E0341,
                        format!("`{text}` is not an email address"),
                        span,
                        problem,
                    )
                    .with_help("write one address, like `email = \"ops@example.com\"`"),
                );
                None
            } else {
                Some(text)
            }
        });
        Topic {
            name: name.text.clone(),
            span: name.span,
            email,
        }
    }
}
