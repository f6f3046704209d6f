//! `queue name { ... }`: an SQS queue, its retention and encryption.

use super::body::Body;
use super::checker::Checker;
use super::limits;
use super::model::{Queue, QueueEncryption};
use crate::syntax::ast::Ident;

pub(super) const QUEUE_ENCRYPTIONS: &[&str] = &["sqs", "kms"];
/// SQS keeps messages 4 days unless told otherwise; a queue of failed events keeps them
/// as long as SQS allows, so a failure on a Friday is still there after a long weekend.
pub(super) const DEFAULT_QUEUE_RETENTION_S: u32 = 14 * 86_400;
impl<'a> Checker<'a> {
    pub(super) fn queue(&mut self, name: &Ident, body: &Body<'a>) -> Queue {
        let retention_s = self
            .duration(body, "retention")
            .and_then(|(s, span)| {
                self.in_range(s, span, limits::SQS_RETENTION_S, "seconds", "retention")
            })
            .map_or(DEFAULT_QUEUE_RETENTION_S, |s| {
                u32::try_from(s).expect("limit fits in u32")
            });
        let (encryption, encryption_span) = match self.word(body, "encryption", QUEUE_ENCRYPTIONS) {
            Some(("kms", span)) => (QueueEncryption::Kms, Some(span)),
            Some((_, span)) => (QueueEncryption::Sqs, Some(span)),
            None => (QueueEncryption::Sqs, None),
        };
        Queue {
            name: name.text.clone(),
            span: name.span,
            retention_s,
            encryption,
            encryption_span,
        }
    }
}
