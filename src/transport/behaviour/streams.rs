//! Streamed answers: retried before their head only, stopped at the size limit.

use super::*;

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
