//! The date range of an audit log request: Everbridge's rules on it, checked before any
//! request, and how it is spelled on the wire.
//!
//! The SDK's range is `[from, to)`. Everbridge's `from` and `to` are whole seconds (or whole
//! days) and are taken as inclusive (the vendor does not say; date-only requests only make
//! sense that way), so `to` goes out as the last whole second before the range's end.

use std::ops::Range;

use chrono::{DateTime, Months, TimeDelta, Timelike, Utc};

use super::config::Settings;
use crate::{Error, Operation, datetime::calendar_months, transport::Request};

/// How far back Everbridge serves the audit log.
const RETENTION: Months = Months::new(6);

/// Whether one request may cover the whole range, or only the month windows of `.items()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Span {
    /// `.page_query(n)`, `.page_query_pages()`: one calendar month (UTC).
    OneMonth,
    /// `.send()`, `.pages()`, `.items()`: any range, split into calendar months.
    AnyMonths,
}

/// Everything Everbridge would refuse about `range`, found before a request is made.
pub(super) fn check(
    operation: Operation,
    range: &Range<DateTime<Utc>>,
    span: Span,
    now: DateTime<Utc>,
    settings: Settings,
) -> Result<(), Error> {
    let refuse = |message: String| Err(Error::invalid_input(operation, message));
    let Range { start: from, end: to } = *range;
    if from >= to {
        return refuse(format!(
            "`from` ({from}) is not before `to` ({to}); the range is from inclusive, to exclusive"
        ));
    }
    let months = months(range, settings).len();
    if span == Span::OneMonth && months > 1 {
        return refuse(format!(
            "`.page_query(n)` and `.page_query_pages()` read one calendar month (UTC, or \
             the account's zone with `Config::event_time_offset`) per request, and {from} to \
             {to} spans {months}; use `.items()` or `.pages()`, which split any range into \
             months"
        ));
    }
    // By the day: a `from` computed as "6 months ago" a moment before this check passes,
    // and Everbridge itself has the last word on the borderline day.
    let oldest = now
        .checked_sub_months(RETENTION)
        .and_then(|at| at.date_naive().and_hms_opt(0, 0, 0))
        .map_or(DateTime::<Utc>::MIN_UTC, |at| at.and_utc());
    if from < oldest {
        return refuse(format!(
            "Everbridge serves only the past 6 months of audit log: `from` ({from}) is before \
             {oldest} (6 months before today, {now}); start at {oldest} or later"
        ));
    }
    if settings.date_only {
        for (name, at) in [("from", from), ("to", to)] {
            if at.num_seconds_from_midnight() != 0 || at.nanosecond() != 0 {
                return refuse(format!(
                    "with `Config::date_only(true)` Everbridge reads whole days, so the range \
                     must start and end at midnight UTC; `{name}` is {at}"
                ));
            }
        }
    }
    Ok(())
}

/// The oldest instant Everbridge serves at `now`: 6 months back, rounded up to the next
/// whole minute (a request a moment later must not fall on the wrong side of it).
pub(super) fn oldest_served(now: DateTime<Utc>) -> DateTime<Utc> {
    let Some(oldest) = now.checked_sub_months(RETENTION) else { return now };
    let minute = oldest.with_second(0).and_then(|at| at.with_nanosecond(0)).unwrap_or(oldest);
    if minute == oldest {
        oldest
    } else {
        minute.checked_add_signed(TimeDelta::minutes(1)).unwrap_or(oldest)
    }
}

