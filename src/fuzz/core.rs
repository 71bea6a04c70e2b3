//! The generic readers every vendor goes through: timestamps, `Retry-After`, download file
//! names, the generic error body, and the per-item fallback of a page.

use chrono::{DateTime, Utc};
use proptest::{collection::vec, prelude::*, sample::select};
use reqwest::{
    StatusCode,
    header::{CONTENT_DISPOSITION, HeaderMap, HeaderValue},
};

use super::{any_bytes, any_json, assert_decode_error, classified, config, inputs};
use crate::{
    Operation, Vendor,
    datetime::parse,
    pagination::decode_page,
    reporter::paging::ReporterPages,
    retry::parse_retry_after,
    transport::{ErrorBody, ErrorDetails, attachment_filename},
};

const OP: Operation = Operation::new(Vendor::EnergyCap, "fuzz");

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        vec(any::<char>(), 0..40).prop_map(String::from_iter),
        select(inputs::ODD_TIMESTAMPS).prop_map(str::to_owned),
        // A valid timestamp with one character changed.
        (any::<i64>(), any::<usize>(), any::<char>()).prop_map(|(seconds, at, c)| {
            let at_time = DateTime::<Utc>::from_timestamp(seconds % 253_402_300_800, 0);
            let mut chars: Vec<char> = at_time.unwrap_or_default().to_rfc3339().chars().collect();
            let len = chars.len();
            chars[at % len] = c;
            chars.into_iter().collect()
        }),
    ]
}

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    prop_oneof![
        Just(DateTime::<Utc>::MIN_UTC),
        Just(DateTime::<Utc>::MAX_UTC),
        Just(DateTime::<Utc>::UNIX_EPOCH),
        any::<i64>().prop_map(|s| DateTime::from_timestamp(s, 0).unwrap_or_default()),
    ]
}

fn header_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        inputs::bytes(),
        any_text().prop_map(String::into_bytes),
        any::<u64>().prop_map(|n| n.to_string().into_bytes()),
        any::<i128>().prop_map(|n| n.to_string().into_bytes()),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_tolerant_timestamp_reader_answers_any_text(text in any_text()) {
        let _ = parse(&text);
    }

    #[test]
    fn retry_after_answers_any_header_at_any_wall_clock(
        bytes in header_bytes(),
        now in instant(),
    ) {
        if let Ok(value) = HeaderValue::from_bytes(&bytes) {
            let _ = parse_retry_after(&value, now);
        }
    }

    #[test]
    fn a_download_file_name_is_one_clean_path_component_or_none(
        parameters in vec(
            (
                select(&["filename", "filename*", "FILENAME*", "name", ""][..]),
                prop_oneof![
                    any_text(),
                    select(&["utf-8''%E2%82%AC.csv", "iso-8859-1''%A3", "utf-8''%", "utf-8''%zz",
                        "\"../../etc/passwd\"", "\"a\\\"b\"", "\"unterminated", "C:\\r\\x.csv",
                        "..", ".", "%2e%2e"][..]).prop_map(str::to_owned),
                ],
            ),
            0..4,
        ),
        raw in inputs::bytes(),
    ) {
        let built: String = parameters
            .iter()
            .map(|(name, value)| format!("; {name}={value}"))
            .collect();
        for header in [format!("attachment{built}").into_bytes(), raw] {
            let Ok(value) = HeaderValue::from_bytes(&header) else { continue };
            let mut headers = HeaderMap::new();
            headers.insert(CONTENT_DISPOSITION, value);
            if let Some(name) = attachment_filename(&headers) {
                assert!(!name.contains(['/', '\\']), "{name:?}");
                assert!(!name.chars().any(char::is_control), "{name:?}");
                assert!(!matches!(name.as_str(), "" | "." | ".."), "{name:?}");
            }
        }
    }

    #[test]
    fn the_generic_error_body_reads_any_body_into_a_short_error(
        body in prop_oneof![any_bytes(), any_json()],
        status in 100u16..600,
    ) {
        let Ok(status) = StatusCode::from_u16(status) else { return Ok(()) };
        let _ = ErrorDetails::generic(&body.0);
        let failed = classified(&ErrorBody::GENERIC, OP, status, &HeaderMap::new(), &body.0);
        assert_eq!(failed.is_some(), !status.is_success());
    }

    #[test]
    fn items_decoded_one_by_one_are_kept_or_set_aside_with_their_own_bytes(
        items in vec(inputs::json(), 0..8),
    ) {
        // Pretty-printed, so an item's bytes differ from its re-serialised JSON.
        let raws: Vec<String> =
            items.iter().map(|item| serde_json::to_string_pretty(item).unwrap_or_default()).collect();
        let body = format!("{{ \"items\" : [ {} ] }}", raws.join(" ,\n  "));
        let page = decode_page::<ReporterPages<crate::reporter::Report>>(OP, StatusCode::OK, None, body.as_bytes());
        let Ok(page) = page else { panic!("an envelope of JSON items decodes: {page:?}") };
        assert_eq!(page.on_page(), items.len());
        for item in &page.undecodable {
            assert_decode_error(item.error());
            assert!(raws.iter().any(|raw| raw == item.raw_json()), "{}", item.raw_json());
        }
    }
}
