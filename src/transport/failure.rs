//! Why one attempt did not produce a success, and the error it becomes when no retry is left.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::RETRY_AFTER;

use super::{Answer, ErrorDetails};
use crate::{
    Error, Operation,
    error::{
        ApiError, TransportError, TransportErrorKind,
        bounded::{MAX_FIELD_TEXT, shorten_middle},
        excerpt,
    },
    retry::{FailureClass, RetryHint, parse_retry_after},
};

#[derive(Debug)]
pub(crate) enum Failure {
    /// The server answered, and the vendor's protocol calls it a failure.
    Answered { answer: Box<Answer>, details: ErrorDetails, hint: RetryHint },
    Transport {
        kind: TransportErrorKind,
        before_sending: bool,
        message: String,
        source: Option<reqwest::Error>,
    },
    /// Not worth another attempt (for example a token source that failed).
    Fatal(Error),
}

impl Failure {
    pub(super) fn from_reqwest(error: reqwest::Error) -> Self {
        let kind = if error.is_timeout() {
            TransportErrorKind::Timeout
        } else if error.is_connect() {
            TransportErrorKind::Connect
        } else if error.is_body() || error.is_decode() {
            TransportErrorKind::Body
        } else {
            TransportErrorKind::Other
        };
        let message = match kind {
            TransportErrorKind::Connect => "the connection failed before the request was sent",
            TransportErrorKind::Timeout => "no complete answer within the timeout",
            TransportErrorKind::Body => "the answer's body could not be read to its end",
            _ => "the request failed",
        };
        let (message, error) = without_url(message, error);
        Failure::Transport {
            kind,
            before_sending: error.is_connect(),
            message,
            source: Some(error),
        }
    }

    /// An answer larger than the client's limit: asking again would bring the same.
    pub(super) fn too_large(limit: usize) -> Self {
        Failure::Transport {
            kind: TransportErrorKind::TooLarge,
            before_sending: false,
            message: format!(
                "the answer is larger than {limit} bytes, this client's `max_answer_size`; \
                 raise it with `ClientBuilder::max_answer_size` if the vendor really sends so much"
            ),
            source: None,
        }
    }

    /// No request slot (or place for a body) freed up within the timeout: the call's time
    /// is spent, so no retry.
    pub(super) fn no_place(operation: Operation, message: String) -> Self {
        Failure::Fatal(Error::Transport(Box::new(TransportError {
            operation,
            kind: TransportErrorKind::Timeout,
            message,
            attempts: 1,
            source: None,
        })))
    }

    pub(super) fn redirect(message: String) -> Self {
        Failure::Transport {
            kind: TransportErrorKind::Redirect,
            before_sending: false,
            message,
            source: None,
        }
    }

    /// The credential a 401 refused, when the request carried one.
    pub(super) fn refused_credential(&self) -> Option<&reqwest::header::HeaderValue> {
        match self {
            Failure::Answered { answer, .. }
                if answer.status == reqwest::StatusCode::UNAUTHORIZED =>
            {
                answer.authorization.as_ref()
            }
            _ => None,
        }
    }

    /// What the retry decision needs to know.
    pub(super) fn class(&self) -> FailureClass {
        match self {
            Failure::Answered { answer, hint, .. } => {
                FailureClass::Answered { status: answer.status, hint: *hint }
            }
            Failure::Transport { before_sending: true, .. } => FailureClass::NotSent,
            Failure::Transport {
                kind: TransportErrorKind::Redirect | TransportErrorKind::TooLarge,
                ..
            }
            | Failure::Fatal(_) => FailureClass::Permanent,
            Failure::Transport { .. } => FailureClass::Transient,
        }
    }

    /// The server's `Retry-After`, read against the client's wall clock.
    pub(super) fn retry_after(&self, now: DateTime<Utc>) -> Option<Duration> {
        match self {
            Failure::Answered { answer, .. } => {
                parse_retry_after(answer.headers.get(RETRY_AFTER)?, now)
            }
            _ => None,
        }
    }

    pub(crate) fn into_error(
        self,
        operation: Operation,
        attempts: u32,
        retry_after: Option<Duration>,
    ) -> Error {
        match self {
            // Whatever the vendor's body holds, an error keeps only a short excerpt of it.
            Failure::Answered { answer, details, .. } => Error::Api(Box::new(ApiError {
                operation,
                status: answer.status,
                code: details.code.map(|code| excerpt(code.as_bytes())),
                message: details.message.map(|message| excerpt(message.as_bytes())),
                request_id: details
                    .request_id
                    .or(answer.request_id)
                    .map(|id| excerpt(id.as_bytes())),
                retry_after,
                attempts,
                path: None,
                next_step: None,
            })),
            Failure::Transport { kind, message, source, .. } => {
                Error::Transport(Box::new(TransportError {
                    operation,
                    kind,
                    message,
                    attempts,
                    source: source.map(|e| Box::new(e) as _),
                }))
            }
            Failure::Fatal(error) => error,
        }
    }
}

/// `message` naming the URL `error` quotes, shortened, and `error` without it: reqwest
/// quotes the whole URL in its error and in each `Display` of it, and a skip token can make
/// a URL of 60 KB, which every log line and every cause chain printed would repeat.
pub(super) fn without_url(message: &str, error: reqwest::Error) -> (String, reqwest::Error) {
    match error.url() {
        Some(url) => {
            let url = shorten_middle(url.as_str(), MAX_FIELD_TEXT);
            (format!("{message} (url {url})"), error.without_url())
        }
        None => (message.to_owned(), error),
    }
}

impl std::fmt::Display for Failure {
    /// A short description for the retry log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Answered { answer, details, .. } => {
                write!(f, "HTTP {}", answer.status)?;
                if let Some(code) = &details.code {
                    write!(f, " [{code}]")?;
                }
                Ok(())
            }
            Failure::Transport { message, .. } => f.write_str(message),
            Failure::Fatal(error) => write!(f, "{error}"),
        }
    }
}
