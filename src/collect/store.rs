//! Where checkpoints live: the store trait, and a store in memory.

use std::{
    collections::BTreeMap,
    fmt,
    sync::{Arc, Mutex},
};

use futures::future::BoxFuture;

use super::Checkpoint;
use crate::Error;

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
/// ```
/// use auditkit::collect::MemoryStore;
///
/// let store = MemoryStore::new();
/// assert!(store.get("qualtrics/logins").is_none());
/// ```
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    checkpoints: Arc<Mutex<BTreeMap<String, Checkpoint>>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
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
