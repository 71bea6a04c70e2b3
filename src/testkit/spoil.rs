//! How a fault spoils an answer the simulator gave: a body cut off mid-way, or one that
//! is well framed but not JSON.

use bytes::Bytes;
use hyper::{StatusCode, header::CONTENT_LENGTH};

use super::sim::{SimBody, SimResponse};

/// Keeps the first half of the body and aborts the connection after it.
pub(super) fn cut(mut response: SimResponse) -> SimResponse {
    let body = std::mem::replace(&mut response.body, SimBody::Full(Bytes::new())).into_bytes();
    // An empty body still announces one byte, so the client always sees a short read.
    let declared_len = u64::try_from(body.len()).unwrap_or(u64::MAX).max(1);
    response.body = SimBody::Cut { sent: body.slice(..body.len() / 2), declared_len };
    response
}

/// Status 200 with the first half of the body: well framed, but not JSON.
pub(super) fn malform(mut response: SimResponse) -> SimResponse {
    let body = std::mem::replace(&mut response.body, SimBody::Full(Bytes::new())).into_bytes();
    let mut half = body.slice(..body.len() / 2).to_vec();
    // Half of a scalar (`12345` → `12`) can still parse; an unclosed object never does.
    if serde_json::from_slice::<serde::de::IgnoredAny>(&half).is_ok() || half.is_empty() {
        half.push(b'{');
    }
    response.status = StatusCode::OK;
    // The server frames a full body itself; a length the simulator set would now be wrong.
    response.headers.remove(CONTENT_LENGTH);
    response.body = SimBody::Full(half.into());
    response
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    fn ok_json(body: &str) -> SimResponse {
        SimResponse::bytes(StatusCode::OK, "application/json", Bytes::from(body.to_owned()))
    }

    #[test]
    fn malformed_body_is_never_valid_json() {
        for body in ["[]", "12345", "", r#"{"a":[1,2,3]}"#, "\"text\""] {
            let SimBody::Full(bytes) = malform(ok_json(body)).body else {
                panic!("malform keeps a full body");
            };
            assert!(
                serde_json::from_slice::<Value>(&bytes).is_err(),
                "{body:?} became valid JSON {bytes:?}"
            );
        }
    }

    #[test]
    fn cut_body_announces_the_full_length_and_sends_half() {
        let SimBody::Cut { sent, declared_len } = cut(ok_json("0123456789")).body else {
            panic!("cut makes a cut body");
        };
        assert_eq!((sent.as_ref(), declared_len), (&b"01234"[..], 10));
    }
}
