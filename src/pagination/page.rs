//! One page of a listing, and the two streams a listing is read as.

use super::{Continuation, Cursor, Undecodable};
use crate::Error;

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
    pub(crate) items: Vec<T>,
    /// The items of this page that did not decode, in the server's order; empty unless the
    /// listing keeps them (a skip handler takes them as the page is handed over).
    pub(crate) undecodable: Vec<Undecodable>,
    pub(crate) continuation: Option<Continuation>,
    pub(crate) number: u32,
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

    /// The items of this page that could not be decoded, each with the server's own bytes.
    /// Empty unless the listing was asked to keep them: by default such an item fails the
    /// listing, and [`skip_undecodable`](super::Listing::skip_undecodable) hands each to its
    /// handler as the page is handed over.
    pub fn undecodable(&self) -> &[Undecodable] {
        &self.undecodable
    }

    /// An empty last page: what a listing over an empty range reads as.
    pub(crate) fn empty() -> Self {
        Self { items: Vec::new(), undecodable: Vec::new(), continuation: None, number: 1 }
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
    /// A listing, page by page: a [`Stream`](futures::Stream) of `Result<Page<T>, Error>`.
    ///
    /// Created by a listing's `pages()` method. See the [module docs](super) for how it
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
    /// A listing, item by item: a [`Stream`](futures::Stream) of `Result<T, Error>`.
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
    /// The cursor of the next page in the same window; `None` when the server says there is
    /// none.
    pub(crate) next: Option<Cursor>,
    /// Items that could not be decoded (see [`decode_page`](super::decode_page)); the
    /// listing's policy decides whether they fail the page.
    pub(crate) rejected: Vec<Undecodable>,
}

#[cfg(test)]
impl<T> RawPage<T> {
    pub(crate) fn new(items: Vec<T>, next: Option<Cursor>) -> Self {
        Self { items, next, rejected: Vec::new() }
    }
}
