//! One cell's environment: a fresh sandbox with the operation's data seeded, the fault
//! injected or the odd data in place, and the client under test.

use std::sync::{Arc, Mutex};

use auditkit::{
    Client, Download, IdempotencyKey, Jitter, RetryPolicy,
    everbridge::ReportType,
    pagination::{Continuation, Listing, Pages, Query},
    testkit::{Fault, ReporterSandbox, Sandbox, VirtualTimer},
};
use chrono::{DateTime, TimeDelta, Timelike, Utc};
use serde_json::{Value, json};

use crate::{
    table::*,
    table::{Kind::*, Op::*},
};

/// One cell's sandbox, client and what it must deliver.
pub(crate) struct Env {
    pub(crate) sandbox: Sandbox,
    pub(crate) client: Client,
    pub(crate) timer: Arc<VirtualTimer>,
    /// The client's wall clock at the start (Retry-After dates are relative to it).
    pub(crate) wall: DateTime<Utc>,
    /// The ids the operation must deliver, in any order.
    pub(crate) expected: Vec<String>,
    /// The id the operation works on (log, report).
    pub(crate) subject: String,
    /// The raw JSON of the items set aside by `skip_undecodable`.
    pub(crate) set_aside: Arc<Mutex<Vec<String>>>,
    /// Qualtrics' window.
    pub(crate) window: (DateTime<Utc>, DateTime<Utc>),
    /// A download started and left unread, held for the whole cell.
    pub(crate) held: Option<Download>,
}

pub(crate) const KEY: &str = "fault-matrix-key-1";
pub(crate) const EXEC_PATH: &str = "/energycap/api/v202106/reportdistribution/1/exec";
pub(crate) const LOGS_PATH: &str = "/energycap/api/v202106/reportdistribution/log";
pub(crate) const QUALTRICS_LOGS: &str = "/qualtrics/API/v3/logs";
pub(crate) const REPORTS: &str = "/reporter/manager/v1/reports";
pub(crate) const TEMPLATES: &str = "/reporter/manager/v1/templates";
pub(crate) const AUDIT_LOG: &str = "/everbridge/rest/reports/auditLog";

pub(crate) fn ids_of(values: &[Value], field: &str) -> Vec<String> {
    values.iter().map(|value| id_text(&value[field])).collect()
}

pub(crate) fn id_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A fresh sandbox with the operation's data seeded, and the client under test.
pub(crate) async fn env(case: &Case) -> Env {
    let mut builder = Sandbox::builder().everbridge_today(everbridge_today());
    if case.kind == InFlight409 {
        builder = builder.reporter_in_flight_requests(2);
    }
    let sandbox = builder.start().await.unwrap();
    let now = Utc::now().with_nanosecond(0).unwrap();
    let wall = if case.op.is_everbridge() { everbridge_today() } else { now };
    let timer = Arc::new(VirtualTimer::starting_at(wall));
    let mut client = sandbox
        .client_builder()
        .timer(timer.clone())
        .jitter(Jitter::fixed(0.0))
        .retry(RetryPolicy::default().max_attempts(4));
    if case.kind == SlowerThanTimeout {
        client = client.timeout(SHORT_TIMEOUT);
    }
    if case.kind == SlotsHeld {
        client = client.timeout(SHORT_TIMEOUT).max_in_flight(1);
    }
    if case.kind == OversizedBody {
        client = client.max_answer_size(TINY_ANSWER);
    }
    let mut env = Env {
        client: client.build().unwrap(),
        sandbox,
        timer,
        wall,
        expected: Vec::new(),
        subject: String::new(),
        set_aside: Arc::default(),
        window: (now - TimeDelta::days(2), now + TimeDelta::hours(1)),
        held: None,
    };
    seed(case.op, &mut env).await;
    env
}

