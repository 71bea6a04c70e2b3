//! The one place the SDK reads the clock and sleeps, so tests can replace both.
#![allow(clippy::disallowed_methods, reason = "the one module that reads the clocks")]

use std::{fmt, time::Duration};

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use tokio::time::Instant;

/// The clocks and sleep used for retry backoff, polling, `Retry-After` dates and every
/// rule that depends on today's date.
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

    /// Today's date and time, for an HTTP-date `Retry-After` and for vendor rules such as
    /// "within the past six months". The default reads the system clock; a test timer
    /// pins it.
    fn wall_clock(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A century: longer than any process lives, and representable on every platform.
const FAR_FUTURE: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

/// `at + duration`, or a century after `at` when the sum does not fit: a deadline of
/// `Duration::MAX` means "as late as possible", never a panic.
pub(crate) fn saturating_add(at: Instant, duration: Duration) -> Instant {
    at.checked_add(duration).or_else(|| at.checked_add(FAR_FUTURE)).unwrap_or(at)
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
    wall_start: DateTime<Utc>,
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
        Self::starting_at(Utc::now())
    }

    /// A virtual clock whose [`wall_clock`](Timer::wall_clock) starts at `now`, so a test
    /// pins "today" for date rules and `Retry-After` dates.
    ///
    /// ```
    /// use auditkit::{Timer, testkit::VirtualTimer};
    /// use chrono::{TimeZone, Utc};
    ///
    /// let today = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
    /// let timer = VirtualTimer::starting_at(today);
    /// assert_eq!(timer.wall_clock(), today);
    /// ```
    pub fn starting_at(now: DateTime<Utc>) -> Self {
        Self { start: Instant::now(), wall_start: now, sleeps: std::sync::Mutex::new(Vec::new()) }
    }

    /// Every sleep requested so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// The virtual time that has passed: the sum of all sleeps (at most `Duration::MAX`).
    pub fn elapsed(&self) -> Duration {
        self.sleeps().iter().fold(Duration::ZERO, |sum, sleep| sum.saturating_add(*sleep))
    }
}

#[cfg(any(test, feature = "testkit"))]
impl Timer for VirtualTimer {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self.sleeps.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(duration);
        Box::pin(tokio::task::yield_now())
    }

    fn now(&self) -> Instant {
        saturating_add(self.start, self.elapsed())
    }

    fn wall_clock(&self) -> DateTime<Utc> {
        chrono::TimeDelta::from_std(self.elapsed())
            .ok()
            .and_then(|elapsed| self.wall_start.checked_add_signed(elapsed))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_virtual_clocks_advance_by_each_sleep_and_saturate() {
        let today = DateTime::parse_from_rfc3339("2026-11-22T12:00:00Z").unwrap().to_utc();
        let timer = VirtualTimer::starting_at(today);
        let before = timer.now();
        timer.sleep(Duration::from_secs(90)).await;
        assert_eq!(timer.now() - before, Duration::from_secs(90));
        assert_eq!(timer.wall_clock(), today + chrono::TimeDelta::seconds(90));
        timer.sleep(Duration::MAX).await;
        assert_eq!(timer.elapsed(), Duration::MAX);
        assert!(timer.now() > before);
        assert_eq!(timer.wall_clock(), DateTime::<Utc>::MAX_UTC);
    }
}
