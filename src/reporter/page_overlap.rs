//! Reporter lists reports newest first, by page number over an offset: a report created
//! while a listing runs pushes every older one down a place, so the first items of the next
//! page were the last ones of the page just read. This drops them, keeping only the ids of
//! the previous page.

use std::{collections::HashSet, fmt, sync::Mutex};

/// Drops the items of a page that the previous page held. Memory: one page of ids.
pub(crate) struct PageOverlap<T> {
    id: fn(&T) -> &str,
    previous: Mutex<HashSet<String>>,
}

impl<T> fmt::Debug for PageOverlap<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageOverlap").finish_non_exhaustive()
    }
}

impl<T> PageOverlap<T> {
    /// Items told apart by `id`.
    pub(crate) fn new(id: fn(&T) -> &str) -> Self {
        Self { id, previous: Mutex::new(HashSet::new()) }
    }

    /// `items` without those the previous page held; this page's ids (repeats included)
    /// become the ones the next page is checked against.
    pub(crate) fn drop_repeats(&self, items: Vec<T>) -> Vec<T> {
        let mut previous = self.previous.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let current: HashSet<String> =
            items.iter().map(|item| (self.id)(item).to_owned()).collect();
        let before = items.len();
        let kept: Vec<T> =
            items.into_iter().filter(|item| !previous.contains((self.id)(item))).collect();
        let repeated = before.saturating_sub(kept.len());
        if repeated > 0 {
            tracing::warn!(
                repeated,
                "items of the previous page came again, pushed down by newer ones created \
                 during the listing; skipped"
            );
        }
        *previous = current;
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(items: &[&'static str]) -> Vec<&'static str> {
        items.to_vec()
    }

    #[test]
    fn only_the_previous_pages_ids_are_dropped_and_remembered() {
        let overlap = PageOverlap::<&'static str>::new(|item| item);
        assert_eq!(overlap.drop_repeats(ids(&["e", "d", "c"])), ["e", "d", "c"]);
        // Two reports created: c and d come again.
        assert_eq!(overlap.drop_repeats(ids(&["d", "c", "b"])), ["b"]);
        // c is still remembered although it was dropped; e is no longer.
        assert_eq!(overlap.drop_repeats(ids(&["c", "a", "e"])), ["a", "e"]);
    }
}
