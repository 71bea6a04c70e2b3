//! The Qualtrics simulator: audit events under `/qualtrics/API/v3/logs`, by activity type
//! and time window, paged with `skipToken`, behind an API token or an OAuth bearer token
//! from `/qualtrics/oauth2/token`. It starts with three weeks of logins, sessions, password
//! resets and brand changes shaped like the published example.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use hyper::{
    StatusCode,
    header::{ALLOW, CACHE_CONTROL, WWW_AUTHENTICATE},
};
use serde::Serialize;
use serde_json::{Map, Value, json};
use tokio::time::Instant;

use super::state::{SimRequest, SimResponse, Simulator};

/// The only `X-API-TOKEN` the simulator accepts.
pub(crate) const API_TOKEN: &str = "sandbox-qualtrics-token";
/// The OAuth client id the token endpoint accepts (HTTP Basic user name).
pub(crate) const CLIENT_ID: &str = "sandbox-qualtrics-client";
/// The OAuth client secret the token endpoint accepts (HTTP Basic password).
pub(crate) const CLIENT_SECRET: &str = "sandbox-qualtrics-secret";
const PREFIX: &str = "/qualtrics";
const SCOPE: &str = "read:activity_logs";
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);
const DEFAULT_PAGE_SIZE: usize = 100;
const MAX_PAGE_SIZE: usize = 1000;
/// How far a missing `startDate` or `endDate` lies from the other one (or from now).
const DEFAULT_WINDOW: TimeDelta = TimeDelta::days(7);
const DATACENTER: &str = "IAD1";
/// Keeps event ids and request ids apart although both come from counters.
const EVENT_SALT: u64 = 0x5143_5f45_5645_4e54;
const REQUEST_SALT: u64 = 0x5143_5f52_4551_5545;

/// What the simulator puts in `result.nextPage` when more events follow.
///
/// Qualtrics' sources disagree on what `nextPage` holds, and the SDK accepts both, so the
/// sandbox can send either; switch with
/// [`SandboxBuilder::qualtrics_next_page`](super::server::SandboxBuilder::qualtrics_next_page)
/// or [`QualtricsSandbox::set_next_page`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use auditkit::testkit::{NextPageMode, Sandbox};
///
/// let sandbox = Sandbox::builder().qualtrics_next_page(NextPageMode::BareToken).start().await?;
/// sandbox.qualtrics().set_next_page(NextPageMode::FullUrl);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum NextPageMode {
    /// The URL of the next page on the sandbox: the request's query with its `skipToken`
    /// replaced, e.g. `http://127.0.0.1:PORT/qualtrics/API/v3/logs?activityType=logins&…
    /// &skipToken=…`. The default.
    #[default]
    FullUrl,
    /// Only the token, to send back as `skipToken`.
    BareToken,
}

/// The simulator's settings from the sandbox builder.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Config {
    pub(crate) token_lifetime: Option<Duration>,
    pub(crate) next_page: NextPageMode,
}

/// A handle on the Qualtrics simulator's state, from
/// [`Sandbox::qualtrics`](super::server::Sandbox::qualtrics): seed events, read them back,
/// choose the `nextPage` form and count the OAuth tokens issued.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use auditkit::{qualtrics::Logins, testkit::Sandbox};
/// use chrono::{Duration, Utc};
/// use futures::TryStreamExt;
///
/// let sandbox = Sandbox::start().await?;
/// let qualtrics = sandbox.qualtrics();
/// qualtrics.clear_events();
/// let (from, to) = (Utc::now() - Duration::days(1), Utc::now());
/// let ids = qualtrics.seed_events("logins", 250, from, to);
///
/// let events: Vec<_> = sandbox
///     .client()
///     .qualtrics()
///     .list_events::<Logins>()
///     .start_date(from)
///     .end_date(to)
///     .page_size(100)
///     .items()
///     .try_collect()
///     .await?;
/// assert_eq!(events.iter().map(|event| event.id.clone()).collect::<Vec<_>>(), ids);
/// # Ok(()) }
/// ```
///
/// The API is at [`Sandbox::qualtrics_url`](super::server::Sandbox::qualtrics_url)
/// (`http://127.0.0.1:PORT/qualtrics/API/v3/`). Every API request needs either the header
/// `X-API-TOKEN: sandbox-qualtrics-token`, or `Authorization: Bearer <token>` with a token
/// from `POST /qualtrics/oauth2/token` that has not expired; the token endpoint takes HTTP
/// Basic `sandbox-qualtrics-client:sandbox-qualtrics-secret` and the form
/// `grant_type=client_credentials&scope=read:activity_logs`. Tokens live an hour unless
/// [`SandboxBuilder::qualtrics_token_lifetime`] says otherwise.
///
/// `GET logs` follows the published reference: `activityType` is required; `startDate`
/// (inclusive) and `endDate` (exclusive) are RFC 3339, each defaulting to seven days from
/// the other, or to the last seven days when both are missing; `pageSize` is 1 to 1000
/// (default 100); `order` is `asc` (default) or `dsc`; `organizationId` and `userId` match
/// the descriptor's `brandId` and `userId`; `directoryId`, `groupId` and `contactId` match
/// the descriptor field of that name where an event has one and are ignored where it does
/// not. Events are ordered by timestamp, then id. A `skipToken` names the last event
/// served, so paging neither skips nor repeats events while the data stays the same. Errors
/// carry Qualtrics' `meta` body: 401 `AUTH_6.0` (API token), `AUTH_6.1` (unknown bearer
/// token), `AUTH_6.2` (expired one); 400 `QVAL_5` for an empty or invalid `skipToken`,
/// `QVAL_1` for any other bad parameter.
///
/// The sandbox starts with 32 events spread over the three weeks before it started:
/// `logins` (four failed, two by proxy), `session_creations`, `session_terminations`,
/// `password_resets` and `brands`. Events are kept as the JSON the API answers with, so a
/// test can add any shape, including odd ones.
///
/// [`SandboxBuilder::qualtrics_token_lifetime`]:
///     super::server::SandboxBuilder::qualtrics_token_lifetime
#[derive(Debug, Clone)]
pub struct QualtricsSandbox {
    state: Arc<Mutex<State>>,
}

