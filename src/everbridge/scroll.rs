//! Scroll (`queryType=scroll`) as an envelope: opened with `pageNo=0`, continued with the
//! `scrollId` each answer gives back, ended by an answer without entries.
//!
//! Everbridge drops a scroll after 3 minutes without a request. How it answers an expired
//! or unknown scroll id is not documented: any failure to a request that carried a
//! `scrollId` whose message mentions the scroll or Elasticsearch's "search context" (an
//! HTTP-200 business error, a 400, 404, 410 or 5xx) is taken as the scroll being gone, an
//! expired cursor whose continuation restarts the window. The sandbox answers `{"success":
//! false, "type": "business", "message": "The scroll id is invalid or has expired: …"}`.
//!
//! A scroll moves on the server with every request, so an answer lost on the way back (cut
//! off, then retried) would skip a batch without a word: when answers carry `start`, each
//! batch must start where the last ended (see `scroll_position`), else the listing stops
//! as if the scroll had expired. A scroll that answers the same batch again (the same
//! bytes, or a `start` already served) is an error, not entries delivered twice; one that
//! ends short of its `totalCount` is a warning with both counts, or an error with
//! `.strict(true)`.

use std::marker::PhantomData;

use bytes::Bytes;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::{
    answer::{Batch, Body},
    scroll_position::Positions,
    target::OPERATION,
};
use crate::{
    Error,
    pagination::{Envelope, ScrollId},
    transport::Request,
};

/// The scrolls of one listing (one per window), with items of type `T`; `strict`: a scroll
/// that ends short of its `totalCount` is an error, not a warning.
pub(crate) struct ScrollPages<T> {
    positions: Positions,
    strict: bool,
    item: PhantomData<fn() -> T>,
}

impl<T> ScrollPages<T> {
    pub(crate) fn new(strict: bool) -> Self {
        Self { positions: Positions::default(), strict, item: PhantomData }
    }

    /// The scroll sent as `sent` ended: compares what it delivered with what it said the
    /// window holds.
    fn ended(&self, sent: Option<&str>) -> Result<(), Error> {
        let Some(scroll) = self.positions.end(sent) else { return Ok(()) };
        let Some(total) = scroll.total.and_then(|total| u64::try_from(total).ok()) else {
            return Ok(());
        };
        let delivered = scroll.delivered;
        if delivered >= total {
            if delivered > total {
                // Elasticsearch may count "at least" a capped total: more is only noted.
                tracing::warn!(
                    delivered,
                    total,
                    "an Everbridge scroll brought more entries than its totalCount"
                );
            }
            return Ok(());
        }
        let message = format!(
            "Everbridge's scroll ended after {delivered} entries, but said the month holds \
             {total}: {} entries were not served",
            total - delivered
        );
        if self.strict {
            return Err(Error::pagination(OPERATION, message));
        }
        tracing::warn!(delivered, total, "{message}");
        Ok(())
    }
}

impl<T: DeserializeOwned + Send + 'static> Envelope for ScrollPages<T> {
    type Item = T;
    type Cursor = ScrollId;
    type Body<I: DeserializeOwned> = Body<I>;
    type Meta = Batch;
    const CURSOR_PARAMS: &'static [&'static str] = &["scrollId"];

    fn split<I: DeserializeOwned>(body: Body<I>) -> (Vec<I>, Batch) {
        body.split()
    }

    fn with_cursor(&self, request: Request, sent: Option<&ScrollId>) -> Result<Request, Error> {
        Ok(request.query_opt("scrollId", sent.map(|id| &id.0)))
    }

    fn answered(&self, first: &Request, _: Option<&ScrollId>, body: &Bytes) -> Result<(), Error> {
        self.positions.check_repeat(first.url.as_str(), body)
    }

    fn next(&self, sent: Option<&ScrollId>, batch: &Batch, on_page: usize) -> Next {
        let (sent, page, on_page) =
            (sent.map(|id| id.0.as_str()), &batch.fields, batch.sent(on_page));
        batch.warn_if_cut();
        // Checked before an empty batch ends the scroll too: when the lost answer held the
        // last entries, the next answer is the empty one, and only its `start` tells.
        self.positions.check(sent, page.start)?;
        if on_page == 0 {
            self.ended(sent)?;
            return Ok(None);
        }
        // Only an answer without entries ends a scroll: one without an id goes on with the
        // id just sent.
        let id = page.scroll_id.as_deref().filter(|id| !id.trim().is_empty()).or(sent);
        let Some(id) = id else {
            return Err(Error::pagination(
                OPERATION,
                format!(
                    "Everbridge opened a scroll with {on_page} entries but no scrollId, so the \
                     rest cannot be asked for; read the range with `.page_query_pages()` if it \
                     holds at most 10,000 entries, or report this answer"
                ),
            ));
        };
        self.positions.record(sent, id, page.start, on_page, page.total_count);
        Ok(Some(ScrollId(id.to_owned())))
    }

    fn failed(&self, sent: Option<&ScrollId>, error: Error) -> Error {
        if sent.is_none() || !is_scroll_gone(&error) {
            return error;
        }
        self.positions.end(sent.map(|id| id.0.as_str()));
        let message = format!(
            "Everbridge no longer knows the scroll id (a scroll expires 3 minutes after its \
             last request): {error}"
        );
        Error::cursor_expired(OPERATION, message)
    }
}

type Next = Result<Option<ScrollId>, Error>;

/// Whether a failure says the scroll is gone (see the module docs for the assumption).
fn is_scroll_gone(error: &Error) -> bool {
    let Error::Api(api) = error else { return false };
    // An answer without `data` quotes the body, which may name its `scrollId`.
    if api.code() == Some("no_data") {
        return false;
    }
    let refused_for_the_scroll = matches!(
        api.status(),
        StatusCode::OK | StatusCode::BAD_REQUEST | StatusCode::NOT_FOUND | StatusCode::GONE
    ) || api.status().is_server_error();
    let message = api.message().unwrap_or_default().to_ascii_lowercase();
    refused_for_the_scroll && (message.contains("scroll") || message.contains("search context"))
}
