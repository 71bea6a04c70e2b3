//! The running sandbox, [`Sandbox`]: where it listens, the faults and the request log all
//! vendors share, and clients wired to every vendor plug-in. How it starts lives with its
//! builder; each vendor's own accessors (`energycap()`, `qualtrics_url()`, …) live in its
//! folder.

use std::{fmt, sync::Arc};

use tokio::sync::watch;
use url::Url;

use super::{
    faults::Fault,
    plugin::{AnyPlugin, Handles},
    recorder::RecordedRequest,
    state::Shared,
};
use crate::{Client, ClientBuilder};

/// An in-process HTTP server on `127.0.0.1` that simulates the vendor APIs, with seeded
/// state, fault injection and a log of every request.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use auditkit::testkit::Sandbox;
///
/// let sandbox = Sandbox::start().await?;
/// println!("EnergyCAP at {}", sandbox.energycap_url()); // http://127.0.0.1:PORT/energycap/
/// println!("Qualtrics at {}", sandbox.qualtrics_url()); // …/qualtrics/API/v3/
/// assert!(sandbox.requests().is_empty());
/// # Ok(()) }
/// ```
///
/// The server listens on an ephemeral port and runs on the Tokio runtime that started it.
/// Dropping the `Sandbox` stops it: it stops accepting at once, lets answers in flight
/// finish for up to a second, then closes every connection.
pub struct Sandbox {
    pub(super) shared: Arc<Shared>,
    /// The vendor plug-ins, whose `configure` steps make [`client_builder`](Self::client_builder).
    pub(super) plugins: Vec<Box<dyn AnyPlugin>>,
    /// The handle of each plug-in's simulator.
    pub(super) handles: Handles,
    // Dropping the sender is the server's shutdown signal.
    pub(super) _shutdown: watch::Sender<()>,
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("url", &self.shared.base_url.as_str())
            .field("pending_faults", &self.shared.faults.len())
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// The server's root, `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> Url {
        self.shared.base_url.clone()
    }

    /// Queues a fault; see [`Fault`] for how faults match and expire.
    pub fn inject(&self, fault: Fault) {
        self.shared.faults.push(fault);
    }

    /// The number of injected faults that have not yet expired.
    pub fn pending_faults(&self) -> usize {
        self.shared.faults.len()
    }

    /// Removes every pending fault.
    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// "Now" for the simulators: the [`timer`](super::SandboxBuilder::timer)'s wall clock, or the
    /// system's.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.shared.now()
    }

    /// Every request received so far, oldest first, whatever answered it (simulator, fault
    /// or 404).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.recorder.snapshot()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        self.shared.recorder.clear();
    }

    /// A [`Client`] with every simulated vendor configured to this sandbox.
    ///
    /// # Panics
    /// Never in practice: the sandbox's own URLs and keys always make a valid client. A
    /// failure would be a bug in the testkit, reported with the builder's error.
    pub fn client(&self) -> Client {
        self.client_builder().build().unwrap_or_else(|error| {
            panic!("the sandbox's own configuration was refused, a testkit bug: {error}") // ok: testkit only
        })
    }

    /// A [`ClientBuilder`] configured for this sandbox, to adjust (retry policy, timer, …)
    /// before `build()`.
    ///
    /// ```
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let sandbox = auditkit::testkit::Sandbox::start().await?;
    /// let client = sandbox.client_builder().retry(auditkit::RetryPolicy::none()).build()?;
    /// # Ok(()) }
    /// ```
    ///
    /// With a [`timer`](super::SandboxBuilder::timer) on the sandbox, the client uses it too.
    pub fn client_builder(&self) -> ClientBuilder {
        let client = match &self.shared.clock {
            Some(clock) => Client::builder().timer(Arc::clone(clock)),
            None => Client::builder(),
        };
        self.plugins.iter().fold(client, |client, plugin| plugin.configure(client, self))
    }
}
