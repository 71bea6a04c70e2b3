//! What the Everbridge simulator starts with: seven calendar months of entries up to
//! "today", the fourth of them empty.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};

use super::{config::Config, entries::{Body, spread}, state::State};

/// Security entries per seeded month; Contact gets a third as many.
pub(super) const SECURITY_PER_MONTH: usize = 30;
/// How many months back the seed starts: the current month and the six before it.
pub(super) const SEEDED_MONTHS: u32 = 7;
/// The month left empty, counted back from the current one.
pub(super) const EMPTY_MONTH_AGO: u32 = 3;

impl State {
    pub(super) fn seeded(config: Config) -> Self {
        let mut state = Self::new(config);
        let today = state.today();
        for ago in (0..SEEDED_MONTHS).rev() {
            if ago == EMPTY_MONTH_AGO {
                continue;
            }
            let Some((start, end)) = month(today, ago) else { continue };
            let end = end.min(today);
            state.add("Security", spread(SECURITY_PER_MONTH, start, end), || Body::Generated);
            state.add("Contact", spread(SECURITY_PER_MONTH / 3, start, end), || Body::Generated);
        }
        state
    }
}

/// The calendar month (UTC) `ago` months before `today`'s, as `[start, end)`.
pub(super) fn month(today: DateTime<Utc>, ago: u32) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1)?;
    let start = first.checked_sub_months(Months::new(ago))?;
    let end = start.checked_add_months(Months::new(1))?;
    Some((start.and_hms_opt(0, 0, 0)?.and_utc(), end.and_hms_opt(0, 0, 0)?.and_utc()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seven_months_are_seeded_up_to_today_with_one_left_empty() {
        let today = crate::datetime::parse("2026-07-15T12:00:00").unwrap_or_default();
        let state = State::seeded(Config { today: Some(today), ..Config::default() });
        let mut per_month = Vec::new();
        for ago in (0..SEEDED_MONTHS).rev() {
            let (start, end) = month(today, ago).unwrap_or_default();
            let seconds_before_end = end - chrono::TimeDelta::seconds(1);
            per_month.push(state.between("Security", start, seconds_before_end, today).len());
        }
        assert_eq!(per_month, [30, 30, 30, 0, 30, 30, 30]);
        assert_eq!(state.between("Contact", DateTime::<Utc>::MIN_UTC, today, today).len(), 60);
        assert!(state.entries["Security"].iter().all(|entry| entry.key.at < today));
    }
}
