//! Where checkpoints live: the store trait, and a store in memory.

use std::{
    collections::BTreeMap,
    fmt,
    sync::{Arc, Mutex},
    time::Duration,
};

use futures::future::BoxFuture;

use super::{
    Checkpoint,
    lease::{Acquired, FencingToken, Lease, LeaseRecord, LeasedStore},
};
use crate::{Error, Timer};

/// Keeps the checkpoints of one or more collectors, each under its source's
/// [`id`](super::Source::id).
///
/// [`FileStore`](super::FileStore) (one JSON file, written atomically) is the usual
/// choice; [`MemoryStore`] suits tests. Implement it to keep checkpoints in a database,
/// ideally in the same transaction as the sink's data.
///
/// ```
/// use auditkit::{Error, collect::{Checkpoint, CheckpointStore}};
/// use futures::future::BoxFuture;
///
/// #[derive(Debug)]
/// struct Logged;
///
/// impl CheckpointStore for Logged {
///     fn load<'a>(&'a self, _source: &'a str) -> BoxFuture<'a, Result<Option<Checkpoint>, Error>> {
///         Box::pin(async { Ok(None) })
///     }
///     fn save<'a>(&'a self, checkpoint: &'a Checkpoint) -> BoxFuture<'a, Result<(), Error>> {
///         Box::pin(async move {
///             println!("{}", serde_json::to_string(checkpoint).unwrap_or_default());
///             Ok(())
///         })
///     }
/// }
/// ```
pub trait CheckpointStore: Send + Sync + fmt::Debug + 'static {
    /// The checkpoint saved for `source`, or `None` when there is none yet.
    fn load<'a>(&'a self, source: &'a str) -> BoxFuture<'a, Result<Option<Checkpoint>, Error>>;

    /// Saves `checkpoint` under its [`source`](Checkpoint::source), replacing the previous
    /// one. When it returns `Ok`, the checkpoint must survive a crash.
    fn save<'a>(&'a self, checkpoint: &'a Checkpoint) -> BoxFuture<'a, Result<(), Error>>;
}

/// Checkpoints in memory, shared by its clones: for tests, or a collector that may start
/// over when the process does.
///
/// It is a [`LeasedStore`] too, for tests of leased collectors in one process; its lease
/// times come from a [`Timer`]'s wall clock ([`with_timer`](Self::with_timer) pins it).
///
/// ```
/// use auditkit::collect::MemoryStore;
///
/// let store = MemoryStore::new();
/// assert!(store.get("qualtrics/logins").is_none());
/// ```
#[derive(Debug, Clone)]
pub struct MemoryStore {
    checkpoints: Arc<Mutex<BTreeMap<String, Checkpoint>>>,
    leases: Arc<Mutex<BTreeMap<String, LeaseRecord>>>,
    timer: Arc<dyn Timer>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::with_timer(Arc::new(crate::timer::TokioTimer))
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty store whose leases follow `timer`'s wall clock.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use auditkit::{collect::MemoryStore, testkit::VirtualTimer};
    ///
    /// let store = MemoryStore::with_timer(Arc::new(VirtualTimer::new()));
    /// ```
    pub fn with_timer(timer: Arc<dyn Timer>) -> Self {
        Self { checkpoints: Arc::default(), leases: Arc::default(), timer }
    }

    /// Changes `source`'s lease record under the lock, at the timer's now.
    fn lease<T>(
        &self,
        source: &str,
        change: impl FnOnce(&mut LeaseRecord, chrono::DateTime<chrono::Utc>) -> T,
    ) -> T {
        let now = self.timer.wall_clock();
        let mut leases = self.leases.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        change(leases.entry(source.to_owned()).or_default(), now)
    }

    /// The checkpoint saved for `source`.
    pub fn get(&self, source: &str) -> Option<Checkpoint> {
        self.checkpoints
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(source)
            .cloned()
    }
}

impl CheckpointStore for MemoryStore {
    fn load<'a>(&'a self, source: &'a str) -> BoxFuture<'a, Result<Option<Checkpoint>, Error>> {
        let found = self.get(source);
        Box::pin(async move { Ok(found) })
    }

    fn save<'a>(&'a self, checkpoint: &'a Checkpoint) -> BoxFuture<'a, Result<(), Error>> {
        self.checkpoints
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(checkpoint.source().to_owned(), checkpoint.clone());
        Box::pin(async { Ok(()) })
    }
}

impl LeasedStore for MemoryStore {
    fn acquire<'a>(
        &'a self,
        source: &'a str,
        holder: &'a str,
        duration: Duration,
    ) -> BoxFuture<'a, Result<Acquired, Error>> {
        let acquired =
            self.lease(source, |record, now| record.acquire(source, holder, duration, now));
        Box::pin(async move { Ok(acquired) })
    }

    fn renew<'a>(
        &'a self,
        lease: &'a Lease,
        duration: Duration,
    ) -> BoxFuture<'a, Result<Lease, Error>> {
        let renewed = self.lease(lease.source(), |record, now| record.renew(lease, duration, now));
        Box::pin(async move { renewed.map_err(Error::from) })
    }

    fn release<'a>(&'a self, lease: &'a Lease) -> BoxFuture<'a, Result<(), Error>> {
        self.lease(lease.source(), |record, _| record.release(lease));
        Box::pin(async { Ok(()) })
    }

    fn commit<'a>(
        &'a self,
        checkpoint: &'a Checkpoint,
        token: FencingToken,
    ) -> BoxFuture<'a, Result<(), Error>> {
        // The lease lock is held across the check and the save: nothing moves between them.
        let source = checkpoint.source();
        let mut leases = self.leases.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let checked = leases.entry(source.to_owned()).or_default().check(source, token, "commit");
        if checked.is_ok() {
            self.checkpoints
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .insert(source.to_owned(), checkpoint.clone());
        }
        drop(leases);
        Box::pin(async move { checked.map_err(Error::from) })
    }
}
