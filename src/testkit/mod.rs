//! A simulator of the vendor APIs on 127.0.0.1, for examples and tests: no account needed.
//!
//! Enabled by the `testkit` feature. [`Sandbox::start`] serves the vendors of the plug-in list below with
//! seeded state under one local port, with fault injection ([`Fault`]) shared by every
//! vendor and a log of every request received; [`Sandbox::client`] is a [`Client`](crate::Client) wired
//! to it.
//!
//! ```
//! use auditkit::testkit::{Fault, Sandbox};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = Sandbox::start().await?;
//! sandbox.inject(Fault::status(503).times(2));
//! // The shared retry policy rides out both 503s.
//! let logs = sandbox.client().energycap().list_report_distribution_logs().send().await?;
//! assert!(!logs.is_empty());
//! assert_eq!(sandbox.requests().len(), 3);
//! # Ok(()) }
//! ```
// The simulators are the vendors' servers: they keep the vendors' own clock, not the SDK's.
#![allow(clippy::disallowed_methods)]

mod builder;
mod environment;
mod fault_queue;
mod faults;
mod late;
mod lock;
mod plugin;
mod publisher;
mod recorder;
mod sandbox;
mod server;
mod sim;
mod spoil;
mod state;

pub use builder::SandboxBuilder;
pub use faults::{Fault, FaultBody};
pub use late::LateEvents;
pub use publisher::Publisher;
pub use recorder::RecordedRequest;
pub use sandbox::Sandbox;

pub use crate::timer::VirtualTimer;

// The vendor simulators, the one place the sandbox names them: each line is a folder
// `testkit/<folder>/` and its type implementing `plugin::Plugin`. Adding a vendor is adding
// its line; the folder's public items are re-exported here.
plugin::plugins! {
    energycap::EnergyCap,
    qualtrics::Qualtrics,
    reporter::Reporter,
    everbridge::Everbridge,
}
