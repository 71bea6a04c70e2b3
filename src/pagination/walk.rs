//! The walk through a listing's windows, page after page: fetch (or take the prefetched
//! page), guard against loops, drop what a restart already delivered, build the page and
//! its continuation, and stop at `max_pages` or the last window asked for.

use std::sync::Arc;

use futures::{
    future::{FutureExt, RemoteHandle},
    stream::Stream,
};

use super::{
    Continuation, Cursor, Page, Part, RawPage,
    guard::LoopGuard,
    options::{FetchWindowPage, PagingOptions},
    parts::{self, SharedSplits},
    windows,
};
use crate::{Error, Operation};

/// What it takes to walk the windows of one listing: shared by the sequential reader and
/// by each window's task in the concurrent one.
pub(super) struct Walk<T> {
    operation: Operation,
    identity: Option<Arc<str>>,
    windows: u32,
    fetch: FetchWindowPage<T>,
    max_pages: Option<u32>,
    prefetch: bool,
    /// Whether an undecodable item fails its page (else it travels with the page).
    fail_on_undecodable: bool,
    /// How windows split when their first request keeps timing out, if they may.
    splits: SharedSplits,
}

impl<T> Clone for Walk<T> {
    fn clone(&self) -> Self {
        Self {
            fetch: Arc::clone(&self.fetch),
            identity: self.identity.clone(),
            splits: self.splits.clone(),
            ..*self
        }
    }
}

/// Where the walk is: the window, the cursor to send, the items of the window delivered so
/// far and the ones still to drop after a restart.
struct Position {
    window: u32,
    part: Part,
    cursor: Option<Cursor>,
    offset: u64,
    to_drop: u64,
}

impl Position {
    /// Where a walk from `from` starts. A scroll moves on the server with every request, so
    /// a saved scroll id can be past batches the caller never got (a page prefetched, then
    /// dropped; an answer that did not decode): resumed, it would skip them without a word.
    /// Re-read the window instead, dropping the `offset` items already delivered.
    fn start(from: Continuation) -> Self {
        let part = from.part();
        let (window, mut cursor, offset) = from.into_parts();
        if matches!(cursor, Some(Cursor::Scroll(_))) {
            cursor = None;
        }
        let to_drop = if cursor.is_none() { offset } else { 0 };
        Self { window, part, cursor, offset, to_drop }
    }

    /// Drops from `items` what a restart already delivered, and counts the rest in.
    fn deliver<T>(&mut self, items: &mut Vec<T>) {
        if self.to_drop > 0 {
            let dropped = usize::try_from(self.to_drop).unwrap_or(usize::MAX).min(items.len());
            items.drain(..dropped);
            self.to_drop = self.to_drop.saturating_sub(dropped as u64);
        }
        self.offset = self.offset.saturating_add(items.len() as u64);
    }
}

