//! Scroll (`queryType=scroll`): opened with `pageNo=0`, continued with the `scrollId` each
//! answer gives back, ended by an answer without entries. Everbridge drops a scroll after
//! 3 minutes without a request; that comes back as an expired cursor, which the paginator
//! turns into a continuation that restarts the window without loss or duplicate.
//!
//! How Everbridge answers an expired or unknown scroll id is not documented. The SDK takes
//! any failure answer to a request that carried a `scrollId` whose message mentions the
//! scroll or Elasticsearch's "search context" (an HTTP-200 business error, a 400, 404 or
//! 500) as the scroll being gone. The sandbox answers the business error
//! `{"success": false, "type": "business", "message": "The scroll id is invalid or has
//! expired: …"}`.
//!
//! A scroll moves on the server with every request, so an answer lost on the way back (a
//! body cut off, then retried) would skip a batch without a word. When answers carry
//! `start` (the batch's position), the SDK checks that each batch starts where the last
//! one ended, and treats a jump like an expired scroll: an error whose continuation
//! re-reads the window from where the caller is.

use std::{
    collections::HashMap,
    ops::Range,
    sync::{Arc, Mutex, PoisonError},
};

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use reqwest::StatusCode;

use super::{
    AuditLogEntry,
    answer::Fetched,
    audit_log::{OPERATION, Target},
};
use crate::{
    Error,
    pagination::{Cursor, RawPage},
};

/// Where each scroll of a listing should go on: the position of its next batch. A listing
/// reads one scroll per window, and a window's entry goes when its scroll ends, so it holds
/// at most as many as windows read at once.
#[derive(Debug, Default)]
pub(super) struct Position(Mutex<HashMap<String, i64>>);

impl Position {
    /// The position the batch after scroll `id` should start at, when this run knows it.
    fn expected(&self, id: &str) -> Option<i64> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).get(id).copied()
    }

    /// After a batch of the scroll sent as `sent` (none for an opening), which goes on as
    /// `id` from position `next` (when the answer told it).
    fn record(&self, sent: Option<&str>, id: &str, next: Option<i64>) {
        let mut positions = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(sent) = sent {
            positions.remove(sent);
        }
        if let Some(next) = next {
            positions.insert(id.to_owned(), next);
        }
    }

    fn forget(&self, id: Option<&str>) {
        if let Some(id) = id {
            self.0.lock().unwrap_or_else(PoisonError::into_inner).remove(id);
        }
    }
}

/// One batch of the scroll over `range`: the opening one for `None`, else the one after
/// the scroll id in `cursor`.
pub(super) fn page(
    target: Target,
    range: Range<DateTime<Utc>>,
    cursor: Option<Cursor>,
    position: Arc<Position>,
) -> BoxFuture<'static, Result<RawPage<AuditLogEntry>, Error>> {
    Box::pin(async move {
        let mut request = target.request(&range).query("queryType", "scroll").query("pageNo", 0);
        let sent = match cursor {
            None => None,
            Some(Cursor::Scroll(id)) => {
                request = request.query("scrollId", &id);
                Some(id)
            }
            Some(other) => {
                return Err(Error::invalid_input(
                    OPERATION,
                    format!("a scroll resumes from a scroll id, not from {other:?}"),
                ));
            }
        };
        let Fetched { page, rejected } = match target.fetch(request).await {
            Ok(fetched) => fetched,
            Err(error) if sent.is_some() && is_scroll_gone(&error) => {
                return Err(Error::cursor_expired(
                    OPERATION,
                    format!(
                        "Everbridge no longer knows the scroll id (a scroll expires 3 minutes \
                         after its last request): {error}"
                    ),
                ));
            }
            Err(error) => return Err(error),
        };
        let batch_len = page.data.len().saturating_add(rejected.len());
        // Checked before an empty batch ends the scroll too: when the lost answer held the
        // last entries, the next answer is the empty one, and only its `start` tells.
        let expected = sent.as_deref().and_then(|id| position.expected(id));
        if let (Some(expected), Some(start)) = (expected, page.start)
            && start > expected
        {
            position.forget(sent.as_deref());
            return Err(Error::cursor_expired(
                OPERATION,
                format!(
                    "Everbridge's scroll jumped from entry {expected} to entry {start} of the \
                     month: an answer was lost on the way (and retried) after the scroll had \
                     moved past it"
                ),
            ));
        }
        if batch_len == 0 {
            position.forget(sent.as_deref());
            return Ok(RawPage { items: page.data, next: None, rejected });
        }
        // Only an answer without entries ends a scroll: an answer without an id goes on
        // with the id just sent.
        let id = page.scroll_id.filter(|id| !id.trim().is_empty()).or_else(|| sent.clone());
        let Some(id) = id else {
            return Err(Error::pagination(
                OPERATION,
                format!(
                    "Everbridge opened a scroll with {batch_len} entries but no scrollId, so \
                     the rest cannot be asked for; read the range with `.pages()` if it holds \
                     at most 10,000 entries, or report this answer"
                ),
            ));
        };
        let len = i64::try_from(batch_len).unwrap_or(i64::MAX);
        position.record(sent.as_deref(), &id, page.start.map(|start| start.saturating_add(len)));
        Ok(RawPage { items: page.data, next: Some(Cursor::Scroll(id)), rejected })
    })
}

/// Whether a failure says the scroll is gone (see the module docs for the assumption).
fn is_scroll_gone(error: &Error) -> bool {
    let Error::Api(api) = error else { return false };
    let refused_for_the_scroll = matches!(
        api.status(),
        StatusCode::OK | StatusCode::BAD_REQUEST | StatusCode::NOT_FOUND | StatusCode::GONE
    ) || api.status().is_server_error();
    let message = api.message().unwrap_or_default().to_ascii_lowercase();
    refused_for_the_scroll && (message.contains("scroll") || message.contains("search context"))
}
