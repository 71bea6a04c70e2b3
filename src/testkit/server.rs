//! The sandbox server: [`Sandbox`], its builder, and the HTTP/1.1 plumbing that carries
//! requests from a socket to the shared state and answers back, including the bodies that
//! faults spoil on purpose.

use std::{convert::Infallible, fmt, io, net::SocketAddr, sync::Arc, time::Duration};

use bytes::Bytes;
use futures::StreamExt as _;
use http_body_util::{BodyExt as _, Full, StreamBody, combinators::UnsyncBoxBody};
use hyper::{
    Request, Response,
    body::{Frame, Incoming},
    header::{CONTENT_LENGTH, HeaderValue},
    server::conn::http1,
    service::service_fn,
};
use hyper_util::rt::TokioIo;
use tokio::{
    net::{TcpListener, TcpStream},
    sync::watch,
    task::JoinSet,
};
use url::Url;

use super::{
    energycap::{self, EnergyCapSandbox},
    faults::{Fault, FaultQueue},
    qualtrics::{self, NextPageMode, QualtricsSandbox},
    recorder::{RecordedRequest, Recorder},
    state::{Disconnect, Shared, SimBody, SimResponse, Simulator},
};

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Body = UnsyncBoxBody<Bytes, BoxError>;

/// How long a cut body waits after its first half, so the half is flushed before the abort.
const CUT_FLUSH_GRACE: Duration = Duration::from_millis(20);
/// How long a stopping server lets in-flight answers finish before dropping them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

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
    shared: Arc<Shared>,
    energycap_url: Url,
    energycap: EnergyCapSandbox,
    qualtrics_url: Url,
    qualtrics: QualtricsSandbox,
    // Dropping the sender is the server's shutdown signal.
    _shutdown: watch::Sender<()>,
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
    /// Starts a sandbox with the default settings. Same as `Sandbox::builder().start()`.
    ///
    /// # Errors
    ///
    /// Fails when called outside a Tokio runtime or when no local port can be bound.
    pub async fn start() -> io::Result<Self> {
        Self::builder().start().await
    }

    /// A builder to change the simulators' settings before starting.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// The server's root, `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> Url {
        self.shared.base_url.clone()
    }

    /// The base URL to give the SDK's EnergyCAP config, `http://127.0.0.1:PORT/energycap/`;
    /// the SDK appends `api/v202106/…`.
    pub fn energycap_url(&self) -> Url {
        self.energycap_url.clone()
    }

    /// The only `ECI-ApiKey` the EnergyCAP simulator accepts: `sandbox-energycap-key`.
    pub fn energycap_api_key(&self) -> &str {
        energycap::API_KEY
    }

    /// A handle on the EnergyCAP simulator's state, to seed and inspect it.
    pub fn energycap(&self) -> EnergyCapSandbox {
        self.energycap.clone()
    }

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
    /// let oauth = qualtrics::Credentials::oauth_client_credentials(
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
        self.qualtrics_url.clone()
    }

    /// The only `X-API-TOKEN` the Qualtrics simulator accepts: `sandbox-qualtrics-token`.
    pub fn qualtrics_api_token(&self) -> &str {
        qualtrics::API_TOKEN
    }

    /// The OAuth client id the Qualtrics token endpoint accepts: `sandbox-qualtrics-client`.
    pub fn qualtrics_client_id(&self) -> &str {
        qualtrics::CLIENT_ID
    }

    /// The OAuth client secret that goes with
    /// [`qualtrics_client_id`](Self::qualtrics_client_id): `sandbox-qualtrics-secret`.
    pub fn qualtrics_client_secret(&self) -> &str {
        qualtrics::CLIENT_SECRET
    }

    /// A handle on the Qualtrics simulator's state, to seed and inspect it.
    pub fn qualtrics(&self) -> QualtricsSandbox {
        self.qualtrics.clone()
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

    /// Every request received so far, oldest first, whatever answered it (simulator, fault
    /// or 404).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.recorder.snapshot()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        self.shared.recorder.clear();
    }
}

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
    energycap: energycap::Config,
    qualtrics: qualtrics::Config,
    simulators: Vec<Arc<dyn Simulator>>,
}

impl fmt::Debug for SandboxBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefixes: Vec<_> = self.simulators.iter().map(|sim| sim.prefix()).collect();
        f.debug_struct("SandboxBuilder")
            .field("energycap", &self.energycap)
            .field("qualtrics", &self.qualtrics)
            .field("simulators", &prefixes)
            .finish()
    }
}

