//! Lerian Reporter: the request on the wire against wiremock; idempotency, filters, waits,
//! downloads and paging end to end against the sandbox, with a virtual clock and exact
//! jitter so every wait is instant and known.

#[path = "../common/mod.rs"]
mod common;

use std::{sync::Arc, time::Duration};

use auditkit::{
    Client, Error, IdempotencyKey, Jitter, TransportErrorKind, Vendor,
    reporter::{self, Filter, OutputFormat, Report, ReportStatus},
    testkit::{Fault, RecordedRequest, ReporterSandbox, Sandbox, SandboxBuilder, VirtualTimer},
};
use chrono::NaiveDate;
use futures::TryStreamExt;
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, ResponseTemplate, matchers::method};

const REPORTS: &str = "/reporter/manager/v1/reports";

/// A sandbox from `builder`, and a client on a virtual clock whose waits are exactly half
/// their ceiling.
async fn sandbox_with(builder: SandboxBuilder) -> (Sandbox, Client, Arc<VirtualTimer>) {
    let sandbox = builder.start().await.unwrap();
    let timer = Arc::new(VirtualTimer::new());
    let client =
        sandbox.client_builder().timer(timer.clone()).jitter(Jitter::fixed(0.5)).build().unwrap();
    (sandbox, client, timer)
}

async fn sandbox() -> (Sandbox, Client, Arc<VirtualTimer>) {
    sandbox_with(Sandbox::builder()).await
}

/// A client of the wiremock `server`, without credentials.
fn mock_client(server: &MockServer) -> Client {
    Client::builder()
        .reporter(reporter::Config::new(server.uri(), reporter::Credentials::none()))
        .build()
        .unwrap()
}

fn posts(sandbox: &Sandbox) -> Vec<RecordedRequest> {
    sandbox.requests().into_iter().filter(|r| r.method == "POST").collect()
}

fn key(text: &str) -> IdempotencyKey {
    IdempotencyKey::new(text).unwrap()
}

/// A create of `template` with idempotency key `key`.
fn keyed(client: &Client, template: &str, key_text: &str) -> reporter::GenerateReport {
    client.reporter().generate_report(template).idempotency_key(key(key_text))
}

/// A report of `template`, just asked for (`Processing`), with a key made by the SDK.
async fn generated(client: &Client, template: &str) -> Report {
    client.reporter().generate_report(template).send().await.unwrap().value
}

/// A 429 as Reporter's rate limiter answers it.
fn rate_limited() -> Fault {
    let body =
        json!({"code": "TPL-0429", "title": "Too Many Requests", "message": "Rate limit exceeded"});
    Fault::status(429).body(body).retry_after("60")
}

/// The `X-Idempotency` of every create the sandbox received.
fn sent_keys(sandbox: &Sandbox) -> Vec<Option<String>> {
    posts(sandbox).iter().map(|r| r.header("x-idempotency").map(str::to_owned)).collect()
}

fn millis(values: &[u64]) -> Vec<Duration> {
    values.iter().copied().map(Duration::from_millis).collect()
}

/// Regression guard: a full page with a report that does not decode is still full, so the
/// listing goes on to the next page instead of ending early.
#[tokio::test]
async fn a_skipped_undecodable_report_still_counts_towards_a_full_page() {
    let server = MockServer::start().await;
    let report = |n: usize| json!({"id": format!("r-{n}"), "status": "Finished"});
    let mut first: Vec<Value> = (0..3).map(report).collect();
    first[1]["createdAt"] = json!("not a date");
    for (page, items) in [("1", first), ("2", vec![report(3)])] {
        let body = json!({"items": items, "page": page, "limit": 3, "total": items.len()});
        Mock::given(method("GET"))
            .and(wiremock::matchers::query_param("page", page))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
    }
    let client = mock_client(&server);
    let skipped = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = skipped.clone();

    let ids: Vec<String> = client
        .reporter()
        .list_reports()
        .limit(3)
        .skip_undecodable(move |item| seen.lock().unwrap().push(item.raw_json().to_owned()))
        .items()
        .map_ok(|report| report.id)
        .try_collect()
        .await
        .unwrap();

    assert_eq!(ids, ["r-0", "r-2", "r-3"]);
    assert_eq!(skipped.lock().unwrap().len(), 1);
    assert!(skipped.lock().unwrap()[0].contains("not a date"));
}

