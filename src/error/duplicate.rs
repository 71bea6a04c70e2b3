//! A copy of an error, for the callers that shared one failed operation.

use super::{
    ApiError, CheckpointError, DecodeError, Error, JobFailed, PaginationError, TransportError,
    WaitTimeout,
};

impl Error {
    /// An error equal to this one in everything a caller reads (variant, status, code,
    /// message, `Display`), for the callers that shared one failed operation (a token
    /// fetch). A cause chain is kept as text; a failed job's typed status is not kept.
    pub(crate) fn duplicate(&self) -> Error {
        use serde::de::Error as _;
        match self {
            Error::Api(e) => Error::Api(Box::new(ApiError {
                code: e.code.clone(),
                message: e.message.clone(),
                request_id: e.request_id.clone(),
                path: e.path.clone(),
                ..**e
            })),
            Error::Transport(e) => Error::Transport(Box::new(TransportError {
                operation: e.operation,
                kind: e.kind,
                message: match &e.source {
                    Some(source) => format!("{}: {source}", e.message),
                    None => e.message.clone(),
                },
                attempts: e.attempts,
                source: None,
            })),
            Error::Decode(e) => Error::Decode(Box::new(DecodeError {
                operation: e.operation,
                status: e.status,
                path: e.path.clone(),
                excerpt: e.excerpt.clone(),
                request_id: e.request_id.clone(),
                source: serde_json::Error::custom(&e.source),
            })),
            Error::InvalidInput(e) => Error::invalid_input(e.operation, e.message.clone()),
            Error::Config(e) => Error::config(e.message.clone()),
            Error::NotConfigured(vendor) => Error::NotConfigured(*vendor),
            Error::WaitTimeout(e) => Error::WaitTimeout(Box::new(WaitTimeout {
                last_status: e.last_status.clone(),
                ..**e
            })),
            Error::JobFailed(e) => Error::JobFailed(Box::new(JobFailed {
                operation: e.operation,
                message: e.message.clone(),
                last_status: e.last_status.clone(),
                status: Box::new(()),
            })),
            Error::Pagination(e) => Error::Pagination(Box::new(PaginationError {
                operation: e.operation,
                message: e.message.clone(),
                cursor_expired: e.cursor_expired,
                continuation: e.continuation.clone(),
            })),
            Error::Checkpoint(e) => Error::Checkpoint(Box::new(CheckpointError {
                kind: e.kind,
                action: e.action,
                path: e.path.clone(),
                message: e.message.clone(),
                source: None,
            })),
        }
    }
}
