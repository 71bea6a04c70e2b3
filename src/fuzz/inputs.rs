//! The inputs: arbitrary bytes and arbitrary JSON shaped like the vendors' (their field
//! names, odd timestamps, extreme numbers); the valid bodies are taken apart in `mutation`.

use proptest::{collection::vec, prelude::*, sample::select};
use serde_json::{Map, Number, Value};

/// Wire names the vendors use, so that arbitrary JSON often has the shape a decoder reads.
const KEYS: &[&str] = &[
    "result",
    "elements",
    "nextPage",
    "meta",
    "error",
    "errorCode",
    "errorMessage",
    "requestId",
    "httpStatus",
    "id",
    "timestamp",
    "datacenter",
    "source",
    "descriptor",
    "userId",
    "name",
    "additionalFilters",
    "data",
    "success",
    "status",
    "message",
    "type",
    "code",
    "title",
    "fields",
    "items",
    "limit",
    "page",
    "total",
    "templateId",
    "filters",
    "metadata",
    "createdAt",
    "updatedAt",
    "completedAt",
    "outputFormat",
    "fileName",
    "description",
    "eventTime",
    "accountId",
    "currentPageNo",
    "pageSize",
    "scrollId",
    "start",
    "totalCount",
    "totalPageCount",
    "reportDistributionLogId",
    "beginDate",
    "endDate",
    "numberOfRecipients",
    "reportDistribution",
    "createdByUser",
    "emailSettings",
    "errors",
    "access_token",
    "id_token",
    "expires_in",
];

/// Timestamps in spellings a server might send, valid, odd and impossible.
pub(super) const ODD_TIMESTAMPS: &[&str] = &[
    "2026-03-30T08:15:00+0000",
    "2026-03-30T08:15+05",
    "2026-03-30T08:15:00.123456789123Z",
    "2026-03-30 08:15",
    "\u{feff}2026-03-30",
    "+262143-12-31T23:59:59Z",
    "-262144-01-01T00:00:00Z",
    "9999-12-31T23:59:60Z",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00T00:00:00",
    "2026-03-30T25:61:61",
    "2026-03-30T08:15:00+99:99",
    "2026-03-30T08:15:00-24:00",
    "1e400",
    "-1",
    "T",
    "",
    "   ",
    "２０２６-03-30",
    "2026-03-30T08:15:00Z\u{0}",
    "Sun, 06 Nov 1994 08:49:37 GMT",
    "Sunday, 06-Nov-94 08:49:37 GMT",
    "Sun Nov  6 08:49:37 1994",
];

const EXTREME_INTEGERS: &[i64] = &[i64::MIN, i64::MAX, 0, -1, i32::MAX as i64 + 1];
const EXTREME_FLOATS: &[f64] = &[f64::MAX, f64::MIN, f64::MIN_POSITIVE, f64::EPSILON];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => vec(any::<char>(), 0..24).prop_map(String::from_iter),
        1 => select(ODD_TIMESTAMPS).prop_map(str::to_owned),
        1 => select(KEYS).prop_map(str::to_owned),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![3 => select(KEYS).prop_map(str::to_owned), 1 => text()]
}

pub(super) fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        select(EXTREME_INTEGERS).prop_map(Value::from),
        Just(Value::from(u64::MAX)),
        select(EXTREME_FLOATS).prop_map(Value::from),
    ]
}

/// Any JSON value, at most 4 levels deep and about 64 nodes.
pub(super) fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..8).prop_map(Value::Array),
            vec((key(), inner), 0..8).prop_map(|pairs| Value::Object(Map::from_iter(pairs))),
        ]
    })
}

/// Arbitrary JSON, as a body.
pub(super) fn json_body() -> impl Strategy<Value = Vec<u8>> {
    json().prop_map(|value| value.to_string().into_bytes())
}

/// Arbitrary bytes, as a body.
pub(super) fn bytes() -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..512)
}

/// Every body in `seeds`, as it is.
pub(super) fn seeds(seeds: &'static [&'static str]) -> impl Iterator<Item = &'static [u8]> {
    seeds.iter().map(|seed| seed.as_bytes())
}
