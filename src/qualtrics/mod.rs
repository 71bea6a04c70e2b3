//! Qualtrics audit events.
//!
//! This release configures the vendor (datacenter or base URL, API token); listing events
//! arrives in a later release.

mod config;

pub use config::{Config, Credentials};

use crate::{
    Vendor,
    transport::{Endpoint, EndpointSlot},
};

/// Qualtrics' operations. Get it from [`Client::qualtrics`](crate::Client::qualtrics).
#[derive(Debug, Clone)]
pub struct Service {
    slot: EndpointSlot,
}

impl Service {
    pub(crate) fn new(endpoint: Option<Endpoint>) -> Self {
        Self { slot: EndpointSlot::new(Vendor::Qualtrics, endpoint) }
    }

    /// Whether the client was built with a Qualtrics [`Config`].
    ///
    /// ```
    /// # fn demo() -> Result<(), auditkit::Error> {
    /// let client = auditkit::Client::builder().build()?;
    /// assert!(!client.qualtrics().is_configured());
    /// # Ok(()) }
    /// ```
    pub fn is_configured(&self) -> bool {
        self.slot.is_configured()
    }
}
