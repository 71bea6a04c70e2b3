//! How a month of audit log splits when Everbridge's gateway keeps answering 504 "Endpoint
//! request timed out" (its 29-second limit) to the query that opens it: into halves, then
//! into days. Each part is a range of its own, scrolled like a month.

use std::ops::Range;

use chrono::{DateTime, TimeDelta, Utc};

use super::target::Target;
use crate::{
    pagination::{Part, Splits},
    transport::Request,
};

/// The months of one listing (each as it is read, `None` when read without request) and
/// what their requests share.
pub(super) struct MonthParts {
    pub(super) target: Target,
    pub(super) months: Vec<Option<Range<DateTime<Utc>>>>,
}

const HALVES: u8 = 1;
const DAYS: u8 = 2;

impl MonthParts {
    fn month(&self, window: u32) -> Option<&Range<DateTime<Utc>>> {
        self.months.get(usize::try_from(window).ok()?)?.as_ref()
    }

    /// The month's days (the last one perhaps shorter), at least 1.
    fn days(&self, window: u32) -> u32 {
        let Some(month) = self.month(window) else { return 1 };
        let seconds = (month.end - month.start).num_seconds().max(1);
        let days = seconds.div_euclid(86_400) + i64::from(seconds.rem_euclid(86_400) > 0);
        u32::try_from(days).unwrap_or(u32::MAX).max(1)
    }

    /// The range of `part` of `window`.
    fn range(&self, window: u32, part: Part) -> Option<Range<DateTime<Utc>>> {
        let month = self.month(window)?;
        let day = |n: u32| {
            month
                .start
                .checked_add_signed(TimeDelta::days(i64::from(n)))
                .unwrap_or(month.end)
                .min(month.end)
        };
        let half = self.days(window) / 2;
        match (part.level(), part.index()) {
            (0, 0) => Some(month.clone()),
            (HALVES, 0) => Some(month.start..day(half)),
            (HALVES, 1) => Some(day(half)..month.end),
            (DAYS, n) if n < self.days(window) => Some(day(n)..day(n.saturating_add(1))),
            _ => None,
        }
    }
}

impl Splits for MonthParts {
    fn parts(&self, window: u32, level: u8) -> u32 {
        match level {
            0 => 1,
            HALVES if self.days(window) >= 2 => 2,
            DAYS => self.days(window),
            _ => 0,
        }
    }

    fn finer(&self, window: u32, part: Part) -> Option<Part> {
        let days = self.days(window);
        match (part.level(), part.index()) {
            (0, _) if days >= 3 => Some(Part::new(HALVES, 0)),
            // Two days or one: halves would be days, or the month itself.
            (0, _) if days == 2 => Some(Part::new(DAYS, 0)),
            (HALVES, 0) => (days / 2 >= 2).then(|| Part::new(DAYS, 0)),
            (HALVES, _) => (days - days / 2 >= 2).then(|| Part::new(DAYS, days / 2)),
            _ => None,
        }
    }

    fn request(&self, window: u32, part: Part) -> Option<Request> {
        let range = self.range(window, part)?;
        Some(self.target.request(&range).query("queryType", "scroll").query("pageNo", 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(months: Vec<Option<Range<DateTime<Utc>>>>) -> MonthParts {
        let slot = crate::transport::EndpointSlot::for_tests(
            std::sync::Arc::new(crate::timer::VirtualTimer::new()),
            crate::Jitter::fixed(0.5),
        );
        let endpoint = slot.get().unwrap().clone();
        let target = Target::for_tests(endpoint);
        MonthParts { target, months }
    }

    fn at(text: &str) -> DateTime<Utc> {
        crate::datetime::parse(text).unwrap()
    }

    #[test]
    fn a_month_splits_into_halves_then_days_that_cover_it_in_order() {
        let may = at("2026-05-01")..at("2026-06-01");
        let split = parts(vec![Some(may.clone()), None]);
        assert_eq!(split.parts(0, 1), 2);
        assert_eq!(split.parts(0, 2), 31);
        assert_eq!(split.range(0, Part::new(1, 0)), Some(may.start..at("2026-05-16")));
        assert_eq!(split.range(0, Part::new(1, 1)), Some(at("2026-05-16")..may.end));
        assert_eq!(split.finer(0, Part::WHOLE), Some(Part::new(1, 0)));
        assert_eq!(split.finer(0, Part::new(1, 1)), Some(Part::new(2, 15)));
        assert_eq!(split.range(0, Part::new(2, 15)).map(|r| r.start), Some(at("2026-05-16")));
        assert_eq!(split.range(0, Part::new(2, 30)), Some(at("2026-05-31")..may.end));
        assert_eq!(
            (split.range(0, Part::new(2, 31)), split.finer(0, Part::new(2, 3))),
            (None, None)
        );
        let days: Vec<_> = (0..31).filter_map(|d| split.range(0, Part::new(2, d))).collect();
        assert!(days.windows(2).all(|w| w[0].end == w[1].start));
        assert_eq!((days[0].start, days[30].end), (may.start, may.end));
        // A month cut short (the 6-month limit) splits what is read, to its last minute.
        let cut = parts(vec![Some(at("2026-01-15T12:01:00")..at("2026-02-01"))]);
        assert_eq!(cut.parts(0, 2), 17);
        assert_eq!(
            cut.range(0, Part::new(2, 16)),
            Some(at("2026-01-31T12:01:00")..at("2026-02-01"))
        );
        let one_day = parts(vec![Some(at("2026-05-01")..at("2026-05-02"))]);
        assert_eq!((one_day.parts(0, 1), one_day.finer(0, Part::WHOLE)), (0, None));
        assert!(split.request(1, Part::new(1, 0)).is_none(), "a month read without request");
    }
}
