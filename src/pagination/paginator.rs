//! The one paginator: a fetch-one-page function becomes lazy [`Pages`] and [`Items`]
//! streams, window after window, with prefetch, `max_pages`, resume and the loop guards.

use std::{fmt, sync::Arc};

use futures::{
    future::{BoxFuture, FutureExt, RemoteHandle},
    stream::{self, Stream, StreamExt, TryStreamExt},
};

use super::{
    Continuation, Cursor, Items, Page, Pages, RawPage, UndecodablePolicy, concurrent,
    guard::LoopGuard, windows,
};
use crate::{Error, Operation};

/// Fetches one page of a listing over one range: `None` for its first page, otherwise the
/// cursor of the page to fetch. The future owns everything it needs (an `Arc` of the
/// client, the filters), so streams built on it borrow nothing.
pub(crate) type FetchPage<T> =
    Arc<dyn Fn(Option<Cursor>) -> BoxFuture<'static, Result<RawPage<T>, Error>> + Send + Sync>;

/// Fetches one page of window number `window` (0-based) of a windowed listing.
pub(crate) type FetchWindowPage<T> =
    Arc<dyn Fn(u32, Option<Cursor>) -> BoxFuture<'static, Result<RawPage<T>, Error>> + Send + Sync>;

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

impl PagingOptions {
    /// Gives these settings to `paginator`, replacing the ones it had.
    pub(crate) fn apply<T>(self, paginator: Paginator<T>) -> Paginator<T> {
        Paginator { options: self, ..paginator }
    }
}

/// Turns a fetch-one-page function into a lazy [`Pages`] or [`Items`] stream, with the
/// guards described in the [module docs](super). Built by the SDK's listings; not
/// constructible outside this crate.
#[must_use = "a paginator does nothing until it becomes a stream with `.pages()` or `.items()`"]
pub struct Paginator<T> {
    operation: Operation,
    /// What the listing's continuations are marked with, and what a resumed one must match.
    identity: Option<Arc<str>>,
    /// `Err` when the listing's input was refused: the stream then yields only that error.
    source: Result<(u32, FetchWindowPage<T>), Error>,
    options: PagingOptions,
}

impl<T> fmt::Debug for Paginator<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("operation", &self.operation)
            .field("windows", &self.source.as_ref().map(|(windows, _)| *windows).ok())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<T: 'static> Paginator<T> {
    /// A listing over one range, fetched with `fetch`; `operation` is named in its errors.
    pub(crate) fn new(operation: Operation, fetch: FetchPage<T>) -> Self {
        Self::windowed(operation, 1, Arc::new(move |_, cursor| fetch(cursor)))
    }

    /// A listing over `windows` consecutive windows, each paged on its own.
    pub(crate) fn windowed(operation: Operation, windows: u32, fetch: FetchWindowPage<T>) -> Self {
        Self {
            operation,
            identity: None,
            source: Ok((windows, fetch)),
            options: PagingOptions::default(),
        }
    }

    /// A listing whose input was refused before any request: its stream yields `error`
    /// once and ends, so bad input surfaces where the caller reads the listing.
    pub(crate) fn refused(operation: Operation, error: Error) -> Self {
        Self { operation, identity: None, source: Err(error), options: PagingOptions::default() }
    }

    /// Marks every continuation of this listing with `identity` (see
    /// [`listing_identity`](super::cursor::listing_identity)) and refuses to resume from a
    /// continuation marked with another one.
    pub(crate) fn identified(mut self, identity: String) -> Self {
        self.identity = Some(identity.into());
        self
    }

    #[cfg(test)]
    pub(crate) fn max_pages(mut self, max: u32) -> Self {
        self.options.max_pages = Some(max);
        self
    }

    #[cfg(test)]
    pub(crate) fn prefetch(mut self, yes: bool) -> Self {
        self.options.prefetch = yes;
        self
    }

    #[cfg(test)]
    pub(crate) fn resume(mut self, continuation: Continuation) -> Self {
        self.options.resume = Some(continuation);
        self
    }

    #[cfg(test)]
    pub(crate) fn concurrency(mut self, windows: u32) -> Self {
        self.options.concurrency = Some(windows);
        self
    }

    #[cfg(test)]
    pub(crate) fn options(&self) -> &PagingOptions {
        &self.options
    }
}

