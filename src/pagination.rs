//! Lazy, resumable paging over listing endpoints, whatever cursor the vendor uses.
//!
//! A listing is a [`Pages`] stream (one [`Page`] at a time) or an [`Items`] stream (the same
//! items, flattened). Both are plain [`futures::Stream`]s: `Send`, `Unpin`, `'static` and
//! fused, so `try_next()`, `take(n)` and the other stream adapters work directly.
//!
//! ```
//! use auditkit::pagination::Pages;
//! use futures::TryStreamExt;
//!
//! /// Stores every page, and after each one the point to resume from after a crash.
//! async fn export<T>(mut pages: Pages<T>) -> Result<(), Box<dyn std::error::Error>> {
//!     while let Some(page) = pages.try_next().await? {
//!         println!("page {} brought {} items", page.number(), page.len());
//!         // Store the items, then the checkpoint next to them (ideally in one transaction).
//!         if let Some(continuation) = page.continuation() {
//!             let checkpoint = serde_json::to_string(continuation)?;
//!             println!("resume from {checkpoint}");
//!         }
//!     }
//!     Ok(())
//! }
//! ```
//!
//! # How a listing behaves
//!
//! - **Lazy.** Nothing is requested before the stream is first polled.
//! - **One request at a time, one page in memory.** The next page is requested when the
//!   stream is polled again. With `prefetch(true)` on the listing's builder, the request for
//!   the next page starts as soon as the current page is handed over (so at most two pages
//!   exist at once), and it is cancelled if the stream is dropped. Prefetching needs a tokio
//!   runtime; without one, pages are fetched on demand.
//! - **Bounded.** `max_pages(n)` makes at most `n` requests. The last page still carries its
//!   [`Continuation`], so a later run can pick up from there. `max_pages(0)` is refused:
//!   the stream yields [`Error::InvalidInput`] and ends.
//! - **Resumable.** Every page but the last carries a [`Continuation`]: the cursor of the
//!   next page. It is serde-serialisable (use `serde_json` directly); give it back to the
//!   listing's `resume(continuation)` and the stream starts with the page after the saved
//!   one, so nothing is lost or repeated. Page numbers restart at 1 in the resumed run.
//! - **Errors end the stream.** A failed request is yielded once and the stream ends. The
//!   transport has already retried what was worth retrying, so to carry on later, resume
//!   from the last page's continuation.
//!
//! # When a listing ends, and when it refuses to go on
//!
//! The listing ends (without an error) when the server says there is no next page, when the
//! next page token or scroll id is empty or blank, and, for scroll ids and page numbers,
//! after the first page with no items. A scroll id that stays the same from page to page is
//! normal and is not an error.
//!
//! The listing stops with [`Error::Pagination`], instead of looping, when the server hands
//! back:
//! - the page token that was just sent (the next request would be the same request);
//! - a page token already sent earlier in this run, together with a page of no items;
//! - a page number that does not advance past the page just fetched (the first page counts
//!   as page 1).
//!
//! The page that carried the faulty cursor is not yielded: its items would come again if
//! the listing were resumed from the previous page. A longer cycle of tokens that keeps
//! bringing items cannot be told apart from new data; `max_pages` bounds it.

// The vendor modules build their listings on `Paginator`; until they do, only the tests use
// the crate-internal half of this file.

use std::{collections::HashSet, fmt, sync::Arc};

use futures::{
    future::{BoxFuture, FutureExt, RemoteHandle},
    stream::{self, Stream, TryStreamExt},
};
use serde::{Deserialize, Serialize};

use crate::{Error, Operation};

/// Where a page starts, in the terms the server uses.
///
/// In JSON a cursor is an object with one field named after its kind:
///
/// ```
/// use auditkit::pagination::Cursor;
///
/// let cursor = Cursor::Token("eyJvZmZzZXQiOjEwMH0".to_owned());
/// assert_eq!(serde_json::to_string(&cursor)?, r#"{"token":"eyJvZmZzZXQiOjEwMH0"}"#);
/// assert_eq!(serde_json::from_str::<Cursor>(r#"{"page":3}"#)?, Cursor::Page(3));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Cursor {
    /// An opaque token the server returned with the previous page, sent back to get the next
    /// one. An empty token means there is no next page.
    Token(String),
    /// A server-side scroll id. It may stay the same from page to page; the scroll ends at
    /// the first page with no items, or when the id comes back empty.
    Scroll(String),
    /// A 1-based page number.
    Page(u32),
}

/// Where a listing resumes after a given page: the cursor of the next page to fetch.
///
/// Every [`Page`] but the last one of a listing has a continuation. Save it (it is
/// serde-serialisable; use `serde_json` or any other serde format) together with the items
/// you stored, and give it to the listing's `resume(continuation)` to carry on from the
/// next page, in this process or another one.
///
/// ```
/// use auditkit::pagination::{Continuation, Cursor};
///
/// let saved = r#"{"cursor":{"scroll":"c2Nyb2xsLTE"}}"#;
/// let continuation: Continuation = serde_json::from_str(saved)?;
/// assert_eq!(continuation.cursor(), &Cursor::Scroll("c2Nyb2xsLTE".to_owned()));
/// assert_eq!(serde_json::to_string(&continuation)?, saved);
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// A scroll id may expire on the server (often after a few minutes without a request): a
/// continuation holding one is only good for resuming soon after it was saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Continuation {
    cursor: Cursor,
}

