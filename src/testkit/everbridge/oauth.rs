//! `POST /everbridge/authorization/v1/tokens`: the OAuth password grant, whose `id_token`
//! the API takes as a bearer token, and a service account's client-credentials grant, whose
//! `access_token` it takes.

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
/// The service account's client id the client-credentials grant accepts.
pub(crate) const SERVICE_CLIENT_ID: &str = "sandbox-everbridge-service-account";
/// Its client secret.
pub(crate) const SERVICE_CLIENT_SECRET: &str = "sandbox-everbridge-service-secret";
const SERVICE_SCOPE: &str = "openid user-profile role service-profile";

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
        let service = match field("grant_type") {
            Some("password") => false,
            Some("client_credentials") => true,
            _ => {
                let description = "Only grant_type=password and client_credentials are supported";
                return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", description);
            }
        };
        let client = if service {
            (SERVICE_CLIENT_ID, SERVICE_CLIENT_SECRET)
        } else {
            (CLIENT_ID, CLIENT_SECRET)
        };
        if (field("client_id"), field("client_secret")) != (Some(client.0), Some(client.1)) {
            let description = "Client authentication failed: check client_id and client_secret";
            return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", description);
        }
        if !service && (field("username"), field("password")) != (Some(USERNAME), Some(PASSWORD)) {
            let description = "Invalid user name or password";
            return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", description);
        }
        let scopes = field("scope").unwrap_or_default().split(' ').collect::<Vec<_>>();
        if !scopes.contains(&"openid") || (service && !scopes.contains(&"service-profile")) {
            let description = if service {
                "A service account needs scope `openid user-profile role service-profile`"
            } else {
                "The id_token needs scope openid (ask for `openid user-profile role`)"
            };
            return oauth_error(StatusCode::BAD_REQUEST, "invalid_scope", description);
        }
        // Everbridge takes the role from a header; the sandbox knows numeric role ids only.
        if let Some(role) = request.header("roleid") {
            if service || role.is_empty() || !role.bytes().all(|b| b.is_ascii_digit()) {
                let description = "roleId must be the numeric id of one of the user's roles";
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", description);
            }
            self.last_role_id = Some(role.to_owned());
        }
        let now = Instant::now();
        self.tokens.retain(|_, expires| now < *expires);
        self.tokens_issued += 1;
        let n = self.tokens_issued;
        let (id_token, access_token) = (format!("sbx-id-{n}"), format!("sbx-access-{n}"));
        // The API takes the id_token of a password grant and the access_token of a service
        // account's grant; the other one is refused.
        let (accepted, scope) = if service { (&access_token, SERVICE_SCOPE) } else { (&id_token, SCOPE) };
        self.tokens.insert(accepted.clone(), crate::timer::saturating_add(now, self.token_lifetime));
        let body = json!({
            "access_token": access_token,
            "id_token": id_token,
            "token_type": "Bearer",
            // Rounded down, so a client that trusts it never uses a token past its end.
            "expires_in": self.token_lifetime.as_secs(),
            "scope": scope,
        });
        SimResponse::json(StatusCode::OK, &body).with_header(CACHE_CONTROL, "no-store")
    }
}
