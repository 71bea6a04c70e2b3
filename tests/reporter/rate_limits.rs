//! Point 6 of "vendors-2026": Reporter's rate-limit headers are read, exposed per window,
//! and used to pace: a client that has used its window waits for the reset instead of
//! collecting 429s.

use auditkit::reporter::RateTier;

use super::*;

const MINUTE: Duration = Duration::from_secs(60);

/// A sandbox with Reporter's rate limiter on (`reads` per minute), on a virtual clock
/// shared with its client.
async fn limited(reads: u32) -> (Sandbox, Client, Arc<VirtualTimer>) {
    let timer = Arc::new(VirtualTimer::new());
    let sandbox = Sandbox::builder()
        .timer(timer.clone())
        .reporter_rate_limits(reads, 10, 50, MINUTE)
        .start()
        .await
        .unwrap();
    let client = sandbox.client_builder().jitter(Jitter::fixed(0.5)).build().unwrap();
    (sandbox, client, timer)
}

#[tokio::test]
async fn a_client_that_used_its_window_waits_for_the_reset_instead_of_collecting_429s() {
    let (sandbox, client, timer) = limited(3).await;

    for _ in 0..7 {
        client.reporter().list_templates().send().await.unwrap();
    }

    assert_eq!(sandbox.requests().len(), 7, "no request was refused and repeated");
    assert_eq!(timer.sleeps(), [MINUTE, MINUTE], "one wait per used-up window");
    let reads = client.reporter().rate_limit(RateTier::Reads).unwrap();
    assert_eq!((reads.limit(), reads.remaining()), (3, 2));
    assert_eq!(reads.reset_after(), MINUTE);
}

#[tokio::test]
async fn each_window_is_paced_on_its_own() {
    let (_sandbox, client, timer) = limited(2).await;
    for _ in 0..2 {
        client.reporter().list_templates().send().await.unwrap();
    }

    // Reads are used up; a write is in another window and goes at once.
    generated(&client, ReporterSandbox::CSV_TEMPLATE).await;

    assert!(timer.sleeps().is_empty(), "{:?}", timer.sleeps());
    let writes = client.reporter().rate_limit(RateTier::Writes).unwrap();
    assert_eq!((writes.limit(), writes.remaining()), (50, 49));
    assert_eq!(client.reporter().rate_limit(RateTier::Reads).map(|r| r.remaining()), Some(0));
    assert_eq!(client.reporter().rate_limit(RateTier::Downloads), None, "not used yet");
}

#[tokio::test]
async fn the_headers_of_a_successful_answer_are_exposed_per_window() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"items": [], "page": 1, "limit": 10, "total": 0}))
                .insert_header("x-ratelimit-limit", "100")
                .insert_header("x-ratelimit-remaining", "42")
                .insert_header("x-ratelimit-reset", "17"),
        )
        .mount(&server)
        .await;
    let client = mock_client(&server);
    assert_eq!(client.reporter().rate_limit(RateTier::Reads), None);

    client.reporter().list_reports().send().await.unwrap();

    let reads = client.reporter().rate_limit(RateTier::Reads).unwrap();
    assert_eq!((reads.limit(), reads.remaining()), (100, 42));
    assert_eq!(reads.reset_after(), Duration::from_secs(17));
}

#[tokio::test]
async fn retry_after_is_the_seconds_left_in_the_window_and_is_waited_once() {
    let (sandbox, client, timer) = limited(100).await;
    // Another client used the window up 45 s ago: 15 s are left.
    let limited_for_15s = Fault::status(429)
        .body(json!({"code": "TPL-0429", "title": "Too Many Requests", "message": "Rate limit exceeded"}))
        .retry_after("15");
    sandbox.inject(limited_for_15s.path("/reporter/manager/v1/templates"));

    client.reporter().list_templates().send().await.unwrap();

    assert_eq!(timer.sleeps(), [Duration::from_secs(15)]);
    assert_eq!(sandbox.requests().len(), 2);
}