/// `range` without what lies before [`oldest_served`] at `now`, and the size of the part
/// cut off (zero when nothing was): a window a collector must move past, not refuse
/// forever. `None` when nothing of it is served any more.
pub(super) fn served_part(
    range: &Range<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> (Option<Range<DateTime<Utc>>>, TimeDelta) {
    let oldest = oldest_served(now);
    if range.start >= oldest {
        return (Some(range.clone()), TimeDelta::zero());
    }
    let gap = oldest.min(range.end) - range.start;
    let rest = (range.end > oldest).then_some(oldest..range.end);
    (rest, gap)
}

/// `range` split into the calendar months Everbridge reads one at a time: months of the
/// account's zone when the config sets an
/// [`event_time_offset`](super::Config::event_time_offset) (its `from` and `to` are then
/// read in that zone), of UTC otherwise.
pub(super) fn months(
    range: &Range<DateTime<Utc>>,
    settings: Settings,
) -> Vec<Range<DateTime<Utc>>> {
    let Some(shift) = local_shift(settings) else {
        return calendar_months(range.start, range.end);
    };
    let (Some(from), Some(to)) =
        (range.start.checked_add_signed(shift), range.end.checked_add_signed(shift))
    else {
        return calendar_months(range.start, range.end);
    };
    let back = |at: DateTime<Utc>| at.checked_sub_signed(shift).unwrap_or(at);
    calendar_months(from, to).into_iter().map(|month| back(month.start)..back(month.end)).collect()
}

/// How far the account's clock is ahead of UTC, when the config says.
fn local_shift(settings: Settings) -> Option<TimeDelta> {
    let offset = settings.event_time_offset.filter(|_| !settings.date_only)?;
    Some(TimeDelta::seconds(offset.local_minus_utc().into()))
}

/// Adds `from` and `to` for `range`, as the config says to spell them: in the account's
/// zone when it has an offset (Everbridge reads them as the account's local time, as it
/// writes `eventTime`, so no entry of the range falls outside it), else in UTC.
pub(super) fn apply(request: Request, range: &Range<DateTime<Utc>>, settings: Settings) -> Request {
    let format = if settings.date_only { "%Y-%m-%d" } else { "%Y-%m-%dT%H:%M:%S" };
    let shift = local_shift(settings).unwrap_or_default();
    let local = |at: DateTime<Utc>| at.checked_add_signed(shift).unwrap_or(at);
    let from = local(ceil_to_second(range.start));
    let last =
        ceil_to_second(range.end).checked_sub_signed(TimeDelta::seconds(1)).unwrap_or(range.end);
    request.query("from", from.format(format)).query("to", local(last).format(format))
}

/// The first whole second at or after `at`.
fn ceil_to_second(at: DateTime<Utc>) -> DateTime<Utc> {
    if at.nanosecond() == 0 {
        return at;
    }
    at.with_nanosecond(0)
        .and_then(|second| second.checked_add_signed(TimeDelta::seconds(1)))
        .unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Vendor, datetime::parse};

    const OP: Operation = Operation::new(Vendor::Everbridge, "audit_log");

    fn at(text: &str) -> DateTime<Utc> {
        parse(text).unwrap()
    }

    fn sent(from: &str, to: &str, date_only: bool) -> String {
        let request =
            Request::new(OP, reqwest::Method::GET, url::Url::parse("http://127.0.0.1/").unwrap());
        let settings = Settings { date_only, ..Settings::default() };
        apply(request, &(at(from)..at(to)), settings).url.query().unwrap_or_default().to_owned()
    }

    #[test]
    fn the_range_goes_out_in_whole_seconds_with_an_inclusive_end() {
        assert_eq!(
            sent("2026-04-01", "2026-05-01", false),
            "from=2026-04-01T00%3A00%3A00&to=2026-04-30T23%3A59%3A59"
        );
        assert_eq!(
            sent("2026-04-03T10:00:00.2", "2026-04-03T12:00:00.5", false),
            "from=2026-04-03T10%3A00%3A01&to=2026-04-03T12%3A00%3A00"
        );
        assert_eq!(sent("2026-04-01", "2026-05-01", true), "from=2026-04-01&to=2026-04-30");
    }

    #[test]
    fn a_range_older_than_six_months_keeps_only_its_served_part_and_says_how_much_is_gone() {
        let now = at("2026-07-15T12:00:30");
        assert_eq!(oldest_served(now), at("2026-01-15T12:01:00"));
        let (rest, gap) = served_part(&(at("2025-12-15")..at("2026-02-01")), now);
        assert_eq!(rest, Some(at("2026-01-15T12:01:00")..at("2026-02-01")));
        assert_eq!(gap, at("2026-01-15T12:01:00") - at("2025-12-15"));
        let (rest, gap) = served_part(&(at("2025-10-01")..at("2025-10-02")), now);
        assert_eq!((rest, gap), (None, TimeDelta::days(1)));
        let recent = at("2026-07-01")..at("2026-07-02");
        assert_eq!(served_part(&recent, now), (Some(recent), TimeDelta::zero()));
        // What is left passes the client's own check.
        let settings = Settings::default();
        let (rest, _) = served_part(&(at("2025-12-15")..at("2026-02-01")), now);
        assert!(check(OP, &rest.unwrap(), Span::AnyMonths, now, settings).is_ok());
    }

    #[test]
    fn with_an_account_offset_the_range_goes_out_and_splits_in_the_account_s_zone() {
        let pacific = chrono::FixedOffset::west_opt(7 * 3600).unwrap();
        let settings = Settings { event_time_offset: Some(pacific), ..Settings::default() };
        let request =
            Request::new(OP, reqwest::Method::GET, url::Url::parse("http://127.0.0.1/").unwrap());
        let may_local = at("2026-05-01T07:00:00")..at("2026-06-01T07:00:00");
        let sent = apply(request, &may_local, settings).url.query().unwrap_or_default().to_owned();
        assert_eq!(sent, "from=2026-05-01T00%3A00%3A00&to=2026-05-31T23%3A59%3A59");
        assert_eq!(
            months(&may_local, settings),
            std::slice::from_ref(&may_local),
            "one local month"
        );
        let utc_may = at("2026-05-01")..at("2026-06-01");
        let split = months(&utc_may, settings);
        let (seven, end) = (at("2026-05-01T07:00:00"), at("2026-06-01"));
        assert_eq!(split, [utc_may.start..seven, seven..end], "April 30 local, then May");
    }

    #[test]
    fn each_rule_is_checked_against_the_given_now() {
        let now = at("2026-07-15T12:00:00");
        let check = |from: &str, to: &str, span, date_only| {
            let settings = Settings { date_only, ..Settings::default() };
            check(OP, &(at(from)..at(to)), span, now, settings).map_err(|e| e.to_string())
        };
        assert!(check("2026-04-01", "2026-05-01", Span::OneMonth, false).is_ok());
        assert!(check("2026-02-01", "2026-07-15", Span::AnyMonths, false).is_ok());
        assert!(check("2026-01-15T11:59:59", "2026-02-01", Span::AnyMonths, false).is_ok());
        for (from, to, span, date_only, says) in [
            ("2026-04-02", "2026-04-02", Span::AnyMonths, false, "not before"),
            ("2026-04-20", "2026-05-02", Span::OneMonth, false, ".items()"),
            ("2026-01-14T23:59:59", "2026-02-01", Span::AnyMonths, false, "past 6 months"),
            ("2026-04-01T06:00:00", "2026-05-01", Span::OneMonth, true, "midnight"),
        ] {
            let error = check(from, to, span, date_only).unwrap_err();
            assert!(error.contains(says), "{from}..{to}: {error}");
        }
    }
}
