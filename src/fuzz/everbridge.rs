//! Everbridge: the audit log page (bare or wrapped, typed, or entry by entry in the account's
//! offset), HTTP-200 business errors and `{message, status}` bodies, and the token answer.

use chrono::{DateTime, FixedOffset, TimeDelta, TimeZone, Timelike, Utc};
use proptest::proptest;
use reqwest::{StatusCode, header::HeaderMap};

use super::{assert_decode_error, assert_short, classified, config, decoded, inputs};
use crate::{
    everbridge::{
        AuditLogEntry, answer::LocalEntry, oauth::TokenAnswer, page_query::PageQueryPages,
        protocol::EverbridgeAnswers, scroll::ScrollPages,
    },
    pagination::decode_page,
    transport::decode_json,
};

const OP: crate::Operation = crate::Operation::new(crate::Vendor::Everbridge, "fuzz");

const SEEDS: &[&str] = &[
    include_str!("../../tests/fixtures/everbridge/audit_log_page.json"),
    r#"{"data":{"currentPageNo":1,"data":[{"accountId":1,"eventTime":"2026-03-30T08:15:00-07:00",
        "userId":9007199254740993,"activityType":"Notification"}],"pageSize":100,"scrollId":"c2Nyb2xs",
        "start":0,"totalCount":1,"totalPageCount":1},"success":true,"type":"Security"}"#,
    r#"{"data":{"currentPageNo":1,"pageSize":100,"start":0,"totalCount":0,"totalPageCount":0},
        "success":true,"type":"Security"}"#,
    r#"{"success":false,"type":"business","message":"The date range must be within the past 6 months."}"#,
    r#"{"message":"Internal error","status":500}"#,
    r#"{"access_token":"a","id_token":"eyJ.x.y","token_type":"Bearer","expires_in":3600}"#,
    // `eventTime` as an account may send it: epoch milliseconds (number and text), US
    // `MM/dd/yyyy HH:mm:ss`, empty, and text that reads as no time.
    r#"{"scrollId":"s","start":0,"data":[{"entityId":1,"eventTime":1777802400000},
        {"entityId":2,"eventTime":"1777802400000"},{"entityId":3,"eventTime":"05/03/2026 10:00:00"},
        {"entityId":4,"eventTime":""},{"entityId":5,"eventTime":"yesterday"}]}"#,
];

/// Offsets an account may be in, the extremes included.
const OFFSETS: &[i32] = &[0, -8 * 3600, 14 * 3600, 86_399, -86_399];

/// Every Everbridge decoder, on one answer, with the account in each of [`OFFSETS`].
fn every_decoder(status: StatusCode, body: &[u8]) {
    let _ = classified(&EverbridgeAnswers, OP, status, &HeaderMap::new(), body);
    // As the listings decode a page: whole, or entry by entry with the bad ones set aside.
    if let Some(page) = decoded(decode_page::<ScrollPages<AuditLogEntry>>(OP, status, None, body)) {
        page.undecodable.iter().for_each(|item| assert_decode_error(item.error()));
    }
    let _ = decoded(decode_page::<PageQueryPages<AuditLogEntry>>(OP, status, None, body));
    // With an account offset: each entry with a naive time moves by exactly the offset.
    if let Some(page) = decoded(decode_page::<ScrollPages<LocalEntry>>(OP, status, None, body)) {
        page.undecodable.iter().for_each(|item| assert_decode_error(item.error()));
        let offsets = OFFSETS.iter().filter_map(|seconds| FixedOffset::east_opt(*seconds));
        for local in page.items {
            let utc = local.clone().at_offset(FixedOffset::east_opt(0).unwrap());
            for offset in offsets.clone() {
                let (at, moved) = (utc.event_time, local.clone().at_offset(offset).event_time);
                let back = TimeDelta::seconds(offset.local_minus_utc().into());
                // Moved by the offset, left as read (time with its own offset, or out of
                // chrono's range), or without a time.
                let ok = moved == at
                    || moved.zip(at).is_some_and(|(m, a)| m.checked_add_signed(back) == Some(a));
                assert!(ok, "{moved:?} vs {at:?} at {offset}");
            }
        }
    }
    if let Some(token) = decoded(decode_json::<TokenAnswer>(OP, status, None, body))
        && let Some(id_token) = token.id_token
        && let Err(error) = id_token.header_value("Bearer ", "Everbridge id_token")
    {
        assert_short(&error);
    }
}

