//! [`Publisher`]: the sandbox's vendors receiving new events at a steady rate, as live
//! accounts do, so a collector run over and over sees new data each time.

use std::{
    fmt,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;
use tokio::task::JoinHandle;

use super::{
    EnergyCapSandbox, EverbridgeSandbox, QualtricsSandbox, ReporterSandbox, Sandbox, state::Shared,
};
use crate::everbridge::ReportType;

/// The streams a publisher feeds, in turn: one new event per tick, to the next stream.
const STREAMS: [Stream; 8] = [
    Stream::Qualtrics("logins"),
    Stream::Everbridge(ReportType::Security),
    Stream::Reporter,
    Stream::Qualtrics("session_creations"),
    Stream::EnergyCap,
    Stream::Qualtrics("session_terminations"),
    Stream::Everbridge(ReportType::Contact),
    Stream::Qualtrics("password_resets"),
];

#[derive(Debug)]
enum Stream {
    Qualtrics(&'static str),
    Everbridge(ReportType),
    Reporter,
    EnergyCap,
}

/// Publishes new events on a running [`Sandbox`] at a steady rate, until it is dropped or
/// [stopped](Self::stop). Made by [`Sandbox::publish`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use auditkit::testkit::Sandbox;
///
/// let sandbox = Sandbox::start().await?;
/// let publisher = sandbox.publish(200.0); // 200 events a second, across every stream
/// tokio::time::sleep(std::time::Duration::from_millis(100)).await;
/// assert!(publisher.published() > 0);
/// publisher.stop();
/// # Ok(()) }
/// ```
///
/// Each tick adds one event, timestamped at the sandbox's now, to the next of these
/// streams in turn: Qualtrics `logins`, `session_creations`, `session_terminations` and
/// `password_resets`; Everbridge's Security and Contact logs; a finished Reporter report
/// (of [`ReporterSandbox::CSV_TEMPLATE`]); a complete EnergyCAP distribution log. The
/// events are published at once, whatever [`LateEvents`](super::LateEvents) says for
/// seeded ones. Publishing runs on the Tokio runtime that called `publish`, on Tokio's
/// clock.
pub struct Publisher {
    task: JoinHandle<()>,
    published: Arc<AtomicU64>,
    every: Duration,
}

impl fmt::Debug for Publisher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Publisher")
            .field("every", &self.every)
            .field("published", &self.published())
            .finish()
    }
}

impl Publisher {
    /// How many events were published so far.
    pub fn published(&self) -> u64 {
        self.published.load(Ordering::Relaxed)
    }

    /// The wait between two events.
    pub fn every(&self) -> Duration {
        self.every
    }

    /// Stops publishing (as dropping does); the events published stay.
    pub fn stop(self) {}
}

impl Drop for Publisher {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The wait between two events at `per_second` events a second: at least a millisecond,
/// at most a day (a rate of 0, negative or NaN publishes once a day).
pub(crate) fn interval(per_second: f64) -> Duration {
    const DAY: f64 = 86_400.0;
    let seconds = if per_second.is_finite() && per_second > 0.0 { 1.0 / per_second } else { DAY };
    Duration::from_secs_f64(seconds.clamp(0.001, DAY))
}

impl Sandbox {
    /// Starts publishing `per_second` new events a second (at most 1,000), one stream
    /// after the other; see [`Publisher`]. A rate of 0 or less publishes nothing until a
    /// day has passed.
    ///
    /// # Panics
    /// Outside a Tokio runtime, as `tokio::spawn` does.
    pub fn publish(&self, per_second: f64) -> Publisher {
        let every = interval(per_second);
        let published = Arc::new(AtomicU64::new(0));
        let targets = Targets {
            shared: Arc::clone(&self.shared),
            qualtrics: self.qualtrics(),
            everbridge: self.everbridge(),
            reporter: self.reporter(),
            energycap: self.energycap(),
        };
        let count = Arc::clone(&published);
        let task = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            // The first tick is immediate: the first event waits one interval, as the rest.
            ticks.tick().await;
            let streams = STREAMS;
            for stream in streams.iter().cycle() {
                ticks.tick().await;
                targets.publish(stream);
                count.fetch_add(1, Ordering::Relaxed);
            }
        });
        Publisher { task, published, every }
    }
}

/// The simulators a publisher writes to, and the sandbox's clock.
struct Targets {
    shared: Arc<Shared>,
    qualtrics: QualtricsSandbox,
    everbridge: EverbridgeSandbox,
    reporter: ReporterSandbox,
    energycap: EnergyCapSandbox,
}

impl Targets {
    fn publish(&self, stream: &Stream) {
        let now = self.shared.now();
        let soon = now.checked_add_signed(TimeDelta::seconds(1)).unwrap_or(now);
        match stream {
            Stream::Qualtrics(activity) => {
                self.qualtrics.seed_events(activity, 1, now, soon);
            }
            Stream::Everbridge(report_type) => {
                // Everbridge stamps whole seconds: the one starting at or before now.
                let second = DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now);
                let next = second.checked_add_signed(TimeDelta::seconds(1)).unwrap_or(now);
                self.everbridge.seed_entries(report_type.clone(), 1, second, next);
            }
            Stream::Reporter => {
                self.reporter.add_finished_report(ReporterSandbox::CSV_TEMPLATE, now);
            }
            Stream::EnergyCap => {
                self.energycap.add_log(energycap_log(now));
            }
        }
    }
}

/// A complete distribution run that began and ended at `now`.
fn energycap_log(now: DateTime<Utc>) -> serde_json::Value {
    let at = now.format("%Y-%m-%dT%H:%M:%S").to_string();
    json!({
        "beginDate": at,
        "endDate": at,
        "numberOfRecipients": 1,
        "reportDistribution": {"reportDistributionId": 1, "reportDistributionName": "Published"},
        "status": "Complete",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_is_the_inverse_of_the_rate_within_a_millisecond_and_a_day() {
        assert_eq!(interval(4.0), Duration::from_millis(250));
        assert_eq!(interval(1e9), Duration::from_millis(1));
        for idle in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(interval(idle), Duration::from_secs(86_400), "{idle}");
        }
    }

    #[tokio::test]
    async fn every_stream_gets_new_events_until_the_publisher_stops() {
        let sandbox = Sandbox::start().await.unwrap();
        let before = (
            sandbox.qualtrics().events("logins").len(),
            sandbox.everbridge().entries(ReportType::Contact).len(),
            sandbox.reporter().reports().len(),
            sandbox.energycap().logs().len(),
        );
        let publisher = sandbox.publish(1000.0);
        while publisher.published() < 16 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        publisher.stop();
        let stopped_at = sandbox.qualtrics().events("logins").len();
        let after = (
            stopped_at,
            sandbox.everbridge().entries(ReportType::Contact).len(),
            sandbox.reporter().reports().len(),
            sandbox.energycap().logs().len(),
        );
        assert!(after.0 >= before.0 + 2 && after.1 >= before.1 + 2, "{before:?} {after:?}");
        assert!(after.2 >= before.2 + 2 && after.3 >= before.3 + 2, "{before:?} {after:?}");
        tokio::time::sleep(Duration::from_millis(30)).await;
        assert_eq!(sandbox.qualtrics().events("logins").len(), stopped_at, "stopped");
    }
}
