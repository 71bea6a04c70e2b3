//! Where a Reporter deployment lives and how to authenticate.

use std::sync::Arc;

use reqwest::header::{HeaderName, HeaderValue};

use super::{Credentials, protocol::ReporterProtocol};
use crate::transport::ServerLimits;
use crate::{
    Error, Vendor,
    transport::{Endpoint, StaticHeader, Transport},
};

/// Reporter settings for [`ClientBuilder::reporter`](crate::ClientBuilder::reporter).
///
/// Reporter is self-hosted, so the base URL is yours; include a gateway prefix such as
/// `/manager` if your deployment has one (the SDK appends `v1/…`).
///
/// ```
/// use auditkit::reporter::{Config, Credentials};
///
/// let credentials = Credentials::bearer("eyJ-secret-token");
/// let config = Config::new("https://reporter.example.com", credentials).organization_id("org-1");
/// assert!(!format!("{config:?}").contains("eyJ-secret-token"));
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Config {
    base_url: String,
    credentials: Credentials,
    organization_id: Option<String>,
}

impl Config {
    /// A deployment's base URL and credentials ([`Credentials::none`] where the auth
    /// plugin is off).
    pub fn new(base_url: impl Into<String>, credentials: Credentials) -> Self {
        Self { base_url: base_url.into(), credentials, organization_id: None }
    }

    /// Sends `X-Organization-Id` (required by older multi-tenant deployments, ignored by
    /// newer ones).
    ///
    /// Reporter does not scope idempotency keys per organisation: a key sent for one
    /// organisation is the same key for every other on the deployment (see
    /// [`GenerateReport::idempotency_key`](super::GenerateReport::idempotency_key)).
    pub fn organization_id(mut self, id: impl Into<String>) -> Self {
        self.organization_id = Some(id.into());
        self
    }

    /// Replaces the base URL given to [`new`](Self::new).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    pub(crate) fn endpoint(self, transport: &Arc<Transport>) -> Result<Endpoint, Error> {
        let mut headers = self.credentials.add_to(StaticHeader::default())?;
        if let Some(id) = &self.organization_id {
            let value = HeaderValue::from_str(id.trim()).map_err(|_| {
                Error::config(format!(
                    "the Reporter organization id `{id}` cannot be sent as a header"
                ))
            })?;
            headers = headers.with(HeaderName::from_static("x-organization-id"), value);
        }
        Endpoint::new(
            transport.clone(),
            Vendor::Reporter,
            &self.base_url,
            headers,
            ReporterProtocol,
        )
        .map(|endpoint| {
            endpoint.paced_by_server(Arc::new(ServerLimits::new(super::rate_tier::bucket_of)))
        })
    }

    pub(crate) fn from_env(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Option<Self>, Error> {
        let Some(base_url) = lookup("AUDITKIT_REPORTER_BASE_URL") else { return Ok(None) };
        let credentials = match lookup("AUDITKIT_REPORTER_TOKEN") {
            Some(token) => Credentials::bearer(token),
            None => Credentials::none(),
        };
        let mut config = Config::new(base_url, credentials);
        config.organization_id = lookup("AUDITKIT_REPORTER_ORGANIZATION_ID");
        Ok(Some(config))
    }
}
