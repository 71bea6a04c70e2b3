//! The guards that stop a listing instead of looping when a server's cursor would make it
//! repeat itself.

use std::collections::HashSet;

use super::Cursor;
use crate::{Error, Operation};

/// Decides from each fetched page whether the listing goes on, ends, or must stop because the
/// server's cursor would make it loop.
pub(super) struct LoopGuard {
    operation: Operation,
    /// Every page token sent in this run. Tokens are short, and remembering them is what
    /// catches a server that cycles back to an earlier token.
    tokens_sent: HashSet<String>,
    /// Empty pages in a row that came with a new page token.
    empty_in_a_row: u32,
}

/// Empty pages with fresh tokens that a listing accepts in a row: a server that keeps
/// sending them is not paging through data.
pub(super) const MAX_EMPTY_PAGES_IN_A_ROW: u32 = 50;

impl LoopGuard {
    pub(super) fn new(operation: Operation) -> Self {
        Self { operation, tokens_sent: HashSet::new(), empty_in_a_row: 0 }
    }

    /// The cursor to fetch next, `None` when the listing ends here, or the error that stops it.
    /// `sent` is the cursor of the page just fetched, `next` what the server returned with it.
    pub(super) fn next(
        &mut self,
        sent: Option<&Cursor>,
        next: Option<Cursor>,
        page_is_empty: bool,
    ) -> Result<Option<Cursor>, Error> {
        if let Some(Cursor::Token(token)) = sent {
            self.tokens_sent.insert(token.clone());
        }
        let Some(next) = next else { return Ok(None) };
        self.empty_in_a_row = if page_is_empty { self.empty_in_a_row.saturating_add(1) } else { 0 };
        let goes_on = match &next {
            Cursor::Token(token) if token.trim().is_empty() => false,
            Cursor::Token(_) if sent == Some(&next) => {
                return Err(self.error(
                    "the server returned the page token that was just sent, so the next \
                     request would repeat this one; stopping to avoid an endless loop",
                ));
            }
            Cursor::Token(token) if self.tokens_sent.contains(token) => {
                return Err(self.error(
                    "the server returned a page token already used in this listing, so its \
                     pages would come again; stopping to avoid an endless loop",
                ));
            }
            Cursor::Token(_) if self.empty_in_a_row >= MAX_EMPTY_PAGES_IN_A_ROW => {
                return Err(self.error(format!(
                    "the server sent {MAX_EMPTY_PAGES_IN_A_ROW} empty pages in a row, each with \
                     a new page token; stopping instead of paging on without end"
                )));
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
