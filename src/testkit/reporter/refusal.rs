//! Reporter's error body, `{code, title, message}`, and a refusal still to be sent: what
//! the routes, the state and the checks behind them answer with.

use hyper::StatusCode;
use serde_json::json;

use crate::testkit::sim::SimResponse;

/// Reporter's error body, `{code, title, message}`.
pub(super) fn error(status: StatusCode, code: &str, title: &str, message: &str) -> SimResponse {
    SimResponse::json(status, &json!({ "code": code, "title": title, "message": message }))
}

/// An error answer still to be sent: what a check returns as its `Err`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Refusal {
    pub(super) status: StatusCode,
    pub(super) code: &'static str,
    pub(super) title: &'static str,
    pub(super) message: String,
}

impl Refusal {
    pub(super) fn bad_request(code: &'static str, title: &'static str, message: String) -> Self {
        Self { status: StatusCode::BAD_REQUEST, code, title, message }
    }
}

impl From<Refusal> for SimResponse {
    fn from(refusal: Refusal) -> Self {
        error(refusal.status, refusal.code, refusal.title, &refusal.message)
    }
}
