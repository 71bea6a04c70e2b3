//! [`LateEvents`]: the switch that makes a simulator publish some events after their
//! timestamp, as real audit logs do, so a collector's lag and overlap can be tested.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::fingerprint::fnv128;

/// Which events a simulator publishes late, and how late: each event gets a publication
/// time, its timestamp plus a delay, and is not listed before it (by the sandbox's clock,
/// see [`SandboxBuilder::timer`](super::SandboxBuilder::timer)).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use std::time::Duration;
/// use auditkit::testkit::{LateEvents, Sandbox};
///
/// // A third of the events appear up to 20 minutes after their timestamp.
/// let late = LateEvents::new(0.3, Duration::from_secs(20 * 60));
/// let sandbox = Sandbox::builder().qualtrics_late_events(late).everbridge_late_events(late).start().await?;
/// # drop(sandbox);
/// # Ok(()) }
/// ```
///
/// The share and the delays are drawn from each event's number in the simulator, so the
/// same calls on a fresh sandbox publish the same events at the same times. The other
/// events are published at their timestamp: with the switch on, an event timestamped
/// later than the sandbox's "now" is not listed until the clock gets there, so events
/// seeded over a future period appear as time passes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LateEvents {
    /// Out of 10,000.
    share: u32,
    max_delay: Duration,
}

impl LateEvents {
    /// `share` of the events (0.0 to 1.0, clamped; NaN is 0) are published after a delay
    /// of up to `max_delay` (uniform, never 0); the others at their timestamp.
    pub fn new(share: f64, max_delay: Duration) -> Self {
        let share = if share.is_nan() { 0.0 } else { share.clamp(0.0, 1.0) };
        // In 0..=10_000 after the clamp: the cast cannot truncate.
        Self { share: (share * 10_000.0).round() as u32, max_delay }
    }

    /// Every event published at its timestamp (and none before).
    pub fn on_time() -> Self {
        Self::new(0.0, Duration::ZERO)
    }

    /// When the event that `seed` names (its id or number), timestamped `at`, is published.
    pub(crate) fn publication(&self, seed: &[u8], at: DateTime<Utc>) -> DateTime<Utc> {
        let draw = fnv128([b"late".as_slice(), seed]);
        let (pick, delay) = ((draw as u64) % 10_000, (draw >> 64) as u64);
        let max_ms = u64::try_from(self.max_delay.as_millis()).unwrap_or(u64::MAX);
        if pick >= u64::from(self.share) || max_ms == 0 {
            return at;
        }
        let delay_ms = (delay % max_ms).saturating_add(1);
        let delay = TimeDelta::milliseconds(i64::try_from(delay_ms).unwrap_or(i64::MAX));
        at.checked_add_signed(delay).unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn about_the_share_of_events_is_late_by_at_most_the_maximum() {
        let at: DateTime<Utc> = "2026-11-22T12:00:00Z".parse().unwrap();
        let max = Duration::from_secs(600);
        let late = LateEvents::new(0.25, max);
        let delays: Vec<_> =
            (0..4000_u64).map(|n| late.publication(&n.to_le_bytes(), at) - at).collect();
        let count = delays.iter().filter(|delay| **delay > TimeDelta::zero()).count();
        assert!((800..1200).contains(&count), "{count}");
        assert!(delays.iter().all(|delay| *delay <= TimeDelta::seconds(600)));
        assert!(delays.iter().any(|delay| *delay > TimeDelta::seconds(300)));
        assert_eq!(late.publication(b"7", at), late.publication(b"7", at));
        assert!(
            (0..100_u64).all(|n| LateEvents::on_time().publication(&n.to_le_bytes(), at) == at)
        );
        assert_eq!(LateEvents::new(f64::NAN, max), LateEvents::new(0.0, max));
    }
}
