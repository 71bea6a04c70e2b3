//! Reporter's list envelope, `{"items":[…],"page":…,"limit":…,"total":…}`, as pages
//! numbered from 1, and the sort order its lists take.

use std::sync::Arc;

use reqwest::Method;
use serde::{Deserialize, de::DeserializeOwned};

use crate::{
    Error, Operation,
    pagination::{Cursor, FetchPage, Paginator, RawPage, decode_each, listing_identity},
    transport::{Endpoint, EndpointSlot, Request},
};

/// Reporter's page size when none is asked for.
const SERVER_DEFAULT_LIMIT: u32 = 10;
/// The largest `limit` Reporter accepts (its `MAX_PAGINATION_LIMIT`).
const MAX_LIMIT: u32 = 100;

/// The order of a Reporter list, by creation time.
///
/// ```
/// use auditkit::reporter::SortOrder;
///
/// # fn demo(client: auditkit::Client) {
/// let oldest_first = client.reporter().list_reports().sort_order(SortOrder::Asc);
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SortOrder {
    /// Oldest first (`asc`).
    Asc,
    /// Newest first (`desc`), Reporter's default.
    Desc,
}

impl SortOrder {
    fn as_wire(self) -> &'static str {
        match self {
            SortOrder::Asc => "asc",
            SortOrder::Desc => "desc",
        }
    }
}

/// A Reporter listing at `segments`: `checked` is the verdict on its filters (the page
/// options are checked here), `identity` their values (which, with the page size and the
/// order, tell its continuations apart from another listing's), `filters` adds them to
/// each page's request. Bad input gives a paginator that yields only the error, before any
/// request.
pub(super) fn paginator<T: DeserializeOwned + Send + 'static>(
    slot: &EndpointSlot,
    operation: Operation,
    segments: &'static [&'static str],
    options: PageOptions,
    checked: Result<(), String>,
    identity: Vec<String>,
    filters: impl Fn(Request) -> Request + Send + Sync + 'static,
) -> Paginator<T> {
    let endpoint = match slot.get() {
        Ok(endpoint) => endpoint.clone(),
        Err(error) => return Paginator::refused(operation, error),
    };
    if let Err(message) = checked.and_then(|()| check_limit(options.limit)) {
        return Paginator::refused(operation, Error::invalid_input(operation, message));
    }
    // A page number means other items with another page size or order.
    let (limit, order) =
        (options.limit.map(|l| l.to_string()), options.sort_order.map(SortOrder::as_wire));
    let mut parts: Vec<&str> = identity.iter().map(String::as_str).collect();
    parts.extend([limit.as_deref().unwrap_or_default(), order.unwrap_or_default()]);
    let identity = listing_identity(operation, &parts);
    let filters = Arc::new(move |request| filters(request).query_opt("sortOrder", order));
    Paginator::new(operation, pages(endpoint, operation, segments, options.limit, filters))
        .identified(identity)
}

/// What every Reporter list takes besides its filters: the page size and the order.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct PageOptions {
    pub(super) limit: Option<u32>,
    pub(super) sort_order: Option<SortOrder>,
}

/// `limit` as Reporter takes it: 1 to 100.
fn check_limit(limit: Option<u32>) -> Result<(), String> {
    match limit {
        Some(limit) if limit == 0 || limit > MAX_LIMIT => {
            Err(format!("`limit` is {limit}; Reporter takes 1 to {MAX_LIMIT} items per page"))
        }
        _ => Ok(()),
    }
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub(crate) struct Envelope<T> {
    #[serde(default)]
    pub(crate) items: Option<Vec<T>>,
    #[serde(default)]
    pub(crate) limit: Option<i64>,
}

/// Pages of a Reporter list: `filters` adds the list's query to each request, `page` the
/// page number. Reporter's `total` counts only the page just sent, so a page holding fewer
/// items than the page size is the last one (an empty page ends the listing as well).
fn pages<T: DeserializeOwned + Send + 'static>(
    endpoint: Endpoint,
    operation: Operation,
    segments: &'static [&'static str],
    limit: Option<u32>,
    filters: Arc<dyn Fn(Request) -> Request + Send + Sync>,
) -> FetchPage<T> {
    Arc::new(move |cursor| {
        let endpoint = endpoint.clone();
        let filters = filters.clone();
        Box::pin(async move {
            let page = match cursor {
                None => 1,
                Some(Cursor::Page(page)) => page,
                Some(other) => {
                    return Err(Error::invalid_input(
                        operation,
                        format!(
                            "a Reporter listing resumes from a page number, not from {other:?}"
                        ),
                    ));
                }
            };
            let request = filters(endpoint.request(operation, Method::GET, segments))
                .query_opt("limit", limit)
                .query("page", page);
            let answer = endpoint.send(request).await?;
            let (items, limit_answered, rejected) = match answer.json::<Envelope<T>>(operation) {
                Ok(envelope) => (envelope.items.unwrap_or_default(), envelope.limit, Vec::new()),
                // One report that does not decode must not take its page with it: decode the
                // items one by one, and let the listing's policy judge the others.
                Err(error) => match answer.json::<Envelope<serde_json::Value>>(operation) {
                    Ok(envelope) => {
                        let (items, rejected) =
                            decode_each(operation, envelope.items.unwrap_or_default());
                        (items, envelope.limit, rejected)
                    }
                    Err(_) => return Err(error),
                },
            };
            // The server's own `limit` wins: it may cap the one asked for.
            let page_size = limit_answered
                .and_then(|l| u32::try_from(l).ok())
                .filter(|l| *l > 0)
                .or(limit)
                .unwrap_or(SERVER_DEFAULT_LIMIT);
            // Items that did not decode were on the page all the same.
            let on_page = items.len().saturating_add(rejected.len());
            let full = u32::try_from(on_page).is_ok_and(|len| len >= page_size);
            let next = full.then(|| page.checked_add(1).map(Cursor::Page)).flatten();
            Ok(RawPage { items, next, rejected })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_is_checked_against_reporters_range() {
        assert!(check_limit(None).is_ok());
        assert!(check_limit(Some(1)).is_ok());
        assert!(check_limit(Some(100)).is_ok());
        assert!(check_limit(Some(0)).unwrap_err().contains("1 to 100"));
        assert!(check_limit(Some(101)).unwrap_err().contains("101"));
    }
}
