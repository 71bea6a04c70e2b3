//! What a listing checks before its first request: its settings, and that the continuation
//! it resumes from is one it could have saved.

use super::{Continuation, PagingOptions, envelope::kind_of};
use crate::{Error, Operation};

/// Who the listing is, as far as a continuation is concerned.
#[derive(Debug, Clone, Copy)]
pub(super) struct Expected<'a> {
    /// The identity its continuations are marked with, when it has one.
    pub(super) identity: Option<&'a str>,
    /// The one kind of cursor it pages with, when it says so (an envelope listing).
    pub(super) cursor_kind: Option<&'static str>,
    /// How many windows it has.
    pub(super) windows: u32,
}

/// Refuses `max_pages(0)` and `concurrency(0)`.
pub(super) fn check_options(operation: Operation, options: &PagingOptions) -> Result<(), Error> {
    if options.max_pages == Some(0) {
        return Err(Error::invalid_input(
            operation,
            "max_pages must be at least 1: a listing cannot stop before its first page",
        ));
    }
    if options.concurrency == Some(0) {
        return Err(Error::invalid_input(
            operation,
            "concurrency must be at least 1: one window at a time is the least",
        ));
    }
    Ok(())
}

/// Refuses a continuation of another listing, of another kind of cursor, or of a window
/// this listing does not have. An empty listing (no window) accepts any window.
pub(super) fn check_start(
    operation: Operation,
    expected: Expected<'_>,
    start: &Continuation,
) -> Result<(), Error> {
    if let (Some(saved), Some(this)) = (start.listing(), expected.identity)
        && saved != this
    {
        return Err(Error::invalid_input(
            operation,
            format!(
                "the continuation was saved by another listing ({saved}, this one is {this}): \
                 resuming it here would skip or repeat events; resume it with the filters it \
                 was saved with, or start this listing from its beginning"
            ),
        ));
    }
    if let (Some(cursor), Some(kind)) = (start.cursor(), expected.cursor_kind)
        && kind_of(cursor) != kind
    {
        return Err(Error::invalid_input(
            operation,
            format!(
                "the continuation holds {}, but this listing pages by {kind}: it was saved by \
                 another kind of listing, and resuming it would replay or skip events",
                kind_of(cursor)
            ),
        ));
    }
    let windows = expected.windows;
    if windows > 0 && start.window() >= windows {
        return Err(Error::invalid_input(
            operation,
            format!(
                "the continuation resumes window {}, but this listing has only {windows}: it \
                 was saved by a listing over another range",
                start.window()
            ),
        ));
    }
    Ok(())
}
