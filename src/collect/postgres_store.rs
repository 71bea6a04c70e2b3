//! Checkpoints and leases in PostgreSQL: replicas on several machines share sources.

use std::{
    fmt,
    future::Future,
    net::IpAddr,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use tokio_postgres::{Client, Config, NoTls, config::Host};

use super::postgres_sql as sql;
use crate::{CheckpointError, Error, Timer};

/// Checkpoints and leases in a PostgreSQL table, for collectors on several machines
/// (feature `postgres`).
///
/// One row per (tenant, source) holds the checkpoint (`jsonb`), its version, the lease's
/// holder and expiry, and the fencing token. The schema and table are created on first use
/// (or by [`init`](Self::init)). Each operation is one statement: a commit is a
/// compare-and-swap on the token, and every time is the server's `now()`, never a
/// replica's clock.
///
/// A broken connection is opened again, with backoff (8 attempts over about 15 s by
/// default). A commit whose answer was lost is judged by reading the row again before
/// anything else: landed, sent again, or refused as fenced.
///
/// **TLS.** It speaks plain text, so [`new`](Self::new) accepts only a server on this
/// machine (a loopback address, `localhost` or a Unix socket).
/// [`without_tls`](Self::without_tls) accepts any address: for a private network, or a
/// TLS tunnel on this machine (a sidecar, stunnel).
///
/// ```no_run
/// use std::time::Duration;
/// use auditkit::collect::{Collector, PostgresStore};
/// use auditkit::qualtrics::Logins;
///
/// # fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// let store = PostgresStore::new("postgres://auditkit@127.0.0.1:5432/auditkit")?.tenant("acme");
/// let collector = Collector::new(client.qualtrics().event_source::<Logins>())
///     .leased_store(store, "replica-1", Duration::from_secs(30));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PostgresStore {
    pub(super) inner: Arc<Inner>,
    pub(super) tenant: String,
}

pub(super) struct Inner {
    config: Config,
    /// Where, without credentials: for errors and `Debug`.
    server: String,
    schema: String,
    pub(super) table: String,
    connection: tokio::sync::Mutex<Option<Arc<Client>>>,
    ready: AtomicBool,
    timer: Arc<dyn Timer>,
    pub(super) attempts: u32,
}

impl PostgresStore {
    /// A store at `url` (`postgres://user[:password]@host[:port]/database`, or the
    /// `key=value` form), on a server on this machine; tenant `default`, schema `public`.
    /// Nothing connects until the first operation.
    ///
    /// ```
    /// let store = auditkit::collect::PostgresStore::new("postgres://postgres@127.0.0.1/test")?;
    /// # Ok::<(), auditkit::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Checkpoint`] when `url` does not parse, or names a server beyond this
    /// machine (use [`without_tls`](Self::without_tls) for that).
    pub fn new(url: &str) -> Result<Self, Error> {
        let store = Self::without_tls(url)?;
        let remote = store.inner.config.get_hosts().iter().find(|host| match host {
            Host::Tcp(name) => {
                name != "localhost" && !name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
            }
            #[cfg(unix)]
            Host::Unix(_) => false,
        });
        if let Some(host) = remote {
            return Err(CheckpointError::new(
                "connect",
                format!(
                    "{host:?} is not on this machine, and PostgresStore speaks plain text: \
                     reach it through a TLS tunnel on this machine, or accept plain text on a \
                     private network with PostgresStore::without_tls (auditkit: \
                     --store-without-tls)"
                ),
            )
            .into());
        }
        Ok(store)
    }

