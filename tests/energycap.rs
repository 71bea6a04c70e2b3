//! EnergyCAP: wire format, auth and bad input against wiremock; runs, waits and faults on
//! the wire against the sandbox. The generic transport tests are in `tests/transport.rs`.

mod common;

use auditkit::{Client, Error, RetryPolicy, energycap, energycap::DistributionStatus};
use common::{ENERGYCAP_KEY, LOGS_PATH, energycap_client, fixture, log_json};
use serde_json::json;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path},
};

#[tokio::test]
async fn the_seed_example_response_decodes_including_its_date_only_begin_date() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LOGS_PATH))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(
                fixture("energycap/report_distribution_logs.json"),
                "application/json",
            ),
        )
        .mount(&server)
        .await;
    let (client, _) = energycap_client(&server);

    let logs = client.energycap().list_report_distribution_logs().send().await.unwrap();

    assert_eq!(logs.len(), 1);
    let log = &logs[0];
    assert_eq!(log.report_distribution_log_id, 1);
    assert_eq!(log.begin_date.unwrap().to_rfc3339(), "2026-03-30T00:00:00+00:00");
    assert_eq!(log.end_date.unwrap().to_rfc3339(), "2026-03-30T00:00:00+00:00");
    assert_eq!(log.number_of_recipients, Some(1));
    let distribution = log.report_distribution.as_ref().unwrap();
    assert_eq!(distribution.report_distribution_id, Some(1));
    assert_eq!(distribution.report_code.as_deref(), Some("string"));
    assert_eq!(distribution.created_by_user, Some(energycap::UserChild::default()));
    // The example's placeholder status is kept, not rejected.
    assert_eq!(log.status, Some(DistributionStatus::Unknown("string".into())));
}

/// Regression: unknown statuses ("Queued", "Running", "") ended a wait as if the run were
/// finished.
#[tokio::test]
async fn an_unknown_status_keeps_the_wait_polling_until_a_final_one() {
    let server = MockServer::start().await;
    for status in ["Queued", "Running", ""] {
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(log_json(9, status)))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(log_json(9, "Complete")))
        .mount(&server)
        .await;
    let (client, _) = energycap_client(&server);

    let done = client.energycap().wait_for_distribution(9).await.unwrap();

    assert_eq!(done.log.status, Some(DistributionStatus::Complete));
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}

#[tokio::test]
async fn an_unknown_status_and_a_null_end_date_decode() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LOGS_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            log_json(5, "Queued for retry"),
            log_json(6, "Some reports not sent")
        ])))
        .mount(&server)
        .await;
    let (client, _) = energycap_client(&server);

    let logs = client.energycap().list_report_distribution_logs().send().await.unwrap();

    assert_eq!(logs[0].status, Some(DistributionStatus::Unknown("Queued for retry".into())));
    assert_eq!(logs[0].end_date, None);
    assert_eq!(logs[1].status, Some(DistributionStatus::SomeReportsNotSent));
    let user = logs[0].report_distribution.as_ref().unwrap().created_by_user.as_ref().unwrap();
    assert_eq!(user.full_name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(user.user_code.as_deref(), Some("ada"));
    assert_eq!(user.user_id, Some(12));
}

#[tokio::test]
async fn include_in_progress_reaches_the_server_and_every_request_carries_the_api_key() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LOGS_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{LOGS_PATH}/9/detail")))
        .respond_with(ResponseTemplate::new(200).set_body_json(log_json(9, "Complete")))
        .mount(&server)
        .await;
    let (client, _) = energycap_client(&server);

    client
        .energycap()
        .list_report_distribution_logs()
        .include_in_progress(true)
        .send()
        .await
        .unwrap();
    client.energycap().list_report_distribution_logs().send().await.unwrap();
    client.energycap().get_report_distribution_log(9).send().await.unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].url.query(), Some("includeInProgress=true"));
    assert_eq!(requests[1].url.query(), None, "an unset option is not sent");
    for request in &requests {
        assert_eq!(request.headers.get("eci-apikey").unwrap(), ENERGYCAP_KEY);
        let agent = request.headers.get("user-agent").unwrap().to_str().unwrap();
        assert!(agent.starts_with("auditkit/"), "{agent}");
    }
}

