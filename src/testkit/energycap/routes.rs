//! The simulator mounted at `/energycap`: its routes, the `ECI-ApiKey` check, and the
//! errors a route answers before the state is asked.

use std::sync::{Arc, Mutex};

use hyper::{StatusCode, header::ALLOW};
use serde_json::Value;

use super::{
    config::Config,
    handle::EnergyCapSandbox,
    refusal::{not_found_distribution, not_found_log},
    state::State,
};
use crate::testkit::sim::{SimRequest, SimResponse, Simulator};

/// The only `ECI-ApiKey` the simulator accepts.
pub(crate) const API_KEY: &str = "sandbox-energycap-key";
pub(super) const PREFIX: &str = "/energycap";

/// The simulator mounted at `/energycap`, sharing its state with an [`EnergyCapSandbox`].
#[derive(Debug)]
pub(crate) struct EnergyCapSimulator {
    pub(super) sandbox: EnergyCapSandbox,
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
            Route::Distributions => match request.query_param("filter") {
                None => SimResponse::json(StatusCode::OK, &Value::Array(state.distributions.clone())),
                Some(filter) => match super::filter::apply(&state.distributions, filter) {
                    Ok(kept) => SimResponse::json(StatusCode::OK, &Value::Array(kept)),
                    Err(message) => SimResponse::message(StatusCode::BAD_REQUEST, &message),
                },
            },
            Route::Logs | Route::Detail(_) if !state.logs_permitted => SimResponse::message(
                StatusCode::UNAUTHORIZED,
                "Authorization has been denied for this request.",
            ),
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
pub(super) enum Route<'a> {
    Distributions,
    Logs,
    Detail(&'a str),
    Exec(&'a str),
}

impl<'a> Route<'a> {
    pub(super) fn parse(segments: &[&'a str]) -> Option<Self> {
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

    pub(super) fn method(&self) -> &'static str {
        match self {
            Self::Exec(_) => "POST",
            Self::Distributions | Self::Logs | Self::Detail(_) => "GET",
        }
    }
}

/// `includeInProgress` the way ASP.NET binds a bool: either case of true/false, else the
/// message of its 400.
pub(super) fn include_in_progress(request: &SimRequest) -> Result<bool, String> {
    match request.query_param("includeInProgress") {
        None => Ok(false),
        Some(value) if value.eq_ignore_ascii_case("true") => Ok(true),
        Some(value) if value.eq_ignore_ascii_case("false") => Ok(false),
        Some(value) => Err(format!("The value '{value}' is not valid for includeInProgress.")),
    }
}
