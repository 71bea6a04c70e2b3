//! What the benches share: a server on 127.0.0.1 that answers from pre-rendered bodies (so
//! the server's own work is not what is measured), and a side-by-side timer that prints the
//! ratio of two ways of doing the same work.
#![allow(dead_code)]

pub mod qualtrics_logins;

use std::{
    collections::HashMap,
    future::Future,
    sync::Arc,
    time::{Duration, Instant},
};

use bytes::Bytes;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

/// Serves `GET` requests from a map of path-and-query to body, over keep-alive HTTP/1.1,
/// optionally after a fixed latency. Unknown targets get a 404.
pub struct Prerendered {
    pub url: String,
}

impl Prerendered {
    /// Starts serving what `render` makes of the server's own URL (pages link to it), each
    /// body found by its whole request target (path and query).
    pub async fn start(
        latency: Duration,
        render: impl FnOnce(&str) -> HashMap<String, Vec<u8>>,
    ) -> Self {
        Self::routed(latency, str::to_owned, render).await
    }

    /// The same, each body found by `route(target)`.
    pub async fn routed(
        latency: Duration,
        route: fn(&str) -> String,
        render: impl FnOnce(&str) -> HashMap<String, Vec<u8>>,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a local port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        // Shared, not copied, by each answer.
        let bodies: HashMap<String, Bytes> =
            render(&url).into_iter().map(|(target, body)| (target, Bytes::from(body))).collect();
        Self::listening(listener, url, latency, move |target| bodies.get(&route(target)).cloned())
    }

    /// The same, each body made by `body(target)` when asked (`None`: a 404): for more
    /// pages than fit in memory, each copied from a template with a few fields patched.
    pub async fn rendering(
        latency: Duration,
        body: impl Fn(&str) -> Option<Bytes> + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a local port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        Self::listening(listener, url, latency, body)
    }

    fn listening(
        listener: TcpListener,
        url: String,
        latency: Duration,
        body: impl Fn(&str) -> Option<Bytes> + Send + Sync + 'static,
    ) -> Self {
        let body: Body = Arc::new(body);
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                // Small answers would otherwise wait for the client's delayed ACK.
                let _ = socket.set_nodelay(true);
                tokio::spawn(serve(socket, Arc::clone(&body), latency));
            }
        });
        Self { url }
    }
}

/// The body for a request target (`None`: a 404).
type Body = Arc<dyn Fn(&str) -> Option<Bytes> + Send + Sync>;

/// The value of query parameter `name` in a request target, as sent.
pub fn query_value<'a>(target: &'a str, name: &str) -> Option<&'a str> {
    let query = target.split_once('?')?.1;
    query.split('&').find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

async fn serve(mut socket: tokio::net::TcpStream, body: Body, latency: Duration) {
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        let end = loop {
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
        buffer.drain(..end);
        let target = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        let found = body(&target);
        let (status, body) = match &found {
            Some(body) => ("200 OK", &body[..]),
            None => ("404 Not Found", &b"{}"[..]),
        };
        let mut answer = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        answer.extend_from_slice(body);
        if socket.write_all(&answer).await.is_err() {
            return;
        }
    }
}

/// Times `ours` and `baseline` alternately, `rounds` times each, and prints the median of
/// each and their ratio. Returns the ratio `ours / baseline`.
pub fn ratio<A, B, FA, FB>(
    label: &str,
    runtime: &tokio::runtime::Runtime,
    rounds: usize,
    mut ours: A,
    mut baseline: B,
) -> f64
where
    A: FnMut() -> FA,
    B: FnMut() -> FB,
    FA: Future<Output = ()>,
    FB: Future<Output = ()>,
{
    let mut ours_times = Vec::with_capacity(rounds);
    let mut baseline_times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let started = Instant::now();
        runtime.block_on(baseline());
        baseline_times.push(started.elapsed());
        let started = Instant::now();
        runtime.block_on(ours());
        ours_times.push(started.elapsed());
    }
    let (ours, baseline) = (median(&mut ours_times), median(&mut baseline_times));
    let ratio = ours.as_secs_f64() / baseline.as_secs_f64();
    println!(
        "RATIO {label}: {ratio:.3} (auditkit {:.2} ms / baseline {:.2} ms, medians of {rounds})",
        ours.as_secs_f64() * 1e3,
        baseline.as_secs_f64() * 1e3
    );
    ratio
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}
