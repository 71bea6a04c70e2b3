//! The SDK against a hand-written loop on Everbridge's audit log: the cost of scrolling a
//! month of 20,000 pre-rendered entries, and what reading six months' windows at once buys
//! when every page takes the server 100 ms.
//!
//! ```sh
//! cargo bench --bench everbridge
//! ```
//!
//! Every comparison runs in this process against the same local server, which answers from
//! pre-rendered pages. Each prints a line `RATIO <what>: <auditkit / baseline>`; criterion's
//! report follows. The baseline is reqwest, then serde_json into plain structs with the
//! same fields as the SDK's `AuditLogEntry`, following `scrollId` until an empty page.

mod common;

use std::{collections::HashMap, time::Duration};

use auditkit::{
    Client,
    everbridge::{self, AuditLogEntry, ReportType},
};
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use futures::TryStreamExt;
use serde::Deserialize;

const PER_PAGE: usize = 100;

fn entry(n: usize, at: DateTime<Utc>) -> serde_json::Value {
    serde_json::json!({
        "accountId": 295910361792516_i64, "accountName": "ApiAutoAccount_1589279133967master",
        "activityType": "Security", "entityId": 0,
        "entityInfo": format!("ApiEbadminFn_{n} ApiEbadminLn_{n} update"),
        "eventResult": "Success", "eventTime": at.format("%Y-%m-%dT%H:%M:%S").to_string(),
        "eventType": "Organization Management", "ipAddress": "3.209.162.21",
        "operationType": "Update", "organizationId": 295910361792520_i64,
        "organizationName": "ApiAutoOrg_master1589279135888", "source": "EB Admin",
        "type": "audit-logs", "userId": 295910361792522_i64,
        "userName": "ApiEbadminFn_01589279468104 ApiEbadminLn_01589279468104"
    })
}

/// The page key: the scroll id sent, or `open:YYYY-MM` for the request that opens a month.
fn route(target: &str) -> String {
    match common::query_value(target, "scrollId") {
        Some(id) => id.to_owned(),
        None => format!(
            "open:{}",
            common::query_value(target, "from").unwrap_or("").get(..7).unwrap_or("")
        ),
    }
}

/// For each month of `months` (its first day), `pages` pages of entries, then an empty page
/// that ends the scroll.
fn scrolls(months: &[NaiveDate], pages: usize) -> HashMap<String, Vec<u8>> {
    let mut bodies = HashMap::new();
    for month in months {
        let tag = month.format("%Y-%m").to_string();
        let at = month.and_hms_opt(0, 0, 1).map(|t| t.and_utc()).unwrap_or_default();
        for page in 0..=pages {
            let data: Vec<_> = if page < pages {
                (0..PER_PAGE).map(|i| entry(page * PER_PAGE + i, at)).collect()
            } else {
                Vec::new()
            };
            let body = serde_json::json!({
                "currentPageNo": 0, "data": data, "pageSize": PER_PAGE,
                "scrollId": format!("{tag}-{}", page + 1), "start": page * PER_PAGE,
                "totalCount": pages * PER_PAGE, "totalPageCount": pages
            });
            let key = if page == 0 { format!("open:{tag}") } else { format!("{tag}-{page}") };
            bodies.insert(key, serde_json::to_vec(&body).expect("JSON"));
        }
    }
    bodies
}

// The baseline's plain structs: the same fields as `AuditLogEntry`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct Batch {
    data: Vec<Entry>,
    scroll_id: Option<String>,
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct Entry {
    account_id: Option<i64>,
    account_name: Option<String>,
    activity_type: Option<String>,
    entity_id: Option<i64>,
    entity_info: Option<String>,
    event_result: Option<String>,
    event_time: Option<chrono::NaiveDateTime>,
    event_type: Option<String>,
    ip_address: Option<String>,
    operation_type: Option<String>,
    organization_id: Option<i64>,
    organization_name: Option<String>,
    source: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    user_id: Option<i64>,
    user_name: Option<String>,
}

