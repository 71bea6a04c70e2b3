//! How the SDK authenticates to Everbridge: HTTP Basic, a bearer token, or OAuth's
//! password grant.

use std::sync::Arc;

use reqwest::header::AUTHORIZATION;

use super::{oauth::PasswordGrant as PasswordGrantSource, protocol::EverbridgeAnswers};
use crate::{
    Error, Secret, Vendor,
    transport::{Endpoint, ErrorBody, StaticHeader, TokenCache, Transport, basic_auth},
};

/// How the SDK authenticates to Everbridge.
///
/// ```
/// use auditkit::everbridge::Credentials;
///
/// let basic = Credentials::basic("api-user", "hunter2");
/// let bearer = Credentials::bearer("eyJraWQiOi-token");
/// let oauth = Credentials::password_grant("client-id", "shh-5e1b", "api-user", "hunter2");
/// let printed = format!("{basic:?} {bearer:?} {oauth:?}");
/// assert!(!printed.contains("hunter2") && !printed.contains("eyJraWQiOi") && !printed.contains("shh-5e1b"));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// HTTP Basic with a user that has the API User role.
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: Secret,
    },
    /// A bearer token obtained elsewhere (an OAuth `id_token`), sent as it is. It is not
    /// renewed: when it expires, requests fail with HTTP 401.
    Bearer(Secret),
    /// OAuth's password grant: the SDK asks `authorization/v1/tokens` (beside the API's
    /// `rest`, see [`Config::base_url`](super::Config::base_url)) for a token with scope
    /// `openid user-profile role`, sends its `id_token` as the bearer token, caches it and
    /// replaces it a minute before its eight hours end, one request for it at a time.
    PasswordGrant {
        /// The OAuth client id.
        client_id: String,
        /// The OAuth client secret.
        client_secret: Secret,
        /// The user name (a user with the API User role).
        username: String,
        /// The user's password.
        password: Secret,
    },
}

impl Credentials {
    /// HTTP Basic with a user that has the API User role.
    ///
    /// ```
    /// let credentials = auditkit::everbridge::Credentials::basic("api-user", "hunter2");
    /// ```
    pub fn basic(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        Credentials::Basic { username: username.into(), password: password.into() }
    }

    /// A bearer token (an OAuth `id_token` obtained elsewhere), sent as
    /// `Authorization: Bearer <token>`.
    ///
    /// ```
    /// let credentials = auditkit::everbridge::Credentials::bearer("eyJraWQiOi-token");
    /// ```
    pub fn bearer(token: impl Into<Secret>) -> Self {
        Credentials::Bearer(token.into())
    }

    /// OAuth's password grant with an OAuth client and an API user; tokens are fetched,
    /// cached and renewed by the SDK.
    ///
    /// ```
    /// use auditkit::everbridge::Credentials;
    /// let credentials = Credentials::password_grant("client-id", "client-secret", "api-user", "hunter2");
    /// ```
    pub fn password_grant(
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        username: impl Into<String>,
        password: impl Into<Secret>,
    ) -> Self {
        Credentials::PasswordGrant {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            username: username.into(),
            password: password.into(),
        }
    }

    /// The API at `api_url` with these credentials; `token_root` is where
    /// `authorization/v1/tokens` lives.
    pub(super) fn endpoint(
        self,
        transport: &Arc<Transport>,
        api_url: &str,
        token_root: &str,
    ) -> Result<Endpoint, Error> {
        let endpoint = |auth| {
            Endpoint::new(transport.clone(), Vendor::Everbridge, api_url, auth, EverbridgeAnswers)
        };
        match self {
            Credentials::Basic { username, password } => {
                if username.trim().is_empty() || password.is_blank() {
                    return Err(Error::config("the Everbridge user name or password is empty"));
                }
                let header = basic_auth(&username, &password, "Everbridge credentials")?;
                endpoint(StaticHeader::new(AUTHORIZATION, header))
            }
            Credentials::Bearer(token) => {
                if token.is_blank() {
                    return Err(Error::config("the Everbridge bearer token is empty"));
                }
                let header = token.header_value("Bearer ", "Everbridge bearer token")?;
                endpoint(StaticHeader::new(AUTHORIZATION, header))
            }
            Credentials::PasswordGrant { client_id, client_secret, username, password } => {
                if [client_id.as_str(), username.as_str()].iter().any(|s| s.trim().is_empty())
                    || client_secret.is_blank()
                    || password.is_blank()
                {
                    return Err(Error::config(
                        "the Everbridge OAuth client id, client secret, user name or password is empty",
                    ));
                }
                let token_endpoint = Endpoint::new(
                    transport.clone(),
                    Vendor::Everbridge,
                    token_root,
                    StaticHeader::default(),
                    ErrorBody::GENERIC,
                )?
                .own_origin_only();
                let grant = PasswordGrantSource {
                    token_endpoint,
                    client_id,
                    client_secret,
                    username,
                    password,
                };
                let cache = TokenCache::new(grant, transport.timer().clone());
                Endpoint::new(
                    transport.clone(),
                    Vendor::Everbridge,
                    api_url,
                    cache,
                    EverbridgeAnswers,
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Credentials;

    #[test]
    fn debug_never_shows_a_password_token_or_client_secret() {
        let basic = Credentials::basic("api-user", "pw-1a2b-secret");
        let bearer = Credentials::bearer("tok-3c4d-secret");
        let grant =
            Credentials::password_grant("client-id", "cs-5e6f-secret", "u", "pw-7a8b-secret");
        let printed = format!("{basic:?} {bearer:?} {grant:?}");
        for secret in ["pw-1a2b-secret", "tok-3c4d-secret", "cs-5e6f-secret", "pw-7a8b-secret"] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
        assert!(printed.contains("api-user") && printed.contains("client-id"), "{printed}");
    }
}
