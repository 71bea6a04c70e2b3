//! What a collector reads: one vendor listing, by time window.

use std::{ops::Range, sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use futures::stream::BoxStream;

use super::{Collected, Listed};
use crate::{Error, Timer, Vendor, pagination::Undecodable};

/// A vendor listing a [`Collector`](super::Collector) can read by time window.
///
/// Each vendor module provides its sources (such as
/// [`qualtrics::EventSource`](crate::qualtrics::EventSource)); a source describes only the
/// vendor: how to list a window, each event's key and time, and the vendor's defaults. The
/// windows, the overlap, the deduplication and the checkpoint are the collector's.
///
/// ```no_run
/// use auditkit::collect::{Collector, Source};
/// use auditkit::qualtrics::Logins;
///
/// # fn demo(client: auditkit::Client) {
/// let source = client.qualtrics().event_source::<Logins>();
/// println!("{} (lag {:?})", source.id(), source.settings().lag);
/// let collector = Collector::new(source);
/// # }
/// ```
pub trait Source: Send + Sync + 'static {
    /// What the source delivers.
    type Event: Send + 'static;

    /// A name for this source, unique among the sources sharing a checkpoint store
    /// (`qualtrics/logins`). A checkpoint saved under another name is refused.
    fn id(&self) -> String;

    /// The vendor, for errors.
    fn vendor(&self) -> Vendor;

    /// The vendor's defaults for lag, overlap, step and the first run's start.
    fn settings(&self) -> Settings;

    /// The clock "now" is read from: the client's [`Timer`].
    fn timer(&self) -> Arc<dyn Timer>;

    /// The events whose time is in `window.range`, and the current state of each subject in
    /// `window.recheck`, in any order. An event outside the range that is not a recheck is
    /// ignored by the collector (a vendor without a date filter lists everything).
    fn list(&self, window: &Window) -> ListedStream<Self::Event>;
}

/// What [`Source::list`] returns: the window's events, in any order.
pub type ListedStream<E> = BoxStream<'static, Result<Listed<E>, Error>>;

/// A listing's items with the undecodable ones in place (from
/// `Listing::items_or_undecodable`), each item made an event by `event`: what a vendor
/// source's [`Source::list`] returns.
pub(crate) fn listed<T: Send + 'static, E: Send + 'static>(
    items: BoxStream<'static, Result<Result<T, Undecodable>, Error>>,
    mut event: impl FnMut(T) -> Collected<E> + Send + 'static,
) -> ListedStream<E> {
    use futures::StreamExt;
    Box::pin(items.map(move |item| match item {
        Ok(Ok(item)) => Ok(Listed::Event(event(item))),
        Ok(Err(undecodable)) => Ok(Listed::Undecodable(undecodable)),
        Err(error) => Err(error),
    }))
}

/// One window a collector asks a [`Source`] for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Window {
    /// From (inclusive) to (exclusive).
    pub range: Range<DateTime<Utc>>,
    /// Subjects whose last delivered state was not final (an EnergyCAP run in progress, a
    /// report being generated): the source lists their current state too, whatever their
    /// time. Only the first window of a run carries them.
    pub recheck: Vec<String>,
}

impl Window {
    /// A window over `range` with nothing to recheck.
    ///
    /// ```
    /// use auditkit::collect::Window;
    /// use chrono::{Duration, Utc};
    ///
    /// let now = Utc::now();
    /// let window = Window::new(now - Duration::hours(1)..now);
    /// assert!(window.recheck.is_empty());
    /// ```
    pub fn new(range: Range<DateTime<Utc>>) -> Self {
        Self { range, recheck: Vec::new() }
    }

    /// The time to give an event that has none of its own (or one that cannot be read):
    /// the window's last instant. It places the event in this window, and the collector
    /// remembers its key at least as long as the vendor can list it again.
    ///
    /// ```
    /// use auditkit::collect::Window;
    /// use chrono::{Duration, Utc};
    ///
    /// let now = Utc::now();
    /// let window = Window::new(now - Duration::hours(1)..now);
    /// assert!(window.contains(window.fallback_time()));
    /// ```
    pub fn fallback_time(&self) -> DateTime<Utc> {
        let last = self.range.end.checked_sub_signed(chrono::TimeDelta::nanoseconds(1));
        last.map_or(self.range.start, |last| last.max(self.range.start))
    }

    /// Whether `time` falls in the window's range.
    pub fn contains(&self, time: DateTime<Utc>) -> bool {
        self.range.contains(&time)
    }
}

/// How far behind "now" a collector reads, how much it reads again, and in what steps.
///
/// Each source gives its vendor's defaults ([`Source::settings`]); the
/// [`Collector`](super::Collector) setters override them.
///
/// ```
/// use std::time::Duration;
/// use auditkit::collect::Settings;
///
/// let settings = Settings::default().lag(Duration::from_secs(600));
/// assert_eq!(settings.lag, Duration::from_secs(600));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Settings {
    /// A run reads up to now minus the lag: events the vendor publishes up to this late are
    /// never missed.
    pub lag: Duration,
    /// A run reads again this much before where the last one stopped, and drops the events
    /// it already delivered: events published later than the lag, up to lag plus overlap,
    /// are still delivered, once.
    pub overlap: Duration,
    /// A run lists its range in windows of this length, and moves the checkpoint past each
    /// one (memory holds the keys of one window). `None`: the whole range in one window.
    pub step: Option<Duration>,
    /// Without a checkpoint, the first run starts this long before now.
    pub lookback: Duration,
}

impl Default for Settings {
    /// 5 minutes of lag, 1 hour of overlap, 1-day steps, 7 days of lookback.
    fn default() -> Self {
        Self {
            lag: Duration::from_secs(5 * 60),
            overlap: Duration::from_secs(60 * 60),
            step: Some(Duration::from_secs(24 * 60 * 60)),
            lookback: Duration::from_secs(7 * 24 * 60 * 60),
        }
    }
}

impl Settings {
    /// With this lag.
    #[must_use]
    pub fn lag(mut self, lag: Duration) -> Self {
        self.lag = lag;
        self
    }

    /// With this overlap.
    #[must_use]
    pub fn overlap(mut self, overlap: Duration) -> Self {
        self.overlap = overlap;
        self
    }

    /// With this step (`None`: one window per run).
    #[must_use]
    pub fn step(mut self, step: Option<Duration>) -> Self {
        self.step = step;
        self
    }

    /// With this lookback.
    #[must_use]
    pub fn lookback(mut self, lookback: Duration) -> Self {
        self.lookback = lookback;
        self
    }
}