impl Continuation {
    /// The cursor of the next page to fetch.
    pub fn cursor(&self) -> &Cursor {
        &self.cursor
    }
}

/// One page of a listing: its items and where the listing goes on after it.
///
/// ```
/// use auditkit::pagination::Page;
///
/// fn summary<T>(page: &Page<T>) -> String {
///     match page.continuation() {
///         Some(_) => format!("page {}: {} items, more to come", page.number(), page.len()),
///         None => format!("page {}: {} items, the last one", page.number(), page.len()),
///     }
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    items: Vec<T>,
    continuation: Option<Continuation>,
    number: u32,
}

impl<T> Page<T> {
    /// The items of this page, in the server's order.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// Takes the items out of the page.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }

    /// How many items this page holds.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether this page holds no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Where the listing goes on after this page; `None` when this was the last page.
    ///
    /// A page cut off by `max_pages` still has a continuation, to resume from later.
    pub fn continuation(&self) -> Option<&Continuation> {
        self.continuation.as_ref()
    }

    /// The 1-based position of this page in this run of the stream (a resumed run counts
    /// from 1 again).
    pub fn number(&self) -> u32 {
        self.number
    }
}

boxed_stream! {
    /// A listing, page by page: a [`Stream`] of `Result<Page<T>, Error>`.
    ///
    /// Created by a listing's `pages()` method. See the [module docs](self) for how it
    /// behaves: lazy, one request at a time, fused, ending with the first error.
    ///
    /// ```
    /// use auditkit::{Error, pagination::Pages};
    /// use futures::TryStreamExt;
    ///
    /// async fn count<T>(mut pages: Pages<T>) -> Result<usize, Error> {
    ///     let mut total = 0;
    ///     while let Some(page) = pages.try_next().await? {
    ///         total += page.len();
    ///     }
    ///     Ok(total)
    /// }
    /// ```
    pub struct Pages<T> yields Result<Page<T>, Error>;
}

boxed_stream! {
    /// A listing, item by item: a [`Stream`] of `Result<T, Error>`.
    ///
    /// Created by a listing's `items()` method. It fetches a page only when the items of the
    /// previous one have been taken, and otherwise behaves like [`Pages`].
    ///
    /// ```
    /// use auditkit::{Error, pagination::Items};
    /// use futures::{StreamExt, TryStreamExt};
    ///
    /// /// The first `n` items, fetching no more pages than needed.
    /// async fn first<T>(items: Items<T>, n: usize) -> Result<Vec<T>, Error> {
    ///     items.take(n).try_collect().await
    /// }
    /// ```
    pub struct Items<T> yields Result<T, Error>;
}

/// What a vendor's fetch function returns for one page.
#[derive(Debug)]
pub(crate) struct RawPage<T> {
    /// The page's items, in the server's order.
    pub(crate) items: Vec<T>,
    /// The cursor of the next page; `None` when the server says there is none.
    pub(crate) next: Option<Cursor>,
}

/// Fetches one page: `None` for the first page of a listing, otherwise the cursor of the page
/// to fetch. The future owns everything it needs (an `Arc` of the client, the filters), so
/// streams built on it borrow nothing.
pub(crate) type FetchPage<T> =
    Arc<dyn Fn(Option<Cursor>) -> BoxFuture<'static, Result<RawPage<T>, Error>> + Send + Sync>;

/// The paging settings a listing builder collects for its caller: the builder embeds one,
/// forwards its `max_pages`, `prefetch` and `resume` setters to the fields, and hands it to
/// [`apply`](Self::apply) when it builds the stream.
///
/// ```text
/// // In a listing builder that has a `paging: PagingOptions` field:
/// pub fn max_pages(mut self, max: u32) -> Self {
///     self.paging.max_pages = Some(max);
///     self
/// }
///
/// pub fn items(self) -> Items<Event> {
///     self.paging.apply(Paginator::new(OPERATION, fetch)).items()
/// }
/// ```
#[derive(Debug, Clone, Default)]
pub(crate) struct PagingOptions {
    /// At most this many requests; `Some(0)` is an input error reported by the stream.
    pub(crate) max_pages: Option<u32>,
    /// Whether to request the next page while the caller holds the current one.
    pub(crate) prefetch: bool,
    /// Start at this continuation's cursor instead of the first page.
    pub(crate) resume: Option<Continuation>,
}

impl PagingOptions {
    /// Gives these settings to `paginator`, replacing the ones it had.
    pub(crate) fn apply<T>(self, paginator: Paginator<T>) -> Paginator<T> {
        Paginator { options: self, ..paginator }
    }
}

