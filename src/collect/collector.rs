//! The collector: the settings of a collection, and the two ways to run it.

use std::{fmt, sync::Arc, time::Duration};

use chrono::{DateTime, Utc};

use super::{
    Batch, CheckpointStore, LeasedStore, MemoryStore, Settings, Source, Turns, leasing::Leasing,
    plan::Plan, run::Run,
};
use crate::{Error, Operation};

boxed_stream! {
    /// The batches of a [`Collector`] run, in order: a `Stream` of
    /// `Result<Batch<E>, Error>` (`Send`, `Unpin`, `'static`).
    pub struct Batches<E> yields Result<Batch<E>, Error>;
}

/// Reads what is new at a source since the last committed batch, without losing events the
/// vendor publishes late and without delivering any event twice.
///
/// Each run lists from the checkpoint's high-water mark minus the
/// [overlap](Self::overlap) up to now minus the [lag](Self::lag), in [steps](Self::step),
/// drops the events already delivered (the checkpoint keeps their keys for the overlap),
/// and yields the others in [`Batch`]es. The checkpoint moves when a batch is
/// [committed](Batch::commit), after the sink has it.
///
/// **The promise.** No event is lost and none is delivered twice across committed batches,
/// for events the vendor publishes at most lag + overlap after their time. A crash between
/// the sink and the commit delivers that batch again, with the same keys (at least once):
/// a sink that keeps keys, or one that records its position in the checkpoint (see
/// [`Batch::annotate`] and the `auditkit` command's file sink), turns that into exactly once.
///
/// Memory holds one step's keys plus at most [`max_keys`](Self::max_keys) from the overlap.
///
/// ```no_run
/// use std::time::Duration;
/// use auditkit::collect::{Collector, FileStore};
/// use auditkit::everbridge::ReportType;
/// use futures::TryStreamExt;
///
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// let collector = Collector::new(client.everbridge().audit_log_source(ReportType::Security))
///     .store(FileStore::new("everbridge-security.checkpoint.json"))
///     .lag(Duration::from_secs(15 * 60));
/// let mut batches = collector.follow(Duration::from_secs(300));
/// while let Some(batch) = batches.try_next().await? {
///     println!("{} new entries", batch.events().len());
///     batch.commit().await?;
/// }
/// # Ok(()) }
/// ```
#[must_use = "a collector does nothing until `.run()` or `.follow()` is read"]
pub struct Collector<S: Source> {
    pub(crate) source: Arc<S>,
    pub(crate) store: Arc<dyn CheckpointStore>,
    pub(crate) settings: Settings,
    pub(crate) batch_size: usize,
    pub(crate) max_keys: usize,
    pub(crate) start_at: Option<DateTime<Utc>>,
    pub(crate) until: Option<DateTime<Utc>>,
    pub(crate) leasing: Option<Leasing>,
    pub(crate) turns: Option<Turns>,
}

impl<S: Source> Collector<S> {
    /// A collector over `source`, with the vendor's [`Settings`] and checkpoints in memory
    /// (set a [`store`](Self::store) to keep them across processes).
    pub fn new(source: S) -> Self {
        let settings = source.settings();
        Self {
            source: Arc::new(source),
            store: Arc::new(MemoryStore::new()),
            settings,
            batch_size: 1000,
            max_keys: 100_000,
            start_at: None,
            until: None,
            leasing: None,
            turns: None,
        }
    }

    /// Where checkpoints are loaded from and committed to.
    pub fn store(mut self, store: impl CheckpointStore) -> Self {
        self.store = Arc::new(store);
        self.leasing = None;
        self
    }

