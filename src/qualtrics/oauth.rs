//! Qualtrics' OAuth client-credentials grant: where a token comes from. The cache in front
//! of it is the generic [`TokenCache`](crate::transport::TokenCache).

use std::{fmt, time::Duration};

use futures::future::BoxFuture;
use reqwest::Method;
use serde::Deserialize;

use super::operation;
use crate::{
    Error, Operation, Secret,
    transport::{Endpoint, ExpiresIn, Issued, Token, TokenSource},
};

const OPERATION: Operation = operation("oauth_token");

/// How long a token lives when the answer does not say: Qualtrics documents an hour.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

/// The scope the audit log needs.
const SCOPE: &str = "read:activity_logs";

/// Qualtrics' token endpoint, asked for client-credentials tokens.
pub(super) struct ClientCredentials {
    /// The account's root (where `oauth2/token` lives), authenticated with the client id
    /// and secret (HTTP Basic).
    token_endpoint: Endpoint,
}

#[derive(Deserialize)]
pub(crate) struct TokenAnswer {
    pub(crate) access_token: Secret,
    #[serde(default)]
    pub(crate) expires_in: Option<ExpiresIn>,
}

impl ClientCredentials {
    pub(super) fn new(token_endpoint: Endpoint) -> Self {
        Self { token_endpoint }
    }
}

impl TokenSource for ClientCredentials {
    fn fetch(&self) -> BoxFuture<'_, Result<Token, Error>> {
        Box::pin(async move {
            let request = self
                .token_endpoint
                .request(OPERATION, Method::POST, &["oauth2", "token"])
                .form_body(&[("grant_type", "client_credentials"), ("scope", SCOPE)])
                // Asking for a token changes nothing on the server: safe to retry.
                .idempotent();
            let url = request.url.clone();
            let answer: TokenAnswer = self.token_endpoint.send_json(request).await?;
            if answer.access_token.is_blank() {
                return Err(Error::invalid_input(
                    OPERATION,
                    "the token endpoint answered an empty access_token",
                ));
            }
            let issued = Issued {
                operation: OPERATION,
                endpoint: &url,
                field: "access_token",
                default_lifetime: DEFAULT_LIFETIME,
            };
            Token::bearer(&answer.access_token, answer.expires_in, &issued)
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
