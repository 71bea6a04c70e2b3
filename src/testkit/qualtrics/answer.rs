//! Qualtrics' answers: `{"result", "meta"}` for a success, `meta.error` for a refusal,
//! used by the routes and the checks behind them.

use hyper::StatusCode;
use serde::Serialize;
use serde_json::json;

use crate::testkit::sim::SimResponse;

/// An API error: the code and message that go into Qualtrics' `meta.error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Refusal {
    pub(super) status: StatusCode,
    pub(super) code: &'static str,
    pub(super) message: String,
}

impl Refusal {
    pub(super) fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self { status: StatusCode::BAD_REQUEST, code, message: message.into() }
    }

    pub(super) fn unauthorized(code: &'static str, message: &str) -> Self {
        Self { status: StatusCode::UNAUTHORIZED, code, message: message.into() }
    }

    pub(super) fn into_response(self, request_id: &str) -> SimResponse {
        let meta = json!({
            "httpStatus": http_status(self.status),
            "error": { "errorMessage": self.message, "errorCode": self.code },
            "requestId": request_id,
        });
        SimResponse::json(self.status, &json!({ "meta": meta }))
    }
}

/// `200 - OK`, `401 - Unauthorized`: how Qualtrics spells a status in `meta.httpStatus`.
pub(super) fn http_status(status: StatusCode) -> String {
    format!("{} - {}", status.as_u16(), status.canonical_reason().unwrap_or("Unknown"))
}

/// A success answer, `{"result": …, "meta": {…}}`, serialized straight from the state.
pub(super) fn success(result: impl Serialize, request_id: &str) -> SimResponse {
    #[derive(Serialize)]
    struct Body<'a, T> {
        result: T,
        meta: Meta<'a>,
    }
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Meta<'a> {
        http_status: String,
        request_id: &'a str,
    }
    let meta = Meta { http_status: http_status(StatusCode::OK), request_id };
    // Borrowed `Value`s and strings always serialize.
    let body = serde_json::to_vec(&Body { result, meta }).unwrap_or_default();
    SimResponse::bytes(StatusCode::OK, "application/json; charset=utf-8", body.into())
}