/// The hand-written loop: one month, scrolled to its empty page.
async fn baseline(
    http: &reqwest::Client,
    url: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> usize {
    let range = format!(
        "{url}/rest/reports/auditLog?reportType=Security&from={}&to={}&queryType=scroll&pageNo=0",
        from.format("%Y-%m-%dT%H:%M:%S"),
        to.format("%Y-%m-%dT%H:%M:%S")
    );
    let mut scroll_id: Option<String> = None;
    let mut count = 0;
    loop {
        let page_url = match &scroll_id {
            Some(id) => format!("{range}&scrollId={id}"),
            None => range.clone(),
        };
        let body = http
            .get(page_url)
            .basic_auth("bench", Some("bench"))
            .send()
            .await
            .expect("sent")
            .bytes()
            .await
            .expect("read");
        let batch: Batch = serde_json::from_slice(&body).expect("decoded");
        if batch.data.is_empty() {
            return count;
        }
        count += batch.data.len();
        scroll_id = batch.scroll_id;
    }
}

fn client(url: &str) -> Client {
    Client::builder()
        .everbridge(
            everbridge::Config::new(
                everbridge::Region::Us,
                everbridge::Credentials::basic("bench", "bench"),
            )
            .base_url(format!("{url}/rest"))
            // The SDK's own cost is measured, not Everbridge's Bronze pace of 10 reads a second.
            .rate_tier(everbridge::RateTier::unlimited()),
        )
        .allow_insecure_http(false)
        .build()
        .expect("a client")
}

fn month_start(at: DateTime<Utc>) -> NaiveDate {
    NaiveDate::from_ymd_opt(at.year(), at.month(), 1).unwrap_or_default()
}

fn overhead(c: &mut Criterion) {
    const PAGES: usize = 200;
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let to = Utc::now();
    let from = month_start(to).and_hms_opt(0, 0, 0).map(|t| t.and_utc()).unwrap_or(to);
    let server = runtime.block_on(common::Prerendered::routed(Duration::ZERO, route, |_| {
        scrolls(&[month_start(to)], PAGES)
    }));
    let client = client(&server.url);
    let http = reqwest::Client::new();
    let total = PAGES * PER_PAGE;
    let sdk = || async {
        let listing = client.everbridge().list_audit_log(ReportType::Security, from, to).pages();
        let n = listing.try_fold(0, |n, page| async move { Ok(n + page.len()) }).await;
        assert_eq!(n.expect("listed"), total);
    };
    let raw = || async { assert_eq!(baseline(&http, &server.url, from, to).await, total) };
    common::ratio("everbridge pages() over one month of 20,000 entries", &runtime, 7, sdk, raw);

    let mut group = c.benchmark_group("everbridge_month_of_20k_entries");
    group.sample_size(10).measurement_time(Duration::from_secs(5));
    group.bench_function("baseline_reqwest_serde_json_typed", |b| b.to_async(&runtime).iter(raw));
    group.bench_function("auditkit_scroll", |b| b.to_async(&runtime).iter(sdk));
    group.finish();
}

/// Six months at 100 ms a page, one window at a time or six at once, for months of one
/// page and of two. A window read ahead holds at most two pages the reader has not taken,
/// so a month of one page (and the empty page that ends its scroll) finishes in the
/// background, while a longer month waits for the reader after its first two.
fn windows_at_once(c: &mut Criterion) {
    const LATENCY: Duration = Duration::from_millis(100);
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    // Six calendar months, this one included: all of them within the 6-month rule.
    let to = Utc::now();
    let first = month_start(to).checked_sub_months(chrono::Months::new(5)).unwrap_or_default();
    let from = first.and_hms_opt(0, 0, 0).map(|t| t.and_utc()).unwrap_or(to - TimeDelta::days(150));
    let months: Vec<NaiveDate> =
        (0..6).filter_map(|k| first.checked_add_months(chrono::Months::new(k))).collect();
    for pages_per_month in [1, 2] {
        let server = runtime.block_on(common::Prerendered::routed(LATENCY, route, |_| {
            scrolls(&months, pages_per_month)
        }));
        let client = client(&server.url);
        let read = |concurrency: u32| {
            let listing = client
                .everbridge()
                .list_audit_log(ReportType::Security, from, to)
                .concurrency(concurrency);
            async move { listing.items().try_collect::<Vec<AuditLogEntry>>().await.expect("listed") }
        };
        let one = runtime.block_on(read(1));
        let six = runtime.block_on(read(6));
        assert_eq!(one, six, "the same entries in the same order");
        assert_eq!(one.len(), months.len() * pages_per_month * PER_PAGE);
        let ratio = common::ratio(
            &format!(
                "everbridge six months of {pages_per_month} page(s) at 100 ms: concurrency(6) / concurrency(1)"
            ),
            &runtime,
            3,
            || async { assert_eq!(read(6).await.len(), one.len()) },
            || async { assert_eq!(read(1).await.len(), one.len()) },
        );
        println!(
            "RATIO everbridge windows at once speed-up, {pages_per_month} page(s) a month: {:.2}x",
            1.0 / ratio
        );
        if pages_per_month == 1 {
            let mut group = c.benchmark_group("everbridge_six_months_100ms_pages");
            group.sample_size(10).measurement_time(Duration::from_secs(10));
            group.bench_function("concurrency_1", |b| b.to_async(&runtime).iter(|| read(1)));
            group.bench_function("concurrency_6", |b| b.to_async(&runtime).iter(|| read(6)));
            group.finish();
        }
    }
}

criterion_group!(benches, overhead, windows_at_once);
criterion_main!(benches);
