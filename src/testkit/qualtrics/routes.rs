//! The simulator mounted at `/qualtrics`: its routes, and how a request is dispatched to
//! them.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use hyper::{StatusCode, header::ALLOW};

use super::{
    config::Config,
    handle::QualtricsSandbox,
    ids::{REQUEST_SALT, uuid_like},
    answer::{Refusal, success},
    query::LogsQuery,
    state::State,
};
use crate::testkit::sim::{SimRequest, SimResponse, Simulator};

pub(super) const PREFIX: &str = "/qualtrics";

/// The simulator mounted at `/qualtrics`, sharing its state with a [`QualtricsSandbox`].
#[derive(Debug)]
pub(crate) struct QualtricsSimulator {
    pub(super) sandbox: QualtricsSandbox,
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
        self.sandbox.lock().handle(request, request.now)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Route {
    Token,
    Logs,
    ActivityTypes,
    /// The bulk API: `audit-events` and `audit-exports…`.
    ExportsRead,
    ExportStart,
}

impl Route {
    pub(super) fn parse(segments: &[&str]) -> Option<Self> {
        match segments {
            ["oauth2", "token"] => Some(Self::Token),
            ["API", "v3", "logs"] => Some(Self::Logs),
            ["API", "v3", "logs", "activitytypes"] => Some(Self::ActivityTypes),
            ["API", "v3", "audit-exports"] => Some(Self::ExportStart),
            ["API", "v3", "audit-events"]
            | ["API", "v3", "audit-exports", _]
            | ["API", "v3", "audit-exports", _, "files", _] => Some(Self::ExportsRead),
            _ => None,
        }
    }

    pub(super) fn method(self) -> &'static str {
        match self {
            Self::Token | Self::ExportStart => "POST",
            Self::Logs | Self::ActivityTypes | Self::ExportsRead => "GET",
        }
    }
}

impl State {
    pub(super) fn handle(&mut self, request: &SimRequest, now: DateTime<Utc>) -> SimResponse {
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
        if matches!(route, Route::ExportsRead | Route::ExportStart) {
            return self.export_route(request, &request.segments()[2..]);
        }
        if route == Route::ActivityTypes {
            return success(self.activity_types(), &request_id);
        }
        match LogsQuery::parse(request, now) {
            Ok(query) => success(self.logs(request, &query), &request_id),
            Err(refusal) => refusal.into_response(&request_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::qualtrics::testing::*;
    use hyper::{Method, header::HeaderValue};

    use crate::testkit::qualtrics::{auth::API_TOKEN, config::Config};

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
}
