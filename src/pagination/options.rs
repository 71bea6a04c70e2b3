//! What a paginator is made of below its views: the settings a caller gives a listing, and
//! the function that fetches one page of one window. Both the paginator and the walk use
//! them; neither is defined by the other, so the arrows point down.

use std::sync::Arc;

use futures::future::BoxFuture;

use super::{Continuation, Cursor, Part, RawPage, UndecodablePolicy};
use crate::Error;

/// Fetches one page of a listing over one range: `None` for its first page, otherwise the
/// cursor of the page to fetch. The walk's unit tests drive it with such a function; the
/// SDK's listings are built by `Paginator::of_envelope`.
#[cfg(test)]
pub(crate) type FetchPage<T> =
    Arc<dyn Fn(Option<Cursor>) -> BoxFuture<'static, Result<RawPage<T>, Error>> + Send + Sync>;

/// Fetches one page of window number `window` (0-based) of a windowed listing, in `part`
/// of it ([`Part::WHOLE`] unless the window is read in parts).
pub(crate) type FetchWindowPage<T> = Arc<
    dyn Fn(u32, Part, Option<Cursor>) -> BoxFuture<'static, Result<RawPage<T>, Error>>
        + Send
        + Sync,
>;

/// The paging settings a caller gives a listing (through
/// [`Listing`](super::Listing)'s setters).
#[derive(Debug, Clone, Default)]
pub(crate) struct PagingOptions {
    /// At most this many requests; `Some(0)` is an input error reported by the stream.
    pub(crate) max_pages: Option<u32>,
    /// Whether to request the next page while the caller holds the current one.
    pub(crate) prefetch: bool,
    /// Start at this continuation instead of the first page.
    pub(crate) resume: Option<Continuation>,
    /// At most this many windows read at once (`None`: one); `Some(0)` is an input error.
    pub(crate) concurrency: Option<u32>,
    /// What an item that does not decode does to the listing.
    pub(crate) undecodable: UndecodablePolicy,
}