impl QualtricsSandbox {
    /// Adds `count` generated events of `activity_type`, with distinct ids and timestamps
    /// spread evenly over `[from, to)`, and returns their ids oldest first.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use chrono::{Duration, Utc};
    ///
    /// let sandbox = auditkit::testkit::Sandbox::start().await?;
    /// let to = Utc::now();
    /// let from = to - Duration::hours(1);
    /// let ids = sandbox.qualtrics().seed_events("password_resets", 10, from, to);
    /// assert_eq!(ids.len(), 10);
    /// # Ok(()) }
    /// ```
    ///
    /// The descriptors have the shape of the activity type's real events (logins,
    /// sessions, password resets; other types get `userId`, `brandId` and `ipAddress`),
    /// cycling through a few users, brands and locations. Timestamps are whole
    /// milliseconds when the window has room for that many, else finer. Given the same
    /// calls on a fresh sandbox, ids and descriptors are the same every run. An empty or
    /// reversed window adds nothing.
    pub fn seed_events(
        &self,
        activity_type: &str,
        count: usize,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<String> {
        let mut state = self.lock();
        let mut batch: Vec<Stored> = spread(count, from, to)
            .into_iter()
            .map(|at| {
                let n = state.next_event_number();
                let id = uuid_like(EVENT_SALT, n);
                let event = generate(activity_type, n, &id, at);
                Stored { key: Key { at, id }, event }
            })
            .collect();
        // Timestamps only tie in windows too short for `count`; ids then decide.
        batch.sort_by(|a, b| a.key.cmp(&b.key));
        let ids = batch.iter().map(|stored| stored.key.id.clone()).collect();
        state.insert_batch(activity_type, batch);
        ids
    }

    /// Adds one event of `activity_type`, or replaces the one with the same id, and returns
    /// its id.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use serde_json::json;
    ///
    /// let sandbox = auditkit::testkit::Sandbox::start().await?;
    /// // A timestamp without milliseconds and a descriptor field the SDK does not know.
    /// let id = sandbox.qualtrics().add_event("logins", json!({
    ///     "timestamp": "2026-03-30T08:15:00Z",
    ///     "descriptor": { "userId": "UR_1", "riskScore": 0.7 },
    /// }));
    /// assert!(sandbox.qualtrics().events("logins").iter().any(|event| event["id"] == id));
    /// # Ok(()) }
    /// ```
    ///
    /// `event` is kept as given, except that a missing `id` is assigned and a missing
    /// `timestamp` is set to now. The event is listed at its `timestamp` when that reads as
    /// a date-time (RFC 3339, or without offset, taken as UTC); a timestamp that does not
    /// (null, a number, `"yesterday"`) is sent verbatim and listed as if it happened when
    /// it was added. A value that is not an object is listed verbatim, as of now.
    pub fn add_event(&self, activity_type: &str, event: Value) -> String {
        let mut state = self.lock();
        let n = state.next_event_number();
        let stored = Stored::from_value(event, uuid_like(EVENT_SALT, n), Utc::now());
        let id = stored.key.id.clone();
        state.insert(activity_type, stored);
        id
    }

    /// Every event of `activity_type`, oldest first, as `GET logs` would send them.
    pub fn events(&self, activity_type: &str) -> Vec<Value> {
        let state = self.lock();
        let stored = state.events.get(activity_type).map(Vec::as_slice).unwrap_or_default();
        stored.iter().map(|stored| stored.event.clone()).collect()
    }

    /// Removes every event of every activity type. `logs/activitytypes` still lists the
    /// types, as an account keeps its types when nothing happened lately.
    pub fn clear_events(&self) {
        self.lock().events.values_mut().for_each(Vec::clear);
    }

    /// What `result.nextPage` holds from now on; see [`NextPageMode`].
    pub fn set_next_page(&self, mode: NextPageMode) {
        self.lock().next_page = mode;
    }

    /// How many OAuth tokens `oauth2/token` has issued, to check that a client reuses
    /// its token instead of asking for one per request.
    pub fn tokens_issued(&self) -> usize {
        self.lock().tokens_issued
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A test that panicked while holding the lock must not break the next request.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The simulator mounted at `/qualtrics`, sharing its state with a [`QualtricsSandbox`].
#[derive(Debug)]
pub(crate) struct QualtricsSimulator {
    sandbox: QualtricsSandbox,
}

/// A simulator with the seeded state, and the handle on that state.
pub(crate) fn simulator(config: Config) -> (QualtricsSimulator, QualtricsSandbox) {
    let state = State::seeded(config, Utc::now());
    let sandbox = QualtricsSandbox { state: Arc::new(Mutex::new(state)) };
    (QualtricsSimulator { sandbox: sandbox.clone() }, sandbox)
}

impl Simulator for QualtricsSimulator {
    fn prefix(&self) -> &'static str {
        PREFIX
    }

    fn handle(&self, request: &SimRequest) -> SimResponse {
        self.sandbox.lock().handle(request, Utc::now())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Token,
    Logs,
    ActivityTypes,
}

impl Route {
    fn parse(segments: &[&str]) -> Option<Self> {
        match segments {
            ["oauth2", "token"] => Some(Self::Token),
            ["API", "v3", "logs"] => Some(Self::Logs),
            ["API", "v3", "logs", "activitytypes"] => Some(Self::ActivityTypes),
            _ => None,
        }
    }

    fn method(self) -> &'static str {
        match self {
            Self::Token => "POST",
            Self::Logs | Self::ActivityTypes => "GET",
        }
    }
}

/// An API error: the code and message that go into Qualtrics' `meta.error`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl Refusal {
    fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self { status: StatusCode::BAD_REQUEST, code, message: message.into() }
    }

    fn unauthorized(code: &'static str, message: &str) -> Self {
        Self { status: StatusCode::UNAUTHORIZED, code, message: message.into() }
    }

    fn into_response(self, request_id: &str) -> SimResponse {
        let meta = json!({
            "httpStatus": http_status(self.status),
            "error": { "errorMessage": self.message, "errorCode": self.code },
            "requestId": request_id,
        });
        SimResponse::json(self.status, &json!({ "meta": meta }))
    }
}

/// `200 - OK`, `401 - Unauthorized`: how Qualtrics spells a status in `meta.httpStatus`.
fn http_status(status: StatusCode) -> String {
    format!("{} - {}", status.as_u16(), status.canonical_reason().unwrap_or("Unknown"))
}

/// The ordering key of an event: timestamp, then id, so equal timestamps still page stably.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    at: DateTime<Utc>,
    id: String,
}

#[derive(Debug)]
struct Stored {
    key: Key,
    event: Value,
}

impl Stored {
    /// Reads (and where missing, fills in) the id and timestamp of an added event.
    fn from_value(mut event: Value, fresh_id: String, now: DateTime<Utc>) -> Self {
        let Value::Object(fields) = &mut event else {
            return Self { key: Key { at: now, id: fresh_id }, event };
        };
        let id = match fields.get("id") {
            Some(Value::String(id)) => id.clone(),
            // Kept verbatim so a test can see how a client copes; sorted by its JSON text.
            Some(other) => other.to_string(),
            None => {
                fields.insert("id".into(), fresh_id.clone().into());
                fresh_id
            }
        };
        let at = match fields.get("timestamp") {
            Some(Value::String(text)) => crate::datetime::parse(text).unwrap_or(now),
            Some(_) => now,
            None => {
                let at = truncate_to_millis(now);
                fields.insert("timestamp".into(), format_time(at).into());
                at
            }
        };
        Self { key: Key { at, id }, event }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    Asc,
    Desc,
}

/// A descriptor filter from the query.
#[derive(Debug)]
struct Filter<'a> {
    /// JSON pointer into the event (`/descriptor/brandId`).
    pointer: &'static str,
    value: &'a str,
    /// Whether an event without the field fails the filter (else it passes).
    required: bool,
}

impl Filter<'_> {
    fn accepts(&self, event: &Value) -> bool {
        match event.pointer(self.pointer) {
            Some(Value::String(value)) => value == self.value,
            None | Some(Value::Null) => !self.required,
            Some(_) => false,
        }
    }
}

/// A validated `GET logs` query.
#[derive(Debug)]
struct LogsQuery<'a> {
    activity_type: &'a str,
    filters: Vec<Filter<'a>>,
    page_size: usize,
    order: Order,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    /// The last event of the previous page.
    after: Option<Key>,
}

impl<'a> LogsQuery<'a> {
    fn parse(request: &'a SimRequest, now: DateTime<Utc>) -> Result<Self, Refusal> {
        let activity_type = match request.query_param("activityType") {
            Some(name) if !name.trim().is_empty() => name,
            _ => return Err(Refusal::bad_request("QVAL_1", "activityType is required")),
        };
        let mut filters = Vec::new();
        for (param, pointer, required) in [
            ("organizationId", "/descriptor/brandId", true),
            ("userId", "/descriptor/userId", true),
            ("directoryId", "/descriptor/directoryId", false),
            ("groupId", "/descriptor/groupId", false),
            ("contactId", "/descriptor/contactId", false),
        ] {
            if let Some(value) = request.query_param(param) {
                filters.push(Filter { pointer, value, required });
            }
        }
        let page_size = match request.query_param("pageSize") {
            None => DEFAULT_PAGE_SIZE,
            Some(text) => match text.parse::<usize>() {
                Ok(size) if (1..=MAX_PAGE_SIZE).contains(&size) => size,
                _ => {
                    return Err(Refusal::bad_request(
                        "QVAL_1",
                        format!(
                            "pageSize must be a number from 1 to {MAX_PAGE_SIZE}, not `{text}`"
                        ),
                    ));
                }
            },
        };
        let order = match request.query_param("order") {
            None | Some("asc") => Order::Asc,
            Some("dsc") => Order::Desc,
            Some(other) => {
                return Err(Refusal::bad_request(
                    "QVAL_1",
                    format!("order must be `asc` or `dsc`, not `{other}`"),
                ));
            }
        };
        let (start, end) = match (date(request, "startDate")?, date(request, "endDate")?) {
            (Some(start), Some(end)) => (start, end),
            (Some(start), None) => (start, start + DEFAULT_WINDOW),
            (None, Some(end)) => (end - DEFAULT_WINDOW, end),
            (None, None) => (now - DEFAULT_WINDOW, now),
        };
        if start >= end {
            return Err(Refusal::bad_request("QVAL_1", "startDate must be before endDate"));
        }
        let after = match request.query_param("skipToken") {
            None => None,
            Some("") => return Err(Refusal::bad_request("QVAL_5", "skipToken must not be empty")),
            Some(token) => Some(decode_token(token).ok_or_else(|| {
                Refusal::bad_request("QVAL_5", format!("skipToken `{token}` is not valid"))
            })?),
        };
        Ok(Self { activity_type, filters, page_size, order, start, end, after })
    }

    fn accepts(&self, event: &Value) -> bool {
        self.filters.iter().all(|filter| filter.accepts(event))
    }
}

/// An RFC 3339 query date, or the 400 naming it.
fn date(request: &SimRequest, name: &str) -> Result<Option<DateTime<Utc>>, Refusal> {
    let Some(text) = request.query_param(name) else {
        return Ok(None);
    };
    match DateTime::parse_from_rfc3339(text) {
        Ok(at) => Ok(Some(at.to_utc())),
        Err(_) => Err(Refusal::bad_request(
            "QVAL_1",
            format!(
                "{name} must be an RFC 3339 date-time (2026-03-30T08:15:00.000Z), not `{text}`"
            ),
        )),
    }
}

