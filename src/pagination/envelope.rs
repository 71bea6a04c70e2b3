//! How a vendor describes one page of a listing: where its items are, and what the next
//! cursor is. Everything else (sending, decoding, the bad-item fallback, identity, resume,
//! windows, the loop guards) is generic: see [`fetch`](super::fetch) and
//! [`decode_page`](super::decode_page).
//!
//! A vendor listing is three small pieces:
//!
//! 1. an **envelope**: a type implementing [`Envelope`], whose [`Body`](Envelope::Body) is
//!    the page's JSON generic over its items (so the generic layer can read it typed, and
//!    item by item as the server's raw bytes when one item is bad);
//! 2. a **query** ([`Query`](super::Query)): the filters, checked, turned into the listing's
//!    first request *without* its cursor (that request is also the listing's identity);
//! 3. the **endpoint** builder: `Listing::of(query)` plus the filter setters.
//!
//! Reporter's list envelope, `{"items":[…],"page":1,"limit":10,"total":10}`, in full
//! (`reporter/paging.rs`):
//!
//! ```text
//! #[derive(Deserialize)]
//! struct Body<T> { #[serde(default)] items: Option<Vec<T>>, #[serde(default)] limit: Option<i64> }
//!
//! struct ReporterPages<T> { asked: Option<u32>, item: PhantomData<fn() -> T> }
//! impl<T: DeserializeOwned + Send + 'static> Envelope for ReporterPages<T> {
//!     type Item = T;
//!     type Cursor = PageNumber;
//!     type Body<I: DeserializeOwned> = Body<I>;
//!     type Meta = Option<i64>;                       // the limit the server answered with
//!     const CURSOR_PARAMS: &'static [&'static str] = &["page"];
//!     fn split<I: DeserializeOwned>(body: Body<I>) -> (Vec<I>, Option<i64>) {
//!         (body.items.unwrap_or_default(), body.limit)
//!     }
//!     fn with_cursor(&self, request: Request, cursor: Option<&PageNumber>) -> Result<Request, Error> {
//!         Ok(request.query("page", cursor.map_or(1, |page| page.0)))
//!     }
//!     fn next(&self, sent: Option<&PageNumber>, limit: &Option<i64>, on_page: usize)
//!         -> Result<Option<PageNumber>, Error> { /* a full page means another one */ }
//! }
//!
//! // The query (`reporter/list_templates.rs`): filters checked, first request built.
//! impl Query for TemplatesQuery {
//!     type Item = Template;
//!     fn paginator(self) -> Paginator<Template> {
//!         let Self { slot, filters } = self;
//!         let envelope = paging::ReporterPages::new(filters.page.limit);
//!         Paginator::over(&slot, OPERATION, envelope, |endpoint| {   // Err(String): InvalidInput
//!             let request = endpoint.request(OPERATION, Method::GET, &["v1", "templates"]);
//!             filters.page.apply(filters.apply(request))
//!         })
//!     }
//! }
//! ```
//!
//! # How the other vendors are written on it
//!
//! - **Qualtrics** (`{"result":{"elements":[…],"nextPage":…}}`): `Cursor = PageToken`,
//!   `Meta = Option<String>` (the `nextPage` field), `CURSOR_PARAMS = ["skipToken"]`. `next`
//!   reads `nextPage` as a URL or a bare token and keeps its `skipToken`; a URL of another
//!   origin makes `next` return its error (the envelope holds the endpoint's origin, or
//!   `Meta` carries the parsed URL). `with_cursor` adds `skipToken`.
//! - **Everbridge scroll** (`everbridge/scroll.rs`, `{"data":[…],"scrollId":…}`, bare or
//!   wrapped in `{"data":{…},"success":true}`): `Cursor = ScrollId`; `Body<T>` reads both
//!   shapes (a hand-written visitor, so the raw-item pass works too) and `split` flattens
//!   them, `Meta` being the page's other fields. `next` checks that each batch starts
//!   (`start`) where the last ended, against a `Mutex`ed position per scroll id in the
//!   envelope value, and returns [`Error::cursor_expired`] when it jumped; `failed` turns
//!   the "scroll gone" answer into `cursor_expired` too. Months are windows:
//!   [`Paginator::of_windows`](super::Paginator) takes one first request per month and
//!   hashes them all into the identity. The account offset for a naive `eventTime` is a
//!   pure per-entry step: the envelope's item is an entry that remembers whether its time
//!   was naive, and `Paginator::map` moves it.
//! - **Everbridge pageQuery** (`everbridge/page_query.rs`): `Cursor = PageNumber`;
//!   `with_cursor` returns its own `Error::pagination` past page 100, before the request.
//! - **EnergyCAP's list** (a bare JSON array, not paged): `Body<T> = Vec<T>`, and `next`
//!   is always `None`: a one-page listing.
//!
//! Typed cursors ([`PageToken`], [`ScrollId`], [`PageNumber`]) convert to and from the
//! serialisable [`Cursor`] kept in a [`Continuation`](super::Continuation); a continuation
//! holding another kind of cursor is refused before any request.

use std::fmt::Debug;

use serde::de::DeserializeOwned;

use super::{Cursor, PageLimit};
use crate::{Error, transport::Request};