#[tokio::test]
async fn the_create_request_carries_the_token_organization_key_and_body() {
    let server = MockServer::start().await;
    let report =
        json!({"id": "r-1", "templateId": ReporterSandbox::CSV_TEMPLATE, "status": "processing"});
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(report))
        .mount(&server)
        .await;
    let client = Client::builder()
        .reporter(
            reporter::Config::new(
                format!("{}/manager", server.uri()),
                reporter::Credentials::bearer("tok-3e1f"),
            )
            .organization_id("org-1"),
        )
        .build()
        .unwrap();

    let created =
        client.reporter().generate_report(ReporterSandbox::CSV_TEMPLATE).send().await.unwrap();

    assert!(!created.replayed, "no X-Idempotency-Replayed header means a new report");
    assert_eq!(created.value.status, Some(ReportStatus::Processing));
    let sent = &server.received_requests().await.unwrap()[0];
    assert_eq!(sent.url.path(), "/manager/v1/reports");
    assert_eq!(sent.headers["authorization"], "Bearer tok-3e1f");
    assert_eq!(sent.headers["x-organization-id"], "org-1");
    assert_eq!(sent.headers["x-idempotency"], created.key.as_str());
    assert_eq!(sent.headers["content-type"], "application/json");
    let body: Value = sent.body_json().unwrap();
    assert_eq!(body, json!({"templateId": ReporterSandbox::CSV_TEMPLATE, "filters": {}}));
    assert!(uuid::Uuid::parse_str(created.key.as_str()).is_ok(), "a generated key is a UUID");
}

mod idempotency {
    use super::*;

    #[tokio::test]
    async fn the_same_key_twice_replays_the_first_report_and_makes_one() {
        let (sandbox, client, _) = sandbox().await;
        let generate = || keyed(&client, ReporterSandbox::CSV_TEMPLATE, "balances-2026-03");

        let first = generate().send().await.unwrap();
        let second = generate().send().await.unwrap();

        assert!(!first.replayed);
        assert!(second.replayed);
        assert_eq!(second.value.id, first.value.id);
        assert_eq!(second.key, key("balances-2026-03"));
        assert_eq!(sandbox.reporter().reports().len(), 1);
    }

    #[tokio::test]
    async fn a_503_on_the_first_attempt_is_retried_with_the_same_key_and_makes_one_report() {
        let (sandbox, client, timer) = sandbox().await;
        sandbox.inject(Fault::status(503).path(REPORTS).method("POST"));

        let created =
            client.reporter().generate_report(ReporterSandbox::CSV_TEMPLATE).send().await.unwrap();

        let keys = sent_keys(&sandbox);
        assert_eq!(keys, [Some(created.key.to_string()), Some(created.key.to_string())]);
        assert_eq!(timer.sleeps(), millis(&[125]));
        assert!(!created.replayed, "the 503 never reached the server");
        assert_eq!(sandbox.reporter().reports().len(), 1);
    }

    #[tokio::test]
    async fn an_answer_lost_after_the_report_was_made_comes_back_as_a_replay() {
        let (sandbox, client, _) = sandbox().await;
        sandbox.inject(Fault::cut_body().path(REPORTS).method("POST"));

        let created =
            client.reporter().generate_report(ReporterSandbox::CSV_TEMPLATE).send().await.unwrap();

        assert_eq!(posts(&sandbox).len(), 2);
        assert!(created.replayed, "the first attempt made the report; the retry replays it");
        assert_eq!(sandbox.reporter().reports().len(), 1);
    }

    #[tokio::test]
    async fn two_concurrent_calls_with_one_key_make_one_report_and_one_replay() {
        let (sandbox, client, _) =
            sandbox_with(Sandbox::builder().reporter_in_flight_requests(1)).await;
        let generate = || keyed(&client, ReporterSandbox::HTML_TEMPLATE, "statement-7").send();

        let (a, b) = tokio::join!(generate(), generate());

        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(posts(&sandbox).len(), 3, "the second call waited out one 409");
        assert_eq!(a.value.id, b.value.id);
        assert_eq!([a.replayed, b.replayed].iter().filter(|r| **r).count(), 1);
        assert_eq!(sandbox.reporter().reports().len(), 1);
    }

    #[tokio::test]
    async fn a_key_in_flight_is_waited_out_with_backoff_then_replayed() {
        let (sandbox, client, timer) =
            sandbox_with(Sandbox::builder().reporter_in_flight_requests(2)).await;
        let generate = || keyed(&client, ReporterSandbox::CSV_TEMPLATE, "k-9");
        let first = generate().send().await.unwrap();

        let second = generate().send().await.unwrap();

        assert!(second.replayed);
        assert_eq!(second.value.id, first.value.id);
        assert_eq!(timer.sleeps(), millis(&[125, 250]), "two 409s, full-jitter backoff at 0.5");
        let keys = sent_keys(&sandbox);
        assert_eq!(keys, vec![Some("k-9".to_owned()); 4]);
        assert_eq!(sandbox.reporter().reports().len(), 1);
    }

