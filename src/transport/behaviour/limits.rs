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

/// The bound every error text keeps (issue "hardening" point 1): 2 KiB.
const BOUND: usize = 2048;

fn assert_bounded(error: &Error, starts: &str, ends: &str) {
    for (how, text) in [("Display", error.to_string()), ("Debug", format!("{error:?}"))] {
        assert!(text.len() <= BOUND, "{how} is {} bytes: {}", text.len(), &text[..200]);
        assert!(text.contains("bytes cut]"), "{how} was not shortened: {text}");
        if how == "Display" {
            assert!(text.starts_with(starts), "{how} lost its start: {text}");
            assert!(text.ends_with(ends), "{how} lost its end: {text}");
        }
    }
    let alternate = format!("{error:#?}");
    assert!(alternate.len() <= BOUND, "{{:#?}} is {} bytes", alternate.len());
}

/// A server's long URL path, header values, code and message all stay out of the error's
/// length: a 404 keeps its start, its path's ends and its next step within 2 KiB.
#[tokio::test]
async fn an_api_error_with_huge_path_header_code_and_message_stays_short() {
    let server = MockServer::start().await;
    let huge = "c".repeat(300_000);
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("x-request-id", "r".repeat(30_000).as_str())
                .set_body_json(json!({ "code": huge, "message": huge, "requestId": huge })),
        )
        .mount(&server)
        .await;
    let (endpoint, _) = endpoint(&server.uri(), ErrorBody::GENERIC, Jitter::fixed(0.0));
    let id = "i".repeat(20_000);
    let request =
        endpoint.request(OP, Method::GET, &["items", &id]).query("skipToken", "t".repeat(30_000));

    let error = endpoint.send(request).await.unwrap_err();

    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert!(api.path().is_some_and(|path| path.starts_with("/items/iii") && path.len() <= 512));
    assert_bounded(
        &error,
        "Everbridge made_up_operation failed with HTTP 404 Not Found at /items/",
        "the vendor has nothing at this path",
    );
}

/// reqwest quotes the whole URL in its errors: a 60 KB skip token made a 60 KB error, and
/// a URL too long for the HTTP library a 70 KB one.
#[tokio::test]
async fn a_transport_error_quoting_a_huge_url_stays_short() {
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let (endpoint, _) = endpoint(&url, ErrorBody::GENERIC, Jitter::fixed(0.0));
    for token_len in [60_000, 70_000] {
        let request =
            endpoint.request(OP, Method::GET, &["logs"]).query("skipToken", "t".repeat(token_len));

        let error = endpoint.send(request).await.unwrap_err();

        assert!(matches!(error, Error::Transport(_)), "{error:?}");
        assert_bounded(&error, "Everbridge made_up_operation ", "");
        // A cause chain printed link by link (anyhow's `{:?}`) is bounded too.
        let mut cause = std::error::Error::source(&error);
        while let Some(link) = cause {
            assert!(link.to_string().len() <= BOUND, "a cause of {} bytes", link.to_string().len());
            cause = link.source();
        }
    }
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

/// Issue "hardening" point 12: with `max_in_flight(n)`, 1,000 concurrent calls on one
/// client open at most n TCP connections, on a multi-threaded runtime too (a buffered call
/// gives its slot back only once its body is read, so its connection is free for the next).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_calls_open_no_more_connections_than_slots() {
    let (url, connections, most) = counting_server().await;
    // 1,000 calls of 20 ms through 4 slots take 5 s: the wait for a slot counts against the
    // timeout, so the timeout must be longer.
    let timeout = Duration::from_secs(60);
    let (endpoint, _) = timed_endpoint(&url, ErrorBody::GENERIC, Jitter::fixed(0.0), timeout);

    let calls = (0..1_000).map(|_| {
        let endpoint = endpoint.clone();
        tokio::spawn(async move { endpoint.send(endpoint.request(OP, Method::GET, &["x"])).await })
    });
    let answers = futures::future::join_all(calls).await;

    assert!(answers.iter().all(|answer| answer.as_ref().is_ok_and(Result::is_ok)));
    assert!(most.load(Ordering::SeqCst) <= 4, "{} at once", most.load(Ordering::SeqCst));
    let opened = connections.load(Ordering::SeqCst);
    assert!(opened <= 4, "{opened} connections for 4 slots");
}
