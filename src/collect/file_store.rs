//! Checkpoints in one JSON file, replaced atomically: write a temporary file, flush it to
//! disk, rename it over the old one, flush the directory.

use std::{
    collections::BTreeMap,
    io::Write,
    path::{Path, PathBuf},
    sync::Arc,
};

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use super::{Checkpoint, CheckpointStore};
use crate::{CheckpointError, Error};

/// The checkpoints of any number of sources in one JSON file, replaced atomically on each
/// save: a crash mid-save leaves the previous file whole.
///
/// Each save reads the file again, changes its own source's checkpoint and writes it back
/// under an OS file lock (`<file>.lock`), so any number of stores, in one process or many,
/// share one file without dropping each other's checkpoints. Two collectors of the *same*
/// source still must not run at once (the last commit wins): the `auditkit` command takes
/// a lock per source for that; a library user leases them (it is a
/// [`LeasedStore`](super::LeasedStore): see `Collector::leased_store`).
///
/// ```no_run
/// use auditkit::collect::{Collector, FileStore};
/// use auditkit::qualtrics::Logins;
///
/// # fn demo(client: auditkit::Client) {
/// let store = FileStore::new("/var/lib/auditkit/checkpoints.json");
/// let collector = Collector::new(client.qualtrics().event_source::<Logins>()).store(store);
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct FileStore {
    path: Arc<PathBuf>,
    /// Serializes this process's saves (the OS lock does it across processes).
    saving: Arc<Mutex<()>>,
    /// The clock of its leases (`file_lease`).
    pub(super) timer: Arc<dyn crate::Timer>,
}

/// The file's shape; `format` lets a later version read older files.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct StoreFile {
    format: u32,
    pub(super) checkpoints: BTreeMap<String, Checkpoint>,
    /// Leases by source (`file_lease`); absent from files without any.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(super) leases: BTreeMap<String, super::lease::LeaseRecord>,
}

const FORMAT: u32 = 1;

impl FileStore {
    /// A store in the file at `path` (created on the first save; its directory must exist).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: Arc::new(path.into()),
            saving: Arc::new(Mutex::new(())),
            timer: Arc::new(crate::timer::TokioTimer),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every checkpoint in the file, by source: for a tool that records something across
    /// sources (the `auditkit` command takes the largest committed output length).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), auditkit::Error> {
    /// let store = auditkit::collect::FileStore::new("checkpoints.json");
    /// for checkpoint in store.checkpoints().await? {
    ///     println!("{}: {:?}", checkpoint.source(), checkpoint.high_water_mark());
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Checkpoint`] when the file cannot be read or is not a checkpoint file.
    pub async fn checkpoints(&self) -> Result<Vec<Checkpoint>, Error> {
        let path = Arc::clone(&self.path);
        let file = blocking(move || read(&path)).await?;
        Ok(file.checkpoints.into_values().collect())
    }

    /// Removes `source`'s checkpoint (its next run starts from the lookback again), under
    /// the file's lock; the checkpoint removed, if there was one.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), auditkit::Error> {
    /// let store = auditkit::collect::FileStore::new("checkpoints.json");
    /// if store.remove("qualtrics/logins").await?.is_some() {
    ///     println!("qualtrics/logins starts over");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Checkpoint`] when the file cannot be read, locked or written.
    pub async fn remove(&self, source: &str) -> Result<Option<Checkpoint>, Error> {
        let source = source.to_owned();
        self.change(move |file| file.checkpoints.remove(&source)).await
    }

    /// Reads the file, applies `change` and writes it back, all under the OS lock.
    pub(super) async fn change<T: Send + 'static>(
        &self,
        change: impl FnOnce(&mut StoreFile) -> T + Send + 'static,
    ) -> Result<T, Error> {
        let _saving = self.saving.lock().await;
        let path = Arc::clone(&self.path);
        blocking(move || {
            let _lock = lock(&path)?;
            let mut file = read(&path)?;
            let result = change(&mut file);
            file.format = FORMAT;
            let bytes = serde_json::to_vec(&file).map_err(|error| {
                CheckpointError::at("save", path.to_path_buf(), error.to_string())
            })?;
            write_atomically(&path, &bytes)?;
            Ok(result)
        })
        .await
    }
}

impl CheckpointStore for FileStore {
    fn load<'a>(&'a self, source: &'a str) -> BoxFuture<'a, Result<Option<Checkpoint>, Error>> {
        Box::pin(async move {
            let path = Arc::clone(&self.path);
            let mut file = blocking(move || read(&path)).await?;
            Ok(file.checkpoints.remove(source))
        })
    }

    fn save<'a>(&'a self, checkpoint: &'a Checkpoint) -> BoxFuture<'a, Result<(), Error>> {
        let checkpoint = checkpoint.clone();
        Box::pin(async move {
            self.change(move |file| {
                file.checkpoints.insert(checkpoint.source().to_owned(), checkpoint);
            })
            .await
        })
    }
}

/// The file's OS lock, `<file>.lock` beside it, held until dropped.
fn lock(path: &Path) -> Result<std::fs::File, CheckpointError> {
    let mut name = path.file_name().map(|name| name.to_os_string()).unwrap_or_default();
    name.push(".lock");
    let lock_path = path.with_file_name(name);
    let io = |error| CheckpointError::io("lock", lock_path.clone(), error);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(io)?;
    fs4::fs_std::FileExt::lock_exclusive(&file).map_err(io)?;
    Ok(file)
}

/// Runs file I/O off the async worker threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, CheckpointError> + Send + 'static,
) -> Result<T, Error> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result.map_err(Error::from),
        Err(join) => {
            Err(CheckpointError::new("use", format!("the file task failed: {join}")).into())
        }
    }
}

fn read(path: &Path) -> Result<StoreFile, CheckpointError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(StoreFile::default());
        }
        Err(error) => return Err(CheckpointError::io("read", path.to_owned(), error)),
    };
    let file: StoreFile = serde_json::from_slice(&bytes).map_err(|error| {
        CheckpointError::at(
            "read",
            path.to_owned(),
            format!(
                "the file is not a checkpoint file ({error}); it was not written by this store, \
                 or was changed by hand: restore it from a backup, or remove it to start over \
                 (the next run then starts from the lookback)"
            ),
        )
    })?;
    if file.format > FORMAT {
        return Err(CheckpointError::at(
            "read",
            path.to_owned(),
            format!(
                "the file has format {}, newer than this auditkit reads ({FORMAT}): upgrade auditkit",
                file.format
            ),
        ));
    }
    Ok(file)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CheckpointError> {
    let io = |error| CheckpointError::io("save", path.to_owned(), error);
    let temporary = temporary_path(path);
    let mut out = std::fs::File::create(&temporary).map_err(io)?;
    out.write_all(bytes).map_err(io)?;
    out.sync_all().map_err(io)?;
    drop(out);
    std::fs::rename(&temporary, path).map_err(io)?;
    sync_directory(path).map_err(io)
}

/// `<name>.tmp` beside the file, so the rename stays within one file system.
fn temporary_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|name| name.to_os_string()).unwrap_or_default();
    name.push(".tmp");
    path.with_file_name(name)
}

/// Makes the rename itself durable. Directories cannot be opened for syncing on Windows,
/// where the rename is durable once it returns.
fn sync_directory(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let directory = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        std::fs::File::open(directory)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}