    #[tokio::test]
    async fn a_key_reused_with_another_body_is_refused_before_any_request() {
        let (sandbox, client, _) = sandbox().await;
        let generate = || keyed(&client, ReporterSandbox::CSV_TEMPLATE, "k-1");
        generate().send().await.unwrap();

        let error = generate()
            .filter(Filter::field("midaz_onboarding", "account", "id").eq(["a-1"]))
            .send()
            .await
            .unwrap_err();

        assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
        let text = error.to_string();
        assert!(text.contains("`k-1`") && text.contains("different request body"), "{text}");
        assert_eq!(posts(&sandbox).len(), 1, "the second call sent nothing");
    }

    #[tokio::test]
    async fn a_key_left_stuck_by_a_failed_request_ends_with_the_advice_to_list_and_use_a_new_key() {
        let (sandbox, client, timer) = sandbox().await;
        let unknown_template = "00000000-0000-4000-8000-0000000000ff";
        let generate = || keyed(&client, unknown_template, "stuck-1");
        let not_found = generate().send().await.unwrap_err();
        assert_eq!(
            (not_found.status().map(|s| s.as_u16()), not_found.code()),
            (Some(404), Some("TPL-0011"))
        );
        assert!(sandbox.reporter().key_in_flight("stuck-1"));

        let error = generate().send().await.unwrap_err();

        assert_eq!(error.status().map(|s| s.as_u16()), Some(409));
        assert_eq!(error.code(), Some("TPL-0039"));
        let Error::Api(api) = &error else { panic!("{error:?}") };
        assert_eq!(api.attempts(), 4, "waited out within the retry budget");
        assert_eq!(timer.sleeps(), millis(&[125, 250, 500]));
        let text = error.to_string();
        for part in [
            "Lerian Reporter generate_report",
            "409",
            "never clears",
            "24 hours",
            "`list_reports`",
            "new key",
        ] {
            assert!(text.contains(part), "{part:?} missing from {text}");
        }
    }

    #[tokio::test]
    async fn each_call_without_a_key_makes_its_own_report() {
        let (sandbox, client, _) = sandbox().await;

        let a =
            client.reporter().generate_report(ReporterSandbox::TXT_TEMPLATE).send().await.unwrap();
        let b =
            client.reporter().generate_report(ReporterSandbox::TXT_TEMPLATE).send().await.unwrap();

        assert_ne!(a.key, b.key);
        assert_ne!(a.value.id, b.value.id);
        assert!(!a.replayed && !b.replayed, "identical bodies, yet no silent replay");
        assert_eq!(sandbox.reporter().reports().len(), 2);
    }
}

mod filters {
    use super::*;

    fn fixture(name: &str) -> Value {
        let fixtures: Value =
            serde_json::from_str(&common::fixture("reporter/filters.json")).unwrap();
        fixtures[name].clone()
    }

    async fn sent_filters(filters: Vec<Filter>) -> Value {
        let (sandbox, client, _) = sandbox().await;
        let generate = client.reporter().generate_report(ReporterSandbox::CSV_TEMPLATE);
        filters.into_iter().fold(generate, |g, f| g.filter(f)).send().await.unwrap();
        posts(&sandbox)[0].body_json().unwrap()["filters"].clone()
    }

    #[tokio::test]
    async fn filter_json_equals_the_vendors_examples() {
        let nesting = sent_filters(vec![
            Filter::field("midaz_onboarding", "account", "id").is_in(["…", "…"]),
        ])
        .await;
        assert_eq!(nesting, fixture("vendors_example"));

        let day = |d| NaiveDate::from_ymd_opt(2025, 6, d).unwrap();
        let operators = sent_filters(vec![
            Filter::field("midaz_onboarding", "account", "status").not_in(["deleted", "archived"]),
            Filter::field("midaz_onboarding", "organization", "status").is_in([
                "active",
                "pending",
                "suspended",
            ]),
            Filter::field("midaz_transaction", "transaction", "amount").gt(100),
            Filter::field("midaz_transaction", "transaction", "amount").lt(1000),
            Filter::field("midaz_transaction", "transaction", "status").eq(["active", "pending"]),
            Filter::field("midaz_transaction", "transaction", "created_at")
                .gte(day(1))
                .lte(day(30)),
            Filter::field("midaz_transaction", "public.operation", "amount").between(100, 1000),
        ])
        .await;
        assert_eq!(operators, fixture("operator_examples"));
    }

    #[tokio::test]
    async fn no_filter_is_sent_as_an_empty_object() {
        assert_eq!(sent_filters(vec![]).await, json!({}));
    }