/// Turns a fetch-one-page function into a lazy [`Pages`] or [`Items`] stream, with the
/// guards described in the module docs.
#[must_use = "a paginator does nothing until it becomes a stream with `.pages()` or `.items()`"]
pub(crate) struct Paginator<T> {
    operation: Operation,
    /// `Err` when the listing's input was refused: the stream then yields only that error.
    fetch: Result<FetchPage<T>, Error>,
    options: PagingOptions,
}

impl<T> fmt::Debug for Paginator<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("operation", &self.operation)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<T> Paginator<T> {
    /// A paginator for `operation` (named in its errors) that fetches pages with `fetch`.
    pub(crate) fn new(operation: Operation, fetch: FetchPage<T>) -> Self {
        Self { operation, fetch: Ok(fetch), options: PagingOptions::default() }
    }

    /// A listing whose input was refused before any request: its stream yields `error`
    /// once and ends, so bad input surfaces where the caller reads the listing.
    pub(crate) fn refused(operation: Operation, error: Error) -> Self {
        Self { operation, fetch: Err(error), options: PagingOptions::default() }
    }

    #[cfg(test)]
    /// Makes at most `max` requests; 0 is an input error, reported by the stream.
    pub(crate) fn max_pages(mut self, max: u32) -> Self {
        self.options.max_pages = Some(max);
        self
    }

    #[cfg(test)]
    /// Requests the next page while the caller holds the current one.
    pub(crate) fn prefetch(mut self, yes: bool) -> Self {
        self.options.prefetch = yes;
        self
    }

    #[cfg(test)]
    /// Starts at `continuation`'s cursor instead of the first page.
    pub(crate) fn resume(mut self, continuation: Continuation) -> Self {
        self.options.resume = Some(continuation);
        self
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
        let Self { operation, fetch, options } = self;
        async_stream::stream! {
            let fetch = match fetch {
                Ok(fetch) => fetch,
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
            let mut guard = LoopGuard::new(operation);
            // The cursor sent for the page being fetched; `None` asks for the first page.
            let mut cursor = options.resume.map(|continuation| continuation.cursor);
            let mut prefetched = None;
            let mut fetched: u32 = 0;
            loop {
                let result = match prefetched.take() {
                    Some(handle) => handle.await,
                    None => fetch(cursor.clone()).await,
                };
                fetched = fetched.saturating_add(1);
                let raw = match result {
                    Ok(raw) => raw,
                    Err(error) => {
                        yield Err(error);
                        return;
                    }
                };
                let next = match guard.next(cursor.as_ref(), raw.next, raw.items.is_empty()) {
                    Ok(next) => next,
                    Err(error) => {
                        yield Err(error);
                        return;
                    }
                };
                let page = Page {
                    items: raw.items,
                    continuation: next.clone().map(|cursor| Continuation { cursor }),
                    number: fetched,
                };
                // The page at the `max_pages` limit keeps its continuation (built above) so
                // the caller can resume later; only the fetching stops.
                let within_limit = options.max_pages.is_none_or(|max| fetched < max);
                let Some(next) = next.filter(|_| within_limit) else {
                    yield Ok(page);
                    return;
                };
                if options.prefetch {
                    prefetched = start_prefetch(&fetch, &next);
                }
                cursor = Some(next);
                yield Ok(page);
            }
        }
    }
}

/// Starts fetching the page at `cursor` on the current tokio runtime, so it downloads while
/// the caller works on the page just handed over. Dropping the handle cancels the fetch.
/// Without a runtime it returns `None` and the page is fetched on demand, as without prefetch.
fn start_prefetch<T: Send + 'static>(
    fetch: &FetchPage<T>,
    cursor: &Cursor,
) -> Option<RemoteHandle<Result<RawPage<T>, Error>>> {
    let runtime = tokio::runtime::Handle::try_current().ok()?;
    let (task, handle) = fetch(Some(cursor.clone())).remote_handle();
    runtime.spawn(task);
    Some(handle)
}

/// Decides from each fetched page whether the listing goes on, ends, or must stop because the
/// server's cursor would make it loop.
struct LoopGuard {
    operation: Operation,
    /// Every page token sent in this run. Tokens are short, and remembering them is what
    /// catches a server that cycles back to an earlier token with nothing new.
    tokens_sent: HashSet<String>,
}

impl LoopGuard {
    fn new(operation: Operation) -> Self {
        Self { operation, tokens_sent: HashSet::new() }
    }

