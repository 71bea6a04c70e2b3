//! Checkpoints in one JSON file and its journal: each save appends what changed (the new
//! keys, the position) to `<file>.journal` and flushes it; when the journal outgrows the
//! file, both are merged into a new file written atomically (a temporary file, flushed,
//! renamed over the old one, the directory flushed), and the journal is emptied.

use std::{
    collections::{BTreeMap, HashMap},
    io::Write,
    path::{Path, PathBuf},
    sync::Arc,
};

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize, de::DeserializeSeed};
use std::sync::Mutex;

use super::{
    Checkpoint, CheckpointStore,
    checkpoint::KeysMark,
    one_source::{LineSource, OneSource},
};
use crate::{CheckpointError, Error};

/// The checkpoints of any number of sources in one JSON file, saved so that a crash
/// mid-save leaves the previous checkpoint whole.
///
/// A save costs in proportion to what changed since this store's previous save of that
/// source (the batch's keys), not to the keys kept: it appends them to `<file>.journal`,
/// which is merged into the file once it outgrows it. Everything happens under an OS file
/// lock (`<file>.lock`), so any number of stores, in one process or many, share one file
/// without dropping each other's checkpoints. Two collectors of the *same* source still
/// must not run at once (the last commit wins): the `auditkit` command takes a lock per
/// source for that; a library user leases them (it is a
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
    /// Which copy of each source's checkpoint this store last loaded or saved: the next
    /// save writes the changes. Never held across an await: a collector's load and
    /// another's commit may be polled by one task, one waiting on the other.
    known: Arc<Mutex<HashMap<String, KeysMark>>>,
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

/// One line of the journal: a whole checkpoint, or what changed since the previous one.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    checkpoint: Checkpoint,
    #[serde(default)]
    changes: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    forgotten_before: Option<DateTime<Utc>>,
}

const FORMAT: u32 = 1;

/// The journal is merged into the file when it is larger than this and than the file.
const JOURNAL_MIN: u64 = 1 << 20;

impl FileStore {
    /// A store in the file at `path` (created on the first save; its directory must exist).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: Arc::new(path.into()),
            known: Arc::new(Mutex::new(HashMap::new())),
            timer: Arc::new(crate::timer::TokioTimer),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn known(&self) -> std::sync::MutexGuard<'_, HashMap<String, KeysMark>> {
        self.known.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
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
        let file = blocking(move || {
            let _lock = lock(&path)?;
            read(&path)
        })
        .await?;
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
        self.known().remove(source);
        let (path, source) = (Arc::clone(&self.path), source.to_owned());
        blocking(move || {
            let _lock = lock(&path)?;
            let mut file = read(&path)?;
            let removed = file.checkpoints.remove(&source);
            compact(&path, &file)?;
            Ok(removed)
        })
        .await
    }
}

impl FileStore {
    /// Reads the file with its journal, applies `change` and writes the whole file back
    /// (emptying the journal), all under the OS lock: how leases and fenced commits change
    /// it. What this store remembers of earlier saves is dropped, so its next save is whole.
    pub(super) async fn change<T: Send + 'static>(
        &self,
        change: impl FnOnce(&mut StoreFile) -> T + Send + 'static,
    ) -> Result<T, Error> {
        let path = Arc::clone(&self.path);
        let result = blocking(move || {
            let _lock = lock(&path)?;
            let mut file = read(&path)?;
            let out = change(&mut file);
            compact(&path, &file)?;
            Ok(out)
        })
        .await;
        self.known().clear();
        result
    }
}

impl CheckpointStore for FileStore {
    fn load<'a>(&'a self, source: &'a str) -> BoxFuture<'a, Result<Option<Checkpoint>, Error>> {
        Box::pin(async move {
            let (path, only) = (Arc::clone(&self.path), source.to_owned());
            let mut file = blocking(move || {
                let _lock = lock(&path)?;
                read_only(&path, Some(&only))
            })
            .await?;
            let found = file.checkpoints.remove(source);
            let mut known = self.known();
            match &found {
                Some(checkpoint) => known.insert(source.to_owned(), checkpoint.keys_mark()),
                None => known.remove(source),
            };
            Ok(found)
        })
    }

