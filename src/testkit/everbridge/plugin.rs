//! Everbridge as a sandbox plug-in: how the sandbox starts the simulator and wires a client
//! to it, and the sandbox's and builder's Everbridge accessors.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use url::Url;

use super::{
    config::Config,
    handle::EverbridgeSandbox,
    oauth::{CLIENT_ID, CLIENT_SECRET, SERVICE_CLIENT_ID, SERVICE_CLIENT_SECRET},
    routes::{PASSWORD, STATIC_TOKEN, USERNAME, simulator},
};
use crate::{
    ClientBuilder,
    everbridge::{Config as EverbridgeConfig, Credentials, Region},
    testkit::{LateEvents, Sandbox, SandboxBuilder, plugin::Plugin, sim::Simulator},
};

/// The Everbridge plug-in, mounted at `/everbridge`.
#[derive(Debug)]
pub(crate) struct Everbridge;

impl Plugin for Everbridge {
    type Settings = Config;
    type Handle = EverbridgeSandbox;
    const BASE_PATH: &'static str = "everbridge/rest/";

    fn start(settings: Config, _root: &Url) -> (Arc<dyn Simulator>, EverbridgeSandbox) {
        let (simulator, handle) = simulator(settings);
        (Arc::new(simulator), handle)
    }

    fn configure(client: ClientBuilder, sandbox: &Sandbox) -> ClientBuilder {
        let credentials = Credentials::basic(USERNAME, PASSWORD);
        client.everbridge(
            EverbridgeConfig::new(Region::Us, credentials).base_url(sandbox.everbridge_url()),
        )
    }
}

impl Sandbox {
    /// The base URL to give the SDK's Everbridge config,
    /// `http://127.0.0.1:PORT/everbridge/rest/`; the SDK appends `reports/auditLog` and
    /// finds the OAuth token endpoint at `…/everbridge/authorization/v1/tokens`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use auditkit::{Client, everbridge};
    ///
    /// let sandbox = auditkit::testkit::Sandbox::start().await?;
    /// // The OAuth password grant instead of the HTTP Basic that `sandbox.client()` uses.
    /// let oauth = everbridge::Credentials::password_grant(
    ///     sandbox.everbridge_client_id(),
    ///     sandbox.everbridge_client_secret(),
    ///     sandbox.everbridge_username(),
    ///     sandbox.everbridge_password(),
    /// );
    /// let config = everbridge::Config::new(everbridge::Region::Us, oauth).base_url(sandbox.everbridge_url());
    /// let client = Client::builder().everbridge(config).build()?;
    /// let (from, to) = (chrono::Utc::now() - chrono::Duration::days(1), chrono::Utc::now());
    /// client.everbridge().list_audit_log(everbridge::ReportType::Security, from, to).page_query(1).send().await?;
    /// assert_eq!(sandbox.everbridge().tokens_issued(), 1);
    /// # Ok(()) }
    /// ```
    pub fn everbridge_url(&self) -> Url {
        self.plugin_url::<Everbridge>()
    }

    /// The API user the Everbridge simulator accepts: `sandbox-everbridge-user`.
    pub fn everbridge_username(&self) -> &str {
        USERNAME
    }

    /// Its password: `sandbox-everbridge-password`.
    pub fn everbridge_password(&self) -> &str {
        PASSWORD
    }

    /// A bearer token the simulator always accepts: `sandbox-everbridge-token`.
    pub fn everbridge_token(&self) -> &str {
        STATIC_TOKEN
    }

    /// The OAuth client id the token endpoint accepts: `sandbox-everbridge-client`.
    pub fn everbridge_client_id(&self) -> &str {
        CLIENT_ID
    }

    /// The OAuth client secret: `sandbox-everbridge-secret`.
    pub fn everbridge_client_secret(&self) -> &str {
        CLIENT_SECRET
    }