#[derive(Debug)]
struct State {
    /// Activity type → its events, sorted by [`Key`] at insertion so that a page costs a
    /// binary search and a walk, not a sort.
    events: BTreeMap<String, Vec<Stored>>,
    next_page: NextPageMode,
    token_lifetime: Duration,
    /// Access token → when it expires.
    tokens: HashMap<String, Instant>,
    tokens_issued: usize,
    events_made: u64,
    requests_answered: u64,
}

impl State {
    fn new(config: Config) -> Self {
        Self {
            events: BTreeMap::new(),
            next_page: config.next_page,
            token_lifetime: config.token_lifetime.unwrap_or(DEFAULT_TOKEN_LIFETIME),
            tokens: HashMap::new(),
            tokens_issued: 0,
            events_made: 0,
            requests_answered: 0,
        }
    }

    fn next_event_number(&mut self) -> u64 {
        self.events_made += 1;
        self.events_made
    }

    fn insert(&mut self, activity_type: &str, stored: Stored) {
        let events = self.events.entry(activity_type.to_owned()).or_default();
        events.retain(|old| old.key.id != stored.key.id);
        let at = events.partition_point(|old| old.key < stored.key);
        events.insert(at, stored);
    }

    fn insert_batch(&mut self, activity_type: &str, batch: Vec<Stored>) {
        let events = self.events.entry(activity_type.to_owned()).or_default();
        events.extend(batch);
        // Two sorted runs: the stable sort merges them in linear time.
        events.sort_by(|a, b| a.key.cmp(&b.key));
    }

    fn handle(&mut self, request: &SimRequest, now: DateTime<Utc>) -> SimResponse {
        self.requests_answered += 1;
        let request_id = uuid_like(REQUEST_SALT, self.requests_answered);
        let Some(route) = Route::parse(&request.segments()) else {
            let message = format!("no Qualtrics endpoint at {PREFIX}{}", request.path);
            let refusal = Refusal { status: StatusCode::NOT_FOUND, code: "NOT_FOUND", message };
            return refusal.into_response(&request_id);
        };
        if request.method.as_str() != route.method() {
            let refusal = Refusal {
                status: StatusCode::METHOD_NOT_ALLOWED,
                code: "METHOD_NOT_ALLOWED",
                message: format!("{} is not allowed here; use {}", request.method, route.method()),
            };
            return refusal.into_response(&request_id).with_header(ALLOW, route.method());
        }
        if route == Route::Token {
            return self.issue_token(request);
        }
        if let Err(refusal) = self.authorize(request) {
            return refusal.into_response(&request_id);
        }
        if route == Route::ActivityTypes {
            return success(self.activity_types(), &request_id);
        }
        match LogsQuery::parse(request, now) {
            Ok(query) => success(self.logs(request, &query), &request_id),
            Err(refusal) => refusal.into_response(&request_id),
        }
    }

    /// Accepts the API token or a live bearer token, whichever is present and valid.
    fn authorize(&self, request: &SimRequest) -> Result<(), Refusal> {
        let api_token = request.header("x-api-token");
        if api_token == Some(API_TOKEN) {
            return Ok(());
        }
        let bearer = request.header("authorization").and_then(|value| scheme(value, "Bearer"));
        match bearer.map(|token| self.tokens.get(token)) {
            Some(Some(expires)) if Instant::now() < *expires => Ok(()),
            Some(Some(_)) => Err(Refusal::unauthorized("AUTH_6.2", "The access token has expired")),
            Some(None) => Err(Refusal::unauthorized("AUTH_6.1", "The access token is not valid")),
            None if api_token.is_some() => {
                Err(Refusal::unauthorized("AUTH_6.0", "The X-API-TOKEN is not valid"))
            }
            None => Err(Refusal::unauthorized(
                "AUTH_6.0",
                "Authenticate with an X-API-TOKEN header or an OAuth bearer token",
            )),
        }
    }

    /// `POST oauth2/token`, answered the way an OAuth 2 server does (RFC 6749 §5).
    fn issue_token(&mut self, request: &SimRequest) -> SimResponse {
        let oauth_error = |status, error: &str, description: &str| {
            let body = json!({ "error": error, "error_description": description });
            SimResponse::json(status, &body).with_header(CACHE_CONTROL, "no-store")
        };
        let client = request.header("authorization").and_then(|value| scheme(value, "Basic"));
        let client = client.and_then(base64_decode).and_then(|bytes| String::from_utf8(bytes).ok());
        let expected = format!("{CLIENT_ID}:{CLIENT_SECRET}");
        if client.as_deref() != Some(expected.as_str()) {
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Client authentication failed: send the client id and secret as HTTP Basic",
            )
            .with_header(WWW_AUTHENTICATE, "Basic realm=\"qualtrics\"");
        }
        let form: Vec<(String, String)> =
            url::form_urlencoded::parse(&request.body).into_owned().collect();
        let field = |name: &str| form.iter().find(|(key, _)| key == name).map(|(_, v)| v.as_str());
        match field("grant_type") {
            Some("client_credentials") => {}
            Some(_) => {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "unsupported_grant_type",
                    "Only grant_type=client_credentials is supported",
                );
            }
            None => {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "grant_type is required",
                );
            }
        }
        if !field("scope").is_some_and(|scope| scope.split(' ').any(|s| s == SCOPE)) {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                "The audit log needs scope read:activity_logs",
            );
        }
        let now = Instant::now();
        self.tokens.retain(|_, expires| now < *expires);
        self.tokens_issued += 1;
        let token = format!("sbx-token-{}", self.tokens_issued);
        self.tokens.insert(token.clone(), now + self.token_lifetime);
        let body = json!({
            "access_token": token,
            "token_type": "Bearer",
            // Rounded down, so a client that trusts it never uses a token past its end.
            "expires_in": self.token_lifetime.as_secs(),
            "scope": SCOPE,
        });
        SimResponse::json(StatusCode::OK, &body).with_header(CACHE_CONTROL, "no-store")
    }

    fn activity_types(&self) -> Value {
        let elements: Vec<Value> = self
            .events
            .keys()
            .map(|name| json!({ "name": name, "additionalFilters": additional_filters(name) }))
            .collect();
        // No `nextPage` key: the real answer leaves it out too.
        json!({ "elements": elements })
    }

    fn logs<'s>(&'s self, request: &SimRequest, query: &LogsQuery<'_>) -> EventPage<'s> {
        let events = self.events.get(query.activity_type).map(Vec::as_slice).unwrap_or_default();
        let mut lower = events.partition_point(|stored| stored.key.at < query.start);
        let mut upper = events.partition_point(|stored| stored.key.at < query.end);
        match (&query.after, query.order) {
            (Some(after), Order::Asc) => {
                lower = lower.max(events.partition_point(|stored| stored.key <= *after));
            }
            (Some(after), Order::Desc) => {
                upper = upper.min(events.partition_point(|stored| stored.key < *after));
            }
            (None, _) => {}
        }
        let window = events.get(lower..upper).unwrap_or_default();
        let (page, more) = match query.order {
            Order::Asc => take_page(window.iter(), query),
            Order::Desc => take_page(window.iter().rev(), query),
        };
        let next_page = match page.last() {
            Some(last) if more => Some(self.next_page(request, &last.key)),
            _ => None,
        };
        EventPage { elements: page.into_iter().map(|stored| &stored.event).collect(), next_page }
    }

    fn next_page(&self, request: &SimRequest, last: &Key) -> String {
        let token = encode_token(last);
        if self.next_page == NextPageMode::BareToken {
            return token;
        }
        let path = format!("{}/API/v3/logs", PREFIX.trim_start_matches('/'));
        let Ok(mut url) = request.base_url.join(&path) else {
            // The root is a valid http URL and the path is fixed: cannot happen.
            return token;
        };
        url.query_pairs_mut()
            .extend_pairs(request.query.iter().filter(|(name, _)| name != "skipToken"))
            .append_pair("skipToken", &token);
        url.into()
    }

    fn seeded(config: Config, started: DateTime<Utc>) -> Self {
        let mut state = Self::new(config);
        let started = truncate_to_millis(started);
        for (activity_type, hours_ago) in SEED {
            let mut batch = Vec::new();
            for (variant, hours) in (0u64..).zip(hours_ago.iter().copied()) {
                // Minutes, seconds and milliseconds off the hour, so no two look alike.
                let jitter_ms = (variant * 1_234_567 + hours * 7_919) % 3_600_000;
                let ago =
                    TimeDelta::hours(hours as i64) + TimeDelta::milliseconds(jitter_ms as i64);
                let at = started - ago;
                let n = state.next_event_number();
                let id = uuid_like(EVENT_SALT, n);
                let event = generate(activity_type, variant, &id, at);
                batch.push(Stored { key: Key { at, id }, event });
            }
            batch.sort_by(|a, b| a.key.cmp(&b.key));
            state.insert_batch(activity_type, batch);
        }
        state
    }
}

