//! `POST /qualtrics/oauth2/token`: the OAuth 2 client-credentials grant that issues the
//! bearer tokens [`auth`](super::auth) accepts.

use hyper::{
    StatusCode,
    header::{CACHE_CONTROL, WWW_AUTHENTICATE},
};
use serde_json::json;
use tokio::time::Instant;

use super::{auth::scheme, state::State};
use crate::testkit::sim::{SimRequest, SimResponse};

/// The OAuth client id the token endpoint accepts (HTTP Basic user name).
pub(crate) const CLIENT_ID: &str = "sandbox-qualtrics-client";
/// The OAuth client secret the token endpoint accepts (HTTP Basic password).
pub(crate) const CLIENT_SECRET: &str = "sandbox-qualtrics-secret";
pub(super) const SCOPE: &str = "read:activity_logs";

impl State {
    /// `POST oauth2/token`, answered the way an OAuth 2 server does (RFC 6749 §5).
    pub(super) fn issue_token(&mut self, request: &SimRequest) -> SimResponse {
        let oauth_error = |status, error: &str, description: &str| {
            let body = json!({ "error": error, "error_description": description });
            SimResponse::json(status, &body).with_header(CACHE_CONTROL, "no-store")
        };
        let client = request.header("authorization").and_then(|value| scheme(value, "Basic"));
        let client = client.and_then(crate::base64::decode).and_then(|bytes| String::from_utf8(bytes).ok());
        let expected = format!("{CLIENT_ID}:{CLIENT_SECRET}");
        if client.as_deref() != Some(expected.as_str()) {
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Client authentication failed: send the client id and secret as HTTP Basic",
            )
            .with_header(WWW_AUTHENTICATE, "Basic realm=\"qualtrics\"");
        }
        let form: Vec<(String, String)> =
            url::form_urlencoded::parse(&request.body).into_owned().collect();
        let field = |name: &str| form.iter().find(|(key, _)| key == name).map(|(_, v)| v.as_str());
        match field("grant_type") {
            Some("client_credentials") => {}
            Some(_) => {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "unsupported_grant_type",
                    "Only grant_type=client_credentials is supported",
                );
            }
            None => {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "grant_type is required",
                );
            }
        }
        if !field("scope").is_some_and(|scope| scope.split(' ').any(|s| s == SCOPE)) {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                "The audit log needs scope read:activity_logs",
            );
        }
        let now = Instant::now();
        self.tokens.retain(|_, expires| now < *expires);
        self.tokens_issued += 1;
        let token = format!("sbx-token-{}", self.tokens_issued);
        self.tokens.insert(token.clone(), now + self.token_lifetime);
        let body = json!({
            "access_token": token,
            "token_type": "Bearer",
            // Rounded down, so a client that trusts it never uses a token past its end.
            "expires_in": self.token_lifetime.as_secs(),
            "scope": SCOPE,
        });
        SimResponse::json(StatusCode::OK, &body).with_header(CACHE_CONTROL, "no-store")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::qualtrics::testing::*;
    use chrono::Utc;
    use hyper::Method;
    use serde_json::json;

    use crate::testkit::qualtrics::config::Config;

    #[test]
    fn the_token_endpoint_checks_the_client_the_grant_and_the_scope() {
        let sandbox = sandbox(Config::default());
        let now = Utc::now();
        let token = |headers: &[(&str, &str)], form: &str| {
            call(&sandbox, Method::POST, "/oauth2/token", headers, form, now)
        };
        let wrong_secret = format!("Basic {}", crate::base64::encode(b"sandbox-qualtrics-client:nope"));
        for headers in [
            &[][..],
            &[("authorization", wrong_secret.as_str())][..],
            &[("authorization", "Bearer x")][..],
        ] {
            let answer = token(headers, TOKEN_FORM);
            assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{headers:?}");
            assert_eq!(answer.body["error"], "invalid_client");
            assert!(answer.body["error_description"].is_string());
            assert_eq!(answer.headers[WWW_AUTHENTICATE], "Basic realm=\"qualtrics\"");
        }
        let basic = [("authorization", BASIC)];
        for (form, error) in [
            ("scope=read%3Aactivity_logs", "invalid_request"),
            ("grant_type=password&scope=read%3Aactivity_logs", "unsupported_grant_type"),
            ("grant_type=client_credentials", "invalid_scope"),
            ("grant_type=client_credentials&scope=manage%3Aall", "invalid_scope"),
        ] {
            let answer = token(&basic, form);
            assert_eq!(
                (answer.status, answer.body["error"].as_str()),
                (StatusCode::BAD_REQUEST, Some(error)),
                "{form}"
            );
        }
        assert_eq!(sandbox.tokens_issued(), 0);

        let first = token(&basic, TOKEN_FORM);
        assert_eq!(first.status, StatusCode::OK);
        assert_eq!(first.headers[CACHE_CONTROL], "no-store");
        assert_eq!(
            first.body,
            json!({ "access_token": "sbx-token-1", "token_type": "Bearer", "expires_in": 3600,
                    "scope": "read:activity_logs" })
        );
        let several =
            token(&basic, "grant_type=client_credentials&scope=openid+read%3Aactivity_logs");
        assert_eq!(several.body["access_token"], "sbx-token-2");
        assert_eq!(sandbox.tokens_issued(), 2);
    }
}