    /// The service account's client id the client-credentials grant accepts:
    /// `sandbox-everbridge-service-account`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use auditkit::{Client, everbridge};
    ///
    /// let sandbox = auditkit::testkit::Sandbox::start().await?;
    /// let service = everbridge::Credentials::client_credentials(
    ///     sandbox.everbridge_service_client_id(),
    ///     sandbox.everbridge_service_client_secret(),
    /// );
    /// let config = everbridge::Config::new(everbridge::Region::Us, service).base_url(sandbox.everbridge_url());
    /// let client = Client::builder().everbridge(config).build()?;
    /// let (from, to) = (chrono::Utc::now() - chrono::Duration::days(1), chrono::Utc::now());
    /// client.everbridge().list_audit_log(everbridge::ReportType::Security, from, to).page_query(1).send().await?;
    /// assert_eq!(sandbox.everbridge().tokens_issued(), 1);
    /// # Ok(()) }
    /// ```
    pub fn everbridge_service_client_id(&self) -> &str {
        SERVICE_CLIENT_ID
    }

    /// The service account's client secret: `sandbox-everbridge-service-secret`.
    pub fn everbridge_service_client_secret(&self) -> &str {
        SERVICE_CLIENT_SECRET
    }

    /// A handle on the Everbridge simulator's state, to seed and inspect it.
    pub fn everbridge(&self) -> EverbridgeSandbox {
        self.plugin::<Everbridge>()
    }
}

impl SandboxBuilder {
    /// "Today" for the Everbridge simulator's 6-month rule and its seed (default: the
    /// system clock). Pin the client's with `testkit::VirtualTimer::starting_at`.
    pub fn everbridge_today(self, today: DateTime<Utc>) -> Self {
        self.plugin_settings::<Everbridge>(|config| config.today = Some(today))
    }

    /// How long an Everbridge scroll lives without a request (default 3 minutes, on
    /// Tokio's clock).
    pub fn everbridge_scroll_idle(self, idle: Duration) -> Self {
        self.plugin_settings::<Everbridge>(|config| config.scroll_idle = Some(idle))
    }

    /// How long Everbridge OAuth tokens live (default 8 hours, on Tokio's clock); the
    /// token answer's `expires_in` is this in whole seconds, rounded down.
    pub fn everbridge_token_lifetime(self, lifetime: Duration) -> Self {
        self.plugin_settings::<Everbridge>(|config| config.token_lifetime = Some(lifetime))
    }

    /// Enforces an Everbridge rate tier's reads a second, burst and daily quota (on the
    /// sandbox's clock), refusing what is over with Everbridge's 429s (no `Retry-After`);
    /// default: unlimited. A client with the same [`RateTier`](crate::everbridge::RateTier)
    /// (Bronze by default) paces itself under it.
    pub fn everbridge_rate_tier(self, tier: crate::everbridge::RateTier) -> Self {
        let tier = super::limits::Tier {
            per_second: tier.reads_per_second(),
            burst: tier.read_burst(),
            daily: tier.daily_quota_limit(),
        };
        self.plugin_settings::<Everbridge>(|config| config.tier = Some(tier))
    }

    /// Whether Everbridge answers are wrapped in `{"data": …, "success": true, "type": …}`
    /// from the start (default bare).
    pub fn everbridge_wrapped(self, wrapped: bool) -> Self {
        self.plugin_settings::<Everbridge>(|config| config.wrapped = wrapped)
    }

    /// Publishes Everbridge entries late, as [`LateEvents`] says: the seed and every entry
    /// added later (see [`EverbridgeSandbox::set_late_events`](crate::testkit::EverbridgeSandbox::set_late_events)).
    /// An entry is not listed before its publication time by the sandbox's
    /// [`timer`](Self::timer).
    pub fn everbridge_late_events(self, late: LateEvents) -> Self {
        self.plugin_settings::<Everbridge>(|config| config.late = Some(late))
    }
}