#[tokio::test]
async fn unauthorized_names_energycap_the_operation_and_the_status() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"message": "Invalid ECI-ApiKey"})),
        )
        .mount(&server)
        .await;
    let (client, _) = energycap_client(&server);

    let error = client.energycap().list_report_distribution_logs().send().await.unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert!(!error.is_retryable());
    let text = error.to_string();
    for part in
        ["EnergyCAP", "list_report_distribution_logs", "401", "Invalid ECI-ApiKey", "credentials"]
    {
        assert!(text.contains(part), "{part:?} missing from {text:?}");
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "401 is not retried");
}

#[tokio::test]
async fn exec_answered_500_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v202106/reportdistribution/42/exec"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"message": "boom"})))
        .mount(&server)
        .await;
    let (client, _) = energycap_client(&server);

    let error = client.energycap().run_report_distribution(42).send().await.unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "a sent exec must never run twice"
    );
}

#[tokio::test]
async fn exec_sends_override_user_ids_as_json() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v202106/reportdistribution/42/exec"))
        .respond_with(ResponseTemplate::new(200).set_body_json(log_json(77, "In Progress")))
        .mount(&server)
        .await;
    let (client, _) = energycap_client(&server);

    let run = client
        .energycap()
        .run_report_distribution(42)
        .override_user_ids([3, 5])
        .send()
        .await
        .unwrap();

    assert_eq!(run.report_distribution_log_id, 77);
    assert_eq!(run.status, Some(DistributionStatus::InProgress));
    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        request.body_json::<serde_json::Value>().unwrap(),
        json!({"overrideUserIds": [3, 5]})
    );
    assert_eq!(request.headers.get("content-type").unwrap(), "application/json");
}

#[tokio::test]
async fn exec_is_retried_when_the_connection_was_refused_before_sending() {
    // A port that was just free: nothing listens, so the request never leaves.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let timer = std::sync::Arc::new(auditkit::testkit::VirtualTimer::new());
    let client = Client::builder()
        .energycap(
            energycap::Config::new(energycap::Host::UsEast, energycap::Credentials::api_key("k"))
                .base_url(url),
        )
        .retry(RetryPolicy::default().max_attempts(3))
        .timer(timer.clone())
        .build()
        .unwrap();

    let error = client.energycap().run_report_distribution(42).send().await.unwrap_err();

    let Error::Transport(transport) = &error else { panic!("{error:?}") };
    assert_eq!(transport.kind(), auditkit::TransportErrorKind::Connect);
    assert_eq!(transport.attempts(), 3);
    assert_eq!(timer.sleeps().len(), 2);
}

#[tokio::test]
async fn bad_input_fails_before_any_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).mount(&server).await;

    let empty_key = Client::builder()
        .energycap(
            energycap::Config::new(energycap::Host::UsEast, energycap::Credentials::api_key(""))
                .base_url(server.uri()),
        )
        .build()
        .unwrap_err();
    assert!(matches!(empty_key, Error::Config(_)));
    assert!(empty_key.to_string().contains("API key is empty"), "{empty_key}");

    let plain_http = Client::builder()
        .energycap(
            energycap::Config::new(energycap::Host::UsEast, energycap::Credentials::api_key("k"))
                .base_url("http://energycap.example.com"),
        )
        .build()
        .unwrap_err();
    assert!(plain_http.to_string().contains("http://"), "{plain_http}");
    let opted_in = Client::builder()
        .energycap(
            energycap::Config::new(energycap::Host::UsEast, energycap::Credentials::api_key("k"))
                .base_url("http://energycap.example.com"),
        )
        .allow_insecure_http(true)
        .build();
    assert!(opted_in.is_ok());

    let not_a_url = Client::builder()
        .energycap(
            energycap::Config::new(energycap::Host::UsEast, energycap::Credentials::api_key("k"))
                .base_url("app.energycap.com"),
        )
        .build()
        .unwrap_err();
    assert!(not_a_url.to_string().contains("not a valid URL"), "{not_a_url}");

    let (client, _) = energycap_client(&server);
    let empty_override = client
        .energycap()
        .run_report_distribution(1)
        .override_user_ids([])
        .send()
        .await
        .unwrap_err();
    assert!(matches!(empty_override, Error::InvalidInput(_)), "{empty_override:?}");
    assert!(empty_override.to_string().contains("override_user_ids"), "{empty_override}");

    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_unconfigured_vendor_names_the_builder_method_to_call() {
    let client = Client::builder().build().unwrap();

    let error = client.energycap().list_report_distribution_logs().send().await.unwrap_err();

    assert!(matches!(error, Error::NotConfigured(auditkit::Vendor::EnergyCap)));
    assert!(error.to_string().contains(".energycap(..)"), "{error}");
}