impl<T: Send + 'static> Paginator<T> {
    /// The listing as a stream of pages.
    pub(crate) fn pages(self) -> Pages<T> {
        Pages::new(self.run())
    }

    /// The listing as a stream of items, fetching each page when the previous one is used up.
    pub(crate) fn items(self) -> Items<T> {
        let items = self
            .run()
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok::<T, Error>)))
            .try_flatten();
        Items::new(items)
    }

    fn run(self) -> impl Stream<Item = Result<Page<T>, Error>> + Send + 'static {
        let Self { operation, identity, source, options } = self;
        async_stream::stream! {
            let (windows, fetch) = match source {
                Ok(source) => source,
                Err(error) => {
                    yield Err(error);
                    return;
                }
            };
            if options.max_pages == Some(0) {
                yield Err(Error::invalid_input(
                    operation,
                    "max_pages must be at least 1: a listing cannot stop before its first page",
                ));
                return;
            }
            if options.concurrency == Some(0) {
                yield Err(Error::invalid_input(
                    operation,
                    "concurrency must be at least 1: one window at a time is the least",
                ));
                return;
            }
            let start = options.resume.unwrap_or_default();
            if let (Some(saved), Some(this)) = (start.listing(), identity.as_deref())
                && saved != this
            {
                yield Err(Error::invalid_input(
                    operation,
                    format!(
                        "the continuation was saved by another listing ({saved}, this one is \
                         {this}): resuming it here would skip or repeat events; resume it with \
                         the filters it was saved with, or start this listing from its beginning"
                    ),
                ));
                return;
            }
            if windows == 0 {
                return;
            }
            if start.window() >= windows {
                yield Err(Error::invalid_input(
                    operation,
                    format!(
                        "the continuation resumes window {}, but this listing has only \
                         {windows}: it was saved by a listing over another range",
                        start.window()
                    ),
                ));
                return;
            }
            let walk = Walk {
                operation,
                identity,
                windows,
                fetch,
                max_pages: options.max_pages,
                prefetch: options.prefetch,
                undecodable: options.undecodable,
            };
            let ahead = options.concurrency.unwrap_or(1).min(windows - start.window());
            let mut pages = match tokio::runtime::Handle::try_current() {
                // `max_pages` counts requests in order, so it reads one window at a time.
                Ok(runtime) if ahead > 1 && options.max_pages.is_none() => {
                    concurrent::read(walk, start, ahead, runtime).boxed()
                }
                _ => walk.pages(start, windows).boxed(),
            };
            while let Some(page) = pages.next().await {
                yield page;
            }
        }
    }
}

/// What it takes to walk the windows of one listing: shared by the sequential reader and
/// by each window's task in the concurrent one.
pub(super) struct Walk<T> {
    operation: Operation,
    identity: Option<Arc<str>>,
    windows: u32,
    fetch: FetchWindowPage<T>,
    max_pages: Option<u32>,
    prefetch: bool,
    undecodable: UndecodablePolicy,
}

impl<T> Clone for Walk<T> {
    fn clone(&self) -> Self {
        Self {
            fetch: Arc::clone(&self.fetch),
            identity: self.identity.clone(),
            undecodable: self.undecodable.clone(),
            ..*self
        }
    }
}

