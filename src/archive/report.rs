//! What a verification found: per file, and the first line that does not verify.

use std::{fmt, path::PathBuf};

use super::PublicKey;

/// Why a line, a file or a manifest does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// A line's bytes are not those its hash was computed from (or its chain member is
    /// damaged, or it was replaced with its hash recomputed).
    Edited,
    /// Lines are missing inside a file.
    Deleted,
    /// A line that the chain does not expect: unchained, a copy, or added after closing.
    Inserted,
    /// Lines are all there, in another order.
    Reordered,
    /// A file ends early: in the middle of a line, or before the lines its manifest counts.
    Truncated,
    /// Lines are missing between two files (a file dropped), or a file starts another chain.
    Gap,
    /// Files are out of order (swapped, or repeated).
    Swapped,
    /// A manifest that does not describe its file, is unreadable, or whose signature does
    /// not verify (or is missing where signatures are required).
    ForgedManifest,
}

impl Reason {
    /// One word, as `auditkit verify` prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Edited => "edited",
            Reason::Deleted => "deleted",
            Reason::Inserted => "inserted",
            Reason::Reordered => "reordered",
            Reason::Truncated => "truncated",
            Reason::Gap => "gap",
            Reason::Swapped => "swapped",
            Reason::ForgedManifest => "forged manifest",
        }
    }
}

/// The first thing that does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The file (for a manifest: the file it describes).
    pub path: PathBuf,
    /// The line, from 1 (`None`: the file or its manifest as a whole).
    pub line: Option<u64>,
    /// Why.
    pub reason: Reason,
    /// What exactly, in words.
    pub detail: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, " line {line}")?;
        }
        write!(f, ": {}: {}", self.reason.as_str(), self.detail)
    }
}

/// What a file's manifest check found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ManifestCheck {
    /// No manifest beside the file (the file being written, or one rotated by another tool).
    None,
    /// The manifest describes the file; it is not signed.
    Unsigned,
    /// The manifest describes the file and has a signature, not checked (no public key
    /// was given).
    SignatureNotChecked,
    /// The manifest describes the file and is signed by this key.
    Signed(PublicKey),
}

/// One file that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    /// The file.
    pub path: PathBuf,
    /// Its lines.
    pub lines: u64,
    /// Its first and last sequence numbers (`None`: an empty file).
    pub seqs: Option<(u64, u64)>,
    /// Its manifest.
    pub manifest: ManifestCheck,
}

/// The outcome of [`Verifier::run`](super::Verifier::run).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// The files that verified, in order (up to the one with the finding).
    pub files: Vec<FileReport>,
    /// The first thing that does not verify (`None`: everything verifies).
    pub finding: Option<Finding>,
    /// What verified with a caveat: where the chain starts, files without a manifest.
    pub notes: Vec<String>,
}

impl Report {
    /// Whether everything verified.
    pub fn verified(&self) -> bool {
        self.finding.is_none()
    }

    /// The lines of the files that verified.
    pub fn lines(&self) -> u64 {
        self.files.iter().map(|file| file.lines).sum()
    }
}