pub(crate) async fn seed(op: Op, env: &mut Env) {
    let setup = env.sandbox.client();
    match op {
        EnergyCapLogs => {
            env.expected = ids_of(&env.sandbox.energycap().logs(), "reportDistributionLogId")
        }
        EnergyCapLogDetail => {
            env.subject = "101".into();
            env.expected = vec!["101".into()];
        }
        EnergyCapRun => {}
        EnergyCapWait => {
            let run = setup.energycap().run_report_distribution(1).send().await.unwrap();
            env.subject = run.report_distribution_log_id.to_string();
            env.expected = vec![env.subject.clone()];
        }
        QualtricsLogins | QualtricsRaw => {
            let qualtrics = env.sandbox.qualtrics();
            qualtrics.clear_events();
            let (from, _) = env.window;
            env.expected = qualtrics.seed_events("logins", 120, from, from + TimeDelta::days(1));
        }
        QualtricsActivityTypes => {
            let kinds = setup.qualtrics().list_activity_types().send().await.unwrap();
            env.expected = kinds.into_iter().map(|kind| kind.name).collect();
        }
        ReporterGenerate => {}
        ReporterGet | ReporterDownload => {
            env.subject =
                env.sandbox.reporter().seed_reports(ReporterSandbox::CSV_TEMPLATE, 1)[0].clone();
            env.expected = vec![env.subject.clone()];
        }
        ReporterList => {
            env.expected = env.sandbox.reporter().seed_reports(ReporterSandbox::CSV_TEMPLATE, 25)
        }
        ReporterTemplates => env.expected = ids_of(&env.sandbox.reporter().templates(), "id"),
        ReporterTemplate => env.expected = vec![ReporterSandbox::CSV_TEMPLATE.into()],
        ReporterWait => {
            let created = setup
                .reporter()
                .generate_report(ReporterSandbox::CSV_TEMPLATE)
                .send()
                .await
                .unwrap();
            env.subject = created.value.id;
            env.expected = vec![env.subject.clone()];
        }
        EverbridgeMonths | EverbridgeOneMonth | EverbridgePageQueryPages | EverbridgePageQuery => {
            let everbridge = env.sandbox.everbridge();
            everbridge.clear_entries();
            let (from, to) = everbridge_range(op);
            // A month of `.items()` holds about 110 entries, so its second request is that
            // month's second batch; the one month of the others holds three batches (100,
            // 100, 10).
            let count = if op == EverbridgeMonths { 330 } else { 210 };
            everbridge.seed_entries(ReportType::Security, count, from, to);
            env.expected = everbridge_expected(op, env);
        }
    }
    if op == ReporterDownload {
        let file = env.sandbox.reporter().report_file(&env.subject).unwrap().concat();
        env.expected = vec![String::from_utf8_lossy(&file).into_owned()];
    }
}

pub(crate) fn everbridge_range(op: Op) -> (DateTime<Utc>, DateTime<Utc>) {
    match op {
        EverbridgeMonths => (utc(2026, 3, 1), utc(2026, 6, 1)),
        _ => (utc(2026, 5, 1), utc(2026, 6, 1)),
    }
}

pub(crate) fn everbridge_expected(op: Op, env: &Env) -> Vec<String> {
    let all = ids_of(&env.sandbox.everbridge().entries(ReportType::Security), "entityId");
    match op {
        EverbridgePageQuery => all.into_iter().take(100).collect(),
        _ => all,
    }
}

/// The path of the requests the operation's faults hit, and the method when the path is
/// shared.
pub(crate) fn target(op: Op, env: &Env) -> (String, Option<&'static str>) {
    let subject = &env.subject;
    match op {
        EnergyCapLogs => (LOGS_PATH.into(), None),
        EnergyCapLogDetail | EnergyCapWait => (format!("{LOGS_PATH}/{subject}/detail"), None),
        EnergyCapRun => (EXEC_PATH.into(), None),
        QualtricsLogins | QualtricsRaw => (QUALTRICS_LOGS.into(), None),
        QualtricsActivityTypes => (format!("{QUALTRICS_LOGS}/activitytypes"), None),
        ReporterGenerate => (REPORTS.into(), Some("POST")),
        ReporterGet | ReporterWait => (format!("{REPORTS}/{subject}"), None),
        ReporterDownload => (format!("{REPORTS}/{subject}/download"), None),
        ReporterList => (REPORTS.into(), Some("GET")),
        ReporterTemplates => (TEMPLATES.into(), None),
        ReporterTemplate => (format!("{TEMPLATES}/{}", ReporterSandbox::CSV_TEMPLATE), None),
        EverbridgeMonths | EverbridgeOneMonth | EverbridgePageQueryPages | EverbridgePageQuery => {
            (AUDIT_LOG.into(), None)
        }
    }
}

pub(crate) fn aimed(fault: Fault, case: &Case, env: &Env) -> Fault {
    let (path, method) = target(case.op, env);
    // Listings fail on their second request; a cut-off scroll on its last batch of entries
    // (the third), whose loss only the empty answer after it can tell.
    let after = match (case.kind, case.op) {
        (ResetMidBody, EverbridgeOneMonth) => 2,
        (_, op) => u32::from(op.is_listing()),
    };
    let fault = fault.path(path).after(after);
    match method {
        Some(method) => fault.method(method),
        None => fault,
    }
}