/// A success answer, `{"result": …, "meta": {…}}`, serialized straight from the state.
fn success(result: impl Serialize, request_id: &str) -> SimResponse {
    #[derive(Serialize)]
    struct Body<'a, T> {
        result: T,
        meta: Meta<'a>,
    }
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Meta<'a> {
        http_status: String,
        request_id: &'a str,
    }
    let meta = Meta { http_status: http_status(StatusCode::OK), request_id };
    // Borrowed `Value`s and strings always serialize.
    let body = serde_json::to_vec(&Body { result, meta }).unwrap_or_default();
    SimResponse::bytes(StatusCode::OK, "application/json; charset=utf-8", body.into())
}

/// One page of `GET logs`, borrowing the events so a page of 1000 is not copied first.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct EventPage<'s> {
    elements: Vec<&'s Value>,
    /// Serialized as null on the last page, as the published example shows.
    next_page: Option<String>,
}

/// Up to `page_size` events that pass the filters, and whether another one follows.
fn take_page<'e>(
    events: impl Iterator<Item = &'e Stored>,
    query: &LogsQuery<'_>,
) -> (Vec<&'e Stored>, bool) {
    let mut matching = events.filter(|stored| query.accepts(&stored.event));
    let page: Vec<&Stored> = matching.by_ref().take(query.page_size).collect();
    let more = matching.next().is_some();
    (page, more)
}

/// The credentials after `Basic ` or `Bearer ` (the scheme's case does not matter).
fn scheme<'a>(value: &'a str, name: &str) -> Option<&'a str> {
    let (given, rest) = value.trim().split_once(' ')?;
    given.eq_ignore_ascii_case(name).then(|| rest.trim())
}

fn additional_filters(activity_type: &str) -> &'static [&'static str] {
    match activity_type {
        "brands" => &["organizationId"],
        "directory" | "directory_setting" => &["organizationId", "directoryId"],
        "contact" | "contact_list" => &["organizationId", "directoryId", "contactId"],
        _ => &["organizationId", "userId"],
    }
}

/// The skip token: standard base64 (its `+`, `/` and `=` test a client's URL encoding) of
/// the last event's key, so a page starts right after it whatever was added before it.
fn encode_token(last: &Key) -> String {
    let text =
        format!("v1|{}|{}|{}", last.at.timestamp(), last.at.timestamp_subsec_nanos(), last.id);
    base64_encode(text.as_bytes())
}

