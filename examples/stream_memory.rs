//! How much memory a long listing takes: streams N Qualtrics login events (default
//! 1,000,000) from a local server in a child process (this same program, run with
//! `--serve`) that renders each page of 1,000 on demand, then prints the client's peak
//! resident memory, which the server's does not inflate.
//!
//! ```sh
//! cargo run --release --example stream_memory -- 100000
//! cargo run --release --example stream_memory -- 1000000
//! ```
//!
//! A listing holds one page at a time (two with prefetch), so the peak should not grow
//! with N. Linux only (it reads `VmHWM` from `/proc/self/status`).

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::Instant,
};

use auditkit::{Client, qualtrics};
use futures::TryStreamExt;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

const PER_PAGE: usize = 1000;
const TOKEN: &str = "memory-token";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, events] = &arguments[..]
        && flag == "--serve"
    {
        return run_server(events.parse()?).await;
    }
    let events: usize = arguments.first().map(|n| n.parse()).transpose()?.unwrap_or(1_000_000);
    let mut server = ServerProcess(
        Command::new(std::env::current_exe()?)
            .args(["--serve", &events.to_string()])
            .stdout(Stdio::piped())
            .spawn()?,
    );
    let mut url = String::new();
    if let Some(stdout) = server.0.stdout.take() {
        BufReader::new(stdout).read_line(&mut url)?;
    }
    let url = url.trim().to_owned();

    let client = Client::builder()
        .qualtrics(
            qualtrics::Config::new("local", qualtrics::Credentials::api_token(TOKEN))
                .base_url(format!("{url}/API/v3")),
        )
        .build()?;
    let before = peak_rss_kib();
    let started = Instant::now();
    let mut listing = client
        .qualtrics()
        .list_events::<qualtrics::Logins>()
        .page_size(1000)
        .prefetch(true)
        .items();
    let mut count = 0usize;
    while let Some(event) = listing.try_next().await? {
        count += usize::from(!event.id.is_empty());
    }
    println!(
        "streamed {count} events in {:.1} s; peak RSS {:.1} MiB (before streaming: {:.1} MiB)",
        started.elapsed().as_secs_f64(),
        peak_rss_kib() as f64 / 1024.0,
        before as f64 / 1024.0,
    );
    Ok(())
}

/// The child process serving the events, stopped however `main` ends.
struct ServerProcess(std::process::Child);

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The server's side: listens on an ephemeral port, prints its URL, serves until killed.
async fn run_server(events: usize) -> Result<(), Box<dyn std::error::Error>> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    println!("{url}");
    let pages = events.div_ceil(PER_PAGE);
    while let Ok((socket, _)) = listener.accept().await {
        tokio::spawn(serve(socket, url.clone(), pages));
    }
    Ok(())
}

/// Answers `GET /API/v3/logs…&skipToken=pN` with page N, rendered now.
async fn serve(mut socket: TcpStream, url: String, pages: usize) {
    let mut buffer = Vec::new();
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
        let page = target
            .split("skipToken=p")
            .nth(1)
            .and_then(|n| n.split('&').next()?.parse::<usize>().ok())
            .unwrap_or(0);
        let body = render(&url, page, pages);
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        if socket.write_all(head.as_bytes()).await.is_err()
            || socket.write_all(&body).await.is_err()
        {
            return;
        }
    }
}

fn render(url: &str, page: usize, pages: usize) -> Vec<u8> {
    let elements: Vec<_> = (0..PER_PAGE)
        .map(|i| {
            serde_json::json!({
                "id": format!("evt-{page:06}-{i:04}"),
                "timestamp": "2026-11-13T19:13:40.793Z",
                "datacenter": "ST3",
                "source": "login5-app.g1-iad.qops.net",
                "descriptor": {
                    "userId": "UR_cVcNH0elQesua8J", "username": "example@example.com",
                    "brandId": "apidocs", "isSuccessful": true, "product": "ControlPanel",
                    "ipAddress": "192.0.2.31",
                    "location": {"countryCode": "US", "city": "Hoboken"},
                    "authentication": {"method": "BASIC"}
                }
            })
        })
        .collect();
    let next = (page + 1 < pages).then(|| {
        format!("{url}/API/v3/logs?activityType=logins&pageSize=1000&skipToken=p{}", page + 1)
    });
    let body = serde_json::json!({"result": {"elements": elements, "nextPage": next}, "meta": {"requestId": "r"}});
    serde_json::to_vec(&body).unwrap_or_default()
}

/// The peak resident set size (`VmHWM`) in KiB, or 0 where `/proc` has none.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}
