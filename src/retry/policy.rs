//! The retry policy users configure: how many attempts, for how long, how far apart.

use std::time::Duration;

use super::{Backoff, Spread};

/// How the SDK retries a failed request: an attempt limit, an elapsed-time limit,
/// full-jitter exponential backoff, and a cap on the server's `Retry-After`.
///
/// Retried: connection failures, timeouts, cut-off answers, and HTTP 408, 429, 500, 502,
/// 503, 504. A request that is not idempotent (EnergyCAP's `exec`, a POST without an
/// idempotency key) is retried only when it failed before it was sent, so a distribution
/// never runs twice because of a retry.
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
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct RetryPolicy {
    max_attempts: u32,
    max_elapsed: Duration,
    backoff: Backoff,
    retry_after_cap: Duration,
}

// The backoff's factor is a float, but a fixed one (never NaN, not settable), so equality
// stays reflexive.
impl Eq for RetryPolicy {}

impl Default for RetryPolicy {
    /// 4 attempts within 2 minutes, backoff from 250 ms up to 20 s, `Retry-After` capped
    /// at 60 s.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            max_elapsed: Duration::from_secs(120),
            backoff: Backoff {
                initial: Duration::from_millis(250),
                max: Duration::from_secs(20),
                factor: 2.0,
                spread: Spread::Full,
            },
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
    /// wait would end after it. `Duration::MAX` means no time limit.
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// The backoff ceiling before the first retry; it doubles for each further retry.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.backoff.initial = backoff;
        self
    }

    /// The largest backoff ceiling.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.backoff.max = backoff;
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
    /// `Retry-After` when given, capped; otherwise the backoff with `random` in `[0, 1)`.
    pub(crate) fn delay(&self, retry: u32, retry_after: Option<Duration>, random: f64) -> Duration {
        match retry_after {
            Some(asked) => asked.min(self.retry_after_cap),
            None => self.backoff.delay(retry, random),
        }
    }
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
    fn at_least_one_attempt_is_always_made() {
        assert_eq!(RetryPolicy::default().max_attempts(0).attempts_limit(), 1);
        assert_eq!(RetryPolicy::none().attempts_limit(), 1);
    }
}
