//! The SDK's overhead on EnergyCAP's list call, against a hand-written reqwest +
//! serde_json loop on the same local sandbox, in the same process.
//!
//! ```sh
//! cargo bench --bench energycap
//! ```
//!
//! It prints `RATIO …: auditkit time / baseline time`, then criterion's report. The SDK
//! adds tolerant dates, the retry loop and tracing spans; the baseline decodes into plain
//! structs with the same fields (dates kept as text: EnergyCAP mixes date-only and
//! date-time spellings, which the SDK parses and a plain `DateTime` would refuse). Both
//! share the sandbox's 200 logs and the loopback connection costs.

mod common;

use std::time::Duration;

use auditkit::testkit::Sandbox;
use criterion::{Criterion, criterion_group, criterion_main};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct Log {
    report_distribution_log_id: i32,
    begin_date: Option<String>,
    end_date: Option<String>,
    number_of_recipients: Option<i32>,
    report_distribution: Option<Distribution>,
    status: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct Distribution {
    report_distribution_id: Option<i32>,
    report_distribution_name: Option<String>,
    report_code: Option<String>,
    created_by_user: Option<User>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct User {
    user_id: Option<i32>,
    user_code: Option<String>,
    full_name: Option<String>,
}

const LOGS: usize = 200;

fn list_report_distribution_logs(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let sandbox = runtime.block_on(Sandbox::start()).expect("the sandbox starts");
    let seeded = sandbox.energycap();
    for n in 0..LOGS {
        seeded.add_log(json!({
            "beginDate": "2026-03-30T08:15:00.1234567-04:00",
            "endDate": "2026-03-30",
            "numberOfRecipients": n,
            "reportDistribution": {
                "createdByUser": {"fullName": "Ada Lovelace", "userCode": "ada", "userId": 12},
                "reportCode": "BL-01",
                "reportDistributionId": 1,
                "reportDistributionName": "Monthly bills"
            },
            "status": "Complete"
        }));
    }
    let client = sandbox.client();
    let http = reqwest::Client::new();
    let url = sandbox.energycap_url().join("api/v202106/reportdistribution/log").expect("a URL");
    let key = sandbox.energycap_api_key().to_owned();

    let baseline = || async {
        let body = http
            .get(url.clone())
            .header("ECI-ApiKey", &key)
            .send()
            .await
            .expect("sent")
            .bytes()
            .await
            .expect("read");
        let logs: Vec<Log> = serde_json::from_slice(&body).expect("decoded");
        assert!(logs.len() >= LOGS);
    };
    let auditkit = || async {
        let logs = client.energycap().list_report_distribution_logs().send().await.expect("listed");
        assert!(logs.len() >= LOGS);
    };
    common::ratio(
        "energycap list_report_distribution_logs (200 logs)",
        &runtime,
        41,
        auditkit,
        baseline,
    );
    let mut group = c.benchmark_group("energycap_report_distribution_logs");
    group.measurement_time(Duration::from_secs(4)).sample_size(40);
    group.bench_function("baseline_reqwest_serde_json_typed", |b| {
        b.to_async(&runtime).iter(baseline)
    });
    group.bench_function("auditkit", |b| b.to_async(&runtime).iter(auditkit));
    group.finish();
}

criterion_group!(benches, list_report_distribution_logs);
criterion_main!(benches);