decoder_properties!(
    every_decoder,
    SEEDS,
    everbridge_decoders_answer_arbitrary_bytes,
    everbridge_decoders_answer_arbitrary_json,
    everbridge_decoders_answer_mutated_valid_bodies,
);

/// A page of one entry whose `eventTime` is `json`.
fn page_with_event_time(json: &str) -> String {
    format!(r#"{{"scrollId":"s","start":0,"data":[{{"entityId":1,"eventTime":{json}}}]}}"#)
}

proptest! {
    #![proptest_config(config())]

    /// Every spelling of a time an account sends reads as its instant, whatever the
    /// instant (2000 to 2100, to the millisecond): epoch milliseconds as a number or as
    /// text (blanks around it), US `MM/dd/yyyy HH:mm:ss` (to the second), blank text or
    /// `null` as no time; text that is no time is no time, kept as sent in `other`.
    #[test]
    fn every_event_time_spelling_reads_as_its_instant(
        millis in 946_684_800_000_i64..4_102_444_800_000,
        spelling in 0..6_usize,
        blanks in "[ ]{0,3}",
        word in "[a-z]{1,12}",
    ) {
        let at = Utc.timestamp_millis_opt(millis).single().unwrap();
        let second = at.with_nanosecond(0).unwrap();
        let (json, expected): (String, Option<DateTime<Utc>>) = match spelling {
            0 => (millis.to_string(), Some(at)),
            1 => (format!(r#""{blanks}{millis}{blanks}""#), Some(at)),
            2 => (format!(r#""{}""#, at.format("%m/%d/%Y %H:%M:%S")), Some(second)),
            3 => (format!(r#""{blanks}""#), None),
            4 => ("null".to_owned(), None),
            _ => (format!(r#""{word}""#), None),
        };
        let body = page_with_event_time(&json);
        let page = decode_page::<ScrollPages<AuditLogEntry>>(OP, StatusCode::OK, None, body.as_bytes());
        let entry = &page.unwrap().items[0];
        assert_eq!(entry.event_time, expected, "{json}");
        let kept = entry.other.get("eventTime");
        if spelling == 5 {
            assert_eq!(kept, Some(&serde_json::Value::String(word)), "{json}");
        } else {
            assert_eq!(kept, None, "{json}");
        }
        every_decoder(StatusCode::OK, body.as_bytes());
    }
}

#[test]
fn the_everbridge_seeds_are_bodies_the_decoders_accept() {
    let ok = StatusCode::OK;
    let seeds: Vec<&[u8]> = inputs::seeds(SEEDS).collect();
    for page in &seeds[..3] {
        assert!(decode_page::<ScrollPages<AuditLogEntry>>(OP, ok, None, page).is_ok());
        assert!(classified(&EverbridgeAnswers, OP, ok, &HeaderMap::new(), page).is_none());
    }
    for failure in &seeds[3..5] {
        assert!(classified(&EverbridgeAnswers, OP, ok, &HeaderMap::new(), failure).is_some());
    }
    let token = decode_json::<TokenAnswer>(OP, ok, None, seeds[5]);
    assert!(token.is_ok_and(|token| token.id_token.is_some()));
    let times = decode_page::<ScrollPages<AuditLogEntry>>(OP, ok, None, seeds[6]).unwrap();
    let read: Vec<_> = times.items.iter().map(|entry| entry.event_time.is_some()).collect();
    assert_eq!(read, [true, true, true, false, false]);
}