/// A cursor as one listing knows it: one kind of [`Cursor`], typed.
pub(crate) trait PageCursor: Clone + Debug + Send + Sync + 'static {
    /// How the kind is named in the error that refuses another kind.
    const KIND: &'static str;

    /// The serialisable cursor kept in a continuation.
    fn to_cursor(&self) -> Cursor;

    /// This kind of cursor, or `None` for a cursor of another kind.
    fn from_cursor(cursor: &Cursor) -> Option<Self>;
}

/// An opaque page token the server returned with the previous page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PageToken(pub(crate) String);

/// A server-side scroll id (it expires; see [`Continuation`](super::Continuation)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScrollId(pub(crate) String);

/// A 1-based page number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageNumber(pub(crate) u32);

impl PageCursor for PageToken {
    const KIND: &'static str = "a page token";

    fn to_cursor(&self) -> Cursor {
        Cursor::Token(self.0.clone())
    }

    fn from_cursor(cursor: &Cursor) -> Option<Self> {
        match cursor {
            Cursor::Token(token) => Some(Self(token.clone())),
            _ => None,
        }
    }
}

impl PageCursor for ScrollId {
    const KIND: &'static str = "a scroll id";

    fn to_cursor(&self) -> Cursor {
        Cursor::Scroll(self.0.clone())
    }

    fn from_cursor(cursor: &Cursor) -> Option<Self> {
        match cursor {
            Cursor::Scroll(id) => Some(Self(id.clone())),
            _ => None,
        }
    }
}

impl PageCursor for PageNumber {
    const KIND: &'static str = "a page number";

    fn to_cursor(&self) -> Cursor {
        Cursor::Page(self.0)
    }

    fn from_cursor(cursor: &Cursor) -> Option<Self> {
        match cursor {
            Cursor::Page(page) => Some(Self(*page)),
            _ => None,
        }
    }
}

/// The kind a continuation's cursor is of, for the error that refuses it.
pub(crate) fn kind_of(cursor: &Cursor) -> &'static str {
    match cursor {
        Cursor::Token(_) => PageToken::KIND,
        Cursor::Scroll(_) => ScrollId::KIND,
        Cursor::Page(_) => PageNumber::KIND,
    }
}

/// One vendor's page: where its items are and what the next cursor is. The value holds
/// what the listing asked for that the answer is judged against (a page size, say).
pub(crate) trait Envelope: Send + Sync + 'static {
    /// What the listing yields.
    type Item: DeserializeOwned + Send + 'static;
    /// The one kind of cursor this listing pages with.
    type Cursor: PageCursor;
    /// The page's JSON with items of type `T`: read with `T = Self::Item` first, and with
    /// `T = Box<RawValue>` when that fails, to find the bad items.
    type Body<T: DeserializeOwned>: DeserializeOwned;
    /// What the page says besides its items, that [`next`](Self::next) reads.
    type Meta: Send;
    /// The query parameters the cursor travels in: never part of the listing's identity.
    const CURSOR_PARAMS: &'static [&'static str];

    /// The page's items, in the server's order, and the rest.
    fn split<T: DeserializeOwned>(body: Self::Body<T>) -> (Vec<T>, Self::Meta);

    /// The listing's request for the page at `cursor` (`None`: the first page), or the
    /// error that refuses to ask for it, before any request (Everbridge's pageQuery past
    /// page 100). `request.operation` names the listing in errors.
    fn with_cursor(
        &self,
        request: Request,
        cursor: Option<&Self::Cursor>,
    ) -> Result<Request, Error>;

    /// The cursor of the next page, `None` when this one is the last, or the error that
    /// stops the listing (Qualtrics' next page on another origin, Everbridge's scroll that
    /// jumped). `on_page` counts the items the server sent, undecodable ones included.
    fn next(
        &self,
        sent: Option<&Self::Cursor>,
        meta: &Self::Meta,
        on_page: usize,
    ) -> Result<Option<Self::Cursor>, Error>;

    /// Checks an answer's bytes before they are decoded, against what this listing saw
    /// before: by default nothing. `first` is the window's first request (it names the
    /// window), `sent` the cursor sent. Everbridge refuses a scroll that answers the same
    /// batch again, byte for byte, which no page field need tell.
    fn answered(
        &self,
        first: &Request,
        sent: Option<&Self::Cursor>,
        body: &bytes::Bytes,
    ) -> Result<(), Error> {
        let _ = (first, sent, body);
        Ok(())
    }

    /// How many items one page of the listing whose first request is `first` may hold:
    /// by default any number. A vendor whose page size the listing sets reads it from
    /// `first` ([`PageLimit::asked_in`]); the envelope's items field must be marked
    /// `#[serde(deserialize_with = "pagination::bounded_items")]` for the limit to bound
    /// memory as the page is decoded, not after.
    fn page_limit(&self, first: &Request) -> PageLimit {
        let _ = first;
        PageLimit::Unbounded
    }

    /// The items of a page, in order, as the listing hands them over: by default all of
    /// them. Called once per page, in page order, after [`next`](Self::next) has counted
    /// them. A listing whose pages can overlap (offset paging over a list that grows at its
    /// head, as Reporter's newest-first reports) drops here what an earlier page brought.
    fn deliver(&self, items: Vec<Self::Item>) -> Vec<Self::Item> {
        items
    }

    /// The error a failed request for the page at `sent` becomes: by default itself. A
    /// vendor whose server forgets cursors turns its "unknown cursor" answer into
    /// [`Error::cursor_expired`] here, so the listing's error carries a restart.
    fn failed(&self, sent: Option<&Self::Cursor>, error: Error) -> Error {
        let _ = sent;
        error
    }
}
