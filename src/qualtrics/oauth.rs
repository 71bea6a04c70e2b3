//! OAuth client-credentials tokens for Qualtrics, cached and refreshed before expiry.

use std::{fmt, time::Duration};

use futures::{future::BoxFuture, lock::Mutex};
use reqwest::{
    Method,
    header::{AUTHORIZATION, HeaderMap, HeaderValue},
};
use serde::Deserialize;
use tokio::time::Instant;

use super::operation;
use crate::{
    Error, Operation, Secret,
    timer::saturating_add,
    transport::{Authorize, Endpoint},
};

const OPERATION: Operation = operation("oauth_token");

/// The scope the audit log needs.
const SCOPE: &str = "read:activity_logs";

/// How long before its expiry a token is replaced, so a request never leaves with a token
/// that dies in flight. Short-lived tokens are replaced at half their life instead.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// A token cache in front of Qualtrics' token endpoint.
///
/// The lock is held across the refresh itself: under many concurrent requests exactly one
/// asks for a token and the others wait for it, instead of stampeding the endpoint.
pub(super) struct ClientCredentials {
    /// The account's root (where `oauth2/token` lives), authenticated with the client id
    /// and secret (HTTP Basic).
    token_endpoint: Endpoint,
    cached: Mutex<Option<CachedToken>>,
}

struct CachedToken {
    header: HeaderValue,
    refresh_at: Instant,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Secret,
    #[serde(default)]
    expires_in: Option<u64>,
}

impl ClientCredentials {
    pub(super) fn new(token_endpoint: Endpoint) -> Self {
        Self { token_endpoint, cached: Mutex::new(None) }
    }

    async fn fetch(&self) -> Result<CachedToken, Error> {
        let request = self
            .token_endpoint
            .request(OPERATION, Method::POST, &["oauth2", "token"])
            .form_body(&[("grant_type", "client_credentials"), ("scope", SCOPE)])
            // Asking for a token changes nothing on the server: safe to retry.
            .idempotent();
        let answer: TokenAnswer = self.token_endpoint.send_json(request).await?;
        if answer.access_token.is_blank() {
            return Err(Error::invalid_input(
                OPERATION,
                "the token endpoint answered an empty access_token",
            ));
        }
        let lifetime = Duration::from_secs(answer.expires_in.unwrap_or(3600));
        let margin = REFRESH_MARGIN.min(lifetime / 2);
        Ok(CachedToken {
            header: answer.access_token.header_value("Bearer ", "Qualtrics access token")?,
            refresh_at: saturating_add(self.token_endpoint.timer().now(), lifetime - margin),
        })
    }
}

impl Authorize for ClientCredentials {
    fn authorize<'a>(
        &'a self,
        _http: &'a reqwest::Client,
        headers: &'a mut HeaderMap,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            let mut cached = self.cached.lock().await;
            let now = self.token_endpoint.timer().now();
            let fresh = match cached.as_ref() {
                Some(token) if now < token.refresh_at => token.header.clone(),
                _ => {
                    let token = self.fetch().await?;
                    let header = token.header.clone();
                    *cached = Some(token);
                    header
                }
            };
            headers.insert(AUTHORIZATION, fresh);
            Ok(())
        })
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.token_endpoint.base_url().as_str())
            .finish_non_exhaustive()
    }
}
