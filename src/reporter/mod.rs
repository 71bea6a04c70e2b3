//! Lerian Reporter: asynchronous report generation from templates.
//!
//! This release configures the vendor (base URL, bearer token, organization id); report
//! generation, polling and downloads arrive in a later release.

mod config;

pub use config::Config;

use crate::{
    Vendor,
    transport::{Endpoint, EndpointSlot},
};

/// Lerian Reporter's operations. Get it from [`Client::reporter`](crate::Client::reporter).
#[derive(Debug, Clone)]
pub struct Service {
    slot: EndpointSlot,
}

impl Service {
    pub(crate) fn new(endpoint: Option<Endpoint>) -> Self {
        Self { slot: EndpointSlot::new(Vendor::Reporter, endpoint) }
    }

    /// Whether the client was built with a Reporter [`Config`].
    ///
    /// ```
    /// # fn demo() -> Result<(), auditkit::Error> {
    /// let client = auditkit::Client::builder().build()?;
    /// assert!(!client.reporter().is_configured());
    /// # Ok(()) }
    /// ```
    pub fn is_configured(&self) -> bool {
        self.slot.is_configured()
    }
}
