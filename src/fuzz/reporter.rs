//! Lerian Reporter: reports and templates (one, or a page of them), data sources (and a
//! filter checked against one), readiness and version, error bodies with their advice
//! (Reporter's, the shared idempotency and multi-tenant middlewares'), and the download's
//! file name (fuzzed in `core`).

use reqwest::{StatusCode, header::HeaderMap};
use serde::de::DeserializeOwned;

use super::{assert_decode_error, assert_short, classified, decoded, inputs, waited};
use crate::{
    pagination::decode_page,
    polling::{JobStatus, Progress},
    reporter::{
        DataSource, Filter, Readiness, Report, Template, Version,
        paging::{Body, ReporterPages},
        protocol::{ReporterProtocol, advise},
    },
    transport::decode_json,
};

const OP: crate::Operation = crate::Operation::new(crate::Vendor::Reporter, "fuzz");

const REPORT: &str = r#"{"id":"019c96a0-0000-7000-8000-000000000001",
    "templateId":"00000000-0000-4000-8000-000000000001","filters":{"midaz_onboarding":
    {"account":{"id":{"in":["a-1"]}}}},"status":"Finished","metadata":null,
    "createdAt":"2026-04-01T12:00:00.123456789Z","updatedAt":"2026-04-01T09:00:05.000-03:00",
    "completedAt":"2026-04-01T09:00:05.000-03:00","deletedAt":null}"#;

const TEMPLATE: &str = r#"{"id":"00000000-0000-4000-8000-000000000001",
    "description":"Balances","outputFormat":"CSV","fileName":"t_1744119295.tpl",
    "createdAt":"2026-01-05T09:30:00Z","updatedAt":"2026-02-10T14:00:00.250Z"}"#;

const SEEDS: &[&str] = &[
    REPORT,
    TEMPLATE,
    r#"{"id":"r-3","status":"Error","metadata":{"error":"template failed"},
        "completedAt":"2026-04-01T09:00:05Z"}"#,
    r#"{"items":[{"id":"r-1","status":"processing","metadata":{"error":"template failed"}},
        {"id":"r-2","status":"Error","createdAt":"2026-04-01"}],"page":1,"limit":2,"total":2}"#,
    r#"{"items":[{"id":"t-1","outputFormat":"pdf"},{"id":"t-2","description":null}],
        "page":2,"limit":100,"total":2}"#,
    r#"{"code":"TPL-0015","title":"Unexpected Fields in the Request",
        "message":"The request contains unexpected fields.","fields":{"name":"not allowed","x":null}}"#,
    r#"{"code":"TPL-0039","title":"Duplicate Request In Flight",
        "message":"A request with this key is being processed."}"#,
    r#"{"code":"TPL-0029","title":"Report not finished"}"#,
    r#"{"id":"midaz_onboarding","externalName":"onboarding","type":"postgresql",
        "tables":[{"name":"public.account","fields":["id","name"]},{"name":"account","fields":[]}]}"#,
    r#"{"status":"not_ready","dependencies":{"redis":{"status":"not_ready","message":"ping failed"},
        "mongodb":{"status":"ready"}}}"#,
    r#"{"version":"1.2.0-beta.1","requestDate":"2026-04-01T12:00:00.123456Z"}"#,
    r#"{"code":"IDEMPOTENCY_CONFLICT","title":"Conflict","message":"in flight"}"#,
    r#"{"code":"0131","title":"Service Suspended","message":"tenant service is suspended"}"#,
];

/// A page as every Reporter listing decodes it: whole, else item by item.
fn page<T: DeserializeOwned + Send + 'static>(status: StatusCode, body: &[u8]) {
    if let Some(page) = decoded(decode_page::<ReporterPages<T>>(OP, status, None, body)) {
        page.undecodable.iter().for_each(|item| assert_decode_error(item.error()));
    }
}

/// Every Reporter decoder, on one answer.
fn every_decoder(status: StatusCode, body: &[u8]) {
    if let Some(report) = decoded(decode_json::<Report>(OP, status, None, body)) {
        waited(OP, report);
    }
    let _ = decoded(decode_json::<Template>(OP, status, None, body));
    page::<Report>(status, body);
    page::<Template>(status, body);
    if let Some(source) = decoded(decode_json::<DataSource>(OP, status, None, body)) {
        let _ = source.check(&Filter::field(source.id.clone(), "account", "id").eq(["a-1"]));
    }
    let _ = decoded(decode_json::<Vec<DataSource>>(OP, status, None, body));
    if let Some(readiness) = decoded(decode_json::<Readiness>(OP, status, None, body)) {
        let _ = (readiness.is_ready(), readiness.down());
    }
    let _ = decoded(decode_json::<Version>(OP, status, None, body));
    if let Some(error) = classified(&ReporterProtocol, OP, status, &HeaderMap::new(), body) {
        assert_short(&advise(error));
    }
}

decoder_properties!(
    every_decoder,
    SEEDS,
    reporter_decoders_answer_arbitrary_bytes,
    reporter_decoders_answer_arbitrary_json,
    reporter_decoders_answer_mutated_valid_bodies,
);

#[test]
fn the_reporter_seeds_are_bodies_the_decoders_accept() {
    let ok = StatusCode::OK;
    let seeds: Vec<&[u8]> = inputs::seeds(SEEDS).collect();
    assert!(decode_json::<Report>(OP, ok, None, seeds[0]).is_ok());
    assert!(decode_json::<Template>(OP, ok, None, seeds[1]).is_ok());
    let failed = decode_json::<Report>(OP, ok, None, seeds[2]).map(|report| report.progress());
    assert!(failed.is_ok_and(|progress| matches!(progress, Progress::Failed { .. })));
    let reports = decode_json::<Body<Report>>(OP, ok, None, seeds[3]);
    assert!(reports.is_ok_and(|page| page.items.is_some_and(|items| items.len() == 2)));
    assert!(decode_json::<Body<Template>>(OP, ok, None, seeds[4]).is_ok());
    for error in &seeds[5..8] {
        let failed =
            classified(&ReporterProtocol, OP, StatusCode::CONFLICT, &HeaderMap::new(), error);
        assert!(failed.is_some_and(|error| error.to_string().contains("TPL-00")));
    }
    let source = decode_json::<DataSource>(OP, ok, None, seeds[8]);
    assert!(source.is_ok_and(|source| source.tables.len() == 2));
    let down = decode_json::<Readiness>(OP, ok, None, seeds[9]);
    assert!(down.is_ok_and(|readiness| readiness.down() == [("redis", Some("ping failed"))]));
    assert!(decode_json::<Version>(OP, ok, None, seeds[10]).is_ok());
    let unavailable = StatusCode::SERVICE_UNAVAILABLE;
    let answered = classified(&ReporterProtocol, OP, unavailable, &HeaderMap::new(), seeds[9]);
    assert!(answered.is_none(), "a readiness is an answer, whatever its status");
    for error in &seeds[11..] {
        let failed =
            classified(&ReporterProtocol, OP, StatusCode::FORBIDDEN, &HeaderMap::new(), error);
        let advised =
            failed.map(|error| (error.to_string().len(), advise(error).to_string().len()));
        assert!(advised.is_some_and(|(plain, advised)| advised > plain), "advice added");
    }
}
