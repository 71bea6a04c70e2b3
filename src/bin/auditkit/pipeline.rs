//! The loop of `collect` and `export`: every job's sources read concurrently, each batch
//! written to its job's sink then committed; a job's failure never stops another's; on
//! SIGTERM or Ctrl-C the batch in hand is finished and committed, then the loop ends.

use std::{
    collections::BTreeMap,
    path::PathBuf,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use auditkit::collect::FileStore;
use futures::{StreamExt, stream};
use tokio::sync::watch;

use super::{
    failure::Failure,
    job::{Job, Mode},
    lock::{Held, source_lock},
    progress::{Figures, Progress},
    sinks::{DeliveryError, Sink},
};

/// What every job shares.
pub(crate) struct Shared {
    pub(crate) mode: Mode,
    pub(crate) shutdown: watch::Receiver<bool>,
    pub(crate) progress: Arc<Progress>,
    /// Crash tests: abort after writing this many batches (all jobs together).
    pub(crate) abort_after_write: Option<u64>,
    pub(crate) written: AtomicU64,
}

/// A job ready to run: its locks taken and its sink open (`None` after a failed delivery
/// until it is opened again).
struct Ready {
    job: Job,
    store: FileStore,
    sink: Option<Sink>,
    _locks: Vec<Held>,
}

/// Runs `jobs` until done (export) or shut down (collect).
pub(crate) async fn run(jobs: Vec<Job>, shared: Arc<Shared>) -> Result<(), Failure> {
    // Everything that can refuse is checked before anything runs.
    let mut stores: BTreeMap<PathBuf, FileStore> = BTreeMap::new();
    let mut ready = Vec::new();
    for job in jobs {
        let store = stores
            .entry(job.checkpoint.clone())
            .or_insert_with(|| FileStore::new(&job.checkpoint))
            .clone();
        let origins = job.origins();
        let mut locks = Vec::new();
        for origin in &origins {
            let what =
                format!("source {} (checkpoint {})", origin.checkpoint, job.checkpoint.display());
            locks.push(Held::take(&source_lock(&job.checkpoint, &origin.checkpoint), &what)?);
        }
        let checkpoints = store.checkpoints().await?;
        // Where each source stands before its first commit here: its lag shows from the
        // start, even for a source that fails from the start.
        for checkpoint in &checkpoints {
            if let Some(hwm) = checkpoint.high_water_mark()
                && origins.iter().any(|origin| origin.checkpoint == checkpoint.source())
            {
                shared.progress.resume(checkpoint.source(), hwm);
            }
        }
        let sink = Sink::open(&job.sink, job.format, &checkpoints, &origins)?;
        ready.push(Ready { job, store, sink: Some(sink), _locks: locks });
    }
    let tasks: Vec<_> = ready
        .into_iter()
        .map(|ready| {
            let shared = Arc::clone(&shared);
            tokio::spawn(async move { run_job(ready, &shared).await })
        })
        .collect();
    let mut failures = Vec::new();
    let count = tasks.len();
    for task in tasks {
        match task.await {
            Ok(Ok(())) => {}
            Ok(Err(failure)) => failures.push(failure),
            Err(join) => failures.push(Failure::Io(format!("a job stopped: {join}"))),
        }
    }
    match failures.len() {
        0 => Ok(()),
        n if n == count => Err(failures.remove(0)),
        n => Err(Failure::Partial(format!(
            "{n} of {count} jobs failed: {}",
            failures.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
        ))),
    }
}

async fn run_job(mut ready: Ready, shared: &Shared) -> Result<(), Failure> {
    let job = &ready.job;
    let mut shutdown = shared.shutdown.clone();
    let mut source_failures: Vec<String> = Vec::new();
    loop {
        let sink = match &mut ready.sink {
            Some(sink) => sink,
            None => match open_again(job, &ready.store).await {
                Ok(sink) => ready.sink.insert(sink),
                Err(failure) => {
                    tracing::warn!(job = %job.name, sink = %job.sink.describe(), "cannot open the sink again; trying again in {:?}: {failure}", job.interval);
                    tokio::select! {
                        _ = shutdown.changed() => return Ok(()),
                        _ = tokio::time::sleep(job.interval) => {}
                    }
                    continue;
                }
            },
        };
        let streams = job
            .streams(&ready.store, shared.mode)
            .into_iter()
            .map(|(origin, batches)| batches.map(move |next| (origin.clone(), next)).boxed());
        let mut batches = stream::select_all(streams);
        let sink_failure = loop {
            if *shutdown.borrow() {
                return Ok(());
            }
            let next = tokio::select! {
                biased;
                _ = shutdown.changed() => return Ok(()),
                next = batches.next() => next,
            };
            let Some((origin, next)) = next else { break None };
            let prepared = match next {
                Ok(prepared) => prepared,
                Err(error) => {
                    shared.progress.failed(&origin.checkpoint, &error.to_string());
                    if shared.mode == Mode::Follow {
                        tracing::warn!(source = %origin.checkpoint, "will try again at the next interval: {error}");
                    } else {
                        tracing::error!(source = %origin.checkpoint, "{error}");
                        source_failures.push(format!("{}: {error}", origin.checkpoint));
                    }
                    continue;
                }
            };
            let written = shared.written.fetch_add(1, Ordering::SeqCst) + 1;
            let abort = shared.abort_after_write == Some(written);
            let figures = Figures::of(&prepared);
            match sink.deliver(prepared, abort).await {
                Ok(()) => shared.progress.batch(&origin.checkpoint, figures),
                Err(DeliveryError::Sink(message)) => {
                    shared.progress.failed(&origin.checkpoint, &message);
                    break Some(Failure::Io(message));
                }
                Err(DeliveryError::Commit(error)) => {
                    shared.progress.failed(&origin.checkpoint, &error.to_string());
                    break Some(Failure::from(error));
                }
            }
        };
        match (sink_failure, shared.mode) {
            (None, _) if source_failures.is_empty() => return Ok(()),
            (None, _) => return Err(Failure::Io(source_failures.join("; "))),
            (Some(failure), Mode::Once) => return Err(failure),
            (Some(failure), Mode::Follow) => {
                // Nothing after the failed batch is committed: the next round starts from
                // the last commit, for this job's sources only. The sink is opened again
                // as after a crash, so a file is cut back to what was committed and the
                // batch written but not committed is not written twice (the old sink goes
                // first: it holds the output's lock).
                ready.sink = None;
                tracing::error!(job = %job.name, sink = %job.sink.describe(), "{failure}; trying again in {:?}", job.interval);
                tokio::select! {
                    _ = shutdown.changed() => return Ok(()),
                    _ = tokio::time::sleep(job.interval) => {}
                }
            }
        }
    }
}

/// The job's sink opened again at what its sources' checkpoints say was committed.
async fn open_again(job: &Job, store: &FileStore) -> Result<Sink, Failure> {
    Sink::open(&job.sink, job.format, &store.checkpoints().await?, &job.origins())
}