impl<T: Send + 'static> Walk<T> {
    pub(super) fn windows(&self) -> u32 {
        self.windows
    }

    /// The pages from `from` on, window after window, up to (not into) window `until`. The
    /// last page still carries the continuation into window `until`.
    pub(super) fn pages(
        self,
        from: Continuation,
        until: u32,
    ) -> impl Stream<Item = Result<Page<T>, Error>> + Send + 'static {
        let Self { operation, identity, windows, fetch, max_pages, prefetch, undecodable } = self;
        let mark = move |continuation: Continuation| continuation.of_listing(identity.as_deref());
        async_stream::stream! {
            let (mut window, mut cursor, mut offset) = from.into_parts();
            // A scroll moves on the server with every request, so a saved scroll id can be
            // past batches the caller never got (a page prefetched, then dropped; an answer
            // that did not decode): resumed, it would skip them without a word. Re-read the
            // window instead, dropping the `offset` items already delivered.
            if matches!(cursor, Some(Cursor::Scroll(_))) {
                cursor = None;
            }
            // Items of the window still to drop: a restart after an expired cursor.
            let mut to_drop = if cursor.is_none() { offset } else { 0 };
            let mut guard = LoopGuard::new(operation);
            let mut prefetched = None;
            let mut fetched: u32 = 0;
            loop {
                let result = match prefetched.take() {
                    Some(handle) => handle.await,
                    None => fetch(window, cursor.clone()).await,
                };
                fetched = fetched.saturating_add(1);
                let mut raw = match result {
                    Ok(raw) => raw,
                    Err(error) => {
                        yield Err(error.with_restart(mark(Continuation::restart(window, offset))));
                        return;
                    }
                };
                let rejected = std::mem::take(&mut raw.rejected);
                match &undecodable {
                    UndecodablePolicy::Skip(handler) => rejected.into_iter().for_each(|item| handler(item)),
                    UndecodablePolicy::Fail => {
                        if let Some(item) = rejected.into_iter().next() {
                            yield Err(item.into_parts().1);
                            return;
                        }
                    }
                }
                let next = match guard.next(cursor.as_ref(), raw.next, raw.items.is_empty()) {
                    Ok(next) => next,
                    Err(error) => {
                        yield Err(error);
                        return;
                    }
                };
                let mut items = raw.items;
                if to_drop > 0 {
                    let dropped = usize::try_from(to_drop).unwrap_or(usize::MAX).min(items.len());
                    items.drain(..dropped);
                    to_drop = to_drop.saturating_sub(dropped as u64);
                }
                offset = offset.saturating_add(items.len() as u64);
                let following = windows::following(window, windows, next, offset).map(&mark);
                let page = Page { items, continuation: following.clone(), number: fetched };
                // The page at the `max_pages` limit keeps its continuation (built above) so
                // the caller can resume later; only the fetching stops.
                let within_limit = max_pages.is_none_or(|max| fetched < max);
                let Some(following) = following.filter(|f| within_limit && f.window() < until) else {
                    yield Ok(page);
                    return;
                };
                let (next_window, next_cursor, _) = following.into_parts();
                if next_window != window {
                    guard = LoopGuard::new(operation);
                    (offset, to_drop) = (0, 0);
                }
                (window, cursor) = (next_window, next_cursor);
                if prefetch {
                    prefetched = start_prefetch(&fetch, window, cursor.clone());
                }
                yield Ok(page);
            }
        }
    }
}

/// Starts fetching the next page on the current tokio runtime, so it downloads while the
/// caller works on the page just handed over. Dropping the handle cancels the fetch.
/// Without a runtime it returns `None` and the page is fetched on demand, as without prefetch.
fn start_prefetch<T: Send + 'static>(
    fetch: &FetchWindowPage<T>,
    window: u32,
    cursor: Option<Cursor>,
) -> Option<RemoteHandle<Result<RawPage<T>, Error>>> {
    let runtime = tokio::runtime::Handle::try_current().ok()?;
    let (task, handle) = fetch(window, cursor).remote_handle();
    runtime.spawn(task);
    Some(handle)
}
