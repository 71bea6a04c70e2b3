//! Where EnergyCAP lives and how to authenticate.

use std::{str::FromStr, sync::Arc};

use super::Credentials;
use crate::{
    Error, Vendor,
    transport::{Endpoint, ErrorBody, Transport},
};

/// The API version every EnergyCAP path in this SDK belongs to.
const API_PREFIX: &str = "api/v202106/";

/// EnergyCAP's documented hosts. For any other (a proxy, a test server) use
/// [`Config::base_url`].
///
/// ```
/// use auditkit::energycap::Host;
/// assert_eq!(Host::Eu.url(), "https://app-eu.energycap.com");
/// assert_eq!("fedramp".parse::<Host>().unwrap(), Host::FedRamp);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Host {
    /// `app.energycap.com`
    UsEast,
    /// `wce.energycap.com`
    UsWest,
    /// `app-eu.energycap.com`
    Eu,
    /// `app.fed-energycap.com`
    FedRamp,
    /// `implementation.energycap.com`
    Implementation,
}

impl Host {
    /// The host's root URL.
    pub fn url(self) -> &'static str {
        match self {
            Host::UsEast => "https://app.energycap.com",
            Host::UsWest => "https://wce.energycap.com",
            Host::Eu => "https://app-eu.energycap.com",
            Host::FedRamp => "https://app.fed-energycap.com",
            Host::Implementation => "https://implementation.energycap.com",
        }
    }
}

impl FromStr for Host {
    type Err = Error;

    /// `us-east`, `us-west`, `eu`, `fedramp` or `implementation`, in any case.
    fn from_str(name: &str) -> Result<Self, Error> {
        match name.trim().to_ascii_lowercase().as_str() {
            "us-east" => Ok(Host::UsEast),
            "us-west" => Ok(Host::UsWest),
            "eu" => Ok(Host::Eu),
            "fedramp" => Ok(Host::FedRamp),
            "implementation" => Ok(Host::Implementation),
            _ => Err(Error::config(format!(
                "`{name}` is not an EnergyCAP host; expected us-east, us-west, eu, fedramp or implementation"
            ))),
        }
    }
}

/// EnergyCAP settings for [`ClientBuilder::energycap`](crate::ClientBuilder::energycap).
///
/// ```
/// use auditkit::energycap::{Config, Credentials, Host};
///
/// let config = Config::new(Host::UsEast, Credentials::api_key("k-5e9a"));
/// assert!(!format!("{config:?}").contains("k-5e9a"));
/// // Through a gateway: the SDK appends `api/v202106/…` to this URL.
/// let proxied = Config::new(Host::UsEast, Credentials::api_key("k-5e9a"))
///     .base_url("https://gateway.example.com/energycap");
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Config {
    host: Host,
    base_url: Option<String>,
    credentials: Credentials,
}

impl Config {
    /// A host and credentials (an API key, sent as `ECI-ApiKey`).
    pub fn new(host: Host, credentials: Credentials) -> Self {
        Self { host, base_url: None, credentials }
    }

    /// Sends requests to this URL instead of the host's; `api/v202106/…` is appended.
    /// Checked by [`ClientBuilder::build`](crate::ClientBuilder::build).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    pub(crate) fn endpoint(self, transport: &Arc<Transport>) -> Result<Endpoint, Error> {
        let auth = self.credentials.header()?;
        let root = self.base_url.as_deref().unwrap_or(self.host.url());
        let base = format!("{}/{API_PREFIX}", root.trim().trim_end_matches('/'));
        Endpoint::new(transport.clone(), Vendor::EnergyCap, &base, auth, ErrorBody::GENERIC)
    }

    pub(crate) fn from_env(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Option<Self>, Error> {
        let Some(key) = lookup("AUDITKIT_ENERGYCAP_API_KEY") else { return Ok(None) };
        let host = match lookup("AUDITKIT_ENERGYCAP_HOST") {
            Some(name) => {
                name.parse().map_err(|e| Error::config(format!("AUDITKIT_ENERGYCAP_HOST: {e}")))?
            }
            None => Host::UsEast,
        };
        let mut config = Config::new(host, Credentials::api_key(key));
        config.base_url = lookup("AUDITKIT_ENERGYCAP_BASE_URL");
        Ok(Some(config))
    }
}
