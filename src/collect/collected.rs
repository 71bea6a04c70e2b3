//! What a source's listing yields: events, each with its key and time (and, for the state
//! of something that still changes, its subject), and the items it could not decode.

use chrono::{DateTime, Utc};

use crate::{pagination::Undecodable, polling::JobStatus};

/// What a source's listing yields: an event, or an item it could not decode.
#[derive(Debug)]
#[non_exhaustive]
pub enum Listed<E> {
    /// An event with its key and time.
    Event(Collected<E>),
    /// An item whose JSON could not be read as an event; the collector delivers it in
    /// [`Batch::undecodable`](super::Batch::undecodable) (once, keyed by its content) and
    /// the collection goes on.
    Undecodable(Undecodable),
}

/// An event with what the collector needs to deliver it exactly once.
///
/// ```
/// use auditkit::collect::Collected;
/// use chrono::Utc;
///
/// let event = Collected::new("log-7:In Progress", Utc::now(), "payload").subject("log-7", false);
/// assert_eq!(event.key, "log-7:In Progress");
/// ```
///
/// The state of a job is best made with [`state_of`](Self::state_of), which asks the
/// status type whether the state is final.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Collected<E> {
    /// Stable across runs and processes: the same event always has the same key, two
    /// events never share one. A sink may use it to drop a batch it already has.
    pub key: String,
    /// When the event happened, by the vendor's clock: it places the event in a window.
    pub time: DateTime<Utc>,
    /// The event.
    pub event: E,
    /// For an event that reports the state of something that still changes: that thing's
    /// id and whether this state is final.
    pub subject: Option<Subject>,
}

impl<E> Collected<E> {
    /// An event that never changes once published.
    pub fn new(key: impl Into<String>, time: DateTime<Utc>, event: E) -> Self {
        Self { key: key.into(), time, event, subject: None }
    }

    /// The event as the state of subject `id` (a distribution run, a report being
    /// generated): keyed `"{id}:{status}"`, so each state the subject reaches is delivered
    /// once, and final when its status type says so ([`JobStatus::is_final`], the answer
    /// the `wait_for_*` calls use too). Until a final state is delivered, the collector
    /// asks the source for the subject on every run.
    ///
    /// ```
    /// use auditkit::{collect::Collected, energycap::DistributionStatus};
    /// use chrono::Utc;
    ///
    /// let running = Collected::state_of("7", Utc::now(), DistributionStatus::InProgress);
    /// assert_eq!(running.key, "7:In Progress");
    /// assert_eq!(running.subject.map(|s| s.settled), Some(false));
    /// let done = Collected::state_of("7", Utc::now(), DistributionStatus::Complete);
    /// assert_eq!(done.subject.map(|s| s.settled), Some(true));
    /// ```
    pub fn state_of(id: impl Into<String>, time: DateTime<Utc>, event: E) -> Self
    where
        E: JobStatus,
    {
        let id = id.into();
        let key = format!("{id}:{}", event.state_text());
        let settled = event.is_final();
        Self::new(key, time, event).subject(id, settled)
    }

    /// The same key, time and subject with the event turned into another type.
    ///
    /// ```
    /// use auditkit::collect::Collected;
    /// use chrono::Utc;
    ///
    /// let event = Collected::new("k-1", Utc::now(), 7).map(|n| n.to_string());
    /// assert_eq!((event.key.as_str(), event.event.as_str()), ("k-1", "7"));
    /// ```
    pub fn map<F>(self, f: impl FnOnce(E) -> F) -> Collected<F> {
        let Collected { key, time, event, subject } = self;
        Collected { key, time, event: f(event), subject }
    }

    /// Marks the event as the state of subject `id` (its key names the state, such as
    /// `"id:Processing"`); until a final state is delivered, the collector asks the
    /// source for the subject on every run. [`state_of`](Self::state_of) does both.
    pub fn subject(mut self, id: impl Into<String>, settled: bool) -> Self {
        self.subject = Some(Subject { id: id.into(), settled });
        self
    }
}

/// The thing a [`Collected`] event reports the state of.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Subject {
    /// Its id at the vendor.
    pub id: String,
    /// Whether this state is final.
    pub settled: bool,
}
