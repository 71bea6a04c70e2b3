//! The fault matrix: every fault kind against every operation it applies to, for all four
//! vendors, on the sandbox. Each cell runs on a fresh sandbox with seeded data, injects one
//! fault, runs the operation the way a careful caller would (resuming a listing from the
//! error's continuation, or from the last page's, where that is the documented recovery) and
//! checks the outcome: the right error, or a recovery with nothing lost, nothing duplicated
//! and no second report.
//!
//! The table is [`matrix`]: one row per fault kind, with the expected outcome for each
//! operation it applies to. A cell that does not apply is left out, not faked.
//!
//! `FAULT_MATRIX_CASE=ScrollExpiry` runs only the cells whose `Kind x Op` holds the text;
//! `FAULT_MATRIX_DEBUG=1` prints each cell's requests and errors.

use std::{
    collections::HashSet,
    fmt,
    sync::{Arc, Mutex},
    time::Duration,
};

use auditkit::{
    Client, Error, IdempotencyKey, Jitter, RetryPolicy, TransportErrorKind,
    everbridge::ReportType,
    pagination::{Continuation, Listing, Pages, Query},
    qualtrics::Logins,
    testkit::{Fault, ReporterSandbox, Sandbox, VirtualTimer},
};
use chrono::{DateTime, TimeDelta, TimeZone, Timelike, Utc};
use futures::{StreamExt, stream};
use serde_json::{Value, json};

/// "Today" for Everbridge (its 6-month rule), and the range its listings read.
fn everbridge_today() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 7, 15, 12, 0, 0).unwrap()
}
fn utc(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
}

/// The client's timeout in the "slower than the timeout" cells, and the fault's latency.
const SHORT_TIMEOUT: Duration = Duration::from_millis(1500);
const LATENCY: Duration = Duration::from_millis(2500);
/// The client's `max_answer_size` in the "oversized body" cells: every answer is larger.
const TINY_ANSWER: usize = 64;
const BAD_DATE: &str = "30/03/2026 08:15";

/// Declares the operations and the list of them all, in one place.
macro_rules! operations {
    ($($op:ident),* $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        enum Op { $($op),* }
        const ALL_OPS: &[Op] = &[$(Op::$op),*];
    };
}

operations! {
    EnergyCapLogs,
    EnergyCapLogDetail,
    EnergyCapRun,
    EnergyCapWait,
    QualtricsLogins,
    QualtricsRaw,
    QualtricsActivityTypes,
    ReporterGenerate,
    ReporterGet,
    ReporterList,
    ReporterTemplates,
    ReporterTemplate,
    ReporterWait,
    ReporterDownload,
    EverbridgeItems,
    EverbridgeScroll,
    EverbridgePages,
    EverbridgePage,
}

use Op::*;

