//! Request slots: a download left unread holds none, and a wait for one ends within the
//! client's timeout with an error that says why.

use super::*;

/// A keep-alive server: `GET /download` answers a chunked body's first chunk and never the
/// rest; anything else answers `{}` at once.
async fn downloads_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buffer = [0u8; 4096];
                while let Ok(n) = socket.read(&mut buffer).await {
                    if n == 0 {
                        return;
                    }
                    if buffer[..n].starts_with(b"GET /download") {
                        let head =
                            "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n4\r\nfile\r\n";
                        let _ = socket.write_all(head.as_bytes()).await;
                        // The rest never comes; the connection stays open until the test ends.
                        std::future::pending::<()>().await;
                    }
                    let answer = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}";
                    if socket.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    url
}

/// Regression (issue "hardening" point 4): as many started-but-unread downloads as
/// `max_in_flight` blocked every later call on that vendor forever, since each held its
/// request slot until its body was read.
#[tokio::test]
async fn downloads_left_unread_do_not_hold_up_other_calls() {
    let url = downloads_server().await;
    let (endpoint, _) =
        timed_endpoint(&url, ErrorBody::GENERIC, Jitter::fixed(0.0), Duration::from_secs(2));
    let mut unread = Vec::new();
    for _ in 0..4 {
        let download = endpoint.request(OP, Method::GET, &["download"]);
        unread.push(endpoint.send_streamed(download).await.unwrap());
    }

    let call = endpoint.send(endpoint.request(OP, Method::GET, &["json"]));
    let answer = tokio::time::timeout(Duration::from_secs(1), call).await;

    let answer = answer.expect("a call waited behind unread downloads").unwrap();
    assert_eq!(&answer.body[..], b"{}");
    drop(unread);
}

/// Regression (issue "hardening" point 4): no timeout covered the wait for a slot; now it
/// counts against the client's timeout and ends in an error that names the cause.
#[tokio::test]
async fn waiting_for_a_place_ends_within_the_timeout_with_an_error_that_says_why() {
    let url = downloads_server().await;
    let timeout = Duration::from_millis(300);
    let (endpoint, _) = timed_endpoint(&url, ErrorBody::GENERIC, Jitter::fixed(0.0), timeout);
    let mut unread = Vec::new();
    for _ in 0..4 {
        let download = endpoint.request(OP, Method::GET, &["download"]);
        unread.push(endpoint.send_streamed(download).await.unwrap());
    }

    #[allow(clippy::disallowed_methods, reason = "the wait is measured in real time")]
    let started = tokio::time::Instant::now();
    let fifth = endpoint.send_streamed(endpoint.request(OP, Method::GET, &["download"])).await;

    let waited = started.elapsed();
    let Err(Error::Transport(error)) = &fifth else { panic!("{fifth:?}") };
    assert_eq!(error.kind(), TransportErrorKind::Timeout);
    assert!(waited >= timeout && waited < timeout * 4, "{waited:?}");
    let text = error.to_string();
    assert!(text.contains("unread downloads") && text.contains("max_in_flight"), "{text}");
    drop(unread);
    let again = endpoint.send_streamed(endpoint.request(OP, Method::GET, &["download"])).await;
    assert!(again.is_ok(), "a place freed by dropping a download is taken again");
}
