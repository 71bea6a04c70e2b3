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

use std::ops::Range;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use reqwest::StatusCode;

use super::{
    AuditLogEntry,
    audit_log::{OPERATION, Target},
};
use crate::{
    Error,
    pagination::{Cursor, RawPage},
};

/// One batch of the scroll over `range`: the opening one for `None`, else the one after
/// the scroll id in `cursor`.
pub(super) fn page(
    target: Target,
    range: Range<DateTime<Utc>>,
    cursor: Option<Cursor>,
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
        let page = match target.fetch(request).await {
            Ok(page) => page,
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
        if page.data.is_empty() {
            return Ok(RawPage { items: page.data, next: None });
        }
        // Only an answer without entries ends a scroll: an answer without an id goes on
        // with the id just sent.
        let id = page.scroll_id.filter(|id| !id.trim().is_empty()).or(sent);
        let Some(id) = id else {
            return Err(Error::pagination(
                OPERATION,
                format!(
                    "Everbridge opened a scroll with {} entries but no scrollId, so the rest \
                     cannot be asked for; read the range with `.pages()` if it holds at most \
                     10,000 entries, or report this answer",
                    page.data.len()
                ),
            ));
        };
        Ok(RawPage { items: page.data, next: Some(Cursor::Scroll(id)) })
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
