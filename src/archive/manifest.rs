//! A closed file's manifest: what it holds (counts, times, first and last link), its
//! digest, and who wrote it; beside the file as `<file>.manifest.json`, optionally with a
//! detached Ed25519 signature of the manifest's bytes as `<file>.manifest.json.sig`.

use std::{
    io::{self, Write},
    path::{Path, PathBuf},
};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    ChainedLine, Count, Hash256, LinkRecord, Signer,
    reader::{LineReader, Next},
    summary::Summary,
};

/// The `format` of manifests this version writes and reads.
pub const MANIFEST_FORMAT: &str = "auditkit-archive-manifest/1";

/// A closed archive file's manifest.
///
/// ```no_run
/// use auditkit::archive::Manifest;
///
/// let file = std::path::Path::new("archive/events.20261206T013000.000Z.jsonl.gz");
/// let manifest = Manifest::of_file(file, vec!["acme/qualtrics/logins".into()])?;
/// println!("{} lines, sha256 {}", manifest.lines, manifest.sha256);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Manifest {
    /// Always [`MANIFEST_FORMAT`].
    pub format: String,
    /// The file's name (no directory): a manifest beside another file is caught.
    pub file: String,
    /// The file's length as stored.
    pub bytes: u64,
    /// The SHA-256 of the file as stored (compressed, for gzip).
    pub sha256: Hash256,
    /// Whether the file is gzip.
    pub gzip: bool,
    /// Its lines.
    pub lines: u64,
    /// Its chain's id.
    pub chain: Option<String>,
    /// Its first line's link (the hash it starts from is `first.prev`).
    pub first: Option<LinkRecord>,
    /// Its last line's link (the next file starts from `last.hash`).
    pub last: Option<LinkRecord>,
    /// The earliest event time in it.
    pub first_event_time: Option<DateTime<Utc>>,
    /// The latest event time in it.
    pub last_event_time: Option<DateTime<Utc>>,
    /// Lines per tenant and source.
    pub counts: Vec<Count>,
    /// The sources the writer was configured with (checkpoint ids).
    pub sources: Vec<String>,
    /// The auditkit version that wrote it.
    pub auditkit_version: String,
}

/// `<file>.manifest.json`.
///
/// ```
/// use std::path::Path;
/// use auditkit::archive::manifest_path;
///
/// assert_eq!(manifest_path(Path::new("a/e.jsonl")), Path::new("a/e.jsonl.manifest.json"));
/// ```
pub fn manifest_path(file: &Path) -> PathBuf {
    with_suffix(file, ".manifest.json")
}

/// `<file>.manifest.json.sig`: the 64 bytes of an Ed25519 signature of the manifest file.
pub fn signature_path(file: &Path) -> PathBuf {
    with_suffix(file, ".manifest.json.sig")
}

fn with_suffix(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.file_name().map(|name| name.to_os_string()).unwrap_or_default();
    name.push(suffix);
    file.with_file_name(name)
}

pub(crate) fn name_of(file: &Path) -> String {
    file.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default()
}

impl Manifest {
    /// Reads `file` (plain or gzip) and describes it; `sources` are recorded as given.
    ///
    /// # Errors
    ///
    /// The file's, and [`io::ErrorKind::InvalidData`] for a line that is not chained or
    /// not whole: an archive writer never leaves one.
    pub fn of_file(file: &Path, sources: Vec<String>) -> io::Result<Self> {
        let mut reader = LineReader::open(file)?;
        let mut summary = Summary::default();
        let invalid = |number: u64, what: &str| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{} line {number}: {what}", file.display()),
            )
        };
        loop {
            match reader.next()? {
                Next::End => break,
                Next::Line => {}
                Next::Partial => return Err(invalid(summary.lines + 1, "no newline at its end")),
                Next::TooLong => return Err(invalid(summary.lines + 1, "too long")),
            }
            let link = ChainedLine::parse(&reader.line)
                .map_err(|error| invalid(summary.lines + 1, &error.to_string()))?;
            summary.add(&reader.line, &link);
        }
        let gzip = reader.gzip;
        let (sha256, bytes) = reader.finish()?;
        Ok(Self::from_summary(name_of(file), bytes, sha256, gzip, &summary, sources))
    }

    pub(crate) fn from_summary(
        file: String,
        bytes: u64,
        sha256: Hash256,
        gzip: bool,
        summary: &Summary,
        sources: Vec<String>,
    ) -> Self {
        Self {
            format: MANIFEST_FORMAT.to_owned(),
            file,
            bytes,
            sha256,
            gzip,
            lines: summary.lines,
            chain: summary.chain.clone(),
            first: summary.first.clone(),
            last: summary.last.clone(),
            first_event_time: summary.first_event_time,
            last_event_time: summary.last_event_time,
            counts: summary.counts(),
            sources,
            auditkit_version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }

    /// Writes it beside `file` (and its signature, with `signer`), each durably and
    /// atomically (a temporary file renamed).
    ///
    /// # Errors
    ///
    /// The file system's.
    pub fn write(&self, file: &Path, signer: Option<&Signer>) -> io::Result<()> {
        let mut bytes = serde_json::to_vec_pretty(self).map_err(io::Error::other)?;
        bytes.push(b'\n');
        if let Some(signer) = signer {
            write_atomically(&signature_path(file), &signer.sign(&bytes))?;
        }
        write_atomically(&manifest_path(file), &bytes)
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temporary = with_suffix(path, ".tmp");
    let mut out = std::fs::File::create(&temporary)?;
    out.write_all(bytes)?;
    out.sync_all()?;
    std::fs::rename(&temporary, path)
}
