//! The Reporter simulator: report generation from seven templates under
//! `/reporter/manager/v1/`, with Reporter's idempotency store (replays, an in-flight
//! window, keys a failed request leaves stuck), reports that finish after a few reads or a
//! while, streamed downloads per format (one of 20 MiB), and Reporter's validation and
//! error bodies.
//!
//! One concept per file: [`handle`] is the public [`ReporterSandbox`], [`config`] the
//! builder's settings, [`routes`] the HTTP surface and the token check, [`refusal`] Reporter's error body, [`create`] the
//! create request, [`idempotency`] the key store behind it, [`filters`] the filter checks,
//! [`listing`] the two paged lists, [`state`] the reports and the single-item answers,
//! [`reports`] one report and its progress, [`templates`] the seeded templates and their
//! files, and [`plugin`] how the sandbox starts it and wires a client.

mod config;
mod create;
mod filters;
mod handle;
mod idempotency;
mod listing;
mod multipart;
mod plugin;
mod rate_limits;
mod refusal;
mod reports;
mod routes;
mod service_routes;
mod state;
mod template_writes;
mod templates;

pub use handle::ReporterSandbox;
pub(crate) use plugin::Reporter;
