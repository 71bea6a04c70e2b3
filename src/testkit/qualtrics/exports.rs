//! Bulk audit exports as the vendor's bulk API serves them: `GET audit-events` (the event
//! names), `POST audit-exports` (`eventName`, `startDate`, `endDate`), `GET
//! audit-exports/{id}` (queued, then in progress, then complete with a `fileId`), and `GET
//! audit-exports/{id}/files/{fileId}` (the events as NDJSON), all within 30 requests a
//! minute (429 with `Retry-After` past it).

use chrono::TimeDelta;
use hyper::{StatusCode, header::RETRY_AFTER};
use serde_json::{Value, json};

use super::{
    answer::{Refusal, success},
    export_store::Export,
    ids::{REQUEST_SALT, uuid_like},
    state::State,
};
use crate::testkit::sim::{SimRequest, SimResponse};

/// Requests a minute the export endpoints take, all of them together.
pub(super) const EXPORT_REQUESTS_PER_MINUTE: usize = 30;

/// Polls of `GET audit-exports/{id}` answered before an export is complete.
const POLLS_BEFORE_COMPLETE: u32 = 2;

impl State {
    /// Answers a request to the bulk API; `segments` are the path's after `API/v3`.
    pub(super) fn export_route(&mut self, request: &SimRequest, segments: &[&str]) -> SimResponse {
        let request_id = uuid_like(REQUEST_SALT, self.requests_answered);
        let now = request.now;
        let minute_ago = now - TimeDelta::minutes(1);
        let recent = &mut self.exports.recent;
        while recent.front().is_some_and(|at| *at <= minute_ago) {
            recent.pop_front();
        }
        if recent.len() >= EXPORT_REQUESTS_PER_MINUTE {
            let oldest = recent.front().copied().unwrap_or(now);
            let wait = (oldest + TimeDelta::minutes(1) - now).num_seconds().max(1);
            let refusal = Refusal {
                status: StatusCode::TOO_MANY_REQUESTS,
                code: "RATE_LIMIT",
                message: format!("at most {EXPORT_REQUESTS_PER_MINUTE} export requests a minute"),
            };
            return refusal.into_response(&request_id).with_header(RETRY_AFTER, &wait.to_string());
        }
        recent.push_back(now);
        match segments {
            ["audit-events"] => {
                let names: Vec<Value> = self.events.keys().map(|name| json!({"name": name})).collect();
                success(json!({"elements": names}), &request_id)
            }
            ["audit-exports"] => match self.start_export(&request.body) {
                Ok(id) => success(json!({"id": id, "status": "queued"}), &request_id),
                Err(refusal) => refusal.into_response(&request_id),
            },
            ["audit-exports", id] => match self.exports.made.iter_mut().find(|e| e.id == *id) {
                Some(export) => {
                    export.polls = export.polls.saturating_add(1);
                    let status = match export.polls {
                        polls if polls > POLLS_BEFORE_COMPLETE => "complete",
                        1 => "queued",
                        _ => "in_progress",
                    };
                    let mut result = json!({"id": export.id, "status": status});
                    if status == "complete" {
                        result["fileId"] = json!(format!("{}-file", export.id));
                    }
                    success(result, &request_id)
                }
                None => not_found(id).into_response(&request_id),
            },
            ["audit-exports", id, "files", file] => {
                let export = self.exports.made.iter().find(|e| e.id == *id);
                let Some(export) = export.filter(|e| **file == format!("{}-file", e.id)) else {
                    return not_found(id).into_response(&request_id);
                };
                let mut body = Vec::new();
                for line in &export.lines {
                    body.extend_from_slice(line.to_string().as_bytes());
                    body.push(b'\n');
                }
                SimResponse::bytes(StatusCode::OK, "application/x-ndjson", body.into())
            }
            _ => not_found(&segments.join("/")).into_response(&request_id),
        }
    }