    #[tokio::test]
    async fn uuids_date_times_and_decimals_are_sent_as_reporter_reads_them() {
        let id = uuid::Uuid::from_u128(0x0196_a5b2_0c8f_7d4e_9a41_4f3c_2b1a_0e9d);
        let at = chrono::DateTime::parse_from_rfc3339("2025-06-01T08:00:00-03:00").unwrap();
        let sent = sent_filters(vec![
            Filter::field("midaz_onboarding", "account", "id").eq([id]),
            Filter::field("midaz_onboarding", "account", "created_at").gte(at),
            Filter::field("midaz_onboarding", "account", "balance").lte(99.95),
        ])
        .await;
        assert_eq!(
            sent,
            json!({"midaz_onboarding": {"account": {
                "id": {"eq": ["0196a5b2-0c8f-7d4e-9a41-4f3c2b1a0e9d"]},
                "created_at": {"gte": ["2025-06-01T08:00:00-03:00"]},
                "balance": {"lte": [99.95]},
            }}})
        );
    }

    #[tokio::test]
    async fn arity_errors_and_bad_template_ids_make_no_request() {
        let (sandbox, client, _) = sandbox().await;
        let amount = || Filter::field("midaz_transaction", "transaction", "amount");
        let cases = [
            (
                vec![amount().gt(1).gt(2)],
                ReporterSandbox::CSV_TEMPLATE,
                "`gt` on `midaz_transaction.transaction.amount` takes exactly one value",
            ),
            (
                vec![amount().between(1, 2), amount().between(3, 4)],
                ReporterSandbox::CSV_TEMPLATE,
                "exactly two values",
            ),
            (vec![amount().is_in(Vec::<i32>::new())], ReporterSandbox::CSV_TEMPLATE, "`in`"),
            (
                vec![amount().eq([1.0, f64::NAN])],
                ReporterSandbox::CSV_TEMPLATE,
                "not a number JSON can carry",
            ),
            (vec![], "template-1", "is not a UUID"),
        ];
        for (filters, template, expected) in cases {
            let generate = client.reporter().generate_report(template);
            let error =
                filters.into_iter().fold(generate, |g, f| g.filter(f)).send().await.unwrap_err();
            assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
            assert!(error.to_string().contains(expected), "{expected:?} missing from {error}");
        }
        assert!(sandbox.requests().is_empty());
    }
}

mod waiting {
    use super::*;

    /// Each status a wait for report `id` reads.
    async fn statuses_seen(client: &Client, id: &str) -> Vec<Option<ReportStatus>> {
        let statuses = client.reporter().wait_for_report(id).statuses();
        statuses.map_ok(|report| report.status).try_collect().await.unwrap()
    }

    #[tokio::test]
    async fn wait_for_report_returns_the_finished_report() {
        let (_sandbox, client, timer) = sandbox().await;
        let created = generated(&client, ReporterSandbox::CSV_TEMPLATE).await;

        let report = client.reporter().wait_for_report(&created.id).await.unwrap();

        assert_eq!(report.id, created.id);
        assert_eq!(report.status, Some(ReportStatus::Finished));
        assert!(report.completed_at.is_some());
        assert_eq!(timer.sleeps().len(), 1, "two polls, one pause");
    }

    #[tokio::test]
    async fn statuses_yield_processing_then_finished() {
        let (_sandbox, client, _) =
            sandbox_with(Sandbox::builder().reporter_polls_to_finish(3)).await;
        let created = generated(&client, ReporterSandbox::XML_TEMPLATE).await;

        let seen = statuses_seen(&client, &created.id).await;

        use ReportStatus::*;
        assert_eq!(seen, [Some(Processing), Some(Processing), Some(Finished)]);
    }

    #[tokio::test]
    async fn a_failing_template_ends_the_wait_with_job_failed_carrying_the_report_and_its_error() {
        let (_sandbox, client, _) = sandbox().await;
        let created = generated(&client, ReporterSandbox::FAILING_TEMPLATE).await;

        let error = client.reporter().wait_for_report(&created.id).await.unwrap_err();

        let Error::JobFailed(failed) = &error else { panic!("{error:?}") };
        assert_eq!(failed.message(), Some(ReporterSandbox::FAILURE_MESSAGE));
        assert_eq!(failed.last_status(), "Error");
        let report = failed.status::<Report>().unwrap();
        assert_eq!(
            (report.id.as_str(), report.status.clone()),
            (created.id.as_str(), Some(ReportStatus::Error))
        );
        assert_eq!(report.error_message(), Some(ReporterSandbox::FAILURE_MESSAGE));
        assert!(error.to_string().contains("wait_for_report"), "{error}");
    }

    #[tokio::test]
    async fn a_short_max_wait_gives_wait_timeout_with_the_last_status() {
        let (_sandbox, client, timer) =
            sandbox_with(Sandbox::builder().reporter_polls_to_finish(1000)).await;
        let created = generated(&client, ReporterSandbox::CSV_TEMPLATE).await;

        let error = client
            .reporter()
            .wait_for_report(&created.id)
            .max_wait(Duration::from_secs(30))
            .await
            .unwrap_err();

        let Error::WaitTimeout(timeout) = &error else { panic!("{error:?}") };
        assert_eq!(timeout.last_status(), Some("Processing"));
        assert_eq!(timer.elapsed(), Duration::from_secs(30), "the last poll is at the deadline");
        assert!(error.is_timeout());
    }

