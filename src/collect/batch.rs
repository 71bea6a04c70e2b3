//! What a collector hands out: events the sink has not seen, and the checkpoint that
//! records them once the sink has them.

use std::{
    collections::BTreeMap,
    fmt,
    sync::{Arc, Mutex},
};

use super::{Checkpoint, CheckpointStore, Collected};
use crate::{Error, pagination::Undecodable};

/// Events the sink has not received yet, in the order listed, with the checkpoint that
/// records them as delivered.
///
/// Write the events to the sink, then [`commit`](Self::commit): the checkpoint moves only
/// then. Committing a batch commits every batch before it. A crash between the sink and
/// the commit delivers the batch again on the next run, with the same
/// [keys](Collected::key), so a sink that keeps keys can drop it.
///
/// ```no_run
/// use auditkit::collect::Collector;
/// use auditkit::qualtrics::Logins;
/// use futures::TryStreamExt;
///
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// let mut batches = Collector::new(client.qualtrics().event_source::<Logins>()).run();
/// while let Some(batch) = batches.try_next().await? {
///     for event in batch.events() {
///         println!("{} {}", event.key, event.event.id);
///     }
///     batch.commit().await?;
/// }
/// # Ok(()) }
/// ```
#[must_use = "a batch's checkpoint moves only when it is committed"]
pub struct Batch<E> {
    pub(crate) events: Vec<Collected<E>>,
    pub(crate) undecodable: Vec<Rejected>,
    pub(crate) checkpoint: Checkpoint,
    pub(crate) store: Arc<dyn CheckpointStore>,
    /// Shared by the batches of one collector: each commit saves the latest values.
    pub(crate) annotations: Annotations,
    /// Events that may have been delivered before (see [`Batch::possibly_repeated`]).
    pub(crate) possibly_repeated: usize,
}

/// The caller's annotations, shared by a collector's batches.
pub(crate) type Annotations = Arc<Mutex<BTreeMap<String, serde_json::Value>>>;

/// An item the source could not decode, delivered once like an event.
#[derive(Debug)]
#[non_exhaustive]
pub struct Rejected {
    /// `undecodable:` and a hash of its JSON: stable, like an event's key.
    pub key: String,
    /// Its JSON as the server sent it, and the decode error.
    pub item: Undecodable,
}

impl<E> Batch<E> {
    /// The new events.
    pub fn events(&self) -> &[Collected<E>] {
        &self.events
    }

    /// Takes the events out (the batch can still be committed).
    pub fn take_events(&mut self) -> Vec<Collected<E>> {
        std::mem::take(&mut self.events)
    }

    /// Items the source could not decode: keep them aside (their JSON is whole), they will
    /// not come again.
    pub fn undecodable(&self) -> &[Rejected] {
        &self.undecodable
    }

    /// Takes the undecodable items out (the batch can still be committed).
    pub fn take_undecodable(&mut self) -> Vec<Rejected> {
        std::mem::take(&mut self.undecodable)
    }

    /// How many events and undecodable items it holds. A batch may be empty: it then only
    /// moves the checkpoint past a window with nothing new.
    pub fn len(&self) -> usize {
        self.events.len().saturating_add(self.undecodable.len())
    }

    /// Whether it holds nothing to deliver.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The same batch with each event turned into another type by `f`: keys, times,
    /// subjects, undecodable items and the checkpoint stay, so [`commit`](Self::commit)
    /// still records it. A consumer that merges sources of different event types into one
    /// stream maps each into a common type, and commits each batch as it comes:
    ///
    /// ```no_run
    /// use auditkit::{collect::Collector, energycap, reporter};
    /// use futures::{TryStreamExt, stream};
    ///
    /// #[derive(Debug)]
    /// enum Audit {
    ///     Distribution(energycap::ReportDistributionLog),
    ///     Report(reporter::Report),
    /// }
    ///
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let runs = Collector::new(client.energycap().distribution_log_source())
    ///     .run()
    ///     .map_ok(|batch| batch.map(Audit::Distribution));
    /// let reports = Collector::new(client.reporter().report_source())
    ///     .run()
    ///     .map_ok(|batch| batch.map(Audit::Report));
    /// let mut all = stream::select(runs, reports);
    /// while let Some(batch) = all.try_next().await? {
    ///     for event in batch.events() {
    ///         println!("{}: {:?}", event.key, event.event);
    ///     }
    ///     batch.commit().await?;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn map<F>(self, mut f: impl FnMut(E) -> F) -> Batch<F> {
        Batch {
            events: self.events.into_iter().map(|event| event.map(&mut f)).collect(),
            undecodable: self.undecodable,
            checkpoint: self.checkpoint,
            store: self.store,
            annotations: self.annotations,
            possibly_repeated: self.possibly_repeated,
        }
    }

    /// How many of its events may have been delivered before. Only after a high-water mark
    /// set by a clock that ran fast was rewound: the run lists again from now minus the lag
    /// and the overlap, and drops what the checkpoint's keys recognise, but events older
    /// than the oldest key kept cannot be told from new ones, so they are delivered (at
    /// least once) and counted here. A sink that keeps keys drops them; zero otherwise.
    ///
    /// ```no_run
    /// # async fn demo(batch: auditkit::collect::Batch<()>) -> Result<(), auditkit::Error> {
    /// if batch.possibly_repeated() > 0 {
    ///     eprintln!("{} events may be duplicates (same keys as before)", batch.possibly_repeated());
    /// }
    /// batch.commit().await?;
    /// # Ok(()) }
    /// ```
    pub fn possibly_repeated(&self) -> usize {
        self.possibly_repeated
    }

    /// The checkpoint that [`commit`](Self::commit) saves.
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }

    /// Saves `value` under `name` with the checkpoint, atomically with it: the `export`
    /// example records its output file's committed length this way. Annotations belong to
    /// the collector: every later commit saves the latest value of each.
    ///
    /// ```no_run
    /// # async fn demo(mut batch: auditkit::collect::Batch<()>) -> Result<(), auditkit::Error> {
    /// batch.annotate("output_bytes", 4096);
    /// batch.commit().await?;
    /// # Ok(()) }
    /// ```
    pub fn annotate(&mut self, name: impl Into<String>, value: impl Into<serde_json::Value>) {
        self.annotations
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(name.into(), value.into());
    }

    /// Records the batch as delivered: saves its checkpoint to the collector's store.
    ///
    /// # Errors
    ///
    /// [`Error::Checkpoint`] when the store cannot save it; the previous checkpoint stays,
    /// and the next run delivers this batch again.
    pub async fn commit(mut self) -> Result<(), Error> {
        let annotations =
            self.annotations.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
        for (name, value) in annotations {
            self.checkpoint.annotate(name, value);
        }
        self.store.save(&self.checkpoint).await
    }
}

impl<E> fmt::Debug for Batch<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batch")
            .field("events", &self.events.len())
            .field("undecodable", &self.undecodable.len())
            .field("possibly_repeated", &self.possibly_repeated)
            .field("high_water_mark", &self.checkpoint.high_water_mark())
            .field("store", &self.store)
            .finish()
    }
}
