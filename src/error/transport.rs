//! No complete answer arrived.

use std::{error::Error as StdError, fmt};

use super::bounded::{bounded_debug, display_bounded};
use crate::Operation;

/// What kind of transport failure a [`TransportError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be made; nothing was sent.
    Connect,
    /// The connect or request timeout elapsed.
    Timeout,
    /// The answer's body was cut off or unreadable.
    Body,
    /// A redirect the SDK will not follow (too many, or to plain `http://`).
    Redirect,
    /// The answer was larger than the client's
    /// [`max_answer_size`](crate::ClientBuilder::max_answer_size); reading stopped there.
    TooLarge,
    /// Not sent: the vendor's daily request quota, as the client counts it, is used up
    /// (see [`QuotaStatus`](crate::QuotaStatus)); worth trying again once it resets.
    QuotaExhausted,
    /// Any other failure while sending.
    Other,
}

/// No complete answer arrived. See [`Error::Transport`](crate::Error::Transport).
pub struct TransportError {
    pub(crate) operation: Operation,
    pub(crate) kind: TransportErrorKind,
    pub(crate) message: String,
    pub(crate) attempts: u32,
    pub(crate) source: Option<Box<dyn StdError + Send + Sync>>,
}

bounded_debug!(TransportError { operation, kind, message, attempts, source });

impl TransportError {
    /// The operation that failed.
    pub fn operation(&self) -> Operation {
        self.operation
    }
    /// What kind of failure this is.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }
    /// How many attempts were made before giving up.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        display_bounded(f, &|f| {
            let what = match self.kind {
                TransportErrorKind::Connect => "could not connect",
                TransportErrorKind::Timeout => "timed out",
                TransportErrorKind::Body => "got a cut-off or unreadable answer",
                TransportErrorKind::Redirect => "stopped at a redirect",
                TransportErrorKind::TooLarge => "refused an answer larger than the client allows",
                TransportErrorKind::QuotaExhausted => "stopped at the daily quota",
                TransportErrorKind::Other => "could not send the request",
            };
            write!(f, "{} {what}", self.operation)?;
            if self.attempts > 1 {
                write!(f, " after {} attempts", self.attempts)?;
            }
            write!(f, ": {}", self.message)?;
            if let Some(source) = &self.source {
                // reqwest's own message holds the cause chain that says which host and why.
                let mut cause: Option<&(dyn StdError + 'static)> = Some(source.as_ref());
                while let Some(c) = cause {
                    write!(f, ": {c}")?;
                    cause = c.source();
                }
            }
            Ok(())
        })
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source.as_deref().map(|s| s as &(dyn StdError + 'static))
    }
}
