//! `auditkit::Error`: one error type for every vendor and every failure.

mod api;
pub(crate) mod bounded;
mod checkpoint;
mod decode;
mod duplicate;
mod excerpt;
mod input;
mod io;
mod pagination;
mod retryable;
mod transport;
mod wait;

pub use api::ApiError;
pub use checkpoint::{CheckpointError, CheckpointErrorKind};
pub use decode::DecodeError;
pub use input::{ConfigError, InvalidInput};
pub use pagination::PaginationError;
pub use transport::{TransportError, TransportErrorKind};
pub use wait::{JobFailed, WaitTimeout};

pub(crate) use excerpt::excerpt;
pub(crate) use retryable::is_retryable_status;

use reqwest::StatusCode;

use crate::{Operation, Vendor, pagination::Continuation};

/// Everything that can go wrong in an `auditkit` call.
///
/// `Display` always names the vendor, the operation and, when a server answered, the
/// HTTP status with the vendor's own code and message, followed by what to do next.
/// Match on the variant for control flow, or use the accessors ([`status`](Self::status),
/// [`code`](Self::code), [`request_id`](Self::request_id),
/// [`is_retryable`](Self::is_retryable)) that work across variants.
///
/// ```
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// use auditkit::Error;
/// match client.energycap().get_report_distribution_log(7).send().await {
///     Ok(detail) => println!("{:?}", detail.log.status),
///     Err(Error::Api(e)) if e.status().as_u16() == 404 => println!("no such log"),
///     Err(other) => return Err(other),
/// }
/// # Ok(()) }
/// ```
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error (after any retries the policy allowed).
    #[error(transparent)]
    Api(Box<ApiError>),
    /// No complete answer arrived: connection refused, TLS failure, timeout, a body cut
    /// off, or a redirect the SDK will not follow.
    #[error(transparent)]
    Transport(Box<TransportError>),
    /// An answer arrived but is not what the vendor documents.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// Input refused before any request was sent.
    #[error(transparent)]
    InvalidInput(Box<InvalidInput>),
    /// The [`ClientBuilder`](crate::ClientBuilder) or a vendor `Config` is unusable.
    #[error(transparent)]
    Config(Box<ConfigError>),
    /// The vendor was not configured on this client.
    #[error(
        "{0} is not configured on this client: add it with `Client::builder().{method}(..)`, \
         or set its environment variables for `Client::from_env()`",
        method = .0.builder_method()
    )]
    NotConfigured(Vendor),
    /// A `wait_for_*` call reached its `max_wait` before the job finished.
    #[error(transparent)]
    WaitTimeout(Box<WaitTimeout>),
    /// A `wait_for_*` call saw the job end in failure on the vendor's side.
    #[error(transparent)]
    JobFailed(Box<JobFailed>),
    /// A paginated listing stopped because continuing would lose, repeat or leak data.
    #[error(transparent)]
    Pagination(Box<PaginationError>),
    /// A [`collect::CheckpointStore`](crate::collect::CheckpointStore) could not read or
    /// save a checkpoint.
    #[error(transparent)]
    Checkpoint(Box<CheckpointError>),
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Written by hand so that `{:#?}`, which indents every line of a part, stays bounded.
        bounded::debug_bounded(f, &|f| match self {
            Error::Api(e) => f.debug_tuple("Api").field(e).finish(),
            Error::Transport(e) => f.debug_tuple("Transport").field(e).finish(),
            Error::Decode(e) => f.debug_tuple("Decode").field(e).finish(),
            Error::InvalidInput(e) => f.debug_tuple("InvalidInput").field(e).finish(),
            Error::Config(e) => f.debug_tuple("Config").field(e).finish(),
            Error::NotConfigured(v) => f.debug_tuple("NotConfigured").field(v).finish(),
            Error::WaitTimeout(e) => f.debug_tuple("WaitTimeout").field(e).finish(),
            Error::JobFailed(e) => f.debug_tuple("JobFailed").field(e).finish(),
            Error::Pagination(e) => f.debug_tuple("Pagination").field(e).finish(),
            Error::Checkpoint(e) => f.debug_tuple("Checkpoint").field(e).finish(),
        })
    }
}

