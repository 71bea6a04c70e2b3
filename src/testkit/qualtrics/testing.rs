//! What the Qualtrics simulator's unit tests share: requests made straight to the state,
//! and readers of the answers.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use chrono::{DateTime, SecondsFormat, Utc};
use hyper::{
    HeaderMap, Method, StatusCode,
    header::{HeaderName, HeaderValue},
};
use serde_json::{Value, json};
use url::Url;

use super::{auth::API_TOKEN, config::Config, handle::QualtricsSandbox, state::State};
use crate::testkit::sim::SimRequest;

pub(super) const BASIC: &str =
    "Basic c2FuZGJveC1xdWFsdHJpY3MtY2xpZW50OnNhbmRib3gtcXVhbHRyaWNzLXNlY3JldA==";
pub(super) const TOKEN_FORM: &str = "grant_type=client_credentials&scope=read%3Aactivity_logs";

pub(super) fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).map(|at| at.to_utc()).unwrap_or_else(|e| panic!("{e}"))
}

pub(super) fn millis(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(super) fn sandbox(config: Config) -> QualtricsSandbox {
    QualtricsSandbox { state: Arc::new(Mutex::new(State::new(config))) }
}

pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) body: Value,
    /// The body as text, for answers that are not one JSON document (NDJSON files).
    pub(super) text: String,
}

pub(super) fn call(
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
        now,
    };
    let response = sandbox.lock().handle(&request, now);
    let bytes = response.body.into_bytes();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Answer { status: response.status, headers: response.headers, body, text }
}

/// `POST /oauth2/token` with the sandbox's client and the audit log scope, at `now`.
pub(super) fn issue_token(sandbox: &QualtricsSandbox, now: DateTime<Utc>) -> Answer {
    call(sandbox, Method::POST, "/oauth2/token", &[("authorization", BASIC)], TOKEN_FORM, now)
}

/// `GET /API/v3/logs?{query}` with the API token, at `now`.
pub(super) fn logs_at(sandbox: &QualtricsSandbox, query: &str, now: DateTime<Utc>) -> Answer {
    let target = format!("/API/v3/logs?{query}");
    call(sandbox, Method::GET, &target, &[("x-api-token", API_TOKEN)], "", now)
}

pub(super) fn logs(sandbox: &QualtricsSandbox, query: &str) -> Answer {
    logs_at(sandbox, query, Utc::now())
}

pub(super) fn ids(answer: &Answer) -> Vec<String> {
    let elements = answer.body["result"]["elements"].as_array().cloned().unwrap_or_default();
    elements.iter().map(|event| event["id"].as_str().unwrap_or("?").to_owned()).collect()
}

pub(super) fn error_code(answer: &Answer) -> &str {
    answer.body["meta"]["error"]["errorCode"].as_str().unwrap_or("")
}

/// Adds `logins` events with these ids at these instants.
pub(super) fn add(sandbox: &QualtricsSandbox, events: &[(&str, &str)]) {
    for (id, timestamp) in events {
        sandbox.add_event("logins", json!({ "id": id, "timestamp": timestamp }));
    }
}

/// Follows bare tokens to the end and returns every id in the order served.
pub(super) fn drain(sandbox: &QualtricsSandbox, query: &str) -> Vec<String> {
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

pub(super) fn next_page(answer: &Answer) -> Option<String> {
    answer.body["result"]["nextPage"].as_str().map(str::to_owned)
}
