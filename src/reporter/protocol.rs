//! How Reporter answers: `{code, title, message, fields}` error bodies (its own `TPL-…`
//! codes, and the codes of Lerian's shared middleware in the same shape), a keyed create
//! that is still in flight (409 `TPL-0039` or `IDEMPOTENCY_CONFLICT`, worth waiting out),
//! and the advice for the codes a caller can act on (in `advice`).

use reqwest::{StatusCode, header::HeaderMap};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::advice::{IN_FLIGHT, SHARED_IN_FLIGHT, advice};
use crate::{
    Error,
    retry::RetryHint,
    transport::{ErrorDetails, Protocol, Verdict},
};

/// Reporter's protocol: any 2xx is a success; anything else is a failure whose body is
/// read as Reporter's error (or generically, for a gateway's page), retried by status,
/// except a key in flight (`TPL-0039`, `IDEMPOTENCY_CONFLICT`), which is retried whatever
/// its status (the retry rules still allow it only for a keyed request, and only within
/// the retry budget, after the server's `Retry-After`), and a suspended tenant (`0131`),
/// which is not retried.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReporterProtocol;

impl Protocol for ReporterProtocol {
    fn classify(&self, status: StatusCode, _headers: &HeaderMap, body: &[u8]) -> Verdict {
        if status.is_success() || (status == StatusCode::SERVICE_UNAVAILABLE && is_readiness(body))
        {
            return Verdict::Success;
        }
        let details = error_details(body);
        let hint = match details.code.as_deref() {
            Some(IN_FLIGHT | SHARED_IN_FLIGHT) => RetryHint::Retry,
            // A suspended tenant stays suspended: no retry changes that.
            Some("0131") => RetryHint::Stop,
            _ => RetryHint::ByStatus,
        };
        Verdict::Failure { details, hint }
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    fields: Option<Map<String, Value>>,
}

/// The code, and a message made of the body's message (else its title) and the fields it
/// names.
fn error_details(body: &[u8]) -> ErrorDetails {
    let Ok(ErrorBody { code, title, message, fields }) = serde_json::from_slice(body) else {
        return ErrorDetails::generic(body);
    };
    let mut text = message.or(title).filter(|m| !m.trim().is_empty()).unwrap_or_default();
    if let Some(fields) = fields.filter(|fields| !fields.is_empty()) {
        let listed: Vec<String> = fields
            .iter()
            .map(|(name, why)| match why {
                Value::String(why) => format!("{name}: {why}"),
                Value::Null => name.clone(),
                other => format!("{name}: {other}"),
            })
            .collect();
        text = format!("{text} (fields: {})", listed.join("; "));
    }
    ErrorDetails { code, message: (!text.is_empty()).then_some(text), request_id: None }
}

/// Gives the error of a code a caller can act on its next step, in place of the one its
/// status would give. The SDK's words go after the vendor's message, which the transport has
/// cut to an excerpt, so they are never cut; the message stays the vendor's own.
pub(crate) fn advise(error: Error) -> Error {
    let Error::Api(mut api) = error else { return error };
    api.next_step = match advice(api.status, api.code.as_deref().unwrap_or_default()) {
        Some(advice) => Some(advice),
        None => return Error::Api(api),
    };
    Error::Api(api)
}

/// Whether `body` is Reporter's readiness answer, whatever its status: a 503 with it is an
/// answer (which dependency is down), not a failure to retry.
fn is_readiness(body: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Shape {
        status: String,
        dependencies: serde_json::Map<String, serde_json::Value>,
    }
    serde_json::from_slice::<Shape>(body).is_ok_and(|shape| {
        matches!(shape.status.as_str(), "ready" | "not_ready") && !shape.dependencies.is_empty()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(status: u16, body: &str) -> (ErrorDetails, RetryHint) {
        let status = StatusCode::from_u16(status).unwrap();
        match ReporterProtocol.classify(status, &HeaderMap::new(), body.as_bytes()) {
            Verdict::Failure { details, hint } => (details, hint),
            Verdict::Success => panic!("{status} is a failure"),
        }
    }

    fn api_error(code: &str, message: &str) -> Error {
        Error::Api(Box::new(crate::ApiError {
            operation: crate::Operation::new(crate::Vendor::Reporter, "generate_report"),
            status: StatusCode::CONFLICT,
            code: Some(code.into()),
            message: Some(message.into()),
            request_id: None,
            retry_after: None,
            attempts: 4,
            path: None,
            next_step: None,
        }))
    }

    #[test]
    fn code_message_and_fields_become_the_error_details() {
        let (details, hint) = classify(
            400,
            r#"{"code":"TPL-0015","title":"Unexpected Fields in the Request","message":"The request contains unexpected fields.","fields":{"name":"not allowed"}}"#,
        );
        assert_eq!(details.code.as_deref(), Some("TPL-0015"));
        assert_eq!(
            details.message.as_deref(),
            Some("The request contains unexpected fields. (fields: name: not allowed)")
        );
        assert_eq!(hint, RetryHint::ByStatus);
        let (title_only, _) = classify(404, r#"{"code":"TPL-0011","title":"Entity Not Found"}"#);
        assert_eq!(title_only.message.as_deref(), Some("Entity Not Found"));
    }

    #[test]
    fn a_key_in_flight_is_worth_waiting_out_and_its_error_says_what_to_do_if_it_stays() {
        let (details, hint) = classify(
            409,
            r#"{"code":"TPL-0039","title":"Duplicate Request In Flight","message":"A request with this key is being processed."}"#,
        );
        assert_eq!(hint, RetryHint::Retry);
        assert_eq!(details.message.as_deref(), Some("A request with this key is being processed."));
        let long = "m".repeat(300);
        let advised = advise(api_error("TPL-0039", &long));
        let Error::Api(api) = &advised else { panic!("{advised:?}") };
        assert_eq!(api.message(), Some(long.as_str()), "the vendor's message stays its own");
        let message = advised.to_string();
        assert!(
            message.contains(&format!("{long} after 4 attempts; the idempotency")),
            "{message}"
        );
        for part in ["never clears", "24 hours", "`list_reports`", "new key"] {
            assert!(message.contains(part), "{part:?} missing from {message}");
        }
    }

    #[test]
    fn a_download_too_early_points_at_the_wait_and_other_answers_are_left_alone() {
        let advised = advise(api_error("TPL-0029", "Report is not finished."));
        let text = advised.to_string();
        assert!(text.contains("not finished after 4 attempts; wait for the report"), "{text}");
        assert!(text.contains("`wait_for_report`"), "{text}");
        let other = advise(api_error("TPL-0011", "Not found")).to_string();
        assert!(other.contains(": Not found after 4 attempts; the vendor"), "{other}");
        let (gateway, hint) = classify(502, "<html>Bad Gateway</html>");
        assert_eq!(gateway.message.as_deref(), Some("<html>Bad Gateway</html>"));
        assert_eq!(hint, RetryHint::ByStatus);
        let ok = ReporterProtocol.classify(StatusCode::CREATED, &HeaderMap::new(), b"{}");
        assert_eq!(ok, Verdict::Success);
    }
}
