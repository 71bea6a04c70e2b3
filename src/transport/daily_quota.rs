//! A daily request quota counted on the client: every attempt sent to the vendor counts,
//! and once the day's quota is used up the next request is refused before it is sent, with
//! an error that says when the quota is back, instead of a day of 429s.

use std::sync::Mutex;

use chrono::{DateTime, Days, NaiveDate, Utc};

/// What a client has used of a vendor's daily request quota, as it counted (the vendor
/// does not tell). Days are UTC calendar days.
///
/// ```no_run
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// if let Some(quota) = client.everbridge().daily_quota() {
///     println!("{} of {} requests left today", quota.left(), quota.limit());
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaStatus {
    limit: u64,
    used: u64,
    day: NaiveDate,
}

impl QuotaStatus {
    /// Requests allowed a day.
    pub fn limit(&self) -> u64 {
        self.limit
    }
    /// Requests this client has sent on [`day`](Self::day), retries included.
    pub fn used(&self) -> u64 {
        self.used
    }
    /// Requests left on [`day`](Self::day).
    pub fn left(&self) -> u64 {
        self.limit.saturating_sub(self.used)
    }
    /// The UTC day counted.
    pub fn day(&self) -> NaiveDate {
        self.day
    }
    /// When the count starts again: the next UTC midnight.
    pub fn resets_at(&self) -> DateTime<Utc> {
        self.day
            .checked_add_days(Days::new(1))
            .and_then(|next| next.and_hms_opt(0, 0, 0))
            .map_or(DateTime::<Utc>::MAX_UTC, |at| at.and_utc())
    }
}

/// The count behind a [`QuotaStatus`], shared by every request of one vendor API.
#[derive(Debug)]
pub(crate) struct DailyQuota {
    limit: u64,
    /// The day counted and the requests sent on it.
    state: Mutex<(NaiveDate, u64)>,
}

impl DailyQuota {
    pub(crate) fn new(limit: u64) -> Self {
        Self { limit, state: Mutex::new((NaiveDate::MIN, 0)) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (NaiveDate, u64)> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The count on the day of `now`.
    pub(crate) fn status(&self, now: DateTime<Utc>) -> QuotaStatus {
        let (day, used) = *self.lock();
        let today = now.date_naive();
        let used = if day == today { used } else { 0 };
        QuotaStatus { limit: self.limit, used, day: today }
    }

    /// Counts one request on the day of `now`, or says the day's quota is used up (and
    /// counts nothing).
    pub(crate) fn take(&self, now: DateTime<Utc>) -> Result<QuotaStatus, QuotaStatus> {
        let mut state = self.lock();
        let today = now.date_naive();
        if state.0 != today {
            *state = (today, 0);
        }
        let status = QuotaStatus { limit: self.limit, used: state.1, day: today };
        if status.left() == 0 {
            return Err(status);
        }
        state.1 = state.1.saturating_add(1);
        Ok(QuotaStatus { used: state.1, ..status })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        crate::datetime::parse(text).unwrap()
    }

    #[test]
    fn the_day_s_requests_are_counted_up_to_the_quota_and_start_again_at_utc_midnight() {
        let quota = DailyQuota::new(2);
        let evening = at("2026-05-04T23:59:00");
        assert_eq!(quota.take(evening).map(|s| s.left()), Ok(1));
        assert_eq!(quota.take(evening).map(|s| s.left()), Ok(0));
        let refused = quota.take(evening).unwrap_err();
        assert_eq!((refused.used(), refused.resets_at()), (2, at("2026-05-05")));
        assert_eq!(quota.status(evening).left(), 0);
        assert_eq!(quota.status(at("2026-05-05T00:00:01")).left(), 2, "a new day");
        assert!(quota.take(at("2026-05-05T00:00:01")).is_ok());
        assert_eq!(DailyQuota::new(0).take(evening).unwrap_err().left(), 0);
    }
}
