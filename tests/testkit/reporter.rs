//! The Reporter simulator, driven over HTTP with plain reqwest. The SDK against it is in
//! `tests/reporter.rs`.

use std::time::Duration;

use auditkit::testkit::{Fault, ReporterSandbox, Sandbox};
use futures::StreamExt;
use serde_json::{Value, json};

use crate::http::{client, json};

/// A request to `path` (relative to the Reporter base URL, `…/reporter/manager/`) with the
/// sandbox's bearer token.
fn request(sandbox: &Sandbox, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
    let url = sandbox.reporter_url().join(path).expect("a relative path joins");
    client().request(method, url).bearer_auth(sandbox.reporter_token())
}

async fn get(sandbox: &Sandbox, path: &str) -> reqwest::Response {
    request(sandbox, reqwest::Method::GET, path).send().await.expect("the sandbox answers")
}

/// POST a create body, with an `X-Idempotency` key when given.
async fn create(sandbox: &Sandbox, body: &Value, key: Option<&str>) -> reqwest::Response {
    let mut post = request(sandbox, reqwest::Method::POST, "v1/reports")
        .header("Content-Type", "application/json")
        .body(body.to_string());
    if let Some(key) = key {
        post = post.header("X-Idempotency", key);
    }
    post.send().await.expect("the sandbox answers")
}

fn body(template: &str) -> Value {
    json!({ "templateId": template, "filters": {} })
}

