//! Configuring a [`Client`]: the vendors, retries, timeouts and limits, checked once in
//! [`ClientBuilder::build`].

use std::{sync::Arc, time::Duration};

use super::{Client, Inner};
use crate::{
    Error, Jitter, RateLimit, RetryPolicy, Timer, Vendor, energycap, everbridge, qualtrics,
    reporter,
    timer::TokioTimer,
    transport::{Transport, TransportSettings},
};

impl Client {
    /// Starts configuring a client; see [`ClientBuilder`].
    ///
    /// ```
    /// # fn demo() -> Result<(), auditkit::Error> {
    /// let client = auditkit::Client::builder().build()?;
    /// assert!(!client.energycap().is_configured());
    /// # Ok(()) }
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }
}

/// Configures a [`Client`]: the vendors to use, retries, timeouts.
///
/// Setters chain; every check happens in [`build`](Self::build), which fails before any
/// request is sent.
///
/// ```
/// use std::time::Duration;
/// use auditkit::{Client, RetryPolicy, energycap};
///
/// # fn demo() -> Result<(), auditkit::Error> {
/// let client = Client::builder()
///     .energycap(energycap::Config::new(
///         energycap::Host::Eu,
///         energycap::Credentials::api_key("api-key"),
///     ))
///     .retry(RetryPolicy::default().max_attempts(5))
///     .timeout(Duration::from_secs(60))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[must_use = "a ClientBuilder does nothing until `.build()` is called"]
pub struct ClientBuilder {
    energycap: Option<energycap::Config>,
    reporter: Option<reporter::Config>,
    qualtrics: Option<qualtrics::Config>,
    everbridge: Option<everbridge::Config>,
    retry: RetryPolicy,
    timeout: Duration,
    connect_timeout: Duration,
    allow_insecure_http: bool,
    timer: Option<Arc<dyn Timer>>,
    jitter: Jitter,
    max_answer_size: usize,
    max_in_flight: usize,
    rate_limits: Vec<(Vendor, RateLimit)>,
}

/// The default [`ClientBuilder::max_in_flight`]: enough to keep a vendor busy, too few for
/// a fan-out to open thousands of connections.
const DEFAULT_MAX_IN_FLIGHT: usize = 32;

/// The default [`ClientBuilder::max_answer_size`]: 64 MiB, far above any page the vendors
/// send, far below what would hurt a collector's host.
const DEFAULT_MAX_ANSWER_SIZE: usize = 64 << 20;

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            energycap: None,
            reporter: None,
            qualtrics: None,
            everbridge: None,
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            allow_insecure_http: false,
            timer: None,
            jitter: Jitter::random(),
            max_answer_size: DEFAULT_MAX_ANSWER_SIZE,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            rate_limits: Vec::new(),
        }
    }
}

impl ClientBuilder {
    /// Configures EnergyCAP.
    pub fn energycap(mut self, config: energycap::Config) -> Self {
        self.energycap = Some(config);
        self
    }

    /// Configures Lerian Reporter.
    pub fn reporter(mut self, config: reporter::Config) -> Self {
        self.reporter = Some(config);
        self
    }

    /// Configures Qualtrics.
    pub fn qualtrics(mut self, config: qualtrics::Config) -> Self {
        self.qualtrics = Some(config);
        self
    }

    /// Configures Everbridge Suite.
    pub fn everbridge(mut self, config: everbridge::Config) -> Self {
        self.everbridge = Some(config);
        self
    }

    /// The retry policy for every vendor. Default: [`RetryPolicy::default`].
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The time limit for one attempt, from sending to the end of the answer. Default 30 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The time limit for opening a connection. Default 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Allows plain `http://` base URLs and redirects to hosts other than loopback.
    /// Credentials then cross the network unencrypted; meant for a trusted internal proxy.
    /// Default `false`.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// The clocks and sleep used for retry backoff, polling and date rules. Default:
    /// tokio's sleep and the system clock.
    pub fn timer(mut self, timer: Arc<dyn Timer>) -> Self {
        self.timer = Some(timer);
        self
    }

    /// The largest answer the client reads into memory, in bytes (default 64 MiB). A larger
    /// one fails with a [`TransportErrorKind::TooLarge`](crate::TransportErrorKind::TooLarge)
    /// error as soon as its length announces it or its body grows past it, so a hostile or
    /// broken server cannot exhaust memory. Streamed downloads are not limited: their body
    /// goes to the caller as it arrives.
    ///
    /// ```
    /// let builder = auditkit::Client::builder().max_answer_size(16 << 20);
    /// ```
    pub fn max_answer_size(mut self, bytes: usize) -> Self {
        self.max_answer_size = bytes;
        self
    }