    fn save<'a>(&'a self, checkpoint: &'a Checkpoint) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            let changes = self
                .known()
                .get(checkpoint.source())
                .and_then(|earlier| checkpoint.changes_since(*earlier));
            let record = match changes {
                Some(changes) => Record {
                    checkpoint: changes,
                    changes: true,
                    forgotten_before: checkpoint.keys_forgotten_before(),
                },
                None => Record {
                    checkpoint: checkpoint.clone(),
                    changes: false,
                    forgotten_before: None,
                },
            };
            let path = Arc::clone(&self.path);
            let mut line = serde_json::to_vec(&record).map_err(|error| {
                CheckpointError::at("save", path.to_path_buf(), error.to_string())
            })?;
            line.push(b'\n');
            let whole = !record.changes;
            let result = blocking(move || {
                let _lock = lock(&path)?;
                if whole {
                    // Not a change to what this store saw: check the file first, so one of
                    // a newer format is never written to.
                    read(&path)?;
                }
                append(&path, &line)
            })
            .await;
            let mut known = self.known();
            match result {
                Ok(()) => {
                    known.insert(checkpoint.source().to_owned(), checkpoint.keys_mark());
                    Ok(())
                }
                Err(error) => {
                    // What the file holds is unknown: the next save writes it whole.
                    known.remove(checkpoint.source());
                    Err(error)
                }
            }
        })
    }
}

/// The file's OS lock, `<file>.lock` beside it, held until dropped; `None` when its
/// directory does not exist (then there is no file to guard, and a save says so).
fn lock(path: &Path) -> Result<Option<std::fs::File>, CheckpointError> {
    let lock_path = beside(path, ".lock");
    let io = |error| CheckpointError::io("lock", lock_path.clone(), error);
    let opened =
        std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path);
    let file = match opened {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(io(error)),
    };
    fs4::fs_std::FileExt::lock_exclusive(&file).map_err(io)?;
    Ok(Some(file))
}

/// `<name><suffix>` beside the file, so a rename stays within one file system.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(|name| name.to_os_string()).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// Appends `line` to the journal, flushed; merges the journal into the file when it has
/// outgrown it.
fn append(path: &Path, line: &[u8]) -> Result<(), CheckpointError> {
    let journal = beside(path, ".journal");
    let io = |error| CheckpointError::io("save", journal.clone(), error);
    let created = !journal.exists();
    let mut out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .read(true)
        .open(&journal)
        .map_err(io)?;
    cut_torn_line(&mut out).map_err(io)?;
    out.write_all(line).map_err(io)?;
    out.sync_data().map_err(io)?;
    if created {
        sync_directory(&journal).map_err(io)?;
    }
    let journal_bytes = out.metadata().map_err(io)?.len();
    let file_bytes = std::fs::metadata(path).map_or(0, |metadata| metadata.len());
    if journal_bytes > JOURNAL_MIN.max(file_bytes) {
        let merged = read(path)?;
        compact(path, &merged)?;
    }
    Ok(())
}

/// A save cut by a crash leaves a last line without its newline: it goes before the next
/// line is appended (it was never acknowledged).
fn cut_torn_line(journal: &mut std::fs::File) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let length = journal.metadata()?.len();
    if length == 0 {
        return Ok(());
    }
    let mut last = [0u8; 1];
    journal.seek(SeekFrom::Start(length - 1))?;
    journal.read_exact(&mut last)?;
    if last[0] == b'\n' {
        return Ok(());
    }
    let tail = length.min(1 << 20);
    let mut buffer = vec![0u8; usize::try_from(tail).unwrap_or(0)];
    journal.seek(SeekFrom::Start(length - tail))?;
    journal.read_exact(&mut buffer)?;
    let keep = buffer
        .iter()
        .rposition(|byte| *byte == b'\n')
        .map_or(length - tail, |at| length - tail + at as u64 + 1);
    journal.set_len(keep)?;
    journal.sync_data()
}

