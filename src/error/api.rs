//! A server answered with a failure.

use std::{error::Error as StdError, fmt, time::Duration};

use reqwest::StatusCode;

use super::bounded::{MAX_FIELD_TEXT, bounded_debug, display_bounded, shorten_middle};
use crate::Operation;

/// A server answered with an error status. See [`Error::Api`](crate::Error::Api).
pub struct ApiError {
    pub(crate) operation: Operation,
    pub(crate) status: StatusCode,
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) request_id: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) attempts: u32,
    /// The URL path the request was sent to, shortened to [`MAX_FIELD_TEXT`] bytes.
    pub(crate) path: Option<String>,
    /// What to do next when the SDK knows better than the status (a vendor code it reads).
    pub(crate) next_step: Option<&'static str>,
}

bounded_debug!(ApiError {
    operation,
    status,
    path,
    code,
    message,
    request_id,
    retry_after,
    attempts
});

impl ApiError {
    /// The operation that failed.
    pub fn operation(&self) -> Operation {
        self.operation
    }
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// The vendor's error code, if any.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }
    /// The vendor's error message, or the start of the body when it had no message field.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
    /// The vendor's request id, if it sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// The server's `Retry-After`, as parsed (before the policy's cap).
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
    /// How many attempts were made before giving up.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
    /// The URL path the request was sent to (`/energycap/api/v202106/…`), cut in the
    /// middle when very long; `None` when the error was not made by a request.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// Records the URL path the request was sent to.
    pub(crate) fn sent_to(&mut self, path: &str) {
        self.path = Some(shorten_middle(path, MAX_FIELD_TEXT).into_owned());
    }

    fn next_step(&self) -> &'static str {
        if let Some(step) = self.next_step {
            return step;
        }
        match self.status.as_u16() {
            400 | 422 => "the vendor rejected the request's parameters",
            401 => "check the credentials configured for this vendor",
            403 => "the credentials are valid but lack permission for this operation",
            404 => "check the id and the base URL: the vendor has nothing at this path",
            409 => "the vendor reports a conflict with an earlier request",
            429 => {
                "the vendor's rate limit still applied after the retries allowed by the RetryPolicy; slow down or allow more attempts"
            }
            s if s >= 500 => {
                "the vendor failed on its side; the retries allowed by the RetryPolicy did not help, try again later"
            }
            s if s < 300 => {
                "the vendor received the request and refused it in the body of its answer; its code and message say why"
            }
            _ => "the vendor refused the request",
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        display_bounded(f, &|f| {
            // A 2xx answer that is an error is a refusal in the body (Everbridge's business
            // errors), not a failed status.
            if self.status.is_success() {
                write!(f, "{} was refused by the vendor", self.operation)?;
            } else {
                write!(f, "{} failed with HTTP {}", self.operation, self.status)?;
            }
            if let Some(path) = &self.path {
                write!(f, " at {path}")?;
            }
            if let Some(code) = &self.code {
                write!(f, " [{code}]")?;
            }
            if let Some(message) = &self.message {
                // The next step follows after a `;`: a vendor's closing full stop would double it.
                write!(f, ": {}", message.trim_end().trim_end_matches('.'))?;
            }
            if let Some(id) = &self.request_id {
                write!(f, " (request id {id})")?;
            }
            if self.attempts > 1 {
                write!(f, " after {} attempts", self.attempts)?;
            }
            if self.status.is_success() {
                write!(f, " (in an HTTP {} answer)", self.status)?;
            }
            write!(f, "; {}", self.next_step())
        })
    }
}

impl StdError for ApiError {}
