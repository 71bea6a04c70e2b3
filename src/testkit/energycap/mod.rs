//! The EnergyCAP simulator: report distributions and their logs under
//! `/energycap/api/v202106/`, seeded the way the published example and the real API look
//! (mixed date formats, an empty `createdByUser`), with runs started by `exec` that finish
//! after a few polls.
//!
//! One concept per file: [`handle`] is the public [`EnergyCapSandbox`], [`config`] when runs
//! finish, [`routes`] the HTTP surface and its key check, [`refusal`] its error answers,
//! [`state`] the logs, distributions and runs behind it, [`seed`] what a sandbox starts
//! with, and [`plugin`] how the sandbox starts it and wires a client to it.

mod config;
mod filter;
mod handle;
mod plugin;
mod refusal;
mod routes;
mod seed;
mod state;

pub use handle::EnergyCapSandbox;
pub use state::EnergyCapRun;
pub(crate) use plugin::EnergyCap;
