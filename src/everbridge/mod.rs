//! Everbridge Suite audit log.
//!
//! This release configures the vendor (region or base URL, API user); the audit log
//! itself arrives in a later release.

mod config;

pub use config::{Config, Credentials, Region};

use crate::Vendor;

vendor_service!(Vendor::Everbridge, "Everbridge", everbridge);
