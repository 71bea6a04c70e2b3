//! The SDK against a hand-written loop on Lerian Reporter's report list: 10,000 reports in
//! pages of 100, pre-rendered, read through `list_reports().items()`.
//!
//! ```sh
//! cargo bench --bench reporter
//! ```
//!
//! It prints `RATIO …: auditkit time / baseline time`, then criterion's report. The
//! baseline is reqwest, then serde_json into plain structs with the same fields as the
//! SDK's `Report`, asking for pages until a short one (Reporter's `total` counts only the
//! page).

mod common;

use std::{collections::HashMap, time::Duration};

use auditkit::{Client, reporter};
use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use futures::TryStreamExt;
use serde::Deserialize;

const PAGES: usize = 100;
const PER_PAGE: usize = 100;

fn report(n: usize) -> serde_json::Value {
    serde_json::json!({
        "id": format!("01970f5e-2a1b-7c3d-8e4f-{n:012}"),
        "templateId": "00000000-0000-4000-8000-000000000001",
        "filters": {"midaz_onboarding": {"account": {"id": {"in": ["a-1", "a-2"]}}}},
        "status": "Finished",
        "metadata": null,
        "completedAt": "2026-11-01T10:00:05.123Z",
        "createdAt": "2026-11-01T10:00:00.123Z",
        "updatedAt": "2026-11-01T10:00:05.123Z",
        "deletedAt": null
    })
}

fn route(target: &str) -> String {
    common::query_value(target, "page").unwrap_or("1").to_owned()
}

fn pages() -> HashMap<String, Vec<u8>> {
    (1..=PAGES + 1)
        .map(|page| {
            let items: Vec<_> = if page <= PAGES {
                (0..PER_PAGE).map(|i| report((page - 1) * PER_PAGE + i)).collect()
            } else {
                Vec::new()
            };
            let body = serde_json::json!({"items": items, "page": page, "limit": PER_PAGE, "total": items.len()});
            (page.to_string(), serde_json::to_vec(&body).expect("JSON"))
        })
        .collect()
}

// The baseline's plain structs: the same fields as `reporter::Report`.
#[derive(Deserialize)]
#[allow(dead_code)]
struct List {
    items: Vec<Report>,
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct Report {
    id: String,
    template_id: Option<String>,
    filters: Option<serde_json::Value>,
    status: Option<String>,
    metadata: Option<serde_json::Map<String, serde_json::Value>>,
    completed_at: Option<DateTime<Utc>>,
    created_at: Option<DateTime<Utc>>,
    updated_at: Option<DateTime<Utc>>,
    deleted_at: Option<DateTime<Utc>>,
}

async fn baseline(http: &reqwest::Client, url: &str) -> usize {
    let mut count = 0;
    for page in 1.. {
        let body = http
            .get(format!("{url}/v1/reports?limit={PER_PAGE}&page={page}"))
            .send()
            .await
            .expect("sent")
            .bytes()
            .await
            .expect("read");
        let list: List = serde_json::from_slice(&body).expect("decoded");
        count += list.items.len();
        if list.items.len() < PER_PAGE {
            break;
        }
    }
    count
}

fn list_reports(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let server = runtime.block_on(common::Prerendered::routed(Duration::ZERO, route, |_| pages()));
    let client = Client::builder()
        .reporter(reporter::Config::new(server.url.as_str(), reporter::Credentials::none()))
        .build()
        .expect("a client");
    let http = reqwest::Client::new();
    let total = PAGES * PER_PAGE;
    let sdk = || async {
        let listing = client.reporter().list_reports().limit(PER_PAGE as u32).items();
        let n = listing.try_fold(0, |n, _| async move { Ok(n + 1) }).await;
        assert_eq!(n.expect("listed"), total);
    };
    let raw = || async { assert_eq!(baseline(&http, &server.url).await, total) };
    common::ratio("reporter list_reports() over 10,000 reports", &runtime, 7, sdk, raw);

    let mut group = c.benchmark_group("reporter_10k_reports");
    group.sample_size(10).measurement_time(Duration::from_secs(5));
    group.bench_function("baseline_reqwest_serde_json_typed", |b| b.to_async(&runtime).iter(raw));
    group.bench_function("auditkit_items", |b| b.to_async(&runtime).iter(sdk));
    group.finish();
}

criterion_group!(benches, list_reports);
criterion_main!(benches);