/// Writes `file` whole (atomically), then empties the journal it includes.
fn compact(path: &Path, file: &StoreFile) -> Result<(), CheckpointError> {
    #[derive(Serialize)]
    struct Whole<'a> {
        format: u32,
        checkpoints: &'a BTreeMap<String, Checkpoint>,
        #[serde(skip_serializing_if = "BTreeMap::is_empty")]
        leases: &'a BTreeMap<String, super::lease::LeaseRecord>,
    }
    let whole = Whole { format: FORMAT, checkpoints: &file.checkpoints, leases: &file.leases };
    let bytes = serde_json::to_vec(&whole)
        .map_err(|error| CheckpointError::at("save", path.to_path_buf(), error.to_string()))?;
    write_atomically(path, &bytes)?;
    let journal = beside(path, ".journal");
    match std::fs::OpenOptions::new().write(true).open(&journal) {
        Ok(out) => {
            let io = |error| CheckpointError::io("save", journal.clone(), error);
            out.set_len(0).map_err(io)?;
            out.sync_all().map_err(io)
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(CheckpointError::io("save", journal.clone(), error)),
    }
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
    read_only(path, None)
}

/// The file and its journal, with every source's checkpoint, or `only` that source's.
fn read_only(path: &Path, only: Option<&str>) -> Result<StoreFile, CheckpointError> {
    let mut file = read_file(path, only)?;
    let journal = beside(path, ".journal");
    let text = match std::fs::read(&journal) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(file),
        Err(error) => return Err(CheckpointError::io("read", journal, error)),
    };
    let mut lines = text.split(|byte| *byte == b'\n').peekable();
    while let Some(line) = lines.next() {
        if line.is_empty() {
            continue;
        }
        // Another source's line: its source is read, not its keys.
        let parsed = match only {
            Some(only) => serde_json::from_slice::<LineSource>(line).and_then(|line_of| {
                if line_of.source() == only {
                    serde_json::from_slice::<Record>(line).map(Some)
                } else {
                    Ok(None)
                }
            }),
            None => serde_json::from_slice::<Record>(line).map(Some),
        };
        let record = match parsed {
            Ok(Some(record)) => record,
            Ok(None) => continue,
            // A save cut by a crash: its line is the last and was never acknowledged.
            Err(_) if lines.peek().is_none_or(|rest| rest.is_empty()) && !text.ends_with(b"\n") => {
                break;
            }
            Err(error) => {
                return Err(CheckpointError::at(
                    "read",
                    journal,
                    format!(
                        "a line of the journal is not a checkpoint ({error}): restore it from a \
                         backup, or remove it to go back to the checkpoints of {}",
                        path.display()
                    ),
                ));
            }
        };
        let source = record.checkpoint.source().to_owned();
        match file.checkpoints.get_mut(&source) {
            Some(earlier) if record.changes => {
                earlier.apply(&record.checkpoint, record.forgotten_before)
            }
            _ => {
                file.checkpoints.insert(source, record.checkpoint);
            }
        }
    }
    Ok(file)
}

