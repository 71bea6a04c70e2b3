//! The one paginator: a fetch-one-page function becomes lazy [`Pages`] and [`Items`]
//! streams. This file holds its settings and the views; the checks before the first request
//! are in `resume`, the walk through the windows in `walk`, the concurrent reader in
//! `concurrent`.

use std::{fmt, sync::Arc};

use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};

use super::{
    Items, Page, Pages, RawPage, Undecodable, UndecodablePolicy, concurrent,
    options::{FetchWindowPage, PagingOptions},
    parts::{self, SharedSplits, Splits},
    resume::{self, Expected},
    walk::Walk,
};
use crate::{Error, Operation};

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
    /// The one kind of cursor the listing pages with, when it says so.
    cursor_kind: Option<&'static str>,
    /// `Err` when the listing's input was refused: the stream then yields only that error.
    source: Result<(u32, FetchWindowPage<T>), Error>,
    /// How its windows split into parts when they keep timing out, if they may.
    splits: SharedSplits,
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
    /// A listing over one range, fetched with `fetch`: the walk's unit tests.
    #[cfg(test)]
    pub(crate) fn new(operation: Operation, fetch: super::options::FetchPage<T>) -> Self {
        Self::windowed(operation, 1, Arc::new(move |_, _, cursor| fetch(cursor)))
    }

    /// A listing over `windows` consecutive windows, each paged on its own: what
    /// [`of_windows`](Self::of_windows) builds on.
    pub(crate) fn windowed(operation: Operation, windows: u32, fetch: FetchWindowPage<T>) -> Self {
        Self {
            operation,
            identity: None,
            cursor_kind: None,
            source: Ok((windows, fetch)),
            splits: None,
            options: PagingOptions::default(),
        }
    }

    /// A listing whose input was refused before any request: its stream yields `error`
    /// once and ends, so bad input surfaces where the caller reads the listing.
    pub(crate) fn refused(operation: Operation, error: Error) -> Self {
        Self {
            operation,
            identity: None,
            cursor_kind: None,
            source: Err(error),
            splits: None,
            options: PagingOptions::default(),
        }
    }

    /// Marks every continuation of this listing with `identity` and refuses to resume from
    /// a continuation marked with another one.
    pub(crate) fn identified(mut self, identity: String) -> Self {
        self.identity = Some(identity.into());
        self
    }

    /// Reads a window whose first request keeps timing out (HTTP 504) in the finer parts
    /// `splits` describes; the fetch function must serve those parts.
    pub(crate) fn split_by(mut self, splits: Arc<dyn Splits>) -> Self {
        self.splits = Some(splits);
        self
    }

    /// Refuses to resume from a continuation whose cursor is not of `kind` (one of the
    /// [`PageCursor::KIND`](super::PageCursor::KIND)s).
    pub(crate) fn paged_by(mut self, kind: &'static str) -> Self {
        self.cursor_kind = Some(kind);
        self
    }

    /// The same listing with each decoded item passed through `map` (a pure, per-item
    /// step the envelope's decoding cannot take alone, such as Everbridge's account
    /// offset); undecodable items, cursors and the identity are unchanged.
    pub(crate) fn map<U: 'static>(
        self,
        map: impl Fn(T) -> U + Send + Sync + 'static,
    ) -> Paginator<U>
    where
        T: Send,
    {
        let map = Arc::new(map);
        let source = self.source.map(|(windows, fetch)| {
            let fetch: FetchWindowPage<U> = Arc::new(move |window, part, cursor| {
                let (page, map) = (fetch(window, part, cursor), Arc::clone(&map));
                Box::pin(async move {
                    let RawPage { items, next, rejected } = page.await?;
                    Ok(RawPage {
                        items: items.into_iter().map(|item| map(item)).collect(),
                        next,
                        rejected,
                    })
                })
            });
            (windows, fetch)
        });
        let Self { operation, identity, cursor_kind, splits, options, .. } = self;
        Paginator { operation, identity, cursor_kind, source, splits, options }
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
    pub(crate) fn resume(mut self, continuation: super::Continuation) -> Self {
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
    /// The listing as a stream of pages; with a skip policy, each page's undecodable items
    /// go to the handler as the page is handed over.
    pub(crate) fn pages(self) -> Pages<T> {
        let policy = self.options.undecodable.clone();
        Pages::new(self.run().map_ok(move |page| settle(&policy, page)))
    }

    /// The listing as a stream of items, fetching each page when the previous one is used up.
    pub(crate) fn items(self) -> Items<T> {
        let policy = self.options.undecodable.clone();
        let items = self
            .run()
            .map_ok(move |page| stream::iter(settle(&policy, page).items.into_iter().map(Ok)))
            .try_flatten();
        Items::new(items)
    }

    /// Every item, with the items that could not be decoded in their place (each page's
    /// undecodable items before its decoded ones).
    pub(crate) fn items_or_undecodable(
        mut self,
    ) -> BoxStream<'static, Result<Result<T, Undecodable>, Error>> {
        self.options.undecodable = UndecodablePolicy::Keep;
        self.run()
            .map_ok(|page| {
                let undecodable = page.undecodable.into_iter().map(|item| Ok(Err(item)));
                stream::iter(undecodable.chain(page.items.into_iter().map(|item| Ok(Ok(item)))))
            })
            .try_flatten()
            .boxed()
    }

    /// The pages, lazily: nothing is checked or started before the first poll (which is
    /// also where a tokio runtime is looked for).
    fn run(self) -> impl Stream<Item = Result<Page<T>, Error>> + Send + 'static {
        stream::once(async move { self.start() }).flatten()
    }

    fn start(self) -> BoxStream<'static, Result<Page<T>, Error>> {
        let Self { operation, identity, cursor_kind, source, splits, options } = self;
        let start = options.resume.clone().unwrap_or_default();
        let checked = source.and_then(|(windows, fetch)| {
            resume::check_options(operation, &options)?;
            let expected = Expected { identity: identity.as_deref(), cursor_kind, windows };
            resume::check_start(operation, expected, &start)?;
            parts::check(&splits, start.window(), start.part())
                .map_err(|message| Error::invalid_input(operation, message))?;
            Ok((windows, fetch))
        });
        let (windows, fetch) = match checked {
            Ok(source) => source,
            Err(error) => return stream::once(async { Err(error) }).boxed(),
        };
        if windows == 0 {
            return stream::empty().boxed();
        }
        let fail_on_undecodable = matches!(options.undecodable, UndecodablePolicy::Fail);
        let walk = Walk::new(operation, identity, windows, fetch, &options, fail_on_undecodable)
            .split_by(splits);
        let ahead = options.concurrency.unwrap_or(1).min(windows - start.window());
        match tokio::runtime::Handle::try_current() {
            // `max_pages` counts requests in order, so it reads one window at a time.
            Ok(runtime) if ahead > 1 && options.max_pages.is_none() => {
                concurrent::read(walk, start, ahead, runtime).boxed()
            }
            _ => walk.pages(start, windows).boxed(),
        }
    }
}

/// Hands a page's undecodable items to the skip handler, if the listing has one.
fn settle<T>(policy: &UndecodablePolicy, mut page: Page<T>) -> Page<T> {
    if let UndecodablePolicy::Skip(handler) = policy {
        page.undecodable.drain(..).for_each(|item| handler(item));
    }
    page
}
