//! Everbridge's OAuth password grant: `POST authorization/v1/tokens`, whose `id_token` is
//! the bearer token. The cache in front of it is the generic
//! [`TokenCache`](crate::transport::TokenCache).

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

/// The scope Everbridge documents for API access.
const SCOPE: &str = "openid user-profile role";

/// How long a token lives when the answer does not say: Everbridge documents eight hours.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(8 * 60 * 60);

/// The token endpoint and what the password grant sends to it.
pub(super) struct PasswordGrant {
    /// Where `authorization/v1/tokens` lives; the grant authenticates in its form.
    pub(super) token_endpoint: Endpoint,
    pub(super) client_id: String,
    pub(super) client_secret: Secret,
    pub(super) username: String,
    pub(super) password: Secret,
}

#[derive(Deserialize)]
pub(crate) struct TokenAnswer {
    #[serde(default)]
    pub(crate) id_token: Option<Secret>,
    #[serde(default)]
    pub(crate) expires_in: Option<ExpiresIn>,
}

impl TokenSource for PasswordGrant {
    fn fetch(&self) -> BoxFuture<'_, Result<Token, Error>> {
        Box::pin(async move {
            let request = self
                .token_endpoint
                .request(OPERATION, Method::POST, &["authorization", "v1", "tokens"])
                .form_body(&[
                    ("grant_type", "password"),
                    ("client_id", &self.client_id),
                    ("client_secret", self.client_secret.expose()),
                    ("username", &self.username),
                    ("password", self.password.expose()),
                    ("scope", SCOPE),
                ])
                // Asking for a token changes nothing on the server: safe to retry.
                .idempotent();
            let url = request.url.clone();
            let answer: TokenAnswer = self.token_endpoint.send_json(request).await?;
            let Some(id_token) = answer.id_token.filter(|token| !token.is_blank()) else {
                return Err(Error::invalid_input(
                    OPERATION,
                    "the token endpoint answered without an id_token, which is what Everbridge's \
                     API takes as the bearer token; check that the scope `openid` is granted to \
                     this OAuth client",
                ));
            };
            let issued = Issued {
                operation: OPERATION,
                endpoint: &url,
                field: "id_token",
                default_lifetime: DEFAULT_LIFETIME,
            };
            Token::bearer(&id_token, answer.expires_in, &issued)
        })
    }
}

impl fmt::Debug for PasswordGrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordGrant")
            .field("token_url", &self.token_endpoint.base_url().as_str())
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}
