//! A client-side rate limit per vendor: a token bucket on the client's clock.

use std::{sync::Mutex, time::Duration};

use tokio::time::Instant;

use crate::Timer;

/// A client-side limit on the requests sent to one vendor: `per_second` on average, with
/// bursts of up to `burst` at once. Give it to
/// [`ClientBuilder::rate_limit`](crate::ClientBuilder::rate_limit).
///
/// A large fan-out (many listings at once) then neither floods the vendor nor runs into its
/// 429s: requests wait their turn on the client. Every attempt counts, retries included.
///
/// ```
/// use auditkit::{Client, RateLimit, Vendor};
///
/// // Everbridge's planned Bronze tier: 10 requests a second, bursts of 25.
/// let builder = Client::builder()
///     .rate_limit(Vendor::Everbridge, RateLimit::per_second(10.0).burst(25));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[must_use]
pub struct RateLimit {
    per_second: f64,
    burst: u32,
}

impl RateLimit {
    /// On average `requests` a second (at least one request an hour), in bursts of one.
    pub fn per_second(requests: f64) -> Self {
        let floor = 1.0 / 3600.0;
        // `max` also turns NaN into the floor.
        let per_second = if requests == f64::INFINITY { f64::MAX } else { requests.max(floor) };
        Self { per_second, burst: 1 }
    }

    /// Up to `requests` at once after a quiet spell (at least 1).
    pub fn burst(mut self, requests: u32) -> Self {
        self.burst = requests.max(1);
        self
    }
}

/// The bucket behind one vendor's [`RateLimit`].
#[derive(Debug)]
pub(crate) struct Bucket {
    limit: RateLimit,
    /// Tokens left, and when they were counted.
    state: Mutex<(f64, Option<Instant>)>,
}

impl Bucket {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Self { limit, state: Mutex::new((f64::from(limit.burst), None)) }
    }

    /// Waits until a request may go, then counts it.
    pub(crate) async fn take(&self, timer: &dyn Timer) {
        loop {
            let wait = {
                let mut state =
                    self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                let now = timer.now();
                let (tokens, counted) = *state;
                let elapsed =
                    counted.map_or(Duration::ZERO, |at| now.saturating_duration_since(at));
                let refilled = (tokens + elapsed.as_secs_f64() * self.limit.per_second)
                    .min(f64::from(self.limit.burst));
                if refilled >= 1.0 {
                    *state = (refilled - 1.0, Some(now));
                    return;
                }
                *state = (refilled, Some(now));
                // At least a millisecond, so the clock moves and the bucket refills whatever
                // the rate: a wait that rounds to nothing would spin.
                Duration::try_from_secs_f64((1.0 - refilled) / self.limit.per_second)
                    .unwrap_or(Duration::from_secs(3600))
                    .max(Duration::from_millis(1))
            };
            timer.sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::timer::VirtualTimer;

    #[tokio::test]
    async fn a_burst_goes_at_once_and_the_rest_at_the_rate() {
        let timer = Arc::new(VirtualTimer::new());
        let bucket = Bucket::new(RateLimit::per_second(10.0).burst(2));
        for _ in 0..5 {
            bucket.take(timer.as_ref()).await;
        }
        assert_eq!(timer.sleeps(), [Duration::from_millis(100); 3]);
    }

    #[tokio::test]
    async fn odd_rates_are_bounded_and_never_panic() {
        let timer = Arc::new(VirtualTimer::new());
        for limit in [
            RateLimit::per_second(0.0),
            RateLimit::per_second(f64::NAN),
            RateLimit::per_second(-5.0),
        ] {
            let bucket = Bucket::new(limit.burst(0));
            bucket.take(timer.as_ref()).await;
            bucket.take(timer.as_ref()).await;
        }
        assert!(timer.sleeps().iter().all(|wait| *wait <= Duration::from_secs(3600)));
        let fast = Bucket::new(RateLimit::per_second(f64::INFINITY));
        fast.take(timer.as_ref()).await;
        fast.take(timer.as_ref()).await;
    }
}
