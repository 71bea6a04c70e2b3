//! The SDK against a hand-written loop, on Qualtrics' audit events: the cost of `items()` and
//! `pages()` over 100,000 login events, what prefetch buys when the server and the caller
//! are equally slow, and typed decoding against `serde_json::Value`.
//!
//! ```sh
//! cargo bench --bench qualtrics
//! ```
//!
//! Every comparison runs in this process against the same local server, which answers from
//! pre-rendered pages so that its own work is not what is measured. Each prints a line
//! `RATIO <what>: <auditkit / baseline>`; criterion's report follows.
//!
//! The baseline is what a careful engineer would write by hand: reqwest, then serde_json
//! into plain structs with the same fields as the SDK's models (no JSON-path tracking, no
//! retries, no spans), following `nextPage`.

mod common;

use std::{collections::HashMap, time::Duration};

use auditkit::{Client, qualtrics};
use common::qualtrics_logins::{self, Envelope};
use criterion::{Criterion, criterion_group, criterion_main};
use futures::TryStreamExt;
use serde::Deserialize;

const PAGES: usize = 100;
const PER_PAGE: usize = 1000;
const TOKEN: &str = "bench-token";

fn login(n: usize) -> serde_json::Value {
    qualtrics_logins::login(&format!("0ce7eda1-f815-4320-8fa7-{n:012}"), "2020-11-13T19:13:40.793Z")
}

/// `pages` pre-rendered pages of `per_page` logins, keyed by request target; each page's
/// `nextPage` is the full URL of the next one.
fn pages(url: &str, pages: usize, per_page: usize) -> HashMap<String, Vec<u8>> {
    let target = |page: usize| match page {
        0 => "/API/v3/logs?activityType=logins&pageSize=1000".to_owned(),
        n => format!("/API/v3/logs?activityType=logins&pageSize=1000&skipToken=p{n}"),
    };
    (0..pages)
        .map(|page| {
            let elements: Vec<_> = (0..per_page).map(|i| login(page * per_page + i)).collect();
            let next = (page + 1 < pages).then(|| format!("{url}{}", target(page + 1)));
            let body = serde_json::json!({
                "result": {"elements": elements, "nextPage": next},
                "meta": {"httpStatus": "200 - OK", "requestId": "r"}
            });
            (target(page), serde_json::to_vec(&body).expect("JSON"))
        })
        .collect()
}

/// The hand-written loop: every page, decoded into the plain structs, `work` after each.
async fn baseline(http: &reqwest::Client, url: &str, work: Duration) -> usize {
    let mut next = Some(format!("{url}/API/v3/logs?activityType=logins&pageSize=1000"));
    let mut count = 0;
    while let Some(page_url) = next {
        let body = http
            .get(page_url)
            .header("X-API-TOKEN", TOKEN)
            .send()
            .await
            .expect("sent")
            .bytes()
            .await
            .expect("read");
        let page: Envelope = serde_json::from_slice(&body).expect("decoded");
        count += page.result.elements.len();
        next = page.result.next_page;
        if !work.is_zero() {
            tokio::time::sleep(work).await;
        }
    }
    count
}

fn client(url: &str) -> Client {
    Client::builder()
        .qualtrics(
            qualtrics::Config::new("bench", qualtrics::Credentials::api_token(TOKEN))
                .base_url(format!("{url}/API/v3")),
        )
        .build()
        .expect("a client")
}

fn logins(client: &Client) -> qualtrics::ListEvents<qualtrics::Logins> {
    client.qualtrics().list_events::<qualtrics::Logins>().page_size(1000)
}

