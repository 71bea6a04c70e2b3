//! Verifying files: each line against its hash and the line before it, across files in
//! the order given, and each closed file against its manifest and signature. Streaming:
//! memory is one line, whatever the files' sizes.

use std::{
    io,
    path::{Path, PathBuf},
};

use super::{
    ChainedLine, Finding, LineError, PublicKey, Reason, Report,
    manifest_check::check_manifest,
    order::{Last, Place, check_order},
    reader::{LineReader, Next},
    summary::Summary,
};

/// Verifies archive files.
///
/// ```no_run
/// use auditkit::archive::{PublicKey, Verifier};
///
/// let key = PublicKey::from_text(&std::fs::read_to_string("archive.pub.pem")?)?;
/// let report = Verifier::new(["archive/"]).public_key(key).run()?;
/// match &report.finding {
///     None => println!("{} lines verify", report.lines()),
///     Some(finding) => println!("does not verify: {finding}"),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "a verifier does nothing until `.run()` is called"]
pub struct Verifier {
    paths: Vec<PathBuf>,
    keys: Vec<PublicKey>,
}

type Hash = super::Hash256;

impl Verifier {
    /// Files and directories, in chain order. A directory stands for its `*.jsonl` and
    /// `*.jsonl.gz` files sorted by name (rotated files' names sort by time, before the
    /// file being written).
    pub fn new<P: Into<PathBuf>>(paths: impl IntoIterator<Item = P>) -> Self {
        Self { paths: paths.into_iter().map(Into::into).collect(), keys: Vec::new() }
    }

    /// A key manifests must be signed by (repeat for several): every manifest then needs
    /// a signature of one of them, and every file but the last a manifest.
    pub fn public_key(mut self, key: PublicKey) -> Self {
        self.keys.push(key);
        self
    }

    /// Reads every file once and reports the first thing that does not verify.
    ///
    /// # Errors
    ///
    /// A file or directory that cannot be read (a finding is not an error).
    pub fn run(&self) -> io::Result<Report> {
        let files = expand(&self.paths)?;
        let mut starts = Vec::with_capacity(files.len());
        for file in &files {
            starts.push(first_seq(file)?);
        }
        let mut report = Report::default();
        let mut last: Option<Last> = None;
        for (index, path) in files.iter().enumerate() {
            let is_last = index + 1 == files.len();
            let checked = self.file(&files, &starts, index, &mut last, &mut report)?;
            let (summary, digest) = match checked {
                Ok(done) => done,
                Err(finding) => {
                    report.finding = Some(finding);
                    return Ok(report);
                }
            };
            match check_manifest(path, &summary, digest, &self.keys, is_last, &mut report.notes) {
                Ok(manifest) => report.files.push(super::FileReport {
                    path: path.clone(),
                    lines: summary.lines,
                    seqs: summary
                        .first
                        .as_ref()
                        .zip(summary.last.as_ref())
                        .map(|(f, l)| (f.seq, l.seq)),
                    manifest,
                }),
                Err(finding) => {
                    report.finding = Some(finding);
                    return Ok(report);
                }
            }
        }
        Ok(report)
    }

    /// One file's lines; its summary and (digest, bytes), or the first finding.
    #[allow(clippy::type_complexity)]
    fn file(
        &self,
        files: &[PathBuf],
        starts: &[Option<u64>],
        index: usize,
        last: &mut Option<Last>,
        report: &mut Report,
    ) -> io::Result<Result<(Summary, (Hash, u64)), Finding>> {
        let path = &files[index];
        let found = |line: Option<u64>, reason: Reason, detail: String| {
            Ok(Err(Finding { path: path.clone(), line, reason, detail }))
        };
        let mut reader = match LineReader::open(path) {
            Ok(reader) => reader,
            Err(error) => {
                return Err(io::Error::new(error.kind(), format!("{}: {error}", path.display())));
            }
        };
        let mut summary = Summary::default();
        let mut number = 0u64;
        loop {
            let next = match reader.next() {
                Ok(next) => next,
                Err(error)
                    if error.kind() == io::ErrorKind::InvalidInput
                        || error.kind() == io::ErrorKind::InvalidData
                        || error.kind() == io::ErrorKind::UnexpectedEof =>
                {
                    return found(
                        Some(number + 1),
                        Reason::Truncated,
                        format!("the gzip data is cut or damaged after line {number} ({error})"),
                    );
                }
                Err(error) => return Err(error),
            };
            match next {
                Next::End => break,
                Next::Line => number += 1,
                Next::Partial => {
                    return found(
                        Some(number + 1),
                        Reason::Truncated,
                        "the file ends in the middle of this line (cut, or still being written)"
                            .into(),
                    );
                }
                Next::TooLong => {
                    return found(
                        Some(number + 1),
                        Reason::Inserted,
                        "a line longer than 64 MiB: not written by an archive writer".into(),
                    );
                }
            }
            // Out of the reader, which may read on to tell a reorder from a deletion.
            let bytes = std::mem::take(&mut reader.line);
            let line = match ChainedLine::parse(&bytes) {
                Ok(line) => line,
                Err(LineError::Unchained) => {
                    return found(
                        Some(number),
                        Reason::Inserted,
                        "the line has no auditkit_chain member: an archive writer did not write it"
                            .into(),
                    );
                }
                Err(_) => {
                    return found(
                        Some(number),
                        Reason::Edited,
                        "its auditkit_chain member was changed".into(),
                    );
                }
            };
            if line.computed_hash() != line.hash {
                return found(
                    Some(number),
                    Reason::Edited,
                    format!("its bytes do not match its hash (seq {})", line.seq),
                );
            }
            let at = Place { files, starts, index, number };
            if let Err(finding) =
                check_order(&at, &line, last.as_ref(), &mut reader, &mut report.notes)?
            {
                return Ok(Err(finding));
            }
            summary.add(&bytes, &line);
            *last = Some(Last {
                id: line.id.to_owned(),
                seq: line.seq,
                hash: line.hash,
                file: index,
                line: number,
            });
            reader.line = bytes;
        }
        Ok(Ok((summary, reader.finish()?)))
    }
}

/// The first seq of a file (`None`: empty or unreadable, the full pass reports it).
fn first_seq(path: &Path) -> io::Result<Option<u64>> {
    let mut reader = LineReader::open(path)
        .map_err(|error| io::Error::new(error.kind(), format!("{}: {error}", path.display())))?;
    Ok(match reader.next() {
        Ok(Next::Line) => ChainedLine::parse(&reader.line).ok().map(|line| line.seq),
        _ => None,
    })
}

/// Directories replaced by their archive files, sorted by name.
fn expand(paths: &[PathBuf]) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let read =
            |error: io::Error| io::Error::new(error.kind(), format!("{}: {error}", path.display()));
        let mut found = Vec::new();
        for entry in std::fs::read_dir(path).map_err(read)? {
            let entry = entry.map_err(read)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if (name.ends_with(".jsonl") || name.ends_with(".jsonl.gz")) && entry.path().is_file() {
                found.push(entry.path());
            }
        }
        found.sort();
        files.extend(found);
    }
    Ok(files)
}