impl<T: Send + 'static> Walk<T> {
    pub(super) fn new(
        operation: Operation,
        identity: Option<Arc<str>>,
        windows: u32,
        fetch: FetchWindowPage<T>,
        options: &PagingOptions,
        fail_on_undecodable: bool,
    ) -> Self {
        let (max_pages, prefetch) = (options.max_pages, options.prefetch);
        let splits = None;
        Self {
            operation,
            identity,
            windows,
            fetch,
            max_pages,
            prefetch,
            fail_on_undecodable,
            splits,
        }
    }

    /// The same walk, reading a window that keeps timing out in the parts `splits` gives.
    pub(super) fn split_by(mut self, splits: SharedSplits) -> Self {
        self.splits = splits;
        self
    }

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
        let Self {
            operation,
            identity,
            windows,
            fetch,
            max_pages,
            prefetch,
            fail_on_undecodable,
            splits,
        } = self;
        let mark = move |continuation: Continuation| continuation.of_listing(identity.as_deref());
        async_stream::stream! {
            let mut at = Position::start(from);
            let mut guard = LoopGuard::new(operation);
            let mut requests = Requests { fetch, prefetch, max_pages, made: 0, prefetched: None };
            loop {
                let raw = match requests.next(at.window, at.part, &at.cursor).await {
                    Ok(raw) => raw,
                    Err(error) => {
                        // Nothing of the part delivered yet: a finer part starts at the same
                        // point, so reading it instead loses and repeats nothing.
                        let finer = splits.as_ref().filter(|_| {
                            at.cursor.is_none()
                                && at.offset == 0
                                && requests.may_go_on()
                                && parts::timed_out(&error)
                        });
                        if let Some(finer) = finer.and_then(|s| s.finer(at.window, at.part)) {
                            tracing::warn!(
                                %operation,
                                window = at.window,
                                level = finer.level(),
                                error = %error,
                                "a window kept timing out at the server; reading it in smaller parts"
                            );
                            at.part = finer;
                            guard = LoopGuard::new(operation);
                            continue;
                        }
                        let restart = Continuation::restart(at.window, at.offset).in_part(at.part);
                        yield Err(error.with_restart(mark(restart)));
                        return;
                    }
                };
                let RawPage { mut items, next, rejected: mut undecodable } = raw;
                if fail_on_undecodable && !undecodable.is_empty() {
                    yield Err(undecodable.swap_remove(0).into_parts().1);
                    return;
                }
                let next = match guard.next(at.cursor.as_ref(), next, items.is_empty()) {
                    Ok(next) => next,
                    Err(error) => {
                        yield Err(error);
                        return;
                    }
                };
                at.deliver(&mut items);
                let following = match (next, parts::next_part(&splits, at.window, at.part)) {
                    // The part is done and its window has another at this level.
                    (None, Some(part)) => Some(Continuation::at(at.window, None, 0).in_part(part)),
                    (next, _) => windows::following(at.window, windows, next, at.offset)
                        .map(|f| if f.window() == at.window { f.in_part(at.part) } else { f }),
                }
                .map(&mark);
                let number = requests.made;
                let page = Page { items, undecodable, continuation: following.clone(), number };
                // The page at the `max_pages` limit keeps its continuation (built above) so
                // the caller can resume later; only the fetching stops.
                let goes_on = |f: &Continuation| requests.may_go_on() && f.window() < until;
                let Some(following) = following.filter(goes_on) else {
                    yield Ok(page);
                    return;
                };
                let next_part = following.part();
                let (next_window, next_cursor, _) = following.into_parts();
                if next_window != at.window || next_part != at.part {
                    guard = LoopGuard::new(operation);
                    (at.offset, at.to_drop) = (0, 0);
                }
                (at.window, at.part, at.cursor) = (next_window, next_part, next_cursor);
                requests.prefetch(at.window, at.part, &at.cursor);
                yield Ok(page);
            }
        }
    }
}

/// The requests of one walk: counted against `max_pages`, and the next one started ahead
/// when the listing prefetches.
struct Requests<T> {
    fetch: FetchWindowPage<T>,
    prefetch: bool,
    max_pages: Option<u32>,
    made: u32,
    prefetched: Option<RemoteHandle<Result<RawPage<T>, Error>>>,
}

impl<T: Send + 'static> Requests<T> {
    /// The page at `cursor` in `part` of `window`: the one prefetched, or fetched now.
    async fn next(
        &mut self,
        window: u32,
        part: Part,
        cursor: &Option<Cursor>,
    ) -> Result<RawPage<T>, Error> {
        self.made = self.made.saturating_add(1);
        match self.prefetched.take() {
            Some(handle) => handle.await,
            None => (self.fetch)(window, part, cursor.clone()).await,
        }
    }

    /// Whether `max_pages` leaves room for another request.
    fn may_go_on(&self) -> bool {
        self.max_pages.is_none_or(|max| self.made < max)
    }

    /// Starts the request for the page at `cursor` in `part` of `window` when the listing
    /// prefetches.
    fn prefetch(&mut self, window: u32, part: Part, cursor: &Option<Cursor>) {
        if self.prefetch {
            self.prefetched = start_prefetch(&self.fetch, window, part, cursor.clone());
        }
    }
}

/// Starts fetching the next page on the current tokio runtime, so it downloads while the
/// caller works on the page just handed over. Dropping the handle cancels the fetch.
/// Without a runtime it returns `None` and the page is fetched on demand, as without prefetch.
fn start_prefetch<T: Send + 'static>(
    fetch: &FetchWindowPage<T>,
    window: u32,
    part: Part,
    cursor: Option<Cursor>,
) -> Option<RemoteHandle<Result<RawPage<T>, Error>>> {
    let runtime = tokio::runtime::Handle::try_current().ok()?;
    let (task, handle) = fetch(window, part, cursor).remote_handle();
    runtime.spawn(task);
    Some(handle)
}
