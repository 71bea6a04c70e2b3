//! Where a page starts, and where a listing resumes.

use serde::{Deserialize, Serialize};

use super::Part;

/// Where a page starts, in the terms the server uses.
///
/// In JSON a cursor is an object with one field named after its kind:
///
/// ```
/// use auditkit::pagination::Cursor;
///
/// let cursor = Cursor::Token("eyJvZmZzZXQiOjEwMH0".to_owned());
/// assert_eq!(serde_json::to_string(&cursor)?, r#"{"token":"eyJvZmZzZXQiOjEwMH0"}"#);
/// assert_eq!(serde_json::from_str::<Cursor>(r#"{"page":3}"#)?, Cursor::Page(3));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Cursor {
    /// An opaque token the server returned with the previous page, sent back to get the next
    /// one. An empty token means there is no next page.
    Token(String),
    /// A server-side scroll id. It may stay the same from page to page; the scroll ends at
    /// the first page with no items, or when the id comes back empty.
    Scroll(String),
    /// A 1-based page number.
    Page(u32),
}

/// Where a listing resumes after a given page.
///
/// Every [`Page`](super::Page) but the last one of a listing has a continuation. Save it (it
/// is serde-serialisable; use `serde_json` or any other serde format) together with the
/// items you stored, and give it to the listing's `resume(continuation)` to carry on from
/// the next page, in this process or another one.
///
/// ```
/// use auditkit::pagination::{Continuation, Cursor};
///
/// let saved = r#"{"cursor":{"scroll":"c2Nyb2xsLTE"}}"#;
/// let continuation: Continuation = serde_json::from_str(saved)?;
/// assert_eq!(continuation.cursor(), Some(&Cursor::Scroll("c2Nyb2xsLTE".to_owned())));
/// assert_eq!(continuation.window(), 0);
/// assert_eq!(serde_json::to_string(&continuation)?, saved);
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// A listing that covers a long range in consecutive windows (Everbridge's calendar months,
/// for example) records the window too: `{"window":3}` is the first page of window 3. A
/// scroll id expires on the server, so a continuation holding one also records how many
/// items of its window came before it (`{"window":2,"cursor":{"scroll":"…"},"offset":300}`):
/// when the scroll is gone, the listing's error carries a continuation that restarts the
/// window and drops those items (`{"window":2,"offset":300}`), so nothing is lost or
/// repeated. A window that kept timing out at the server is read in parts, and the
/// continuation records which (`{"window":2,"part":{"level":1,"index":1}}`: the second half
/// of window 2), so the resumed listing reads the same parts. Fields at their default are
/// left out, so a continuation saved by an earlier version of this crate still loads.
///
/// A scroll moves on the server with every request, so a saved scroll id may already be
/// past batches the caller never got (a prefetched page, an answer that did not decode):
/// resuming from a continuation that holds one re-reads its window from the start and drops
/// the `offset` items already delivered, so nothing is lost or repeated.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Continuation {
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    window: u32,
    /// The part of the window, when the window is read in parts.
    #[serde(default, skip_serializing_if = "Part::is_whole")]
    part: Part,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cursor: Option<Cursor>,
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    offset: u64,
    /// The listing it was saved from: its operation and a fingerprint of its filters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    listing: Option<String>,
}

fn is_zero_u32(n: &u32) -> bool {
    *n == 0
}

fn is_zero_u64(n: &u64) -> bool {
    *n == 0
}

impl Continuation {
    /// The page at `cursor` in `window`, after `offset` items of that window; the offset is
    /// kept only for scroll ids, the one cursor that expires.
    pub(crate) fn at(window: u32, cursor: Option<Cursor>, offset: u64) -> Self {
        let offset = if matches!(cursor, Some(Cursor::Scroll(_))) { offset } else { 0 };
        Self { window, part: Part::WHOLE, cursor, offset, listing: None }
    }