impl SandboxBuilder {
    /// A run started with EnergyCAP's `exec` reports `Complete` on the `n`-th read of it
    /// (a listing with `includeInProgress=true`, or its detail); until then it is
    /// `In Progress`. The default is 2; 0 behaves like 1.
    pub fn energycap_polls_to_complete(mut self, n: u32) -> Self {
        self.energycap.polls_to_complete = Some(n);
        self
    }

    /// A run started with EnergyCAP's `exec` completes once `after` has passed (on Tokio's
    /// clock, so a paused test clock applies). When set without
    /// [`energycap_polls_to_complete`](Self::energycap_polls_to_complete), reads no longer
    /// complete runs; with both set, whichever comes first completes the run.
    pub fn energycap_completion_after(mut self, after: Duration) -> Self {
        self.energycap.completion_after = Some(after);
        self
    }

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
    pub fn qualtrics_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.qualtrics.token_lifetime = Some(lifetime);
        self
    }

    /// What Qualtrics' `result.nextPage` holds when more events follow: a full URL (the
    /// default) or the bare skip token. [`QualtricsSandbox::set_next_page`] changes it
    /// later.
    pub fn qualtrics_next_page(mut self, mode: NextPageMode) -> Self {
        self.qualtrics.next_page = mode;
        self
    }

    /// Mounts another vendor simulator, replacing any already mounted at the same prefix.
    #[allow(dead_code, reason = "the simulators of later vendors are mounted through this")]
    pub(crate) fn simulator(mut self, simulator: Arc<dyn Simulator>) -> Self {
        self.simulators.retain(|mounted| mounted.prefix() != simulator.prefix());
        self.simulators.push(simulator);
        self
    }

    /// Binds `127.0.0.1` on an ephemeral port and starts serving.
    ///
    /// # Errors
    ///
    /// Fails when called outside a Tokio runtime or when no local port can be bound.
    pub async fn start(self) -> io::Result<Sandbox> {
        let runtime = tokio::runtime::Handle::try_current().map_err(io::Error::other)?;
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let base_url = root_url(listener.local_addr()?)?;
        let energycap_url = base_url.join("energycap/").map_err(io::Error::other)?;
        let qualtrics_url = base_url.join("qualtrics/API/v3/").map_err(io::Error::other)?;

        let (energycap_simulator, energycap) = energycap::simulator(self.energycap);
        let (qualtrics_simulator, qualtrics) = qualtrics::simulator(self.qualtrics);
        let mut simulators = self.simulators;
        let defaults: [Arc<dyn Simulator>; 2] =
            [Arc::new(energycap_simulator), Arc::new(qualtrics_simulator)];
        for default in defaults {
            // A simulator mounted by hand at the same prefix wins over the default one.
            if simulators.iter().all(|mounted| mounted.prefix() != default.prefix()) {
                simulators.push(default);
            }
        }
        let shared = Arc::new(Shared {
            base_url,
            simulators,
            faults: FaultQueue::default(),
            recorder: Recorder::default(),
        });
        let (shutdown, stopped) = watch::channel(());
        runtime.spawn(serve(listener, Arc::clone(&shared), stopped));
        Ok(Sandbox {
            shared,
            energycap_url,
            energycap,
            qualtrics_url,
            qualtrics,
            _shutdown: shutdown,
        })
    }
}

fn root_url(addr: SocketAddr) -> io::Result<Url> {
    Url::parse(&format!("http://{addr}/")).map_err(io::Error::other)
}

/// Accepts connections until the shutdown signal, then winds the open ones down.
async fn serve(listener: TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<()>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            // Ends on the sender's drop (an error) as well as on a send.
            _ = stop.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(connection(stream, Arc::clone(&shared), stop.clone()));
                }
                // Out of file descriptors and the like: wait instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            // Reap finished connections so the set does not grow with every test request.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let drained = async { while connections.join_next().await.is_some() {} };
    // Whatever is still running after the grace period is aborted when the set drops.
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, drained).await;
}