    #[tokio::test]
    async fn lower_case_statuses_decode_and_the_list_filter_keeps_the_stored_spelling() {
        let (sandbox, client, _) =
            sandbox_with(Sandbox::builder().reporter_lowercase_status(true)).await;
        let created = generated(&client, ReporterSandbox::CSV_TEMPLATE).await;
        assert_eq!(sandbox.reporter().reports()[0]["status"], "processing");

        let seen = statuses_seen(&client, &created.id).await;
        assert_eq!(seen, [Some(ReportStatus::Processing), Some(ReportStatus::Finished)]);

        sandbox.clear_requests();
        let finished =
            client.reporter().list_reports().status(ReportStatus::Finished).send().await.unwrap();
        assert_eq!(finished.len(), 1);
        assert_eq!(sandbox.requests()[0].query_param("status").as_deref(), Some("Finished"));
    }

    #[tokio::test]
    async fn send_and_wait_gives_the_finished_report_with_its_key() {
        let (sandbox, client, _) = sandbox().await;

        let done = client
            .reporter()
            .generate_report(ReporterSandbox::PDF_TEMPLATE)
            .idempotency_key(key("signed-1"))
            .send_and_wait()
            .await
            .unwrap();

        assert_eq!(done.value.status, Some(ReportStatus::Finished));
        assert_eq!((done.key.as_str(), done.replayed), ("signed-1", false));
        assert_eq!(sandbox.reporter().reports()[0]["id"], done.value.id.as_str());
    }
}

mod downloads {
    use std::{
        io::Read,
        path::Path,
        sync::atomic::{AtomicBool, AtomicU64, Ordering},
    };

    use super::*;

    /// A finished report of `template`: generated, then read twice.
    async fn finished(client: &Client, template: &str) -> Report {
        let created = generated(client, template).await;
        client.reporter().wait_for_report(&created.id).await.unwrap()
    }

    #[tokio::test]
    async fn each_format_downloads_with_its_content_type_and_file_name() {
        let (sandbox, client, _) = sandbox().await;
        let formats = [
            (ReporterSandbox::CSV_TEMPLATE, "text/csv", "csv"),
            (ReporterSandbox::HTML_TEMPLATE, "text/html; charset=utf-8", "html"),
            (ReporterSandbox::XML_TEMPLATE, "application/xml", "xml"),
            (ReporterSandbox::TXT_TEMPLATE, "text/plain; charset=utf-8", "txt"),
            (ReporterSandbox::PDF_TEMPLATE, "application/pdf", "pdf"),
        ];
        for (template, content_type, extension) in formats {
            let report = finished(&client, template).await;

            let download = client.reporter().download_report(&report.id).send().await.unwrap();

            assert_eq!(download.content_type(), Some(content_type));
            assert_eq!(download.filename(), Some(format!("{}.{extension}", report.id).as_str()));
            let expected = sandbox.reporter().report_file(&report.id).unwrap().concat();
            assert_eq!(download.bytes(1 << 20).await.unwrap(), expected);
        }
    }

    #[tokio::test]
    async fn downloading_an_unfinished_report_is_the_tpl_0029_error_with_the_next_step() {
        let (_sandbox, client, _) = sandbox().await;
        let created = generated(&client, ReporterSandbox::CSV_TEMPLATE).await;

        let error = client.reporter().download_report(&created.id).send().await.unwrap_err();

        assert_eq!(
            (error.status().map(|s| s.as_u16()), error.code()),
            (Some(400), Some("TPL-0029"))
        );
        assert!(error.to_string().contains("`wait_for_report`"), "{error}");
    }

    #[tokio::test]
    async fn bytes_refuses_a_file_larger_than_its_limit_and_write_to_fills_any_writer() {
        let (_sandbox, client, _) = sandbox().await;
        let report = finished(&client, ReporterSandbox::CSV_TEMPLATE).await;

        let error = client
            .reporter()
            .download_report(&report.id)
            .send()
            .await
            .unwrap()
            .bytes(10)
            .await
            .unwrap_err();
        let Error::Transport(transport) = &error else { panic!("{error:?}") };
        assert_eq!(transport.kind(), TransportErrorKind::TooLarge);
        assert!(error.to_string().contains("10 bytes"), "{error}");

        let mut buffer = Vec::new();
        let download = client.reporter().download_report(&report.id).send().await.unwrap();
        let written = download.write_to(&mut buffer).await.unwrap();
        assert_eq!(written, buffer.len() as u64);
        assert!(String::from_utf8(buffer).unwrap().starts_with("report_id,account_id,balance\n"));
    }

