//! The server's `Retry-After`, in every form RFC 9110 allows.

use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use reqwest::header::HeaderValue;

/// A `Retry-After` value (RFC 9110 §10.2.3): delay-seconds, or an HTTP-date in the
/// preferred IMF-fixdate form or the obsolete RFC 850 and asctime forms, which recipients
/// must accept. `now` is the client's wall clock (the [`Timer`](crate::Timer)'s, so tests
/// can pin it). A date in the past means "now"; anything unparseable is ignored.
pub(crate) fn parse_retry_after(value: &HeaderValue, now: DateTime<Utc>) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = http_date(text)?;
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

/// An HTTP-date (RFC 9110 §5.6.7) in any of its three forms, as `Retry-After` and `Date`
/// carry it.
pub(crate) fn http_date(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc2822(text) {
        return Some(at.with_timezone(&Utc));
    }
    // RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
    ["%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .map(|naive| naive.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("1994-11-06T08:49:00Z").map(|d| d.with_timezone(&Utc)).unwrap()
    }

    fn parse(text: &'static str) -> Option<Duration> {
        parse_retry_after(&HeaderValue::from_static(text), now())
    }

    #[test]
    fn seconds_and_every_http_date_form_parse() {
        assert_eq!(parse("120"), Some(Duration::from_secs(120)));
        assert_eq!(parse(" 0 "), Some(Duration::ZERO));
        let in_37s = Some(Duration::from_secs(37));
        assert_eq!(parse("Sun, 06 Nov 1994 08:49:37 GMT"), in_37s);
        assert_eq!(parse("Sunday, 06-Nov-94 08:49:37 GMT"), in_37s);
        assert_eq!(parse("Sun Nov  6 08:49:37 1994"), in_37s);
    }

    #[test]
    fn a_past_date_means_now_and_nonsense_is_ignored() {
        assert_eq!(parse("Sun, 06 Nov 1994 07:00:00 GMT"), Some(Duration::ZERO));
        assert_eq!(parse("soon"), None);
        assert_eq!(parse("-5"), None);
        assert_eq!(parse("99999999999999999999999"), None);
    }
}