    /// The first page of `window`, without its first `offset` items.
    pub(crate) fn restart(window: u32, offset: u64) -> Self {
        Self { window, part: Part::WHOLE, cursor: None, offset, listing: None }
    }

    /// The same point, in `part` of its window.
    pub(crate) fn in_part(mut self, part: Part) -> Self {
        self.part = part;
        self
    }

    /// The part of the [`window`](Self::window) the listing resumes in: the whole window
    /// (level 0) unless the window was split after it kept timing out.
    pub fn part(&self) -> Part {
        self.part
    }

    /// Marks the continuation as belonging to the listing `identity` names.
    pub(crate) fn of_listing(mut self, identity: Option<&str>) -> Self {
        self.listing = identity.map(str::to_owned);
        self
    }

    /// The listing this continuation belongs to, when it was saved by this version of the
    /// crate: the operation and a fingerprint of its filters, such as
    /// `qualtrics.list_events:5f0c6a2e9d1b7743`.
    pub fn listing(&self) -> Option<&str> {
        self.listing.as_deref()
    }

    /// The cursor of the next page to fetch; `None` when the listing resumes at the first
    /// page of its [`window`](Self::window).
    pub fn cursor(&self) -> Option<&Cursor> {
        self.cursor.as_ref()
    }

    /// The 0-based window the listing resumes in; always 0 for a listing of one range.
    pub fn window(&self) -> u32 {
        self.window
    }

    /// How many items of the window come before this point. Without a cursor, the resumed
    /// listing drops that many items at the start of the window (they were delivered
    /// before a scroll expired); with a scroll id, it is where the window restarts should
    /// the scroll expire. 0 otherwise.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    pub(crate) fn into_parts(self) -> (u32, Option<Cursor>, u64) {
        (self.window, self.cursor, self.offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_well_in_json() {
        let cases = [
            (Cursor::Token("abc".into()), r#"{"token":"abc"}"#),
            (Cursor::Scroll("s-1".into()), r#"{"scroll":"s-1"}"#),
            (Cursor::Page(7), r#"{"page":7}"#),
        ];
        for (cursor, json) in cases {
            assert_eq!(serde_json::to_string(&cursor).unwrap(), json);
            assert_eq!(serde_json::from_str::<Cursor>(json).unwrap(), cursor);
        }
        assert!(serde_json::from_str::<Cursor>(r#"{"offset":7}"#).is_err());
    }

    #[test]
    fn a_continuation_saved_before_windows_existed_still_loads() {
        let old = r#"{"cursor":{"token":"eyJvZmZzZXQiOjEwMH0="}}"#;
        let continuation: Continuation = serde_json::from_str(old).unwrap();
        let token = Cursor::Token("eyJvZmZzZXQiOjEwMH0=".into());
        assert_eq!(continuation, Continuation::at(0, Some(token), 0));
        assert_eq!(serde_json::to_string(&continuation).unwrap(), old);
    }

    #[test]
    fn windowed_continuations_round_trip_and_leave_defaults_out() {
        let scroll = Some(Cursor::Scroll("s".into()));
        let cases = [
            (
                Continuation::at(2, scroll, 300),
                r#"{"window":2,"cursor":{"scroll":"s"},"offset":300}"#,
            ),
            (Continuation::at(3, None, 0), r#"{"window":3}"#),
            (Continuation::at(0, Some(Cursor::Page(4)), 300), r#"{"cursor":{"page":4}}"#),
            (Continuation::restart(1, 300), r#"{"window":1,"offset":300}"#),
            (
                Continuation::restart(2, 7).in_part(Part::new(1, 1)),
                r#"{"window":2,"part":{"level":1,"index":1},"offset":7}"#,
            ),
        ];
        for (continuation, json) in cases {
            assert_eq!(serde_json::to_string(&continuation).unwrap(), json);
            assert_eq!(serde_json::from_str::<Continuation>(json).unwrap(), continuation);
        }
    }
}
