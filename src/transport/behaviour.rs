//! The transport end to end against local servers: a vendor protocol that fails 2xx
//! answers, exact retry waits, keyed writes, and where a streamed answer stops retrying.

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use futures::StreamExt;
use reqwest::{Method, StatusCode, header::HeaderMap};
use serde_json::json;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};
use wiremock::{Mock, MockServer, ResponseTemplate, matchers::method};

use super::{
    Endpoint, ErrorBody, ErrorDetails, Protocol, StaticHeader, Transport, TransportSettings,
    Verdict,
};
use crate::{
    Error, IdempotencyKey, Jitter, Operation, RetryPolicy, TransportErrorKind, Vendor,
    retry::RetryHint, timer::VirtualTimer,
};

const OP: Operation = Operation::new(Vendor::Everbridge, "made_up_operation");

/// A made-up vendor that answers HTTP 200 `{"success": false, "message": …}` for failures,
/// and asks for another attempt when the message is `busy`.
#[derive(Debug)]
struct SuccessFlag;

impl Protocol for SuccessFlag {
    fn classify(&self, status: StatusCode, _: &HeaderMap, body: &[u8]) -> Verdict {
        let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        if status.is_success() && value["success"] != false {
            return Verdict::Success;
        }
        let message = value["message"].as_str().map(str::to_owned);
        let hint =
            if message.as_deref() == Some("busy") { RetryHint::Retry } else { RetryHint::Stop };
        let details = ErrorDetails { code: Some("business".into()), message, request_id: None };
        Verdict::Failure { details, hint }
    }
}

fn endpoint(url: &str, protocol: impl Protocol, jitter: Jitter) -> (Endpoint, Arc<VirtualTimer>) {
    let timer = Arc::new(VirtualTimer::new());
    let transport = Transport::new(TransportSettings {
        retry: RetryPolicy::default(),
        timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(5),
        allow_insecure_http: false,
        timer: timer.clone(),
        jitter,
        max_answer_size: 1 << 20,
        max_in_flight: 4,
        rate_limits: Vec::new(),
    })
    .unwrap();
    let endpoint = Endpoint::new(
        Arc::new(transport),
        Vendor::Everbridge,
        url,
        StaticHeader::default(),
        protocol,
    )
    .unwrap();
    (endpoint, timer)
}

fn json_answer(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

#[tokio::test]
async fn a_2xx_answer_becomes_an_error_through_the_vendors_protocol() {
    let server = MockServer::start().await;
    let refusal = json!({"success": false, "message": "Account not enabled", "type": "business"});
    Mock::given(method("GET")).respond_with(json_answer(refusal)).mount(&server).await;
    let (endpoint, _) = endpoint(&server.uri(), SuccessFlag, Jitter::random());

    let request = endpoint.request(OP, Method::GET, &["reports"]);
    let error = endpoint.send(request).await.unwrap_err();

    assert_eq!(error.status(), Some(StatusCode::OK));
    assert_eq!(error.code(), Some("business"));
    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert_eq!(api.message(), Some("Account not enabled"));
    assert!(error.to_string().contains("made_up_operation"), "{error}");
    assert_eq!(server.received_requests().await.unwrap_or_default().len(), 1, "Stop: no retry");
}

#[tokio::test]
async fn a_protocol_can_ask_for_another_attempt_of_an_answer_it_fails() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json_answer(json!({"success": false, "message": "busy"})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(json_answer(json!({"success": true})))
        .mount(&server)
        .await;
    let (endpoint, _) = endpoint(&server.uri(), SuccessFlag, Jitter::random());

    let answer = endpoint.send(endpoint.request(OP, Method::GET, &["x"])).await.unwrap();

    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(server.received_requests().await.unwrap_or_default().len(), 2);
}

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

/// A server that answers its first connection with a 503 and every later one with a 200
/// that announces 1,000 bytes, sends 10 and hangs up. Returns its URL and the number of
/// requests it received.
async fn flaky_download_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&requests);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buffer = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => head.extend_from_slice(&buffer[..read]),
                    }
                }
                let answer: &[u8] = if n == 0 {
                    b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                } else {
                    b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\nconnection: close\r\n\r\n0123456789"
                };
                let _ = socket.write_all(answer).await;
                let _ = socket.flush().await;
            });
        }
    });
    (url, requests)
}

#[tokio::test]
async fn a_streamed_answer_is_retried_before_its_head_and_never_after_its_body_started() {
    let (url, requests) = flaky_download_server().await;
    let (endpoint, timer) = endpoint(&url, ErrorBody::GENERIC, Jitter::fixed(0.0));

    let streamed =
        endpoint.send_streamed(endpoint.request(OP, Method::GET, &["file"])).await.unwrap();
    assert_eq!(streamed.status, StatusCode::OK);
    assert_eq!(timer.sleeps().len(), 1, "the 503 before the head was retried");

    let chunks: Vec<Result<bytes::Bytes, Error>> = streamed.body.collect().await;
    let received: Vec<u8> = chunks.iter().flatten().flat_map(|c| c.to_vec()).collect();
    assert_eq!(received, b"0123456789");
    let Some(Err(Error::Transport(broken))) = chunks.last() else { panic!("{chunks:?}") };
    assert_eq!(broken.kind(), TransportErrorKind::Body);
    assert!(broken.to_string().contains("not repeated"), "{broken}");
    assert_eq!(requests.load(Ordering::SeqCst), 2, "no request after the body started");
}

