//! Property tests that feed every response and error decoder arbitrary bytes, arbitrary JSON
//! and mutated valid bodies: each call gives a value or an error, never a panic, and an
//! error's text stays short whatever the server sent.
//!
//! CI runs 256 cases per property (a few seconds); `PROPTEST_CASES=100000` runs a long pass
//! (see the README's Fuzzing section). Failures are printed with the shrunk input and never
//! written to disk.

/// The three properties of a vendor, named by the caller: `every_decoder(status, body)`
/// answers arbitrary bytes, arbitrary JSON, and the valid bodies `seeds` taken apart.
macro_rules! decoder_properties {
    ($every_decoder:path, $seeds:expr, $bytes:ident, $json:ident, $mutated:ident $(,)?) => {
        proptest::proptest! {
            #![proptest_config($crate::fuzz::config())]

            #[test]
            fn $bytes(
                body in $crate::fuzz::any_bytes(),
                status in $crate::fuzz::status(),
            ) {
                $every_decoder(status, &body.0);
            }

            #[test]
            fn $json(
                body in $crate::fuzz::any_json(),
                status in $crate::fuzz::status(),
            ) {
                $every_decoder(status, &body.0);
            }

            #[test]
            fn $mutated(
                body in $crate::fuzz::mutated($seeds),
                status in $crate::fuzz::status(),
            ) {
                $every_decoder(status, &body.0);
            }
        }
    };
}

mod core;
mod energycap;
mod everbridge;
mod inputs;
mod mutation;
mod qualtrics;
mod reporter;

use bytes::Bytes;
use proptest::{strategy::Strategy, test_runner::Config};
use reqwest::{StatusCode, header::HeaderMap};

use crate::{
    Error, Operation,
    polling::{JobStatus, Progress, wait::job_failed},
    transport::{Answer, Protocol, Verdict, failure::Failure},
};

/// A body, shown in a failure's report as a byte string (`b"{\"id\":…"`), not as a list of
/// numbers.
#[derive(Clone)]
struct Body(Vec<u8>);

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "b\"{}\"", self.0.escape_ascii())
    }
}

fn any_bytes() -> impl Strategy<Value = Body> {
    inputs::bytes().prop_map(Body)
}

fn any_json() -> impl Strategy<Value = Body> {
    inputs::json_body().prop_map(Body)
}

fn mutated(seeds: &'static [&'static str]) -> impl Strategy<Value = Body> {
    mutation::mutated(seeds).prop_map(Body)
}

/// How long an error's `Display` may be, whatever the body held.
const MAX_DISPLAY_CHARS: usize = 2_000;

/// The proptest configuration of every property here: `PROPTEST_CASES` cases (256 when
/// unset), and no failure files left behind.
fn config() -> Config {
    Config { failure_persistence: None, ..Config::default() }
}

/// The value when there is one; otherwise asserts the error is a decode error that points
/// at the problem and reads short.
fn decoded<T>(result: Result<T, Error>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(error) => {
            assert_decode_error(&error);
            None
        }
    }
}

fn assert_decode_error(error: &Error) {
    let Error::Decode(decode) = error else { panic!("not a decode error: {error:?}") };
    assert!(
        !decode.path().is_empty() || !decode.body_excerpt().is_empty(),
        "a decode error without path or excerpt: {error:?}"
    );
    assert_short(error);
}

fn assert_short(error: &Error) {
    let text = error.to_string();
    let chars = text.chars().count();
    let start: String = text.chars().take(3000).collect();
    assert!(chars < MAX_DISPLAY_CHARS, "an error's text is {chars} chars long: {start}…");
}

/// What `protocol` makes of the answer and, for a failure, the error the caller would get,
/// which must read short.
fn classified(
    protocol: &dyn Protocol,
    operation: Operation,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Option<Error> {
    let Verdict::Failure { details, hint } = protocol.classify(status, headers, body) else {
        return None;
    };
    let answer = Answer {
        status,
        headers: headers.clone(),
        body: Bytes::copy_from_slice(body),
        request_id: None,
        authorization: None,
    };
    let failure = Failure::Answered { answer: Box::new(answer), details, hint };
    let error = failure.into_error(operation, 3, None);
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_short(&error);
    Some(error)
}

/// What a wait makes of a status read: for a failed job, an error that must read short.
fn waited<S: JobStatus>(operation: Operation, status: S) {
    let _ = status.status_text();
    if let Progress::Failed { message } = status.progress() {
        assert_short(&job_failed(operation, message, status));
    }
}

/// A status: the ones the vendors send most, or any other.
fn status() -> impl Strategy<Value = StatusCode> {
    use proptest::{prelude::*, sample::select};
    const COMMON: &[u16] = &[200, 201, 204, 400, 401, 403, 404, 409, 429, 500, 502, 503];
    prop_oneof![select(COMMON), 100u16..600]
        .prop_map(|code| StatusCode::from_u16(code).unwrap_or(StatusCode::OK))
}
