//! Bounds whatever the server sends: error texts, and connections per vendor.

use super::*;

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