    /// Where checkpoints are loaded from and committed to, under a lease: one collector per
    /// source at a time, across processes and machines (replicas of a service, a
    /// Kubernetes Deployment), when each uses the same store and its own `holder` name.
    ///
    /// Each run first takes the source's lease for `lease` (or fails with
    /// [`CheckpointErrorKind::LeaseHeld`](crate::CheckpointErrorKind::LeaseHeld) when
    /// another holder has it: [`follow`](Self::follow) tries again each interval), renews
    /// it every third of `lease` while the stream lives, and commits each batch with the
    /// lease's fencing token. A lease lost (a newer token exists, or no renewal succeeded
    /// for a whole lease time) stops the run with
    /// [`CheckpointErrorKind::Fenced`](crate::CheckpointErrorKind::Fenced), and the store
    /// refuses that holder's commits: a paused process that wakes up after its lease moved
    /// cannot move the checkpoint. `run()` releases the lease when it ends; `follow()`
    /// keeps it across runs; dropping the stream releases it.
    ///
    /// A lease of 0 or an empty holder is refused with [`Error::InvalidInput`] when the
    /// run starts.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use auditkit::collect::{Collector, FileStore};
    /// use auditkit::qualtrics::Logins;
    ///
    /// # fn demo(client: auditkit::Client) {
    /// let collector = Collector::new(client.qualtrics().event_source::<Logins>())
    ///     .leased_store(FileStore::new("checkpoints.json"), "replica-1", Duration::from_secs(30));
    /// # }
    /// ```
    pub fn leased_store(
        mut self,
        store: impl LeasedStore,
        holder: impl Into<String>,
        lease: Duration,
    ) -> Self {
        let store: Arc<dyn LeasedStore> = Arc::new(store);
        self.store = Arc::clone(&store) as Arc<dyn CheckpointStore>;
        self.leasing = Some(Leasing { store, holder: holder.into(), duration: lease });
        self
    }

    /// How far behind now a run reads (the vendor's default otherwise): an event published
    /// up to this late after its time is never missed.
    pub fn lag(mut self, lag: Duration) -> Self {
        self.settings.lag = lag;
        self
    }

    /// How much a run reads again before the last high-water mark (the vendor's default
    /// otherwise), to catch events published later than the lag.
    pub fn overlap(mut self, overlap: Duration) -> Self {
        self.settings.overlap = overlap;
        self
    }

    /// The length of the windows a run lists, each committed as it completes (the vendor's
    /// default otherwise). 0 is refused with [`Error::InvalidInput`] when the run starts.
    pub fn step(mut self, step: Duration) -> Self {
        self.settings.step = Some(step);
        self
    }

    /// Without a checkpoint, start here instead of the vendor's lookback before now. A
    /// saved checkpoint always wins.
    pub fn start_at(mut self, start: DateTime<Utc>) -> Self {
        self.start_at = Some(start);
        self
    }

    /// Never read past this instant (a run reads up to the earlier of it and now minus the
    /// lag): with [`start_at`](Self::start_at), a fixed range.
    pub fn until(mut self, end: DateTime<Utc>) -> Self {
        self.until = Some(end);
        self
    }

    /// At most this many events (and undecodable items) per batch; default 1,000. A batch
    /// also ends with each step. 0 is refused with [`Error::InvalidInput`].
    pub fn batch_size(mut self, events: usize) -> Self {
        self.batch_size = events;
        self
    }

    /// At most this many keys remembered from the overlap (default 100,000). Beyond it the
    /// oldest are forgotten and the next run does not read before the ones still known,
    /// which shortens the overlap (a warning is logged). 0 is refused.
    pub fn max_keys(mut self, keys: usize) -> Self {
        self.max_keys = keys;
        self
    }

    /// Takes one of `turns` for each run, shared with the other collectors given the same
    /// turns: no more than [`Turns::at_once`] of them list and hold their keys at a time.
    /// A run waits for its turn before it loads its checkpoint and gives it back when it
    /// ends (with [`follow`](Self::follow), before the interval's sleep). Read each
    /// collector's stream in a task of its own, or poll them together (`select_all`); see
    /// [`Turns`].
    ///
    /// ```no_run
    /// use auditkit::collect::{Collector, Turns};
    /// use auditkit::qualtrics::Logins;
    ///
    /// # fn demo(client: auditkit::Client, turns: Turns) {
    /// let collector = Collector::new(client.qualtrics().event_source::<Logins>()).turns(turns);
    /// # }
    /// ```
    pub fn turns(mut self, turns: Turns) -> Self {
        self.turns = Some(turns);
        self
    }

    /// The settings in effect.
    pub fn settings(&self) -> Settings {
        self.settings
    }