    /// A `/proc/self/status` figure in KiB (`VmRSS`, `VmHWM`).
    fn status_kib(field: &str) -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|line| line.starts_with(field)).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    /// Whether the file at `path` holds exactly `chunks`, read back 64 KiB at a time.
    fn file_equals(path: &Path, chunks: &[bytes::Bytes]) -> bool {
        let mut file = std::fs::File::open(path).unwrap();
        let mut buffer = vec![0; 64 * 1024];
        for chunk in chunks {
            let read = &mut buffer[..chunk.len()];
            if file.read_exact(read).is_err() || read[..] != chunk[..] {
                return false;
            }
        }
        file.read(&mut buffer).unwrap() == 0
    }

    #[tokio::test]
    async fn a_20_mib_download_streams_to_a_path_without_holding_the_file_in_memory() {
        let (sandbox, client, _) = sandbox().await;
        let report = finished(&client, ReporterSandbox::LARGE_TEMPLATE).await;
        let directory = std::env::temp_dir().join(format!("auditkit-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&directory).unwrap();

        // Peak resident memory while the file downloads: the kernel's high-water mark,
        // reset just before, and a sampler as a second witness.
        let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
        let before = status_kib("VmRSS:");
        let (stop, peak) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicU64::new(before)));
        let sampler = {
            let (stop, peak) = (stop.clone(), peak.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    peak.fetch_max(status_kib("VmRSS:"), Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(2));
                }
            })
        };
        let download = client.reporter().download_report(&report.id).send().await.unwrap();
        let name = download.filename().unwrap().to_owned();
        let written = download.write_to_path(directory.join(&name)).await.unwrap();
        stop.store(true, Ordering::Relaxed);
        sampler.join().unwrap();
        let high_water = if reset { status_kib("VmHWM:") } else { 0 };
        let growth_kib = peak.load(Ordering::Relaxed).max(high_water).saturating_sub(before);
        println!(
            "peak RSS growth while saving the 20 MiB report: {growth_kib} KiB (high-water mark reset: {reset})"
        );

        assert_eq!(written, ReporterSandbox::LARGE_FILE_LEN);
        assert!(growth_kib < 8 * 1024, "memory grew by {growth_kib} KiB for a 20 MiB file");
        let saved = directory.join(&name);
        assert_eq!(std::fs::metadata(&saved).unwrap().len(), ReporterSandbox::LARGE_FILE_LEN);
        assert!(file_equals(&saved, &sandbox.reporter().report_file(&report.id).unwrap()));
        let leftovers: Vec<_> = std::fs::read_dir(&directory).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no partial file is left beside the report");
        std::fs::remove_dir_all(&directory).unwrap();
    }

    #[tokio::test]
    async fn a_download_cut_off_midway_is_an_error_in_the_stream_and_leaves_no_file() {
        let (sandbox, client, _) = sandbox().await;
        let report = finished(&client, ReporterSandbox::CSV_TEMPLATE).await;
        sandbox.inject(Fault::cut_body().path(format!("{REPORTS}/{}/download", report.id)));
        let path = std::env::temp_dir().join(format!("auditkit-{}.csv", uuid::Uuid::new_v4()));

        let download = client.reporter().download_report(&report.id).send().await.unwrap();
        let error = download.write_to_path(&path).await.unwrap_err();

        let cause = error.get_ref().and_then(|e| e.downcast_ref::<Error>()).unwrap();
        assert!(
            matches!(cause, Error::Transport(t) if t.kind() == TransportErrorKind::Body),
            "{cause:?}"
        );
        assert!(!path.exists());
        let downloads =
            sandbox.requests().into_iter().filter(|r| r.path.ends_with("/download")).count();
        assert_eq!(downloads, 1, "a started download is never repeated");
    }
}

mod listing {
    use super::*;

    fn list_requests(sandbox: &Sandbox) -> Vec<RecordedRequest> {
        sandbox.requests().into_iter().filter(|r| r.method == "GET" && r.path == REPORTS).collect()
    }

    #[tokio::test]
    async fn paging_through_250_reports_with_limit_100_yields_each_once() {
        let (sandbox, client, _) = sandbox().await;
        let seeded = sandbox.reporter().seed_reports(ReporterSandbox::CSV_TEMPLATE, 250);

        let ids: Vec<String> = client
            .reporter()
            .list_reports()
            .limit(100)
            .sort_order(reporter::SortOrder::Asc)
            .items()
            .map_ok(|report| report.id)
            .try_collect()
            .await
            .unwrap();

        // Reporter 1.1 lists reports newest first, whatever `sort_order` says.
        let newest_first: Vec<String> = seeded.into_iter().rev().collect();
        assert_eq!(ids, newest_first);
        let pages: Vec<_> = list_requests(&sandbox).iter().map(|r| r.query_param("page")).collect();
        assert_eq!(
            pages,
            [Some("1".into()), Some("2".into()), Some("3".into())],
            "ends on the short page"
        );
    }

