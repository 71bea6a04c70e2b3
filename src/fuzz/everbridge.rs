//! Everbridge: the audit log page (bare or wrapped, typed, or entry by entry in the account's
//! offset), HTTP-200 business errors and `{message, status}` bodies, and the token answer.

use chrono::{FixedOffset, TimeDelta};
use reqwest::{StatusCode, header::HeaderMap};

use super::{assert_decode_error, assert_short, classified, decoded, inputs};
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
}
