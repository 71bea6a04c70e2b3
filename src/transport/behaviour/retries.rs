//! Exact retry waits with an injected jitter, and keyed writes retried with their key.

use super::*;

#[tokio::test]
async fn retries_wait_exactly_the_backoff_with_an_injected_jitter() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(3)
        .mount(&server)
        .await;
    Mock::given(method("GET")).respond_with(json_answer(json!({}))).mount(&server).await;
    let (endpoint, timer) = endpoint(&server.uri(), ErrorBody::GENERIC, Jitter::fixed(0.5));

    endpoint.send(endpoint.request(OP, Method::GET, &["x"])).await.unwrap();

    // Full jitter at 0.5 of 250 ms, 500 ms, 1 s.
    let expected = [125, 250, 500].map(Duration::from_millis);
    assert_eq!(timer.sleeps(), expected);
}

#[tokio::test]
async fn a_keyed_post_is_retried_with_its_key_and_an_unkeyed_one_is_not() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).respond_with(json_answer(json!({}))).mount(&server).await;
    let (endpoint, _) = endpoint(&server.uri(), ErrorBody::GENERIC, Jitter::fixed(0.0));
    let header = reqwest::header::HeaderName::from_static("x-idempotency");
    let key = IdempotencyKey::new("key-1").unwrap();

    let keyed = endpoint.request(OP, Method::POST, &["reports"]).idempotency_key(header, &key);
    endpoint.send(keyed).await.unwrap();
    let sent = server.received_requests().await.unwrap_or_default();
    let keys: Vec<_> = sent.iter().map(|r| r.headers.get("x-idempotency").cloned()).collect();
    assert_eq!(keys.len(), 2);
    assert!(keys.iter().all(|k| k.as_ref().and_then(|v| v.to_str().ok()) == Some("key-1")));

    server.reset().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let error = endpoint.send(endpoint.request(OP, Method::POST, &["reports"])).await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(server.received_requests().await.unwrap_or_default().len(), 1);
}
