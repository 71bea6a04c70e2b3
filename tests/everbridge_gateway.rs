//! Everbridge as it stood at the end of 2026: service accounts (the client-credentials
//! grant), the published rate tiers paced on the client, and the API gateway's 504s on slow
//! ranges. Against wiremock for the wire details, against the sandbox for the flows.

mod common;

use std::{
    collections::HashSet,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use auditkit::{
    Client, Error, RateLimit, Timer, TransportErrorKind, Vendor,
    everbridge::{Config, Credentials, ListAuditLog, RateTier, Region, ReportType},
    pagination::Continuation,
    testkit::{Sandbox, VirtualTimer},
};
use chrono::{DateTime, TimeZone, Utc};
use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use wiremock::{
    Mock, MockServer, Request, ResponseTemplate,
    matchers::{body_string_contains, header, method, path},
};

const AUDIT_LOG: &str = "/rest/reports/auditLog";
const TOKENS: &str = "/authorization/v1/tokens";

fn utc(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
}

fn today() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 7, 15, 12, 0, 0).unwrap()
}

/// A wiremock server whose audit log answers empty pages, and whose token endpoint
/// hands out `access-N` and `id-N` to the client-credentials grant alone.
async fn service_account_server() -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let issued = Arc::new(AtomicUsize::new(0));
    let counter = issued.clone();
    Mock::given(method("POST"))
        .and(path(TOKENS))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains("client_id=svc-id&client_secret=svc-secret"))
        .and(body_string_contains("scope=openid+user-profile+role+service-profile"))
        .respond_with(move |_: &Request| {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            ResponseTemplate::new(200).set_body_json(json!({
                "access_token": format!("access-{n}"), "id_token": format!("id-{n}"),
                "token_type": "Bearer", "expires_in": 28_800
            }))
        })
        .mount(&server)
        .await;
    mount_empty_audit_log(&server).await;
    (server, issued)
}

async fn mount_empty_audit_log(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(AUDIT_LOG))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .mount(server)
        .await;
}

fn client_of(server: &MockServer, config: Config, timer: Arc<VirtualTimer>) -> Client {
    Client::builder()
        .everbridge(config.base_url(format!("{}/rest", server.uri())))
        .timer(timer)
        .build()
        .unwrap()
}

fn service_account() -> Config {
    Config::new(Region::Us, Credentials::client_credentials("svc-id", "svc-secret"))
}

fn basic() -> Config {
    Config::new(Region::Us, Credentials::basic("api-user", "api-password"))
}

async fn read_one_page(client: &Client) -> Result<(), Error> {
    let (from, to) = (today() - chrono::Duration::hours(2), today());
    client.everbridge().list_audit_log(ReportType::Security, from, to).page_query(1).send().await?;
    Ok(())
}

async fn authorizations(server: &MockServer) -> Vec<String> {
    let requests = server.received_requests().await.unwrap();
    requests
        .iter()
        .filter(|r| r.url.path() == AUDIT_LOG)
        .map(|r| r.headers.get("authorization").unwrap().to_str().unwrap().to_owned())
        .collect()
}

mod service_accounts {
    use super::*;

    #[tokio::test]
    async fn the_client_credentials_grant_asks_for_the_service_scope_and_sends_the_access_token() {
        let (server, issued) = service_account_server().await;
        let client =
            client_of(&server, service_account(), Arc::new(VirtualTimer::starting_at(today())));

        read_one_page(&client).await.unwrap();
        read_one_page(&client).await.unwrap();

        assert_eq!(issued.load(Ordering::SeqCst), 1);
        assert_eq!(authorizations(&server).await, ["Bearer access-1", "Bearer access-1"]);
        let token_request = &server.received_requests().await.unwrap()[0];
        let form = String::from_utf8_lossy(&token_request.body).into_owned();
        assert!(!form.contains("username") && !form.contains("password"), "{form}");
    }

    #[tokio::test]
    async fn a_service_accounts_token_is_renewed_before_its_eight_hours_end() {
        let (server, issued) = service_account_server().await;
        let timer = Arc::new(VirtualTimer::starting_at(today()));
        let client = client_of(&server, service_account(), timer.clone());

        read_one_page(&client).await.unwrap();
        timer.sleep(Duration::from_secs(7 * 3600 + 58 * 60)).await;
        read_one_page(&client).await.unwrap();
        timer.sleep(Duration::from_secs(60)).await;
        read_one_page(&client).await.unwrap();

        assert_eq!(issued.load(Ordering::SeqCst), 2);
        assert_eq!(
            authorizations(&server).await,
            ["Bearer access-1", "Bearer access-1", "Bearer access-2"]
        );
    }

