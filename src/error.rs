//! `auditkit::Error`: one error type for every vendor and every failure.

use std::{error::Error as StdError, fmt, time::Duration};

use reqwest::StatusCode;

use crate::{Operation, Vendor, pagination::Continuation, retry::is_retryable_status};

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
/// match client.energycap().report_distribution_log_detail(7).send().await {
///     Ok(detail) => println!("{:?}", detail.log.status),
///     Err(Error::Api(e)) if e.status().as_u16() == 404 => println!("no such log"),
///     Err(other) => return Err(other),
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, thiserror::Error)]
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
    #[allow(dead_code, reason = "Everbridge reports an expired scroll through this")]
    pub(crate) fn cursor_expired(operation: Operation, message: impl Into<String>) -> Self {
        Error::Pagination(Box::new(PaginationError {
            operation,
            message: message.into(),
            cursor_expired: true,
            continuation: None,
        }))
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
            Error::Config(_) | Error::NotConfigured(_) => None,
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
            Error::Transport(e) => e.kind != TransportErrorKind::Redirect,
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

/// A server answered with an error status. See [`Error::Api`].
#[derive(Debug)]
pub struct ApiError {
    pub(crate) operation: Operation,
    pub(crate) status: StatusCode,
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) request_id: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) attempts: u32,
}

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

    fn next_step(&self) -> &'static str {
        match self.status.as_u16() {
            400 | 422 => "the vendor rejected the request's parameters",
            401 => "check the credentials configured for this vendor",
            403 => "the credentials are valid but lack permission for this operation",
            404 => "check the id: the vendor has no such resource",
            409 => "the vendor reports a conflict with an earlier request",
            429 => {
                "the vendor's rate limit still applied after the retries allowed by the RetryPolicy; slow down or allow more attempts"
            }
            s if s >= 500 => {
                "the vendor failed on its side; the retries allowed by the RetryPolicy did not help, try again later"
            }
            _ => "the vendor refused the request",
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed with HTTP {}", self.operation, self.status)?;
        if let Some(code) = &self.code {
            write!(f, " [{code}]")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        write!(f, "; {}", self.next_step())
    }
}

impl StdError for ApiError {}

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
    /// Any other failure while sending.
    Other,
}

/// No complete answer arrived. See [`Error::Transport`].
#[derive(Debug)]
pub struct TransportError {
    pub(crate) operation: Operation,
    pub(crate) kind: TransportErrorKind,
    pub(crate) message: String,
    pub(crate) attempts: u32,
    pub(crate) source: Option<Box<dyn StdError + Send + Sync>>,
}

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
        let what = match self.kind {
            TransportErrorKind::Connect => "could not connect",
            TransportErrorKind::Timeout => "timed out",
            TransportErrorKind::Body => "got a cut-off or unreadable answer",
            TransportErrorKind::Redirect => "stopped at a redirect",
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
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source.as_deref().map(|s| s as &(dyn StdError + 'static))
    }
}

/// An answer that does not have the documented shape. See [`Error::Decode`].
#[derive(Debug)]
pub struct DecodeError {
    pub(crate) operation: Operation,
    pub(crate) status: StatusCode,
    pub(crate) path: String,
    pub(crate) excerpt: String,
    pub(crate) request_id: Option<String>,
    pub(crate) source: serde_json::Error,
}

impl DecodeError {
    /// The JSON path that failed, such as `[0].reportDistribution.reportDistributionId`.
    pub fn path(&self) -> &str {
        &self.path
    }
    /// The first few hundred bytes of the body.
    pub fn body_excerpt(&self) -> &str {
        &self.excerpt
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} could not decode the HTTP {} answer at `{}`: {}; the body starts with {:?}; \
             if the vendor changed its format, please report it with this message",
            self.operation, self.status, self.path, self.source, self.excerpt
        )
    }
}

impl StdError for DecodeError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.source)
    }
}

/// Input refused before any request was sent. See [`Error::InvalidInput`].
#[derive(Debug)]
pub struct InvalidInput {
    pub(crate) operation: Operation,
    pub(crate) message: String,
}

impl InvalidInput {
    /// What is wrong with the input.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} was not sent: {}", self.operation, self.message)
    }
}

impl StdError for InvalidInput {}

/// An unusable client configuration. See [`Error::Config`].
#[derive(Debug)]
pub struct ConfigError {
    pub(crate) message: String,
}

impl ConfigError {
    /// What is wrong and what to change.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid auditkit configuration: {}", self.message)
    }
}

impl StdError for ConfigError {}

