//! `POST /everbridge/authorization/v1/tokens`: the OAuth password grant, whose `id_token`
//! the API takes as a bearer token.

use hyper::{StatusCode, header::CACHE_CONTROL};
use serde_json::json;
use tokio::time::Instant;

use super::{
    routes::{PASSWORD, USERNAME},
    state::State,
};
use crate::testkit::sim::{SimRequest, SimResponse};

/// The OAuth client id the token endpoint accepts.
pub(crate) const CLIENT_ID: &str = "sandbox-everbridge-client";
/// The OAuth client secret that goes with it.
pub(crate) const CLIENT_SECRET: &str = "sandbox-everbridge-secret";
pub(super) const SCOPE: &str = "openid user-profile role";

impl State {
    /// Answers the password grant the way an OAuth 2 server does (RFC 6749 §5).
    pub(super) fn issue_token(&mut self, request: &SimRequest) -> SimResponse {
        let oauth_error = |status, error: &str, description: &str| {
            let body = json!({ "error": error, "error_description": description });
            SimResponse::json(status, &body).with_header(CACHE_CONTROL, "no-store")
        };
        let form: Vec<(String, String)> =
            url::form_urlencoded::parse(&request.body).into_owned().collect();
        let field = |name: &str| form.iter().find(|(key, _)| key == name).map(|(_, v)| v.as_str());
        if field("grant_type") != Some("password") {
            let description = "Only grant_type=password is supported";
            return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", description);
        }
        if (field("client_id"), field("client_secret")) != (Some(CLIENT_ID), Some(CLIENT_SECRET)) {
            let description = "Client authentication failed: check client_id and client_secret";
            return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", description);
        }
        if (field("username"), field("password")) != (Some(USERNAME), Some(PASSWORD)) {
            let description = "Invalid user name or password";
            return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", description);
        }
        if !field("scope").is_some_and(|scope| scope.split(' ').any(|s| s == "openid")) {
            let description = "The id_token needs scope openid (ask for `openid user-profile role`)";
            return oauth_error(StatusCode::BAD_REQUEST, "invalid_scope", description);
        }
        let now = Instant::now();
        self.tokens.retain(|_, expires| now < *expires);
        self.tokens_issued += 1;
        let n = self.tokens_issued;
        let id_token = format!("sbx-id-{n}");
        self.tokens.insert(id_token.clone(), crate::timer::saturating_add(now, self.token_lifetime));
        let body = json!({
            "access_token": format!("sbx-access-{n}"),
            "id_token": id_token,
            "token_type": "Bearer",
            // Rounded down, so a client that trusts it never uses a token past its end.
            "expires_in": self.token_lifetime.as_secs(),
            "scope": SCOPE,
        });
        SimResponse::json(StatusCode::OK, &body).with_header(CACHE_CONTROL, "no-store")
    }
}
