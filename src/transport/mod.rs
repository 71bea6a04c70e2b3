//! Sending requests: written once, used by every vendor.
//!
//! A vendor module describes its API as an [`Endpoint`] (base URL, auth, a [`Protocol`]
//! that reads its answers) and each call as a [`Request`]; this layer adds the user agent,
//! credentials, retries with `Retry-After`, safe redirects, tracing and error mapping, and
//! hands back a buffered [`Answer`] or a [`Streamed`] one.

mod answer;
mod attempt;
mod auth;
mod content_disposition;
mod decode;
mod endpoint;
mod execute;
pub(crate) mod failure;
mod protocol;
mod rate_limit;
mod redirect;
mod request;
mod server_limits;
mod token_cache;

pub(crate) use answer::{Answer, Streamed};
pub(crate) use auth::{Authorize, StaticHeader, basic_auth};
pub(crate) use content_disposition::attachment_filename;
pub(crate) use decode::{ErrorDetails, decode_json, excerpt};
pub(crate) use endpoint::{Endpoint, EndpointSlot};
pub(crate) use protocol::Verdict;
pub(crate) use protocol::{ErrorBody, Protocol};
pub use rate_limit::RateLimit;
pub(crate) use request::{MultipartBody, Request};
pub use server_limits::RateLimitStatus;
pub(crate) use server_limits::ServerLimits;
pub(crate) use token_cache::{Token, TokenCache, TokenSource};

use std::{sync::Arc, time::Duration};

use crate::{Error, Jitter, RetryPolicy, Timer, Vendor, idempotency::KeyLedger};

/// What every vendor shares inside one [`Client`](crate::Client): the connection pool, the
/// retry policy, the timer, the jitter source and the idempotency keys sent so far.
#[derive(Debug)]
pub(crate) struct Transport {
    http: reqwest::Client,
    retry: RetryPolicy,
    timer: Arc<dyn Timer>,
    jitter: Jitter,
    allow_insecure_http: bool,
    max_answer_size: usize,
    max_in_flight: usize,
    rate_limits: Vec<(Vendor, RateLimit)>,
    keys_sent: KeyLedger,
}

/// Transport settings gathered by the [`ClientBuilder`](crate::ClientBuilder).
#[derive(Debug)]
pub(crate) struct TransportSettings {
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) allow_insecure_http: bool,
    pub(crate) timer: Arc<dyn Timer>,
    pub(crate) jitter: Jitter,
    pub(crate) max_answer_size: usize,
    /// Requests in flight at once per vendor API.
    pub(crate) max_in_flight: usize,
    pub(crate) rate_limits: Vec<(Vendor, RateLimit)>,
}

impl Transport {
    pub(crate) fn new(settings: TransportSettings) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("auditkit/", env!("CARGO_PKG_VERSION")))
            .timeout(settings.timeout)
            .connect_timeout(settings.connect_timeout)
            // Redirects are walked by hand: reqwest would carry vendor key headers such as
            // `ECI-ApiKey` to another origin, since it strips only `Authorization`.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::config(format!("the HTTP client could not be built: {e}")))?;
        Ok(Self {
            http,
            retry: settings.retry,
            timer: settings.timer,
            jitter: settings.jitter,
            max_answer_size: settings.max_answer_size,
            // tokio's semaphore panics above its own maximum: `usize::MAX` means "no cap".
            max_in_flight: settings.max_in_flight.clamp(1, tokio::sync::Semaphore::MAX_PERMITS),
            rate_limits: settings.rate_limits,
            allow_insecure_http: settings.allow_insecure_http,
            keys_sent: KeyLedger::default(),
        })
    }

    pub(crate) fn timer(&self) -> &Arc<dyn Timer> {
        &self.timer
    }

    pub(crate) fn jitter(&self) -> &Jitter {
        &self.jitter
    }
}

/// Whether `url` may be used: `https://`, or `http://` to a loopback address, or any
/// `http://` when the user opted in. Credentials must not cross a network in clear text.
pub(crate) fn check_scheme(url: &url::Url, allow_insecure_http: bool) -> Result<(), String> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_insecure_http || is_loopback(url) => Ok(()),
        "http" => Err(format!(
            "`{url}` uses plain http:// to a non-loopback host, which would send credentials unencrypted; \
             use https://, or opt in with `ClientBuilder::allow_insecure_http(true)`"
        )),
        other => Err(format!(
            "`{url}` has scheme `{other}`; only https:// (or http:// on loopback) is supported"
        )),
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_allowed_only_on_loopback_unless_opted_in() {
        let check = |u: &str, opt_in| check_scheme(&url::Url::parse(u).unwrap(), opt_in).is_ok();
        assert!(check("https://app.energycap.com/", false));
        assert!(check("http://127.0.0.1:8080/", false));
        assert!(check("http://127.3.4.5/", false));
        assert!(check("http://[::1]:99/", false));
        assert!(check("http://localhost/", false));
        assert!(!check("http://app.energycap.com/", false));
        assert!(!check("http://10.0.0.1/", false));
        assert!(check("http://10.0.0.1/", true));
        assert!(!check("ftp://127.0.0.1/", true));
    }
}

#[cfg(test)]
mod behaviour;
