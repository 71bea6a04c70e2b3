//! Where an Everbridge organisation lives and how to authenticate.

use std::{str::FromStr, sync::Arc};

use reqwest::header::AUTHORIZATION;

use crate::{
    Error, Secret, Vendor,
    transport::{Endpoint, ErrorBody, StaticHeader, Transport, basic_auth},
};

/// Everbridge's API regions.
///
/// ```
/// use auditkit::everbridge::Region;
/// assert_eq!(Region::Eu.url(), "https://api.everbridge.eu/rest");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Region {
    /// `api.everbridge.net`
    Us,
    /// `api.everbridge.eu`
    Eu,
}

impl Region {
    /// The region's API base URL.
    pub fn url(self) -> &'static str {
        match self {
            Region::Us => "https://api.everbridge.net/rest",
            Region::Eu => "https://api.everbridge.eu/rest",
        }
    }
}

impl FromStr for Region {
    type Err = Error;

    /// `us` or `eu`, in any case.
    fn from_str(name: &str) -> Result<Self, Error> {
        match name.trim().to_ascii_lowercase().as_str() {
            "us" => Ok(Region::Us),
            "eu" => Ok(Region::Eu),
            _ => Err(Error::config(format!(
                "`{name}` is not an Everbridge region; expected us or eu"
            ))),
        }
    }
}

/// How the SDK authenticates to Everbridge.
///
/// ```
/// use auditkit::everbridge::Credentials;
/// let credentials = Credentials::basic("api-user", "hunter2");
/// assert!(!format!("{credentials:?}").contains("hunter2"));
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
}

impl Credentials {
    /// HTTP Basic with a user that has the API User role.
    pub fn basic(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        Credentials::Basic { username: username.into(), password: password.into() }
    }
}

/// Everbridge settings for [`ClientBuilder::everbridge`](crate::ClientBuilder::everbridge).
///
/// ```
/// use auditkit::everbridge::{Config, Credentials, Region};
/// let config = Config::new(Region::Us, Credentials::basic("api-user", "password"));
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Config {
    region: Region,
    base_url: Option<String>,
    credentials: Credentials,
}

impl Config {
    /// A region and credentials.
    pub fn new(region: Region, credentials: Credentials) -> Self {
        Self { region, base_url: None, credentials }
    }

    /// Sends requests to this URL (the equivalent of `https://api.everbridge.net/rest`)
    /// instead of the region's.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    pub(crate) fn endpoint(self, transport: &Arc<Transport>) -> Result<Endpoint, Error> {
        let base = self.base_url.as_deref().unwrap_or(self.region.url());
        let auth = match &self.credentials {
            Credentials::Basic { username, password } => {
                if username.trim().is_empty() || password.is_blank() {
                    return Err(Error::config("the Everbridge user name or password is empty"));
                }
                StaticHeader::new(
                    AUTHORIZATION,
                    basic_auth(username, password, "Everbridge credentials")?,
                )
            }
        };
        Endpoint::new(transport.clone(), Vendor::Everbridge, base, auth, ErrorBody::GENERIC)
    }

    pub(crate) fn from_env(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Option<Self>, Error> {
        let Some(username) = lookup("AUDITKIT_EVERBRIDGE_USERNAME") else { return Ok(None) };
        let password = lookup("AUDITKIT_EVERBRIDGE_PASSWORD").ok_or_else(|| {
            Error::config(
                "AUDITKIT_EVERBRIDGE_USERNAME is set but AUDITKIT_EVERBRIDGE_PASSWORD is not",
            )
        })?;
        let region = match lookup("AUDITKIT_EVERBRIDGE_REGION") {
            Some(name) => name
                .parse()
                .map_err(|e| Error::config(format!("AUDITKIT_EVERBRIDGE_REGION: {e}")))?,
            None => Region::Us,
        };
        let mut config = Config::new(region, Credentials::basic(username, password));
        config.base_url = lookup("AUDITKIT_EVERBRIDGE_BASE_URL");
        Ok(Some(config))
    }
}
