//! The simulator mounted at `/everbridge`: its routes, who may call them, and
//! Everbridge's two failure shapes (HTTP-200 business errors, `{"message", "status"}`).

use std::sync::{Arc, Mutex};

use hyper::{StatusCode, header::ALLOW};
use tokio::time::Instant;

use super::{config::Config, handle::EverbridgeSandbox, refusal::Refusal, state::State};
use crate::testkit::sim::{SimRequest, SimResponse, Simulator};

pub(super) const PREFIX: &str = "/everbridge";

/// The API user HTTP Basic and the password grant accept.
pub(crate) const USERNAME: &str = "sandbox-everbridge-user";
/// Its password.
pub(crate) const PASSWORD: &str = "sandbox-everbridge-password";
/// A bearer token that never expires, for `Credentials::bearer`.
pub(crate) const STATIC_TOKEN: &str = "sandbox-everbridge-token";

/// The simulator mounted at `/everbridge`, sharing its state with an [`EverbridgeSandbox`].
#[derive(Debug)]
pub(crate) struct EverbridgeSimulator {
    sandbox: EverbridgeSandbox,
}

/// A simulator with the seeded state, and the handle on that state.
pub(crate) fn simulator(config: Config) -> (EverbridgeSimulator, EverbridgeSandbox) {
    let sandbox = EverbridgeSandbox { state: Arc::new(Mutex::new(State::seeded(config))) };
    (EverbridgeSimulator { sandbox: sandbox.clone() }, sandbox)
}

impl Simulator for EverbridgeSimulator {
    fn prefix(&self) -> &'static str {
        PREFIX
    }

    fn handle(&self, request: &SimRequest) -> SimResponse {
        self.sandbox.lock().handle(request)
    }
}

impl State {
    pub(super) fn handle(&mut self, request: &SimRequest) -> SimResponse {
        let (expected, route): (&str, fn(&mut State, &SimRequest) -> SimResponse) =
            match request.segments().as_slice() {
                ["rest", "reports", "auditLog"] => ("GET", State::answer_audit_log),
                ["authorization", "v1", "tokens"] => ("POST", State::issue_token),
                _ => {
                    let message = format!("no Everbridge endpoint at {PREFIX}{}", request.path);
                    let status = StatusCode::NOT_FOUND;
                    return Refusal::Http { status, message }.into_response();
                }
            };
        if request.method.as_str() != expected {
            let status = StatusCode::METHOD_NOT_ALLOWED;
            let message = format!("{} is not allowed here; use {expected}", request.method);
            return Refusal::Http { status, message }.into_response().with_header(ALLOW, expected);
        }
        route(self, request)
    }

    fn answer_audit_log(&mut self, request: &SimRequest) -> SimResponse {
        let admitted = match self.tier {
            Some(tier) => self.counts.admit(tier, request.now),
            None => Ok(()),
        };
        let answer = admitted
            .and_then(|()| self.authorize(request))
            .and_then(|()| self.audit_log(request));
        match answer {
            Ok(body) => SimResponse::bytes(StatusCode::OK, "application/json", body.into()),
            Err(refusal) => refusal.into_response(),
        }
    }

    /// HTTP Basic with the API user, the static bearer token, or a live `id_token`.
    fn authorize(&self, request: &SimRequest) -> Result<(), Refusal> {
        let header = request.header("authorization").unwrap_or_default().trim();
        let (scheme, credentials) = header.split_once(' ').unwrap_or((header, ""));
        let credentials = credentials.trim();
        if scheme.eq_ignore_ascii_case("Basic") {
            let decoded = crate::base64::decode(credentials).and_then(|b| String::from_utf8(b).ok());
            return match decoded {
                Some(pair) if pair == format!("{USERNAME}:{PASSWORD}") => Ok(()),
                _ => Err(Refusal::unauthorized("Invalid user name or password")),
            };
        }
        if !scheme.eq_ignore_ascii_case("Bearer") {
            return Err(Refusal::unauthorized(
                "Authenticate with HTTP Basic or an OAuth id_token as a Bearer token",
            ));
        }
        if credentials == STATIC_TOKEN {
            return Ok(());
        }
        match self.tokens.get(credentials) {
            Some(expires) if Instant::now() < *expires => Ok(()),
            Some(_) => Err(Refusal::unauthorized("The token has expired")),
            None if credentials.starts_with("sbx-access-") => Err(Refusal::unauthorized(
                "This is the access_token of a password grant: send its id_token as the Bearer token",
            )),
            None if credentials.starts_with("sbx-id-") => Err(Refusal::unauthorized(
                "This is the id_token of a service account's grant: send its access_token as the Bearer token",
            )),
            None => Err(Refusal::unauthorized("The token is not valid")),
        }
    }
}
