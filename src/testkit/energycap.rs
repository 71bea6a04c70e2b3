//! The EnergyCAP simulator: report distributions and their logs under
//! `/energycap/api/v202106/`, seeded the way the published example and the real API look
//! (mixed date formats, an empty `createdByUser`), with runs started by `exec` that finish
//! after a few polls.

use std::{
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

use chrono::Utc;
use hyper::{StatusCode, header::ALLOW};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use tokio::time::Instant;

use super::state::{SimRequest, SimResponse, Simulator};

/// The only `ECI-ApiKey` the simulator accepts.
pub(crate) const API_KEY: &str = "sandbox-energycap-key";
const PREFIX: &str = "/energycap";
const IN_PROGRESS: &str = "In Progress";
const DEFAULT_POLLS: u32 = 2;

/// When runs started by `exec` finish; set through the sandbox builder.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Config {
    pub(crate) polls_to_complete: Option<u32>,
    pub(crate) completion_after: Option<Duration>,
}

impl Config {
    fn is_due(&self, reads: u32, elapsed: Duration) -> bool {
        // A duration alone replaces the default poll count instead of racing it.
        let polls = match (self.polls_to_complete, self.completion_after) {
            (Some(n), _) => Some(n),
            (None, None) => Some(DEFAULT_POLLS),
            (None, Some(_)) => None,
        };
        polls.is_some_and(|n| reads >= n) || self.completion_after.is_some_and(|d| elapsed >= d)
    }
}

/// A handle on the EnergyCAP simulator's state, from
/// [`Sandbox::energycap`](super::server::Sandbox::energycap): seed logs and distributions,
/// read them back, and see which runs `exec` started.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use auditkit::testkit::Sandbox;
/// use serde_json::json;
///
/// let sandbox = Sandbox::start().await?;
/// let energycap = sandbox.energycap();
/// // A status the SDK has never heard of must still decode.
/// let id = energycap.add_log(json!({
///     "beginDate": "2026-04-01",
///     "numberOfRecipients": 3,
///     "reportDistribution": { "createdByUser": {}, "reportCode": "X",
///                             "reportDistributionId": 1, "reportDistributionName": "X" },
///     "status": "Queued",
/// }));
/// assert_eq!(energycap.log(id).and_then(|log| log["status"].as_str().map(str::to_owned)),
///            Some("Queued".to_owned()));
/// # Ok(()) }
/// ```
///
/// Every request needs the header `ECI-ApiKey: sandbox-energycap-key` (else 401);
/// `Content-Type` is not checked, but [`RecordedRequest`](super::recorder::RecordedRequest)
/// shows what was sent.
///
/// Logs and distributions are kept as the JSON the API answers with, so a test can seed
/// any shape the real API might send, including odd ones. The sandbox starts with three
/// distributions (ids 1–3) and six logs (ids 101–106, one of them stuck `In Progress`).
#[derive(Debug, Clone)]
pub struct EnergyCapSandbox {
    state: Arc<Mutex<State>>,
}

/// One run the simulator started for `POST reportdistribution/{id}/exec`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnergyCapRun {
    /// The distribution that was run.
    pub distribution_id: i64,
    /// The body's `overrideUserIds`, when it had any.
    pub override_user_ids: Option<Vec<i64>>,
    /// The id of the log the run created.
    pub log_id: i64,
}

impl EnergyCapSandbox {
    /// Every log as `GET reportdistribution/log?includeInProgress=true` would list it,
    /// without counting as a read of the runs in progress.
    pub fn logs(&self) -> Vec<Value> {
        self.lock().logs.iter().map(|log| log.listed.clone()).collect()
    }

    /// One log as listed, by `reportDistributionLogId`.
    pub fn log(&self, id: i64) -> Option<Value> {
        self.lock().find(id).map(|log| log.listed.clone())
    }

    /// Adds a log, or replaces the one with the same id, and returns its id.
    ///
    /// `log` is a ReportDistributionLogResponse as JSON. A missing `reportDistributionLogId`
    /// is assigned. Keys `emailSettings` and `errors`, if present, appear only in the
    /// detail answer. A value that is not an object is listed verbatim (to test how a
    /// client copes) but has no detail.
    pub fn add_log(&self, log: Value) -> i64 {
        self.lock().add_log(log)
    }

