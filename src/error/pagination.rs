//! A listing that stopped.

use std::{error::Error as StdError, fmt};

use super::bounded::{bounded_debug, display_bounded};
use crate::{Operation, pagination::Continuation};

/// A listing stopped to avoid an endless loop or a token leak, or because the server
/// dropped its cursor. See [`Error::Pagination`](crate::Error::Pagination).
pub struct PaginationError {
    pub(crate) operation: Operation,
    pub(crate) message: String,
    pub(crate) cursor_expired: bool,
    pub(crate) continuation: Option<Continuation>,
}

bounded_debug!(PaginationError { operation, message, cursor_expired, continuation });

impl PaginationError {
    /// What the paginator saw.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether the server no longer knows the listing's cursor (a scroll id that expired).
    pub fn is_cursor_expired(&self) -> bool {
        self.cursor_expired
    }

    /// Where to resume with nothing lost or repeated, when the cursor expired: the start of
    /// the window, skipping the items already delivered. Give it to the listing's
    /// `resume(..)`.
    ///
    /// ```no_run
    /// use auditkit::{Error, pagination::{Continuation, Items}};
    /// use futures::TryStreamExt;
    ///
    /// async fn drain<T>(mut items: Items<T>) -> Result<Option<Continuation>, Error> {
    ///     loop {
    ///         match items.try_next().await {
    ///             Ok(Some(_item)) => { /* store it */ }
    ///             Ok(None) => return Ok(None),
    ///             Err(Error::Pagination(e)) if e.continuation().is_some() => {
    ///                 return Ok(e.continuation().cloned());
    ///             }
    ///             Err(other) => return Err(other),
    ///         }
    ///     }
    /// }
    /// ```
    pub fn continuation(&self) -> Option<&Continuation> {
        self.continuation.as_ref()
    }
}

impl fmt::Display for PaginationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        display_bounded(f, &|f| {
            write!(f, "{} stopped paging: {}", self.operation, self.message)?;
            if self.continuation.is_some() {
                f.write_str(
                    "; resume the listing from this error's `continuation()` to go on without loss",
                )?;
            }
            Ok(())
        })
    }
}

impl StdError for PaginationError {}