fn decode_token(token: &str) -> Option<Key> {
    let text = String::from_utf8(base64_decode(token)?).ok()?;
    let mut parts = text.strip_prefix("v1|")?.splitn(3, '|');
    let seconds = parts.next()?.parse().ok()?;
    let nanos = parts.next()?.parse().ok()?;
    let id = parts.next()?.to_owned();
    Some(Key { at: DateTime::from_timestamp(seconds, nanos)?, id })
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(input: &[u8]) -> String {
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let bits = byte(0) << 16 | byte(1) << 8 | byte(2);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(BASE64[(bits >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Standard base64 with padding; `None` for anything else.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let input = text.as_bytes();
    if !input.len().is_multiple_of(4) {
        return None;
    }
    let quads = input.len() / 4;
    let mut out = Vec::with_capacity(quads * 3);
    for (index, quad) in input.chunks(4).enumerate() {
        let padding = quad.iter().rev().take_while(|&&c| c == b'=').count();
        if padding > 2 || (padding > 0 && index + 1 != quads) {
            return None;
        }
        let mut bits = 0u32;
        for &c in &quad[..4 - padding] {
            bits = bits << 6 | BASE64.iter().position(|&a| a == c)? as u32;
        }
        bits <<= 6 * padding as u32;
        out.extend_from_slice(&bits.to_be_bytes()[1..4 - padding]);
    }
    Some(out)
}

/// A mixing function (splitmix64): a bijection on `u64`, so distinct inputs give distinct
/// outputs.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A deterministic UUID-shaped id (version 4 layout). All 64 bits of `mix(n ^ salt)` are
/// in it, so distinct `n` give distinct ids.
fn uuid_like(salt: u64, n: u64) -> String {
    let high = mix(n ^ salt);
    let low = mix(high ^ n.rotate_left(32));
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0x0fff,
        0x8000 | (((high >> 12) & 0xf) << 10) | (low >> 54),
        low & 0xffff_ffff_ffff,
    )
}

/// `count` instants spread evenly over `[from, to)`, ascending: on whole milliseconds when
/// the window has at least `count` of them, else on nanoseconds.
fn spread(count: usize, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    const NANOS_PER_SECOND: i128 = 1_000_000_000;
    const NANOS_PER_MILLI: i128 = 1_000_000;
    if count == 0 || from >= to {
        return Vec::new();
    }
    let nanos = |at: DateTime<Utc>| {
        i128::from(at.timestamp()) * NANOS_PER_SECOND + i128::from(at.timestamp_subsec_nanos())
    };
    let ceil_div = |a: i128, b: i128| -((-a).div_euclid(b));
    let (from, to, count) = (nanos(from), nanos(to), count as i128);
    // The whole milliseconds m with from <= m < to are first_ms..end_ms.
    let (first_ms, end_ms) = (ceil_div(from, NANOS_PER_MILLI), ceil_div(to, NANOS_PER_MILLI));
    let (base, span, unit) = if end_ms - first_ms >= count {
        (first_ms, end_ms - first_ms, NANOS_PER_MILLI)
    } else {
        (from, to - from, 1)
    };
    (0..count)
        .filter_map(|i| {
            let at = (base + span * i / count) * unit;
            let seconds = i64::try_from(at.div_euclid(NANOS_PER_SECOND)).ok()?;
            let subsec = u32::try_from(at.rem_euclid(NANOS_PER_SECOND)).ok()?;
            DateTime::from_timestamp(seconds, subsec)
        })
        .collect()
}

fn truncate_to_millis(at: DateTime<Utc>) -> DateTime<Utc> {
    let millis = at.timestamp_millis();
    DateTime::from_timestamp_millis(millis).unwrap_or(at)
}

/// RFC 3339 with `Z`, in milliseconds like the API unless the instant needs more digits.
fn format_time(at: DateTime<Utc>) -> String {
    let precision = if at.timestamp_subsec_nanos().is_multiple_of(1_000_000) {
        SecondsFormat::Millis
    } else {
        SecondsFormat::AutoSi
    };
    at.to_rfc3339_opts(precision, true)
}

/// The events the sandbox starts with: per activity type, how many hours before the start
/// each happened. Seven days before the start splits them for the default window.
const SEED: [(&str, &[u64]); 5] = [
    ("logins", &[2, 9, 27, 50, 75, 100, 130, 170, 200, 260, 320, 380, 430, 490]),
    ("session_creations", &[3, 51, 101, 171, 261, 381]),
    ("session_terminations", &[1, 48, 98, 165, 258]),
    ("password_resets", &[30, 140, 310, 470]),
    ("brands", &[20, 220, 400]),
];

/// (userId, username, brandId).
const USERS: [(&str, &str, &str); 5] = [
    ("UR_cVcNH0elQesua8J", "example@gmail.com", "apidocs"),
    ("UR_3kF9aQ1bXy7LmN2", "ana.lima@acme.example", "acme"),
    ("UR_8Hd2pQ7rTzW4sV1", "ben.okafor@acme.example", "acme"),
    ("UR_5Jx1mR8cVb2NqK6", "chloe.martin@globex.example", "globex"),
    ("UR_9Tn4wE6yUi3OpA7", "admin@globex.example", "globex"),
];

/// The brand administrator who acts for others (proxy logins, resets by an agent).
const ADMIN: usize = 4;

fn pick<T: Clone>(items: &[T], n: u64) -> T {
    items[(n % items.len() as u64) as usize].clone()
}

/// An IP address and where geolocation puts it. Outside the US the Nielsen codes are
/// null, as in real answers.
fn network(n: u64) -> (&'static str, Value) {
    match n % 4 {
        0 => (
            "165.225.38.31",
            json!({ "countryCode": "US", "region": "NJ", "city": "Hoboken", "postalCode": "07030",
                    "latitude": 40.742401123046875, "longitude": -74.03250122070312,
                    "dmaCode": 501, "areaCode": 201, "metroCode": 501 }),
        ),
        1 => (
            "198.51.100.24",
            json!({ "countryCode": "US", "region": "UT", "city": "Provo", "postalCode": "84604",
                    "latitude": 40.2338, "longitude": -111.6585,
                    "dmaCode": 770, "areaCode": 801, "metroCode": 770 }),
        ),
        2 => (
            "203.0.113.77",
            json!({ "countryCode": "IE", "region": "L", "city": "Dublin", "postalCode": "D02",
                    "latitude": 53.3498, "longitude": -6.2603,
                    "dmaCode": null, "areaCode": null, "metroCode": null }),
        ),
        _ => (
            "192.0.2.140",
            json!({ "countryCode": "AU", "region": "NSW", "city": "Sydney", "postalCode": "2000",
                    "latitude": -33.8688, "longitude": 151.2093,
                    "dmaCode": 0, "areaCode": 0, "metroCode": 0 }),
        ),
    }
}

fn platform(n: u64) -> Value {
    match n % 3 {
        0 => json!({ "userAgent": "Chrome", "userAgentVersion": "124.0.6367.91",
                     "operatingSystem": "Windows", "operatingSystemVersion": "10",
                     "deviceFamily": "Other" }),
        1 => json!({ "userAgent": "Firefox", "userAgentVersion": "125.0",
                     "operatingSystem": "Ubuntu", "operatingSystemVersion": null,
                     "deviceFamily": "Other" }),
        _ => json!({ "userAgent": "Mobile Safari", "userAgentVersion": "17.4",
                     "operatingSystem": "iOS", "operatingSystemVersion": "17.4.1",
                     "deviceFamily": "iPhone" }),
    }
}

fn session_id(n: u64) -> String {
    format!("SE_{:016x}", mix(n ^ 0x5345))
}

/// A whole event of `activity_type`; `variant` picks the user, place and outcome.
fn generate(activity_type: &str, variant: u64, id: &str, at: DateTime<Utc>) -> Value {
    let (user_id, username, brand_id) = pick(&USERS, variant);
    let (admin_id, _, _) = USERS[ADMIN];
    let (ip_address, location) = network(variant / 2);
    let (source, descriptor) = match activity_type {
        "logins" => {
            let failure = match variant % 5 {
                3 => Some("Invalid username or password"),
                _ if variant % 11 == 7 => Some("Account locked after too many failed attempts"),
                _ => None,
            };
            let proxy = variant % 7 == 5 && failure.is_none();
            let product = pick(&["ControlPanel", "XM", "EX"], variant);
            let sso = brand_id == "globex";
            let second_factor = (variant % 6 == 1).then(|| json!({ "type": "TOTP" }));
            // The published example has no session on a successful login either.
            let session =
                (failure.is_none() && variant.is_multiple_of(2)).then(|| session_id(variant));
            let proxy_details =
                proxy.then(|| json!({ "proxyUserId": admin_id, "proxyBrandId": brand_id }));
            let url = format!("https://{brand_id}.iad1.qualtrics.com/login?path=%2F{product}%2F");
            let descriptor = json!({
                "userId": user_id,
                "username": username,
                "brandId": brand_id,
                "sessionId": session,
                "isSuccessful": failure.is_none(),
                "failureReason": failure,
                "isProxyLogin": proxy,
                "proxyDetails": proxy_details,
                "product": product,
                "url": format!("{url}&product={product}"),
                "ipAddress": ip_address,
                "location": location,
                "authentication": {
                    "method": if sso { "SSO" } else { "BASIC" },
                    "methodVersion": sso.then_some("SAML2"),
                    "secondFactor": second_factor,
                },
                "platform": platform(variant),
            });
            ("login5-app.g1-iad.qops.net", descriptor)
        }
        "session_creations" | "session_terminations" => {
            let terminated = activity_type == "session_terminations";
            let descriptor = json!({
                "userId": user_id,
                "brandId": brand_id,
                "sessionId": session_id(variant),
                "terminationTimestamp": terminated.then(|| format_time(at)),
                "ipAddress": ip_address,
                // Geolocation sometimes finds nothing.
                "location": if variant % 5 == 4 { Value::Null } else { location },
            });
            ("session2-app.g1-iad.qops.net", descriptor)
        }
        "password_resets" => {
            let by_admin = variant % 2 == 1;
            let reason = if by_admin {
                "ADMIN_RESET"
            } else {
                pick(&["FORGOT_PASSWORD", "PASSWORD_EXPIRED"], variant / 2)
            };
            let descriptor = json!({
                "userId": user_id,
                "brandId": brand_id,
                "agentUserId": by_admin.then_some(admin_id),
                "agentSessionId": by_admin.then(|| session_id(variant ^ 0xad)),
                "reason": reason,
                "ipAddress": ip_address,
                "location": location,
                "validationRules": {
                    // Some brands never make passwords expire.
                    "maxPasswordAgeDays": (brand_id != "acme").then_some(90),
                    "minPasswordLength": 12,
                    "requireUppercase": true,
                    "requireLowercase": true,
                    "requireNumber": true,
                    "requireSpecialCharacter": brand_id == "globex",
                    "passwordHistoryCount": 5,
                },
            });
            ("accounts1-app.g1-iad.qops.net", descriptor)
        }
        "brands" => {
            let (setting, old, new) = pick(
                &[
                    ("sessionTimeoutMinutes", json!(60), json!(30)),
                    ("ssoEnabled", json!(false), json!(true)),
                    ("defaultLanguage", json!("EN"), json!("EN-GB")),
                ],
                variant,
            );
            let descriptor = json!({
                "brandId": brand_id,
                "userId": admin_id,
                "action": "UPDATE_BRAND_SETTING",
                "setting": setting,
                "oldValue": old,
                "newValue": new,
                "ipAddress": ip_address,
            });
            ("admin3-app.g1-iad.qops.net", descriptor)
        }
        _ => {
            let descriptor =
                json!({ "userId": user_id, "brandId": brand_id, "ipAddress": ip_address });
            ("audit1-app.g1-iad.qops.net", descriptor)
        }
    };
    let mut event = Map::new();
    event.insert("id".into(), id.into());
    event.insert("timestamp".into(), format_time(at).into());
    event.insert("datacenter".into(), DATACENTER.into());
    event.insert("source".into(), source.into());
    event.insert("descriptor".into(), descriptor);
    Value::Object(event)
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use hyper::{
        HeaderMap, Method,
        header::{HeaderName, HeaderValue},
    };
    use url::Url;

    use super::*;

    const BASIC: &str =
        "Basic c2FuZGJveC1xdWFsdHJpY3MtY2xpZW50OnNhbmRib3gtcXVhbHRyaWNzLXNlY3JldA==";
    const TOKEN_FORM: &str = "grant_type=client_credentials&scope=read%3Aactivity_logs";

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).map(|at| at.to_utc()).unwrap_or_else(|e| panic!("{e}"))
    }

    fn millis(at: DateTime<Utc>) -> String {
        at.to_rfc3339_opts(SecondsFormat::Millis, true)
    }

    fn sandbox(config: Config) -> QualtricsSandbox {
        QualtricsSandbox { state: Arc::new(Mutex::new(State::new(config))) }
    }

    struct Answer {
        status: StatusCode,
        headers: HeaderMap,
        body: Value,
    }

    fn call(
        sandbox: &QualtricsSandbox,
        method: Method,
        target: &str,
        headers: &[(&str, &str)],
        body: &str,
        now: DateTime<Utc>,
    ) -> Answer {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let mut header_map = HeaderMap::new();
        for (name, value) in headers {
            header_map.insert(
                HeaderName::from_bytes(name.as_bytes()).unwrap_or_else(|e| panic!("{e}")),
                HeaderValue::from_str(value).unwrap_or_else(|e| panic!("{e}")),
            );
        }
        let request = SimRequest {
            method,
            path: path.to_owned(),
            query: url::form_urlencoded::parse(query.as_bytes()).into_owned().collect(),
            headers: header_map,
            body: Bytes::from(body.to_owned()),
            base_url: Url::parse("http://127.0.0.1:9/").unwrap_or_else(|e| panic!("{e}")),
        };
        let response = sandbox.lock().handle(&request, now);
        let body = serde_json::from_slice(&response.body.into_bytes()).unwrap_or(Value::Null);
        Answer { status: response.status, headers: response.headers, body }
    }

    /// `GET /API/v3/logs?{query}` with the API token, at `now`.
    fn logs_at(sandbox: &QualtricsSandbox, query: &str, now: DateTime<Utc>) -> Answer {
        let target = format!("/API/v3/logs?{query}");
        call(sandbox, Method::GET, &target, &[("x-api-token", API_TOKEN)], "", now)
    }

    fn logs(sandbox: &QualtricsSandbox, query: &str) -> Answer {
        logs_at(sandbox, query, Utc::now())
    }

    fn ids(answer: &Answer) -> Vec<String> {
        let elements = answer.body["result"]["elements"].as_array().cloned().unwrap_or_default();
        elements.iter().map(|event| event["id"].as_str().unwrap_or("?").to_owned()).collect()
    }

    fn error_code(answer: &Answer) -> &str {
        answer.body["meta"]["error"]["errorCode"].as_str().unwrap_or("")
    }

    /// Adds `logins` events with these ids at these instants.
    fn add(sandbox: &QualtricsSandbox, events: &[(&str, &str)]) {
        for (id, timestamp) in events {
            sandbox.add_event("logins", json!({ "id": id, "timestamp": timestamp }));
        }
    }

    #[test]
    fn without_dates_the_window_is_the_seven_days_before_now() {
        let sandbox = sandbox(Config::default());
        let now = at("2026-03-10T12:00:00.000Z");
        add(
            &sandbox,
            &[
                ("too-old", "2026-03-03T11:59:59.999Z"),
                ("first", "2026-03-03T12:00:00.000Z"),
                ("last", "2026-03-10T11:59:59.999Z"),
                ("now", "2026-03-10T12:00:00.000Z"),
            ],
        );
        assert_eq!(ids(&logs_at(&sandbox, "activityType=logins", now)), ["first", "last"]);
    }

    #[test]
    fn a_missing_end_is_seven_days_after_the_start_and_a_missing_start_before_the_end() {
        let sandbox = sandbox(Config::default());
        add(
            &sandbox,
            &[
                ("a", "2026-01-01T00:00:00.000Z"),
                ("b", "2026-01-07T23:59:59.999Z"),
                ("c", "2026-01-08T00:00:00.000Z"),
            ],
        );
        let start = logs(&sandbox, "activityType=logins&startDate=2026-01-01T00:00:00Z");
        assert_eq!(ids(&start), ["a", "b"]);
        let end = logs(&sandbox, "activityType=logins&endDate=2026-01-08T00:00:00.001Z");
        assert_eq!(ids(&end), ["b", "c"]);
    }

    #[test]
    fn start_is_inclusive_end_exclusive_and_offsets_are_honoured() {
        let sandbox = sandbox(Config::default());
        add(&sandbox, &[("a", "2026-02-01T10:00:00.000Z"), ("b", "2026-02-01T11:00:00.000Z")]);
        let query =
            "activityType=logins&startDate=2026-02-01T10:00:00Z&endDate=2026-02-01T11:00:00Z";
        assert_eq!(ids(&logs(&sandbox, query)), ["a"]);
        // The same window written at UTC−05:00.
        let query = "activityType=logins&startDate=2026-02-01T05:00:00.000-05:00\
                     &endDate=2026-02-01T06:00:00.001-05:00";
        assert_eq!(ids(&logs(&sandbox, query)), ["a", "b"]);
    }

    #[test]
    fn bad_dates_and_empty_windows_are_400s() {
        let sandbox = sandbox(Config::default());
        for query in [
            "startDate=2026-02-01",
            "endDate=yesterday",
            "startDate=2026-02-01T10:00:00Z&endDate=2026-02-01T10:00:00Z",
            "startDate=2026-02-02T00:00:00Z&endDate=2026-02-01T00:00:00Z",
        ] {
            let answer = logs(&sandbox, &format!("activityType=logins&{query}"));
            assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
            assert_eq!(answer.body["meta"]["httpStatus"], "400 - Bad Request");
            assert_eq!(error_code(&answer), "QVAL_1");
        }
    }

    #[test]
    fn dsc_lists_newest_first_and_other_orders_are_400s() {
        let sandbox = sandbox(Config::default());
        // The same instant twice: the id breaks the tie, both ways round.
        add(
            &sandbox,
            &[
                ("b", "2026-02-01T10:00:00.000Z"),
                ("a", "2026-02-01T10:00:00.000Z"),
                ("c", "2026-02-01T09:00:00.000Z"),
            ],
        );
        let window = "activityType=logins&startDate=2026-02-01T00:00:00Z";
        assert_eq!(ids(&logs(&sandbox, window)), ["c", "a", "b"]);
        assert_eq!(ids(&logs(&sandbox, &format!("{window}&order=asc"))), ["c", "a", "b"]);
        assert_eq!(ids(&logs(&sandbox, &format!("{window}&order=dsc"))), ["b", "a", "c"]);
        for order in ["desc", "ASC", ""] {
            let answer = logs(&sandbox, &format!("{window}&order={order}"));
            assert_eq!(answer.status, StatusCode::BAD_REQUEST, "order={order}");
            assert!(answer.body["meta"]["error"]["errorMessage"].as_str().is_some());
        }
    }

    #[test]
    fn page_size_defaults_to_100_and_must_be_1_to_1000() {
        let sandbox = sandbox(Config::default());
        let (from, to) = (at("2026-01-01T00:00:00Z"), at("2026-01-02T00:00:00Z"));
        sandbox.seed_events("logins", 1001, from, to);
        let window = "activityType=logins&startDate=2026-01-01T00:00:00Z";
        assert_eq!(ids(&logs(&sandbox, window)).len(), 100);
        let max = logs(&sandbox, &format!("{window}&pageSize=1000"));
        assert_eq!(ids(&max).len(), 1000);
        assert!(max.body["result"]["nextPage"].is_string());
        assert_eq!(ids(&logs(&sandbox, &format!("{window}&pageSize=1"))).len(), 1);
        for size in ["0", "1001", "-1", "ten", ""] {
            let answer = logs(&sandbox, &format!("{window}&pageSize={size}"));
            assert_eq!(answer.status, StatusCode::BAD_REQUEST, "pageSize={size}");
            assert_eq!(error_code(&answer), "QVAL_1");
        }
    }

    /// Follows bare tokens to the end and returns every id in the order served.
    fn drain(sandbox: &QualtricsSandbox, query: &str) -> Vec<String> {
        let mut all = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..10_000 {
            let mut target = query.to_owned();
            if let Some(token) = &token {
                let encoded: String =
                    url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
                target.push_str(&format!("&skipToken={encoded}"));
            }
            let answer = logs(sandbox, &target);
            assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
            all.extend(ids(&answer));
            match answer.body["result"]["nextPage"].as_str() {
                Some(next) => token = Some(next.to_owned()),
                None => return all,
            }
        }
        panic!("paging did not end");
    }

    #[test]
    fn paging_either_way_serves_every_event_once_even_with_equal_timestamps() {
        let sandbox = sandbox(Config { next_page: NextPageMode::BareToken, ..Config::default() });
        let (from, to) = (at("2026-01-01T00:00:00Z"), at("2026-01-02T00:00:00Z"));
        let seeded = sandbox.seed_events("logins", 50, from, to);
        // Seven more at one instant (which one seeded event shares), added out of order.
        for id in ["t6", "t2", "t0", "t4", "t1", "t5", "t3"] {
            sandbox.add_event("logins", json!({ "id": id, "timestamp": "2026-01-01T12:00:00Z" }));
        }
        let expected: Vec<String> = sandbox
            .events("logins")
            .iter()
            .map(|event| event["id"].as_str().unwrap_or_default().to_owned())
            .collect();
        let (ties, rest): (Vec<&String>, Vec<&String>) =
            expected.iter().partition(|id| id.starts_with('t'));
        assert_eq!(ties, ["t0", "t1", "t2", "t3", "t4", "t5", "t6"]);
        assert_eq!(rest, seeded.iter().collect::<Vec<_>>());

        let window = "activityType=logins&startDate=2026-01-01T00:00:00Z";
        let mut reversed = expected.clone();
        reversed.reverse();
        for size in [1, 3, 7, 57, 100] {
            let asc = drain(&sandbox, &format!("{window}&pageSize={size}"));
            assert_eq!(asc, expected, "asc, pageSize={size}");
            let dsc = drain(&sandbox, &format!("{window}&pageSize={size}&order=dsc"));
            assert_eq!(dsc, reversed, "dsc, pageSize={size}");
        }
    }

    #[test]
    fn an_empty_skip_token_is_qval_5_and_a_malformed_one_a_400() {
        let sandbox = sandbox(Config::default());
        let answer = logs(&sandbox, "activityType=logins&skipToken=");
        assert_eq!((answer.status, error_code(&answer)), (StatusCode::BAD_REQUEST, "QVAL_5"));
        let forged = base64_encode(b"v1|not-a-number|0|x");
        for token in ["!!!", "abc", "bm9uc2Vuc2U=", forged.as_str()] {
            let encoded: String = url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
            let answer = logs(&sandbox, &format!("activityType=logins&skipToken={encoded}"));
            assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{token}");
            assert_eq!(error_code(&answer), "QVAL_5");
        }
    }

    fn next_page(answer: &Answer) -> Option<String> {
        answer.body["result"]["nextPage"].as_str().map(str::to_owned)
    }

    #[test]
    fn next_page_is_the_request_url_with_a_new_token_or_the_bare_token_and_null_at_the_end() {
        let sandbox = sandbox(Config::default());
        let (from, to) = (at("2026-01-01T00:00:00Z"), at("2026-01-02T00:00:00Z"));
        let seeded = sandbox.seed_events("logins", 5, from, to);
        // `groupId` does not apply to logins, so it filters nothing but must survive paging.
        let query = "activityType=logins&startDate=2026-01-01T00:00:00Z&pageSize=2&groupId=G_x%2By";
        let mut answer = logs(&sandbox, query);
        let mut served = ids(&answer);
        let mut tokens = Vec::new();
        while let Some(next) = next_page(&answer) {
            let url = Url::parse(&next).unwrap_or_else(|e| panic!("{next}: {e}"));
            assert_eq!(
                url.as_str().split('?').next(),
                Some("http://127.0.0.1:9/qualtrics/API/v3/logs")
            );
            let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
            let names: Vec<&str> = pairs.iter().map(|(name, _)| name.as_str()).collect();
            assert_eq!(names, ["activityType", "startDate", "pageSize", "groupId", "skipToken"]);
            assert_eq!(pairs[3].1, "G_x+y");
            tokens.push(pairs[4].1.clone());
            // Follow the whole URL, as a client that does not rebuild the query would.
            answer = logs(&sandbox, url.query().unwrap_or_default());
            served.extend(ids(&answer));
        }
        assert_eq!(served, seeded);
        assert_eq!(tokens.len(), 2);
        assert_ne!(tokens[0], tokens[1]);

        sandbox.set_next_page(NextPageMode::BareToken);
        let first = logs(&sandbox, query);
        let token = next_page(&first).unwrap_or_default();
        assert_eq!(token, tokens[0]);
        let encoded: String = url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
        let window = "activityType=logins&startDate=2026-01-01T00:00:00Z";
        let rest = logs(&sandbox, &format!("{window}&pageSize=3&skipToken={encoded}"));
        assert_eq!(ids(&rest), seeded[2..]);
        assert_eq!(next_page(&rest), None);
        assert_eq!(rest.body["result"]["nextPage"], Value::Null);
    }

    #[test]
    fn filters_match_brand_and_user_and_pass_events_without_the_optional_fields() {
        let sandbox = sandbox(Config::default());
        for (id, brand, user, directory) in [
            ("a", "acme", "UR_1", Some("POOL_1")),
            ("b", "acme", "UR_2", None),
            ("c", "globex", "UR_1", Some("POOL_2")),
        ] {
            let descriptor = json!({ "brandId": brand, "userId": user, "directoryId": directory });
            let event =
                json!({ "id": id, "timestamp": "2026-01-01T10:00:00Z", "descriptor": descriptor });
            sandbox.add_event("contact", event);
        }
        let window = "activityType=contact&startDate=2026-01-01T00:00:00Z";
        let list = |filter: &str| ids(&logs(&sandbox, &format!("{window}&{filter}")));
        assert_eq!(list("organizationId=acme"), ["a", "b"]);
        assert_eq!(list("userId=UR_1"), ["a", "c"]);
        assert_eq!(list("organizationId=acme&userId=UR_1"), ["a"]);
        assert_eq!(list("organizationId=initech"), Vec::<String>::new());
        // `b` has a null directoryId and no groupId or contactId: they do not apply to it.
        assert_eq!(list("directoryId=POOL_1"), ["a", "b"]);
        assert_eq!(list("groupId=G_1&contactId=CID_1"), ["a", "b", "c"]);
    }

    #[test]
    fn activity_type_is_required_and_an_unknown_one_lists_nothing() {
        let sandbox = sandbox(Config::default());
        for query in ["", "activityType=", "pageSize=5"] {
            let answer = logs(&sandbox, query);
            assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
            let message = answer.body["meta"]["error"]["errorMessage"].as_str().unwrap_or("");
            assert!(message.contains("activityType"), "{message}");
        }
        let answer = logs(&sandbox, "activityType=no_such_type");
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.body["result"], json!({ "elements": [], "nextPage": null }));
        assert_eq!(answer.body["meta"]["httpStatus"], "200 - OK");
    }

    #[test]
    fn api_routes_need_the_api_token_or_a_live_bearer_token() {
        let sandbox = sandbox(Config::default());
        let now = Utc::now();
        let list = |headers: &[(&str, &str)]| {
            call(&sandbox, Method::GET, "/API/v3/logs?activityType=logins", headers, "", now)
        };
        for headers in [
            &[][..],
            &[("x-api-token", "wrong")][..],
            &[("authorization", "Bearer sbx-token-99")][..],
            &[("authorization", API_TOKEN)][..],
        ] {
            let answer = list(headers);
            assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{headers:?}");
            let meta = &answer.body["meta"];
            assert_eq!(meta["httpStatus"], "401 - Unauthorized");
            assert!(error_code(&answer).starts_with("AUTH_"), "{meta}");
            assert!(meta["error"]["errorMessage"].as_str().is_some_and(|m| !m.is_empty()));
            assert_eq!(meta["requestId"].as_str().map(str::len), Some(36));
        }
        assert_eq!(list(&[("X-API-TOKEN", API_TOKEN)]).status, StatusCode::OK);

        let issued = call(
            &sandbox,
            Method::POST,
            "/oauth2/token",
            &[("authorization", BASIC)],
            TOKEN_FORM,
            now,
        );
        let token = issued.body["access_token"].as_str().unwrap_or_default().to_owned();
        assert_eq!(token, "sbx-token-1");
        let bearer = format!("Bearer {token}");
        assert_eq!(list(&[("authorization", &bearer)]).status, StatusCode::OK);
        let lower = format!("bearer {token}");
        assert_eq!(list(&[("authorization", &lower)]).status, StatusCode::OK);
        // A valid bearer token makes up for a wrong API token.
        assert_eq!(
            list(&[("authorization", &bearer), ("x-api-token", "x")]).status,
            StatusCode::OK
        );
    }

    #[test]
    fn an_expired_token_is_refused_with_its_own_message() {
        let sandbox = sandbox(Config { token_lifetime: Some(Duration::ZERO), ..Config::default() });
        let now = Utc::now();
        let issued = call(
            &sandbox,
            Method::POST,
            "/oauth2/token",
            &[("authorization", BASIC)],
            TOKEN_FORM,
            now,
        );
        assert_eq!(issued.body["expires_in"], 0);
        let bearer = format!("Bearer {}", issued.body["access_token"].as_str().unwrap_or_default());
        let answer = call(
            &sandbox,
            Method::GET,
            "/API/v3/logs?activityType=logins",
            &[("authorization", &bearer)],
            "",
            now,
        );
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert_eq!(error_code(&answer), "AUTH_6.2");
        let message = answer.body["meta"]["error"]["errorMessage"].as_str().unwrap_or("");
        assert!(message.contains("expired"), "{message}");
    }

    #[test]
    fn the_token_endpoint_checks_the_client_the_grant_and_the_scope() {
        let sandbox = sandbox(Config::default());
        let now = Utc::now();
        let token = |headers: &[(&str, &str)], form: &str| {
            call(&sandbox, Method::POST, "/oauth2/token", headers, form, now)
        };
        let wrong_secret = format!("Basic {}", base64_encode(b"sandbox-qualtrics-client:nope"));
        for headers in [
            &[][..],
            &[("authorization", wrong_secret.as_str())][..],
            &[("authorization", "Bearer x")][..],
        ] {
            let answer = token(headers, TOKEN_FORM);
            assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{headers:?}");
            assert_eq!(answer.body["error"], "invalid_client");
            assert!(answer.body["error_description"].is_string());
            assert_eq!(answer.headers[WWW_AUTHENTICATE], "Basic realm=\"qualtrics\"");
        }
        let basic = [("authorization", BASIC)];
        for (form, error) in [
            ("scope=read%3Aactivity_logs", "invalid_request"),
            ("grant_type=password&scope=read%3Aactivity_logs", "unsupported_grant_type"),
            ("grant_type=client_credentials", "invalid_scope"),
            ("grant_type=client_credentials&scope=manage%3Aall", "invalid_scope"),
        ] {
            let answer = token(&basic, form);
            assert_eq!(
                (answer.status, answer.body["error"].as_str()),
                (StatusCode::BAD_REQUEST, Some(error)),
                "{form}"
            );
        }
        assert_eq!(sandbox.tokens_issued(), 0);

        let first = token(&basic, TOKEN_FORM);
        assert_eq!(first.status, StatusCode::OK);
        assert_eq!(first.headers[CACHE_CONTROL], "no-store");
        assert_eq!(
            first.body,
            json!({ "access_token": "sbx-token-1", "token_type": "Bearer", "expires_in": 3600,
                    "scope": "read:activity_logs" })
        );
        let several =
            token(&basic, "grant_type=client_credentials&scope=openid+read%3Aactivity_logs");
        assert_eq!(several.body["access_token"], "sbx-token-2");
        assert_eq!(sandbox.tokens_issued(), 2);
    }

    #[test]
    fn wrong_methods_are_405_and_unknown_paths_404_in_qualtrics_shape() {
        let sandbox = sandbox(Config::default());
        let now = Utc::now();
        let key = [("x-api-token", API_TOKEN)];
        let post = call(&sandbox, Method::POST, "/API/v3/logs?activityType=logins", &key, "", now);
        assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(post.headers[ALLOW], "GET");
        let get = call(&sandbox, Method::GET, "/oauth2/token", &[], "", now);
        assert_eq!(
            (get.status, &get.headers[ALLOW]),
            (StatusCode::METHOD_NOT_ALLOWED, &HeaderValue::from_static("POST"))
        );
        for path in ["/API/v3/log", "/API/v3/logs/", "/api/v3/logs", ""] {
            let answer = call(&sandbox, Method::GET, path, &key, "", now);
            assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
            assert_eq!(answer.body["meta"]["httpStatus"], "404 - Not Found");
        }
    }

    #[test]
    fn every_answer_has_its_own_request_id() {
        let sandbox = sandbox(Config::default());
        let answers = [
            logs(&sandbox, "activityType=logins"),
            logs(&sandbox, ""),
            logs(&sandbox, "activityType=logins"),
        ];
        let ids: Vec<&str> =
            answers.iter().filter_map(|a| a.body["meta"]["requestId"].as_str()).collect();
        assert_eq!(ids.len(), 3);
        assert!(ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2], "{ids:?}");
    }

    #[test]
    fn activity_types_lists_the_seeded_types_without_next_page() {
        let state = State::seeded(Config::default(), Utc::now());
        let sandbox = QualtricsSandbox { state: Arc::new(Mutex::new(state)) };
        sandbox.clear_events();
        let answer = call(
            &sandbox,
            Method::GET,
            "/API/v3/logs/activitytypes",
            &[("x-api-token", API_TOKEN)],
            "",
            Utc::now(),
        );
        assert_eq!(answer.status, StatusCode::OK);
        let result = &answer.body["result"];
        assert_eq!(result.get("nextPage"), None);
        let names: Vec<&str> = result["elements"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t["name"].as_str())
            .collect();
        assert_eq!(
            names,
            ["brands", "logins", "password_resets", "session_creations", "session_terminations"]
        );
        assert_eq!(result["elements"][1]["additionalFilters"], json!(["organizationId", "userId"]));
    }

    #[test]
    fn the_seed_spans_three_weeks_with_failed_logins_and_nulls() {
        let started = at("2026-03-30T12:00:00.000Z");
        let state = State::seeded(Config::default(), started);
        let count = |name: &str| state.events.get(name).map_or(0, Vec::len);
        assert_eq!(
            [
                count("logins"),
                count("session_creations"),
                count("session_terminations"),
                count("password_resets"),
                count("brands")
            ],
            [14, 6, 5, 4, 3]
        );
        let all: Vec<&Stored> = state.events.values().flatten().collect();
        for stored in &all {
            let timestamp = stored.event["timestamp"].as_str().unwrap_or_default();
            assert_eq!(timestamp.len(), "2026-03-30T12:00:00.000Z".len(), "{timestamp}");
            assert!(timestamp.ends_with('Z'));
            assert!(stored.key.at < started && stored.key.at > started - TimeDelta::days(21));
            assert_eq!(stored.event["datacenter"], DATACENTER);
        }
        let logins = &state.events["logins"];
        let failed: Vec<_> =
            logins.iter().filter(|s| s.event["descriptor"]["isSuccessful"] == false).collect();
        assert!(failed.len() >= 2, "{}", failed.len());
        assert!(failed.iter().all(|s| s.event["descriptor"]["failureReason"].is_string()));
        assert!(logins.iter().any(|s| s.event["descriptor"]["isProxyLogin"] == true));
        assert!(logins.iter().any(|s| s.event["descriptor"]["sessionId"].is_null()));
        let in_last_week = logins.iter().filter(|s| s.key.at >= started - DEFAULT_WINDOW).count();
        assert!((3..14).contains(&in_last_week), "{in_last_week}");
        let resets = &state.events["password_resets"];
        assert!(resets.iter().any(|s| s.event["descriptor"]["agentUserId"].is_string()));
        assert!(
            resets
                .iter()
                .any(|s| s.event["descriptor"]["validationRules"]["maxPasswordAgeDays"].is_null())
        );
        let login = &logins[0].event["descriptor"];
        for field in [
            "userId",
            "username",
            "brandId",
            "sessionId",
            "isSuccessful",
            "failureReason",
            "isProxyLogin",
            "proxyDetails",
            "product",
            "url",
            "ipAddress",
        ] {
            assert!(login.get(field).is_some(), "{field}");
        }
        for field in [
            "countryCode",
            "region",
            "city",
            "postalCode",
            "latitude",
            "longitude",
            "dmaCode",
            "areaCode",
            "metroCode",
        ] {
            assert!(login["location"].get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn seed_events_spreads_distinct_millisecond_timestamps_over_the_window() {
        let sandbox = sandbox(Config::default());
        let from = at("2026-01-01T00:00:00.000250Z");
        let to = at("2026-01-01T01:00:00Z");
        let ids = sandbox.seed_events("logins", 1000, from, to);
        let events = sandbox.events("logins");
        assert_eq!(events.iter().map(|e| e["id"].as_str().unwrap_or("")).collect::<Vec<_>>(), ids);
        let times: Vec<DateTime<Utc>> =
            events.iter().filter_map(|e| e["timestamp"].as_str()).map(at).collect();
        assert_eq!(times.len(), 1000);
        assert!(times.windows(2).all(|pair| pair[0] < pair[1]));
        assert_eq!(millis(times[0]), "2026-01-01T00:00:00.001Z", "rounded up into the window");
        assert!(times[999] < to);
        assert!(events.iter().all(|e| e["timestamp"].as_str().is_some_and(|t| t.len() == 24)));
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 1000);

        // Same calls, same ids.
        let again = self::sandbox(Config::default()).seed_events("logins", 1000, from, to);
        assert_eq!(again, ids);
    }

    #[test]
    fn seed_events_in_a_narrow_window_uses_finer_timestamps_and_a_reversed_one_adds_nothing() {
        let sandbox = sandbox(Config::default());
        let from = at("2026-01-01T00:00:00Z");
        let to = from + TimeDelta::milliseconds(2);
        sandbox.seed_events("logins", 5, from, to);
        let times: Vec<DateTime<Utc>> = sandbox
            .events("logins")
            .iter()
            .filter_map(|e| e["timestamp"].as_str())
            .map(at)
            .collect();
        assert_eq!(times.len(), 5);
        assert!(times.windows(2).all(|pair| pair[0] < pair[1]) && times[4] < to);
        assert!(sandbox.seed_events("logins", 5, to, from).is_empty());
        assert!(sandbox.seed_events("logins", 0, from, to).is_empty());
        assert_eq!(sandbox.events("logins").len(), 5);
    }

    #[test]
    fn add_event_fills_in_id_and_timestamp_and_replaces_an_event_with_the_same_id() {
        let sandbox = sandbox(Config::default());
        let id = sandbox.add_event("brands", json!({ "descriptor": { "brandId": "acme" } }));
        let event = &sandbox.events("brands")[0];
        assert_eq!(event["id"], id.as_str());
        assert!(event["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')));

        sandbox.add_event("brands", json!({ "id": id, "timestamp": "2026-01-01T00:00:00Z" }));
        let events = sandbox.events("brands");
        assert_eq!(events.len(), 1);
        assert_eq!(events[0]["timestamp"], "2026-01-01T00:00:00Z");

        // Odd timestamps are kept verbatim and listed as of when they were added.
        sandbox.add_event("brands", json!({ "id": "null-time", "timestamp": null }));
        sandbox.add_event("brands", json!({ "id": "word-time", "timestamp": "yesterday" }));
        let recent = ids(&logs(&sandbox, "activityType=brands"));
        // The first event moved to 2026, out of the default window.
        assert_eq!(recent.len(), 2, "{recent:?}");
        assert!(
            recent.contains(&"null-time".to_owned()) && recent.contains(&"word-time".to_owned())
        );
    }

    #[test]
    fn base64_round_trips_and_refuses_what_is_not_padded_base64() {
        for input in
            [&b""[..], b"f", b"fo", b"foo", b"foob", b"fooba", b"foobar", &[0xff, 0xfe, 0x00]]
        {
            assert_eq!(base64_decode(&base64_encode(input)).as_deref(), Some(input));
        }
        assert_eq!(base64_encode(b"Aladdin:open sesame"), "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        for bad in ["Zg", "Zg=", "Z===", "Zg==Zg==", "Zm9v!", "Zm 9"] {
            assert_eq!(base64_decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn uuid_like_ids_are_distinct_and_uuid_shaped() {
        let mut ids: Vec<String> = (0..10_000).map(|n| uuid_like(EVENT_SALT, n)).collect();
        assert!(ids.iter().all(|id| {
            let groups: Vec<usize> = id.split('-').map(str::len).collect();
            groups == [8, 4, 4, 4, 12] && id.as_bytes()[14] == b'4'
        }));
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 10_000);
        assert_ne!(uuid_like(EVENT_SALT, 1), uuid_like(REQUEST_SALT, 1));
    }
}