async fn error_code(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    (status, json(response).await["code"].as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn a_report_is_processing_then_finished_on_its_second_read_with_reporters_timestamps() {
    let sandbox = Sandbox::start().await.unwrap();
    let created = create(&sandbox, &body(ReporterSandbox::CSV_TEMPLATE), Some("k-1")).await;
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers()["x-idempotency-replayed"], "false");
    let report = json(created).await;
    assert_eq!(report["status"], "Processing");
    assert_eq!(report["templateId"], ReporterSandbox::CSV_TEMPLATE);
    assert_eq!(report["metadata"], Value::Null);
    let created_at = report["createdAt"].as_str().unwrap();
    assert!(
        created_at.ends_with('Z') && created_at.len() == "2026-04-01T12:00:00.123456789Z".len(),
        "{created_at}"
    );
    let id = report["id"].as_str().unwrap().to_owned();

    let first = json(get(&sandbox, &format!("v1/reports/{id}")).await).await;
    let second = json(get(&sandbox, &format!("v1/reports/{id}")).await).await;

    assert_eq!((first["status"].as_str(), first.get("completedAt")), (Some("Processing"), None));
    assert_eq!(second["status"], "Finished");
    let read_at = second["completedAt"].as_str().unwrap();
    assert!(
        read_at.ends_with("-03:00") && read_at.len() == "2026-04-01T09:00:00.123-03:00".len(),
        "{read_at}"
    );
}

#[tokio::test]
async fn a_key_replays_its_first_answer_whatever_the_body_and_no_key_means_a_hash_of_the_body() {
    let sandbox = Sandbox::start().await.unwrap();
    let first =
        json(create(&sandbox, &body(ReporterSandbox::CSV_TEMPLATE), Some("k-1")).await).await;
    let reused = create(&sandbox, &body(ReporterSandbox::PDF_TEMPLATE), Some("k-1")).await;
    assert_eq!(reused.status(), 201);
    assert_eq!(reused.headers()["x-idempotency-replayed"], "true");
    assert_eq!(json(reused).await, first, "the server does not compare bodies");

    let a = json(create(&sandbox, &body(ReporterSandbox::TXT_TEMPLATE), None).await).await;
    let b = create(&sandbox, &body(ReporterSandbox::TXT_TEMPLATE), None).await;
    assert_eq!(b.headers()["x-idempotency-replayed"], "true");
    assert_eq!(json(b).await["id"], a["id"]);
    assert_eq!(sandbox.reporter().reports().len(), 2);
}

#[tokio::test]
async fn a_key_stays_in_flight_for_the_configured_requests_then_replays() {
    let sandbox = Sandbox::builder().reporter_in_flight_requests(2).start().await.unwrap();
    let first =
        json(create(&sandbox, &body(ReporterSandbox::CSV_TEMPLATE), Some("k-2")).await).await;
    assert!(sandbox.reporter().key_in_flight("k-2"));
    for _ in 0..2 {
        let in_flight = create(&sandbox, &body(ReporterSandbox::CSV_TEMPLATE), Some("k-2")).await;
        assert_eq!(error_code(in_flight).await, (409, "TPL-0039".to_owned()));
    }
    let replay = create(&sandbox, &body(ReporterSandbox::CSV_TEMPLATE), Some("k-2")).await;
    assert_eq!(replay.headers()["x-idempotency-replayed"], "true");
    assert_eq!(json(replay).await["id"], first["id"]);
    assert!(!sandbox.reporter().key_in_flight("k-2"));
}

#[tokio::test]
async fn a_request_refused_after_its_key_was_claimed_leaves_the_key_stuck() {
    let sandbox = Sandbox::start().await.unwrap();
    let gt_twice = json!({ "templateId": ReporterSandbox::CSV_TEMPLATE,
        "filters": { "midaz_onboarding": { "account": { "balance": { "gt": [1, 2] } } } } });
    assert_eq!(
        error_code(create(&sandbox, &gt_twice, Some("k-3")).await).await,
        (400, "TPL-0017".to_owned())
    );
    let fixed = body(ReporterSandbox::CSV_TEMPLATE);
    for _ in 0..3 {
        assert_eq!(
            error_code(create(&sandbox, &fixed, Some("k-3")).await).await,
            (409, "TPL-0039".to_owned())
        );
    }
    let cases = [
        (json!({"templateId": "nope", "filters": {}}), (400, "TPL-0012")),
        (
            json!({"templateId": "00000000-0000-4000-8000-0000000000ff", "filters": {}}),
            (404, "TPL-0011"),
        ),
        (
            json!({"templateId": ReporterSandbox::CSV_TEMPLATE, "filters": {"midaz_onboarding": {"account": {"iban": {"eq": ["x"]}}}}}),
            (400, "TPL-0014"),
        ),
        (
            json!({"templateId": ReporterSandbox::CSV_TEMPLATE, "filters": {"midaz_onboarding": {"account": {"id": {"like": ["x"]}}}}}),
            (400, "TPL-0017"),
        ),
    ];
    for (n, (refused, (status, code))) in cases.into_iter().enumerate() {
        let key = format!("case-{n}");
        assert_eq!(
            error_code(create(&sandbox, &refused, Some(&key)).await).await,
            (status, code.to_owned())
        );
        assert!(sandbox.reporter().key_in_flight(&key), "{code} leaves the key claimed");
    }
    assert!(sandbox.reporter().reports().is_empty());
}

#[tokio::test]
async fn unknown_and_missing_body_fields_are_refused_before_the_key_is_claimed() {
    let sandbox = Sandbox::start().await.unwrap();
    let extra = json!({ "templateId": ReporterSandbox::CSV_TEMPLATE, "filters": {}, "name": "x" });
    let refused = create(&sandbox, &extra, Some("k-4")).await;
    assert_eq!(refused.status(), 400);
    let refusal = json(refused).await;
    assert_eq!(
        (refusal["code"].as_str(), &refusal["fields"]),
        (Some("TPL-0015"), &json!({"name": "unexpected field"}))
    );
    let missing =
        create(&sandbox, &json!({ "templateId": ReporterSandbox::CSV_TEMPLATE }), Some("k-4"))
            .await;
    assert_eq!(error_code(missing).await, (400, "TPL-0016".to_owned()));
    assert!(!sandbox.reporter().key_in_flight("k-4"));
    assert_eq!(
        create(&sandbox, &body(ReporterSandbox::CSV_TEMPLATE), Some("k-4")).await.status(),
        201
    );
}

#[tokio::test]
async fn downloads_wait_for_finished_and_stream_with_a_file_name_per_format() {
    let sandbox = Sandbox::builder().reporter_polls_to_finish(1).start().await.unwrap();
    let report = json(create(&sandbox, &body(ReporterSandbox::XML_TEMPLATE), None).await).await;
    let id = report["id"].as_str().unwrap();
    let early = get(&sandbox, &format!("v1/reports/{id}/download")).await;
    assert_eq!(error_code(early).await, (400, "TPL-0029".to_owned()));
    assert_eq!(sandbox.reporter().report_file(id), None);

    get(&sandbox, &format!("v1/reports/{id}")).await;
    let download = get(&sandbox, &format!("v1/reports/{id}/download")).await;

    assert_eq!(download.status(), 200);
    assert_eq!(download.content_length(), None, "streamed in chunks");
    assert_eq!(download.headers()["content-type"], "application/xml");
    assert_eq!(
        download.headers()["content-disposition"],
        format!("attachment; filename=\"{id}.xml\"")
    );
    let file = download.bytes().await.unwrap();
    assert_eq!(file, sandbox.reporter().report_file(id).unwrap().concat());
    assert!(file.starts_with(b"<?xml"));
}

#[tokio::test]
async fn the_large_template_streams_20_mib() {
    let sandbox = Sandbox::builder().reporter_finish_after(Duration::ZERO).start().await.unwrap();
    let report = json(create(&sandbox, &body(ReporterSandbox::LARGE_TEMPLATE), None).await).await;
    let id = report["id"].as_str().unwrap();

    let mut body = get(&sandbox, &format!("v1/reports/{id}/download")).await.bytes_stream();
    let (mut received, mut chunks) = (0_u64, 0);
    while let Some(chunk) = body.next().await {
        received += chunk.unwrap().len() as u64;
        chunks += 1;
    }

    assert_eq!(received, ReporterSandbox::LARGE_FILE_LEN);
    assert!(chunks > 1, "the file arrives in pieces");
}

#[tokio::test]
async fn lists_page_with_total_counting_the_page_and_match_the_stored_status_exactly() {
    let sandbox = Sandbox::builder().reporter_lowercase_status(true).start().await.unwrap();
    sandbox.reporter().seed_reports(ReporterSandbox::CSV_TEMPLATE, 25);

    let last = json(get(&sandbox, "v1/reports?limit=10&page=3&sortOrder=asc").await).await;
    assert_eq!(
        (last["page"].as_u64(), last["limit"].as_u64(), last["total"].as_u64()),
        (Some(3), Some(10), Some(5))
    );
    assert_eq!(last["items"][0]["status"], "finished");
    let newest = json(get(&sandbox, "v1/reports?limit=1").await).await;
    assert_eq!(newest["items"][0]["createdAt"], "2026-02-28T21:00:24.000-03:00");
    let lower = json(get(&sandbox, "v1/reports?status=finished").await).await;
    assert_eq!(lower["total"], 0, "the filter is exact on the stored spelling");
    let stored = json(get(&sandbox, "v1/reports?status=Finished").await).await;
    assert_eq!(stored["total"], 10, "the default limit");
    let by_day = json(get(&sandbox, "v1/reports?createdAt=2026-03-02&limit=100").await).await;
    assert_eq!(by_day["total"], 0);
    let snake_wins = "v1/reports?created_at=2026-03-01&createdAt=2026-03-02&limit=100";
    assert_eq!(json(get(&sandbox, snake_wins).await).await["total"], 25);
    // What Reporter cannot parse it ignores: the list comes back unfiltered.
    for ignored in ["created_at=03/01/2026", "template_id=nope"] {
        let unfiltered =
            json(get(&sandbox, &format!("v1/reports?{ignored}&limit=100")).await).await;
        assert_eq!(unfiltered["total"], 25, "{ignored}");
    }

    let refusals = [
        ("limit=101", "TPL-0024"),
        ("limit=0", "TPL-0019"),
        ("page=x", "TPL-0019"),
        ("sortOrder=up", "TPL-0025"),
        ("sort_order=up", "TPL-0025"),
    ];
    for (query, code) in refusals {
        assert_eq!(
            error_code(get(&sandbox, &format!("v1/reports?{query}")).await).await,
            (400, code.to_owned()),
            "{query}"
        );
    }
}

#[tokio::test]
async fn templates_list_filter_and_read_one() {
    let sandbox = Sandbox::start().await.unwrap();
    let all = json(get(&sandbox, "v1/templates?limit=100&sortOrder=asc").await).await;
    let formats: Vec<_> =
        all["items"].as_array().unwrap().iter().map(|t| t["outputFormat"].clone()).collect();
    assert_eq!(formats, ["csv", "html", "xml", "txt", "pdf", "csv", "html"]);
    let csv = json(get(&sandbox, "v1/templates?output_format=csv&description=ledger").await).await;
    assert_eq!(csv["items"][0]["id"], ReporterSandbox::LARGE_TEMPLATE);
    assert_eq!(csv["total"], 1);
    let upper = json(get(&sandbox, "v1/templates?output_format=CSV").await).await;
    assert_eq!(upper["total"], 0, "stored in lower case, matched exactly");
    assert_eq!(
        error_code(get(&sandbox, "v1/templates?outputFormat=docx").await).await,
        (400, "TPL-0003".to_owned())
    );
    let one =
        json(get(&sandbox, &format!("v1/templates/{}", ReporterSandbox::PDF_TEMPLATE)).await).await;
    assert_eq!(one["description"], "Signed statement");
    assert_eq!(
        error_code(get(&sandbox, "v1/templates/nope").await).await,
        (404, "TPL-0011".to_owned())
    );
    assert_eq!(sandbox.reporter().templates().len(), 7);
}

#[tokio::test]
async fn the_token_the_routes_and_the_shared_faults_apply() {
    let sandbox = Sandbox::start().await.unwrap();
    let url = sandbox.reporter_url().join("v1/templates").unwrap();
    assert_eq!(client().get(url).send().await.unwrap().status(), 401);
    let delete = request(&sandbox, reqwest::Method::DELETE, "v1/reports").send().await.unwrap();
    assert_eq!(delete.status(), 405);
    assert_eq!(delete.headers()["allow"], "GET, POST");
    assert_eq!(get(&sandbox, "v1/data-source").await.status(), 404);
    assert_eq!(
        get(&sandbox, "../v1/templates").await.status(),
        404,
        "the gateway prefix is required"
    );

    sandbox.inject(Fault::status(503).path("/reporter/manager/v1/templates"));
    assert_eq!(get(&sandbox, "v1/templates").await.status(), 503);
    assert_eq!(get(&sandbox, "v1/templates").await.status(), 200);
}

fn upload_form(field: &str) -> reqwest::multipart::Form {
    let file = reqwest::multipart::Part::bytes(b"id,name\n{{ x }}\n".to_vec()).file_name("a.tpl");
    reqwest::multipart::Form::new()
        .text("outputFormat", "CSV")
        .text("description", "Accounts")
        .part(field.to_owned(), file)
}

#[tokio::test]
async fn templates_are_uploaded_in_field_template_not_the_specs_template_file() {
    let sandbox = Sandbox::start().await.unwrap();
    let post = |field: &str| {
        request(&sandbox, reqwest::Method::POST, "v1/templates").multipart(upload_form(field))
    };

    let spec = post("templateFile").send().await.unwrap();
    assert_eq!(error_code(spec).await, (400, "TPL-0005".to_owned()));
    let created = post("template").send().await.unwrap();
    assert_eq!(created.status(), 201);
    let created = json(created).await;
    assert_eq!(created["outputFormat"], "csv", "stored in lower case");

    let id = created["id"].as_str().unwrap();
    let patch = request(&sandbox, reqwest::Method::PATCH, &format!("v1/templates/{id}"))
        .multipart(reqwest::multipart::Form::new().text("outputFormat", "html"));
    assert_eq!(error_code(patch.send().await.unwrap()).await, (400, "TPL-0010".to_owned()));
    let delete = request(&sandbox, reqwest::Method::DELETE, &format!("v1/templates/{id}"));
    assert_eq!(delete.send().await.unwrap().status(), 204);
    assert_eq!(get(&sandbox, &format!("v1/templates/{id}")).await.status(), 404);
}

#[tokio::test]
async fn reports_can_start_pending_extraction_and_the_rate_limiter_sends_its_headers() {
    let sandbox = Sandbox::builder()
        .reporter_pending_extraction(1)
        .reporter_rate_limits(2, 10, 50, Duration::from_secs(60))
        .start()
        .await
        .unwrap();
    let created =
        json(create(&sandbox, &body(ReporterSandbox::CSV_TEMPLATE), Some("k")).await).await;
    assert_eq!(created["status"], "PendingExtraction");

    let first = get(&sandbox, "v1/templates").await;
    let header = |response: &reqwest::Response, name: &str| {
        response.headers()[name].to_str().unwrap().to_owned()
    };
    assert_eq!(header(&first, "x-ratelimit-limit"), "2");
    assert_eq!(header(&first, "x-ratelimit-remaining"), "1");
    let reset: u64 = header(&first, "x-ratelimit-reset").parse().unwrap();
    assert!((59..=60).contains(&reset), "{reset}");
    get(&sandbox, "v1/templates").await;
    let over = get(&sandbox, "v1/templates").await;
    assert_eq!(over.status(), 429);
    let retry_after: u64 = header(&over, "retry-after").parse().unwrap();
    assert!(retry_after <= reset, "the seconds left in the window: {retry_after}");
    assert_eq!(error_code(over).await.1, "TPL-0429");
    let ready = client().get(sandbox.reporter_url().join("ready").unwrap()).send().await.unwrap();
    assert_eq!(ready.status(), 200, "neither token nor rate limit");
}

#[tokio::test]
async fn data_sources_ready_and_version() {
    let sandbox = Sandbox::start().await.unwrap();
    let one = json(get(&sandbox, "v1/data-sources/midaz_transaction").await).await;
    assert_eq!(one["tables"][1]["name"], "public.operation");
    assert_eq!(error_code(get(&sandbox, "v1/data-sources/nope").await).await.0, 404);

    sandbox.reporter().set_dependency_down("rabbitmq", Some("connection is closed"));
    let ready = client().get(sandbox.reporter_url().join("ready").unwrap()).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    let ready = json(ready).await;
    assert_eq!(ready["status"], "not_ready");
    assert_eq!(ready["dependencies"]["rabbitmq"]["message"], "connection is closed");
    assert_eq!(ready["dependencies"]["redis"]["status"], "ready");
    let version =
        client().get(sandbox.reporter_url().join("version").unwrap()).send().await.unwrap();
    assert_eq!(json(version).await["version"], "1.2.0-beta.1");
}
