//! Lerian Reporter: asynchronous report generation from templates.
//!
//! This release configures the vendor (base URL, bearer token, organization id); report
//! generation, polling and downloads arrive in a later release.

mod config;

pub use config::Config;

use crate::Vendor;

vendor_service!(Vendor::Reporter, "Lerian Reporter", reporter);
