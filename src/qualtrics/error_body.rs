//! Qualtrics' error body: `{"meta":{"httpStatus":…,"error":{"errorMessage":…,"errorCode":…},"requestId":…}}`.

use serde::Deserialize;

use crate::transport::ErrorDetails;

#[derive(Deserialize)]
struct Body {
    meta: Meta,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Meta {
    #[serde(default)]
    error: Option<ErrorPart>,
    #[serde(default)]
    request_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorPart {
    #[serde(default)]
    error_code: Option<String>,
    #[serde(default)]
    error_message: Option<String>,
}

/// Reads Qualtrics' `meta` envelope; anything else (a gateway's HTML page) falls back to
/// the generic reading.
pub(crate) fn parse_error(body: &[u8]) -> ErrorDetails {
    match serde_json::from_slice::<Body>(body) {
        Ok(Body { meta }) => {
            let (code, message) =
                meta.error.map(|e| (e.error_code, e.error_message)).unwrap_or_default();
            ErrorDetails { code, message, request_id: meta.request_id }
        }
        Err(_) => ErrorDetails::generic(body),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn meta_error_fields_become_code_message_and_request_id() {
        let body = br#"{"meta":{"httpStatus":"400 - Bad Request","error":{"errorMessage":"Invalid skipToken","errorCode":"QVAL_5"},"requestId":"r-9"}}"#;
        let details = super::parse_error(body);
        assert_eq!(details.code.as_deref(), Some("QVAL_5"));
        assert_eq!(details.message.as_deref(), Some("Invalid skipToken"));
        assert_eq!(details.request_id.as_deref(), Some("r-9"));
        assert_eq!(
            super::parse_error(b"<html>502</html>").message.as_deref(),
            Some("<html>502</html>")
        );
    }
}
