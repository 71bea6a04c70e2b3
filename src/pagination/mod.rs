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
//!   the stream yields [`Error::InvalidInput`](crate::Error::InvalidInput) and ends.
//! - **Resumable.** Every page but the last carries a [`Continuation`]: the cursor of the
//!   next page. It is serde-serialisable (use `serde_json` directly); give it back to the
//!   listing's `resume(continuation)` and the stream starts with the page after the saved
//!   one, so nothing is lost or repeated. Page numbers restart at 1 in the resumed run.
//! - **Windowed.** A listing over a long range may be split into consecutive windows
//!   (Everbridge's calendar months), each paged on its own cursor and read as one stream in
//!   order; the continuation records the window as well as the cursor. When the server
//!   drops a cursor (a scroll id that expired), the error carries a continuation
//!   ([`PaginationError::continuation`](crate::PaginationError::continuation)) that
//!   restarts the window and skips what was already delivered. A window whose first request
//!   keeps timing out at the server (HTTP 504 after the retries) may be read in finer
//!   parts (Everbridge: a month's halves, then its days); the continuation records the
//!   [`Part`], so a resumed listing reads the same parts.
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
//! The listing stops with [`Error::Pagination`](crate::Error::Pagination), instead of looping, when the server hands
//! back:
//! - the page token that was just sent (the next request would be the same request);
//! - a page token already sent earlier in this run, even with new items (a cycle of tokens
//!   would bring the same pages again);
//! - 50 empty pages in a row, each with a new page token;
//! - a page number that does not advance past the page just fetched (the first page counts
//!   as page 1).
//!
//! The page that carried the faulty cursor is not yielded: its items would come again if
//! the listing were resumed from the previous page.
//!
//! # How a vendor describes a listing
//!
//! A vendor writes an envelope (where a page's items are, what the next cursor is, which
//! query parameter carries the cursor), a query that builds the first page's request from
//! its filters, and the endpoint's setters. One generic fetch sends every page and decodes
//! it with a pure function of the bytes; the listing's identity is a hash of its first
//! request minus the cursor parameter; a continuation of another listing, kind of cursor
//! or window is refused before any request. See `envelope.rs` for the trait, Reporter's
//! envelope in full, and how Qualtrics and Everbridge are written on it.

mod concurrent;
mod cursor;
mod decode;
mod envelope;
mod fetch;
mod guard;
mod identity;
mod listing;
mod options;
mod page;
mod page_limit;
mod paginator;
mod parts;
mod resume;
mod sort;
mod undecodable;
mod walk;
mod windows;

pub use cursor::{Continuation, Cursor};
pub(crate) use decode::decode_page;
pub(crate) use envelope::ScrollId;
pub(crate) use envelope::{Envelope, PageCursor, PageNumber};
// For the Qualtrics (page token) envelope, once migrated.
#[allow(unused_imports)]
pub(crate) use envelope::PageToken;
#[cfg(test)]
pub(crate) use identity::identity_of;
pub use listing::{Listing, Query};
pub(crate) use options::PagingOptions;
pub(crate) use page::RawPage;
pub use page::{Items, Page, Pages};
pub(crate) use page_limit::{PageLimit, bounded_items, bounded_items_or_null};
pub(crate) use paginator::Paginator;
pub use parts::Part;
pub(crate) use parts::Splits;
pub use sort::SortOrder;
pub use undecodable::Undecodable;
pub(crate) use undecodable::UndecodablePolicy;

#[cfg(test)]
mod tests;