/// A `wait_for_*` deadline passed. See [`Error::WaitTimeout`].
#[derive(Debug)]
pub struct WaitTimeout {
    pub(crate) operation: Operation,
    pub(crate) waited: Duration,
    pub(crate) polls: u32,
    pub(crate) last_status: Option<String>,
}

impl WaitTimeout {
    /// How long the SDK waited.
    pub fn waited(&self) -> Duration {
        self.waited
    }
    /// How many times the status was read.
    pub fn polls(&self) -> u32 {
        self.polls
    }
    /// The last status the server reported, as the vendor spells it.
    pub fn last_status(&self) -> Option<&str> {
        self.last_status.as_deref()
    }
}

impl fmt::Display for WaitTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} gave up after {:?} and {} polls; the last status was {}; \
             the job may still finish: wait again with a larger `max_wait`",
            self.operation,
            self.waited,
            self.polls,
            self.last_status.as_deref().unwrap_or("unknown"),
        )
    }
}

impl StdError for WaitTimeout {}

/// A job the SDK waited for ended in failure on the vendor's side. See [`Error::JobFailed`].
///
/// It keeps the last status read, as the vendor spells it and as the SDK's model; use
/// [`status`](Self::status) to get the model back (a Reporter `Report`, for instance).
pub struct JobFailed {
    pub(crate) operation: Operation,
    pub(crate) message: Option<String>,
    pub(crate) last_status: String,
    pub(crate) status: Box<dyn std::any::Any + Send + Sync>,
}

impl JobFailed {
    /// The operation that waited.
    pub fn operation(&self) -> Operation {
        self.operation
    }
    /// Why the job failed, as the vendor says it, when it says.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
    /// The final status as the vendor spells it.
    pub fn last_status(&self) -> &str {
        &self.last_status
    }
    /// The final status as the SDK's model `T`, when `T` is the type the wait read.
    ///
    /// ```
    /// use auditkit::{Error, energycap::ReportDistributionLogDetail};
    ///
    /// fn failed_run(error: &Error) -> Option<&ReportDistributionLogDetail> {
    ///     match error {
    ///         Error::JobFailed(failed) => failed.status::<ReportDistributionLogDetail>(),
    ///         _ => None,
    ///     }
    /// }
    /// ```
    pub fn status<T: 'static>(&self) -> Option<&T> {
        self.status.downcast_ref()
    }
}

impl fmt::Debug for JobFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JobFailed")
            .field("operation", &self.operation)
            .field("message", &self.message)
            .field("last_status", &self.last_status)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for JobFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} saw the job fail with status {}", self.operation, self.last_status)?;
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        f.write_str("; the vendor gave up on it, so fix the cause and start a new one")
    }
}

impl StdError for JobFailed {}

/// A listing stopped to avoid an endless loop or a token leak, or because the server
/// dropped its cursor. See [`Error::Pagination`].
#[derive(Debug)]
pub struct PaginationError {
    pub(crate) operation: Operation,
    pub(crate) message: String,
    pub(crate) cursor_expired: bool,
    pub(crate) continuation: Option<Continuation>,
}

impl PaginationError {
    /// What the paginator saw.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether the server no longer knows the listing's cursor (a scroll id that expired).
    pub fn is_cursor_expired(&self) -> bool {
        self.cursor_expired
    }

    /// Where to resume with nothing lost or repeated, when the cursor expired: the start of
    /// the window, skipping the items already delivered. Give it to the listing's
    /// `resume(..)`.
    ///
    /// ```no_run
    /// use auditkit::{Error, pagination::{Continuation, Items}};
    /// use futures::TryStreamExt;
    ///
    /// async fn drain<T>(mut items: Items<T>) -> Result<Option<Continuation>, Error> {
    ///     loop {
    ///         match items.try_next().await {
    ///             Ok(Some(_item)) => { /* store it */ }
    ///             Ok(None) => return Ok(None),
    ///             Err(Error::Pagination(e)) if e.continuation().is_some() => {
    ///                 return Ok(e.continuation().cloned());
    ///             }
    ///             Err(other) => return Err(other),
    ///         }
    ///     }
    /// }
    /// ```
    pub fn continuation(&self) -> Option<&Continuation> {
        self.continuation.as_ref()
    }
}

impl fmt::Display for PaginationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} stopped paging: {}", self.operation, self.message)?;
        if self.continuation.is_some() {
            f.write_str(
                "; resume the listing from this error's `continuation()` to go on without loss",
            )?;
        }
        Ok(())
    }
}

impl StdError for PaginationError {}

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