impl Error {
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::Config(Box::new(ConfigError { message: message.into() }))
    }

    pub(crate) fn invalid_input(operation: Operation, message: impl Into<String>) -> Self {
        Error::InvalidInput(Box::new(InvalidInput { operation, message: message.into() }))
    }

    pub(crate) fn pagination(operation: Operation, message: impl Into<String>) -> Self {
        Error::Pagination(Box::new(PaginationError {
            operation,
            message: message.into(),
            cursor_expired: false,
            continuation: None,
        }))
    }

    /// The server no longer knows the listing's cursor (an expired scroll id): the paginator
    /// adds the continuation that restarts the window.
    pub(crate) fn cursor_expired(operation: Operation, message: impl Into<String>) -> Self {
        Error::Pagination(Box::new(PaginationError {
            operation,
            message: message.into(),
            cursor_expired: true,
            continuation: None,
        }))
    }

    /// Records on an API error the URL path its request was sent to; any other error is
    /// returned as it is.
    pub(crate) fn sent_to(self, path: &str) -> Self {
        match self {
            Error::Api(mut api) => {
                api.sent_to(path);
                Error::Api(api)
            }
            other => other,
        }
    }

    /// Gives an expired-cursor error the continuation that resumes without loss; any other
    /// error is returned as it is.
    pub(crate) fn with_restart(self, continuation: Continuation) -> Self {
        match self {
            Error::Pagination(mut error) if error.cursor_expired => {
                error.continuation = Some(continuation);
                Error::Pagination(error)
            }
            other => other,
        }
    }

    /// The operation that failed, when the failure belongs to one.
    pub fn operation(&self) -> Option<Operation> {
        match self {
            Error::Api(e) => Some(e.operation),
            Error::Transport(e) => Some(e.operation),
            Error::Decode(e) => Some(e.operation),
            Error::InvalidInput(e) => Some(e.operation),
            Error::WaitTimeout(e) => Some(e.operation),
            Error::JobFailed(e) => Some(e.operation),
            Error::Pagination(e) => Some(e.operation),
            Error::Config(_) | Error::NotConfigured(_) | Error::Checkpoint(_) => None,
        }
    }

    /// The vendor involved, when known.
    pub fn vendor(&self) -> Option<Vendor> {
        match self {
            Error::NotConfigured(vendor) => Some(*vendor),
            other => other.operation().map(|operation| operation.vendor()),
        }
    }

    /// The HTTP status of the answer, if a server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            _ => None,
        }
    }

    /// The vendor's own error code (`TPL-0011`, `QVAL_5`, …), if it sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.code.as_deref(),
            _ => None,
        }
    }

    /// The vendor's request id, for a support ticket.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::Decode(e) => e.request_id.as_deref(),
            _ => None,
        }
    }

    /// Whether trying the same call again later may succeed.
    ///
    /// The SDK has already retried within its [`RetryPolicy`](crate::RetryPolicy); this
    /// tells a scheduler whether the job is worth running again.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => is_retryable_status(e.status),
            Error::Transport(e) => {
                !matches!(e.kind, TransportErrorKind::Redirect | TransportErrorKind::TooLarge)
            }
            Error::WaitTimeout(_) => true,
            Error::Pagination(e) => e.cursor_expired,
            _ => false,
        }
    }

    /// Whether the failure is a timeout: a request timeout or a `wait_for_*` deadline.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport(e) if e.kind == TransportErrorKind::Timeout)
            || matches!(self, Error::WaitTimeout(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OP: Operation = Operation::new(Vendor::EnergyCap, "report_distribution_logs");

    #[test]
    fn error_is_send_sync_and_small() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
        assert!(std::mem::size_of::<Error>() <= 16, "{}", std::mem::size_of::<Error>());
    }

    #[test]
    fn api_error_display_names_vendor_operation_status_code_message_and_next_step() {
        let error = Error::Api(Box::new(ApiError {
            operation: OP,
            status: StatusCode::UNAUTHORIZED,
            code: Some("E401".into()),
            message: Some("bad key".into()),
            request_id: Some("r-1".into()),
            retry_after: None,
            attempts: 1,
            path: None,
            next_step: None,
        }));
        let text = error.to_string();
        for part in [
            "EnergyCAP",
            "report_distribution_logs",
            "401",
            "E401",
            "bad key",
            "r-1",
            "credentials",
        ] {
            assert!(text.contains(part), "{part:?} missing from {text:?}");
        }
        assert_eq!(error.code(), Some("E401"));
        assert_eq!(error.request_id(), Some("r-1"));
        assert!(!error.is_retryable());
    }

    #[test]
    fn not_configured_names_the_builder_method() {
        let text = Error::NotConfigured(Vendor::Qualtrics).to_string();
        assert!(text.contains("Client::builder().qualtrics(..)"), "{text}");
    }
}
