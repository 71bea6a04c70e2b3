//! Where a Qualtrics account lives and how to authenticate.

use std::sync::Arc;

use super::Credentials;
use crate::{
    Error,
    transport::{Endpoint, Transport},
};

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
        self.credentials.endpoint(transport, &api_url)
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
            (None, Some(id), Some(secret)) => Credentials::client_credentials(id, secret),
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
