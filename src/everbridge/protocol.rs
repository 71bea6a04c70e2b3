//! How Everbridge answers fail: HTTP 200 with `"success": false` (a business error), or
//! `{"message": …, "status": …}` with an error status.

use reqwest::{StatusCode, header::HeaderMap};
use serde::Deserialize;

use super::BusinessErrorKind;
use crate::{
    retry::{RetryHint, is_retryable_status},
    transport::{ErrorDetails, Protocol, Verdict},
};

/// Everbridge's [`Protocol`]: a 2xx is a success unless its body says otherwise.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EverbridgeAnswers;

/// The parts of a body that tell a failure, whatever else it holds.
#[derive(Deserialize)]
struct Outcome {
    #[serde(default)]
    success: Option<bool>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    status: Option<u16>,
    #[serde(default)]
    data: Option<serde::de::IgnoredAny>,
}

impl Protocol for EverbridgeAnswers {
    fn classify(&self, status: StatusCode, _headers: &HeaderMap, body: &[u8]) -> Verdict {
        if !status.is_success() {
            return Verdict::Failure {
                details: ErrorDetails::generic(body),
                hint: RetryHint::ByStatus,
            };
        }
        // A page that never quotes either key is a success: spare it a second parse. (A body
        // that is not UTF-8 is not JSON either: the decoder reports it.)
        let Ok(text) = std::str::from_utf8(body) else { return Verdict::Success };
        if !text.contains("\"success\"") && !text.contains("\"status\"") {
            return Verdict::Success;
        }
        let Ok(outcome) = serde_json::from_slice::<Outcome>(body) else {
            // Not an object: the decoder reports it with the JSON path and an excerpt.
            return Verdict::Success;
        };
        let message = outcome.message.filter(|m| !m.trim().is_empty());
        if outcome.success == Some(false) {
            let kind =
                message.as_deref().map_or(BusinessErrorKind::Other, BusinessErrorKind::of_message);
            let details = ErrorDetails {
                code: Some(kind.code().to_owned()),
                message: Some(message.unwrap_or_else(|| {
                    "Everbridge answered `\"success\": false` without a message".to_owned()
                })),
                request_id: None,
            };
            return Verdict::Failure { details, hint: RetryHint::Stop };
        }
        // `{"message", "status": 500}` inside an HTTP 200: the failure the body names.
        match (outcome.status.and_then(|s| StatusCode::from_u16(s).ok()), outcome.data) {
            (Some(inner), None) if inner.as_u16() >= 400 => {
                let hint =
                    if is_retryable_status(inner) { RetryHint::Retry } else { RetryHint::Stop };
                let details = ErrorDetails {
                    code: Some(inner.as_u16().to_string()),
                    message,
                    request_id: None,
                };
                Verdict::Failure { details, hint }
            }
            _ => Verdict::Success,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(status: u16, body: &str) -> Verdict {
        let status = StatusCode::from_u16(status).unwrap();
        EverbridgeAnswers.classify(status, &HeaderMap::new(), body.as_bytes())
    }

    fn failure(verdict: Verdict) -> (ErrorDetails, RetryHint) {
        match verdict {
            Verdict::Failure { details, hint } => (details, hint),
            Verdict::Success => panic!("a failure was expected"),
        }
    }

    #[test]
    fn pages_bare_or_wrapped_are_successes() {
        assert_eq!(
            classify(200, r#"{"currentPageNo":1,"data":[],"totalCount":0}"#),
            Verdict::Success
        );
        assert_eq!(
            classify(200, r#"{"data":{"data":[]},"success":true,"type":"Security"}"#),
            Verdict::Success
        );
        assert_eq!(classify(200, "not json"), Verdict::Success, "left to the decoder");
    }

    #[test]
    fn success_false_is_a_business_failure_with_its_kind_as_code_and_no_retry() {
        let (details, hint) = failure(classify(
            200,
            r#"{"success":false,"type":"business","message":"The date range must be within the past 6 months."}"#,
        ));
        assert_eq!(details.code.as_deref(), Some("range_older_than_six_months"));
        assert_eq!(
            details.message.as_deref(),
            Some("The date range must be within the past 6 months.")
        );
        assert_eq!(hint, RetryHint::Stop);
        let (details, _) = failure(classify(200, r#"{"success":false}"#));
        assert_eq!(details.code.as_deref(), Some("business"));
        assert!(details.message.is_some());
    }

    #[test]
    fn message_and_status_bodies_fail_by_their_status() {
        let (details, hint) = failure(classify(401, r#"{"message":"Unauthorized","status":401}"#));
        assert_eq!((details.message.as_deref(), hint), (Some("Unauthorized"), RetryHint::ByStatus));
        let (details, hint) =
            failure(classify(200, r#"{"message":"Internal error","status":500}"#));
        assert_eq!((details.code.as_deref(), hint), (Some("500"), RetryHint::Retry));
        let (_, hint) = failure(classify(200, r#"{"message":"Bad request","status":400}"#));
        assert_eq!(hint, RetryHint::Stop);
    }
}