/// Serves one keep-alive connection; on shutdown, finishes the answer in flight and closes.
async fn connection(stream: TcpStream, shared: Arc<Shared>, mut stop: watch::Receiver<()>) {
    let service = service_fn(move |request| answer(Arc::clone(&shared), request));
    let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    let mut connection = std::pin::pin!(connection);
    tokio::select! {
        // Connection errors (a client hanging up, an injected cut) end only this connection.
        _ = connection.as_mut() => return,
        _ = stop.changed() => connection.as_mut().graceful_shutdown(),
    }
    let _ = connection.await;
}

async fn answer(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Body>, BoxError> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await?.to_bytes();
    let response = shared
        .respond(parts.method, parts.uri.path(), parts.uri.query(), parts.headers, body)
        .await
        .map_err(|Disconnect| Box::new(Disconnect) as BoxError)?;
    Ok(into_hyper(response))
}

fn into_hyper(response: SimResponse) -> Response<Body> {
    let SimResponse { status, mut headers, body } = response;
    let body = match body {
        SimBody::Full(bytes) => {
            Full::new(bytes).map_err(|never: Infallible| match never {}).boxed_unsync()
        }
        SimBody::Chunks(chunks) => {
            let frames = futures::stream::iter(chunks).map(|chunk| Ok(Frame::data(chunk)));
            StreamBody::new(frames).boxed_unsync()
        }
        SimBody::Cut { sent, declared_len } => {
            // hyper frames the body by this header and treats the stream's error as an
            // abort, so the client sees a connection closed short of the announced length.
            headers.insert(CONTENT_LENGTH, HeaderValue::from(declared_len));
            let abort = async {
                tokio::time::sleep(CUT_FLUSH_GRACE).await;
                Err(BoxError::from("body cut by an injected fault"))
            };
            let frames = futures::stream::once(async { Ok(Frame::data(sent)) })
                .chain(futures::stream::once(abort));
            StreamBody::new(frames).boxed_unsync()
        }
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

#[cfg(test)]
mod tests {
    use hyper::StatusCode;
    use serde_json::{Value, json};

    use super::*;
    use crate::testkit::state::SimRequest;

    /// Echoes what a mounted simulator is given, and streams a CSV download.
    struct Echo;

    impl Simulator for Echo {
        fn prefix(&self) -> &'static str {
            "/echo"
        }

        fn handle(&self, request: &SimRequest) -> SimResponse {
            if request.path == "/download" {
                let chunks = vec![Bytes::from("id,name\n"), Bytes::from("1,a\n")];
                return SimResponse::chunks(StatusCode::OK, "text/csv", chunks);
            }
            SimResponse::json(
                StatusCode::OK,
                &json!({
                    "method": request.method.as_str(),
                    "path": request.path,
                    "query": request.query,
                    "next": request.base_url.join("echo/next").map(String::from).ok(),
                }),
            )
        }
    }

    async fn sandbox_with_echo() -> Sandbox {
        let sandbox = Sandbox::builder().simulator(Arc::new(Echo)).start().await;
        sandbox.unwrap_or_else(|e| panic!("the sandbox starts: {e}"))
    }

    async fn get(url: Url) -> reqwest::Response {
        let response = reqwest::Client::new().get(url).send().await;
        response.unwrap_or_else(|e| panic!("the sandbox answers: {e}"))
    }

    #[tokio::test]
    async fn a_mounted_simulator_sees_the_path_after_its_prefix_and_decoded_query() {
        let sandbox = sandbox_with_echo().await;
        let url = sandbox.url().join("echo/v1/items?a=1&b=x%20y").unwrap_or_else(|e| panic!("{e}"));
        let body: Value = serde_json::from_slice(&get(url).await.bytes().await.unwrap_or_default())
            .unwrap_or_default();
        let next = format!("{}echo/next", sandbox.url());
        assert_eq!(
            body,
            json!({ "method": "GET", "path": "/v1/items", "query": [["a", "1"], ["b", "x y"]],
                    "next": next })
        );
    }

    #[tokio::test]
    async fn chunked_bodies_stream_and_can_be_cut() {
        let sandbox = sandbox_with_echo().await;
        let url = sandbox.url().join("echo/download").unwrap_or_else(|e| panic!("{e}"));
        let response = get(url.clone()).await;
        assert_eq!(response.content_length(), None);
        assert_eq!(response.text().await.ok().as_deref(), Some("id,name\n1,a\n"));

        sandbox.inject(Fault::cut_body());
        let response = get(url).await;
        assert_eq!(response.content_length(), Some(12));
        assert!(response.bytes().await.is_err());
    }
}