impl Op {
    /// The vendor as errors name it, and the SDK operations an error of this call may name
    /// (a wait names itself or the read it polls with).
    fn names(self) -> (&'static str, &'static [&'static str]) {
        match self {
            EnergyCapLogs => ("EnergyCAP", &["list_report_distribution_logs"]),
            EnergyCapLogDetail => ("EnergyCAP", &["get_report_distribution_log"]),
            EnergyCapRun => ("EnergyCAP", &["run_report_distribution"]),
            EnergyCapWait => {
                ("EnergyCAP", &["wait_for_distribution", "get_report_distribution_log"])
            }
            QualtricsLogins | QualtricsRaw => ("Qualtrics", &["list_events"]),
            QualtricsActivityTypes => ("Qualtrics", &["list_activity_types"]),
            ReporterGenerate => ("Lerian Reporter", &["generate_report"]),
            ReporterGet => ("Lerian Reporter", &["get_report"]),
            ReporterList => ("Lerian Reporter", &["list_reports"]),
            ReporterTemplates => ("Lerian Reporter", &["list_templates"]),
            ReporterTemplate => ("Lerian Reporter", &["get_template"]),
            ReporterWait => ("Lerian Reporter", &["wait_for_report", "get_report"]),
            ReporterDownload => ("Lerian Reporter", &["download_report"]),
            EverbridgeItems | EverbridgeScroll | EverbridgePages | EverbridgePage => {
                ("Everbridge", &["audit_log"])
            }
        }
    }

    /// Listings read several pages: their faults hit the second request, mid-stream.
    fn is_listing(self) -> bool {
        matches!(
            self,
            QualtricsLogins
                | QualtricsRaw
                | ReporterList
                | ReporterTemplates
                | EverbridgeItems
                | EverbridgeScroll
                | EverbridgePages
        )
    }

    fn is_everbridge(self) -> bool {
        matches!(self, EverbridgeItems | EverbridgeScroll | EverbridgePages | EverbridgePage)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Burst503,
    RetryAfterSeconds,
    RetryAfterDate,
    ResetMidBody,
    TruncatedJson,
    SlowerThanTimeout,
    OversizedBody,
    InFlight409,
    ScrollExpiry,
    RepeatedToken,
    MalformedDate,
    UnknownEnum,
    NullObject,
}

use Kind::*;

/// What a cell must see.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Success at once: exactly the seeded items.
    Exact,
    /// Success after only documented cursor-expired errors, each resumed from its
    /// continuation: exactly the seeded items.
    ExactAfterResumes,
    /// Success, after the client waited this long (virtual time) as the server asked.
    Waits(Duration),
    /// The first error is `Want`; then the caller's recovery (`Then`).
    Fails(Want, Then),
    /// A listing read with `skip_undecodable`: the seeded items but the one that cannot
    /// decode, which is handed to the caller once.
    SkipsOne,
}

#[derive(Debug, Clone, Copy)]
enum Want {
    Status(u16),
    Transport(TransportErrorKind),
    /// A decode error whose text (its JSON path, or the value quoted) holds this.
    Decode(&'static str),
    CursorExpired,
    RepeatedToken,
    WaitTimeout,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Then {
    /// Resume the listing (from the error's continuation, else the last page's) or call
    /// again (same idempotency key): then exactly the seeded items.
    Recover,
    /// Nothing to recover: what was delivered before the error is a duplicate-free part of
    /// the seeded items.
    Stop,
}

#[derive(Debug, Clone, Copy)]
struct Case {
    op: Op,
    kind: Kind,
    expect: Expect,
}

/// What a fault kind expects of one operation; `None` where it does not apply.
type ExpectFor = fn(Op) -> Option<Expect>;

/// The table: each fault kind with the outcome each operation it applies to must show.
fn matrix() -> Vec<Case> {
    let rows: [(Kind, ExpectFor); 13] = [
        (Burst503, |op| {
            // POST exec without a key is never retried after an answer.
            Some(match op {
                EnergyCapRun => Expect::Fails(Want::Status(503), Then::Stop),
                _ => Expect::Exact,
            })
        }),
        (RetryAfterSeconds, |op| {
            Some(match op {
                EnergyCapRun => Expect::Fails(Want::Status(429), Then::Stop),
                _ => Expect::Waits(Duration::from_secs(7)),
            })
        }),
        (RetryAfterDate, |op| {
            Some(match op {
                EnergyCapRun => Expect::Fails(Want::Status(429), Then::Stop),
                _ => Expect::Waits(Duration::from_secs(30)),
            })
        }),
        (ResetMidBody, |op| {
            Some(match op {
                EnergyCapRun => {
                    Expect::Fails(Want::Transport(TransportErrorKind::Body), Then::Stop)
                }
                // A streamed body has no retry once its head arrived: the caller calls again.
                ReporterDownload => {
                    Expect::Fails(Want::Transport(TransportErrorKind::Body), Then::Recover)
                }
                // The scroll moved on with the lost batch: the SDK notices the jump.
                EverbridgeItems | EverbridgeScroll => {
                    Expect::Fails(Want::CursorExpired, Then::Recover)
                }
                _ => Expect::Exact,
            })
        }),
        (TruncatedJson, |op| {
            Some(match op {
                EnergyCapRun => Expect::Fails(Want::Decode(""), Then::Stop),
                // A file is not JSON: a well-framed short file cannot be told from a short file.
                ReporterDownload => return None,
                _ => Expect::Fails(Want::Decode(""), Then::Recover),
            })
        }),
        (SlowerThanTimeout, |op| {
            Some(match op {
                EnergyCapRun => {
                    Expect::Fails(Want::Transport(TransportErrorKind::Timeout), Then::Stop)
                }
                // The server may still serve the batch the client gave up on.
                EverbridgeItems | EverbridgeScroll => Expect::ExactAfterResumes,
                _ => Expect::Exact,
            })
        }),
        (OversizedBody, |_| {
            Some(Expect::Fails(Want::Transport(TransportErrorKind::TooLarge), Then::Stop))
        }),
        (InFlight409, |op| (op == ReporterGenerate).then_some(Expect::Exact)),
        (ScrollExpiry, |op| {
            matches!(op, EverbridgeItems | EverbridgeScroll)
                .then_some(Expect::Fails(Want::CursorExpired, Then::Recover))
        }),
        (RepeatedToken, |op| {
            matches!(op, QualtricsLogins | QualtricsRaw)
                .then_some(Expect::Fails(Want::RepeatedToken, Then::Stop))
        }),
        (MalformedDate, |op| match op {
            // An event whose only fault is its timestamp is listed, the text kept as sent.
            QualtricsLogins | QualtricsRaw => Some(Expect::Exact),
            ReporterList | ReporterTemplates => Some(Expect::SkipsOne),
            EnergyCapLogs => Some(Expect::Fails(Want::Decode("beginDate"), Then::Stop)),
            // The detail flattens the log into itself, which hides the path from serde: the
            // error quotes the value instead.
            EnergyCapLogDetail | EnergyCapWait => {
                Some(Expect::Fails(Want::Decode(BAD_DATE), Then::Stop))
            }
            ReporterGet | ReporterTemplate | ReporterWait => {
                Some(Expect::Fails(Want::Decode("createdAt"), Then::Stop))
            }
            // Everbridge's dates are spellings the tolerant reader takes (no seconds, `+0000`).
            EverbridgeItems | EverbridgeScroll | EverbridgePages | EverbridgePage => {
                Some(Expect::Exact)
            }
            _ => None,
        }),
        (UnknownEnum, |op| match op {
            EnergyCapLogs | EnergyCapLogDetail | ReporterGet | ReporterList | ReporterTemplates
            | ReporterTemplate | ReporterWait => Some(Expect::Exact),
            // An unknown status is not final: the wait polls on to its deadline.
            EnergyCapWait => Some(Expect::Fails(Want::WaitTimeout, Then::Stop)),
            _ => None,
        }),
        (NullObject, |op| match op {
            EnergyCapLogs | EnergyCapLogDetail | QualtricsLogins | QualtricsRaw | ReporterGet
            | ReporterList => Some(Expect::Exact),
            _ => None,
        }),
    ];
    rows.iter()
        .flat_map(|(kind, expect)| {
            ALL_OPS.iter().filter_map(move |op| {
                expect(*op).map(|expect| Case { op: *op, kind: *kind, expect })
            })
        })
        .collect()
}

/// One cell's sandbox, client and what it must deliver.
struct Env {
    sandbox: Sandbox,
    client: Client,
    timer: Arc<VirtualTimer>,
    /// The client's wall clock at the start (Retry-After dates are relative to it).
    wall: DateTime<Utc>,
    /// The ids the operation must deliver, in any order.
    expected: Vec<String>,
    /// The id the operation works on (log, report).
    subject: String,
    /// The raw JSON of the items set aside by `skip_undecodable`.
    set_aside: Arc<Mutex<Vec<String>>>,
    /// Qualtrics' window.
    window: (DateTime<Utc>, DateTime<Utc>),
}

const KEY: &str = "fault-matrix-key-1";
const EXEC_PATH: &str = "/energycap/api/v202106/reportdistribution/1/exec";
const LOGS_PATH: &str = "/energycap/api/v202106/reportdistribution/log";
const QUALTRICS_LOGS: &str = "/qualtrics/API/v3/logs";
const REPORTS: &str = "/reporter/manager/v1/reports";
const TEMPLATES: &str = "/reporter/manager/v1/templates";
const AUDIT_LOG: &str = "/everbridge/rest/reports/auditLog";

fn ids_of(values: &[Value], field: &str) -> Vec<String> {
    values.iter().map(|value| id_text(&value[field])).collect()
}

fn id_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A fresh sandbox with the operation's data seeded, and the client under test.
async fn env(case: &Case) -> Env {
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
    };
    seed(case.op, &mut env).await;
    env
}

async fn seed(op: Op, env: &mut Env) {
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
        EverbridgeItems | EverbridgeScroll | EverbridgePages | EverbridgePage => {
            let everbridge = env.sandbox.everbridge();
            everbridge.clear_entries();
            let (from, to) = everbridge_range(op);
            // A month of `.items()` holds about 110 entries, so its second request is that
            // month's second batch; the one month of the others holds three batches (100,
            // 100, 10).
            let count = if op == EverbridgeItems { 330 } else { 210 };
            everbridge.seed_entries(ReportType::Security, count, from, to);
            env.expected = everbridge_expected(op, env);
        }
    }
    if op == ReporterDownload {
        let file = env.sandbox.reporter().report_file(&env.subject).unwrap().concat();
        env.expected = vec![String::from_utf8_lossy(&file).into_owned()];
    }
}

fn everbridge_range(op: Op) -> (DateTime<Utc>, DateTime<Utc>) {
    match op {
        EverbridgeItems => (utc(2026, 3, 1), utc(2026, 6, 1)),
        _ => (utc(2026, 5, 1), utc(2026, 6, 1)),
    }
}

fn everbridge_expected(op: Op, env: &Env) -> Vec<String> {
    let all = ids_of(&env.sandbox.everbridge().entries(ReportType::Security), "entityId");
    match op {
        EverbridgePage => all.into_iter().take(100).collect(),
        _ => all,
    }
}

/// The path of the requests the operation's faults hit, and the method when the path is
/// shared.
fn target(op: Op, env: &Env) -> (String, Option<&'static str>) {
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
        EverbridgeItems | EverbridgeScroll | EverbridgePages | EverbridgePage => {
            (AUDIT_LOG.into(), None)
        }
    }
}