/// Injects the fault, or seeds the odd data, of the cell.
pub(crate) async fn inject(case: &Case, env: &mut Env) {
    let http_date = |at: DateTime<Utc>| at.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    let fault = match case.kind {
        Burst503 => Some(Fault::status(503).times(3)),
        GatewayTimeout504 => {
            Some(Fault::status(504).body(json!({"message": "Endpoint request timed out"})).times(3))
        }
        RetryAfterSeconds => Some(Fault::status(429).retry_after("7")),
        RetryAfterDate => {
            Some(Fault::status(429).retry_after(http_date(env.wall + TimeDelta::seconds(30))))
        }
        ResetMidBody => Some(Fault::cut_body()),
        TruncatedJson => Some(Fault::malformed_body()),
        SlowerThanTimeout => Some(Fault::latency(LATENCY)),
        InFlight409 => {
            // The first call made the report; its key is still in flight for two requests.
            let first = keyed(&env.sandbox.client()).send().await.unwrap();
            env.expected = vec![first.value.id];
            None
        }
        RepeatedToken => {
            // A server that hands out the token it was just given, items and all.
            let events = env.sandbox.qualtrics().events("logins");
            let page = json!({
                "result": {"elements": [events[0], events[1]], "nextPage": "fault-matrix-token"},
                "meta": {"httpStatus": "200 - OK", "requestId": "fault-matrix"}
            });
            env.expected = ids_of(&events[..2], "id");
            Some(Fault::status(200).body(page).path(QUALTRICS_LOGS).times(2))
        }
        ScrollRepeat => {
            // After the opening batch, three of its entries at its position, every time.
            let entries = env.sandbox.everbridge().entries(ReportType::Security);
            let batch: Vec<Value> = entries.iter().take(3).cloned().collect();
            let body =
                json!({"data": batch, "scrollId": "fault-matrix", "start": 0, "totalCount": 3});
            Some(Fault::status(200).body(body).times(200))
        }
        SuccessAsText => {
            Some(Fault::status(200).body(json!({"success": "false", "message": "Not now"})))
        }
        StatusAsText => Some(Fault::status(200).body(json!({"status": "503", "message": "Busy"}))),
        ErrorsMember => Some(
            Fault::status(200).body(json!({"errors": [{"code": "E-7"}], "data": {"data": []}})),
        ),
        NoData => Some(Fault::status(200).body(json!({"currentPageNo": 0, "totalCount": 250}))),
        SlotsHeld => {
            // The cell's own report when it downloads, else one more that nothing else reads.
            let id = match case.op {
                ReporterDownload => env.subject.clone(),
                _ => {
                    env.sandbox.reporter().seed_reports(ReporterSandbox::CSV_TEMPLATE, 1)[0].clone()
                }
            };
            let download = env.client.reporter().download_report(id).send().await.unwrap();
            env.held = Some(download);
            None
        }
        OversizedBody | ScrollExpiry => None,
        MalformedDate | UnknownEnum | NullObject => odd_data(case, env).await,
    };
    if let Some(fault) = fault {
        let fault =
            if matches!(case.kind, RepeatedToken) { fault } else { aimed(fault, case, env) };
        env.sandbox.inject(fault);
    }
}