#[tokio::test]
async fn a_changed_field_type_gives_a_decode_error_with_the_json_path() {
    let server = MockServer::start().await;
    let mut log = log_json(1, "Complete");
    log["reportDistribution"]["reportDistributionId"] = json!("forty-two");
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([log])))
        .mount(&server)
        .await;
    let (client, _) = energycap_client(&server);

    let error = client.energycap().list_report_distribution_logs().send().await.unwrap_err();

    let Error::Decode(decode) = &error else { panic!("{error:?}") };
    assert_eq!(decode.path(), "[0].reportDistribution.reportDistributionId");
    assert!(decode.body_excerpt().contains("forty-two"));
    assert!(error.to_string().contains("EnergyCAP list_report_distribution_logs"), "{error}");
}

/// End to end against the sandbox: runs, waits, faults on the wire.
mod sandbox {
    use std::{sync::Arc, time::Duration};

    use auditkit::{
        Client, Error,
        energycap::{self, DistributionStatus},
        testkit::{Fault, Sandbox, VirtualTimer},
    };
    use futures::TryStreamExt;

    const LOG_PATH: &str = "/energycap/api/v202106/reportdistribution/log";

    async fn sandbox(polls_to_complete: u32) -> (Sandbox, Client, Arc<VirtualTimer>) {
        let sandbox = Sandbox::builder()
            .energycap_polls_to_complete(polls_to_complete)
            .start()
            .await
            .unwrap();
        let timer = Arc::new(VirtualTimer::new());
        let client = sandbox.client_builder().timer(timer.clone()).build().unwrap();
        (sandbox, client, timer)
    }

    #[tokio::test]
    async fn wait_for_distribution_returns_the_completed_log() {
        let (sandbox, client, timer) = sandbox(3).await;

        let run = client
            .energycap()
            .run_report_distribution(1)
            .override_user_ids([7, 9])
            .send()
            .await
            .unwrap();
        assert_eq!(run.status, Some(DistributionStatus::InProgress));
        assert_eq!(run.end_date, None);
        let done =
            client.energycap().wait_for_distribution(run.report_distribution_log_id).await.unwrap();

        assert_eq!(done.log.report_distribution_log_id, run.report_distribution_log_id);
        assert_eq!(done.log.status, Some(DistributionStatus::Complete));
        assert!(done.log.end_date.is_some());
        assert_eq!(timer.sleeps().len(), 2, "three polls, two pauses");
        let recorded = sandbox.energycap().runs();
        assert_eq!(recorded.len(), 1);
        assert_eq!(recorded[0].override_user_ids, Some(vec![7, 9]));
    }

    #[tokio::test]
    async fn send_and_wait_runs_a_distribution_and_answers_its_complete_detail() {
        let (sandbox, client, timer) = sandbox(3).await;

        let done = client.energycap().run_report_distribution(1).send_and_wait().await.unwrap();

        assert_eq!(done.log.status, Some(DistributionStatus::Complete));
        assert_eq!(sandbox.energycap().runs().len(), 1);
        assert_eq!(timer.sleeps().len(), 2, "three polls, two pauses");
    }

    /// A behaviour change (issue "seams"): `Not sent` used to end the wait as `Ok`.
    #[tokio::test]
    async fn a_run_that_ends_not_sent_fails_the_wait_with_its_errors_and_detail_kept() {
        let (sandbox, client, _) = sandbox(2).await;
        sandbox.energycap().set_run_outcome("Not sent", Some("mail server down"));

        let error =
            client.energycap().run_report_distribution(1).send_and_wait().await.unwrap_err();

        let Error::JobFailed(failed) = &error else { panic!("{error:?}") };
        assert_eq!(failed.last_status(), "Not sent");
        assert_eq!(failed.message(), Some("mail server down"));
        let detail = failed.status::<energycap::ReportDistributionLogDetail>().unwrap();
        assert_eq!(detail.log.status, Some(DistributionStatus::NotSent));
        assert!(error.to_string().contains("mail server down"), "{error}");
    }