    #[tokio::test]
    async fn a_token_answer_without_access_token_names_the_service_account() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id_token": "i"})))
            .mount(&server)
            .await;
        let client =
            client_of(&server, service_account(), Arc::new(VirtualTimer::starting_at(today())));
        let error = read_one_page(&client).await.unwrap_err().to_string();
        assert!(error.contains("access_token") && error.contains("service account"), "{error}");
    }

    #[tokio::test]
    async fn the_password_grant_sends_the_role_id_header_only_when_given() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(TOKENS))
            .and(header("roleId", "892807736729515"))
            .and(body_string_contains("grant_type=password"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id_token": "role-id"})))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path(TOKENS))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id_token": "no-role"})))
            .mount(&server)
            .await;
        mount_empty_audit_log(&server).await;
        let timer = Arc::new(VirtualTimer::starting_at(today()));
        let role = Credentials::password_grant_for_role("c", "s", "u", "p", "892807736729515");
        let plain = Credentials::password_grant("c", "s", "u", "p");

        read_one_page(&client_of(&server, Config::new(Region::Us, role), timer.clone()))
            .await
            .unwrap();
        read_one_page(&client_of(&server, Config::new(Region::Us, plain), timer)).await.unwrap();

        assert_eq!(authorizations(&server).await, ["Bearer role-id", "Bearer no-role"]);
        let blank = Credentials::password_grant_for_role("c", "s", "u", "p", " ");
        let error =
            Client::builder().everbridge(Config::new(Region::Us, blank)).build().unwrap_err();
        assert!(error.to_string().contains("role id"), "{error}");
    }

    #[tokio::test]
    async fn a_service_account_reads_the_sandbox_and_the_other_token_is_refused() {
        let sandbox = Sandbox::builder().everbridge_today(today()).start().await.unwrap();
        let with = |credentials| {
            Client::builder()
                .everbridge(Config::new(Region::Us, credentials).base_url(sandbox.everbridge_url()))
                .timer(Arc::new(VirtualTimer::starting_at(today())))
                .build()
                .unwrap()
        };
        let service = with(Credentials::client_credentials(
            sandbox.everbridge_service_client_id(),
            sandbox.everbridge_service_client_secret(),
        ));
        let (from, to) = (utc(2026, 5, 1), utc(2026, 6, 1));
        let log = service.everbridge().list_audit_log(ReportType::Security, from, to);
        assert_eq!(log.items().try_collect::<Vec<_>>().await.unwrap().len(), 30);
        let sent = sandbox.requests().last().unwrap().header("authorization").unwrap().to_owned();
        assert!(sent.starts_with("Bearer sbx-access-"), "{sent}");

        // The password grant's client is not a service account.
        let wrong = with(Credentials::client_credentials(
            sandbox.everbridge_client_id(),
            sandbox.everbridge_client_secret(),
        ));
        let error = wrong
            .everbridge()
            .list_audit_log(ReportType::Security, from, to)
            .page_query(1)
            .send()
            .await;
        assert_eq!(error.unwrap_err().status().map(|s| s.as_u16()), Some(401));

        let role = with(Credentials::password_grant_for_role(
            sandbox.everbridge_client_id(),
            sandbox.everbridge_client_secret(),
            sandbox.everbridge_username(),
            sandbox.everbridge_password(),
            "42",
        ));
        role.everbridge()
            .list_audit_log(ReportType::Security, from, to)
            .page_query(1)
            .send()
            .await
            .unwrap();
        assert_eq!(sandbox.everbridge().last_role_id().as_deref(), Some("42"));
    }
}

mod rate_tiers {
    use super::*;

