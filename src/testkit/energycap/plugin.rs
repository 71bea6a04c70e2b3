//! EnergyCAP as a sandbox plug-in: how the sandbox starts the simulator and wires a client
//! to it, and the sandbox's and builder's EnergyCAP accessors.

use std::{sync::Arc, time::Duration};

use url::Url;

use super::{
    config::Config,
    handle::EnergyCapSandbox,
    routes::{API_KEY, simulator},
};
use crate::{
    ClientBuilder,
    energycap::{Config as EnergyCapConfig, Credentials as EnergyCapCredentials, Host},
    testkit::{Sandbox, SandboxBuilder, plugin::Plugin, sim::Simulator},
};

/// The EnergyCAP plug-in, mounted at `/energycap`.
#[derive(Debug)]
pub(crate) struct EnergyCap;

impl Plugin for EnergyCap {
    type Settings = Config;
    type Handle = EnergyCapSandbox;
    const BASE_PATH: &'static str = "energycap/";

    fn start(settings: Config, _root: &Url) -> (Arc<dyn Simulator>, EnergyCapSandbox) {
        let (simulator, handle) = simulator(settings);
        (Arc::new(simulator), handle)
    }

    fn configure(client: ClientBuilder, sandbox: &Sandbox) -> ClientBuilder {
        client.energycap(
            EnergyCapConfig::new(Host::UsEast, EnergyCapCredentials::api_key(sandbox.energycap_api_key()))
                .base_url(sandbox.energycap_url().as_str()),
        )
    }
}

impl Sandbox {
    /// The base URL to give the SDK's EnergyCAP config, `http://127.0.0.1:PORT/energycap/`;
    /// the SDK appends `api/v202106/…`.
    pub fn energycap_url(&self) -> Url {
        self.plugin_url::<EnergyCap>()
    }

    /// The only `ECI-ApiKey` the EnergyCAP simulator accepts: `sandbox-energycap-key`.
    pub fn energycap_api_key(&self) -> &str {
        API_KEY
    }

    /// A handle on the EnergyCAP simulator's state, to seed and inspect it.
    pub fn energycap(&self) -> EnergyCapSandbox {
        self.plugin::<EnergyCap>()
    }
}

impl SandboxBuilder {
    /// A run started with EnergyCAP's `exec` reports `Complete` on the `n`-th read of it
    /// (a listing with `includeInProgress=true`, or its detail); until then it is
    /// `In Progress`. The default is 2; 0 behaves like 1.
    pub fn energycap_polls_to_complete(self, n: u32) -> Self {
        self.plugin_settings::<EnergyCap>(|config| config.polls_to_complete = Some(n))
    }

    /// A run started with EnergyCAP's `exec` completes once `after` has passed (on Tokio's
    /// clock, so a paused test clock applies). When set without
    /// [`energycap_polls_to_complete`](Self::energycap_polls_to_complete), reads no longer
    /// complete runs; with both set, whichever comes first completes the run.
    pub fn energycap_completion_after(self, after: Duration) -> Self {
        self.plugin_settings::<EnergyCap>(|config| config.completion_after = Some(after))
    }
}
