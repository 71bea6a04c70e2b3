//! How the SDK authenticates to Qualtrics: an API token, or OAuth's client-credentials
//! grant.

use std::sync::Arc;

use reqwest::header::{AUTHORIZATION, HeaderName};

use super::{error_body::parse_error, oauth::ClientCredentials as ClientCredentialsGrant};
use crate::{
    Error, Secret, Vendor,
    transport::{Endpoint, ErrorBody, StaticHeader, TokenCache, Transport, basic_auth},
};

/// How the SDK authenticates to Qualtrics.
///
/// ```
/// use auditkit::qualtrics::{Config, Credentials};
///
/// let token = Credentials::api_token("tok-4c1e");
/// let oauth = Credentials::client_credentials("client-id", "shh-8d2f");
/// let printed = format!("{token:?} {oauth:?}");
/// assert!(!printed.contains("tok-4c1e") && !printed.contains("shh-8d2f"));
/// let config = Config::new("iad1", token);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// An API token, sent as `X-API-TOKEN`.
    ApiToken(Secret),
    /// An OAuth client: the SDK asks `{datacenter}/oauth2/token` for a bearer token with
    /// scope `read:activity_logs`, caches it, and replaces it before it expires.
    ClientCredentials {
        /// The client id.
        client_id: String,
        /// The client secret.
        client_secret: Secret,
    },
}

impl Credentials {
    /// An API token from Account Settings → Qualtrics IDs.
    ///
    /// ```
    /// let credentials = auditkit::qualtrics::Credentials::api_token("tok-4c1e");
    /// ```
    pub fn api_token(token: impl Into<Secret>) -> Self {
        Credentials::ApiToken(token.into())
    }

    /// An OAuth client (client-credentials grant) with the `read:activity_logs` scope;
    /// tokens are fetched, cached and renewed by the SDK.
    ///
    /// ```
    /// let credentials = auditkit::qualtrics::Credentials::client_credentials("client-id", "secret");
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

    /// The API at `api_url` with these credentials; OAuth tokens come from `oauth2/token`
    /// beside its `API/v3` part.
    pub(super) fn endpoint(
        self,
        transport: &Arc<Transport>,
        api_url: &str,
    ) -> Result<Endpoint, Error> {
        match self {
            Credentials::ApiToken(token) => {
                if token.is_blank() {
                    return Err(Error::config("the Qualtrics API token is empty"));
                }
                let header = token.header_value("", "Qualtrics API token")?;
                Endpoint::new(
                    transport.clone(),
                    Vendor::Qualtrics,
                    api_url,
                    StaticHeader::new(HeaderName::from_static("x-api-token"), header),
                    ErrorBody(parse_error),
                )
            }
            Credentials::ClientCredentials { client_id, client_secret } => {
                if client_id.trim().is_empty() || client_secret.is_blank() {
                    return Err(Error::config("the Qualtrics OAuth client id or secret is empty"));
                }
                let basic = basic_auth(&client_id, &client_secret, "Qualtrics OAuth client")?;
                let token_endpoint = Endpoint::new(
                    transport.clone(),
                    Vendor::Qualtrics,
                    &account_root(api_url),
                    StaticHeader::new(AUTHORIZATION, basic),
                    ErrorBody::GENERIC,
                )?
                .own_origin_only();
                Endpoint::new(
                    transport.clone(),
                    Vendor::Qualtrics,
                    api_url,
                    TokenCache::new(
                        ClientCredentialsGrant::new(token_endpoint),
                        transport.timer().clone(),
                    ),
                    ErrorBody(parse_error),
                )
            }
        }
    }
}

/// The account root for an API URL: `…/API/v3` stripped (any case), so the token endpoint
/// is found beside the API even behind a gateway prefix.
fn account_root(api_url: &str) -> String {
    let trimmed = api_url.trim_end_matches('/');
    let root = match trimmed.len().checked_sub("/API/v3".len()) {
        Some(at)
            if trimmed.is_char_boundary(at) && trimmed[at..].eq_ignore_ascii_case("/API/v3") =>
        {
            &trimmed[..at]
        }
        _ => trimmed,
    };
    format!("{root}/")
}

#[cfg(test)]
mod tests {
    use super::Credentials;

    #[test]
    fn the_token_endpoint_sits_beside_the_api() {
        let root = super::account_root;
        assert_eq!(root("https://iad1.qualtrics.com/API/v3/"), "https://iad1.qualtrics.com/");
        assert_eq!(root("https://gw.example/q/api/V3"), "https://gw.example/q/");
        assert_eq!(root("https://gw.example/custom"), "https://gw.example/custom/");
    }

    #[test]
    fn debug_never_shows_the_token_or_the_client_secret() {
        let token = Credentials::api_token("tok-4c1e-secret");
        let oauth = Credentials::client_credentials("client-id", "shh-8d2f-secret");
        let printed = format!("{token:?} {oauth:?}");
        assert!(!printed.contains("tok-4c1e-secret"), "{printed}");
        assert!(!printed.contains("shh-8d2f-secret"), "{printed}");
        assert!(printed.contains("client-id"), "{printed}");
    }
}
