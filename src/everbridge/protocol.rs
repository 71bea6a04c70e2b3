//! How Everbridge answers fail: HTTP 200 with `"success": false` (a business error),
//! `{"message": …, "status": …}` with an error status, and the other ways an HTTP-200
//! answer says it failed: `success` spelled as text, `status` of 400 or more (a number or
//! a numeric text), an `error` or `errors` member, or no `data` at all. Each is an error
//! naming what came back, never an empty page that would quietly end a month.

use reqwest::{StatusCode, header::HeaderMap};
use serde::{Deserialize, Deserializer, de::IgnoredAny};
use serde_json::Value;

use super::BusinessErrorKind;
use crate::{
    error::{excerpt, is_retryable_status},
    retry::RetryHint,
    transport::{ErrorDetails, Protocol, Verdict},
};

/// Everbridge's [`Protocol`]: a 2xx is a success unless its body says otherwise.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EverbridgeAnswers;

/// The parts of a body that tell a failure, whatever else it holds, in any JSON type.
#[derive(Deserialize)]
struct Outcome {
    #[serde(default)]
    success: Option<Value>,
    #[serde(default)]
    message: Option<Value>,
    #[serde(default)]
    status: Option<Value>,
    #[serde(default)]
    error: Option<Value>,
    #[serde(default)]
    errors: Option<Value>,
    #[serde(default)]
    data: Present,
}

/// Whether a member was there at all (`null` included).
#[derive(Default)]
struct Present(bool);

impl<'de> Deserialize<'de> for Present {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(deserializer).map(|_| Present(true))
    }
}

impl Protocol for EverbridgeAnswers {
    fn classify(&self, status: StatusCode, _headers: &HeaderMap, body: &[u8]) -> Verdict {
        if !status.is_success() {
            return Verdict::Failure {
                details: ErrorDetails::generic(body),
                hint: RetryHint::ByStatus,
            };
        }
        // A page that quotes `data` and none of the failure keys is a success: spare it a
        // second parse. (A body that is not UTF-8 is not JSON either: the decoder says so.)
        let Ok(text) = std::str::from_utf8(body) else { return Verdict::Success };
        let quotes_a_failure_key =
            ["\"success\"", "\"status\"", "\"error"].iter().any(|key| text.contains(key));
        if !quotes_a_failure_key && text.contains("\"data\"") {
            return Verdict::Success;
        }
        match serde_json::from_slice::<Outcome>(body) {
            Ok(outcome) => judge(outcome, body),
            // Not an object: the decoder reports it with the JSON path and an excerpt.
            Err(_) => Verdict::Success,
        }
    }
}

/// The verdict on an HTTP-200 object.
fn judge(outcome: Outcome, body: &[u8]) -> Verdict {
    let message = outcome.message.as_ref().map(text_of).filter(|m| !m.trim().is_empty());
    let stop = |code: &str, message: String| Verdict::Failure {
        details: ErrorDetails {
            code: Some(code.to_owned()),
            message: Some(message),
            request_id: None,
        },
        hint: RetryHint::Stop,
    };
    let said_success = match &outcome.success {
        None | Some(Value::Null) => None,
        Some(Value::Bool(success)) => Some(*success),
        Some(Value::String(text)) if text.trim().eq_ignore_ascii_case("true") => Some(true),
        Some(other) => {
            let message = message.unwrap_or_else(|| "no message".to_owned());
            return stop(
                "business",
                format!("Everbridge answered `\"success\": {}` ({message})", short(other)),
            );
        }
    };
    if said_success == Some(false) {
        let kind =
            message.as_deref().map_or(BusinessErrorKind::Other, BusinessErrorKind::of_message);
        let message = message.unwrap_or_else(|| {
            "Everbridge answered `\"success\": false` without a message".to_owned()
        });
        return stop(kind.code(), message);
    }
    // `{"message", "status": 500}` inside an HTTP 200: the failure the body names.
    if let Some(inner) = outcome.status.as_ref().and_then(status_of).filter(|s| s.as_u16() >= 400)
        && said_success.is_none()
    {
        let hint = if is_retryable_status(inner) { RetryHint::Retry } else { RetryHint::Stop };
        let details =
            ErrorDetails { code: Some(inner.as_u16().to_string()), message, request_id: None };
        return Verdict::Failure { details, hint };
    }
    for (name, member) in [("error", &outcome.error), ("errors", &outcome.errors)] {
        if let Some(member) = member.as_ref().filter(|member| !is_empty(member)) {
            let said = message.clone().map(|m| format!("{m}; ")).unwrap_or_default();
            return stop(
                "error",
                format!("{said}Everbridge answered with `{name}`: {}", short(member)),
            );
        }
    }
    if !outcome.data.0 {
        return stop(
            "no_data",
            format!(
                "Everbridge answered HTTP 200 without `data`, so the page cannot be read (and is \
                 not taken as empty): {}",
                excerpt(body)
            ),
        );
    }
    Verdict::Success
}

