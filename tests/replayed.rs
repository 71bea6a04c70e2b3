//! How a create learns it was replayed: `X-Idempotency-Replayed` in any spelling, sent
//! once or more than once.

use auditkit::{Client, Error, reporter, testkit::ReporterSandbox};
use serde_json::json;
use wiremock::{Mock, MockServer, ResponseTemplate, matchers::method};

/// Whether a create answered with these `X-Idempotency-Replayed` values reads as replayed.
async fn replayed_with(values: &[&str]) -> Result<bool, Error> {
    let server = MockServer::start().await;
    let report =
        json!({"id": "r-1", "templateId": ReporterSandbox::CSV_TEMPLATE, "status": "processing"});
    let answer =
        values.iter().fold(ResponseTemplate::new(201).set_body_json(report), |answer, value| {
            answer.append_header("X-Idempotency-Replayed", *value)
        });
    Mock::given(method("POST")).respond_with(answer).mount(&server).await;
    let client = Client::builder()
        .reporter(reporter::Config::new(server.uri(), reporter::Credentials::none()))
        .build()?;

    let created = client.reporter().generate_report(ReporterSandbox::CSV_TEMPLATE).send().await?;
    Ok(created.replayed)
}

/// Regression (issue "hardening" point 11): `1` was read as a new report, and of a header
/// sent twice only the first value counted, so `false` then `true` hid a replay.
#[tokio::test]
async fn replayed_is_read_in_any_case_and_any_true_value_of_several_counts() -> Result<(), Error> {
    for yes in [&["true"][..], &["True"], &["1"], &["false", "true"], &["0", "1"]] {
        assert!(replayed_with(yes).await?, "{yes:?} is a replay");
    }
    for no in [&[][..], &["false"], &["FALSE"], &["0"], &["false", "0"]] {
        assert!(!replayed_with(no).await?, "{no:?} is a new report");
    }
    Ok(())
}