/// A server that answers every request with an endless chunked body and counts the bytes
/// it managed to send before the client hung up.
async fn endless_body_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&sent);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                let mut buffer = [0u8; 4096];
                let _ = socket.read(&mut buffer).await;
                let head = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n";
                if socket.write_all(head).await.is_err() {
                    return;
                }
                let chunk = format!("10000\r\n{}\r\n", "x".repeat(0x10000));
                // Bounded so a broken client cannot keep this test running: 1 GiB at most.
                for _ in 0..16_384 {
                    if socket.write_all(chunk.as_bytes()).await.is_err() {
                        return;
                    }
                    counter.fetch_add(0x10000, Ordering::SeqCst);
                }
            });
        }
    });
    (url, sent)
}

/// Regression: an endless chunked body reached 2 GB in 6.5 s; only the timeout stopped it.
#[tokio::test]
async fn an_endless_body_stops_at_the_answer_size_limit() {
    let (url, sent) = endless_body_server().await;
    let (endpoint, timer) = endpoint(&url, ErrorBody::GENERIC, Jitter::fixed(0.0));

    let error = endpoint.send(endpoint.request(OP, Method::GET, &["x"])).await.unwrap_err();

    let Error::Transport(too_large) = &error else { panic!("{error:?}") };
    assert_eq!(too_large.kind(), TransportErrorKind::TooLarge);
    assert!(error.to_string().contains("max_answer_size"), "{error}");
    assert!(!error.is_retryable());
    assert!(timer.sleeps().is_empty(), "an oversized answer is not asked for again");
    // The limit is 1 MiB; the client stopped reading within a few chunks of it.
    assert!(sent.load(Ordering::SeqCst) < 16 << 20, "{} bytes sent", sent.load(Ordering::SeqCst));
}

#[tokio::test]
async fn an_announced_oversized_body_is_refused_before_it_is_read() {
    let server = MockServer::start().await;
    let big = vec![b'x'; (1 << 20) + 1];
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(big, "application/json"))
        .mount(&server)
        .await;
    let (endpoint, _) = endpoint(&server.uri(), ErrorBody::GENERIC, Jitter::fixed(0.0));

    let error = endpoint.send(endpoint.request(OP, Method::GET, &["x"])).await.unwrap_err();

    assert!(matches!(&error, Error::Transport(e) if e.kind() == TransportErrorKind::TooLarge));
    assert_eq!(server.received_requests().await.unwrap_or_default().len(), 1);
}

/// Regression: a 50 MB `message` made a 50 MB `Display`.
#[tokio::test]
async fn a_huge_error_message_is_cut_to_an_excerpt() {
    let server = MockServer::start().await;
    let message = "m".repeat(500_000);
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"message": message})))
        .mount(&server)
        .await;
    let (endpoint, _) = endpoint(&server.uri(), ErrorBody::GENERIC, Jitter::fixed(0.0));

    let error = endpoint.send(endpoint.request(OP, Method::GET, &["x"])).await.unwrap_err();

    assert_eq!(error.status(), Some(StatusCode::BAD_REQUEST));
    assert!(error.to_string().len() < 1_000, "{} bytes", error.to_string().len());
}

/// A keep-alive server that answers `{}` after 20 ms, counting the connections it accepted
/// and the most requests it had in hand at once.
async fn counting_server() -> (String, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let (connections, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let busy = Arc::new(AtomicUsize::new(0));
    let (accepted, peak) = (Arc::clone(&connections), Arc::clone(&most));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            accepted.fetch_add(1, Ordering::SeqCst);
            let (busy, peak) = (Arc::clone(&busy), Arc::clone(&peak));
            tokio::spawn(async move {
                let mut buffer = [0u8; 4096];
                while matches!(socket.read(&mut buffer).await, Ok(n) if n > 0) {
                    let now = busy.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    busy.fetch_sub(1, Ordering::SeqCst);
                    let answer = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}";
                    if socket.write_all(answer).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (url, connections, most)
}

/// Regression: 1,000 concurrent streams on one client opened 1,788 TCP connections.
#[tokio::test]
async fn requests_in_flight_per_vendor_are_capped() {
    let (url, connections, most) = counting_server().await;
    let (endpoint, _) = endpoint(&url, ErrorBody::GENERIC, Jitter::fixed(0.0));

    let calls = (0..40).map(|_| endpoint.send(endpoint.request(OP, Method::GET, &["x"])));
    let answers = futures::future::join_all(calls).await;

    assert!(answers.iter().all(Result::is_ok));
    assert!(most.load(Ordering::SeqCst) <= 4, "{} at once", most.load(Ordering::SeqCst));
    assert!(
        connections.load(Ordering::SeqCst) <= 4,
        "{} connections",
        connections.load(Ordering::SeqCst)
    );
}
