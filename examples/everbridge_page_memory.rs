//! How much memory one Everbridge page costs: the peak bytes allocated while the client
//! reads the largest pages `max_answer_size` admits (4 MiB here), shaped the ways that
//! decode biggest, from a local server. A counting global allocator measures the whole
//! call: the body as received (4 MiB), its decoding, and the listing around it.
//!
//! ```sh
//! cargo run --release --example everbridge_page_memory
//! ```

use std::{
    alloc::{GlobalAlloc, Layout, System},
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use auditkit::{
    Client,
    everbridge::{self, ReportType},
};
use chrono::{Duration, Utc};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

/// The system allocator, counting the bytes in use and their peak.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; only counters move.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is the system allocator's.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.dealloc(pointer, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const CAP: usize = 4 << 20;

/// A page body of at most [`CAP`] bytes: at most `max` entries, each made by `entry`, or
/// as many as fit.
fn page(max: usize, entry: impl Fn(usize) -> String) -> Vec<u8> {
    let (head, tail) = (r#"{"scrollId":"s","start":0,"data":["#, "]}");
    let mut body = String::from(head);
    for index in 0..max {
        let next = entry(index);
        if body.len() + next.len() + 1 + tail.len() + 256 > CAP {
            break;
        }
        if index > 0 {
            body.push(',');
        }
        body.push_str(&next);
    }
    body.push_str(tail);
    body.into_bytes()
}

/// One entry of `count` tiny unknown fields.
fn unknown_fields(count: usize) -> String {
    let fields: Vec<String> = (0..count).map(|i| format!(r#""f{i}":0"#)).collect();
    format!("{{{}}}", fields.join(","))
}

/// Serves `body` to every request, as HTTP/1.1 with a length.
async fn serve(body: Arc<Vec<u8>>) -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let body = Arc::clone(&body);
            tokio::spawn(async move {
                let mut request = [0_u8; 4096];
                let _ = stream.read(&mut request).await;
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&body).await;
            });
        }
    });
    Ok(url)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let shapes: Vec<(&str, Vec<u8>)> = vec![
        ("empty entries (1,000 kept, the rest skipped)", page(usize::MAX, |_| "{}".to_owned())),
        (
            "1,000 entries of 4 KiB text",
            page(1_000, |_| format!(r#"{{"entityInfo":"{}"}}"#, "x".repeat(4000))),
        ),
        ("entries of 100 unknown fields", page(usize::MAX, |_| unknown_fields(100))),
        ("one entry of unknown fields", page(1, |_| unknown_fields(300_000))),
        ("one entry holding an array of numbers", {
            let numbers = vec!["0"; 1_900_000].join(",");
            page(1, |_| format!(r#"{{"tags":[{numbers}]}}"#))
        }),
    ];
    let to = Utc::now();
    let from = to - Duration::minutes(30);
    println!("max_answer_size = {} MiB", CAP >> 20);
    for (shape, body) in shapes {
        let size = body.len();
        let url = serve(Arc::new(body)).await?;
        let client = Client::builder()
            .everbridge(
                everbridge::Config::new(
                    everbridge::Region::Us,
                    everbridge::Credentials::basic("user", "password"),
                )
                .base_url(format!("{url}/rest")),
            )
            .max_answer_size(CAP)
            .build()?;
        let log = client.everbridge().list_audit_log(ReportType::Security, from, to);
        let baseline = IN_USE.load(Ordering::Relaxed);
        PEAK.store(baseline, Ordering::Relaxed);
        let page = log.send().await;
        let peak = PEAK.load(Ordering::Relaxed).saturating_sub(baseline);
        let entries = page.as_ref().map(|page| page.len()).map_err(ToString::to_string);
        println!(
            "PEAK {shape}: body {:.2} MiB, {entries:?} entries, peak {:.1} MiB = {:.1} x max_answer_size",
            size as f64 / 1048576.0,
            peak as f64 / 1048576.0,
            peak as f64 / CAP as f64,
        );
    }
    Ok(())
}