    /// Changes a log in place and returns whether it exists. An edited run no longer
    /// finishes by itself.
    pub fn edit_log(&self, id: i64, edit: impl FnOnce(&mut Value)) -> bool {
        let mut state = self.lock();
        let Some(log) = state.find_mut(id) else {
            return false;
        };
        edit(&mut log.listed);
        log.run = None;
        true
    }

    /// Removes every log (the list answer becomes `[]`).
    pub fn clear_logs(&self) {
        self.lock().logs.clear();
    }

    /// Every distribution as `GET reportdistribution` lists it.
    pub fn distributions(&self) -> Vec<Value> {
        self.lock().distributions.clone()
    }

    /// Adds a distribution that `exec` can run, or replaces the one with the same
    /// `reportDistributionId`, and returns its id (assigned when missing).
    pub fn add_distribution(&self, distribution: Value) -> i64 {
        self.lock().add_distribution(distribution)
    }

    /// Every run `exec` started, oldest first.
    pub fn runs(&self) -> Vec<EnergyCapRun> {
        self.lock().runs.clone()
    }

    /// The `status` (and detail `errors`) that runs get when they finish, instead of
    /// `Complete` without errors — e.g. `("Some reports not sent", Some("…"))`.
    pub fn set_run_outcome(&self, status: &str, errors: Option<&str>) {
        self.lock().outcome = Outcome { status: status.to_owned(), errors: errors.map(Into::into) };
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A test that panicked while holding the lock must not break the next request.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The simulator mounted at `/energycap`, sharing its state with an [`EnergyCapSandbox`].
#[derive(Debug)]
pub(crate) struct EnergyCapSimulator {
    sandbox: EnergyCapSandbox,
}

/// A simulator with the seeded state, and the handle on that state.
pub(crate) fn simulator(config: Config) -> (EnergyCapSimulator, EnergyCapSandbox) {
    let sandbox = EnergyCapSandbox { state: Arc::new(Mutex::new(State::seeded(config))) };
    (EnergyCapSimulator { sandbox: sandbox.clone() }, sandbox)
}

impl Simulator for EnergyCapSimulator {
    fn prefix(&self) -> &'static str {
        PREFIX
    }

    fn handle(&self, request: &SimRequest) -> SimResponse {
        if request.header("eci-apikey") != Some(API_KEY) {
            return SimResponse::message(StatusCode::UNAUTHORIZED, "Invalid or missing ECI-ApiKey");
        }
        let segments = request.segments();
        let Some(route) = Route::parse(&segments) else {
            return SimResponse::not_found(&format!("{PREFIX}{}", request.path));
        };
        if request.method.as_str() != route.method() {
            return SimResponse::message(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed")
                .with_header(ALLOW, route.method());
        }
        let mut state = self.sandbox.lock();
        match route {
            Route::Distributions => {
                SimResponse::json(StatusCode::OK, &Value::Array(state.distributions.clone()))
            }
            Route::Logs => match include_in_progress(request) {
                Ok(include) => state.list(include),
                Err(message) => SimResponse::message(StatusCode::BAD_REQUEST, &message),
            },
            Route::Detail(id) => match id.parse() {
                Ok(id) => state.detail(id),
                Err(_) => not_found_log(id),
            },
            Route::Exec(id) => match id.parse() {
                Ok(id) => state.exec(id, &request.body),
                Err(_) => not_found_distribution(id),
            },
        }
    }
}

#[derive(Debug)]
enum Route<'a> {
    Distributions,
    Logs,
    Detail(&'a str),
    Exec(&'a str),
}

impl<'a> Route<'a> {
    fn parse(segments: &[&'a str]) -> Option<Self> {
        let ["api", "v202106", "reportdistribution", rest @ ..] = segments else {
            return None;
        };
        match rest {
            [] => Some(Self::Distributions),
            ["log"] => Some(Self::Logs),
            ["log", id, "detail"] => Some(Self::Detail(id)),
            [id, "exec"] => Some(Self::Exec(id)),
            _ => None,
        }
    }

    fn method(&self) -> &'static str {
        match self {
            Self::Exec(_) => "POST",
            Self::Distributions | Self::Logs | Self::Detail(_) => "GET",
        }
    }
}

/// `includeInProgress` the way ASP.NET binds a bool: either case of true/false, else the
/// message of its 400.
fn include_in_progress(request: &SimRequest) -> Result<bool, String> {
    match request.query_param("includeInProgress") {
        None => Ok(false),
        Some(value) if value.eq_ignore_ascii_case("true") => Ok(true),
        Some(value) if value.eq_ignore_ascii_case("false") => Ok(false),
        Some(value) => Err(format!("The value '{value}' is not valid for includeInProgress.")),
    }
}

fn not_found_log(id: &str) -> SimResponse {
    SimResponse::message(StatusCode::NOT_FOUND, &format!("Report distribution log {id} not found"))
}

fn not_found_distribution(id: &str) -> SimResponse {
    SimResponse::message(StatusCode::NOT_FOUND, &format!("Report distribution {id} not found"))
}

#[derive(Debug)]
struct State {
    config: Config,
    distributions: Vec<Value>,
    logs: Vec<Log>,
    runs: Vec<EnergyCapRun>,
    outcome: Outcome,
}

#[derive(Debug, Clone)]
struct Outcome {
    status: String,
    errors: Option<String>,
}

#[derive(Debug)]
struct Log {
    id: i64,
    /// The list answer's object; detail adds the two fields below.
    listed: Value,
    email_settings: Value,
    errors: Value,
    /// Present while a run started by `exec` has not finished.
    run: Option<Run>,
}

#[derive(Debug, Clone, Copy)]
struct Run {
    reads: u32,
    started: Instant,
}

impl Log {
    fn is_in_progress(&self) -> bool {
        self.listed.get("status").and_then(Value::as_str) == Some(IN_PROGRESS)
    }

    /// Advances a run: counts a read when `read`, and finishes it when it is due.
    fn observe(&mut self, read: bool, config: &Config, outcome: &Outcome) {
        let Some(run) = &mut self.run else {
            return;
        };
        if read {
            run.reads = run.reads.saturating_add(1);
        }
        if !config.is_due(run.reads, run.started.elapsed()) {
            return;
        }
        self.run = None;
        if let Value::Object(fields) = &mut self.listed {
            fields.insert("status".into(), outcome.status.clone().into());
            fields.insert("endDate".into(), now().into());
        }
        self.errors = outcome.errors.clone().map_or(Value::Null, Value::String);
    }
}

impl State {
    fn find(&self, id: i64) -> Option<&Log> {
        self.logs.iter().find(|log| log.id == id)
    }

    fn find_mut(&mut self, id: i64) -> Option<&mut Log> {
        self.logs.iter_mut().find(|log| log.id == id)
    }

    fn list(&mut self, include_in_progress: bool) -> SimResponse {
        let mut listed = Vec::new();
        for log in &mut self.logs {
            // Runs are only read when they are shown, which needs includeInProgress.
            log.observe(include_in_progress, &self.config, &self.outcome);
            if include_in_progress || !log.is_in_progress() {
                listed.push(log.listed.clone());
            }
        }
        SimResponse::json(StatusCode::OK, &Value::Array(listed))
    }

    fn detail(&mut self, id: i64) -> SimResponse {
        let (config, outcome) = (self.config, self.outcome.clone());
        let Some(log) = self.find_mut(id).filter(|log| log.listed.is_object()) else {
            return not_found_log(&id.to_string());
        };
        log.observe(true, &config, &outcome);
        let mut detail = log.listed.clone();
        if let Value::Object(fields) = &mut detail {
            fields.insert("emailSettings".into(), log.email_settings.clone());
            fields.insert("errors".into(), log.errors.clone());
        }
        SimResponse::json(StatusCode::OK, &detail)
    }

    fn exec(&mut self, distribution_id: i64, body: &[u8]) -> SimResponse {
        #[derive(Debug, Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct ExecBody {
            override_user_ids: Option<Vec<i64>>,
        }
        let body = if body.trim_ascii().is_empty() {
            None
        } else {
            match serde_json::from_slice::<Option<ExecBody>>(body) {
                Ok(body) => body,
                Err(e) => {
                    return SimResponse::message(StatusCode::BAD_REQUEST, &format!("{e}"));
                }
            }
        };
        let Some(distribution) =
            self.distributions.iter().find(|d| id_of(d) == Some(distribution_id))
        else {
            return not_found_distribution(&distribution_id.to_string());
        };
        let override_user_ids = body.and_then(|body| body.override_user_ids);
        let recipients = match &override_user_ids {
            Some(ids) => {
                let mut unique = ids.clone();
                unique.sort_unstable();
                unique.dedup();
                json!(unique.len())
            }
            None => distribution.get("numberOfRecipients").cloned().unwrap_or(json!(1)),
        };
        let log_id = self.next_log_id();
        let listed = json!({
            "beginDate": now(),
            "numberOfRecipients": recipients,
            "reportDistribution": child_of(distribution),
            "reportDistributionLogId": log_id,
            "status": IN_PROGRESS,
        });
        self.logs.push(Log {
            id: log_id,
            email_settings: email_settings(&listed),
            listed: listed.clone(),
            errors: Value::Null,
            run: Some(Run { reads: 0, started: Instant::now() }),
        });
        self.runs.push(EnergyCapRun { distribution_id, override_user_ids, log_id });
        SimResponse::json(StatusCode::OK, &listed)
    }

    fn add_log(&mut self, mut listed: Value) -> i64 {
        let id = listed
            .get("reportDistributionLogId")
            .and_then(Value::as_i64)
            .unwrap_or_else(|| self.next_log_id());
        let (mut email, mut errors) = (Value::Null, Value::Null);
        if let Value::Object(fields) = &mut listed {
            fields.entry("reportDistributionLogId").or_insert(id.into());
            errors = fields.remove("errors").unwrap_or_default();
            email = fields.remove("emailSettings").unwrap_or_default();
        }
        if email.is_null() {
            email = email_settings(&listed);
        }
        self.logs.retain(|log| log.id != id);
        self.logs.push(Log { id, listed, email_settings: email, errors, run: None });
        id
    }

    fn add_distribution(&mut self, mut distribution: Value) -> i64 {
        let next = self.distributions.iter().filter_map(id_of).max().unwrap_or(0) + 1;
        let id = id_of(&distribution).unwrap_or(next);
        if let Value::Object(fields) = &mut distribution {
            fields.insert("reportDistributionId".into(), id.into());
        }
        self.distributions.retain(|d| id_of(d) != Some(id));
        self.distributions.push(distribution);
        id
    }

    fn next_log_id(&self) -> i64 {
        self.logs.iter().map(|log| log.id).max().unwrap_or(100) + 1
    }

    fn seeded(config: Config) -> Self {
        let mut state = Self {
            config,
            distributions: Vec::new(),
            logs: Vec::new(),
            runs: Vec::new(),
            outcome: Outcome { status: "Complete".into(), errors: None },
        };
        for distribution in seed_distributions() {
            state.add_distribution(distribution);
        }
        for (id, distribution_id, begin, end, recipients, status, errors) in SEED_LOGS {
            let child = state
                .distributions
                .iter()
                .find(|d| id_of(d) == Some(distribution_id))
                .map(child_of)
                .unwrap_or_default();
            let mut log = json!({
                "beginDate": begin,
                "numberOfRecipients": recipients,
                "reportDistribution": child,
                "reportDistributionLogId": id,
                "status": status,
                "errors": errors,
            });
            // Absent, not null, is how an unfinished run leaves `endDate` out.
            if let (Some(end), Value::Object(fields)) = (end, &mut log) {
                fields.insert("endDate".into(), end.map_or(Value::Null, Into::into));
            }
            state.add_log(log);
        }
        state
    }
}

/// Seeded logs: (id, distribution, beginDate, endDate, recipients, status, errors). The
/// dates mix the forms the API is seen to send: date-only like the published example, no
/// offset, and RFC 3339 with offsets and fractions. `Some(None)` is an explicit null.
#[allow(clippy::type_complexity)]
const SEED_LOGS: [(i64, i64, &str, Option<Option<&str>>, i64, &str, Option<&str>); 6] = [
    (101, 1, "2026-03-30", Some(Some("2026-03-30")), 1, "Complete", None),
    (102, 2, "2026-03-30T08:15:00", Some(Some("2026-03-30T08:16:42")), 4, "Complete", None),
    (
        103,
        2,
        "2026-03-23T08:15:00.1234567-04:00",
        Some(Some("2026-03-23T08:17:30-04:00")),
        4,
        "Some reports not sent",
        Some("1 of 4 recipients has no email address"),
    ),
    (
        104,
        3,
        "2026-03-01T06:00:00Z",
        Some(Some("2026-03-01T06:00:03Z")),
        2,
        "Not sent",
        Some("No recipient has a valid email address"),
    ),
    (
        105,
        3,
        "2026-02-01T06:00:00+00:00",
        Some(Some("2026-02-01T06:02:10.5+00:00")),
        2,
        "Complete",
        None,
    ),
    (106, 1, "2026-03-31T09:00:00", Some(None), 1, IN_PROGRESS, None),
];

fn seed_distributions() -> [Value; 3] {
    [
        json!({
            "reportDistributionId": 1,
            "reportDistributionName": "Monthly Cost Summary",
            "reportCode": "COST-MONTHLY",
            "createdByUser": {},
            "numberOfRecipients": 1,
            "enabled": true,
        }),
        json!({
            "reportDistributionId": 2,
            "reportDistributionName": "Weekly Usage by Building",
            "reportCode": "USE-WEEKLY",
            "createdByUser": { "fullName": "Dana Whitfield", "userCode": "dwhitfield", "userId": 12 },
            "numberOfRecipients": 4,
            "enabled": true,
        }),
        json!({
            "reportDistributionId": 3,
            "reportDistributionName": "Budget Variance",
            "reportCode": "BUDGET-VAR",
            "createdByUser": { "fullName": "System Administrator", "userCode": "admin", "userId": 1 },
            "numberOfRecipients": 2,
            "enabled": false,
        }),
    ]
}

fn id_of(distribution: &Value) -> Option<i64> {
    distribution.get("reportDistributionId").and_then(Value::as_i64)
}

/// The ReportDistributionChild a log carries for its distribution.
fn child_of(distribution: &Value) -> Value {
    let keys = ["createdByUser", "reportCode", "reportDistributionId", "reportDistributionName"];
    let child: Map<String, Value> = keys
        .into_iter()
        .filter_map(|key| Some((key.to_owned(), distribution.get(key)?.clone())))
        .collect();
    Value::Object(child)
}

/// The API does not document `emailSettings`; this small shape stands in for it.
fn email_settings(listed: &Value) -> Value {
    let name = listed
        .pointer("/reportDistribution/reportDistributionName")
        .and_then(Value::as_str)
        .unwrap_or("Report distribution");
    json!({
        "subject": name,
        "body": format!("Attached is the latest \"{name}\" report."),
        "fromAddress": "reports@energycap.example",
    })
}

/// Now, the way the API writes run times: no offset, whole seconds.
fn now() -> String {
    Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_completion_is_the_second_read() {
        let config = Config::default();
        assert!(!config.is_due(1, Duration::from_secs(3600)));
        assert!(config.is_due(2, Duration::ZERO));
    }

    #[test]
    fn duration_alone_ignores_reads_and_both_race() {
        let after =
            Config { polls_to_complete: None, completion_after: Some(Duration::from_secs(5)) };
        assert!(!after.is_due(100, Duration::from_secs(4)));
        assert!(after.is_due(0, Duration::from_secs(5)));
        let both = Config { polls_to_complete: Some(3), ..after };
        assert!(both.is_due(3, Duration::ZERO));
        assert!(both.is_due(0, Duration::from_secs(5)));
    }

    #[test]
    fn seed_has_six_logs_with_one_explicit_null_end_date() {
        let state = State::seeded(Config::default());
        assert_eq!(state.logs.len(), 6);
        let in_progress: Vec<_> = state.logs.iter().filter(|log| log.is_in_progress()).collect();
        assert_eq!(in_progress.len(), 1);
        assert_eq!(in_progress[0].listed.get("endDate"), Some(&Value::Null));
        assert_eq!(state.logs[0].listed["reportDistribution"]["createdByUser"], json!({}));
    }

    #[test]
    fn add_log_moves_detail_only_fields_out_of_the_listing() {
        let mut state = State::seeded(Config::default());
        let id = state.add_log(json!({ "status": "Complete", "errors": "boom" }));
        assert_eq!(id, 107);
        let log = state.find(id).map(|log| (log.listed.clone(), log.errors.clone()));
        assert_eq!(
            log,
            Some((json!({ "status": "Complete", "reportDistributionLogId": 107 }), json!("boom")))
        );
    }
}
