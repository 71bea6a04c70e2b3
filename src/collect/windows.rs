//! A run's windows: its range cut in steps, lazily.

use std::{ops::Range, time::Duration};

use chrono::{DateTime, Utc};

use crate::datetime;

/// `[next, end)` in steps, lazily: a tiny step over a long range costs no memory.
pub(crate) struct Windows {
    next: DateTime<Utc>,
    end: DateTime<Utc>,
    step: Option<Duration>,
    first: bool,
}

impl Windows {
    /// `range` in windows of `step` (one window when `None`).
    pub(crate) fn new(range: Range<DateTime<Utc>>, step: Option<Duration>) -> Self {
        Self { next: range.start, end: range.end, step, first: true }
    }

    /// No window at all.
    pub(crate) fn empty() -> Self {
        Self {
            next: DateTime::<Utc>::MIN_UTC,
            end: DateTime::<Utc>::MIN_UTC,
            step: None,
            first: false,
        }
    }
}

impl Iterator for Windows {
    /// The window, and whether it is the run's first.
    type Item = (Range<DateTime<Utc>>, bool);

    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.end {
            return None;
        }
        let end = match self.step {
            Some(step) => datetime::saturating_add(self.next, step).min(self.end),
            None => self.end,
        };
        let window = self.next..end;
        self.next = end;
        let first = std::mem::replace(&mut self.first, false);
        Some((window, first))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_range_is_cut_in_steps_and_only_the_first_window_says_so() {
        let at = |hour| Utc.with_ymd_and_hms(2026, 11, 1, hour, 0, 0).unwrap();
        let windows: Vec<_> =
            Windows::new(at(0)..at(5), Some(Duration::from_secs(2 * 3600))).collect();
        assert_eq!(windows, [(at(0)..at(2), true), (at(2)..at(4), false), (at(4)..at(5), false)]);
        assert_eq!(Windows::new(at(0)..at(5), None).count(), 1);
        assert_eq!(Windows::new(at(5)..at(5), None).count(), 0);
        assert_eq!(Windows::empty().count(), 0);
    }
}