fn overhead(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let server = runtime
        .block_on(common::Prerendered::start(Duration::ZERO, |url| pages(url, PAGES, PER_PAGE)));
    let url = server.url.clone();
    let client = client(&url);
    let http = reqwest::Client::new();
    let total = PAGES * PER_PAGE;

    let items = || async {
        let n = logins(&client).items().try_fold(0, |n, _| async move { Ok(n + 1) }).await;
        assert_eq!(n.expect("listed"), total);
    };
    let pages = || async {
        let n = logins(&client).pages().try_fold(0, |n, p| async move { Ok(n + p.len()) }).await;
        assert_eq!(n.expect("listed"), total);
    };
    let raw = || async {
        assert_eq!(baseline(&http, &url, Duration::ZERO).await, total);
    };
    common::ratio("qualtrics items() over 100,000 events", &runtime, 5, items, raw);
    common::ratio("qualtrics pages() over 100,000 events", &runtime, 5, pages, raw);

    let mut group = c.benchmark_group("qualtrics_100k_logins");
    group.sample_size(10).measurement_time(Duration::from_secs(8));
    group.bench_function("baseline_reqwest_serde_json_typed", |b| b.to_async(&runtime).iter(raw));
    group.bench_function("auditkit_items", |b| b.to_async(&runtime).iter(items));
    group.finish();
}

/// One page of 1,000 events decoded three ways: the SDK's models, the baseline's plain
/// structs, and `serde_json::Value`.
fn decode(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let body = pages("http://127.0.0.1:1", 2, PER_PAGE).into_values().next().expect("a page");
    #[derive(Deserialize)]
    struct SdkEnvelope {
        result: SdkResult,
    }
    #[derive(Deserialize)]
    struct SdkResult {
        elements: Vec<qualtrics::Event<qualtrics::Logins>>,
    }
    let sdk = || {
        let page: SdkEnvelope = serde_json::from_slice(&body).expect("decoded");
        assert_eq!(page.result.elements.len(), PER_PAGE);
    };
    let plain = || {
        let page: Envelope = serde_json::from_slice(&body).expect("decoded");
        assert_eq!(page.result.elements.len(), PER_PAGE);
    };
    let value = || {
        let page: serde_json::Value = serde_json::from_slice(&body).expect("decoded");
        assert_eq!(page["result"]["elements"].as_array().map(Vec::len), Some(PER_PAGE));
    };
    let repeat = |f: &dyn Fn()| {
        for _ in 0..20 {
            f();
        }
    };
    common::ratio(
        "decode one page: the SDK's models vs plain structs",
        &runtime,
        9,
        || async { repeat(&sdk) },
        || async { repeat(&plain) },
    );
    common::ratio(
        "decode one page: serde_json::Value vs plain structs",
        &runtime,
        9,
        || async { repeat(&value) },
        || async { repeat(&plain) },
    );
    let mut group = c.benchmark_group("qualtrics_decode_one_page");
    group.sample_size(20);
    group.bench_function("plain_structs", |b| b.iter(plain));
    group.bench_function("auditkit_models", |b| b.iter(sdk));
    group.bench_function("serde_json_value", |b| b.iter(value));
    group.finish();
}

/// 40 pages, the server taking as long per page as the caller's work on it: prefetch
/// overlaps the two (ideal: 41 periods instead of 80, a 1.95x speed-up).
fn prefetch(c: &mut Criterion) {
    const SLOW_PAGES: usize = 40;
    const PERIOD: Duration = Duration::from_millis(10);
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let server =
        runtime.block_on(common::Prerendered::start(PERIOD, |url| pages(url, SLOW_PAGES, 100)));
    let client = client(&server.url);
    let read = |prefetch: bool| {
        let listing = logins(&client).prefetch(prefetch);
        async move {
            let mut pages = listing.pages();
            let mut count = 0;
            while let Some(page) = pages.try_next().await.expect("a page") {
                count += page.len();
                tokio::time::sleep(PERIOD).await;
            }
            assert_eq!(count, SLOW_PAGES * 100);
        }
    };
    let ratio = common::ratio(
        "prefetch: time with prefetch / without (server latency = caller work)",
        &runtime,
        3,
        || read(true),
        || read(false),
    );
    println!("RATIO prefetch speed-up: {:.2}x (ideal 1.95x)", 1.0 / ratio);
    let mut group = c.benchmark_group("qualtrics_prefetch_40_pages");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    group.bench_function("without_prefetch", |b| b.to_async(&runtime).iter(|| read(false)));
    group.bench_function("with_prefetch", |b| b.to_async(&runtime).iter(|| read(true)));
    group.finish();
}

criterion_group!(benches, decode, overhead, prefetch);
criterion_main!(benches);
