//! The simulator mounted at `/reporter`: the gateway prefix `/manager`, the bearer token
//! check and its routes.

use std::sync::{Arc, Mutex};

use hyper::{Method, StatusCode, header::ALLOW};
use serde_json::json;

use super::{config::Config, handle::ReporterSandbox, state::State};
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
        if request.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
            return SimResponse::json(
                StatusCode::UNAUTHORIZED,
                &json!({ "title": "Unauthorized", "message": "Invalid or missing bearer token" }),
            );
        }
        let segments = request.segments();
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
        match route {
            Route::Reports if request.method == Method::POST => state.create(request),
            Route::Reports => state.list_reports(request),
            Route::Report(id) => state.get_report(id),
            Route::Download(id) => state.download(id),
            Route::Templates => state.list_templates(request),
            Route::Template(id) => state.get_template(id),
        }
    }
}

#[derive(Debug)]
enum Route<'a> {
    Reports,
    Report(&'a str),
    Download(&'a str),
    Templates,
    Template(&'a str),
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
            _ => None,
        }
    }

    fn methods(&self) -> &'static [Method] {
        match self {
            Self::Reports => &[Method::GET, Method::POST],
            _ => &[Method::GET],
        }
    }
}
