#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![warn(missing_debug_implementations, unreachable_pub, rust_2018_idioms)]
#![forbid(unsafe_code)]
// Time is read only through the `Timer` (see clippy.toml).
#![deny(clippy::disallowed_methods)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// Generic machinery: never names a vendor.
mod base64;
#[macro_use]
mod boxed_stream;
mod client;
pub mod collect;
mod datetime;
mod download;
mod error;
mod fingerprint;
mod idempotency;
#[macro_use]
mod model;
pub mod pagination;
pub mod polling;
mod retry;
mod secret;
#[macro_use]
mod service;
mod timer;
mod transport;
mod vendor;
#[macro_use]
mod wire_enum;

#[cfg(test)]
mod fuzz;

// One module per vendor: each only describes its API.
pub mod energycap;
pub mod everbridge;
pub mod qualtrics;
pub mod reporter;

// What the vendors' events become: a common schema.
#[cfg(feature = "ocsf")]
#[cfg_attr(docsrs, doc(cfg(feature = "ocsf")))]
pub mod ocsf;

#[cfg(feature = "testkit")]
#[cfg_attr(docsrs, doc(cfg(feature = "testkit")))]
pub mod testkit;

pub use client::{Client, ClientBuilder};
pub use download::Download;
pub use error::{
    ApiError, CheckpointError, CheckpointErrorKind, ConfigError, DecodeError, Error, InvalidInput,
    JobFailed, PaginationError, TransportError, TransportErrorKind, WaitTimeout,
};
pub use idempotency::{IdempotencyKey, Idempotent};
pub use pagination::SortOrder;
pub use retry::{Jitter, RetryPolicy};
pub use secret::Secret;
pub use timer::Timer;
pub use transport::{RateLimit, Traffic};
pub use vendor::{Operation, Vendor};

/// `Result` with [`Error`] as the error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
