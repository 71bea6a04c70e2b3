//! The Everbridge simulator: the audit log under `/everbridge/rest/reports/auditLog` by
//! pageQuery and scroll, with Everbridge's HTTP-200 business errors, scrolls that expire,
//! bare or wrapped answers, and the OAuth token endpoint under
//! `/everbridge/authorization/v1/tokens`. It starts with seven months of entries, one empty.
//!
//! One concept per file: [`handle`] is the public [`EverbridgeSandbox`], [`config`] the
//! builder's settings, [`routes`] the HTTP surface and its auth check, [`refusal`] its failure shapes,
//! [`oauth`] the token endpoint, [`limits`] the gateway's rate tier and timeouts, [`audit_log`] the query rules, pages and scrolls,
//! [`state`] what is behind them, [`entries`] the entries and their JSON, [`seed`] what a
//! sandbox starts with, and [`plugin`] how the sandbox starts it and wires a client.

mod audit_log;
mod config;
mod entries;
mod handle;
mod limits;
mod oauth;
mod plugin;
mod refusal;
mod routes;
mod seed;
mod state;

pub use handle::EverbridgeSandbox;
pub(crate) use plugin::Everbridge;
