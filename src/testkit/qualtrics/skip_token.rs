//! The skip token that leads from one page of `GET logs` to the next.

use chrono::DateTime;

use super::state::Key;

/// The skip token: standard base64 (its `+`, `/` and `=` test a client's URL encoding) of
/// the last event's key, so a page starts right after it whatever was added before it.
pub(super) fn encode_token(last: &Key) -> String {
    let text =
        format!("v1|{}|{}|{}", last.at.timestamp(), last.at.timestamp_subsec_nanos(), last.id);
    crate::base64::encode(text.as_bytes())
}

pub(super) fn decode_token(token: &str) -> Option<Key> {
    let text = String::from_utf8(crate::base64::decode(token)?).ok()?;
    let mut parts = text.strip_prefix("v1|")?.splitn(3, '|');
    let seconds = parts.next()?.parse().ok()?;
    let nanos = parts.next()?.parse().ok()?;
    let id = parts.next()?.to_owned();
    Some(Key { at: DateTime::from_timestamp(seconds, nanos)?, id })
}

#[cfg(test)]
mod tests {
    use crate::testkit::qualtrics::testing::*;
    use hyper::StatusCode;

    use crate::testkit::qualtrics::config::Config;

    #[test]
    fn an_empty_skip_token_is_qval_5_and_a_malformed_one_a_400() {
        let sandbox = sandbox(Config::default());
        let answer = logs(&sandbox, "activityType=logins&skipToken=");
        assert_eq!((answer.status, error_code(&answer)), (StatusCode::BAD_REQUEST, "QVAL_5"));
        let forged = crate::base64::encode(b"v1|not-a-number|0|x");
        for token in ["!!!", "abc", "bm9uc2Vuc2U=", forged.as_str()] {
            let encoded: String = url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
            let answer = logs(&sandbox, &format!("activityType=logins&skipToken={encoded}"));
            assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{token}");
            assert_eq!(error_code(&answer), "QVAL_5");
        }
    }
}
