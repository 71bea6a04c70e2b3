//! How the SDK authenticates to Everbridge: HTTP Basic, a bearer token, OAuth's password
//! grant, or a service account's client-credentials grant.

use std::sync::Arc;

use reqwest::header::{AUTHORIZATION, HeaderValue};

use super::{
    oauth::{Grant, OAuthGrant},
    protocol::EverbridgeAnswers,
};
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
/// let service = Credentials::client_credentials("service-account-id", "shh-9f0a");
/// let printed = format!("{basic:?} {bearer:?} {oauth:?} {service:?}");
/// assert!(!printed.contains("hunter2") && !printed.contains("eyJraWQiOi"));
/// assert!(!printed.contains("shh-5e1b") && !printed.contains("shh-9f0a"));
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
    #[non_exhaustive]
    PasswordGrant {
        /// The OAuth client id.
        client_id: String,
        /// The OAuth client secret.
        client_secret: Secret,
        /// The user name (a user with the API User role).
        username: String,
        /// The user's password.
        password: Secret,
        /// The role the token is minted for, sent as Everbridge's `roleId` header, for a
        /// user that holds several roles or is an account admin (whose `roleId` must then
        /// be the organisation admin role). `None`: the user's default role.
        role_id: Option<String>,
    },
    /// OAuth's client-credentials grant, for a service account (Everbridge's current way
    /// for machines): the SDK asks `authorization/v1/tokens` for a token with scope
    /// `openid user-profile role service-profile`, sends its **`access_token`** as the
    /// bearer token, caches it and replaces it a minute before its eight hours (28,800 s)
    /// end, one request for it at a time. The audit log is account-level: it needs an
    /// account-level service account (Users → Service Accounts in the Manager Portal).
    ClientCredentials {
        /// The service account's client id.
        client_id: String,
        /// The service account's client secret.
        client_secret: Secret,
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
            role_id: None,
        }
    }

    /// OAuth's password grant for one of the user's roles (Everbridge's optional `roleId`
    /// header): for a user that holds several roles, or an account admin, whose role must
    /// then be the organisation admin role.
    ///
    /// ```
    /// use auditkit::everbridge::Credentials;
    /// let credentials = Credentials::password_grant_for_role(
    ///     "client-id", "client-secret", "api-user", "hunter2", "892807736729515",
    /// );
    /// ```
    pub fn password_grant_for_role(
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        username: impl Into<String>,
        password: impl Into<Secret>,
        role_id: impl Into<String>,
    ) -> Self {
        match Self::password_grant(client_id, client_secret, username, password) {
            Credentials::PasswordGrant { client_id, client_secret, username, password, .. } => {
                let role_id = Some(role_id.into());
                Credentials::PasswordGrant { client_id, client_secret, username, password, role_id }
            }
            other => other,
        }
    }

    /// A service account: OAuth's client-credentials grant, whose `access_token` the SDK
    /// fetches, caches and renews before its eight hours end.
    ///
    /// ```
    /// use auditkit::everbridge::Credentials;
    /// let credentials = Credentials::client_credentials("service-account-id", "client-secret");
    /// ```
    pub fn client_credentials(
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        Credentials::ClientCredentials {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
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
            Credentials::PasswordGrant {
                client_id,
                client_secret,
                username,
                password,
                role_id,
            } => {
                if [client_id.as_str(), username.as_str()].iter().any(|s| s.trim().is_empty())
                    || client_secret.is_blank()
                    || password.is_blank()
                {
                    return Err(Error::config(
                        "the Everbridge OAuth client id, client secret, user name or password is empty",
                    ));
                }
                let role_id = role_id.map(|role| role_header(&role)).transpose()?;
                let grant = Grant::Password { username, password, role_id };
                oauth(transport, api_url, token_root, client_id, client_secret, grant)
            }
            Credentials::ClientCredentials { client_id, client_secret } => {
                if client_id.trim().is_empty() || client_secret.is_blank() {
                    return Err(Error::config(
                        "the Everbridge service account's client id or client secret is empty",
                    ));
                }
                let grant = Grant::ClientCredentials;
                oauth(transport, api_url, token_root, client_id, client_secret, grant)
            }
        }
    }
}

/// The API at `api_url`, authenticated by tokens of `grant` from `token_root`.
fn oauth(
    transport: &Arc<Transport>,
    api_url: &str,
    token_root: &str,
    client_id: String,
    client_secret: Secret,
    grant: Grant,
) -> Result<Endpoint, Error> {
    let token_endpoint = Endpoint::new(
        transport.clone(),
        Vendor::Everbridge,
        token_root,
        StaticHeader::default(),
        ErrorBody::GENERIC,
    )?
    .own_origin_only();
    let source = OAuthGrant { token_endpoint, client_id, client_secret, grant };
    let cache = TokenCache::new(source, transport.timer().clone());
    Endpoint::new(transport.clone(), Vendor::Everbridge, api_url, cache, EverbridgeAnswers)
}

/// A role id as the `roleId` header carries it.
fn role_header(role: &str) -> Result<HeaderValue, Error> {
    let role = role.trim();
    match HeaderValue::from_str(role) {
        Ok(value) if !role.is_empty() => Ok(value),
        _ => Err(Error::config(
            "the Everbridge role id is empty or holds characters a header cannot carry; give \
             the role's numeric id as the Manager Portal shows it",
        )),
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
        let service = Credentials::client_credentials("service-id", "cs-9a0b-secret");
        let printed = format!("{basic:?} {bearer:?} {grant:?} {service:?}");
        for secret in [
            "pw-1a2b-secret",
            "tok-3c4d-secret",
            "cs-5e6f-secret",
            "pw-7a8b-secret",
            "cs-9a0b-secret",
        ] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
        assert!(printed.contains("api-user") && printed.contains("client-id"), "{printed}");
        assert!(printed.contains("service-id"), "{printed}");
    }
}
