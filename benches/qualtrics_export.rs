//! Streaming a bulk audit export's file, the SDK against a hand-written loop: a generated
//! 1 GiB NDJSON file of login events, served from disk by a local server, read by
//! `download_audit_export(..).events::<T>()` and by reqwest plus serde_json, line by line,
//! into the same plain structs. Prints `RATIO` (the SDK's time over the baseline's) and
//! `PEAK RSS` (this process's peak resident memory, server and both readers included).
//!
//! ```sh
//! cargo bench --bench qualtrics_export
//! AUDITKIT_EXPORT_BYTES=100000000 cargo bench --bench qualtrics_export   # a smaller file
//! ```
//!
//! The file is written once under the target directory (`bench-data/`) and reused; it is
//! never part of the repository.

mod common;

use std::{
    io::{BufWriter, Write},
    path::{Path, PathBuf},
    sync::Arc,
};

use auditkit::{Client, qualtrics};
use bytes::{Buf, BytesMut};
use criterion::{Criterion, criterion_group, criterion_main};
use futures::{StreamExt, TryStreamExt};
use serde::Deserialize;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

const FILE_PATH: &str = "/API/v3/audit-exports/AE_1/files/F_1";

/// A login event of an export, as plain structs: the fields a caller would keep.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
struct ExportEvent {
    id: String,
    timestamp: String,
    datacenter: Option<String>,
    source: Option<String>,
    descriptor: Descriptor,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    user_id: Option<String>,
    username: Option<String>,
    brand_id: Option<String>,
    is_successful: Option<bool>,
    ip_address: Option<String>,
    product: Option<String>,
}

fn line(n: u64) -> String {
    format!(
        concat!(
            r#"{{"id":"0ce7eda1-f815-4320-8fa7-{:012}","timestamp":"2026-11-13T19:13:40.793Z","#,
            r#""datacenter":"ST3","source":"login5-app.g1-iad.qops.net","eventName":"logins","#,
            r#""descriptor":{{"userId":"UR_cVcNH0elQesua8J","username":"user{}@example.com","#,
            r#""brandId":"apidocs","isSuccessful":true,"product":"ControlPanel","#,
            r#""ipAddress":"192.0.2.31","location":{{"countryCode":"US","city":"Hoboken"}},"#,
            r#""authentication":{{"method":"BASIC","methodVersion":null}}}}}}"#,
            "\n"
        ),
        n,
        n % 977
    )
}

/// The export file of at least `bytes` bytes, written under the target directory unless
/// one of that size is there already.
fn export_file(bytes: u64) -> PathBuf {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("target"), PathBuf::from);
    let dir = target.join("bench-data");
    let path = dir.join(format!("qualtrics-export-{bytes}.ndjson"));
    if std::fs::metadata(&path).is_ok_and(|meta| meta.len() >= bytes) {
        return path;
    }
    std::fs::create_dir_all(&dir).expect("a bench-data directory");
    let partial = path.with_extension("part");
    let mut out = BufWriter::new(std::fs::File::create(&partial).expect("a file"));
    let (mut written, mut n) = (0_u64, 0_u64);
    while written < bytes {
        let line = line(n);
        out.write_all(line.as_bytes()).expect("written");
        written += line.len() as u64;
        n += 1;
    }
    out.flush().expect("flushed");
    std::fs::rename(&partial, &path).expect("renamed");
    path
}

/// Serves the file at `path` to every request, read from disk in 64 KiB chunks.
async fn serve(path: Arc<Path>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a local port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let path = Arc::clone(&path);
            tokio::spawn(async move {
                let mut head = vec![0_u8; 4096];
                let _ = socket.read(&mut head).await;
                let Ok(mut file) = tokio::fs::File::open(&*path).await else { return };
                let length = file.metadata().await.map(|meta| meta.len()).unwrap_or(0);
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/x-ndjson\r\ncontent-length: {length}\r\nconnection: close\r\n\r\n"
                );
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let mut chunk = vec![0_u8; 64 * 1024];
                while let Ok(read) = file.read(&mut chunk).await {
                    if read == 0 || socket.write_all(&chunk[..read]).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    url
}

/// The SDK: the export's events, one at a time.
async fn with_auditkit(client: &Client) -> u64 {
    let export: qualtrics::AuditExport =
        serde_json::from_str(r#"{"id":"AE_1","status":"complete","fileId":"F_1"}"#).expect("json");
    let mut events = client.qualtrics().download_audit_export(&export).events::<ExportEvent>();
    let mut count = 0_u64;
    while let Some(event) = events.try_next().await.expect("an event") {
        count += u64::from(!event.id.is_empty());
    }
    count
}

/// The baseline: reqwest's byte stream, split into lines, each decoded by serde_json.
async fn by_hand(http: &reqwest::Client, url: &str) -> u64 {
    let answer = http.get(format!("{url}{FILE_PATH}")).send().await.expect("an answer");
    let mut body = answer.error_for_status().expect("a 200").bytes_stream();
    let mut buffer = BytesMut::new();
    let mut count = 0_u64;
    let mut decode = |line: &[u8]| {
        if !line.trim_ascii().is_empty() {
            let event: ExportEvent = serde_json::from_slice(line).expect("an event");
            count += u64::from(!event.id.is_empty());
        }
    };
    while let Some(chunk) = body.next().await {
        buffer.extend_from_slice(&chunk.expect("a chunk"));
        while let Some(at) = buffer.iter().position(|byte| *byte == b'\n') {
            decode(&buffer[..at]);
            buffer.advance(at + 1);
        }
    }
    decode(&buffer);
    count
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

fn bench(c: &mut Criterion) {
    let bytes =
        std::env::var("AUDITKIT_EXPORT_BYTES").ok().and_then(|b| b.parse().ok()).unwrap_or(1 << 30);
    let path = export_file(bytes);
    let size = std::fs::metadata(&path).map(|meta| meta.len()).unwrap_or(0);
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let url = runtime.block_on(serve(Arc::from(path.as_path())));
    let client = Client::builder()
        .qualtrics(
            qualtrics::Config::new("local", qualtrics::Credentials::api_token("t"))
                .base_url(format!("{url}/API/v3")),
        )
        .build()
        .expect("a client");
    let http = reqwest::Client::new();
    let (ours, theirs) =
        runtime.block_on(async { (with_auditkit(&client).await, by_hand(&http, &url).await) });
    assert_eq!(ours, theirs, "both read every event");
    println!("{} events, {:.2} GiB", ours, size as f64 / f64::from(1 << 30));
    let label = "Qualtrics export events(), NDJSON file read as it arrives";
    let ours = || async {
        with_auditkit(&client).await;
    };
    let baseline = || async {
        by_hand(&http, &url).await;
    };
    common::ratio(label, &runtime, 3, ours, baseline);
    println!(
        "PEAK RSS: {:.1} MiB (server, both readers and the bench)",
        peak_rss_kib() as f64 / 1024.0
    );

    let mut group = c.benchmark_group("qualtrics_export");
    group.sample_size(10);
    group.bench_function("auditkit events()", |b| {
        b.to_async(&runtime).iter(|| with_auditkit(&client))
    });
    group.bench_function("baseline reqwest + serde_json", |b| {
        b.to_async(&runtime).iter(|| by_hand(&http, &url))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