/// Seeds data of an odd shape, or returns a fault answering with it.
pub(crate) async fn odd_data(case: &Case, env: &mut Env) -> Option<Fault> {
    let energycap = env.sandbox.energycap();
    let (field, value): (&str, Value) = match case.kind {
        MalformedDate => ("beginDate", json!(BAD_DATE)),
        UnknownEnum => ("status", json!("Queued")),
        _ => ("reportDistribution", Value::Null),
    };
    match case.op {
        EnergyCapLogs => {
            let mut log = energycap.log(101).unwrap();
            log["reportDistributionLogId"] = json!(900);
            log[field] = value;
            energycap.add_log(log);
            env.expected.push("900".into());
            None
        }
        EnergyCapLogDetail | EnergyCapWait => {
            let id = env.subject.parse().unwrap();
            assert!(energycap.edit_log(id, |log| log[field] = value));
            None
        }
        QualtricsLogins | QualtricsRaw => {
            let qualtrics = env.sandbox.qualtrics();
            let at = env.window.0 + TimeDelta::hours(30);
            let mut event = qualtrics.events("logins")[0].clone();
            event.as_object_mut().unwrap().remove("id");
            if case.kind == NullObject {
                event["timestamp"] = json!(at.to_rfc3339());
                event["descriptor"] = Value::Null;
                env.expected.push(qualtrics.add_event("logins", event));
            } else {
                // A spelling the tolerant reader takes, listed with the rest ...
                event["timestamp"] = json!(at.format("%Y-%m-%dT%H:%M:%S+0000").to_string());
                env.expected.push(qualtrics.add_event("logins", event.clone()));
                // ... and one no reader takes, listed as of now and delivered all the same.
                event["timestamp"] = json!(BAD_DATE);
                env.expected.push(qualtrics.add_event("logins", event));
            }
            None
        }
        ReporterGet | ReporterWait => {
            let reporter = env.sandbox.reporter();
            let mut report =
                reporter.reports().into_iter().find(|r| r["id"] == env.subject.as_str()).unwrap();
            spoil_report(case.kind, &mut report);
            let times = if case.op == ReporterWait && case.kind == UnknownEnum { 2 } else { 1 };
            Some(Fault::status(200).body(report).times(times))
        }
        ReporterTemplate => {
            let mut template = env
                .sandbox
                .reporter()
                .templates()
                .into_iter()
                .find(|t| t["id"] == ReporterSandbox::CSV_TEMPLATE)
                .unwrap();
            spoil_template(case.kind, &mut template);
            Some(Fault::status(200).body(template))
        }
        ReporterList | ReporterTemplates => {
            // The second page, as the server would send it, with its first item spoiled.
            let path = match case.op {
                ReporterList => "v1/reports?limit=10&page=2",
                _ => "v1/templates?limit=3&page=2",
            };
            let mut page = raw_get(&env.sandbox, path).await;
            let item = &mut page["items"][0];
            if case.op == ReporterList {
                spoil_report(case.kind, item);
            } else {
                spoil_template(case.kind, item);
            }
            if case.kind == MalformedDate {
                let bad = id_text(&item["id"]);
                env.expected.retain(|id| *id != bad);
            }
            Some(Fault::status(200).body(page))
        }
        EverbridgeMonths | EverbridgeOneMonth | EverbridgePageQueryPages | EverbridgePageQuery => {
            let everbridge = env.sandbox.everbridge();
            for (n, time) in [(990_001, "2026-05-20T10:00"), (990_002, "2026-05-21T10:00:00+0000")]
            {
                everbridge
                    .add_entry(ReportType::Security, json!({"eventTime": time, "entityId": n}));
            }
            env.expected = everbridge_expected(case.op, env);
            None
        }
        _ => None,
    }
}

pub(crate) fn spoil_report(kind: Kind, report: &mut Value) {
    match kind {
        MalformedDate => report["createdAt"] = json!(BAD_DATE),
        UnknownEnum => report["status"] = json!("Queued"),
        _ => {
            report["metadata"] = Value::Null;
            report["filters"] = Value::Null;
        }
    }
}

pub(crate) fn spoil_template(kind: Kind, template: &mut Value) {
    match kind {
        MalformedDate => template["createdAt"] = json!(BAD_DATE),
        _ => template["outputFormat"] = json!("DOCX"),
    }
}

/// A Reporter answer as the server sends it, through plain HTTP.
pub(crate) async fn raw_get(sandbox: &Sandbox, path: &str) -> Value {
    let url = sandbox.reporter_url().join(path).unwrap();
    let response =
        reqwest::Client::new().get(url).bearer_auth(sandbox.reporter_token()).send().await.unwrap();
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

/// The pages of `listing`, from `resume` on, skipping undecodable items into
/// `skip`'s list when given one.
pub(crate) fn paged<Q: Query>(
    listing: Listing<Q>,
    skip: Option<&Env>,
    resume: Option<Continuation>,
) -> Pages<Q::Item> {
    let listing = match skip {
        Some(env) => listing.skip_undecodable(set_aside(env)),
        None => listing,
    };
    match resume {
        Some(continuation) => listing.resume(continuation).pages(),
        None => listing.pages(),
    }
}

/// Keeps the raw JSON of each item `skip_undecodable` sets aside.
pub(crate) fn set_aside(
    env: &Env,
) -> impl Fn(auditkit::pagination::Undecodable) + Send + Sync + 'static {
    let set_aside = env.set_aside.clone();
    move |item| set_aside.lock().unwrap().push(item.raw_json().to_owned())
}

pub(crate) fn keyed(client: &Client) -> auditkit::reporter::GenerateReport {
    client
        .reporter()
        .generate_report(ReporterSandbox::CSV_TEMPLATE)
        .idempotency_key(IdempotencyKey::new(KEY).unwrap())
}