    #[tokio::test]
    async fn a_listing_resumes_after_its_saved_page_and_refuses_another_listings_continuation() {
        let (sandbox, client, _) = sandbox().await;
        let seeded = sandbox.reporter().seed_reports(ReporterSandbox::CSV_TEMPLATE, 30);
        let listing =
            || client.reporter().list_reports().limit(10).sort_order(reporter::SortOrder::Asc);
        let first = listing().send().await.unwrap();
        let saved = serde_json::to_string(first.continuation().unwrap()).unwrap();

        let rest: Vec<String> = listing()
            .resume(serde_json::from_str(&saved).unwrap())
            .items()
            .map_ok(|report| report.id)
            .try_collect()
            .await
            .unwrap();
        let newest_first: Vec<String> = seeded.into_iter().rev().collect();
        assert_eq!(rest, newest_first[10..]);

        sandbox.clear_requests();
        let other_size = client
            .reporter()
            .list_reports()
            .limit(20)
            .resume(serde_json::from_str(&saved).unwrap());
        let error = other_size.send().await.unwrap_err();
        assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
        assert!(error.to_string().contains("another listing"), "{error}");
        assert!(sandbox.requests().is_empty());
    }

    /// The identity is derived from the listing's request: every filter and page option
    /// counts (none can be forgotten), the order the setters are called in does not.
    #[tokio::test]
    async fn every_filter_tells_a_continuation_apart_and_the_setters_order_does_not() {
        let (sandbox, client, _) = sandbox().await;
        sandbox.reporter().seed_reports(ReporterSandbox::CSV_TEMPLATE, 30);
        let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let reports = || client.reporter().list_reports();
        let base = || {
            reports()
                .status(ReportStatus::Finished)
                .template_id(ReporterSandbox::CSV_TEMPLATE)
                .limit(10)
                .sort_order(reporter::SortOrder::Asc)
        };
        let saved = base().send().await.unwrap().continuation().cloned().unwrap();

        let reordered = reports()
            .sort_order(reporter::SortOrder::Asc)
            .limit(10)
            .template_id(ReporterSandbox::CSV_TEMPLATE)
            .status(ReportStatus::Finished)
            .resume(saved.clone());
        assert_eq!(reordered.send().await.unwrap().len(), 10);

        sandbox.clear_requests();
        let others = [
            base().status(ReportStatus::Processing),
            base().template_id(ReporterSandbox::XML_TEMPLATE),
            base().created_at(day),
            base().limit(20),
            base().sort_order(reporter::SortOrder::Desc),
        ];
        for other in others {
            let error = other.resume(saved.clone()).send().await.unwrap_err();
            assert!(error.to_string().contains("another listing"), "{error}");
        }
        let templates = client.reporter().list_templates().limit(10).resume(saved.clone());
        assert!(matches!(templates.send().await, Err(Error::InvalidInput(_))));
        assert!(sandbox.requests().is_empty());
    }

    #[tokio::test]
    async fn a_listing_whose_last_page_is_full_ends_on_the_empty_page_after_it() {
        let (sandbox, client, _) = sandbox().await;
        sandbox.reporter().seed_reports(ReporterSandbox::HTML_TEMPLATE, 200);

        let reports: Vec<_> =
            client.reporter().list_reports().limit(100).items().try_collect().await.unwrap();

        assert_eq!(reports.len(), 200);
        assert_eq!(list_requests(&sandbox).len(), 3);
    }

    #[tokio::test]
    async fn filters_reach_the_server_and_a_limit_over_100_makes_no_request() {
        let (sandbox, client, _) = sandbox().await;
        sandbox.reporter().seed_reports(ReporterSandbox::CSV_TEMPLATE, 3);
        sandbox.reporter().seed_reports(ReporterSandbox::XML_TEMPLATE, 2);

        let page = client
            .reporter()
            .list_reports()
            .template_id(ReporterSandbox::XML_TEMPLATE)
            .created_at(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(page.len(), 2);
        let sent = &list_requests(&sandbox)[0];
        assert_eq!(sent.query_param("template_id").as_deref(), Some(ReporterSandbox::XML_TEMPLATE));
        assert_eq!(sent.query_param("created_at").as_deref(), Some("2026-03-01"));

        sandbox.clear_requests();
        for limit in [0, 101] {
            let error = client.reporter().list_reports().limit(limit).send().await.unwrap_err();
            assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
            assert!(error.to_string().contains("1 to 100"), "{error}");
        }
        assert!(sandbox.requests().is_empty());
    }

    #[tokio::test]
    async fn templates_list_by_format_and_read_one_by_one() {
        let (_sandbox, client, _) = sandbox().await;

        let csv: Vec<_> = client
            .reporter()
            .list_templates()
            .output_format(OutputFormat::Csv)
            .items()
            .try_collect()
            .await
            .unwrap();
        let all: Vec<_> =
            client.reporter().list_templates().limit(3).items().try_collect().await.unwrap();
        let one =
            client.reporter().get_template(ReporterSandbox::PDF_TEMPLATE).send().await.unwrap();

        assert_eq!(csv.len(), 2);
        assert!(csv.iter().all(|t| t.output_format == Some(OutputFormat::Csv)));
        assert_eq!(all.len(), 7);
        assert_eq!(one.output_format, Some(OutputFormat::Pdf));
        assert!(one.created_at.is_some());
    }
}

mod errors {
    use super::*;