    /// Sends `count` page reads at once and returns how long the client's clock moved.
    async fn burst_of_reads(config: Config, count: usize) -> Duration {
        let server = MockServer::start().await;
        mount_empty_audit_log(&server).await;
        let timer = Arc::new(VirtualTimer::starting_at(today()));
        let client = client_of(&server, config, timer.clone());
        let started = timer.now();
        let reads = (0..count).map(|_| {
            let client = client.clone();
            tokio::spawn(async move { read_one_page(&client).await })
        });
        for read in futures::future::join_all(reads).await {
            read.unwrap().unwrap();
        }
        assert_eq!(server.received_requests().await.unwrap().len(), count);
        timer.now() - started
    }

    #[tokio::test]
    async fn the_default_bronze_tier_sends_a_burst_of_25_then_10_reads_a_second() {
        let took = burst_of_reads(basic(), 45).await;
        // 25 at once, the other 20 at 10 a second.
        assert!(
            took >= Duration::from_millis(1_950) && took <= Duration::from_millis(2_100),
            "{took:?}"
        );
    }

    #[tokio::test]
    async fn silver_and_gold_pace_faster_and_the_users_own_limit_replaces_the_tier() {
        let silver = burst_of_reads(basic().rate_tier(RateTier::silver()), 45).await;
        assert!(
            silver >= Duration::from_millis(450) && silver <= Duration::from_millis(600),
            "{silver:?}"
        );
        let gold = burst_of_reads(basic().rate_tier(RateTier::gold()), 45).await;
        assert_eq!(gold, Duration::ZERO, "45 fit in Gold's burst of 50");

        let server = MockServer::start().await;
        mount_empty_audit_log(&server).await;
        let timer = Arc::new(VirtualTimer::starting_at(today()));
        let client = Client::builder()
            .everbridge(basic().base_url(format!("{}/rest", server.uri())))
            .rate_limit(Vendor::Everbridge, RateLimit::per_second(1000.0).burst(100))
            .timer(timer.clone())
            .build()
            .unwrap();
        for _ in 0..45 {
            read_one_page(&client).await.unwrap();
        }
        assert!(timer.sleeps().is_empty(), "no Bronze pacing: {:?}", timer.sleeps());
    }

