//! Qualtrics: the list envelope of every activity type (typed and raw), the activity types,
//! `nextPage`, the `meta` error body and the OAuth token answer.

use proptest::prelude::*;
use reqwest::{StatusCode, header::HeaderMap};
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use super::{assert_decode_error, assert_short, classified, config, decoded, inputs};
use crate::{
    pagination::{Envelope, decode_page},
    qualtrics::{
        ActivityTypeInfo, AuditExport, Event, Logins, PasswordResets, Raw, SessionCreations,
        SessionTerminations, audit_export::Answer, error_body::parse_error,
        export_file::ExportFile, oauth::TokenAnswer, paging::QualtricsPages,
        skip_token::skip_token,
    },
    transport::{ErrorBody, decode_json},
};

const OP: crate::Operation = crate::Operation::new(crate::Vendor::Qualtrics, "fuzz");

const SEEDS: &[&str] = &[
    include_str!("../../tests/fixtures/qualtrics/list_events_logins.json"),
    r#"{"result":{"elements":[{"id":"e-2","timestamp":"2026-03-30T08:15:00+0000",
        "descriptor":{"userId":"UR_1","sessionId":"s-1","startTime":"2026-03-30T08:00:00Z"}}],
        "nextPage":"https://iad1.qualtrics.com/API/v3/logs?activityType=session_creations&skipToken=YWJj"},
        "meta":{"httpStatus":"200 - OK","requestId":"r-1"}}"#,
    r#"{"result":{"elements":[{"id":"e-3","timestamp":"2026-03-30","descriptor":null},
        {"id":"e-4","descriptor":{"userId":"UR_2","isSuccessful":"yes"}}],"nextPage":"/API/v3/logs?skipToken=dDI="},
        "meta":{"httpStatus":"200 - OK"}}"#,
    r#"{"result":{"elements":[{"name":"logins","additionalFilters":["userId","isSuccessful"]},
        {"name":"password_resets","additionalFilters":[]}],"nextPage":"eyJvZmZzZXQiOjEwMH0="}}"#,
    r#"{"meta":{"httpStatus":"400 - Bad Request","error":{"errorMessage":"Invalid skipToken",
        "errorCode":"QVAL_5"},"requestId":"r-9"}}"#,
    r#"{"access_token":"eyJhbGciOi.x.y","token_type":"Bearer","expires_in":3600,"scope":"manage:all"}"#,
];

fn base() -> Url {
    Url::parse("https://iad1.qualtrics.com/API/v3/").unwrap_or_else(|e| panic!("{e}"))
}

/// A listing's page as the listing reads it, and what its envelope makes of `nextPage`
/// (a token, the end, or a short error).
fn page<T: DeserializeOwned + Send + 'static>(status: StatusCode, body: &[u8]) {
    let Some(page) = decoded(decode_page::<QualtricsPages<T>>(OP, status, None, body)) else {
        return;
    };
    page.undecodable.iter().for_each(|item| assert_decode_error(item.error()));
    let envelope = QualtricsPages::<T>::new(base(), OP);
    if let Err(error) = envelope.next(None, &page.meta, page.on_page()) {
        assert_short(&error);
    }
}

/// Every Qualtrics decoder, on one answer.
fn every_decoder(status: StatusCode, body: &[u8]) {
    page::<Event<Logins>>(status, body);
    page::<Event<SessionCreations>>(status, body);
    page::<Event<SessionTerminations>>(status, body);
    page::<Event<PasswordResets>>(status, body);
    page::<Event<Raw>>(status, body);
    page::<ActivityTypeInfo>(status, body);
    let _ = decoded(decode_json::<Answer<AuditExport>>(OP, status, None, body));
    export_file(body);
    let _ = parse_error(body);
    let _ = classified(&ErrorBody(parse_error), OP, status, &HeaderMap::new(), body);
    if let Some(token) = decoded(decode_json::<TokenAnswer>(OP, status, None, body))
        && let Err(error) = token.access_token.header_value("Bearer ", "Qualtrics access token")
    {
        assert_short(&error);
    }
}