/// A status as a number or a numeric text.
fn status_of(value: &Value) -> Option<StatusCode> {
    let code = match value {
        Value::Number(number) => u16::try_from(number.as_u64()?).ok()?,
        Value::String(text) => text.trim().parse().ok()?,
        _ => return None,
    };
    StatusCode::from_u16(code).ok()
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::String(text) => text.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(members) => members.is_empty(),
        Value::Bool(true) | Value::Number(_) => false,
    }
}

/// A member's value as text: a string as it is, anything else as its JSON.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A member's JSON, kept short whatever the server sent.
fn short(value: &Value) -> String {
    excerpt(value.to_string().as_bytes())
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

#[cfg(test)]
mod failure_shapes {
    use super::*;

    fn failure(body: &str) -> ErrorDetails {
        match EverbridgeAnswers.classify(StatusCode::OK, &HeaderMap::new(), body.as_bytes()) {
            Verdict::Failure { details, .. } => details,
            Verdict::Success => panic!("taken as a page: {body}"),
        }
    }

    #[test]
    fn every_http_200_spelling_of_a_failure_is_an_error_naming_what_came_back() {
        for (body, code, says) in [
            (r#"{"success":"false","message":"Logging off"}"#, "business", "Logging off"),
            (r#"{"success":"no"}"#, "business", r#""no""#),
            (r#"{"success":"FALSE","data":{"data":[]}}"#, "business", "FALSE"),
            (r#"{"status":"503","message":"Busy"}"#, "503", "Busy"),
            (r#"{"status":404,"data":[]}"#, "404", ""),
            (r#"{"error":"invalid_scope","data":[]}"#, "error", "invalid_scope"),
            (r#"{"errors":[{"code":"E1"}],"data":{"data":[]}}"#, "error", "E1"),
            (r#"{"currentPageNo":1,"totalCount":250}"#, "no_data", "totalCount"),
            (r#"{"success":true,"type":"Security"}"#, "no_data", "Security"),
        ] {
            let details = failure(body);
            assert_eq!(details.code.as_deref(), Some(code), "{body}");
            let message = details.message.unwrap_or_default();
            assert!(message.contains(says), "{body}: {message}");
        }
    }

    #[test]
    fn pages_with_harmless_members_are_still_pages() {
        for body in [
            r#"{"data":[],"success":"true"}"#,
            r#"{"data":[],"errors":[],"error":null}"#,
            r#"{"data":{"data":[]},"success":true,"status":"200"}"#,
            r#"{"data":[{"eventResult":"error","status":"500"}]}"#,
            r#"{"data":null}"#,
        ] {
            let verdict =
                EverbridgeAnswers.classify(StatusCode::OK, &HeaderMap::new(), body.as_bytes());
            assert_eq!(verdict, Verdict::Success, "{body}");
        }
    }
}
