//! Issue "hardening" point 5: a slow but steady download completes. A streamed body gets
//! the client's timeout as an idle wait between reads, not as a limit on the whole call;
//! the caller can set an overall deadline of its own.
//!
//! wiremock sends a body at once, so the server here is a few lines of HTTP/1.1 on a
//! `TcpListener` that writes the body in chunks with pauses between them. Real time, kept
//! short: a timeout of 300 ms, each test under 1 s.

use std::time::{Duration, Instant};

use auditkit::{
    Client, Error, TransportErrorKind,
    reporter::{Config, Credentials},
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

const TIMEOUT: Duration = Duration::from_millis(300);
const CHUNK: usize = 1024;

/// A server answering every request with a 200 whose body is `chunks` chunks of 1 KiB,
/// each written after its pause. Returns its URL.
async fn trickling_server(pauses: Vec<Duration>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let pauses = pauses.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buffer = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => head.extend_from_slice(&buffer[..read]),
                    }
                }
                let length = pauses.len() * CHUNK;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/csv\r\ncontent-length: {length}\r\n\
                     content-disposition: attachment; filename=\"r-1.csv\"\r\n\
                     connection: close\r\n\r\n"
                );
                if socket.write_all(answer.as_bytes()).await.is_err() {
                    return;
                }
                for pause in pauses {
                    tokio::time::sleep(pause).await;
                    if socket.write_all(&[b'x'; CHUNK]).await.is_err() {
                        return;
                    }
                    let _ = socket.flush().await;
                }
            });
        }
    });
    url
}

fn client(url: &str) -> Client {
    Client::builder()
        .reporter(Config::new(url, Credentials::none()))
        .timeout(TIMEOUT)
        .build()
        .unwrap()
}

fn assert_timeout(error: &Error, says: &str) {
    let Error::Transport(transport) = error else { panic!("{error:?}") };
    assert_eq!(transport.kind(), TransportErrorKind::Timeout, "{error}");
    assert!(error.is_timeout());
    assert!(error.to_string().contains(says), "{error}");
}

/// Regression: reqwest's whole-request timeout cut a body that took longer than the
/// timeout in total, however steadily it came (a 2 MiB file at 1 MiB/s with a 1 s
/// timeout). Here 8 chunks, one every 100 ms: 800 ms in all against a timeout of 300 ms.
#[tokio::test]
async fn a_body_slower_than_the_timeout_in_total_but_steady_completes() {
    let url = trickling_server(vec![Duration::from_millis(100); 8]).await;
    let started = Instant::now();
    let download = client(&url).reporter().download_report("r-1").send().await.unwrap();
    let file = download.bytes(1 << 20).await.unwrap();
    assert_eq!(file.len(), 8 * CHUNK);
    assert!(started.elapsed() > TIMEOUT * 2, "the body took {:?}", started.elapsed());
}

/// A body that stops mid-way for longer than the timeout ends with a timeout error that
/// names the idle wait, soon after the timeout, not when the server resumes.
#[tokio::test]
async fn a_body_that_stalls_longer_than_the_timeout_fails_naming_the_idle_wait() {
    let pauses = vec![Duration::ZERO, Duration::ZERO, Duration::from_secs(3), Duration::ZERO];
    let url = trickling_server(pauses).await;
    let started = Instant::now();
    let download = client(&url).reporter().download_report("r-1").send().await.unwrap();
    let error = download.bytes(1 << 20).await.unwrap_err();
    assert_timeout(&error, "no byte of the answer's body arrived for 300ms");
    let took = started.elapsed();
    assert!(took >= TIMEOUT && took < Duration::from_secs(2), "failed after {took:?}");
}

/// The caller's deadline covers the whole download: a steady body that would take 2 s is
/// cut at the deadline of 500 ms, with an error naming it.
#[tokio::test]
async fn the_callers_deadline_cuts_a_steady_body() {
    let url = trickling_server(vec![Duration::from_millis(100); 20]).await;
    let started = Instant::now();
    let download = client(&url)
        .reporter()
        .download_report("r-1")
        .deadline(Duration::from_millis(500))
        .send()
        .await
        .unwrap();
    let error = download.bytes(1 << 20).await.unwrap_err();
    assert_timeout(&error, "deadline of 500ms");
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(500) && took < Duration::from_millis(1500), "{took:?}");
}

/// A deadline shorter than the wait for the head ends `send()` itself, with the same error.
#[tokio::test]
async fn a_deadline_that_passes_before_the_head_ends_send() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    // Accepts and never answers.
    let _held = tokio::spawn(async move {
        let mut sockets = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            sockets.push(socket);
        }
    });
    let started = Instant::now();
    let error = client(&url)
        .reporter()
        .download_report("r-1")
        .deadline(Duration::from_millis(100))
        .send()
        .await
        .unwrap_err();
    assert_timeout(&error, "deadline of 100ms");
    assert!(started.elapsed() < TIMEOUT * 2, "{:?}", started.elapsed());
}
