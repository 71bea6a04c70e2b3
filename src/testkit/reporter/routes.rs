//! The simulator mounted at `/reporter`: the gateway prefix `/manager`, the bearer token
//! check and its routes.

use std::sync::{Arc, Mutex};

use hyper::{Method, StatusCode, header::ALLOW};
use serde_json::json;

use super::{config::Config, handle::ReporterSandbox, rate_limits::Admission, state::State};
use crate::testkit::sim::{SimRequest, SimResponse, Simulator};

/// The only bearer token the simulator accepts.
pub(crate) const TOKEN: &str = "sandbox-reporter-token";
pub(super) const PREFIX: &str = "/reporter";

/// The simulator mounted at `/reporter`, sharing its state with a [`ReporterSandbox`].
#[derive(Debug)]
pub(crate) struct ReporterSimulator {
    sandbox: ReporterSandbox,
}

/// A simulator with the seeded templates, and the handle on its state.
pub(crate) fn simulator(config: Config) -> (ReporterSimulator, ReporterSandbox) {
    let sandbox = ReporterSandbox { state: Arc::new(Mutex::new(State::new(config))) };
    (ReporterSimulator { sandbox: sandbox.clone() }, sandbox)
}

impl Simulator for ReporterSimulator {
    fn prefix(&self) -> &'static str {
        PREFIX
    }

    fn handle(&self, request: &SimRequest) -> SimResponse {
        let segments = request.segments();
        // The service routes need no token, and the rate limiter skips them.
        match (segments.as_slice(), &request.method) {
            (["manager", "health"], &Method::GET) => {
                return SimResponse::bytes(StatusCode::OK, "text/plain", bytes::Bytes::from_static(b"healthy"));
            }
            (["manager", "ready"], &Method::GET) => return self.sandbox.lock().ready(),
            (["manager", "version"], &Method::GET) => return State::version(request.now),
            _ => {}
        }
        if request.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
            return SimResponse::json(
                StatusCode::UNAUTHORIZED,
                &json!({ "title": "Unauthorized", "message": "Invalid or missing bearer token" }),
            );
        }
        let Some(route) = Route::parse(&segments) else {
            return SimResponse::not_found(&format!("{PREFIX}{}", request.path));
        };
        let allowed = route.methods();
        if !allowed.contains(&request.method) {
            let allow: Vec<&str> = allowed.iter().map(Method::as_str).collect();
            return SimResponse::message(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed")
                .with_header(ALLOW, &allow.join(", "));
        }
        let mut state = self.sandbox.lock();
        let admission = match state.config.rate_limits {
            Some(limits) => state.windows.admit(&limits, request),
            None => Admission::Free,
        };
        if let Admission::Refused(refusal) = admission {
            return refusal;
        }
        let method = &request.method;
        let response = match route {
            Route::Reports if method == Method::POST => state.create(request),
            Route::Reports => state.list_reports(request),
            Route::Report(id) => state.get_report(id),
            Route::Download(id) => state.download(id),
            Route::Templates if method == Method::POST => state.create_template(request),
            Route::Templates => state.list_templates(request),
            Route::Template(id) if method == Method::PATCH => state.update_template(id, request),
            Route::Template(id) if method == Method::DELETE => state.delete_template(id),
            Route::Template(id) => state.get_template(id),
            Route::DataSources => state.list_data_sources(),
            Route::DataSource(id) => state.get_data_source(id),
        };
        admission.stamp(response)
    }
}

#[derive(Debug)]
enum Route<'a> {
    Reports,
    Report(&'a str),
    Download(&'a str),
    Templates,
    Template(&'a str),
    DataSources,
    DataSource(&'a str),
}

impl<'a> Route<'a> {
    /// The routes under the gateway prefix `/manager/v1/`.
    fn parse(segments: &[&'a str]) -> Option<Self> {
        let ["manager", "v1", rest @ ..] = segments else { return None };
        match rest {
            ["reports"] => Some(Self::Reports),
            ["reports", id] => Some(Self::Report(id)),
            ["reports", id, "download"] => Some(Self::Download(id)),
            ["templates"] => Some(Self::Templates),
            ["templates", id] => Some(Self::Template(id)),
            ["data-sources"] => Some(Self::DataSources),
            ["data-sources", id] => Some(Self::DataSource(id)),
            _ => None,
        }
    }

    fn methods(&self) -> &'static [Method] {
        match self {
            Self::Reports | Self::Templates => &[Method::GET, Method::POST],
            Self::Template(_) => &[Method::GET, Method::PATCH, Method::DELETE],
            _ => &[Method::GET],
        }
    }
}
