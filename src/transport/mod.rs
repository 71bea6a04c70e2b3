//! Sending requests: written once, used by every vendor.
//!
//! A vendor module describes its API as an [`Endpoint`] (base URL, auth, a [`Protocol`]
//! that reads its answers) and each call as a [`Request`]; this layer adds the user agent,
//! credentials, retries with `Retry-After`, safe redirects, tracing and error mapping, and
//! hands back a buffered [`Answer`] or a [`Streamed`] one.

mod answer;
mod attempt;
mod auth;
mod clock_probe;
mod content_disposition;
mod decode;
mod endpoint;
mod execute;
pub(crate) mod failure;
mod file_name;
mod idle;
mod protocol;
mod rate_limit;
mod redirect;
mod request;
mod scheme;
mod server_limits;
mod shared;
mod token;
mod token_cache;
mod traffic;

pub(crate) use answer::{Answer, Streamed};
pub(crate) use auth::{Authorize, StaticHeader, basic_auth};
pub(crate) use content_disposition::attachment_filename;
pub(crate) use decode::{ErrorDetails, decode_json};
pub(crate) use endpoint::{Endpoint, EndpointSlot};
pub(crate) use file_name::partial_file_name;
pub(crate) use idle::Deadline;
pub(crate) use protocol::Verdict;
pub(crate) use protocol::{ErrorBody, Protocol};
pub use rate_limit::RateLimit;
pub(crate) use request::{MultipartBody, Request};
pub(crate) use scheme::check_scheme;
pub use server_limits::RateLimitStatus;
pub(crate) use server_limits::ServerLimits;
pub(crate) use shared::{Transport, TransportSettings};
pub(crate) use token::{ExpiresIn, Issued, Token};
pub(crate) use token_cache::{TokenCache, TokenSource};
pub use traffic::Traffic;
pub(crate) use traffic::TrafficCounters;

#[cfg(test)]
mod behaviour;