fn read_file(path: &Path, only: Option<&str>) -> Result<StoreFile, CheckpointError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(StoreFile::default());
        }
        Err(error) => return Err(CheckpointError::io("read", path.to_owned(), error)),
    };
    let parsed = match only {
        Some(only) => {
            let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
            OneSource(only).deserialize(&mut deserializer).and_then(|(format, found)| {
                deserializer.end()?;
                let mut file = StoreFile { format, ..StoreFile::default() };
                file.checkpoints.extend(found.map(|found| (only.to_owned(), found)));
                Ok(file)
            })
        }
        None => serde_json::from_slice(&bytes),
    };
    let file: StoreFile = parsed.map_err(|error| {
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
    let temporary = beside(path, ".tmp");
    let mut out = std::fs::File::create(&temporary).map_err(io)?;
    out.write_all(bytes).map_err(io)?;
    out.sync_all().map_err(io)?;
    drop(out);
    std::fs::rename(&temporary, path).map_err(io)?;
    sync_directory(path).map_err(io)
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

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn scratch() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("auditkit-journal-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("checkpoints.json")
    }

    #[tokio::test]
    async fn loading_one_source_gives_what_reading_every_source_gives_for_it() {
        let path = scratch();
        let store = FileStore::new(&path);
        let start = Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap();
        let mut live: Vec<Checkpoint> =
            (0..3).map(|n| Checkpoint::new(format!("test/source-{n}"))).collect();
        for batch in 0..6i64 {
            for (index, checkpoint) in live.iter_mut().enumerate() {
                for n in 0..50i64 {
                    let key = format!("key-{index}-{batch}-{n}");
                    checkpoint.deliver(
                        &key,
                        start + chrono::TimeDelta::seconds(batch * 60 + n),
                        None,
                    );
                }
                if batch == 2 {
                    let end = start + chrono::TimeDelta::seconds(180);
                    checkpoint.complete_window(end, std::time::Duration::from_secs(3600), 5000);
                }
                store.save(&checkpoint.clone()).await.unwrap();
            }
            if batch == 3 {
                // Into the file: later saves are changes in the journal.
                compact(&path, &read(&path).unwrap()).unwrap();
            }
        }
        let every = read(&path).unwrap();
        for checkpoint in &live {
            let source = checkpoint.source();
            let one = read_only(&path, Some(source)).unwrap();
            assert_eq!(one.checkpoints.len(), 1);
            assert_eq!(one.checkpoints.get(source), every.checkpoints.get(source));
            assert_eq!(one.checkpoints.get(source), Some(checkpoint));
            assert_eq!(
                FileStore::new(&path).load(source).await.unwrap().as_ref(),
                Some(checkpoint)
            );
        }
        assert!(read_only(&path, Some("test/other")).unwrap().checkpoints.is_empty());

        // A file that is not a checkpoint file is refused alike.
        std::fs::write(&path, br#"{"checkpoints": {}}"#).unwrap();
        let error = read_only(&path, Some("test/source-0")).unwrap_err().to_string();
        assert!(error.contains("not a checkpoint file") && error.contains("format"), "{error}");
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[tokio::test]
    async fn saves_append_changes_and_a_reload_gives_the_checkpoint_back_through_compactions() {
        let path = scratch();
        let store = FileStore::new(&path);
        let start = Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap();
        let overlap = std::time::Duration::from_secs(3600);
        let mut live = Checkpoint::new("test/source".into());
        let mut compacted = false;
        for batch in 0..40i64 {
            for n in 0..1000i64 {
                let key = format!("key-{batch}-{n}");
                live.deliver(&key, start + chrono::TimeDelta::seconds(batch * 600 + n / 10), None);
            }
            if batch % 3 == 2 {
                live.complete_window(
                    start + chrono::TimeDelta::seconds((batch + 1) * 600),
                    overlap,
                    5000,
                );
            }
            live.annotate("output_bytes".into(), serde_json::json!(batch));
            store.save(&live.clone()).await.unwrap();
            let journal = std::fs::metadata(beside(&path, ".journal")).map_or(0, |m| m.len());
            compacted |= path.exists() && journal < 100_000 && batch > 0;
            if batch % 7 == 6 || batch == 39 {
                let reloaded = FileStore::new(&path).load("test/source").await.unwrap().unwrap();
                assert_eq!(reloaded, live, "after batch {batch}");
            }
        }
        assert!(compacted, "the journal was never merged into the file");
        let journal = std::fs::metadata(beside(&path, ".journal")).unwrap().len();
        let file = std::fs::metadata(&path).unwrap().len();
        assert!(journal <= JOURNAL_MIN.max(file) + 200_000, "{journal} {file}");
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[tokio::test]
    async fn a_journal_line_cut_by_a_crash_is_dropped_and_cut_before_the_next_save() {
        let path = scratch();
        let store = FileStore::new(&path);
        let mut live = Checkpoint::new("test/source".into());
        let at = Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap();
        live.deliver("a", at, None);
        store.save(&live.clone()).await.unwrap();
        let journal = beside(&path, ".journal");
        let mut out = std::fs::OpenOptions::new().append(true).open(&journal).unwrap();
        out.write_all(br#"{"checkpoint":{"source":"test/sou"#).unwrap();
        drop(out);
        assert_eq!(FileStore::new(&path).load("test/source").await.unwrap().unwrap(), live);
        live.deliver("b", at, None);
        store.save(&live.clone()).await.unwrap();
        assert_eq!(FileStore::new(&path).load("test/source").await.unwrap().unwrap(), live);
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }
}
