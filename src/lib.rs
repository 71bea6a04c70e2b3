#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![warn(missing_debug_implementations, unreachable_pub, rust_2018_idioms)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// Generic machinery: never names a vendor.
#[macro_use]
mod boxed_stream;
mod client;
mod datetime;
mod error;
pub mod pagination;
pub mod polling;
mod retry;
mod secret;
mod timer;
mod transport;
mod vendor;
#[macro_use]
mod wire_enum;

// One module per vendor: each only describes its API.
pub mod energycap;
pub mod everbridge;
pub mod qualtrics;
pub mod reporter;

#[cfg(feature = "testkit")]
#[cfg_attr(docsrs, doc(cfg(feature = "testkit")))]
pub mod testkit;

pub use client::{Client, ClientBuilder};
pub use error::{
    ApiError, ConfigError, DecodeError, Error, InvalidInput, PaginationError, TransportError,
    TransportErrorKind, WaitTimeout,
};
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use timer::Timer;
pub use vendor::{Operation, Vendor};

/// `Result` with [`Error`] as the error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
