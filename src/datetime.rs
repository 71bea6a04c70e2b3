//! The one tolerant timestamp format every model uses.
//!
//! Vendors document RFC 3339 but send what their stack prints: EnergyCAP's example is a
//! bare date, Everbridge omits the offset, Reporter mixes nano- and millisecond precision.
//! Every timestamp field goes through [`Tolerant`], so a vendor's other spelling never
//! breaks decoding.

use std::{ops::Range, sync::LazyLock};

use chrono::{
    DateTime, Datelike, NaiveDate, NaiveDateTime, Utc,
    format::{Item, Parsed, StrftimeItems},
};
use serde::{Deserialize, Deserializer, Serializer, de};
use serde_with::{DeserializeAs, SerializeAs};

/// Accepts RFC 3339 at any precision and offset, an offset spelled `+0000` or `+05`, times
/// without seconds, `YYYY-MM-DDTHH:MM:SS[.fff]` (or with a
/// space) without offset (taken as UTC), and `YYYY-MM-DD` (midnight UTC). Serializes as
/// RFC 3339.
pub(crate) struct Tolerant;

/// Date-times with a numeric offset in any of its spellings (`+02:00`, `+0200`, `+02`),
/// with or without seconds, `T` or a space between date and time.
const WITH_OFFSET: [&str; 4] = [
    "%Y-%m-%dT%H:%M:%S%.f%#z",
    "%Y-%m-%d %H:%M:%S%.f%#z",
    "%Y-%m-%dT%H:%M%#z",
    "%Y-%m-%d %H:%M%#z",
];

/// The same without an offset, read as UTC.
const WITHOUT_OFFSET: [&str; 4] =
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"];

/// A format string, parsed once: chrono's `parse_from_str` parses it anew on every call,
/// which cost a fifth of a listing's time when every timestamp fell through to it.
type Format = Vec<Item<'static>>;

fn compiled(formats: &[&str]) -> Vec<Format> {
    formats.iter().filter_map(|format| StrftimeItems::new(format).parse_to_owned().ok()).collect()
}

static WITH_OFFSET_ITEMS: LazyLock<Vec<Format>> = LazyLock::new(|| compiled(&WITH_OFFSET));
static WITHOUT_OFFSET_ITEMS: LazyLock<Vec<Format>> = LazyLock::new(|| compiled(&WITHOUT_OFFSET));

fn parsed(text: &str, format: &Format) -> Option<Parsed> {
    let mut parsed = Parsed::new();
    chrono::format::parse(&mut parsed, text, format.iter()).ok()?;
    Some(parsed)
}

pub(crate) fn parse(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    // The spellings vendors use most, through chrono's own fast parsers: RFC 3339, a
    // date-time without offset (Everbridge's `eventTime`), a bare date (EnergyCAP's example).
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    if let Ok(at) = text.parse::<NaiveDateTime>() {
        return Some(at.and_utc());
    }
    if let Ok(date) = text.parse::<NaiveDate>() {
        return date.and_hms_opt(0, 0, 0).map(|naive| naive.and_utc());
    }
    let with_offset = WITH_OFFSET_ITEMS.iter().filter_map(|format| parsed(text, format));
    if let Some(at) = with_offset.filter_map(|parsed| parsed.to_datetime().ok()).next() {
        return Some(at.with_timezone(&Utc));
    }
    // `Z` is UTC, however the rest is spelled (`08:15Z`).
    let naive = text.strip_suffix(['Z', 'z']).unwrap_or(text);
    WITHOUT_OFFSET_ITEMS
        .iter()
        .filter_map(|format| parsed(naive, format)?.to_naive_datetime_with_offset(0).ok())
        .map(|at| at.and_utc())
        .next()
}