    /// Makes an export of the body's `eventName` over `[startDate, endDate)` and returns
    /// its id.
    fn start_export(&mut self, body: &[u8]) -> Result<String, Refusal> {
        let body: Value = serde_json::from_slice(body)
            .map_err(|_| Refusal::bad_request("QVAL_1", "the body must be a JSON object"))?;
        let text = |name: &str| body.get(name).and_then(Value::as_str).map(str::to_owned);
        let date = |name: &str| {
            let text = text(name).ok_or_else(|| {
                Refusal::bad_request("QVAL_1", format!("`{name}` is required"))
            })?;
            crate::datetime::parse(&text).ok_or_else(|| {
                Refusal::bad_request("QVAL_1", format!("`{name}` is not a date-time: {text}"))
            })
        };
        let name = text("eventName")
            .ok_or_else(|| Refusal::bad_request("QVAL_1", "`eventName` is required"))?;
        let (start, end) = (date("startDate")?, date("endDate")?);
        let events = self.events.get(&name).map(Vec::as_slice).unwrap_or_default();
        let lines = events
            .iter()
            .filter(|stored| stored.key.at >= start && stored.key.at < end)
            .map(|stored| stored.event.clone())
            .collect();
        let id = format!("AE_{}", self.exports.made.len() + 1);
        self.exports.made.push(Export { id: id.clone(), polls: 0, lines });
        Ok(id)
    }
}

fn not_found(what: &str) -> Refusal {
    Refusal { status: StatusCode::NOT_FOUND, code: "NOT_FOUND", message: format!("no export {what}") }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use hyper::Method;

    use super::*;
    use crate::testkit::qualtrics::{auth::API_TOKEN, config::Config, testing::*};

    #[test]
    fn an_export_is_queued_then_in_progress_then_complete_and_its_file_is_ndjson() {
        let sandbox = sandbox(Config::default());
        sandbox.clear_events();
        let from = at("2026-11-01T00:00:00Z");
        let ids = sandbox.seed_events("logins", 5, from, from + TimeDelta::hours(1));
        sandbox.seed_events("logins", 3, from + TimeDelta::hours(2), from + TimeDelta::hours(3));
        let key = [("x-api-token", API_TOKEN)];
        let now = Utc::now();
        let body = r#"{"eventName":"logins","startDate":"2026-11-01T00:00:00Z","endDate":"2026-11-01T01:00:00Z"}"#;
        let started = call(&sandbox, Method::POST, "/API/v3/audit-exports", &key, body, now);
        assert_eq!(started.body["result"]["id"], "AE_1");
        let statuses: Vec<Value> = (0..3)
            .map(|_| call(&sandbox, Method::GET, "/API/v3/audit-exports/AE_1", &key, "", now))
            .map(|answer| answer.body["result"]["status"].clone())
            .collect();
        assert_eq!(statuses, [json!("queued"), json!("in_progress"), json!("complete")]);
        let path = "/API/v3/audit-exports/AE_1/files/AE_1-file";
        let file = call(&sandbox, Method::GET, path, &key, "", now);
        assert_eq!(file.status, StatusCode::OK);
        let lines: Vec<Value> =
            file.text.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
        let listed: Vec<&str> = lines.iter().filter_map(|line| line["id"].as_str()).collect();
        assert_eq!(listed, ids.iter().map(String::as_str).collect::<Vec<_>>());
    }

    #[test]
    fn the_export_endpoints_take_30_requests_a_minute() {
        let sandbox = sandbox(Config::default());
        let key = [("x-api-token", API_TOKEN)];
        let now = Utc::now();
        for _ in 0..EXPORT_REQUESTS_PER_MINUTE {
            let answer = call(&sandbox, Method::GET, "/API/v3/audit-events", &key, "", now);
            assert_eq!(answer.status, StatusCode::OK);
        }
        let refused = call(&sandbox, Method::GET, "/API/v3/audit-events", &key, "", now);
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(refused.headers[RETRY_AFTER], "60");
        let later = now + TimeDelta::seconds(61);
        let answer = call(&sandbox, Method::GET, "/API/v3/audit-events", &key, "", later);
        assert_eq!(answer.status, StatusCode::OK);
    }
}
