//! How much memory one page costs, per vendor: the peak bytes allocated while the client
//! reads the largest pages `max_answer_size` admits (4 MiB here), shaped the ways that
//! decode biggest, from a local server. A counting global allocator measures the whole
//! call: the body as received (4 MiB), its decoding, and the listing around it.
//!
//! ```sh
//! cargo run --release --example page_memory
//! ```
//!
//! A Qualtrics or Reporter page holding more items than were asked for is refused, its
//! items past the page size skipped without being built: the "refused" lines measure that.

use std::{
    alloc::{GlobalAlloc, Layout, System},
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use auditkit::{
    Client, energycap,
    everbridge::{self, ReportType},
    qualtrics, reporter,
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

/// A page body of at most [`CAP`] bytes: `head`, at most `max` items made by `item` (or as
/// many as fit), `tail`.
fn page(head: &str, tail: &str, max: usize, item: impl Fn(usize) -> String) -> Vec<u8> {
    let mut body = String::from(head);
    for index in 0..max {
        let next = item(index);
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

/// One item of `count` tiny unknown fields.
fn unknown_fields(count: usize) -> String {
    let fields: Vec<String> = (0..count).map(|i| format!(r#""f{i}":0"#)).collect();
    format!("{{{}}}", fields.join(","))
}

/// An array of `count` zeros, the smallest values JSON has.
fn zeros(count: usize) -> String {
    format!("[{}]", vec!["0"; count].join(","))
}

#[derive(Clone, Copy, Debug)]
enum Vendor {
    Qualtrics,
    Reporter,
    EnergyCap,
    Everbridge,
}

/// The page shapes measured for `vendor`: a name and a body.
fn shapes(vendor: Vendor) -> Vec<(&'static str, Vec<u8>)> {
    let all = usize::MAX;
    match vendor {
        Vendor::Qualtrics => {
            let (head, tail) = (r#"{"result":{"nextPage":null,"elements":["#, "]}}");
            vec![
                ("empty events, 100 asked (refused)", page(head, tail, all, |_| "{}".into())),
                (
                    "100 events of 40 KiB text",
                    page(head, tail, 100, |_| {
                        format!(r#"{{"id":"e","descriptor":{{"note":"{}"}}}}"#, "x".repeat(40_000))
                    }),
                ),
                (
                    "100 events of unknown fields",
                    page(head, tail, 100, |_| {
                        format!(r#"{{"id":"e","descriptor":{}}}"#, unknown_fields(3_000))
                    }),
                ),
                (
                    "one event holding an array of zeros",
                    page(head, tail, 1, |_| {
                        format!(r#"{{"id":"e","descriptor":{{"tags":{}}}}}"#, zeros(1_900_000))
                    }),
                ),
            ]
        }
        Vendor::Reporter => {
            let (head, tail) = (r#"{"page":1,"limit":100,"total":100,"items":["#, "]}");
            let report = |extra: &str| {
                format!(
                    r#"{{"id":"00000000-0000-4000-8000-000000000001","status":"Finished"{extra}}}"#
                )
            };
            vec![
                ("empty reports, 100 asked (refused)", page(head, tail, all, |_| "{}".into())),
                (
                    "100 reports of 40 KiB text",
                    page(head, tail, 100, |_| {
                        report(&format!(r#","metadata":{{"note":"{}"}}"#, "x".repeat(40_000)))
                    }),
                ),
                (
                    "one report holding an array of zeros",
                    page(head, tail, 1, |_| {
                        report(&format!(r#","metadata":{{"tags":{}}}"#, zeros(1_900_000)))
                    }),
                ),
            ]
        }
        Vendor::EnergyCap => vec![
            (
                "empty logs, none decoding (not paged: all read)",
                page("[", "]", all, |_| "{}".into()),
            ),
            (
                "smallest logs (not paged: all read)",
                page("[", "]", all, |_| r#"{"reportDistributionLogId":1}"#.into()),
            ),
            (
                "one log holding an array of zeros",
                page("[", "]", 1, |_| {
                    format!(r#"{{"reportDistributionLogId":1,"tags":{}}}"#, zeros(1_900_000))
                }),
            ),
        ],
        Vendor::Everbridge => {
            let (head, tail) = (r#"{"scrollId":"s","start":0,"data":["#, "]}");
            vec![
                (
                    "empty entries (1,000 kept, the rest skipped)",
                    page(head, tail, all, |_| "{}".into()),
                ),
                (
                    "1,000 entries of 4 KiB text",
                    page(head, tail, 1_000, |_| {
                        format!(r#"{{"entityInfo":"{}"}}"#, "x".repeat(4000))
                    }),
                ),
                ("entries of 100 unknown fields", page(head, tail, all, |_| unknown_fields(100))),
                ("one entry of unknown fields", page(head, tail, 1, |_| unknown_fields(300_000))),
                (
                    "one entry holding an array of zeros",
                    page(head, tail, 1, |_| format!(r#"{{"tags":{}}}"#, zeros(1_900_000))),
                ),
            ]
        }
    }
}

/// Reads one page of `vendor`'s listing from the server at `url`: the items, or the error.
async fn read_one_page(vendor: Vendor, url: &str) -> Result<usize, Box<dyn std::error::Error>> {
    let builder = Client::builder().max_answer_size(CAP);
    Ok(match vendor {
        Vendor::Qualtrics => {
            let config = qualtrics::Config::new("iad1", qualtrics::Credentials::api_token("t"));
            let client = builder.qualtrics(config.base_url(format!("{url}/API/v3"))).build()?;
            client.qualtrics().list_events_raw("logins").page_size(100).send().await?.len()
        }
        Vendor::Reporter => {
            let config = reporter::Config::new(url, reporter::Credentials::none());
            let client = builder.reporter(config).build()?;
            client.reporter().list_reports().limit(100).send().await?.len()
        }
        Vendor::EnergyCap => {
            let credentials = energycap::Credentials::api_key("k");
            let config = energycap::Config::new(energycap::Host::UsEast, credentials);
            let client = builder.energycap(config.base_url(url)).build()?;
            client.energycap().list_report_distribution_logs().send().await?.len()
        }
        Vendor::Everbridge => {
            let credentials = everbridge::Credentials::basic("user", "password");
            let config = everbridge::Config::new(everbridge::Region::Us, credentials);
            let client = builder.everbridge(config.base_url(format!("{url}/rest"))).build()?;
            let to = Utc::now();
            let log = client.everbridge().list_audit_log(
                ReportType::Security,
                to - Duration::minutes(30),
                to,
            );
            log.send().await?.len()
        }
    })
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
    println!("max_answer_size = {} MiB", CAP >> 20);
    for vendor in [Vendor::Qualtrics, Vendor::Reporter, Vendor::EnergyCap, Vendor::Everbridge] {
        let mut worst = 0.0_f64;
        for (shape, body) in shapes(vendor) {
            let size = body.len();
            let url = serve(Arc::new(body)).await?;
            let baseline = IN_USE.load(Ordering::Relaxed);
            PEAK.store(baseline, Ordering::Relaxed);
            let items = read_one_page(vendor, &url).await.map_err(|error| {
                let text = error.to_string();
                text.chars().take(80).collect::<String>()
            });
            let peak = PEAK.load(Ordering::Relaxed).saturating_sub(baseline);
            let multiple = peak as f64 / CAP as f64;
            worst = worst.max(multiple);
            println!(
                "PEAK {vendor:?} {shape}: body {:.2} MiB, items {items:?}, peak {:.1} MiB = {multiple:.1} x max_answer_size",
                size as f64 / 1048576.0,
                peak as f64 / 1048576.0,
            );
        }
        println!("WORST {vendor:?}: {worst:.1} x max_answer_size");
    }
    Ok(())
}
