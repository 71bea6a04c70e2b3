//! Reporter as a sandbox plug-in: how the sandbox starts the simulator and wires a client
//! to it, and the sandbox's and builder's Reporter accessors.

use std::{sync::Arc, time::Duration};

use url::Url;

use super::{
    config::Config,
    handle::ReporterSandbox,
    routes::{TOKEN, simulator},
};
use crate::{
    ClientBuilder,
    reporter::{Config as ReporterConfig, Credentials as ReporterCredentials},
    testkit::{Sandbox, SandboxBuilder, plugin::Plugin, sim::Simulator},
};

/// The organization id the sandbox's client sends as `X-Organization-Id`.
const ORGANIZATION_ID: &str = "sandbox-organization";

/// The Reporter plug-in, mounted at `/reporter` behind the gateway prefix `/manager`.
#[derive(Debug)]
pub(crate) struct Reporter;

impl Plugin for Reporter {
    type Settings = Config;
    type Handle = ReporterSandbox;
    const BASE_PATH: &'static str = "reporter/manager/";

    fn start(settings: Config, _root: &Url) -> (Arc<dyn Simulator>, ReporterSandbox) {
        let (simulator, handle) = simulator(settings);
        (Arc::new(simulator), handle)
    }

    fn configure(client: ClientBuilder, sandbox: &Sandbox) -> ClientBuilder {
        client.reporter(
            ReporterConfig::new(sandbox.reporter_url().as_str(), ReporterCredentials::bearer(sandbox.reporter_token()))
                .organization_id(ORGANIZATION_ID),
        )
    }
}

impl Sandbox {
    /// The base URL to give the SDK's Reporter config,
    /// `http://127.0.0.1:PORT/reporter/manager/` (with a gateway prefix, as some
    /// deployments have); the SDK appends `v1/…`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use auditkit::{Client, reporter};
    ///
    /// let sandbox = auditkit::testkit::Sandbox::start().await?;
    /// let credentials = reporter::Credentials::bearer(sandbox.reporter_token());
    /// let config = reporter::Config::new(sandbox.reporter_url(), credentials);
    /// let client = Client::builder().reporter(config).build()?;
    /// let first = client.reporter().list_templates().send().await?;
    /// assert!(!first.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn reporter_url(&self) -> Url {
        self.plugin_url::<Reporter>()
    }

    /// The only bearer token the Reporter simulator accepts: `sandbox-reporter-token`.
    pub fn reporter_token(&self) -> &str {
        TOKEN
    }

    /// A handle on the Reporter simulator's state, to seed and inspect it.
    pub fn reporter(&self) -> ReporterSandbox {
        self.plugin::<Reporter>()
    }
}

impl SandboxBuilder {
    /// A report becomes `Finished` (or `Error`, for the failing template) on its `n`-th
    /// read (`GET v1/reports/{id}`); until then it is `Processing`. The default is 2; 0
    /// behaves like 1.
    pub fn reporter_polls_to_finish(self, n: u32) -> Self {
        self.plugin_settings::<Reporter>(|config| config.polls_to_finish = Some(n))
    }

    /// A report finishes once `after` has passed since it was asked for (on Tokio's clock).
    /// Set without [`reporter_polls_to_finish`](Self::reporter_polls_to_finish), reads no
    /// longer finish reports; with both, whichever comes first does.
    pub fn reporter_finish_after(self, after: Duration) -> Self {
        self.plugin_settings::<Reporter>(|config| config.finish_after = Some(after))
    }

    /// After a create makes a report, its idempotency key stays in flight for the next `n`
    /// requests that carry it, which get `409 TPL-0039` before the replays start, as while
    /// Reporter is still handling the first request. The default is 0.
    pub fn reporter_in_flight_requests(self, n: u32) -> Self {
        self.plugin_settings::<Reporter>(|config| config.in_flight_requests = n)
    }

    /// A new report is `PendingExtraction` (Reporter 1.2's step before `Processing`) for
    /// its first `reads` reads, then `Processing`; the count to finish
    /// ([`reporter_polls_to_finish`](Self::reporter_polls_to_finish)) starts after them.
    /// The default is 0: reports start `Processing`.
    pub fn reporter_pending_extraction(self, reads: u32) -> Self {
        self.plugin_settings::<Reporter>(|config| config.pending_extraction_reads = reads)
    }

    /// Turns on Reporter's rate limiter: per fixed `window`, at most `reads` GETs,
    /// `downloads` downloads and `writes` POST/PATCH/DELETE (Reporter's defaults are 100,
    /// 10 and 50 per 60 s). Answers then carry `X-RateLimit-Limit`, `-Remaining` and
    /// `-Reset`; a request over the limit gets 429 `TPL-0429` with `Retry-After` set to the
    /// seconds left in the window. Windows run on the sandbox's clock
    /// ([`timer`](Self::timer)). Off by default.
    pub fn reporter_rate_limits(self, reads: u32, downloads: u32, writes: u32, window: Duration) -> Self {
        let limits = super::rate_limits::Limits { reads, downloads, writes, window };
        self.plugin_settings::<Reporter>(|config| config.rate_limits = Some(limits))
    }

    /// Writes report statuses in lower case (`processing`, `finished`), as Reporter's
    /// published example does, instead of the stored spelling.
    /// [`ReporterSandbox::set_lowercase_status`] changes it later.
    pub fn reporter_lowercase_status(self, lowercase: bool) -> Self {
        self.plugin_settings::<Reporter>(|config| config.lowercase_status = lowercase)
    }
}