    #[tokio::test]
    async fn a_run_with_some_reports_not_sent_fails_the_wait_too() {
        let (sandbox, client, _) = sandbox(2).await;
        sandbox.energycap().set_run_outcome("Some reports not sent", Some("2 of 5 bounced"));
        let run = client.energycap().run_report_distribution(2).send().await.unwrap();

        let mut polls =
            client.energycap().wait_for_distribution(run.report_distribution_log_id).statuses();
        let first = polls.try_next().await.unwrap().unwrap();
        assert_eq!(first.log.status, Some(DistributionStatus::InProgress));
        let error = polls.try_next().await.unwrap_err();

        let Error::JobFailed(failed) = &error else { panic!("{error:?}") };
        assert_eq!(failed.last_status(), "Some reports not sent");
        assert_eq!(failed.message(), Some("2 of 5 bounced"));
        assert!(polls.try_next().await.unwrap().is_none(), "the error ends the statuses");
    }

    #[tokio::test]
    async fn statuses_stream_every_poll_until_the_run_finishes() {
        let (_sandbox, client, _) = sandbox(3).await;
        let run = client.energycap().run_report_distribution(2).send().await.unwrap();

        let seen: Vec<_> = client
            .energycap()
            .wait_for_distribution(run.report_distribution_log_id)
            .statuses()
            .map_ok(|detail| detail.log.status)
            .try_collect()
            .await
            .unwrap();

        use DistributionStatus::*;
        assert_eq!(seen, [Some(InProgress), Some(InProgress), Some(Complete)]);
    }

    #[tokio::test]
    async fn exceeding_max_wait_gives_wait_timeout_with_the_last_status() {
        let (sandbox, client, timer) = sandbox(2).await;
        let stuck = sandbox
            .energycap()
            .logs()
            .into_iter()
            .find(|log| log["status"] == "In Progress")
            .and_then(|log| log["reportDistributionLogId"].as_i64())
            .unwrap();

        let error = client
            .energycap()
            .wait_for_distribution(i32::try_from(stuck).unwrap())
            .max_wait(Duration::from_secs(30))
            .await
            .unwrap_err();

        let Error::WaitTimeout(timeout) = &error else { panic!("{error:?}") };
        assert_eq!(timeout.last_status(), Some("In Progress"));
        assert!(timeout.polls() >= 3, "{}", timeout.polls());
        assert_eq!(timer.elapsed(), Duration::from_secs(30), "the last poll is at the deadline");
        assert!(error.is_timeout() && error.is_retryable());
        assert!(error.to_string().contains("wait_for_distribution"), "{error}");
    }

    #[tokio::test]
    async fn the_seeded_logs_decode_whatever_date_format_they_use() {
        let (_sandbox, client, _) = sandbox(2).await;

        let finished = client.energycap().list_report_distribution_logs().send().await.unwrap();
        let all = client
            .energycap()
            .list_report_distribution_logs()
            .include_in_progress(true)
            .send()
            .await
            .unwrap();

        assert!(!finished.is_empty());
        assert!(finished.iter().all(|log| log.status != Some(DistributionStatus::InProgress)));
        assert!(all.len() > finished.len());
        assert!(all.iter().all(|log| log.begin_date.is_some()));
    }

    #[tokio::test]
    async fn a_cut_off_answer_is_retried_and_succeeds() {
        let (sandbox, client, timer) = sandbox(2).await;
        sandbox.inject(Fault::cut_body().path(LOG_PATH));

        let logs = client.energycap().list_report_distribution_logs().send().await.unwrap();

        assert!(!logs.is_empty());
        assert_eq!(sandbox.requests().len(), 2);
        assert_eq!(timer.sleeps().len(), 1);
    }

    #[tokio::test]
    async fn a_malformed_answer_is_a_decode_error_with_an_excerpt() {
        let (sandbox, client, _) = sandbox(2).await;
        sandbox.inject(Fault::malformed_body().path(LOG_PATH));

        let error = client.energycap().list_report_distribution_logs().send().await.unwrap_err();

        let Error::Decode(decode) = &error else { panic!("{error:?}") };
        assert!(!decode.body_excerpt().is_empty());
        assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
        assert_eq!(sandbox.requests().len(), 1, "a malformed answer is not retried");
    }

    #[tokio::test]
    async fn a_wrong_key_is_refused_with_401() {
        let sandbox = Sandbox::start().await.unwrap();
        let client = Client::builder()
            .energycap(
                energycap::Config::new(
                    energycap::Host::UsEast,
                    energycap::Credentials::api_key("wrong-key"),
                )
                .base_url(sandbox.energycap_url()),
            )
            .build()
            .unwrap();

        let error = client.energycap().list_report_distribution_logs().send().await.unwrap_err();

        assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
        assert!(error.to_string().contains("ECI-ApiKey"), "{error}");
    }