/// `[from, to)` split at the starts of UTC calendar months, in order: each piece lies in
/// one month, and together they cover the range exactly. Empty when `from >= to`.
///
/// Windowed listings use it for vendors that take one month per request (Everbridge).
pub(crate) fn calendar_months(from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Range<DateTime<Utc>>> {
    let mut months = Vec::new();
    let mut start = from;
    while start < to {
        let end = next_month_start(start).map_or(to, |next| next.min(to));
        months.push(start..end);
        start = end;
    }
    months
}

/// `at - duration`, or the earliest representable time when that is out of range.
pub(crate) fn saturating_sub(at: DateTime<Utc>, duration: std::time::Duration) -> DateTime<Utc> {
    chrono::TimeDelta::from_std(duration)
        .ok()
        .and_then(|delta| at.checked_sub_signed(delta))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// `at + duration`, or the latest representable time when that is out of range.
pub(crate) fn saturating_add(at: DateTime<Utc>, duration: std::time::Duration) -> DateTime<Utc> {
    chrono::TimeDelta::from_std(duration)
        .ok()
        .and_then(|delta| at.checked_add_signed(delta))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The exclusive end `end` as a vendor that reads whole milliseconds must be sent it:
/// rounded up, so that an event in the millisecond `end` falls in (before `end`) is still
/// listed by the window that holds it; the next window's start, rounded down, lists it
/// again, and the collector drops it there as outside its window.
pub(crate) fn end_in_millis(end: DateTime<Utc>) -> DateTime<Utc> {
    let cut = end.timestamp_subsec_nanos() % 1_000_000;
    if cut == 0 {
        return end;
    }
    let up = chrono::TimeDelta::nanoseconds(i64::from(1_000_000 - cut));
    end.checked_add_signed(up).unwrap_or(end)
}

/// Midnight UTC on the first day of the month after `at`'s; `None` past chrono's range.
fn next_month_start(at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let (year, month) =
        if at.month() == 12 { (at.year().checked_add(1)?, 1) } else { (at.year(), at.month() + 1) };
    Some(NaiveDate::from_ymd_opt(year, month, 1)?.and_hms_opt(0, 0, 0)?.and_utc())
}

impl<'de> DeserializeAs<'de, DateTime<Utc>> for Tolerant {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        parse(&text).ok_or_else(|| {
            de::Error::custom(format!(
                "`{text}` is not a date-time (expected RFC 3339, `YYYY-MM-DDTHH:MM:SS` or `YYYY-MM-DD`)"
            ))
        })
    }
}

impl SerializeAs<DateTime<Utc>> for Tolerant {
    fn serialize_as<S: Serializer>(
        value: &DateTime<Utc>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_end_inside_a_millisecond_is_sent_as_the_next_one() {
        let whole = parse("2026-12-06T10:00:00.123Z").unwrap();
        assert_eq!(end_in_millis(whole), whole);
        let inside = whole + chrono::TimeDelta::nanoseconds(400);
        assert_eq!(end_in_millis(inside), parse("2026-12-06T10:00:00.124Z").unwrap());
        assert_eq!(end_in_millis(DateTime::<Utc>::MAX_UTC), DateTime::<Utc>::MAX_UTC);
    }

    #[test]
    fn every_spelling_the_vendors_use_parses_to_the_same_instant_or_day() {
        let at = |s: &str| parse(s).map(|d| d.to_rfc3339());
        assert_eq!(at("2026-03-30").as_deref(), Some("2026-03-30T00:00:00+00:00"));
        assert_eq!(at("2026-03-30T08:15:00").as_deref(), Some("2026-03-30T08:15:00+00:00"));
        assert_eq!(at("2026-03-30 08:15:00").as_deref(), Some("2026-03-30T08:15:00+00:00"));
        assert_eq!(
            at("2020-11-13T19:13:40.793Z").as_deref(),
            Some("2020-11-13T19:13:40.793+00:00")
        );
        assert_eq!(
            at("2026-01-02T10:00:00.123456789-03:00").as_deref(),
            Some("2026-01-02T13:00:00.123456789+00:00")
        );
        assert_eq!(at("2026-03-30T08:15:00.5").as_deref(), Some("2026-03-30T08:15:00.500+00:00"));
        // Regression: `+0000` failed a whole page, and resuming fetched it again forever.
        assert_eq!(at("2026-03-30T08:15:00+0000").as_deref(), Some("2026-03-30T08:15:00+00:00"));
        assert_eq!(at("2026-03-30T13:15:00+05").as_deref(), Some("2026-03-30T08:15:00+00:00"));
        assert_eq!(
            at("2026-03-30 13:15:00.25+0500").as_deref(),
            Some("2026-03-30T08:15:00.250+00:00")
        );
        assert_eq!(at("2026-03-30T08:15").as_deref(), Some("2026-03-30T08:15:00+00:00"));
        assert_eq!(at("2026-03-30T08:15Z").as_deref(), Some("2026-03-30T08:15:00+00:00"));
        assert_eq!(at("2026-03-30 10:15+02:00").as_deref(), Some("2026-03-30T08:15:00+00:00"));
        assert_eq!(at("30/03/2026"), None);
        assert_eq!(at("2026-03-30T08:15:00+99"), None);
        assert_eq!(at(""), None);
    }

    fn at(text: &str) -> DateTime<Utc> {
        parse(text).unwrap()
    }

    #[test]
    fn a_range_splits_at_month_starts_and_covers_itself_exactly() {
        let months = calendar_months(at("2026-01-15T10:00:00Z"), at("2026-04-02T00:00:00Z"));
        let bounds: Vec<(String, String)> =
            months.iter().map(|m| (m.start.to_rfc3339(), m.end.to_rfc3339())).collect();
        assert_eq!(
            bounds,
            [
                ("2026-01-15T10:00:00+00:00", "2026-02-01T00:00:00+00:00"),
                ("2026-02-01T00:00:00+00:00", "2026-03-01T00:00:00+00:00"),
                ("2026-03-01T00:00:00+00:00", "2026-04-01T00:00:00+00:00"),
                ("2026-04-01T00:00:00+00:00", "2026-04-02T00:00:00+00:00"),
            ]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
        );
    }

    #[test]
    fn a_range_within_one_month_or_across_new_year_or_empty() {
        let one = calendar_months(at("2026-03-02"), at("2026-03-09"));
        assert_eq!(one, [at("2026-03-02")..at("2026-03-09")]);
        let new_year = calendar_months(at("2025-12-31T23:00:00Z"), at("2026-01-01T01:00:00Z"));
        assert_eq!(new_year.len(), 2);
        assert_eq!(new_year[0].end, at("2026-01-01"));
        assert!(calendar_months(at("2026-03-09"), at("2026-03-09")).is_empty());
        assert!(calendar_months(at("2026-03-09"), at("2026-03-02")).is_empty());
        let last = calendar_months(
            DateTime::<Utc>::MAX_UTC - chrono::TimeDelta::days(40),
            DateTime::<Utc>::MAX_UTC,
        );
        assert_eq!(last.last().map(|m| m.end), Some(DateTime::<Utc>::MAX_UTC));
    }

    #[test]
    fn a_bad_timestamp_names_the_value_in_the_error() {
        #[serde_with::serde_as]
        #[derive(Debug, serde::Deserialize)]
        struct Row {
            #[serde_as(as = "Tolerant")]
            #[allow(dead_code)]
            at: DateTime<Utc>,
        }
        let error = serde_json::from_str::<Row>(r#"{"at":"yesterday"}"#).unwrap_err();
        assert!(error.to_string().contains("`yesterday`"), "{error}");
    }
}