/// An export file (plain or zip) split into records, in small chunks, under a small cap:
/// every record is within the cap, errors are short, and nothing panics.
fn export_file(body: &[u8]) {
    const MAX: usize = 64;
    let mut file = ExportFile::new(MAX);
    let chunks: Vec<&[u8]> = body.chunks(7).collect();
    for (index, chunk) in chunks.iter().enumerate() {
        file.push(chunk);
        loop {
            match file.next_record(index + 1 == chunks.len()) {
                Ok(Some(record)) => assert!(!record.is_empty() && record.len() <= MAX),
                Ok(None) => break,
                Err(message) => {
                    // The longest: advice, and a zip entry's name (at most 80 bytes).
                    assert!(message.len() < 300, "{message}");
                    return;
                }
            }
        }
    }
}

fn next_page() -> impl Strategy<Value = String> {
    prop_oneof![
        inputs::json().prop_map(|value| match value {
            Value::String(text) => text,
            other => other.to_string(),
        }),
        (
            proptest::collection::vec(any::<char>(), 0..40).prop_map(String::from_iter),
            prop::sample::select(
                &[
                    "https://iad1.qualtrics.com/API/v3/logs?skipToken=",
                    "https://iad1.qualtrics.com:443/API/v3/logs?a=1&skipToken=",
                    "http://iad1.qualtrics.com/API/v3/logs?skipToken=",
                    "https://evil.example/?skipToken=",
                    "/API/v3/logs?skipToken=",
                    "//evil.example/x?skipToken=",
                    "/",
                    "page:",
                ][..]
            )
        )
            .prop_map(|(tail, head)| format!("{head}{tail}")),
        (2_500..20_000usize).prop_map(|n| format!("/{}?skipToken=x", "a".repeat(n))),
        (2_500..20_000usize).prop_map(|n| format!("https://x.example/{}", "a".repeat(n))),
        (2_500..20_000usize)
            .prop_map(|n| format!("https://iad1.qualtrics.com/API/v3/{}", "a".repeat(n))),
    ]
}

decoder_properties!(
    every_decoder,
    SEEDS,
    qualtrics_decoders_answer_arbitrary_bytes,
    qualtrics_decoders_answer_arbitrary_json,
    qualtrics_decoders_answer_mutated_valid_bodies,
);

/// Zips written by other tools (tests/fixtures/qualtrics/exports), to be damaged.
const ZIPS: [&[u8]; 3] = [
    include_bytes!("../../tests/fixtures/qualtrics/exports/deflated.zip"),
    include_bytes!("../../tests/fixtures/qualtrics/exports/streamed.zip"),
    include_bytes!("../../tests/fixtures/qualtrics/exports/infozip-pipe.zip"),
];

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_damaged_zip_export_gives_records_within_the_cap_or_a_short_error(
        zip in prop::sample::select(&ZIPS[..]),
        changes in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = zip.to_vec();
        for (at, byte) in changes {
            let at = at.index(bytes.len());
            bytes[at] = byte;
        }
        bytes.truncate(4 + cut.index(bytes.len() - 3));
        export_file(&bytes);
    }

    #[test]
    fn any_next_page_gives_a_token_or_a_short_error(next in next_page()) {
        match skip_token(&base(), OP, &next) {
            Ok(_) => {}
            Err(error) => {
                assert!(matches!(error, crate::Error::Pagination(_)), "{error:?}");
                assert_short(&error);
            }
        }
    }
}

#[test]
fn the_qualtrics_seeds_are_bodies_the_decoders_accept() {
    let ok = StatusCode::OK;
    let seeds: Vec<&[u8]> = inputs::seeds(SEEDS).collect();
    let logins = decode_page::<QualtricsPages<Event<Logins>>>(OP, ok, None, seeds[0]);
    assert!(logins.is_ok_and(|page| page.undecodable.is_empty() && !page.items.is_empty()));
    let sessions = decode_page::<QualtricsPages<Event<SessionCreations>>>(OP, ok, None, seeds[1]);
    assert!(sessions.is_ok_and(|page| page.undecodable.is_empty() && page.meta.is_some()));
    let raw = decode_page::<QualtricsPages<Event<Raw>>>(OP, ok, None, seeds[2]);
    assert!(raw.is_ok_and(|page| page.undecodable.is_empty() && page.items.len() == 2));
    let kinds = decode_page::<QualtricsPages<ActivityTypeInfo>>(OP, ok, None, seeds[3]);
    assert!(kinds.is_ok_and(|page| page.undecodable.is_empty() && page.items.len() == 2));
    assert_eq!(parse_error(seeds[4]).code.as_deref(), Some("QVAL_5"));
    assert!(decode_json::<TokenAnswer>(OP, ok, None, seeds[5]).is_ok());
}
