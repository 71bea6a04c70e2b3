//! Where a Qualtrics account lives and how to authenticate.

use std::sync::Arc;

use reqwest::header::HeaderName;

use crate::{
    Error, Secret, Vendor,
    transport::{Endpoint, ErrorDetails, StaticHeader, Transport},
};

/// How the SDK authenticates to Qualtrics.
///
/// ```
/// use auditkit::qualtrics::Credentials;
/// let credentials = Credentials::api_token("token");
/// assert!(!format!("{credentials:?}").contains("token\""));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// An API token, sent as `X-API-TOKEN`.
    ApiToken(Secret),
}

impl Credentials {
    /// An API token from Account Settings → Qualtrics IDs.
    pub fn api_token(token: impl Into<Secret>) -> Self {
        Credentials::ApiToken(token.into())
    }
}

/// Qualtrics settings for [`ClientBuilder::qualtrics`](crate::ClientBuilder::qualtrics).
///
/// ```
/// use auditkit::qualtrics::{Config, Credentials};
///
/// let config = Config::new("iad1", Credentials::api_token("token"));
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
    /// instead of the datacenter's.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    pub(crate) fn endpoint(self, transport: &Arc<Transport>) -> Result<Endpoint, Error> {
        let base = match self.base_url {
            Some(url) => url,
            None => {
                let datacenter = self.datacenter.trim();
                if datacenter.is_empty() || !datacenter.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                    return Err(Error::config(format!(
                        "`{datacenter}` is not a Qualtrics datacenter id; expected something like `iad1` or `fra1`"
                    )));
                }
                format!("https://{datacenter}.qualtrics.com/API/v3/")
            }
        };
        let auth = match &self.credentials {
            Credentials::ApiToken(token) => {
                if token.is_blank() {
                    return Err(Error::config("the Qualtrics API token is empty"));
                }
                StaticHeader::new(HeaderName::from_static("x-api-token"), token.header_value("", "Qualtrics API token")?)
            }
        };
        Endpoint::new(transport.clone(), Vendor::Qualtrics, &base, auth, ErrorDetails::generic)
    }

    pub(crate) fn from_env(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Option<Self>, Error> {
        let datacenter = lookup("AUDITKIT_QUALTRICS_DATACENTER");
        let base_url = lookup("AUDITKIT_QUALTRICS_BASE_URL");
        if datacenter.is_none() && base_url.is_none() {
            return Ok(None);
        }
        let token = lookup("AUDITKIT_QUALTRICS_API_TOKEN").ok_or_else(|| {
            Error::config("Qualtrics is configured in the environment but AUDITKIT_QUALTRICS_API_TOKEN is not set")
        })?;
        let mut config = Config::new(datacenter.unwrap_or_default(), Credentials::api_token(token));
        config.base_url = base_url;
        Ok(Some(config))
    }
}
