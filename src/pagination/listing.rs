//! The one listing builder: the paging setters and the three ways to read a listing, written
//! once for every vendor listing, which adds only its filters.

use futures::StreamExt;

use super::{
    Continuation, Items, Page, Pages, Paginator, PagingOptions, Undecodable, UndecodablePolicy,
};
use crate::Error;

/// The filters of one vendor listing, and how they become pages.
///
/// Implemented by the SDK's listing queries (such as
/// [`qualtrics::EventsQuery`](crate::qualtrics::EventsQuery)); it cannot be implemented
/// outside this crate.
pub trait Query: Send + 'static {
    /// What the listing yields.
    type Item: Send + 'static;

    /// Checks the filters and describes how to fetch each page; bad input becomes a
    /// paginator that yields only the error, before any request.
    #[doc(hidden)]
    fn paginator(self) -> Paginator<Self::Item>;

    /// Sees the continuation the listing is asked to resume from, and may move it
    /// (Everbridge restarts a month it now serves only in part); by default unchanged.
    #[doc(hidden)]
    fn resume_from(&mut self, continuation: Continuation) -> Continuation {
        continuation
    }
}

/// A listing: a vendor's filters ([`Query`]) plus the paging settings every listing shares.
///
/// Each vendor listing is this type with its own query, such as
/// [`qualtrics::ListEvents`](crate::qualtrics::ListEvents); its filter setters come from
/// the vendor module, the rest from here. [`send`](Self::send) reads one page,
/// [`pages`](Self::pages) and [`items`](Self::items) stream them all (see the
/// [module docs](super) for how they behave).
///
/// ```no_run
/// use auditkit::qualtrics::Logins;
/// use futures::TryStreamExt;
///
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// let mut pages = client.qualtrics().list_events::<Logins>().max_pages(10).prefetch(true).pages();
/// while let Some(page) = pages.try_next().await? {
///     println!("{} events", page.len());
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a listing does nothing until `.send()`, `.pages()` or `.items()` is used"]
pub struct Listing<Q> {
    pub(crate) query: Q,
    paging: PagingOptions,
}

impl<Q> Listing<Q> {
    pub(crate) fn of(query: Q) -> Self {
        Self { query, paging: PagingOptions::default() }
    }

    /// Makes at most this many requests (the last page keeps its continuation). 0 is refused
    /// with [`Error::InvalidInput`] when the listing is read.
    pub fn max_pages(mut self, max: u32) -> Self {
        self.paging.max_pages = Some(max);
        self
    }

    /// Fetches the next page while the caller works through the current one (at most two
    /// pages in memory).
    pub fn prefetch(mut self, prefetch: bool) -> Self {
        self.paging.prefetch = prefetch;
        self
    }

    /// Reads up to `windows` windows of a listing over a long range at once (default 1),
    /// still yielding pages and items in order. Each window holds at most two pages the
    /// reader has not taken (one waiting, one fetched behind it), so at most `2 × windows`
    /// pages wait in memory. A listing over one range, or
    /// one with [`max_pages`](Self::max_pages), reads one window at a time. 0 is refused
    /// with [`Error::InvalidInput`] when the listing is read.
    ///
    /// Worth it when the server is slow per request and has many windows to cover; mind
    /// the vendor's rate limits.
    pub fn concurrency(mut self, windows: u32) -> Self {
        self.paging.concurrency = Some(windows);
        self
    }

    /// Skips items that cannot be decoded instead of failing the listing: each is handed to
    /// `handler` with its raw JSON and the decode error, and the listing goes on. The
    /// handler runs as the page holding the item is handed over, before its items. By default
    /// an item that does not decode fails its page with [`Error::Decode`], and resuming
    /// would fetch that page again.
    ///
    /// ```no_run
    /// use auditkit::qualtrics::Logins;
    /// use futures::TryStreamExt;
    ///
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let mut logins = client
    ///     .qualtrics()
    ///     .list_events::<Logins>()
    ///     .skip_undecodable(|item| eprintln!("set aside {}: {}", item.raw_json(), item.error()))
    ///     .items();
    /// while let Some(event) = logins.try_next().await? { /* … */ }
    /// # Ok(()) }
    /// ```
    pub fn skip_undecodable(
        mut self,
        handler: impl Fn(Undecodable) + Send + Sync + 'static,
    ) -> Self {
        self.paging.undecodable = UndecodablePolicy::Skip(std::sync::Arc::new(handler));
        self
    }

    /// The same listing over another query, its paging settings kept: how a vendor listing
    /// read in several modes (Everbridge's pageQuery, scroll and month windows) hands the
    /// caller's `max_pages`, `prefetch` and `resume` to the mode the caller picks.
    pub(crate) fn with_query<R>(self, query: impl FnOnce(Q) -> R) -> Listing<R> {
        Listing { query: query(self.query), paging: self.paging }
    }
}

impl<Q: Query> Listing<Q> {
    /// Continues a listing after the page that gave this continuation. Use the same filters
    /// as the interrupted run.
    ///
    /// ```no_run
    /// use auditkit::{pagination::Continuation, qualtrics::Logins};
    /// use futures::TryStreamExt;
    ///
    /// # async fn demo(client: auditkit::Client, saved: &str) -> Result<(), Box<dyn std::error::Error>> {
    /// let continuation: Continuation = serde_json::from_str(saved)?;
    /// let mut pages = client.qualtrics().list_events::<Logins>().resume(continuation).pages();
    /// while let Some(page) = pages.try_next().await? { /* … */ }
    /// # Ok(()) }
    /// ```
    pub fn resume(mut self, continuation: Continuation) -> Self {
        self.paging.resume = Some(self.query.resume_from(continuation));
        self
    }

    fn paginator(self) -> Paginator<Q::Item> {
        self.paging.apply(self.query.paginator())
    }

    /// Reads one page: the first, or the one after [`resume`](Self::resume)'s continuation.
    /// A listing over an empty range makes no request and gives an empty last page.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] before any request when a filter is refused; otherwise the
    /// errors of the listing's requests.
    pub async fn send(self) -> Result<Page<Q::Item>, Error> {
        let mut pages = self.max_pages(1).paginator().pages();
        match pages.next().await {
            Some(page) => page,
            None => Ok(Page::empty()),
        }
    }

    /// Every page, lazily: no request before the first poll, one request at a time.
    pub fn pages(self) -> Pages<Q::Item> {
        self.paginator().pages()
    }

    /// Every item, lazily, page after page.
    pub fn items(self) -> Items<Q::Item> {
        self.paginator().items()
    }

    /// Every item, with the items that could not be decoded in their place (each before the
    /// items of the page it came with), for a reader that must keep both: a collector.
    pub(crate) fn items_or_undecodable(
        self,
    ) -> futures::stream::BoxStream<'static, Result<Result<Q::Item, Undecodable>, Error>> {
        self.paginator().items_or_undecodable()
    }
}