    #[tokio::test]
    async fn a_429_without_retry_after_is_retried_with_backoff() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(AUDIT_LOG))
            .respond_with(
                ResponseTemplate::new(429).set_body_json(json!({"message": "Too Many Requests"})),
            )
            .up_to_n_times(2)
            .mount(&server)
            .await;
        mount_empty_audit_log(&server).await;
        let client = client_of(&server, basic(), Arc::new(VirtualTimer::starting_at(today())));
        read_one_page(&client).await.unwrap();
        assert_eq!(server.received_requests().await.unwrap().len(), 3);
    }

    #[tokio::test]
    async fn past_the_daily_quota_a_request_is_refused_before_it_is_sent_until_utc_midnight() {
        let server = MockServer::start().await;
        mount_empty_audit_log(&server).await;
        let timer = Arc::new(VirtualTimer::starting_at(today()));
        let client =
            client_of(&server, basic().rate_tier(RateTier::bronze().daily_quota(3)), timer.clone());
        for _ in 0..3 {
            read_one_page(&client).await.unwrap();
        }
        assert_eq!(client.everbridge().daily_quota().unwrap().left(), 0);

        let error = read_one_page(&client).await.unwrap_err();
        let Error::Transport(refused) = &error else { panic!("{error:?}") };
        assert_eq!(refused.kind(), TransportErrorKind::QuotaExhausted);
        let text = error.to_string();
        assert!(text.contains("Bronze") && text.contains("daily quota of 3"), "{text}");
        assert!(text.contains("2026-07-16T00:00:00Z"), "{text}");
        assert!(error.is_retryable(), "worth running again tomorrow");
        assert_eq!(server.received_requests().await.unwrap().len(), 3, "nothing sent");

        timer.sleep(Duration::from_secs(12 * 3600)).await;
        read_one_page(&client).await.unwrap();
        assert_eq!(client.everbridge().daily_quota().unwrap().used(), 1);
    }

    #[tokio::test]
    async fn nine_tenths_into_the_daily_quota_a_warning_says_so_once() {
        let (logged, _guard) = crate::common::logs::warnings();
        let server = MockServer::start().await;
        mount_empty_audit_log(&server).await;
        let timer = Arc::new(VirtualTimer::starting_at(today()));
        let client =
            client_of(&server, basic().rate_tier(RateTier::bronze().daily_quota(20)), timer);
        for sent in 1..=17 {
            read_one_page(&client).await.unwrap();
            assert!(
                crate::common::logs::text(&logged).is_empty(),
                "a warning after {sent} requests"
            );
        }
        read_one_page(&client).await.unwrap();
        let warned = crate::common::logs::text(&logged);
        assert!(warned.contains("18 of Everbridge's Bronze tier's daily quota of 20"), "{warned}");
        assert!(warned.contains("2 are left until 2026-07-16T00:00:00Z"), "{warned}");
        read_one_page(&client).await.unwrap();
        assert_eq!(crate::common::logs::text(&logged), warned, "said once a day");
    }

    #[tokio::test]
    async fn a_backfill_the_days_quota_cannot_even_start_says_so_before_any_request() {
        let server = MockServer::start().await;
        mount_empty_audit_log(&server).await;
        let timer = Arc::new(VirtualTimer::starting_at(today()));
        let client =
            client_of(&server, basic().rate_tier(RateTier::bronze().daily_quota(2)), timer);
        let log = client.everbridge().list_audit_log(
            ReportType::Security,
            utc(2026, 3, 1),
            utc(2026, 6, 1),
        );
        let error = log.items().try_collect::<Vec<_>>().await.unwrap_err();
        let text = error.to_string();
        assert!(text.contains("needs at least 3 requests") && text.contains("only 2"), "{text}");
        assert!(server.received_requests().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_client_on_the_sandboxs_tier_is_never_refused_and_one_that_ignores_it_is() {
        let timer = Arc::new(VirtualTimer::starting_at(today()));
        let sandbox = Sandbox::builder()
            .everbridge_today(today())
            .everbridge_rate_tier(RateTier::bronze())
            .timer(timer.clone())
            .start()
            .await
            .unwrap();
        sandbox.everbridge().clear_entries();
        let seeded = sandbox.everbridge().seed_entries(
            ReportType::Security,
            6_000,
            utc(2026, 3, 1),
            utc(2026, 6, 1),
        );
        let log = |client: &Client| {
            client.everbridge().list_audit_log(
                ReportType::Security,
                utc(2026, 3, 1),
                utc(2026, 6, 1),
            )
        };
        // Every month window read at once still shares one pace.
        let paced = sandbox.client_builder().timer(timer.clone()).build().unwrap();
        let ids: Vec<i64> = log(&paced)
            .concurrency(3)
            .items()
            .map_ok(|e| e.entity_id.unwrap())
            .try_collect()
            .await
            .unwrap();
        assert_eq!(ids, seeded);
        assert_eq!(sandbox.everbridge().requests_refused_by_tier(), 0);

        let unpaced = sandbox
            .client_builder()
            .timer(timer.clone())
            .rate_limit(Vendor::Everbridge, RateLimit::per_second(1000.0).burst(1000))
            .build()
            .unwrap();
        let _ = log(&unpaced).concurrency(3).items().try_collect::<Vec<_>>().await;
        assert!(sandbox.everbridge().requests_refused_by_tier() > 0);
    }
}

mod gateway_timeouts {
    use super::*;

    async fn sandbox_with(count: usize) -> (Sandbox, Vec<i64>) {
        let sandbox = Sandbox::builder().everbridge_today(today()).start().await.unwrap();
        sandbox.everbridge().clear_entries();
        let ids = sandbox.everbridge().seed_entries(
            ReportType::Security,
            count,
            utc(2026, 3, 1),
            utc(2026, 6, 1),
        );
        (sandbox, ids)
    }

    fn client(sandbox: &Sandbox) -> Client {
        sandbox
            .client_builder()
            .timer(Arc::new(VirtualTimer::starting_at(today())))
            .build()
            .unwrap()
    }

    fn three_months(client: &Client) -> ListAuditLog {
        client.everbridge().list_audit_log(ReportType::Security, utc(2026, 3, 1), utc(2026, 6, 1))
    }

    async fn ids(log: ListAuditLog) -> Result<Vec<i64>, Error> {
        log.items().map_ok(|e| e.entity_id.unwrap()).try_collect().await
    }

    fn assert_exactly(streamed: &[i64], seeded: &[i64]) {
        let unique: HashSet<&i64> = streamed.iter().collect();
        assert_eq!(
            (streamed.len(), unique.len()),
            (seeded.len(), seeded.len()),
            "lost or repeated"
        );
        assert!(streamed == seeded, "not in order");
    }

    fn days(n: u64) -> Option<Duration> {
        Some(Duration::from_secs(n * 86_400))
    }

    #[tokio::test]
    async fn a_504_with_a_message_body_is_retried_and_its_message_kept() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(AUDIT_LOG))
            .respond_with(
                ResponseTemplate::new(504)
                    .set_body_json(json!({"message": "Endpoint request timed out"})),
            )
            .mount(&server)
            .await;
        let client = client_of(&server, basic(), Arc::new(VirtualTimer::starting_at(today())));
        let error = read_one_page(&client).await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(504));
        assert!(error.to_string().contains("Endpoint request timed out"), "{error}");
        assert!(server.received_requests().await.unwrap().len() > 1, "retried");
    }

    #[tokio::test]
    async fn months_that_keep_timing_out_are_read_in_halves_without_loss() {
        let (sandbox, seeded) = sandbox_with(9_000).await;
        sandbox.everbridge().set_gateway_timeout_over(days(20));
        assert_exactly(&ids(three_months(&client(&sandbox))).await.unwrap(), &seeded);
        assert!(sandbox.everbridge().gateway_timeouts() >= 3, "each month timed out");
    }

    #[tokio::test]
    async fn halves_that_keep_timing_out_are_read_by_the_day_without_loss() {
        let (sandbox, seeded) = sandbox_with(9_000).await;
        sandbox.everbridge().set_gateway_timeout_over(days(10));
        let streamed = ids(three_months(&client(&sandbox)).prefetch(true)).await.unwrap();
        assert_exactly(&streamed, &seeded);
    }

    #[tokio::test]
    async fn a_continuation_saved_in_a_split_month_resumes_in_the_same_parts() {
        let (sandbox, seeded) = sandbox_with(9_000).await;
        sandbox.everbridge().set_gateway_timeout_over(days(10));
        let mut pages = three_months(&client(&sandbox)).pages();
        let mut first_run = Vec::new();
        let saved = loop {
            let page = pages.try_next().await.unwrap().unwrap();
            first_run.extend(page.items().iter().map(|e| e.entity_id.unwrap()));
            let continuation = page.continuation().unwrap();
            if continuation.window() == 1
                && continuation.part().level() == 2
                && continuation.part().index() > 3
            {
                break serde_json::to_string(continuation).unwrap();
            }
        };
        drop(pages);
        assert!(saved.contains(r#""part":{"level":2"#), "{saved}");

        // Whether the gateway still times out or not, the same parts are read.
        sandbox.everbridge().set_gateway_timeout_over(None);
        let continuation: Continuation = serde_json::from_str(&saved).unwrap();
        let second_run = ids(three_months(&client(&sandbox)).resume(continuation)).await.unwrap();
        assert_exactly(&[first_run, second_run].concat(), &seeded);
    }

    #[tokio::test]
    async fn a_day_that_still_times_out_ends_the_listing_after_month_half_and_day_were_tried() {
        let (sandbox, _) = sandbox_with(900).await;
        sandbox.everbridge().set_gateway_timeout_over(Some(Duration::from_secs(3600)));
        let mut items = three_months(&client(&sandbox)).items();
        let error = items.next().await.unwrap().unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(504), "{error}");
        assert!(items.next().await.is_none());
        // Four attempts each (the default policy) at the month, its first half, its first day.
        assert_eq!(sandbox.everbridge().gateway_timeouts(), 12);
        let opened: Vec<String> = sandbox
            .requests()
            .iter()
            .filter_map(|r| {
                r.query_param("from").map(|f| format!("{f}..{}", r.query_param("to").unwrap()))
            })
            .collect();
        let distinct: Vec<&String> = opened.iter().fold(Vec::new(), |mut seen, range| {
            if !seen.contains(&range) {
                seen.push(range);
            }
            seen
        });
        assert_eq!(
            distinct,
            [
                "2026-03-01T00:00:00..2026-03-31T23:59:59",
                "2026-03-01T00:00:00..2026-03-15T23:59:59",
                "2026-03-01T00:00:00..2026-03-01T23:59:59",
            ]
        );
    }
}
