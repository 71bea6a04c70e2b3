//! When to try a request again, and how long to wait first.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::HeaderValue;

/// How the SDK retries a failed request: an attempt limit, an elapsed-time limit,
/// full-jitter exponential backoff, and a cap on the server's `Retry-After`.
///
/// Retried: connection failures, timeouts, cut-off answers, and HTTP 408, 429, 500, 502,
/// 503, 504. A request that is not idempotent (EnergyCAP's `exec`) is retried only when
/// it failed before it was sent, so a distribution never runs twice because of a retry.
///
/// ```
/// use std::time::Duration;
/// use auditkit::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .max_attempts(6)
///     .max_elapsed(Duration::from_secs(120))
///     .retry_after_cap(Duration::from_secs(30));
/// let client = auditkit::Client::builder().retry(policy);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct RetryPolicy {
    max_attempts: u32,
    max_elapsed: Duration,
    initial_backoff: Duration,
    max_backoff: Duration,
    retry_after_cap: Duration,
}

impl Default for RetryPolicy {
    /// 4 attempts within 2 minutes, backoff from 250 ms up to 20 s, `Retry-After` capped
    /// at 60 s.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            max_elapsed: Duration::from_secs(120),
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(20),
            retry_after_cap: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never retry: every request is sent once.
    ///
    /// ```
    /// let client = auditkit::Client::builder().retry(auditkit::RetryPolicy::none());
    /// ```
    pub fn none() -> Self {
        Self::default().max_attempts(1)
    }

    /// The most attempts for one request, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// No retry starts once this much time has passed since the first attempt, or when its
    /// wait would end after it.
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// The backoff ceiling before the first retry; it doubles for each further retry.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The largest backoff ceiling.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The longest the SDK waits for a server's `Retry-After` (a server that asks for a day
    /// gets this instead).
    pub fn retry_after_cap(mut self, cap: Duration) -> Self {
        self.retry_after_cap = cap;
        self
    }

    pub(crate) fn attempts_limit(&self) -> u32 {
        self.max_attempts
    }

    pub(crate) fn elapsed_limit(&self) -> Duration {
        self.max_elapsed
    }

    /// The wait before retry number `retry` (1 for the first retry): the server's
    /// `Retry-After` when given, capped; otherwise full jitter, `random * min(max,
    /// initial * 2^(retry-1))`. `random` is in `[0, 1)`.
    pub(crate) fn delay(&self, retry: u32, retry_after: Option<Duration>, random: f64) -> Duration {
        if let Some(asked) = retry_after {
            return asked.min(self.retry_after_cap);
        }
        let ceiling = 2u32
            .checked_pow(retry.saturating_sub(1))
            .and_then(|factor| self.initial_backoff.checked_mul(factor))
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff);
        Duration::try_from_secs_f64(ceiling.as_secs_f64() * random.clamp(0.0, 1.0))
            .unwrap_or(ceiling)
    }
}

/// A `Retry-After` value: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). A date in the
/// past means "now"; anything unparseable is ignored, as if absent.
pub(crate) fn parse_retry_after(value: &HeaderValue, now: DateTime<Utc>) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = DateTime::parse_from_rfc2822(text).ok()?.with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_maximum_and_jitter_scales_it() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(700));
        let ceilings: Vec<u128> =
            (1..=5).map(|retry| policy.delay(retry, None, 0.999_999).as_millis()).collect();
        assert_eq!(ceilings, [99, 199, 399, 699, 699]);
        assert_eq!(policy.delay(3, None, 0.5), Duration::from_millis(200));
        assert_eq!(policy.delay(3, None, 0.0), Duration::ZERO);
    }

    #[test]
    fn backoff_for_a_huge_retry_number_does_not_overflow() {
        let policy = RetryPolicy::default();
        assert!(policy.delay(u32::MAX, None, 0.999) <= Duration::from_secs(20));
    }

    #[test]
    fn retry_after_wins_over_backoff_and_is_capped() {
        let policy = RetryPolicy::default().retry_after_cap(Duration::from_secs(30));
        assert_eq!(policy.delay(1, Some(Duration::from_secs(7)), 0.9), Duration::from_secs(7));
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(86_400)), 0.9),
            Duration::from_secs(30)
        );
    }

    #[test]
    fn retry_after_parses_seconds_and_http_dates() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z").unwrap().with_timezone(&Utc);
        let parse = |s: &'static str| parse_retry_after(&HeaderValue::from_static(s), now);
        assert_eq!(parse("120"), Some(Duration::from_secs(120)));
        assert_eq!(parse(" 0 "), Some(Duration::ZERO));
        assert_eq!(parse("Wed, 21 Oct 2015 07:28:42 GMT"), Some(Duration::from_secs(42)));
        assert_eq!(parse("Wed, 21 Oct 2015 07:00:00 GMT"), Some(Duration::ZERO));
        assert_eq!(parse("soon"), None);
        assert_eq!(parse("-5"), None);
    }

    #[test]
    fn at_least_one_attempt_is_always_made() {
        assert_eq!(RetryPolicy::default().max_attempts(0).attempts_limit(), 1);
        assert_eq!(RetryPolicy::none().attempts_limit(), 1);
    }
}
