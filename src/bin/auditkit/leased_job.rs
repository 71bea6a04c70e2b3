//! One job of a replica: the sources the replica holds now, started and stopped as the
//! replicas share them out, each batch written to the job's sink then committed with the
//! source's fencing token.
//!
//! A batch that cannot be delivered (the sink failed, or its commit was refused or its
//! outcome is unknown) stops its source, and the sink is opened again before the next
//! write, as after a crash: the file is cut back to what the store's checkpoints say was
//! committed, so a batch whose commit did not land leaves nothing behind. The source
//! starts again later, from its checkpoint, here or at another replica.

use std::{collections::BTreeMap, sync::Arc};

use auditkit::{CheckpointErrorKind, Error, collect::CheckpointStore};
use futures::{
    FutureExt, StreamExt,
    stream::{BoxStream, SelectAll},
};
use tokio::sync::{mpsc, oneshot, watch};

use super::{
    failure::Failure,
    job::{Backing, Job},
    lines::{Origin, Prepared},
    pipeline::Shared,
    progress::Figures,
    sinks::{DeliveryError, Sink},
};

/// What the replica's scheduler tells a job.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Order {
    /// Collect the job's `n`th source (its lease is taken by its collector).
    Start(usize),
    /// Stop collecting it: its lease is released.
    Stop(usize),
}

/// A source of job `job` that stopped here, so the scheduler no longer counts it as held.
pub(crate) type Ended = (usize, usize);

type Batches = BoxStream<'static, (usize, Result<Prepared, Error>)>;

/// A job running the sources it is told to.
pub(crate) struct LeasedJob {
    pub(crate) index: usize,
    pub(crate) job: Job,
    pub(crate) backing: Backing,
    /// Where the sink's committed lengths are read when it is opened.
    pub(crate) store: Arc<dyn CheckpointStore>,
    pub(crate) orders: mpsc::UnboundedReceiver<Order>,
    pub(crate) ended: mpsc::UnboundedSender<Ended>,
    pub(crate) stop: watch::Receiver<bool>,
}

impl LeasedJob {
    /// Runs until `stop`; the batch in hand is finished first.
    pub(crate) async fn run(mut self, shared: Arc<Shared>) -> Result<(), Failure> {
        let origins = self.job.origins();
        let mut running: SelectAll<Batches> = SelectAll::new();
        let mut stops: BTreeMap<usize, oneshot::Sender<()>> = BTreeMap::new();
        // Opened at once: a restarted replica cuts back what it wrote uncommitted before it
        // died, even when nothing new comes to write after it.
        let mut sink = self.open(&origins).await.map_err(|failure| self.unopened(&failure)).ok();
        loop {
            if *self.stop.borrow() {
                return Ok(());
            }
            tokio::select! {
                biased;
                _ = self.stop.changed() => return Ok(()),
                order = self.orders.recv() => match order {
                    None => return Ok(()),
                    Some(Order::Start(n)) if !stops.contains_key(&n) => {
                        let (_, batches) = self.job.source_stream(n, &self.backing, shared.mode);
                        let (stop, stopped) = oneshot::channel();
                        stops.insert(n, stop);
                        running.push(
                            batches.take_until(stopped.map(|_| ())).map(move |next| (n, next)).boxed(),
                        );
                        tracing::info!(source = %origins[n].checkpoint, "collecting here");
                    }
                    Some(Order::Start(_)) => {}
                    // Dropping the stream drops its lease, which is released.
                    Some(Order::Stop(n)) => {
                        if stops.remove(&n).is_some() {
                            tracing::info!(source = %origins[n].checkpoint, "handed over to another replica");
                        }
                    }
                },
                next = running.next(), if !running.is_empty() => {
                    let Some((n, next)) = next else { continue };
                    let origin = &origins[n];
                    let delivered = match next {
                        Ok(prepared) => self.deliver(&mut sink, &origins, prepared, &shared).await,
                        Err(error) => Err(self.failed(origin, &error, &shared)),
                    };
                    if delivered == Err(true) {
                        stops.remove(&n);
                        let _ = self.ended.send((self.index, n));
                    }
                }
            }
        }
    }

    /// A collector's error: whether the source stops here.
    fn failed(&self, origin: &Origin, error: &Error, shared: &Shared) -> bool {
        let kind = match error {
            Error::Checkpoint(error) => Some(error.kind()),
            _ => None,
        };
        match kind {
            Some(CheckpointErrorKind::LeaseHeld) => {
                tracing::info!(source = %origin.checkpoint, "collected by another replica: {error}");
                true
            }
            Some(CheckpointErrorKind::Fenced) => {
                tracing::warn!(source = %origin.checkpoint, "lease lost: {error}");
                shared.progress.failed(&origin.checkpoint, &error.to_string());
                true
            }
            _ => {
                shared.progress.failed(&origin.checkpoint, &error.to_string());
                tracing::warn!(source = %origin.checkpoint, "will try again at the next interval: {error}");
                false
            }
        }
    }

    /// Writes and commits a batch; on failure, whether its source stops (always: it starts
    /// again from its checkpoint).
    async fn deliver(
        &self,
        sink: &mut Option<Sink>,
        origins: &[Origin],
        prepared: Prepared,
        shared: &Shared,
    ) -> Result<(), bool> {
        let source = prepared.origin.checkpoint.clone();
        if sink.is_none() {
            match self.open(origins).await {
                Ok(opened) => *sink = Some(opened),
                Err(failure) => {
                    shared.progress.failed(&source, &failure.to_string());
                    tracing::error!(%source, sink = %self.job.sink.describe(), "cannot open the sink, the batch waits: {failure}");
                    return Err(true);
                }
            }
        }
        let Some(open) = sink.as_mut() else { return Err(true) };
        let written = shared.written.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        let abort = shared.abort_after_write == Some(written);
        let figures = Figures::of(&prepared);
        let message = match open.deliver(prepared, abort).await {
            Ok(()) => {
                shared.progress.batch(&source, figures);
                return Ok(());
            }
            Err(DeliveryError::Sink(message)) => message,
            Err(DeliveryError::Commit(error)) => error.to_string(),
        };
        shared.progress.failed(&source, &message);
        tracing::warn!(%source, "the batch was not delivered, the source starts again from its checkpoint: {message}");
        // Opened again, as after a crash: cut back to what was committed (before the next
        // write when the store cannot be read now).
        *sink = None;
        *sink = self.open(origins).await.map_err(|failure| self.unopened(&failure)).ok();
        Err(true)
    }

    fn unopened(&self, failure: &Failure) {
        tracing::warn!(sink = %self.job.sink.describe(), "cannot open the sink now, trying again before the next batch: {failure}");
    }

    /// The job's sink, at what the store's checkpoints of its sources say was committed.
    async fn open(&self, origins: &[Origin]) -> Result<Sink, Failure> {
        let mut checkpoints = Vec::new();
        for origin in origins {
            checkpoints.extend(self.store.load(&origin.checkpoint).await?);
        }
        Sink::open(&self.job.sink, self.job.format, &checkpoints, origins)
    }
}
