//! Turning a body into a model, or into the vendor's error details.

use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::{
    Error, Operation,
    error::{
        DecodeError,
        bounded::{MAX_FIELD_TEXT, shorten_middle},
        excerpt,
    },
};

/// What a vendor's error body says, as far as the vendor's [`Protocol`](super::Protocol)
/// can read it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct ErrorDetails {
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) request_id: Option<String>,
}

impl ErrorDetails {
    /// The shapes most JSON APIs use: `code`/`errorCode` and
    /// `message`/`Message`/`errorMessage`/`error_description`/`title`/`error` at the top level.
    /// A body that is not JSON becomes the message, shortened.
    pub(crate) fn generic(body: &[u8]) -> Self {
        let Ok(serde_json::Value::Object(object)) = serde_json::from_slice(body) else {
            let text = excerpt(body);
            return Self { message: (!text.trim().is_empty()).then_some(text), ..Self::default() };
        };
        let first_text = |keys: &[&str]| {
            keys.iter().find_map(|key| match object.get(*key)? {
                serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
        };
        Self {
            code: first_text(&["code", "errorCode", "error_code"]),
            message: first_text(&[
                "message",
                "Message",
                "errorMessage",
                "error_description",
                "title",
                "error",
            ]),
            request_id: first_text(&["requestId", "request_id"]),
        }
    }
}

/// Decodes a JSON body; a failure keeps the JSON path that failed and a body excerpt.
///
/// Path tracking costs about half again the decoding itself, so the body is decoded plainly
/// first and decoded again with the path tracked only when that fails, to build the error.
pub(crate) fn decode_json<T: DeserializeOwned>(
    operation: Operation,
    status: StatusCode,
    request_id: Option<&str>,
    body: &[u8],
) -> Result<T, Error> {
    // A byte-order mark is not JSON, but some servers put one in front of it.
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    // `from_slice` also refuses trailing bytes after the document.
    match serde_json::from_slice(body) {
        Ok(value) => Ok(value),
        Err(_) => decode_tracking_path(operation, status, request_id, body),
    }
}

fn decode_tracking_path<T: DeserializeOwned>(
    operation: Operation,
    status: StatusCode,
    request_id: Option<&str>,
    body: &[u8],
) -> Result<T, Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let decoded = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| (error.path().to_string(), error.into_inner()))
        .and_then(|value| {
            // Trailing bytes after the document mean the answer is not what we think it is.
            deserializer.end().map(|()| value).map_err(|error| (".".to_owned(), error))
        });
    decoded.map_err(|(path, source)| {
        Error::Decode(Box::new(DecodeError {
            operation,
            status,
            // A field name is the server's: it can be a megabyte long.
            path: shorten_middle(&path, MAX_FIELD_TEXT).into_owned(),
            excerpt: excerpt(body),
            request_id: request_id.map(|id| excerpt(id.as_bytes())),
            source: DecodeError::bounded_source(source),
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Vendor;

    #[test]
    fn generic_details_read_common_shapes_and_plain_text() {
        let details = ErrorDetails::generic(
            br#"{"code":"TPL-0011","title":"Not Found","message":"no report"}"#,
        );
        assert_eq!(details.code.as_deref(), Some("TPL-0011"));
        assert_eq!(details.message.as_deref(), Some("no report"));
        let details = ErrorDetails::generic(br#"{"Message":"Authorization has been denied"}"#);
        assert_eq!(details.message.as_deref(), Some("Authorization has been denied"));
        let details = ErrorDetails::generic(b"<html>Bad Gateway</html>");
        assert_eq!(details.message.as_deref(), Some("<html>Bad Gateway</html>"));
        assert_eq!(ErrorDetails::generic(b""), ErrorDetails::default());
    }

    #[test]
    fn decode_error_keeps_the_failing_path_and_an_excerpt() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Row {
            id: u32,
        }
        let op = Operation::new(Vendor::EnergyCap, "report_distribution_logs");
        let body = br#"[{"id":1},{"id":"two"}]"#;
        let error = decode_json::<Vec<Row>>(op, StatusCode::OK, None, body).unwrap_err();
        let Error::Decode(decode) = &error else { panic!("{error:?}") };
        assert_eq!(decode.path(), "[1].id");
        assert!(decode.body_excerpt().starts_with("[{\"id\":1}"));
        assert!(error.to_string().contains("report_distribution_logs"), "{error}");
    }

    #[test]
    fn a_decode_error_quoting_a_long_value_from_the_body_stays_short() {
        // Regression (found by the fuzz properties): serde_json quotes a whole string of the
        // wrong type, the timestamp reader a whole unreadable text, so a 10,000-character
        // value made a 10,000-character error.
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Row {
            id: Option<u32>,
            #[serde(default, with = "serde_with::As::<Option<crate::datetime::Tolerant>>")]
            at: Option<chrono::DateTime<chrono::Utc>>,
        }
        let op = Operation::new(Vendor::Everbridge, "audit_log");
        let long = "T".repeat(10_000);
        for body in [format!(r#"[{{"id":"{long}"}}]"#), format!(r#"[{{"at":"{long}"}}]"#)] {
            let error = decode_json::<Vec<Row>>(op, StatusCode::OK, None, body.as_bytes());
            let error = error.unwrap_err();
            let text = error.to_string();
            assert!(text.len() < 1_500, "{} bytes: {text}", text.len());
            assert!(text.contains("line 1 column"), "{text}");
            let source = std::error::Error::source(&error).map(ToString::to_string);
            assert!(source.is_some_and(|source| source.len() < 500));
        }
    }

    #[test]
    fn a_megabyte_field_name_keeps_the_decode_error_short() {
        let op = Operation::new(Vendor::Qualtrics, "list_events");
        let name = format!("start{}end", "f".repeat(1 << 20));
        let body = format!(r#"{{"{name}": "not a number"}}"#);
        let error = decode_json::<std::collections::HashMap<String, u32>>(
            op,
            StatusCode::OK,
            Some(&"r".repeat(100_000)),
            body.as_bytes(),
        )
        .unwrap_err();
        let Error::Decode(decode) = &error else { panic!("{error:?}") };
        assert!(decode.path().starts_with("start") && decode.path().ends_with("end"));
        assert!(decode.path().len() <= MAX_FIELD_TEXT, "{}", decode.path().len());
        for text in [error.to_string(), format!("{error:?}"), format!("{error:#?}")] {
            assert!(text.len() <= 2048, "{} bytes", text.len());
        }
        let text = error.to_string();
        assert!(text.starts_with("Qualtrics list_events could not decode"), "{text}");
        assert!(text.ends_with("please report it with this message"), "{text}");
    }

    #[test]
    fn a_leading_byte_order_mark_is_skipped() {
        let op = Operation::new(Vendor::EnergyCap, "x");
        let decoded = decode_json::<Vec<u8>>(op, StatusCode::OK, None, b"\xEF\xBB\xBF[1,2]");
        assert_eq!(decoded.unwrap(), [1, 2]);
    }

    #[test]
    fn trailing_garbage_is_a_decode_error() {
        let op = Operation::new(Vendor::EnergyCap, "x");
        assert!(decode_json::<Vec<u8>>(op, StatusCode::OK, None, b"[1] [2]").is_err());
    }
}
