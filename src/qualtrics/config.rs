//! Where a Qualtrics account lives and how to authenticate.

use std::sync::Arc;

use reqwest::header::{AUTHORIZATION, HeaderName};

use super::{error_body::parse_error, oauth::ClientCredentials};
use crate::{
    Error, Secret, Vendor,
    transport::{Endpoint, ErrorBody, StaticHeader, TokenCache, Transport, basic_auth},
};

/// How the SDK authenticates to Qualtrics.
///
/// ```
/// use auditkit::qualtrics::Credentials;
/// let token = Credentials::api_token("tok-4c1e");
/// let oauth = Credentials::oauth_client_credentials("client-id", "shh-8d2f");
/// let printed = format!("{token:?} {oauth:?}");
/// assert!(!printed.contains("tok-4c1e") && !printed.contains("shh-8d2f"));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// An API token, sent as `X-API-TOKEN`.
    ApiToken(Secret),
    /// An OAuth client: the SDK asks `{datacenter}/oauth2/token` for a bearer token with
    /// scope `read:activity_logs`, caches it, and replaces it before it expires.
    OAuthClientCredentials {
        /// The client id.
        client_id: String,
        /// The client secret.
        client_secret: Secret,
    },
}

impl Credentials {
    /// An API token from Account Settings → Qualtrics IDs.
    pub fn api_token(token: impl Into<Secret>) -> Self {
        Credentials::ApiToken(token.into())
    }

    /// An OAuth client (client-credentials grant) with the `read:activity_logs` scope.
    pub fn oauth_client_credentials(
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        Credentials::OAuthClientCredentials {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        }
    }
}

/// Qualtrics settings for [`ClientBuilder::qualtrics`](crate::ClientBuilder::qualtrics).
///
/// ```
/// use auditkit::qualtrics::{Config, Credentials};
///
/// let config = Config::new("iad1", Credentials::api_token("token"));
/// // Through a gateway; OAuth tokens are then asked for at
/// // https://gateway.example.com/qualtrics/oauth2/token.
/// let proxied = Config::new("iad1", Credentials::api_token("token"))
///     .base_url("https://gateway.example.com/qualtrics/API/v3");
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Config {
    datacenter: String,
    base_url: Option<String>,
    credentials: Credentials,
}

impl Config {
    /// A datacenter id (such as `iad1` or `fra1`) and credentials. The API is then at
    /// `https://{datacenter}.qualtrics.com/API/v3`.
    pub fn new(datacenter: impl Into<String>, credentials: Credentials) -> Self {
        Self { datacenter: datacenter.into(), base_url: None, credentials }
    }

    /// Sends requests to this URL (the equivalent of `https://iad1.qualtrics.com/API/v3`)
    /// instead of the datacenter's. OAuth tokens come from `oauth2/token` beside its
    /// `API/v3` part.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    fn api_url(&self) -> Result<String, Error> {
        if let Some(url) = &self.base_url {
            return Ok(url.clone());
        }
        let datacenter = self.datacenter.trim();
        if datacenter.is_empty()
            || !datacenter.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(Error::config(format!(
                "`{datacenter}` is not a Qualtrics datacenter id; expected something like `iad1` or `fra1`"
            )));
        }
        Ok(format!("https://{datacenter}.qualtrics.com/API/v3/"))
    }

    pub(crate) fn endpoint(self, transport: &Arc<Transport>) -> Result<Endpoint, Error> {
        let api_url = self.api_url()?;
        match &self.credentials {
            Credentials::ApiToken(token) => {
                if token.is_blank() {
                    return Err(Error::config("the Qualtrics API token is empty"));
                }
                let header = token.header_value("", "Qualtrics API token")?;
                Endpoint::new(
                    transport.clone(),
                    Vendor::Qualtrics,
                    &api_url,
                    StaticHeader::new(HeaderName::from_static("x-api-token"), header),
                    ErrorBody(parse_error),
                )
            }
            Credentials::OAuthClientCredentials { client_id, client_secret } => {
                if client_id.trim().is_empty() || client_secret.is_blank() {
                    return Err(Error::config("the Qualtrics OAuth client id or secret is empty"));
                }
                let basic = basic_auth(client_id, client_secret, "Qualtrics OAuth client")?;
                let token_endpoint = Endpoint::new(
                    transport.clone(),
                    Vendor::Qualtrics,
                    &account_root(&api_url),
                    StaticHeader::new(AUTHORIZATION, basic),
                    ErrorBody::GENERIC,
                )?
                .own_origin_only();
                Endpoint::new(
                    transport.clone(),
                    Vendor::Qualtrics,
                    &api_url,
                    TokenCache::new(
                        ClientCredentials::new(token_endpoint),
                        transport.timer().clone(),
                    ),
                    ErrorBody(parse_error),
                )
            }
        }
    }

    pub(crate) fn from_env(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Option<Self>, Error> {
        let datacenter = lookup("AUDITKIT_QUALTRICS_DATACENTER");
        let base_url = lookup("AUDITKIT_QUALTRICS_BASE_URL");
        if datacenter.is_none() && base_url.is_none() {
            return Ok(None);
        }
        let credentials = match (
            lookup("AUDITKIT_QUALTRICS_API_TOKEN"),
            lookup("AUDITKIT_QUALTRICS_CLIENT_ID"),
            lookup("AUDITKIT_QUALTRICS_CLIENT_SECRET"),
        ) {
            (Some(token), _, _) => Credentials::api_token(token),
            (None, Some(id), Some(secret)) => Credentials::oauth_client_credentials(id, secret),
            _ => {
                return Err(Error::config(
                    "Qualtrics is configured in the environment but has no credentials: set \
                     AUDITKIT_QUALTRICS_API_TOKEN, or AUDITKIT_QUALTRICS_CLIENT_ID and \
                     AUDITKIT_QUALTRICS_CLIENT_SECRET",
                ));
            }
        };
        let mut config = Config::new(datacenter.unwrap_or_default(), credentials);
        config.base_url = base_url;
        Ok(Some(config))
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
    #[test]
    fn the_token_endpoint_sits_beside_the_api() {
        let root = super::account_root;
        assert_eq!(root("https://iad1.qualtrics.com/API/v3/"), "https://iad1.qualtrics.com/");
        assert_eq!(root("https://gw.example/q/api/V3"), "https://gw.example/q/");
        assert_eq!(root("https://gw.example/custom"), "https://gw.example/custom/");
    }
}