    #[tokio::test]
    async fn exec_cut_off_after_sending_is_not_retried() {
        let (sandbox, client, _) = sandbox(2).await;
        sandbox
            .inject(Fault::disconnect().path("/energycap/api/v202106/reportdistribution/1/exec"));

        let error = client.energycap().run_report_distribution(1).send().await.unwrap_err();

        assert!(matches!(error, Error::Transport(_)), "{error:?}");
        assert_eq!(sandbox.requests().len(), 1);
    }
}

mod distributions_and_permissions {
    use auditkit::{Client, Error, testkit::Sandbox};
    use serde_json::json;
    use wiremock::{
        Mock, MockServer, ResponseTemplate,
        matchers::{method, path, query_param},
    };

    use super::common::energycap_client;

    const DISTRIBUTIONS_PATH: &str = "/api/v202106/reportdistribution";

    #[tokio::test]
    async fn the_filter_goes_out_as_the_vendors_filter_and_unknown_fields_are_kept() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(DISTRIBUTIONS_PATH))
            .and(query_param("filter", "reportCode equals 'COST-MONTHLY'"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([{
                "reportDistributionId": 7, "reportDistributionName": "Monthly Cost Summary",
                "reportCode": "COST-MONTHLY", "enabled": true,
                "createdByUser": {"userId": 3}, "schedule": {"frequency": "Monthly"}
            }])))
            .mount(&server)
            .await;
        let (client, _) = energycap_client(&server);

        let found = client
            .energycap()
            .list_report_distributions()
            .filter(" reportCode equals 'COST-MONTHLY' ")
            .send()
            .await
            .unwrap();

        assert_eq!(found.len(), 1);
        assert_eq!(found[0].report_distribution_id, Some(7));
        assert_eq!(found[0].created_by_user.as_ref().and_then(|u| u.user_id), Some(3));
        assert_eq!(found[0].other["schedule"]["frequency"], "Monthly");
    }

    #[tokio::test]
    async fn a_blank_filter_is_refused_before_any_request() {
        let server = MockServer::start().await;
        let (client, _) = energycap_client(&server);
        let error =
            client.energycap().list_report_distributions().filter("  ").send().await.unwrap_err();
        assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
        assert!(server.received_requests().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_refused_key_on_the_log_endpoints_names_the_permission_they_need() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(403)
                    .set_body_json(json!({"message": "Authorization has been denied"})),
            )
            .mount(&server)
            .await;
        let (client, _) = energycap_client(&server);
        let list = client.energycap().list_report_distribution_logs().send().await.unwrap_err();
        let detail = client.energycap().get_report_distribution_log(7).send().await.unwrap_err();
        for error in [list, detail] {
            let text = error.to_string();
            assert!(text.contains("DistributedReportsSettings (Manage)"), "{text}");
            assert!(text.contains("Authorization has been denied"), "{text}");
        }
        let other = client.energycap().list_report_distributions().send().await.unwrap_err();
        assert!(!other.to_string().contains("DistributedReportsSettings"), "{other}");
    }

    #[tokio::test]
    async fn the_sandbox_lists_distributions_by_filter_and_refuses_logs_without_the_permission() {
        let sandbox = Sandbox::start().await.unwrap();
        let client: Client = sandbox.client();
        let all = client.energycap().list_report_distributions().send().await.unwrap();
        assert_eq!(all.len(), 3);
        let weekly = client
            .energycap()
            .list_report_distributions()
            .filter("reportDistributionName contains 'weekly' and enabled equals 'true'")
            .send()
            .await
            .unwrap();
        let ids: Vec<_> = weekly.iter().map(|d| d.report_distribution_id).collect();
        assert_eq!(ids, [Some(2)]);
        let unknown = client
            .energycap()
            .list_report_distributions()
            .filter("colour equals 'red'")
            .send()
            .await
            .unwrap_err();
        assert_eq!(unknown.status().map(|s| s.as_u16()), Some(400), "{unknown}");

        sandbox.energycap().set_logs_permitted(false);
        let refused = client.energycap().list_report_distribution_logs().send().await.unwrap_err();
        assert_eq!(refused.status().map(|s| s.as_u16()), Some(401));
        assert!(refused.to_string().contains("DistributedReportsSettings (Manage)"), "{refused}");
        assert_eq!(client.energycap().list_report_distributions().send().await.unwrap().len(), 3);
    }
}
