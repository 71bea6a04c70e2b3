//! [`Transport`]: what every vendor of one client shares, and how it is built from the
//! client builder's settings.

use std::{sync::Arc, time::Duration};

use super::RateLimit;
use crate::{Error, Jitter, RetryPolicy, Timer, Vendor, idempotency::KeyLedger};

/// What every vendor shares inside one [`Client`](crate::Client): the connection pool, the
/// retry policy, the timer, the jitter source, the idempotency keys sent so far and the
/// traffic counters.
#[derive(Debug)]
pub(crate) struct Transport {
    pub(super) http: reqwest::Client,
    pub(super) retry: RetryPolicy,
    pub(super) timer: Arc<dyn Timer>,
    pub(super) jitter: Jitter,
    pub(super) allow_insecure_http: bool,
    pub(super) max_answer_size: usize,
    pub(super) max_in_flight: usize,
    /// The whole-request timeout; waiting for a request slot counts against it.
    pub(super) timeout: Duration,
    pub(super) rate_limits: Vec<(Vendor, RateLimit)>,
    pub(super) keys_sent: KeyLedger,
    /// Requests, retries, 429s and the servers' clocks, for [`Client::traffic`](crate::Client::traffic).
    pub(crate) traffic: Arc<super::TrafficCounters>,
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
            timeout: settings.timeout,
            rate_limits: settings.rate_limits,
            allow_insecure_http: settings.allow_insecure_http,
            keys_sent: KeyLedger::default(),
            traffic: Arc::default(),
        })
    }

    pub(crate) fn timer(&self) -> &Arc<dyn Timer> {
        &self.timer
    }

    pub(crate) fn jitter(&self) -> &Jitter {
        &self.jitter
    }
}