    /// One run: loads the checkpoint, lists up to now minus the lag, and ends.
    ///
    /// ```no_run
    /// use auditkit::collect::{Collector, FileStore};
    /// use auditkit::qualtrics::Logins;
    /// use futures::TryStreamExt;
    ///
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let collector = Collector::new(client.qualtrics().event_source::<Logins>())
    ///     .store(FileStore::new("logins.checkpoint.json"));
    /// let mut batches = collector.run();
    /// while let Some(batch) = batches.try_next().await? {
    ///     batch.commit().await?;
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// The stream yields the source's errors (after the client's retries) and
    /// [`Error::Checkpoint`] when the checkpoint cannot be read, then ends; nothing after
    /// the last batch handed out counts as delivered.
    pub fn run(&self) -> Batches<S::Event> {
        self.batches(None)
    }

    /// Runs again and again, `interval` after each run ends, until the stream is dropped.
    ///
    /// An error is yielded and the next run, `interval` later, starts again after the last
    /// batch handed out: a caller that logs errors and keeps reading loses nothing.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use auditkit::collect::Collector;
    /// use auditkit::qualtrics::Logins;
    /// use futures::StreamExt;
    ///
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let mut batches = Collector::new(client.qualtrics().event_source::<Logins>())
    ///     .follow(Duration::from_secs(60));
    /// while let Some(next) = batches.next().await {
    ///     match next {
    ///         Ok(batch) => batch.commit().await?,
    ///         Err(error) => eprintln!("will try again: {error}"),
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn follow(&self, interval: Duration) -> Batches<S::Event> {
        self.batches(Some(interval))
    }

    /// One run, or a run every `interval` after the last one ended.
    fn batches(&self, interval: Option<Duration>) -> Batches<S::Event> {
        let plan = Plan::new(self);
        Batches::new(async_stream::stream! {
            let plan = match plan {
                Ok(plan) => plan,
                Err(error) => {
                    yield Err(error);
                    return;
                }
            };
            let timer = Arc::clone(&plan.timer);
            let leasing = plan.leasing.clone();
            let id = plan.id.clone();
            let turns = plan.turns.clone();
            let mut run = Run::new(plan);
            let mut held = None;
            loop {
                let mut taken = Ok(());
                if let Some(leasing) = &leasing
                    && held.as_ref().is_none_or(super::leasing::Held::is_lost)
                {
                    held = None;
                    match leasing.take(&id, Arc::clone(&timer)).await {
                        Ok(lease) => {
                            // Another holder may have committed since: load again.
                            run.fence(lease.commits());
                            held = Some(lease);
                        }
                        Err(error) => taken = Err(error),
                    }
                }
                let turn = match (&taken, &turns) {
                    (Ok(()), Some(turns)) => turns.take().await,
                    _ => None,
                };
                match taken {
                    Err(error) => yield Err(error),
                    Ok(()) => match run.load().await {
                        Ok(()) => {
                            run.start();
                            loop {
                                let next = match held.as_ref().map(super::leasing::Held::check) {
                                    Some(Err(lost)) => Err(lost),
                                    _ => run.next_batch().await,
                                };
                                match next {
                                    Ok(Some(batch)) => yield Ok(batch),
                                    Ok(None) => break,
                                    Err(error) => {
                                        yield Err(error);
                                        break;
                                    }
                                }
                            }
                        }
                        Err(error) => yield Err(error),
                    },
                }
                drop(turn);
                let Some(interval) = interval else {
                    if let Some(lease) = held.take() {
                        lease.release().await;
                    }
                    return;
                };
                timer.sleep(interval).await;
            }
        })
    }

    pub(crate) fn operation(&self) -> Operation {
        Operation::new(self.source.vendor(), "collect")
    }
}

impl<S: Source> Clone for Collector<S> {
    fn clone(&self) -> Self {
        Self {
            source: Arc::clone(&self.source),
            store: Arc::clone(&self.store),
            settings: self.settings,
            batch_size: self.batch_size,
            max_keys: self.max_keys,
            start_at: self.start_at,
            until: self.until,
            leasing: self.leasing.clone(),
            turns: self.turns.clone(),
        }
    }
}

impl<S: Source> fmt::Debug for Collector<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Collector")
            .field("source", &self.source.id())
            .field("store", &self.store)
            .field("settings", &self.settings)
            .field("batch_size", &self.batch_size)
            .field("max_keys", &self.max_keys)
            .field("start_at", &self.start_at)
            .field("until", &self.until)
            .field("leasing", &self.leasing)
            .field("turns", &self.turns)
            .finish()
    }
}
