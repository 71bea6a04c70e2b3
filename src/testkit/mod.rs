//! A simulator of the vendor APIs on 127.0.0.1, for examples and tests: no account needed.
//!
//! Enabled by the `testkit` feature. [`Sandbox::start`] serves EnergyCAP and Qualtrics with
//! seeded state under one local port, with fault injection ([`Fault`]) shared by every
//! vendor and a log of every request received; [`Sandbox::client`] is a [`Client`] wired
//! to it.
//!
//! ```
//! use auditkit::testkit::{Fault, Sandbox};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = Sandbox::start().await?;
//! sandbox.inject(Fault::status(503).times(2));
//! // The shared retry policy rides out both 503s.
//! let logs = sandbox.client().energycap().report_distribution_logs().send().await?;
//! assert!(!logs.is_empty());
//! assert_eq!(sandbox.requests().len(), 3);
//! # Ok(()) }
//! ```

mod energycap;
mod faults;
mod qualtrics;
mod recorder;
mod server;
mod state;

pub use energycap::{EnergyCapRun, EnergyCapSandbox};
pub use faults::{Fault, FaultBody};
pub use qualtrics::{NextPageMode, QualtricsSandbox};
pub use recorder::RecordedRequest;
pub use server::{Sandbox, SandboxBuilder};

pub use crate::timer::VirtualTimer;
use crate::{
    Client, ClientBuilder,
    energycap::{Config as EnergyCapConfig, Host},
    qualtrics::{Config as QualtricsConfig, Credentials as QualtricsCredentials},
};

impl Sandbox {
    /// A [`Client`] with every simulated vendor configured to this sandbox.
    ///
    /// # Panics
    /// Never in practice: the sandbox's own URLs and keys always make a valid client. A
    /// failure would be a bug in the testkit, reported with the builder's error.
    pub fn client(&self) -> Client {
        self.client_builder().build().unwrap_or_else(|error| {
            panic!("the sandbox's own configuration was refused, a testkit bug: {error}") // ok: testkit only
        })
    }

    /// A [`ClientBuilder`] configured for this sandbox, to adjust (retry policy, timer, …)
    /// before `build()`.
    ///
    /// ```
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let sandbox = auditkit::testkit::Sandbox::start().await?;
    /// let client = sandbox.client_builder().retry(auditkit::RetryPolicy::none()).build()?;
    /// # Ok(()) }
    /// ```
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder()
            .energycap(
                EnergyCapConfig::new(Host::UsEast, self.energycap_api_key())
                    .base_url(self.energycap_url().as_str()),
            )
            .qualtrics(
                QualtricsConfig::new(
                    "sandbox",
                    QualtricsCredentials::api_token(self.qualtrics_api_token()),
                )
                .base_url(self.qualtrics_url().as_str()),
            )
    }
}