    /// The cursor to fetch next, `None` when the listing ends here, or the error that stops it.
    /// `sent` is the cursor of the page just fetched, `next` what the server returned with it.
    fn next(
        &mut self,
        sent: Option<&Cursor>,
        next: Option<Cursor>,
        page_is_empty: bool,
    ) -> Result<Option<Cursor>, Error> {
        if let Some(Cursor::Token(token)) = sent {
            self.tokens_sent.insert(token.clone());
        }
        let Some(next) = next else { return Ok(None) };
        let goes_on = match &next {
            Cursor::Token(token) if token.trim().is_empty() => false,
            Cursor::Token(_) if sent == Some(&next) => {
                return Err(self.error(
                    "the server returned the page token that was just sent, so the next \
                     request would repeat this one; stopping to avoid an endless loop",
                ));
            }
            Cursor::Token(token) if page_is_empty && self.tokens_sent.contains(token) => {
                return Err(self.error(
                    "the server returned a page token already used in this listing, with no \
                     new items; stopping to avoid an endless loop",
                ));
            }
            Cursor::Token(_) => true,
            // A scroll id often stays the same: only an empty page (or an empty id) ends it.
            Cursor::Scroll(id) => !page_is_empty && !id.trim().is_empty(),
            Cursor::Page(_) if page_is_empty => false,
            Cursor::Page(number) => {
                let current = match sent {
                    Some(Cursor::Page(current)) => *current,
                    _ => 1,
                };
                if *number <= current {
                    return Err(self.error(format!(
                        "the server's next page number ({number}) does not advance past the \
                         page just fetched ({current}); stopping to avoid an endless loop"
                    )));
                }
                true
            }
        };
        Ok(goes_on.then_some(next))
    }

    fn error(&self, message: impl Into<String>) -> Error {
        Error::pagination(self.operation, message)
    }
}

#[cfg(test)]
mod tests {
    use std::{
        pin::Pin,
        task::{Context, Poll},
    };

    use futures::{StreamExt, stream::FusedStream};
    use std::{
        cell::Cell,
        future::Future,
        marker::PhantomPinned,
        sync::atomic::{AtomicUsize, Ordering::SeqCst},
        time::Duration,
    };

    use futures::channel::mpsc;
    use tokio::time::timeout;

    use super::*;
    use crate::Vendor;

    const OP: Operation = Operation::new(Vendor::Reporter, "list_reports");
    /// Long enough for a spawned task to run on an idle runtime; a test waits this long
    /// only where it checks that something did *not* happen.
    const SETTLE: Duration = Duration::from_millis(5);
    /// Generous bound for something that must happen; a passing test never waits this long.
    const SOON: Duration = Duration::from_secs(2);

    fn token(t: &str) -> Option<Cursor> {
        Some(Cursor::Token(t.to_owned()))
    }
    fn scroll(id: &str) -> Option<Cursor> {
        Some(Cursor::Scroll(id.to_owned()))
    }
    fn page(n: u32) -> Option<Cursor> {
        Some(Cursor::Page(n))
    }

    /// What the in-test server does for one request.
    #[derive(Debug, Clone)]
    enum Reply {
        Page(Vec<u32>, Option<Cursor>),
        Fail,
        Hang,
    }

    /// One expected request and the reply to it.
    type Step = (Option<Cursor>, Reply);

    fn ok(request: Option<Cursor>, items: &[u32], next: Option<Cursor>) -> Step {
        (request, Reply::Page(items.to_vec(), next))
    }

    #[derive(Debug, PartialEq)]
    enum Event {
        Started(usize),
        Cancelled(usize),
    }

    /// An in-test server that answers a fixed script of requests, in order, and reports what
    /// the paginator asked of it.
    struct Source {
        steps: Vec<Step>,
        /// Calls of the fetch function (counted when called, before the future runs).
        calls: AtomicUsize,
        in_flight: AtomicUsize,
        max_in_flight: AtomicUsize,
        events: mpsc::UnboundedSender<Event>,
    }

    impl Source {
        fn new(steps: Vec<Step>) -> (Arc<Self>, mpsc::UnboundedReceiver<Event>) {
            let (events, receiver) = mpsc::unbounded();
            let source = Self {
                steps,
                calls: AtomicUsize::new(0),
                in_flight: AtomicUsize::new(0),
                max_in_flight: AtomicUsize::new(0),
                events,
            };
            (Arc::new(source), receiver)
        }

        fn paginator(self: &Arc<Self>) -> Paginator<u32> {
            let source = Arc::clone(self);
            let fetch: FetchPage<u32> = Arc::new(move |cursor| {
                let call = source.calls.fetch_add(1, SeqCst);
                let source = Arc::clone(&source);
                async move { source.serve(call, cursor).await }.boxed()
            });
            Paginator::new(OP, fetch)
        }

        fn calls(&self) -> usize {
            self.calls.load(SeqCst)
        }

        async fn serve(&self, call: usize, cursor: Option<Cursor>) -> Result<RawPage<u32>, Error> {
            let _watch = InFlight::start(self, call);
            // Give another request the chance to overlap with this one, if the paginator
            // were to allow it.
            YieldOnce(false).await;
            let Some((expected, reply)) = self.steps.get(call) else {
                return Err(Error::config(format!("unexpected request #{call}: {cursor:?}")));
            };
            if *expected != cursor {
                return Err(Error::config(format!(
                    "request #{call} sent {cursor:?}, expected {expected:?}"
                )));
            }
            match reply.clone() {
                Reply::Page(items, next) => Ok(RawPage { items, next }),
                Reply::Fail => Err(Error::config("simulated: the transport gave up on a 503")),
                Reply::Hang => futures::future::pending().await,
            }
        }
    }

