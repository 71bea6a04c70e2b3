//! The one place the SDK reads the clock and sleeps, so tests can replace both.

use std::{fmt, time::Duration};

use futures::future::BoxFuture;
use tokio::time::Instant;

/// The clock and sleep used for retry backoff and polling.
///
/// The default is tokio's timer. Tests substitute one that records each requested sleep
/// and returns at once (see `testkit::VirtualTimer` with the `testkit` feature), which
/// makes backoff and `Retry-After` handling exact and instant to test. tokio's paused
/// clock is no substitute here: it also fires reqwest's timeouts while a real socket waits.
///
/// ```
/// use std::{sync::Arc, time::Duration};
/// use auditkit::Timer;
/// use futures::future::BoxFuture;
///
/// #[derive(Debug)]
/// struct LoggingTimer;
///
/// impl Timer for LoggingTimer {
///     fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
///         eprintln!("auditkit waits {duration:?}");
///         Box::pin(tokio::time::sleep(duration))
///     }
///     fn now(&self) -> tokio::time::Instant {
///         tokio::time::Instant::now()
///     }
/// }
///
/// let builder = auditkit::Client::builder().timer(Arc::new(LoggingTimer));
/// ```
pub trait Timer: Send + Sync + fmt::Debug + 'static {
    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
    /// The current instant on this timer's clock.
    fn now(&self) -> Instant;
}

/// tokio's timer: the default.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct TokioTimer;

impl Timer for TokioTimer {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }

    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A number in `[0, 1)` for jitter. Seeded by std's per-process random hash keys, which is
/// all jitter needs: it spreads clients apart, it does not guard a secret.
pub(crate) fn unit_random() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let bits = std::collections::hash_map::RandomState::new().build_hasher().finish();
    // 53 random bits fill an f64 mantissa exactly.
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// A timer whose sleeps return at once and advance a virtual clock, recording each wait.
///
/// With it, a test of backoff, `Retry-After` or a polling deadline runs in microseconds
/// and can assert the exact waits. Sleeps still yield to the runtime once, so other
/// tasks make progress.
///
/// ```
/// use std::{sync::Arc, time::Duration};
/// use auditkit::{Timer, testkit::VirtualTimer};
///
/// # async fn demo() {
/// let timer = Arc::new(VirtualTimer::new());
/// let before = timer.now();
/// timer.sleep(Duration::from_secs(90)).await;
/// assert_eq!(timer.now() - before, Duration::from_secs(90));
/// assert_eq!(timer.sleeps(), [Duration::from_secs(90)]);
/// # }
/// ```
#[cfg(any(test, feature = "testkit"))]
#[derive(Debug)]
pub struct VirtualTimer {
    start: Instant,
    sleeps: std::sync::Mutex<Vec<Duration>>,
}

#[cfg(any(test, feature = "testkit"))]
impl Default for VirtualTimer {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(any(test, feature = "testkit"))]
impl VirtualTimer {
    /// A virtual clock starting now.
    pub fn new() -> Self {
        Self { start: Instant::now(), sleeps: std::sync::Mutex::new(Vec::new()) }
    }

    /// Every sleep requested so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// The virtual time that has passed: the sum of all sleeps.
    pub fn elapsed(&self) -> Duration {
        self.sleeps().iter().sum()
    }
}

#[cfg(any(test, feature = "testkit"))]
impl Timer for VirtualTimer {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self.sleeps.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(duration);
        Box::pin(tokio::task::yield_now())
    }

    fn now(&self) -> Instant {
        self.start + self.elapsed()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn unit_random_stays_in_range_and_varies() {
        let draws: Vec<f64> = (0..100).map(|_| super::unit_random()).collect();
        assert!(draws.iter().all(|x| (0.0..1.0).contains(x)));
        assert!(draws.windows(2).any(|w| w[0] != w[1]));
    }
}
