//! Qualtrics as a sandbox plug-in: how the sandbox starts the simulator and wires a client
//! to it, and the sandbox's and builder's Qualtrics accessors.

use std::{sync::Arc, time::Duration};

use url::Url;

use super::{
    auth::API_TOKEN,
    config::{Config, NextPageMode},
    handle::QualtricsSandbox,
    oauth::{CLIENT_ID, CLIENT_SECRET},
    routes::simulator,
};
use crate::{
    ClientBuilder,
    qualtrics::{Config as QualtricsConfig, Credentials as QualtricsCredentials},
    testkit::{LateEvents, Sandbox, SandboxBuilder, plugin::Plugin, sim::Simulator},
};

/// The Qualtrics plug-in, mounted at `/qualtrics`.
#[derive(Debug)]
pub(crate) struct Qualtrics;

impl Plugin for Qualtrics {
    type Settings = Config;
    type Handle = QualtricsSandbox;
    const BASE_PATH: &'static str = "qualtrics/API/v3/";

    fn start(settings: Config, _root: &Url) -> (Arc<dyn Simulator>, QualtricsSandbox) {
        let (simulator, handle) = simulator(settings);
        (Arc::new(simulator), handle)
    }

    fn configure(client: ClientBuilder, sandbox: &Sandbox) -> ClientBuilder {
        client.qualtrics(
            QualtricsConfig::new(
                "sandbox",
                QualtricsCredentials::api_token(sandbox.qualtrics_api_token()),
            )
            .base_url(sandbox.qualtrics_url().as_str()),
        )
    }
}

impl Sandbox {
    /// The base URL to give the SDK's Qualtrics config,
    /// `http://127.0.0.1:PORT/qualtrics/API/v3/`; the SDK appends `logs` and finds the
    /// OAuth token endpoint at `…/qualtrics/oauth2/token`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use auditkit::{Client, qualtrics};
    ///
    /// let sandbox = auditkit::testkit::Sandbox::start().await?;
    /// // OAuth instead of the API token that `sandbox.client()` uses.
    /// let oauth = qualtrics::Credentials::client_credentials(
    ///     sandbox.qualtrics_client_id(),
    ///     sandbox.qualtrics_client_secret(),
    /// );
    /// let config = qualtrics::Config::new("sandbox", oauth).base_url(sandbox.qualtrics_url());
    /// let client = Client::builder().qualtrics(config).build()?;
    /// let kinds = client.qualtrics().list_activity_types().send().await?;
    /// assert!(kinds.iter().any(|kind| kind.name == "logins"));
    /// assert_eq!(sandbox.qualtrics().tokens_issued(), 1);
    /// # Ok(()) }
    /// ```
    pub fn qualtrics_url(&self) -> Url {
        self.plugin_url::<Qualtrics>()
    }

    /// The only `X-API-TOKEN` the Qualtrics simulator accepts: `sandbox-qualtrics-token`.
    pub fn qualtrics_api_token(&self) -> &str {
        API_TOKEN
    }

    /// The OAuth client id the Qualtrics token endpoint accepts: `sandbox-qualtrics-client`.
    pub fn qualtrics_client_id(&self) -> &str {
        CLIENT_ID
    }

    /// The OAuth client secret that goes with
    /// [`qualtrics_client_id`](Self::qualtrics_client_id): `sandbox-qualtrics-secret`.
    pub fn qualtrics_client_secret(&self) -> &str {
        CLIENT_SECRET
    }

    /// A handle on the Qualtrics simulator's state, to seed and inspect it.
    pub fn qualtrics(&self) -> QualtricsSandbox {
        self.plugin::<Qualtrics>()
    }
}

impl SandboxBuilder {
    /// How long the Qualtrics OAuth tokens live (default an hour, on Tokio's clock); a
    /// request with an expired token is a 401. The token answer's `expires_in` is this in
    /// whole seconds, rounded down.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::time::Duration;
    ///
    /// let sandbox = auditkit::testkit::Sandbox::builder()
    ///     .qualtrics_token_lifetime(Duration::from_secs(1))
    ///     .start()
    ///     .await?;
    /// # drop(sandbox);
    /// # Ok(()) }
    /// ```
    pub fn qualtrics_token_lifetime(self, lifetime: Duration) -> Self {
        self.plugin_settings::<Qualtrics>(|config| config.token_lifetime = Some(lifetime))
    }

    /// What Qualtrics' `result.nextPage` holds when more events follow: a full URL (the
    /// default) or the bare skip token. [`QualtricsSandbox::set_next_page`] changes it
    /// later.
    pub fn qualtrics_next_page(self, mode: NextPageMode) -> Self {
        self.plugin_settings::<Qualtrics>(|config| config.next_page = mode)
    }

    /// Publishes Qualtrics events late, as [`LateEvents`] says: the seed and every event
    /// added later (see [`QualtricsSandbox::set_late_events`](crate::testkit::QualtricsSandbox::set_late_events)).
    /// An event is not listed before its publication time by the sandbox's
    /// [`timer`](Self::timer).
    pub fn qualtrics_late_events(self, late: LateEvents) -> Self {
        self.plugin_settings::<Qualtrics>(|config| config.late = Some(late))
    }
}