    /// The most requests to one vendor in flight at once (default 32, at least 1). Further
    /// requests wait for a place, so a large fan-out (a thousand streams on one client)
    /// neither opens a connection each nor floods the vendor. Each vendor has its own places.
    ///
    /// A streamed download gives its place back once its head has arrived; its open body
    /// counts against a separate limit of the same size, so downloads left unread never
    /// hold up other calls (a vendor may then use up to twice `requests` connections while
    /// downloads are open). Waiting for either kind of place counts against
    /// [`timeout`](Self::timeout): a call that cannot get one in time ends with a timeout
    /// error that names `max_in_flight`.
    ///
    /// ```
    /// let builder = auditkit::Client::builder().max_in_flight(8);
    /// ```
    pub fn max_in_flight(mut self, requests: usize) -> Self {
        self.max_in_flight = requests.max(1);
        self
    }

    /// Limits the requests sent to `vendor` on the client's side (see [`RateLimit`]). No
    /// limit by default; setting one for a vendor again replaces it.
    ///
    /// ```
    /// use auditkit::{Client, RateLimit, Vendor};
    /// let builder = Client::builder().rate_limit(Vendor::Qualtrics, RateLimit::per_second(50.0));
    /// ```
    pub fn rate_limit(mut self, vendor: Vendor, limit: RateLimit) -> Self {
        self.rate_limits.retain(|(limited, _)| *limited != vendor);
        self.rate_limits.push((vendor, limit));
        self
    }

    /// The random factor in retry and poll waits. Default: [`Jitter::random`]; a test can
    /// make every wait exact with [`Jitter::fixed`].
    pub fn jitter(mut self, jitter: Jitter) -> Self {
        self.jitter = jitter;
        self
    }

    /// Checks everything and builds the client. No request is sent.
    ///
    /// # Errors
    /// [`Error::Config`] for an empty credential, a malformed base URL (or one carrying a
    /// user name or password), a plain `http://` URL to a non-loopback host without
    /// [`allow_insecure_http`](Self::allow_insecure_http), or a zero timeout.
    pub fn build(self) -> Result<Client, Error> {
        for (setter, value) in
            [("timeout", self.timeout), ("connect_timeout", self.connect_timeout)]
        {
            if value.is_zero() {
                return Err(Error::config(format!(
                    "`ClientBuilder::{setter}` is zero, so every request would fail at once; \
                     give it a duration (`Duration::MAX` means no limit)"
                )));
            }
        }
        let transport = Arc::new(Transport::new(TransportSettings {
            retry: self.retry,
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            allow_insecure_http: self.allow_insecure_http,
            timer: self.timer.unwrap_or_else(|| Arc::new(TokioTimer)),
            jitter: self.jitter,
            max_answer_size: self.max_answer_size,
            max_in_flight: self.max_in_flight,
            rate_limits: self.rate_limits,
        })?);
        let endpoint = |result: Option<Result<_, Error>>| result.transpose();
        Ok(Client {
            inner: Arc::new(Inner {
                energycap: energycap::Service::new(endpoint(
                    self.energycap.map(|c| c.endpoint(&transport)),
                )?),
                reporter: reporter::Service::new(endpoint(
                    self.reporter.map(|c| c.endpoint(&transport)),
                )?),
                qualtrics: qualtrics::Service::new(endpoint(
                    self.qualtrics.map(|c| c.endpoint(&transport)),
                )?),
                // Everbridge's endpoint comes with its request settings (date form, offset).
                everbridge: everbridge::Service::new(
                    self.everbridge.map(|c| c.endpoint(&transport)).transpose()?,
                ),
                traffic: Arc::clone(&transport.traffic),
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::{Client, energycap};

    /// Regression: `timeout(ZERO)` was accepted, and every request then failed.
    #[test]
    fn a_zero_timeout_is_refused_at_build() {
        for builder in [
            Client::builder().timeout(Duration::ZERO),
            Client::builder().connect_timeout(Duration::ZERO),
        ] {
            let error = builder.build().unwrap_err();
            assert!(error.to_string().contains("is zero"), "{error}");
        }
        assert!(Client::builder().timeout(Duration::MAX).build().is_ok());
    }

    /// Regression: a base URL with user info was accepted, its password shown by `Debug`
    /// and error texts and sent as Basic auth.
    #[test]
    fn a_base_url_with_a_password_is_refused_without_showing_it() {
        let config =
            energycap::Config::new(energycap::Host::UsEast, energycap::Credentials::api_key("k"))
                .base_url("https://admin:hunter2@energycap.example.com");
        let error = Client::builder().energycap(config).build().unwrap_err();
        let text = format!("{error} {error:?}");
        assert!(text.contains("user name or password"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
    }

    /// Regression: a padded EnergyCAP base URL gave a misleading "invalid port".
    #[test]
    fn a_padded_base_url_is_trimmed() {
        let config =
            energycap::Config::new(energycap::Host::UsEast, energycap::Credentials::api_key("k"))
                .base_url("  https://energycap.example.com/  ");
        assert!(Client::builder().energycap(config).build().is_ok());
    }
}