    #[tokio::test]
    async fn a_rate_limited_call_waits_the_servers_retry_after() {
        let (sandbox, client, timer) = sandbox().await;
        let created = generated(&client, ReporterSandbox::CSV_TEMPLATE).await;
        sandbox.inject(rate_limited().path(REPORTS).method("GET"));

        let report = client.reporter().get_report(&created.id).send().await.unwrap();

        assert_eq!(report.id, created.id);
        assert_eq!(timer.sleeps(), [Duration::from_secs(60)]);
    }

    #[tokio::test]
    async fn an_exhausted_rate_limit_names_reporter_the_code_and_the_wait_asked_for() {
        let (sandbox, client, _) = sandbox().await;
        sandbox.inject(rate_limited().times(u32::MAX));

        let error = client.reporter().list_templates().send().await.unwrap_err();

        let Error::Api(api) = &error else { panic!("{error:?}") };
        assert_eq!(
            (api.code(), api.retry_after()),
            (Some("TPL-0429"), Some(Duration::from_secs(60)))
        );
        assert!(
            error.to_string().contains("Lerian Reporter list_templates failed with HTTP 429"),
            "{error}"
        );
    }

    #[tokio::test]
    async fn an_unknown_report_is_a_404_naming_reporter_the_operation_and_the_code() {
        let (_sandbox, client, _) = sandbox().await;

        let error = client
            .reporter()
            .get_report("01960000-0000-7000-8000-0000000000ff")
            .send()
            .await
            .unwrap_err();

        assert_eq!(error.vendor(), Some(Vendor::Reporter));
        let text = error.to_string();
        for part in ["Lerian Reporter get_report", "404", "TPL-0011", "No report was found"] {
            assert!(text.contains(part), "{part:?} missing from {text}");
        }
    }

    #[tokio::test]
    async fn a_wrong_token_is_refused_with_401_and_empty_ids_make_no_request() {
        let sandbox = Sandbox::start().await.unwrap();
        let client = Client::builder()
            .reporter(reporter::Config::new(
                sandbox.reporter_url(),
                reporter::Credentials::bearer("wrong"),
            ))
            .build()
            .unwrap();

        let error = client.reporter().list_reports().send().await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
        assert!(error.to_string().contains("credentials"), "{error}");

        sandbox.clear_requests();
        assert!(matches!(
            client.reporter().get_report(" ").send().await,
            Err(Error::InvalidInput(_))
        ));
        assert!(matches!(
            client.reporter().download_report("").send().await,
            Err(Error::InvalidInput(_))
        ));
        assert!(sandbox.requests().is_empty());
    }

    #[tokio::test]
    async fn an_unconfigured_reporter_names_the_builder_method_to_call() {
        let client = Client::builder().build().unwrap();

        let error = client
            .reporter()
            .generate_report(ReporterSandbox::CSV_TEMPLATE)
            .send()
            .await
            .unwrap_err();

        assert!(matches!(error, Error::NotConfigured(Vendor::Reporter)));
        assert!(error.to_string().contains(".reporter(..)"), "{error}");
    }

    #[test]
    fn futures_streams_and_waits_are_send_and_static() {
        fn assert_send<T: Send + 'static>(_: T) {}
        let reporter = Client::builder().build().unwrap().reporter();
        assert_send(reporter.generate_report("t").send());
        assert_send(reporter.generate_report("t").send_and_wait());
        assert_send(reporter.get_report("r").send());
        assert_send(reporter.list_reports().items());
        assert_send(reporter.list_templates().pages());
        assert_send(reporter.get_template("t").send());
        assert_send(std::future::IntoFuture::into_future(reporter.wait_for_report("r")));
        assert_send(reporter.wait_for_report("r").statuses());
        assert_send(reporter.download_report("r").send());
    }
}

mod codes;
mod list_parameters;
mod newest_first;
mod page_limit;
mod rate_limits;
mod service_routes;
mod statuses;
mod templates;
