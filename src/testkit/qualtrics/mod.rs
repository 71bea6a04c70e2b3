//! The Qualtrics simulator: audit events under `/qualtrics/API/v3/logs`, by activity type
//! and time window, paged with `skipToken`, behind an API token or an OAuth bearer token
//! from `/qualtrics/oauth2/token`. It starts with three weeks of logins, sessions, password
//! resets and brand changes shaped like the published example.
//!
//! One concept per file: [`handle`] is the public [`QualtricsSandbox`], [`config`] the
//! builder's settings and [`NextPageMode`], [`routes`] the HTTP surface, [`answer`] its success and refusal shapes, [`auth`] the API
//! and bearer token check, [`oauth`] the token endpoint, [`query`] the `GET logs` query,
//! [`listing`] the pages it answers, [`skip_token`] the token between them, [`state`] the
//! events behind them, [`seed`] and [`events`] what a sandbox starts with, [`ids`] the
//! deterministic ids and times, and [`plugin`] how the sandbox starts it and wires a client.

mod answer;
mod auth;
mod config;
mod events;
mod export_store;
mod exports;
mod handle;
mod ids;
mod listing;
mod oauth;
mod plugin;
mod query;
mod routes;
mod seed;
mod skip_token;
mod state;
#[cfg(test)]
mod testing;

pub use config::NextPageMode;
pub use handle::QualtricsSandbox;
pub(crate) use plugin::Qualtrics;
