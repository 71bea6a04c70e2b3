//! EnergyCAP: the list of logs, one log's detail, a run's answer, and error bodies.

use reqwest::{StatusCode, header::HeaderMap};

use super::{assert_decode_error, classified, decoded, inputs, waited};
use crate::{
    energycap::{ReportDistributionLog, ReportDistributionLogDetail, one_page::OnePage},
    pagination::decode_page,
    transport::{ErrorBody, decode_json},
};

const OP: crate::Operation = crate::Operation::new(crate::Vendor::EnergyCap, "fuzz");

const LOG: &str = r#"{"beginDate":"2026-03-30T08:15:00","endDate":"2026-03-30T08:16:02.5Z",
    "numberOfRecipients":3,"reportDistribution":{"createdByUser":{"userId":4,"userCode":"jd",
    "fullName":"J D"},"reportCode":"BL-01","reportDistributionId":42,
    "reportDistributionName":"Monthly"},"reportDistributionLogId":7,"status":"Completed"}"#;

const SEEDS: &[&str] = &[
    include_str!("../../tests/fixtures/energycap/report_distribution_logs.json"),
    LOG,
    r#"{"beginDate":"2026-03-30","endDate":null,"numberOfRecipients":1,"reportDistribution":null,
        "reportDistributionLogId":8,"status":"In Progress","emailSettings":{"subject":"s",
        "recipients":["a@b.c"]},"errors":"SMTP 550: mailbox unavailable"}"#,
    r#"{"Message":"Authorization has been denied for this request."}"#,
    r#"{"errorCode":"RD-404","message":"Report distribution not found"}"#,
];

/// Every EnergyCAP decoder, on one answer.
fn every_decoder(status: StatusCode, body: &[u8]) {
    // The list as its listing decodes it: whole, or log by log with the bad ones set aside.
    if let Some(page) =
        decoded(decode_page::<OnePage<ReportDistributionLog>>(OP, status, None, body))
    {
        page.undecodable.iter().for_each(|item| assert_decode_error(item.error()));
    }
    let _ = decoded(decode_json::<ReportDistributionLog>(OP, status, None, body));
    // A wait reads the detail's status: a failed run's message must be short too.
    if let Some(detail) =
        decoded(decode_json::<ReportDistributionLogDetail>(OP, status, None, body))
    {
        waited(OP, detail);
    }
    let _ = classified(&ErrorBody::GENERIC, OP, status, &HeaderMap::new(), body);
}

decoder_properties!(
    every_decoder,
    SEEDS,
    energycap_decoders_answer_arbitrary_bytes,
    energycap_decoders_answer_arbitrary_json,
    energycap_decoders_answer_mutated_valid_bodies,
);

#[test]
fn the_energycap_seeds_are_bodies_the_decoders_accept() {
    let mut seeds = inputs::seeds(SEEDS);
    let logs = seeds.next().unwrap_or_default();
    let page = decode_page::<OnePage<ReportDistributionLog>>(OP, StatusCode::OK, None, logs);
    assert!(page.is_ok_and(|page| page.undecodable.is_empty() && !page.items.is_empty()));
    for log in seeds.by_ref().take(2) {
        assert!(decode_json::<ReportDistributionLogDetail>(OP, StatusCode::OK, None, log).is_ok());
    }
    for error in seeds {
        let headers = HeaderMap::new();
        let failed = classified(&ErrorBody::GENERIC, OP, StatusCode::NOT_FOUND, &headers, error);
        let Some(crate::Error::Api(api)) = failed else { panic!("{failed:?}") };
        assert!(api.message().is_some_and(|m| m.contains("denied") || m.contains("not found")));
    }
}