    /// Counts a request as in flight until its future completes or is dropped, and reports a
    /// drop before completion as a cancellation.
    struct InFlight<'a> {
        source: &'a Source,
        call: usize,
    }

    impl<'a> InFlight<'a> {
        fn start(source: &'a Source, call: usize) -> Self {
            let now = source.in_flight.fetch_add(1, SeqCst) + 1;
            source.max_in_flight.fetch_max(now, SeqCst);
            let _ = source.events.unbounded_send(Event::Started(call));
            Self { source, call }
        }
    }

    impl Drop for InFlight<'_> {
        fn drop(&mut self) {
            self.source.in_flight.fetch_sub(1, SeqCst);
            if std::thread::panicking() {
                return;
            }
            // A request that hangs can only end by being dropped.
            if let Some((_, Reply::Hang)) = self.source.steps.get(self.call) {
                let _ = self.source.events.unbounded_send(Event::Cancelled(self.call));
            }
        }
    }

    /// Returns `Pending` once, like a request waiting on the network; needs no runtime.
    struct YieldOnce(bool);

    impl Future for YieldOnce {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0 {
                return Poll::Ready(());
            }
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }

    /// Four token pages holding 1..=7.
    fn token_script() -> Vec<Step> {
        vec![
            ok(None, &[1, 2], token("t2")),
            ok(token("t2"), &[3, 4], token("t3")),
            ok(token("t3"), &[5, 6], token("t4")),
            ok(token("t4"), &[7], None),
        ]
    }

    async fn collect_pages(pages: Pages<u32>) -> Vec<Result<Page<u32>, Error>> {
        pages.collect().await
    }

    fn items_of(results: &[Result<Page<u32>, Error>]) -> Vec<u32> {
        results.iter().flatten().flat_map(|page| page.items().to_vec()).collect()
    }

    fn pagination_message(result: &Result<Page<u32>, Error>) -> String {
        match result {
            Err(Error::Pagination(e)) => e.message().to_owned(),
            other => panic!("expected a pagination error, got {other:?}"),
        }
    }

    #[test]
    fn streams_are_send_unpin_and_static_for_any_send_item_and_debug_without_item_debug() {
        fn assert_stream<S: Stream + FusedStream + Send + Unpin + 'static + fmt::Debug>(_: &S) {}
        // Send but neither Sync, Unpin, Debug nor Clone: the streams must not need any of it.
        struct Awkward(#[allow(dead_code)] Cell<u8>, PhantomPinned);
        fn paginator() -> Paginator<Awkward> {
            Paginator::new(
                OP,
                Arc::new(|_| async { Ok(RawPage { items: vec![], next: None }) }.boxed()),
            )
        }
        let pages = paginator().pages();
        let items = paginator().items();
        assert_stream(&pages);
        assert_stream(&items);
        assert_eq!(format!("{pages:?}"), "Pages { terminated: false, .. }");
        assert_eq!(format!("{items:?}"), "Items { terminated: false, .. }");
    }

    #[test]
    #[expect(unused_must_use)]
    fn pages_and_items_warn_when_unused() {
        let (source, _) = Source::new(vec![]);
        source.paginator().pages();
        source.paginator().items();
    }

    #[tokio::test]
    async fn nothing_is_fetched_before_the_first_poll() {
        let (for_pages, _) = Source::new(token_script());
        let (for_items, _) = Source::new(token_script());
        let mut pages = for_pages.paginator().prefetch(true).pages();
        let mut items = for_items.paginator().items();
        tokio::time::sleep(SETTLE).await;
        assert_eq!(for_pages.calls(), 0);
        assert_eq!(for_items.calls(), 0);

        assert_eq!(pages.next().await.unwrap().unwrap().items(), [1, 2]);
        assert_eq!(items.next().await.unwrap().unwrap(), 1);
        assert_eq!(for_items.calls(), 1);
    }

    #[tokio::test]
    async fn token_pages_come_in_order_and_the_last_has_no_continuation() {
        let (source, _) = Source::new(token_script());
        let results = collect_pages(source.paginator().pages()).await;
        let pages: Vec<Page<u32>> = results.into_iter().map(Result::unwrap).collect();

        assert_eq!(pages.iter().map(Page::number).collect::<Vec<_>>(), [1, 2, 3, 4]);
        assert_eq!(pages.iter().map(Page::len).collect::<Vec<_>>(), [2, 2, 2, 1]);
        let continuations: Vec<Option<Cursor>> =
            pages.iter().map(|p| p.continuation().map(|c| c.cursor().clone())).collect();
        assert_eq!(continuations, [token("t2"), token("t3"), token("t4"), None]);
        assert_eq!(source.calls(), 4);
    }

    #[tokio::test]
    async fn an_empty_or_blank_token_ends_the_listing() {
        for end in ["", "  \n"] {
            let (source, _) =
                Source::new(vec![ok(None, &[1], token("t2")), ok(token("t2"), &[2], token(end))]);
            let results = collect_pages(source.paginator().pages()).await;
            assert_eq!(items_of(&results), [1, 2]);
            assert!(results.iter().all(Result::is_ok));
            assert_eq!(results[1].as_ref().unwrap().continuation(), None);
            assert_eq!(source.calls(), 2);
        }
    }

    #[tokio::test]
    async fn an_empty_page_with_a_new_token_does_not_end_the_listing() {
        let (source, _) = Source::new(vec![
            ok(None, &[], token("t2")),
            ok(token("t2"), &[], token("t3")),
            ok(token("t3"), &[1], None),
        ]);
        let results = collect_pages(source.paginator().pages()).await;
        assert_eq!(items_of(&results), [1]);
        assert_eq!(source.calls(), 3);
    }

    #[tokio::test]
    async fn the_token_just_sent_coming_back_is_an_error_even_with_items() {
        let (source, _) =
            Source::new(vec![ok(None, &[1], token("t2")), ok(token("t2"), &[2], token("t2"))]);
        let results = collect_pages(source.paginator().pages()).await;
        assert_eq!(results.len(), 2);
        assert_eq!(results[0].as_ref().unwrap().items(), [1]);
        assert!(pagination_message(&results[1]).contains("token that was just sent"));
        assert_eq!(source.calls(), 2);
    }

    #[tokio::test]
    async fn an_earlier_token_coming_back_with_an_empty_page_is_an_error() {
        let (source, _) = Source::new(vec![
            ok(None, &[1], token("t2")),
            ok(token("t2"), &[2], token("t3")),
            ok(token("t3"), &[], token("t2")),
        ]);
        let results = collect_pages(source.paginator().pages()).await;
        assert_eq!(items_of(&results), [1, 2]);
        assert!(pagination_message(&results[2]).contains("already used"));
        assert_eq!(results.len(), 3);
        assert_eq!(source.calls(), 3);
    }

    #[tokio::test]
    async fn a_scroll_id_that_stays_the_same_goes_on_until_a_page_is_empty() {
        let (source, _) = Source::new(vec![
            ok(None, &[1, 2], scroll("s")),
            ok(scroll("s"), &[3], scroll("s")),
            ok(scroll("s"), &[4], scroll("s")),
            ok(scroll("s"), &[], scroll("s")),
        ]);
        let results = collect_pages(source.paginator().pages()).await;
        assert!(results.iter().all(Result::is_ok), "{results:?}");
        assert_eq!(items_of(&results), [1, 2, 3, 4]);
        assert_eq!(
            results[2].as_ref().unwrap().continuation().unwrap().cursor(),
            &Cursor::Scroll("s".into())
        );
        assert_eq!(results[3].as_ref().unwrap().continuation(), None);
        assert_eq!(source.calls(), 4);
    }

    #[tokio::test]
    async fn an_empty_scroll_id_ends_the_listing() {
        let (source, _) =
            Source::new(vec![ok(None, &[1], scroll("s1")), ok(scroll("s1"), &[2], scroll(""))]);
        let results = collect_pages(source.paginator().pages()).await;
        assert_eq!(items_of(&results), [1, 2]);
        assert_eq!(source.calls(), 2);
    }

    #[tokio::test]
    async fn page_numbers_go_on_until_the_fetch_says_there_is_no_next_page() {
        let (source, _) = Source::new(vec![
            ok(None, &[1], page(2)),
            ok(page(2), &[2], page(3)),
            ok(page(3), &[3], None),
        ]);
        let results = collect_pages(source.paginator().pages()).await;
        assert_eq!(items_of(&results), [1, 2, 3]);
        assert_eq!(results.iter().flatten().map(Page::number).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(source.calls(), 3);
    }

    #[tokio::test]
    async fn an_empty_numbered_page_ends_the_listing() {
        let (source, _) = Source::new(vec![ok(None, &[1], page(2)), ok(page(2), &[], page(3))]);
        let results = collect_pages(source.paginator().pages()).await;
        assert_eq!(items_of(&results), [1]);
        assert!(results.iter().all(Result::is_ok));
        assert_eq!(source.calls(), 2);
    }

    #[tokio::test]
    async fn a_page_number_that_does_not_advance_is_an_error() {
        // After the first page (page 1), page 1 again.
        let (source, _) = Source::new(vec![ok(None, &[1], page(1))]);
        let results = collect_pages(source.paginator().pages()).await;
        assert_eq!(results.len(), 1);
        assert!(pagination_message(&results[0]).contains("(1) does not advance past"));

        // After page 3, page 2.
        let (source, _) = Source::new(vec![ok(None, &[1], page(3)), ok(page(3), &[3], page(2))]);
        let results = collect_pages(source.paginator().pages()).await;
        assert_eq!(items_of(&results), [1]);
        assert!(
            pagination_message(&results[1])
                .contains("(2) does not advance past the page just fetched (3)")
        );
        assert_eq!(source.calls(), 2);
    }

    #[tokio::test]
    async fn max_pages_bounds_the_requests_and_the_last_page_keeps_its_continuation() {
        let (source, _) = Source::new(token_script());
        let results = collect_pages(source.paginator().max_pages(2).pages()).await;
        assert_eq!(items_of(&results), [1, 2, 3, 4]);
        let last = results[1].as_ref().unwrap();
        assert_eq!(last.continuation().unwrap().cursor(), &Cursor::Token("t3".into()));
        assert_eq!(source.calls(), 2);
    }

    #[tokio::test]
    async fn max_pages_zero_is_an_input_error_before_any_request() {
        let (source, _) = Source::new(token_script());
        let mut pages = source.paginator().max_pages(0).pages();
        let first = pages.next().await.unwrap();
        assert!(matches!(first, Err(Error::InvalidInput(_))), "{first:?}");
        assert!(first.unwrap_err().to_string().contains("max_pages must be at least 1"));
        assert!(pages.next().await.is_none());
        assert_eq!(source.calls(), 0);
    }

    #[tokio::test]
    async fn a_fetch_error_is_yielded_once_and_then_the_stream_stays_ended() {
        let (source, _) =
            Source::new(vec![ok(None, &[1], token("t2")), (token("t2"), Reply::Fail)]);
        let mut pages = source.paginator().pages();
        assert_eq!(pages.next().await.unwrap().unwrap().items(), [1]);
        let error = pages.next().await.unwrap().unwrap_err();
        assert!(error.to_string().contains("simulated"), "{error}");
        assert!(!pages.is_terminated());
        assert!(pages.next().await.is_none());
        assert!(pages.is_terminated());
        assert!(pages.next().await.is_none());
        assert_eq!(source.calls(), 2);

        let (source, _) =
            Source::new(vec![ok(None, &[1, 2], token("t2")), (token("t2"), Reply::Fail)]);
        let items: Vec<Result<u32, Error>> = source.paginator().items().collect().await;
        assert_eq!(items.len(), 3);
        assert_eq!(items[..2].iter().map(|i| *i.as_ref().unwrap()).collect::<Vec<_>>(), [1, 2]);
        assert!(items[2].is_err());
    }

    #[tokio::test]
    async fn resuming_after_a_failure_at_page_three_yields_every_item_exactly_once() {
        let mut script = token_script();
        script[2].1 = Reply::Fail;
        let (source, _) = Source::new(script);
        let first_run = collect_pages(source.paginator().pages()).await;
        assert_eq!(first_run.len(), 3);
        assert!(first_run[2].is_err());

        // The checkpoint a caller would have written after page 2, read back.
        let checkpoint =
            serde_json::to_string(first_run[1].as_ref().unwrap().continuation().unwrap()).unwrap();
        let continuation: Continuation = serde_json::from_str(&checkpoint).unwrap();

        let (source, _) = Source::new(token_script().split_off(2));
        let second_run = collect_pages(source.paginator().resume(continuation).pages()).await;
        assert_eq!(second_run.iter().flatten().map(Page::number).collect::<Vec<_>>(), [1, 2]);

        let mut all = items_of(&first_run);
        all.extend(items_of(&second_run));
        assert_eq!(all, [1, 2, 3, 4, 5, 6, 7]);
    }

    #[tokio::test]
    async fn a_continuation_saved_as_json_resumes_with_exactly_the_rest() {
        let script = vec![
            ok(None, &[1], page(2)),
            ok(page(2), &[2], page(3)),
            ok(page(3), &[3], page(4)),
            ok(page(4), &[4], None),
        ];
        let (source, _) = Source::new(script.clone());
        let first: Vec<u32> = source.paginator().max_pages(2).items().try_collect().await.unwrap();
        assert_eq!(first, [1, 2]);

        let (source, _) = Source::new(script.clone());
        let pages = collect_pages(source.paginator().max_pages(2).pages()).await;
        let json =
            serde_json::to_string(pages[1].as_ref().unwrap().continuation().unwrap()).unwrap();
        assert_eq!(json, r#"{"cursor":{"page":3}}"#);

        let (source, _) = Source::new(script[2..].to_vec());
        let resume = serde_json::from_str(&json).unwrap();
        let rest: Vec<u32> = source.paginator().resume(resume).items().try_collect().await.unwrap();
        assert_eq!(rest, [3, 4]);
        assert_eq!(source.calls(), 2);
    }

    #[test]
    fn cursors_read_well_in_json() {
        let cases = [
            (Cursor::Token("abc".into()), r#"{"token":"abc"}"#),
            (Cursor::Scroll("s-1".into()), r#"{"scroll":"s-1"}"#),
            (Cursor::Page(7), r#"{"page":7}"#),
        ];
        for (cursor, json) in cases {
            assert_eq!(serde_json::to_string(&cursor).unwrap(), json);
            assert_eq!(serde_json::from_str::<Cursor>(json).unwrap(), cursor);
        }
        assert!(serde_json::from_str::<Cursor>(r#"{"offset":7}"#).is_err());
    }

    #[tokio::test]
    async fn paging_options_apply_max_pages_prefetch_and_resume() {
        let (source, _) = Source::new(token_script().split_off(1));
        let options = PagingOptions {
            max_pages: Some(2),
            prefetch: true,
            resume: Some(Continuation { cursor: Cursor::Token("t2".into()) }),
        };
        let paginator = options.apply(source.paginator().max_pages(9).prefetch(false));
        assert!(paginator.options.prefetch);
        let items: Vec<u32> = paginator.items().try_collect().await.unwrap();
        assert_eq!(items, [3, 4, 5, 6]);
        assert_eq!(source.calls(), 2);
    }

    #[tokio::test]
    async fn without_prefetch_nothing_is_fetched_while_a_page_is_held() {
        let (source, mut events) = Source::new(token_script());
        let mut pages = source.paginator().pages();
        let first = pages.next().await.unwrap().unwrap();
        tokio::time::sleep(SETTLE).await;
        assert_eq!(source.calls(), 1);
        assert_eq!(events.next().now_or_never(), Some(Some(Event::Started(0))));
        assert_eq!(events.next().now_or_never(), None, "no other request started");
        drop(first);
    }

    #[tokio::test]
    async fn with_prefetch_the_next_fetch_starts_while_the_current_page_is_held() {
        let (source, mut events) = Source::new(token_script());
        let mut pages = source.paginator().prefetch(true).pages();
        let first = pages.next().await.unwrap().unwrap();
        assert_eq!(events.next().await, Some(Event::Started(0)));
        // Page 1 is still held and the stream not polled again: page 2 is already on its way.
        assert_eq!(timeout(SOON, events.next()).await.unwrap(), Some(Event::Started(1)));
        assert_eq!(first.items(), [1, 2]);

        let rest = collect_pages(pages).await;
        assert_eq!(items_of(&rest), [3, 4, 5, 6, 7]);
        assert_eq!(source.calls(), 4);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn prefetch_keeps_one_request_in_flight_and_yields_the_same_items() {
        let (plain, _) = Source::new(token_script());
        let (eager, _) = Source::new(token_script());
        let expected: Vec<u32> = plain.paginator().items().try_collect().await.unwrap();
        let items: Vec<u32> = eager.paginator().prefetch(true).items().try_collect().await.unwrap();
        assert_eq!(items, expected);
        assert_eq!(eager.calls(), 4);
        assert_eq!(eager.max_in_flight.load(SeqCst), 1);
    }

    #[tokio::test]
    async fn prefetch_never_fetches_past_max_pages() {
        let (source, _) = Source::new(token_script());
        let mut pages = source.paginator().prefetch(true).max_pages(2).pages();
        pages.next().await.unwrap().unwrap();
        let second = pages.next().await.unwrap().unwrap();
        tokio::time::sleep(SETTLE).await;
        assert_eq!(source.calls(), 2);
        assert!(second.continuation().is_some());
        assert!(pages.next().await.is_none());
        assert_eq!(source.calls(), 2);
    }

    #[tokio::test]
    async fn dropping_the_stream_cancels_the_prefetched_fetch() {
        let (source, mut events) =
            Source::new(vec![ok(None, &[1], token("t2")), (token("t2"), Reply::Hang)]);
        let mut pages = source.paginator().prefetch(true).pages();
        pages.next().await.unwrap().unwrap();
        assert_eq!(events.next().await, Some(Event::Started(0)));
        assert_eq!(timeout(SOON, events.next()).await.unwrap(), Some(Event::Started(1)));

        drop(pages);
        assert_eq!(timeout(SOON, events.next()).await.unwrap(), Some(Event::Cancelled(1)));
        assert_eq!(source.in_flight.load(SeqCst), 0);
    }

    #[test]
    fn prefetch_without_a_tokio_runtime_fetches_on_demand_instead_of_panicking() {
        let (source, _) = Source::new(token_script());
        let mut pages = source.paginator().prefetch(true).pages();
        let waker = futures::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        let mut poll = || loop {
            if let Poll::Ready(next) = pages.poll_next_unpin(&mut cx) {
                return next;
            }
        };
        assert_eq!(poll().unwrap().unwrap().items(), [1, 2]);
        assert_eq!(source.calls(), 1);
        assert_eq!(poll().unwrap().unwrap().items(), [3, 4]);
        assert_eq!(source.calls(), 2);
    }

    #[tokio::test]
    async fn items_fetch_the_next_page_only_when_the_current_one_is_used_up() {
        let (source, _) = Source::new(token_script());
        let mut items = source.paginator().items();
        assert_eq!(items.next().await.unwrap().unwrap(), 1);
        assert_eq!(items.next().await.unwrap().unwrap(), 2);
        assert_eq!(source.calls(), 1);
        assert_eq!(items.next().await.unwrap().unwrap(), 3);
        assert_eq!(source.calls(), 2);

        let rest: Vec<u32> = items.try_collect().await.unwrap();
        assert_eq!(rest, [4, 5, 6, 7]);
    }
}
