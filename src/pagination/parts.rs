//! Windows read in parts: a window whose first request keeps failing because the server
//! cannot answer it in time (an HTTP 504 from a gateway) is read as finer parts instead,
//! level after level (for Everbridge: a month, then its halves, then its days). The part
//! is kept in the continuation, so a listing resumed in the middle of a split window goes
//! on in the same parts, and nothing is lost or repeated.

use std::sync::Arc;

use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

use crate::{Error, transport::Request};

/// Part `index` of a window at split `level`; level 0 is the whole window (its one part).
/// A [`Continuation`](super::Continuation) records it.
///
/// ```
/// use auditkit::pagination::Continuation;
///
/// // Saved in the second half of window 2 (an Everbridge month read in halves).
/// let saved = r#"{"window":2,"part":{"level":1,"index":1},"offset":7}"#;
/// let continuation: Continuation = serde_json::from_str(saved)?;
/// assert_eq!((continuation.part().level(), continuation.part().index()), (1, 1));
/// assert_eq!(Continuation::default().part().level(), 0, "the whole window");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Part {
    level: u8,
    index: u32,
}

impl Part {
    /// The whole window.
    pub(crate) const WHOLE: Part = Part { level: 0, index: 0 };

    pub(crate) fn new(level: u8, index: u32) -> Self {
        Self { level, index }
    }

    /// How finely the window is split: 0 for the whole window.
    pub fn level(&self) -> u8 {
        self.level
    }

    /// Which part of the window at that level, from 0.
    pub fn index(&self) -> u32 {
        self.index
    }

    pub(crate) fn is_whole(&self) -> bool {
        *self == Part::WHOLE
    }
}

/// How a vendor's windows split into parts; implemented by the vendor, which knows its
/// windows' ranges. The parts of one level cover the window in order, and the first finer
/// part of a part starts where that part starts.
pub(crate) trait Splits: Send + Sync {
    /// How many parts `window` has at `level` (1 at level 0).
    fn parts(&self, window: u32, level: u8) -> u32;

    /// The first part one level finer that starts where `part` starts; `None` when `part`
    /// cannot be split further.
    fn finer(&self, window: u32, part: Part) -> Option<Part>;

    /// The first request of `part` of `window`, `None` for a window read without request.
    fn request(&self, window: u32, part: Part) -> Option<Request>;
}

/// The split windows of a listing, when it has any.
pub(crate) type SharedSplits = Option<Arc<dyn Splits>>;

/// The part after `part` in `window`, if the window has one at that level.
pub(super) fn next_part(splits: &SharedSplits, window: u32, part: Part) -> Option<Part> {
    let splits = splits.as_ref()?;
    let next = part.index.checked_add(1)?;
    (next < splits.parts(window, part.level)).then_some(Part { index: next, ..part })
}

/// Whether `error` says the server gave up on the request in time (a gateway's 504), the
/// one failure a finer part may avoid.
pub(super) fn timed_out(error: &Error) -> bool {
    error.status() == Some(StatusCode::GATEWAY_TIMEOUT)
}

/// Refuses a part the listing cannot have.
pub(super) fn check(splits: &SharedSplits, window: u32, part: Part) -> Result<(), String> {
    if part.is_whole() {
        return Ok(());
    }
    match splits {
        Some(splits) if part.index < splits.parts(window, part.level) && part.level <= 8 => Ok(()),
        Some(_) => Err(format!(
            "the continuation resumes part {} at level {} of window {window}, which this \
             listing does not have: it was saved by a listing over another range",
            part.index, part.level
        )),
        None => Err("the continuation resumes a part of a window, but this listing does not \
                     read windows in parts: it was saved by another kind of listing"
            .to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two windows: the first splits into 2 halves then 4 quarters, the second never.
    struct Quarters;

    impl Splits for Quarters {
        fn parts(&self, window: u32, level: u8) -> u32 {
            match (window, level) {
                (_, 0) => 1,
                (0, 1) => 2,
                (0, 2) => 4,
                _ => 0,
            }
        }
        fn finer(&self, window: u32, part: Part) -> Option<Part> {
            (window == 0 && part.level < 2).then(|| Part::new(part.level + 1, part.index * 2))
        }
        fn request(&self, _: u32, _: Part) -> Option<Request> {
            None
        }
    }

    #[test]
    fn the_next_part_stays_at_its_level_until_the_window_ends() {
        let splits: SharedSplits = Some(Arc::new(Quarters));
        assert_eq!(next_part(&splits, 0, Part::WHOLE), None);
        assert_eq!(next_part(&splits, 0, Part::new(1, 0)), Some(Part::new(1, 1)));
        assert_eq!(next_part(&splits, 0, Part::new(1, 1)), None);
        assert_eq!(next_part(&splits, 0, Part::new(2, 2)), Some(Part::new(2, 3)));
        assert_eq!(next_part(&None, 0, Part::new(1, 0)), None);
    }

    #[test]
    fn a_continuation_in_a_part_the_listing_cannot_have_is_refused() {
        let splits: SharedSplits = Some(Arc::new(Quarters));
        assert!(check(&splits, 0, Part::new(2, 3)).is_ok());
        assert!(check(&splits, 0, Part::WHOLE).is_ok());
        assert!(check(&None, 0, Part::WHOLE).is_ok());
        assert!(check(&splits, 0, Part::new(2, 4)).unwrap_err().contains("another range"));
        assert!(check(&splits, 1, Part::new(1, 0)).unwrap_err().contains("another range"));
        assert!(check(&None, 0, Part::new(1, 0)).unwrap_err().contains("another kind"));
    }

    #[test]
    fn only_a_504_asks_for_finer_parts() {
        let api = |status: u16| {
            Error::Api(Box::new(crate::error::ApiError {
                operation: crate::Operation::new(crate::Vendor::Everbridge, "test"),
                status: reqwest::StatusCode::from_u16(status).unwrap(),
                code: None,
                message: Some("Endpoint request timed out".into()),
                request_id: None,
                retry_after: None,
                attempts: 4,
                path: None,
                next_step: None,
            }))
        };
        assert!(timed_out(&api(504)));
        assert!(!timed_out(&api(503)) && !timed_out(&api(408)));
    }
}
