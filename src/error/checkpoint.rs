//! A checkpoint that could not be read or saved.

use std::{error::Error as StdError, fmt, io, path::PathBuf};

use super::bounded::{bounded_debug, display_bounded};

/// A checkpoint store failed to read or save a checkpoint. See
/// [`Error::Checkpoint`](crate::Error::Checkpoint).
pub struct CheckpointError {
    pub(crate) kind: CheckpointErrorKind,
    pub(crate) action: &'static str,
    pub(crate) path: Option<PathBuf>,
    pub(crate) message: String,
    pub(crate) source: Option<io::Error>,
}

bounded_debug!(CheckpointError { kind, action, path, message, source });

/// What kind of checkpoint failure a [`CheckpointError`] is: whether to retry, wait, or stop.
///
/// ```
/// use auditkit::{CheckpointError, CheckpointErrorKind};
///
/// let error = CheckpointError::with_kind(CheckpointErrorKind::Fenced, "commit", "token 3 < 4");
/// assert_eq!(error.kind(), CheckpointErrorKind::Fenced);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CheckpointErrorKind {
    /// The store could not be read or written (a file, a database, a format).
    Store,
    /// Another holder has the source's lease, unexpired: wait for it to end or be released.
    LeaseHeld,
    /// A newer lease exists for the source (a newer fencing token): this holder lost its
    /// lease, and the commit or renewal was refused, so the checkpoint did not move. Stop
    /// collecting this source; whatever the sink got since the last commit comes again to
    /// the new holder.
    Fenced,
}

impl CheckpointError {
    /// An error of a given kind, for a custom [`LeasedStore`](crate::collect::LeasedStore):
    /// `action` is what failed (`"commit"`, `"acquire"`), `message` says why.
    ///
    /// ```
    /// use auditkit::{CheckpointError, CheckpointErrorKind};
    ///
    /// let error = CheckpointError::with_kind(CheckpointErrorKind::LeaseHeld, "acquire", "held by b");
    /// assert!(error.to_string().contains("held by b"));
    /// ```
    pub fn with_kind(
        kind: CheckpointErrorKind,
        action: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self { kind, action, path: None, message: message.into(), source: None }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> CheckpointErrorKind {
        self.kind
    }

    /// An error of a custom [`CheckpointStore`](crate::collect::CheckpointStore): `action`
    /// is what failed (`"read"`, `"save"`), `message` says why and what to do.
    ///
    /// ```
    /// use auditkit::{CheckpointError, Error};
    ///
    /// let error = Error::from(CheckpointError::new("save", "the database is read-only"));
    /// assert!(error.to_string().contains("read-only"));
    /// ```
    pub fn new(action: &'static str, message: impl Into<String>) -> Self {
        Self::with_kind(CheckpointErrorKind::Store, action, message)
    }

    pub(crate) fn io(action: &'static str, path: PathBuf, source: io::Error) -> Self {
        let message = match source.kind() {
            io::ErrorKind::PermissionDenied => {
                format!("{source}: make the file and its directory writable by this process")
            }
            _ => source.to_string(),
        };
        Self {
            kind: CheckpointErrorKind::Store,
            action,
            path: Some(path),
            message,
            source: Some(source),
        }
    }

    pub(crate) fn at(action: &'static str, path: PathBuf, message: impl Into<String>) -> Self {
        Self {
            kind: CheckpointErrorKind::Store,
            action,
            path: Some(path),
            message: message.into(),
            source: None,
        }
    }

    /// The file involved, for a file store.
    pub fn path(&self) -> Option<&std::path::Path> {
        self.path.as_deref()
    }

    /// What went wrong and what to do.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for CheckpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        display_bounded(f, &|f| {
            write!(f, "could not {} the collector's checkpoint", self.action)?;
            if let Some(path) = &self.path {
                write!(f, " at {}", path.display())?;
            }
            write!(f, ": {}", self.message)
        })
    }
}

impl StdError for CheckpointError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source.as_ref().map(|e| e as &(dyn StdError + 'static))
    }
}

impl From<CheckpointError> for crate::Error {
    fn from(error: CheckpointError) -> Self {
        crate::Error::Checkpoint(Box::new(error))
    }
}
