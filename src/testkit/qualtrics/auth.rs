//! Who may call the API: the `X-API-TOKEN`, or a bearer token from the token endpoint
//! that has not expired.

use tokio::time::Instant;

use super::{answer::Refusal, state::State};
use crate::testkit::sim::SimRequest;

/// The only `X-API-TOKEN` the simulator accepts.
pub(crate) const API_TOKEN: &str = "sandbox-qualtrics-token";

impl State {
    /// Accepts the API token or a live bearer token, whichever is present and valid.
    pub(super) fn authorize(&self, request: &SimRequest) -> Result<(), Refusal> {
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
}

/// The credentials after `Basic ` or `Bearer ` (the scheme's case does not matter).
pub(super) fn scheme<'a>(value: &'a str, name: &str) -> Option<&'a str> {
    let (given, rest) = value.trim().split_once(' ')?;
    given.eq_ignore_ascii_case(name).then(|| rest.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::qualtrics::testing::*;
    use std::time::Duration;

    use chrono::Utc;
    use hyper::{Method, StatusCode};

    use crate::testkit::qualtrics::config::Config;

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

        let issued = issue_token(&sandbox, now);
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
        let issued = issue_token(&sandbox, now);
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
}