fn aimed(fault: Fault, case: &Case, env: &Env) -> Fault {
    let (path, method) = target(case.op, env);
    // Listings fail on their second request; a cut-off scroll on its last batch of entries
    // (the third), whose loss only the empty answer after it can tell.
    let after = match (case.kind, case.op) {
        (ResetMidBody, EverbridgeScroll) => 2,
        (_, op) => u32::from(op.is_listing()),
    };
    let fault = fault.path(path).after(after);
    match method {
        Some(method) => fault.method(method),
        None => fault,
    }
}

/// Injects the fault, or seeds the odd data, of the cell.
async fn inject(case: &Case, env: &mut Env) {
    let http_date = |at: DateTime<Utc>| at.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    let fault = match case.kind {
        Burst503 => Some(Fault::status(503).times(3)),
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
async fn odd_data(case: &Case, env: &mut Env) -> Option<Fault> {
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
        EverbridgeItems | EverbridgeScroll | EverbridgePages | EverbridgePage => {
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

fn spoil_report(kind: Kind, report: &mut Value) {
    match kind {
        MalformedDate => report["createdAt"] = json!(BAD_DATE),
        UnknownEnum => report["status"] = json!("Queued"),
        _ => {
            report["metadata"] = Value::Null;
            report["filters"] = Value::Null;
        }
    }
}

fn spoil_template(kind: Kind, template: &mut Value) {
    match kind {
        MalformedDate => template["createdAt"] = json!(BAD_DATE),
        _ => template["outputFormat"] = json!("DOCX"),
    }
}

/// A Reporter answer as the server sends it, through plain HTTP.
async fn raw_get(sandbox: &Sandbox, path: &str) -> Value {
    let url = sandbox.reporter_url().join(path).unwrap();
    let response =
        reqwest::Client::new().get(url).bearer_auth(sandbox.reporter_token()).send().await.unwrap();
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

/// The pages of `listing`, from `resume` on, skipping undecodable items into
/// `skip`'s list when given one.
fn paged<Q: Query>(
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
fn set_aside(env: &Env) -> impl Fn(auditkit::pagination::Undecodable) + Send + Sync + 'static {
    let set_aside = env.set_aside.clone();
    move |item| set_aside.lock().unwrap().push(item.raw_json().to_owned())
}

fn keyed(client: &Client) -> auditkit::reporter::GenerateReport {
    client
        .reporter()
        .generate_report(ReporterSandbox::CSV_TEMPLATE)
        .idempotency_key(IdempotencyKey::new(KEY).unwrap())
}

/// What one run of a cell delivered.
#[derive(Debug, Default)]
struct Outcome {
    first_error: Option<Error>,
    /// Every error seen, the first included.
    errors: Vec<String>,
    ids: Vec<String>,
    finished: bool,
}

impl Outcome {
    fn fail(&mut self, error: Error) {
        self.errors.push(error.to_string());
        self.first_error.get_or_insert(error);
    }
}

/// Reads a listing page by page. On an error, when `recover`, resumes from the error's
/// continuation or else the last page's (at most three times).
async fn read<T>(
    make: impl Fn(Option<Continuation>) -> Pages<T>,
    id: impl Fn(&T) -> String,
    mut after_first_page: Option<Box<dyn FnOnce() + Send + '_>>,
    recover: bool,
) -> Outcome {
    let mut outcome = Outcome::default();
    let mut resume: Option<Continuation> = None;
    for _ in 0..4 {
        let mut pages = make(resume.clone());
        loop {
            match pages.next().await {
                None => {
                    outcome.finished = true;
                    return outcome;
                }
                Some(Ok(page)) => {
                    outcome.ids.extend(page.items().iter().map(&id));
                    resume = page.continuation().cloned();
                    if let Some(hook) = after_first_page.take() {
                        hook();
                    }
                }
                Some(Err(error)) => {
                    if let Error::Pagination(paging) = &error
                        && let Some(continuation) = paging.continuation()
                    {
                        resume = Some(continuation.clone());
                    }
                    outcome.fail(error);
                    if !recover {
                        return outcome;
                    }
                    break;
                }
            }
        }
    }
    outcome
}

/// Calls a one-shot operation; on an error, when `recover`, calls it once more.
async fn call<F, Fut>(once: F, recover: bool) -> Outcome
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Vec<String>, Error>>,
{
    let mut outcome = Outcome::default();
    for _ in 0..2 {
        match once().await {
            Ok(ids) => {
                outcome.ids = ids;
                outcome.finished = true;
                return outcome;
            }
            Err(error) => {
                outcome.fail(error);
                if !recover {
                    return outcome;
                }
            }
        }
    }
    outcome
}

async fn run_op(case: &Case, env: &Env) -> Outcome {
    let recover =
        matches!(case.expect, Expect::Fails(_, Then::Recover) | Expect::ExactAfterResumes);
    let client = &env.client;
    let skip = matches!(case.expect, Expect::SkipsOne);
    let (from, to) = env.window;
    match case.op {
        EnergyCapLogs => {
            call(
                || async {
                    let logs = client
                        .energycap()
                        .list_report_distribution_logs()
                        .include_in_progress(true)
                        .send()
                        .await?;
                    Ok(logs.iter().map(|log| log.report_distribution_log_id.to_string()).collect())
                },
                recover,
            )
            .await
        }
        EnergyCapLogDetail | EnergyCapWait => {
            let id: i32 = env.subject.parse().unwrap();
            call(
                || async move {
                    let detail = if case.op == EnergyCapWait {
                        client
                            .energycap()
                            .wait_for_distribution(id)
                            .max_wait(Duration::from_secs(60))
                            .await?
                    } else {
                        client.energycap().get_report_distribution_log(id).send().await?
                    };
                    Ok(vec![detail.log.report_distribution_log_id.to_string()])
                },
                recover,
            )
            .await
        }
        EnergyCapRun => {
            call(
                || async {
                    let log = client.energycap().run_report_distribution(1).send().await?;
                    Ok(vec![log.report_distribution_log_id.to_string()])
                },
                recover,
            )
            .await
        }
        QualtricsLogins => {
            let make = |resume| {
                let listing = client
                    .qualtrics()
                    .list_events::<Logins>()
                    .start_date(from)
                    .end_date(to)
                    .page_size(50);
                paged(listing, skip.then_some(env), resume)
            };
            read(make, |event| event.id.clone(), None, recover).await
        }
        QualtricsRaw => {
            let make = |resume| {
                let listing = client
                    .qualtrics()
                    .list_events_raw("logins")
                    .start_date(from)
                    .end_date(to)
                    .page_size(50);
                paged(listing, skip.then_some(env), resume)
            };
            read(make, |event| event.id.clone(), None, recover).await
        }
        QualtricsActivityTypes => {
            call(
                || async {
                    let kinds = client.qualtrics().list_activity_types().send().await?;
                    Ok(kinds.into_iter().map(|kind| kind.name).collect())
                },
                recover,
            )
            .await
        }
        ReporterGenerate => {
            call(
                || async {
                    let created = keyed(client).send().await?;
                    Ok(vec![created.value.id])
                },
                recover,
            )
            .await
        }
        ReporterGet | ReporterWait => {
            let id = env.subject.clone();
            call(
                || {
                    let id = id.clone();
                    async move {
                        let report = if case.op == ReporterWait {
                            client
                                .reporter()
                                .wait_for_report(id)
                                .max_wait(Duration::from_secs(60))
                                .await?
                        } else {
                            client.reporter().get_report(id).send().await?
                        };
                        Ok(vec![report.id])
                    }
                },
                recover,
            )
            .await
        }
        ReporterDownload => {
            let id = env.subject.clone();
            let limit = if case.kind == OversizedBody { TINY_ANSWER } else { 1 << 20 };
            call(
                || {
                    let id = id.clone();
                    async move {
                        let file = client
                            .reporter()
                            .download_report(id)
                            .send()
                            .await?
                            .bytes(limit)
                            .await?;
                        Ok(vec![String::from_utf8_lossy(&file).into_owned()])
                    }
                },
                recover,
            )
            .await
        }
        ReporterList => {
            let make = |resume| {
                let listing = client.reporter().list_reports().limit(10);
                paged(listing, skip.then_some(env), resume)
            };
            read(make, |report| report.id.clone(), None, recover).await
        }
        ReporterTemplates => {
            let make = |resume| {
                let listing = client.reporter().list_templates().limit(3);
                paged(listing, skip.then_some(env), resume)
            };
            read(make, |template| template.id.clone(), None, recover).await
        }
        ReporterTemplate => {
            call(
                || async {
                    let template = client
                        .reporter()
                        .get_template(ReporterSandbox::CSV_TEMPLATE)
                        .send()
                        .await?;
                    Ok(vec![template.id])
                },
                recover,
            )
            .await
        }
        EverbridgeItems | EverbridgeScroll | EverbridgePages => {
            let (from, to) = everbridge_range(case.op);
            let make = |resume: Option<Continuation>| {
                let mut log = client.everbridge().audit_log(ReportType::Security, from, to);
                if let Some(continuation) = resume {
                    log = log.resume(continuation);
                }
                match case.op {
                    EverbridgeItems => log.item_pages(),
                    EverbridgeScroll => log.scroll(),
                    _ => log.pages(),
                }
            };
            let everbridge = env.sandbox.everbridge();
            let hook: Option<Box<dyn FnOnce() + Send>> = (case.kind == ScrollExpiry).then(|| {
                Box::new(move || assert!(everbridge.expire_scrolls() >= 1))
                    as Box<dyn FnOnce() + Send>
            });
            read(make, |entry| entry.entity_id.unwrap_or(-1).to_string(), hook, recover).await
        }
        EverbridgePage => {
            let (from, to) = everbridge_range(case.op);
            call(
                || async move {
                    let page = client
                        .everbridge()
                        .audit_log(ReportType::Security, from, to)
                        .page(1)
                        .send()
                        .await?;
                    Ok(page
                        .data
                        .iter()
                        .map(|entry| entry.entity_id.unwrap_or(-1).to_string())
                        .collect())
                },
                recover,
            )
            .await
        }
    }
}

/// What a cell counted, for the summary.
#[derive(Debug, Default)]
struct Tally {
    lost: usize,
    duplicated: usize,
    duplicate_reports: usize,
}

struct Verdict {
    case: Case,
    tally: Tally,
    problems: Vec<String>,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} x {:?}: {}", self.case.kind, self.case.op, self.problems.join("; "))
    }
}

fn check_error(want: Want, op: Op, error: &Error, problems: &mut Vec<String>) {
    let text = error.to_string();
    let (vendor, operations) = op.names();
    if !text.contains(vendor) || !operations.iter().any(|name| text.contains(name)) {
        problems.push(format!("the error does not name {vendor} and {operations:?}: {text}"));
    }
    let right = match want {
        Want::Status(code) => error.status().map(|status| status.as_u16()) == Some(code),
        Want::Transport(kind) => matches!(error, Error::Transport(e) if e.kind() == kind),
        Want::Decode(needle) => matches!(error, Error::Decode(_)) && text.contains(needle),
        Want::CursorExpired => matches!(
            error,
            Error::Pagination(e) if e.is_cursor_expired() && e.continuation().is_some()
        ),
        Want::RepeatedToken => matches!(
            error,
            Error::Pagination(e) if !e.is_cursor_expired() && text.to_lowercase().contains("token")
        ),
        Want::WaitTimeout => {
            matches!(error, Error::WaitTimeout(e) if e.last_status() == Some("Queued"))
        }
    };
    if !right {
        problems.push(format!("expected {want:?}, got {error:?} ({text})"));
    }
}

async fn run(case: Case) -> Verdict {
    let mut env = env(&case).await;
    inject(&case, &mut env).await;
    let outcome = run_op(&case, &env).await;
    if std::env::var("FAULT_MATRIX_DEBUG").is_ok() {
        for request in env.sandbox.requests() {
            eprintln!("{:?} {:?}", request.path, request.query);
        }
        eprintln!("{} ids, errors {:?}", outcome.ids.len(), outcome.errors);
    }
    let mut problems = Vec::new();
    if case.op == ReporterGenerate && env.expected.is_empty() {
        env.expected = ids_of(&env.sandbox.reporter().reports(), "id");
    }

    let unique: HashSet<&String> = outcome.ids.iter().collect();
    let expected: HashSet<&String> = env.expected.iter().collect();
    let mut tally = Tally { duplicated: outcome.ids.len() - unique.len(), ..Tally::default() };
    let strangers = unique.difference(&expected).count();
    if strangers > 0 {
        problems.push(format!("{strangers} items that were never seeded"));
    }
    let complete = |tally: &mut Tally, problems: &mut Vec<String>| {
        tally.lost = expected.difference(&unique).count();
        if !outcome.finished || tally.lost > 0 {
            problems.push(format!(
                "finished: {}, {} of {} lost, errors: {:?}",
                outcome.finished,
                tally.lost,
                expected.len(),
                outcome.errors
            ));
        }
    };
    match case.expect {
        Expect::Exact | Expect::Waits(_) => {
            if let Some(error) = &outcome.first_error {
                problems.push(format!("expected success, got {error}"));
            }
            complete(&mut tally, &mut problems);
        }
        Expect::ExactAfterResumes => {
            for error in &outcome.errors {
                if !error.contains("scroll") {
                    problems.push(format!("expected only expired scrolls, got {error}"));
                }
            }
            complete(&mut tally, &mut problems);
        }
        Expect::SkipsOne => {
            if let Some(error) = &outcome.first_error {
                problems.push(format!("expected success, got {error}"));
            }
            complete(&mut tally, &mut problems);
            let set_aside = env.set_aside.lock().unwrap();
            if set_aside.len() != 1 || !set_aside[0].contains(BAD_DATE) {
                problems.push(format!("expected the bad item set aside once, got {set_aside:?}"));
            }
        }
        Expect::Fails(want, then) => {
            match &outcome.first_error {
                Some(error) => check_error(want, case.op, error, &mut problems),
                None => problems.push(format!("expected {want:?}, got success")),
            }
            if then == Then::Recover {
                complete(&mut tally, &mut problems);
            }
        }
    }
    if let Expect::Waits(wait) = case.expect {
        let sleeps = env.timer.sleeps();
        if !sleeps.contains(&wait) {
            problems.push(format!("expected a wait of {wait:?}, the client slept {sleeps:?}"));
        }
    }
    if case.op == ReporterGenerate {
        let reports = env.sandbox.reporter().reports().len();
        tally.duplicate_reports = reports.saturating_sub(1);
        if reports != 1 {
            problems.push(format!("{reports} reports made"));
        }
    }
    if case.op == EnergyCapRun {
        // Never a second run, whatever happened to the first.
        tally.duplicate_reports = env.sandbox.energycap().runs().len().saturating_sub(1);
    }
    if tally.duplicated > 0 || tally.duplicate_reports > 0 {
        problems.push(format!("{tally:?}"));
    }
    Verdict { case, tally, problems }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_against_every_operation_it_applies_to_is_an_error_or_a_clean_recovery() {
    let only = std::env::var("FAULT_MATRIX_CASE").unwrap_or_default();
    let cases: Vec<Case> = matrix()
        .into_iter()
        .filter(|case| format!("{:?} x {:?}", case.kind, case.op).contains(&only))
        .collect();
    let verdicts: Vec<Verdict> =
        stream::iter(cases.clone()).map(run).buffer_unordered(8).collect().await;

    let faults: HashSet<Kind> = cases.iter().map(|case| case.kind).collect();
    let operations: HashSet<Op> = cases.iter().map(|case| case.op).collect();
    let sum = |count: fn(&Tally) -> usize| verdicts.iter().map(|v| count(&v.tally)).sum::<usize>();
    println!(
        "fault matrix: {} faults x {} operations = {} cases, {} lost, {} duplicated, {} duplicate reports",
        faults.len(),
        operations.len(),
        cases.len(),
        sum(|t| t.lost),
        sum(|t| t.duplicated),
        sum(|t| t.duplicate_reports),
    );
    let failed: Vec<String> =
        verdicts.iter().filter(|v| !v.problems.is_empty()).map(ToString::to_string).collect();
    assert!(
        failed.is_empty(),
        "{} of {} cells failed:\n{}",
        failed.len(),
        cases.len(),
        failed.join("\n")
    );
}
