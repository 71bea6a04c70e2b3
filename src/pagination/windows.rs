//! Listings made of consecutive windows: a long range split into sub-ranges (Everbridge's
//! calendar months), each paged on its own cursor, read as one stream.

use super::{Continuation, Cursor};

/// Where a listing goes after a page of `window` (of `windows`) that brought the window to
/// `offset` items: the next cursor in the window, else the first page of the next window,
/// else nowhere.
pub(super) fn following(
    window: u32,
    windows: u32,
    next: Option<Cursor>,
    offset: u64,
) -> Option<Continuation> {
    match next {
        Some(cursor) => Some(Continuation::at(window, Some(cursor), offset)),
        None => {
            let next_window = window.checked_add(1).filter(|w| *w < windows)?;
            Some(Continuation::at(next_window, None, 0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_ends_into_the_next_one_and_the_last_one_ends_the_listing() {
        let scroll = || Some(Cursor::Scroll("s".into()));
        assert_eq!(following(0, 3, scroll(), 7), Some(Continuation::at(0, scroll(), 7)));
        assert_eq!(following(0, 3, None, 7), Some(Continuation::at(1, None, 0)));
        assert_eq!(following(2, 3, None, 7), None);
        assert_eq!(following(u32::MAX, u32::MAX, None, 0), None);
    }
}
