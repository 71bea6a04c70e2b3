//! Everbridge's OAuth grants at `POST authorization/v1/tokens`: the password grant, whose
//! `id_token` is the bearer token, and the client-credentials grant of service accounts,
//! whose `access_token` is. The cache in front of them is the generic
//! [`TokenCache`](crate::transport::TokenCache), which replaces a token a margin before its
//! eight hours end.

use std::{fmt, time::Duration};

use futures::future::BoxFuture;
use reqwest::{Method, header::HeaderValue};
use serde::Deserialize;

use super::operation;
use crate::{
    Error, Operation, Secret,
    transport::{Endpoint, ExpiresIn, Issued, Token, TokenSource},
};

const OPERATION: Operation = operation("oauth_token");

/// The scope Everbridge documents for the password grant.
const PASSWORD_SCOPE: &str = "openid user-profile role";

/// The scope Everbridge documents for service accounts (the client-credentials grant).
const SERVICE_SCOPE: &str = "openid user-profile role service-profile";

/// How long a token lives when the answer does not say: Everbridge documents 28,800 s.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(8 * 60 * 60);

/// Who asks for the token.
pub(super) enum Grant {
    /// An API user, with the role the token is minted for when the user holds several.
    Password { username: String, password: Secret, role_id: Option<HeaderValue> },
    /// A service account: the client alone.
    ClientCredentials,
}

/// The token endpoint and what a grant sends to it.
pub(super) struct OAuthGrant {
    /// Where `authorization/v1/tokens` lives; the grant authenticates in its form.
    pub(super) token_endpoint: Endpoint,
    pub(super) client_id: String,
    pub(super) client_secret: Secret,
    pub(super) grant: Grant,
}

#[derive(Deserialize)]
pub(crate) struct TokenAnswer {
    #[serde(default)]
    pub(crate) id_token: Option<Secret>,
    #[serde(default)]
    pub(crate) access_token: Option<Secret>,
    #[serde(default)]
    pub(crate) expires_in: Option<ExpiresIn>,
}

impl OAuthGrant {
    fn request(&self) -> crate::transport::Request {
        let request = self.token_endpoint.request(
            OPERATION,
            Method::POST,
            &["authorization", "v1", "tokens"],
        );
        let client = [
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose()),
        ];
        let request = match &self.grant {
            Grant::Password { username, password, role_id } => {
                let mut form = vec![("grant_type", "password")];
                form.extend(client);
                form.extend([
                    ("username", username.as_str()),
                    ("password", password.expose()),
                    ("scope", PASSWORD_SCOPE),
                ]);
                // Everbridge reads the role from a header, not from the form.
                let mut request = request.form_body(&form);
                if let Some(role) = role_id {
                    request.headers.insert("roleid", role.clone());
                }
                request
            }
            Grant::ClientCredentials => {
                let mut form = vec![("grant_type", "client_credentials")];
                form.extend(client);
                form.push(("scope", SERVICE_SCOPE));
                request.form_body(&form)
            }
        };
        // Asking for a token changes nothing on the server: safe to retry.
        request.idempotent()
    }
}

impl TokenSource for OAuthGrant {
    fn fetch(&self) -> BoxFuture<'_, Result<Token, Error>> {
        Box::pin(async move {
            let request = self.request();
            let url = request.url.clone();
            let answer: TokenAnswer = self.token_endpoint.send_json(request).await?;
            let (field, token, hint) = match self.grant {
                Grant::Password { .. } => (
                    "id_token",
                    answer.id_token,
                    "check that the scope `openid` is granted to this OAuth client",
                ),
                Grant::ClientCredentials => (
                    "access_token",
                    answer.access_token,
                    "check that the service account is enabled and account-level (audit logs \
                     need an account-level service account)",
                ),
            };
            let Some(token) = token.filter(|token| !token.is_blank()) else {
                return Err(Error::invalid_input(
                    OPERATION,
                    format!(
                        "the token endpoint answered without an {field}, which is what \
                         Everbridge's API takes as the bearer token for this grant; {hint}"
                    ),
                ));
            };
            let issued = Issued {
                operation: OPERATION,
                endpoint: &url,
                field,
                default_lifetime: DEFAULT_LIFETIME,
            };
            Token::bearer(&token, answer.expires_in, &issued)
        })
    }
}

impl fmt::Debug for OAuthGrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("OAuthGrant");
        out.field("token_url", &self.token_endpoint.base_url().as_str())
            .field("client_id", &self.client_id);
        match &self.grant {
            Grant::Password { username, role_id, .. } => out
                .field("grant", &"password")
                .field("username", username)
                .field("role_id", role_id),
            Grant::ClientCredentials => out.field("grant", &"client_credentials"),
        };
        out.finish_non_exhaustive()
    }
}
