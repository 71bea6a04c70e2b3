//! [`SandboxBuilder`]: the settings of a sandbox before it starts, and the start itself —
//! bind a port, start every vendor plug-in's simulator, serve — with the shortcuts
//! [`Sandbox::start`] and [`Sandbox::builder`] that lead here. Each vendor's own setters
//! (`energycap_polls_to_complete`, …) live in its folder.

use std::{fmt, io, net::SocketAddr, sync::Arc};

use tokio::{net::TcpListener, sync::watch};
use url::Url;

use crate::{Error, Timer};

use super::{
    fault_queue::FaultQueue,
    plugin::{Handles, Settings},
    plugins,
    recorder::Recorder,
    sandbox::Sandbox,
    server::serve,
    sim::Simulator,
    state::Shared,
};

/// Settings for a [`Sandbox`], from [`Sandbox::builder`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use auditkit::testkit::Sandbox;
///
/// // Runs started through `exec` finish on the first poll instead of the second.
/// let sandbox = Sandbox::builder().energycap_polls_to_complete(1).start().await?;
/// # drop(sandbox);
/// # Ok(()) }
/// ```
#[derive(Default)]
#[must_use = "a builder does nothing until you `.start().await` it"]
pub struct SandboxBuilder {
    /// Each vendor plug-in's settings.
    pub(super) settings: Settings,
    /// Simulators mounted by hand, which win over a plug-in's at the same prefix.
    simulators: Vec<Arc<dyn Simulator>>,
    /// The clock the simulators read "now" from; the system's when `None`.
    clock: Option<Arc<dyn Timer>>,
}

impl fmt::Debug for SandboxBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefixes: Vec<_> = self.simulators.iter().map(|sim| sim.prefix()).collect();
        f.debug_struct("SandboxBuilder")
            .field("settings", &self.settings)
            .field("simulators", &prefixes)
            .field("clock", &self.clock)
            .finish()
    }
}

impl SandboxBuilder {
    /// The clock the simulators read "now" from (the system's by default), also given to
    /// the clients of [`Sandbox::client_builder`]: with a [`VirtualTimer`](super::VirtualTimer),
    /// a test moves the vendors' time and the SDK's together by sleeping on it. Its answers
    /// then carry this clock's time in their `Date` header, as a server's carry its own.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::{sync::Arc, time::Duration};
    /// use auditkit::{Timer, testkit::{Sandbox, VirtualTimer}};
    ///
    /// let timer = Arc::new(VirtualTimer::new());
    /// let sandbox = Sandbox::builder().timer(timer.clone()).start().await?;
    /// let before = sandbox.now();
    /// timer.sleep(Duration::from_secs(3600)).await;
    /// assert_eq!((sandbox.now() - before).num_seconds(), 3600);
    /// # Ok(()) }
    /// ```
    ///
    /// The seeds are made at the system's time when the sandbox starts: pair this with
    /// [`VirtualTimer::new`](super::VirtualTimer::new), which starts there too.
    pub fn timer(mut self, timer: Arc<dyn Timer>) -> Self {
        self.clock = Some(timer);
        self
    }

    /// Mounts another vendor simulator, replacing any already mounted at the same prefix.
    #[cfg_attr(not(test), expect(dead_code, reason = "tests mount simulators of their own"))]
    pub(crate) fn simulator(mut self, simulator: Arc<dyn Simulator>) -> Self {
        self.simulators.retain(|mounted| mounted.prefix() != simulator.prefix());
        self.simulators.push(simulator);
        self
    }

    /// Binds `127.0.0.1` on an ephemeral port and starts serving.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when called outside a Tokio runtime or when no local port can be
    /// bound. `?` takes it into a function returning [`auditkit::Error`](Error), and also
    /// into one returning `std::io::Result`, as every example here does.
    pub async fn start(self) -> Result<Sandbox, Error> {
        self.serve()
            .await
            .map_err(|error| Error::config(format!("the testkit sandbox could not start: {error}")))
    }

    async fn serve(self) -> io::Result<Sandbox> {
        let runtime = tokio::runtime::Handle::try_current().map_err(io::Error::other)?;
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let base_url = root_url(listener.local_addr()?)?;

        let Self { mut settings, mut simulators, clock } = self;
        let plugins = plugins();
        let mut handles = Handles::default();
        for plugin in &plugins {
            let simulator = plugin.start(&mut settings, &base_url, &mut handles)?;
            // A simulator mounted by hand at the same prefix wins over the plug-in's.
            if simulators.iter().all(|mounted| mounted.prefix() != simulator.prefix()) {
                simulators.push(simulator);
            }
        }
        let shared = Arc::new(Shared {
            base_url,
            simulators,
            faults: FaultQueue::default(),
            recorder: Recorder::default(),
            clock,
        });
        let (shutdown, stopped) = watch::channel(());
        runtime.spawn(serve(listener, Arc::clone(&shared), stopped));
        Ok(Sandbox { shared, plugins, handles, _shutdown: shutdown })
    }
}

fn root_url(addr: SocketAddr) -> io::Result<Url> {
    Url::parse(&format!("http://{addr}/")).map_err(io::Error::other)
}

impl Sandbox {
    /// Starts a sandbox with the default settings. Same as `Sandbox::builder().start()`.
    ///
    /// ```
    /// use auditkit::{Error, testkit::Sandbox};
    ///
    /// async fn demo() -> Result<(), Error> {
    ///     let sandbox = Sandbox::start().await?;
    ///     let _client = sandbox.client();
    ///     assert!(sandbox.requests().is_empty());
    ///     Ok(())
    /// }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when called outside a Tokio runtime or when no local port can be
    /// bound; `?` also takes it into a function returning `std::io::Result`.
    pub async fn start() -> Result<Self, Error> {
        Self::builder().start().await
    }

    /// A builder to change the simulators' settings before starting.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }
}
