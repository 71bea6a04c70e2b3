//! The one `Client` and its builder.

use std::{fmt, sync::Arc, time::Duration};

use crate::{
    Error, Jitter, RateLimit, RetryPolicy, Timer, Vendor, energycap, everbridge, qualtrics,
    reporter,
    timer::TokioTimer,
    transport::{Transport, TransportSettings},
};

/// The entry point: one connection pool, one retry policy, and a handle per vendor.
///
/// Cheap to clone (an `Arc` inside) and `Send + Sync`: build it once and share it.
///
/// ```no_run
/// use auditkit::{Client, energycap};
///
/// # async fn demo() -> Result<(), auditkit::Error> {
/// let client = Client::builder()
///     .energycap(energycap::Config::new(energycap::Host::UsEast, energycap::Credentials::api_key("api-key")))
///     .build()?;
/// let logs = client.energycap().list_report_distribution_logs().send().await?;
/// println!("{} distribution runs", logs.len());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    energycap: energycap::Service,
    reporter: reporter::Service,
    qualtrics: qualtrics::Service,
    everbridge: everbridge::Service,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client for every vendor whose environment variables are set. See
    /// [`ClientBuilder::from_env`] for the variable names.
    ///
    /// ```no_run
    /// # fn demo() -> Result<(), auditkit::Error> {
    /// let client = auditkit::Client::from_env()?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] when no vendor is configured, when a vendor's variables are
    /// incomplete, or when a value is invalid.
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// EnergyCAP report distribution logs.
    pub fn energycap(&self) -> energycap::Service {
        self.inner.energycap.clone()
    }

    /// Lerian Reporter.
    pub fn reporter(&self) -> reporter::Service {
        self.inner.reporter.clone()
    }

    /// Qualtrics audit events.
    pub fn qualtrics(&self) -> qualtrics::Service {
        self.inner.qualtrics.clone()
    }

    /// Everbridge Suite audit log.
    pub fn everbridge(&self) -> everbridge::Service {
        self.inner.everbridge.clone()
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("energycap", &self.inner.energycap)
            .field("reporter", &self.inner.reporter)
            .field("qualtrics", &self.inner.qualtrics)
            .field("everbridge", &self.inner.everbridge)
            .finish()
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
///     .energycap(energycap::Config::new(energycap::Host::Eu, energycap::Credentials::api_key("api-key")))
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
    /// A builder with every vendor whose environment variables are set; adjust it further
    /// before [`build`](Self::build).
    ///
    /// | vendor | variables |
    /// |---|---|
    /// | EnergyCAP | `AUDITKIT_ENERGYCAP_API_KEY` (enables it), `AUDITKIT_ENERGYCAP_HOST` (`us-east` (default), `us-west`, `eu`, `fedramp`, `implementation`), `AUDITKIT_ENERGYCAP_BASE_URL` |
    /// | Lerian Reporter | `AUDITKIT_REPORTER_BASE_URL` (enables it), `AUDITKIT_REPORTER_TOKEN`, `AUDITKIT_REPORTER_ORGANIZATION_ID` |
    /// | Qualtrics | `AUDITKIT_QUALTRICS_DATACENTER` or `AUDITKIT_QUALTRICS_BASE_URL` (either enables it), with `AUDITKIT_QUALTRICS_API_TOKEN` |
    /// | Everbridge | `AUDITKIT_EVERBRIDGE_USERNAME` and `AUDITKIT_EVERBRIDGE_PASSWORD` (HTTP Basic; with `AUDITKIT_EVERBRIDGE_CLIENT_ID` and `AUDITKIT_EVERBRIDGE_CLIENT_SECRET` the OAuth password grant), or `AUDITKIT_EVERBRIDGE_TOKEN` (a bearer `id_token`); either enables it. `AUDITKIT_EVERBRIDGE_REGION` (`us` (default) or `eu`), `AUDITKIT_EVERBRIDGE_BASE_URL` |
    ///
    /// ```no_run
    /// # fn demo() -> Result<(), auditkit::Error> {
    /// let client = auditkit::ClientBuilder::from_env()?
    ///     .timeout(std::time::Duration::from_secs(90))
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] when no vendor is configured or a vendor's variables are
    /// incomplete.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(&|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    pub(crate) fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let builder = Self {
            energycap: energycap::Config::from_env(lookup)?,
            reporter: reporter::Config::from_env(lookup)?,
            qualtrics: qualtrics::Config::from_env(lookup)?,
            everbridge: everbridge::Config::from_env(lookup)?,
            ..Self::default()
        };
        if builder.energycap.is_none()
            && builder.reporter.is_none()
            && builder.qualtrics.is_none()
            && builder.everbridge.is_none()
        {
            return Err(Error::config(
                "no vendor is configured in the environment: set AUDITKIT_ENERGYCAP_API_KEY, \
                 AUDITKIT_REPORTER_BASE_URL, AUDITKIT_QUALTRICS_DATACENTER (or _BASE_URL), \
                 AUDITKIT_EVERBRIDGE_USERNAME or AUDITKIT_EVERBRIDGE_TOKEN \
                 (see `ClientBuilder::from_env`)",
            ));
        }
        Ok(builder)
    }

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
    /// neither opens a connection each nor floods the vendor. A streamed download holds its
    /// place until its body is read or dropped. Each vendor has its own places.
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
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn client_and_services_are_send_sync_clone_and_static() {
        fn assert_handle<T: Send + Sync + Clone + 'static>() {}
        assert_handle::<Client>();
        assert_handle::<energycap::Service>();
        assert_handle::<qualtrics::Service>();
    }

    #[test]
    fn request_futures_and_waits_are_send_and_static() {
        fn assert_send<T: Send + 'static>(_: T) {}
        let client = Client::builder().build().unwrap();
        assert_send(client.energycap().list_report_distribution_logs().send());
        assert_send(client.energycap().get_report_distribution_log(1).send());
        assert_send(client.energycap().run_report_distribution(1).send());
        assert_send(std::future::IntoFuture::into_future(
            client.energycap().wait_for_distribution(1),
        ));
        assert_send(client.energycap().wait_for_distribution(1).statuses());
        assert_send(client.qualtrics().list_events::<qualtrics::Logins>().send());
        assert_send(client.qualtrics().list_events_raw("brands").items());
        assert_send(client.qualtrics().list_activity_types().send());
    }

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

    #[test]
    fn from_env_with_nothing_set_names_the_variables() {
        let error = ClientBuilder::from_lookup(&lookup(&[])).unwrap_err();
        for variable in [
            "AUDITKIT_ENERGYCAP_API_KEY",
            "AUDITKIT_REPORTER_BASE_URL",
            "AUDITKIT_QUALTRICS_DATACENTER",
            "AUDITKIT_EVERBRIDGE_USERNAME",
            "AUDITKIT_EVERBRIDGE_TOKEN",
        ] {
            assert!(error.to_string().contains(variable), "{variable} missing from {error}");
        }
    }

    #[test]
    fn from_env_configures_only_the_vendors_it_finds() {
        let client = ClientBuilder::from_lookup(&lookup(&[
            ("AUDITKIT_ENERGYCAP_API_KEY", "k"),
            ("AUDITKIT_ENERGYCAP_HOST", "eu"),
        ]))
        .unwrap()
        .build()
        .unwrap();
        assert!(client.energycap().is_configured());
        assert!(!client.qualtrics().is_configured());
        assert!(!format!("{client:?}").contains("\"k\""));
    }

    #[test]
    fn from_env_rejects_an_unknown_host_naming_the_variable() {
        let error = ClientBuilder::from_lookup(&lookup(&[
            ("AUDITKIT_ENERGYCAP_API_KEY", "k"),
            ("AUDITKIT_ENERGYCAP_HOST", "mars"),
        ]))
        .unwrap_err();
        assert!(error.to_string().contains("AUDITKIT_ENERGYCAP_HOST"), "{error}");
    }
}
