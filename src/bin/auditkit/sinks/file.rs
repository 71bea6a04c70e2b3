//! The output file: JSON Lines (optionally one gzip member per batch), exactly once by
//! committed length. It appends to what it did not write and never cuts it; it cuts back
//! only the tail that a crashed run of its own wrote after its last commit. A file rotated
//! away (logrotate) is noticed before each batch and continued in a new one; it rotates
//! itself by size or age, right after a commit. With `--archive`, lines are chained and
//! each file it rotates gets a manifest (`archive`).

use std::{
    fs::{File, OpenOptions},
    io::{self, Read, Seek, SeekFrom, Write},
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use auditkit::collect::Checkpoint;
use serde_json::{Value, json};

use super::archive::{Archive, ArchiveSpec};
use crate::{
    args::Format,
    failure::Failure,
    lines::{Line, Origin},
    lock::{Held, beside},
};

use super::outputs;

pub(crate) struct Settings {
    pub(crate) gzip: bool,
    pub(crate) format: Format,
    pub(crate) rotate_size: Option<u64>,
    pub(crate) rotate_every: Option<Duration>,
    pub(crate) archive: Option<ArchiveSpec>,
}

pub(crate) struct FileSink {
    path: PathBuf,
    settings: Settings,
    file: File,
    /// The open file's identity (device and inode): a checkpoint's length counts only for it.
    identity: String,
    length: u64,
    opened: Instant,
    /// `<output>.lock`: held while running; it remembers where this run started writing a
    /// file that no checkpoint records yet.
    lock: Held,
    archive: Option<Box<Archive>>,
}

impl FileSink {
    pub(crate) fn open(
        path: &Path,
        settings: Settings,
        checkpoints: &[Checkpoint],
        origins: &[Origin],
    ) -> Result<Self, Failure> {
        let lock = Held::take(&beside(path, ".lock"), &path.display().to_string())?;
        let ids: Vec<&str> = origins.iter().map(|origin| origin.checkpoint.as_str()).collect();
        let checkpoints: Vec<_> =
            checkpoints.iter().filter(|checkpoint| ids.contains(&checkpoint.source())).collect();
        let (format, gzip) = (settings.format.name(), settings.gzip);
        let archive = settings.archive.is_some();
        for checkpoint in &checkpoints {
            let recorded = |name| checkpoint.annotation(name).cloned();
            // A file written before archives existed was written without one.
            let was_archive = recorded("output_file")
                .map(|_| recorded("output_archive").unwrap_or(json!(false)) == json!(true));
            let mismatch = match (recorded("output_format"), recorded("output_gzip")) {
                (Some(f), _) if f != json!(format) => {
                    Some(format!("--format {}", f.as_str().unwrap_or("?")))
                }
                (_, Some(g)) if g != json!(gzip) => Some(if g == json!(true) {
                    "--gzip".to_owned()
                } else {
                    "no --gzip".to_owned()
                }),
                _ => match was_archive {
                    Some(was) if was != archive => {
                        Some(if was { "--archive" } else { "no --archive" }.to_owned())
                    }
                    _ => None,
                },
            };
            if let Some(was) = mismatch {
                return Err(Failure::Usage(format!(
                    "{} was written with {was} (checkpoint of {}): refused, a file of two formats \
                     cannot be read; use another output, or the same options",
                    path.display(),
                    checkpoint.source()
                )));
            }
        }
        let committed = |identity: &str| {
            checkpoints
                .iter()
                .filter_map(|checkpoint| outputs::committed(checkpoint, identity))
                .max()
        };
        let archive = settings.archive.clone().map(|spec| {
            let sources = origins.iter().map(|origin| origin.checkpoint.clone()).collect();
            Box::new(Archive::resume(spec, checkpoints.iter().copied(), sources))
        });
        let mut sink = Self::start(path, settings, lock, &committed)?;
        sink.check_kind()?;
        if let Some(archive) = &archive {
            archive.start(path, sink.length, &mut sink.lock)?;
        }
        sink.archive = archive;
        Ok(sink)
    }

    /// Opens the file at the path and finds where to write: after its committed length,
    /// or (a file no checkpoint records) after what is in it.
    fn start(
        path: &Path,
        settings: Settings,
        mut lock: Held,
        committed: &dyn Fn(&str) -> Option<u64>,
    ) -> Result<Self, Failure> {
        let io = |error: io::Error| Failure::Io(format!("cannot open {}: {error}", path.display()));
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(path)
            .map_err(io)?;
        let metadata = file.metadata().map_err(io)?;
        let identity = identity(&metadata, path);
        let length = metadata.len();
        let mut state = lock.state();
        let started = (state["file"] == json!(identity)).then(|| state["start"].as_u64()).flatten();
        let start = match committed(&identity).or(started) {
            Some(start) if length > start => {
                file.set_len(start).map_err(io)?;
                file.sync_all().map_err(io)?;
                tracing::warn!(
                    output = %path.display(),
                    "dropped the {} bytes a previous run wrote after its last commit; they are written again",
                    length - start
                );
                start
            }
            Some(start) if length < start => {
                tracing::warn!(
                    output = %path.display(),
                    "the file is shorter than its last commit ({length} < {start} bytes): it was \
                     truncated (logrotate copytruncate?); continuing at its end"
                );
                length
            }
            Some(start) => start,
            None => length,
        };
        state["file"] = json!(identity);
        state["start"] = json!(start);
        lock.save(&state).map_err(io)?;
        file.seek(SeekFrom::Start(start)).map_err(io)?;
        Ok(Self {
            path: path.to_owned(),
            settings,
            file,
            identity,
            length: start,
            opened: Instant::now(),
            lock,
            archive: None,
        })
    }

    /// Refuses to add gzip to a plain file, or the reverse, that no checkpoint describes.
    fn check_kind(&mut self) -> Result<(), Failure> {
        if self.length == 0 {
            return Ok(());
        }
        let mut head = [0u8; 2];
        let read = File::open(&self.path).and_then(|mut file| file.read_exact(&mut head));
        let is_gzip = read.is_ok() && head == [0x1f, 0x8b];
        if is_gzip != self.settings.gzip {
            return Err(Failure::Usage(format!(
                "{} is {}gzip and --gzip is {}: refused, a file of two formats cannot be read",
                self.path.display(),
                if is_gzip { "" } else { "not " },
                if self.settings.gzip { "on" } else { "off" },
            )));
        }
        Ok(())
    }

    /// Appends `lines` (one gzip member with --gzip), flushed to disk; the annotations
    /// that record the new length.
    pub(crate) fn append(&mut self, lines: &[Line]) -> Result<Vec<(&'static str, Value)>, String> {
        self.follow_rotation()
            .map_err(|error| format!("cannot reopen {}: {error}", self.path.display()))?;
        let mut bytes = Vec::with_capacity(lines.iter().map(|line| line.json.len() + 1).sum());
        let head = self.archive.as_ref().map(|archive| archive.head().clone());
        match &mut self.archive {
            Some(archive) => archive.seal(lines, &mut bytes)?,
            None => {
                for line in lines {
                    bytes.extend_from_slice(&line.json);
                    bytes.push(b'\n');
                }
            }
        }
        let write = || -> io::Result<u64> {
            if bytes.is_empty() {
                return Ok(self.length);
            }
            let bytes = if self.settings.gzip {
                let mut encoder =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                encoder.write_all(&bytes)?;
                encoder.finish()?
            } else {
                bytes
            };
            self.file.write_all(&bytes)?;
            self.file.sync_data()?;
            Ok(self.length.saturating_add(bytes.len() as u64))
        };
        match write() {
            Ok(length) => self.length = length,
            Err(error) => {
                if let (Some(archive), Some(head)) = (&mut self.archive, head) {
                    archive.rewind(head);
                }
                return Err(format!("cannot write {}: {error}", self.path.display()));
            }
        }
        let mut annotations = vec![
            ("output_bytes", json!(self.length)),
            ("output_file", json!(self.identity)),
            ("output_format", json!(self.settings.format.name())),
            ("output_gzip", json!(self.settings.gzip)),
            ("output_archive", json!(self.archive.is_some())),
        ];
        annotations.extend(self.archive.as_ref().map(|archive| archive.annotation()));
        Ok(annotations)
    }

    /// After a commit: rotates the file when it is big or old enough.
    pub(crate) fn after_commit(&mut self) -> Result<(), String> {
        let big = self.settings.rotate_size.is_some_and(|size| self.length >= size);
        let old = self.settings.rotate_every.is_some_and(|age| self.opened.elapsed() >= age);
        if !(big || old) || self.length == 0 {
            return Ok(());
        }
        let rotated = rotated_name(&self.path);
        if self.archive.is_some() {
            Archive::will_close(&mut self.lock, &rotated)
                .map_err(|error| format!("cannot update the lock: {error}"))?;
        }
        std::fs::rename(&self.path, &rotated).map_err(|error| {
            format!("cannot rotate {} to {}: {error}", self.path.display(), rotated.display())
        })?;
        tracing::info!(output = %self.path.display(), rotated = %rotated.display(), "rotated");
        self.reopen().map_err(|error| format!("cannot open {}: {error}", self.path.display()))?;
        match &self.archive {
            Some(archive) => archive.close(&mut self.lock, &rotated),
            None => Ok(()),
        }
    }

    /// A file renamed or removed under us (logrotate) is continued in a new one at the
    /// path; one cut shorter (copytruncate) is continued at its end.
    fn follow_rotation(&mut self) -> io::Result<()> {
        match std::fs::metadata(&self.path) {
            Ok(metadata) if identity(&metadata, &self.path) == self.identity => {
                if metadata.len() < self.length {
                    tracing::warn!(output = %self.path.display(), "the file was truncated: continuing at its end");
                    self.length = metadata.len();
                    self.file.seek(SeekFrom::Start(self.length))?;
                }
                Ok(())
            }
            Ok(_) | Err(_) => {
                tracing::info!(output = %self.path.display(), "the file was rotated away: continuing in a new one");
                self.reopen()
            }
        }
    }

    fn reopen(&mut self) -> io::Result<()> {
        let file = OpenOptions::new().create(true).append(true).read(true).open(&self.path)?;
        let metadata = file.metadata()?;
        self.identity = identity(&metadata, &self.path);
        self.length = metadata.len();
        self.file = file;
        self.opened = Instant::now();
        let mut state = self.lock.state();
        state["file"] = json!(self.identity);
        state["start"] = json!(self.length);
        self.lock.save(&state)
    }
}

/// A file's identity: device and inode where there are such, else its path.
fn identity(metadata: &std::fs::Metadata, path: &Path) -> String {
    #[cfg(unix)]
    {
        let _ = path;
        use std::os::unix::fs::MetadataExt;
        format!("{}:{}", metadata.dev(), metadata.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        path.display().to_string()
    }
}

/// `events.jsonl` → `events.20261206T013000Z.jsonl` (also before `.jsonl.gz`).
fn rotated_name(path: &Path) -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ").to_string();
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let renamed = match name.find(".jsonl") {
        Some(at) => format!("{}.{stamp}{}", &name[..at], &name[at..]),
        None => format!("{name}.{stamp}"),
    };
    path.with_file_name(renamed)
}