    /// A store at `url` anywhere, spoken to in plain text: for a private network or a TLS
    /// tunnel. See [`new`](Self::new).
    ///
    /// ```
    /// let store = auditkit::collect::PostgresStore::without_tls("postgres://auditkit@10.0.0.5/prod")?;
    /// # Ok::<(), auditkit::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Checkpoint`] when `url` does not parse.
    pub fn without_tls(url: &str) -> Result<Self, Error> {
        let mut config: Config = url.parse().map_err(|error| {
            CheckpointError::new(
                "connect",
                format!("the PostgreSQL URL does not parse ({error}): give postgres://user@host:port/database"),
            )
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        if config.get_application_name().is_none() {
            config.application_name("auditkit");
        }
        let server = format!(
            "{:?}:{:?}/{}",
            config.get_hosts(),
            config.get_ports(),
            config.get_dbname().unwrap_or_default()
        );
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                server,
                schema: "public".into(),
                table: sql::table("public"),
                connection: tokio::sync::Mutex::new(None),
                ready: AtomicBool::new(false),
                timer: Arc::new(crate::timer::TokioTimer),
                attempts: 8,
            }),
            tenant: "default".into(),
        })
    }

    /// The tenant whose checkpoints and leases this store reads and writes: several
    /// configurations share one table without sharing sources.
    ///
    /// ```
    /// use auditkit::collect::PostgresStore;
    ///
    /// let acme = PostgresStore::new("postgres://postgres@127.0.0.1/test")?.tenant("acme");
    /// # Ok::<(), auditkit::Error>(())
    /// ```
    #[must_use]
    pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = tenant.into();
        self
    }

    /// The schema of the table (`public` otherwise): lowercase letters, digits and `_`.
    ///
    /// # Errors
    /// [`Error::Checkpoint`] for another name.
    pub fn schema(self, schema: &str) -> Result<Self, Error> {
        let valid = !schema.is_empty()
            && schema.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !valid {
            return Err(CheckpointError::new(
                "connect",
                format!("the schema `{schema}` is refused: give lowercase letters, digits and `_`"),
            )
            .into());
        }
        Ok(self.rebuild(|inner| {
            inner.schema = schema.to_owned();
            inner.table = sql::table(schema);
        }))
    }

    /// The timer of the backoff between attempts (tokio's otherwise).
    #[must_use]
    pub fn timer(self, timer: Arc<dyn Timer>) -> Self {
        self.rebuild(|inner| inner.timer = timer)
    }

    /// How many times an operation is tried when the connection breaks (8 otherwise).
    #[must_use]
    pub fn attempts(self, attempts: u32) -> Self {
        self.rebuild(|inner| inner.attempts = attempts.max(1))
    }

    fn rebuild(self, change: impl FnOnce(&mut Inner)) -> Self {
        let old = &self.inner;
        let mut inner = Inner {
            config: old.config.clone(),
            server: old.server.clone(),
            schema: old.schema.clone(),
            table: old.table.clone(),
            connection: tokio::sync::Mutex::new(None),
            ready: AtomicBool::new(false),
            timer: Arc::clone(&old.timer),
            attempts: old.attempts,
        };
        change(&mut inner);
        Self { inner: Arc::new(inner), tenant: self.tenant }
    }

    /// Creates the schema and the table unless they exist (the first operation does it
    /// otherwise): for a deployment step that runs before the replicas.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), auditkit::Error> {
    /// let store = auditkit::collect::PostgresStore::new("postgres://postgres@127.0.0.1/test")?;
    /// store.init().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Checkpoint`] when the server cannot be reached or refuses.
    pub async fn init(&self) -> Result<(), Error> {
        self.retrying("init", |_client| async { Ok(()) }).await
    }

    /// The connection, opened (and the table created) when there is none.
    pub(super) async fn client(&self) -> Result<Arc<Client>, tokio_postgres::Error> {
        let mut connection = self.inner.connection.lock().await;
        if let Some(client) = connection.as_ref().filter(|client| !client.is_closed()) {
            return Ok(Arc::clone(client));
        }
        *connection = None;
        let (client, driver) = self.inner.config.connect(NoTls).await?;
        tokio::spawn(async move {
            if let Err(error) = driver.await {
                tracing::debug!(%error, "the PostgreSQL connection ended");
            }
        });
        if !self.inner.ready.load(Ordering::Acquire) {
            client.batch_execute(&sql::init(&self.inner.schema)).await?;
            self.inner.ready.store(true, Ordering::Release);
        }
        let client = Arc::new(client);
        *connection = Some(Arc::clone(&client));
        Ok(client)
    }

    /// Runs `operation`, again on a new connection with backoff when the connection broke.
    pub(super) async fn retrying<T, F, Fut>(
        &self,
        action: &'static str,
        operation: F,
    ) -> Result<T, Error>
    where
        F: Fn(Arc<Client>) -> Fut,
        Fut: Future<Output = Result<T, tokio_postgres::Error>>,
    {
        let mut attempt = 0;
        loop {
            let result = match self.client().await {
                Ok(client) => operation(client).await,
                Err(error) => Err(error),
            };
            match result {
                Ok(value) => return Ok(value),
                Err(error) if broken(&error) && attempt + 1 < self.inner.attempts => {
                    tracing::warn!(%error, attempt, "PostgreSQL connection broken; connecting again");
                    self.back_off(attempt).await;
                    attempt += 1;
                }
                Err(error) => return Err(self.failed(action, &error)),
            }
        }
    }

    /// Forgets the connection and waits 100 ms doubling per attempt, at most 5 s.
    async fn back_off(&self, attempt: u32) {
        *self.inner.connection.lock().await = None;
        let wait = Duration::from_millis(100).saturating_mul(1 << attempt.min(6));
        self.inner.timer.sleep(wait.min(Duration::from_secs(5))).await;
    }

    pub(super) fn failed(&self, action: &'static str, error: &tokio_postgres::Error) -> Error {
        let hint = if broken(error) {
            " (is PostgreSQL running and reachable? `pg_isready` says)"
        } else {
            ""
        };
        let detail =
            error.as_db_error().map(ToString::to_string).unwrap_or_else(|| error.to_string());
        CheckpointError::new(action, format!("PostgreSQL at {}: {detail}{hint}", self.inner.server))
            .into()
    }
}

/// Whether `error` is the connection's (the statement's effect is then unknown), not the
/// statement's.
pub(super) fn broken(error: &tokio_postgres::Error) -> bool {
    use tokio_postgres::error::SqlState;
    let io = std::error::Error::source(error).is_some_and(|source| source.is::<std::io::Error>());
    let shutdown =
        [SqlState::ADMIN_SHUTDOWN, SqlState::CRASH_SHUTDOWN, SqlState::CANNOT_CONNECT_NOW];
    error.is_closed()
        || io
        || error.code().is_some_and(|code| code.code().starts_with("08") || shutdown.contains(code))
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("server", &self.inner.server)
            .field("schema", &self.inner.schema)
            .field("tenant", &self.tenant)
            .finish_non_exhaustive()
    }
}
