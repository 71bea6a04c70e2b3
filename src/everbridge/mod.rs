//! Everbridge Suite audit log.
//!
//! This release configures the vendor (region or base URL, API user); the audit log
//! itself arrives in a later release.

mod config;

pub use config::{Config, Credentials, Region};

use crate::{
    Vendor,
    transport::{Endpoint, EndpointSlot},
};

/// Everbridge's operations. Get it from [`Client::everbridge`](crate::Client::everbridge).
#[derive(Debug, Clone)]
pub struct Service {
    slot: EndpointSlot,
}

impl Service {
    pub(crate) fn new(endpoint: Option<Endpoint>) -> Self {
        Self { slot: EndpointSlot::new(Vendor::Everbridge, endpoint) }
    }

    /// Whether the client was built with an Everbridge [`Config`].
    ///
    /// ```
    /// # fn demo() -> Result<(), auditkit::Error> {
    /// let client = auditkit::Client::builder().build()?;
    /// assert!(!client.everbridge().is_configured());
    /// # Ok(()) }
    /// ```
    pub fn is_configured(&self) -> bool {
        self.slot.is_configured()
    }
}
