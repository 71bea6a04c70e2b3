//! Why the Everbridge simulator refuses a request, in one of Everbridge's two shapes: an
//! HTTP-200 business failure or an error status. Used by the routes and the audit log.

use hyper::StatusCode;
use serde_json::json;

use crate::testkit::sim::SimResponse;

/// Why a request is refused, in one of Everbridge's two shapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Refusal {
    /// HTTP 200 `{"success": false, "type": "business", "message": …}`.
    Business(&'static str),
    /// `{"message": …, "status": …}` with that status.
    Http { status: StatusCode, message: String },
    /// The API gateway's own answer: `{"message": …}` alone.
    Gateway { status: StatusCode, message: &'static str },
}

impl Refusal {
    pub(super) fn bad_request(message: impl Into<String>) -> Self {
        Self::Http { status: StatusCode::BAD_REQUEST, message: message.into() }
    }

    pub(super) fn unauthorized(message: &str) -> Self {
        Self::Http { status: StatusCode::UNAUTHORIZED, message: message.into() }
    }

    pub(super) fn into_response(self) -> SimResponse {
        match self {
            Self::Business(message) => SimResponse::json(
                StatusCode::OK,
                &json!({ "success": false, "type": "business", "message": message }),
            ),
            Self::Http { status, message } => SimResponse::json(
                status,
                &json!({ "message": message, "status": status.as_u16() }),
            ),
            Self::Gateway { status, message } => {
                SimResponse::json(status, &json!({ "message": message }))
            }
        }
    }
}
