//! What the replica tests share: the database and its history of grants and commits,
//! `auditkit collect` processes to kill, pause and stop, a sandbox fed while they run, and
//! the checks of their outputs.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::Duration,
};

use auditkit::testkit::{QualtricsSandbox, Sandbox};
use chrono::{DateTime, Duration as TimeDelta, Utc};
use serde_json::Value;
use tokio_postgres::NoTls;

pub fn url() -> String {
    std::env::var("AUDITKIT_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// The statements that record, in the test's schema, every lease granted and every
/// commit landed, with the server's time: what the checks read.
fn history_sql(schema: &str) -> String {
    format!(
        "create table \"{schema}\".history (
             id bigserial primary key, at timestamptz not null default clock_timestamp(),
             source text not null, token bigint not null, holder text, kind text not null,
             hwm text);
         create function \"{schema}\".record() returns trigger language plpgsql as $$
         begin
             if tg_op = 'INSERT' or new.fencing_token is distinct from old.fencing_token then
                 insert into \"{schema}\".history (source, token, holder, kind)
                 values (new.source, new.fencing_token, new.lease_holder, 'grant');
             end if;
             if tg_op = 'UPDATE' and new.version is distinct from old.version
                and new.checkpoint is not null then
                 insert into \"{schema}\".history (source, token, holder, kind, hwm)
                 values (new.source, new.fencing_token, new.lease_holder, 'commit',
                         new.checkpoint->>'high_water_mark');
             end if;
             return new;
         end $$;
         create trigger record after insert or update on \"{schema}\".auditkit_checkpoints
         for each row execute function \"{schema}\".record();"
    )
}

/// A database connection and a schema of the test's own.
pub struct Db {
    pub url: String,
    pub schema: String,
    pub client: tokio_postgres::Client,
}

impl Db {
    pub async fn connect(url: &str, what: &str) -> Self {
        let (client, connection) = match tokio_postgres::connect(url, NoTls).await {
            Ok(connected) => connected,
            Err(error) => panic!(
                "no PostgreSQL answers at {url} ({error}). These tests need one: start it \
                 (`sudo service postgresql start`), or point AUDITKIT_TEST_POSTGRES at one; \
                 to run the other tests without it, leave the `postgres` feature out."
            ),
        };
        tokio::spawn(connection);
        let schema = format!("auditkit_{what}_{}", uuid::Uuid::new_v4().simple());
        Self { url: url.to_owned(), schema, client }
    }

    /// Creates the table with `auditkit checkpoints init`, then the history.
    pub async fn init(&self, dir: &Path) {
        let status = auditkit(dir)
            .args(["checkpoints", "init", "--store", &self.url, "--store-schema", &self.schema])
            .status()
            .expect("run auditkit checkpoints init");
        assert!(status.success(), "checkpoints init failed: {status}");
        self.client.batch_execute(&history_sql(&self.schema)).await.expect("history");
    }

    /// The unexpired leases of `holder` on sources, with their tokens.
    pub async fn held_by(&self, holder: &str) -> Vec<(String, i64)> {
        let rows = self
            .client
            .query(
                &format!(
                    "select source, fencing_token from \"{}\".auditkit_checkpoints
                     where lease_holder = $1 and lease_expires_at > now()
                       and source not like '~replica %'",
                    self.schema
                ),
                &[&holder],
            )
            .await
            .expect("leases");
        rows.iter().map(|row| (row.get(0), row.get(1))).collect()
    }

    pub async fn history(&self) -> Vec<Event> {
        let rows = self
            .client
            .query(
                &format!(
                    "select at, source, token, holder, kind, hwm from \"{}\".history
                     where source not like '~replica %' order by id",
                    self.schema
                ),
                &[],
            )
            .await
            .expect("history");
        rows.iter()
            .map(|row| Event {
                at: row.get(0),
                source: row.get(1),
                token: row.get(2),
                holder: row.get(3),
                commit: row.get::<_, String>(4) == "commit",
                hwm: row.get::<_, Option<String>>(5).and_then(|hwm| hwm.parse().ok()),
            })
            .collect()
    }

    pub async fn drop_schema(&self) {
        let _ =
            self.client.batch_execute(&format!("drop schema \"{}\" cascade", self.schema)).await;
    }
}

/// A lease granted or a commit landed, as the history recorded it.
#[derive(Debug, Clone)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub source: String,
    pub token: i64,
    pub holder: Option<String>,
    pub commit: bool,
    pub hwm: Option<DateTime<Utc>>,
}

/// Every commit carries the newest token granted for its source, by its holder, and no
/// high-water mark goes back: no stale commit landed. How many commits and grants.
pub fn check_history(history: &[Event]) -> (usize, usize) {
    // Per source: the newest token, its holder, the last high-water mark committed.
    type Current<'a> = (i64, Option<&'a str>, Option<DateTime<Utc>>);
    let mut current: BTreeMap<&str, Current<'_>> = BTreeMap::new();
    let (mut commits, mut grants) = (0, 0);
    for event in history {
        let entry = current.entry(&event.source).or_insert((0, None, None));
        if event.commit {
            commits += 1;
            assert_eq!(event.token, entry.0, "a commit with a stale token landed: {event:?}");
            assert_eq!(event.holder.as_deref(), entry.1, "a commit by a non-holder: {event:?}");
            assert!(event.hwm >= entry.2, "a high-water mark went back: {event:?}");
            entry.2 = event.hwm;
        } else {
            grants += 1;
            assert!(event.token > entry.0, "a token did not grow: {event:?}");
            entry.0 = event.token;
            entry.1 = event.holder.as_deref();
        }
    }
    (commits, grants)
}

/// The first grant of `source` with a token above `token` after `since`: its delay.
pub fn handover(
    history: &[Event],
    source: &str,
    token: i64,
    since: DateTime<Utc>,
) -> Option<Duration> {
    history
        .iter()
        .find(|event| !event.commit && event.source == source && event.token > token)
        .map(|event| (event.at - since).to_std().unwrap_or_default())
}

/// The command, quiet about progress, its logs at info.
pub fn auditkit(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_auditkit"));
    command.current_dir(dir).env_clear().env("RUST_LOG", "info");
    command
}

/// A config of `tenants` tenants (`t00`…) on the sandbox's Qualtrics, each with `streams`,
/// each writing `<tenant>-{replica}.jsonl`, checkpoints in `db`'s schema at `url`.
pub fn config(
    dir: &Path,
    sandbox: &Sandbox,
    url: &str,
    schema: &str,
    tenants: usize,
    streams: &[&str],
) -> PathBuf {
    let mut text = format!(
        "store = \"{url}\"\nstore_schema = \"{schema}\"\n\n[defaults]\nlookback = \"2h\"\nlag = \"2s\"\n\
         overlap = \"1m\"\ninterval = \"1s\"\nbatch_size = 10\n"
    );
    let streams: Vec<String> = streams.iter().map(|s| format!("\"{s}\"")).collect();
    for tenant in 0..tenants {
        text.push_str(&format!(
            "\n[[source]]\ntenant = \"t{tenant:02}\"\nvendor = \"qualtrics\"\nstreams = [{}]\n\
             credentials = {{ base_url = \"{}\", api_token = {{ env = \"SANDBOX_TOKEN\" }} }}\n\
             sink = {{ file = \"t{tenant:02}-{{replica}}.jsonl\" }}\n",
            streams.join(", "),
            sandbox.qualtrics_url()
        ));
    }
    let path = dir.join("auditkit.toml");
    std::fs::write(&path, text).expect("config");
    path
}

/// One `auditkit collect` replica, started again and again under its name.
pub struct Replica {
    pub name: String,
    dir: PathBuf,
    config: PathBuf,
    token: String,
    lease: String,
    pub child: Option<Child>,
}

impl Replica {
    pub fn new(name: &str, dir: &Path, config: &Path, sandbox: &Sandbox, lease: &str) -> Self {
        Self {
            name: name.to_owned(),
            dir: dir.to_owned(),
            config: config.to_owned(),
            token: sandbox.qualtrics_api_token().to_owned(),
            lease: lease.to_owned(),
            child: None,
        }
    }

    pub fn start(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join(format!("{}.log", self.name)))
            .expect("log");
        let child = auditkit(&self.dir)
            .env("SANDBOX_TOKEN", &self.token)
            .args(["collect", "--quiet", "--config"])
            .arg(&self.config)
            .args(["--replica", &self.name, "--lease", &self.lease])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("spawn auditkit collect");
        self.child = Some(child);
    }

    pub fn pid(&self) -> String {
        self.child.as_ref().map(|child| child.id().to_string()).unwrap_or_default()
    }

    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill").arg(format!("-{signal}")).arg(self.pid()).status();
        assert!(status.is_ok_and(|status| status.success()), "kill -{signal} {}", self.pid());
    }

    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM, and its exit status within `within`.
    pub fn terminate(&mut self, within: Duration) -> std::process::ExitStatus {
        self.signal("TERM");
        let mut child = self.child.take().expect("running");
        let deadline = std::time::Instant::now() + within;
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                return status;
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!("{} did not stop within {within:?} of SIGTERM", self.name);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join(format!("{}.log", self.name))).unwrap_or_default()
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        if let Some(child) = &self.child {
            let _ = Command::new("kill").arg("-CONT").arg(child.id().to_string()).status();
        }
        self.kill();
    }
}

/// Feeds the sandbox's Qualtrics `streams` while the replicas run: what every tenant must
/// end up with.
pub struct Feed {
    pub expected: Arc<Mutex<BTreeMap<String, BTreeSet<String>>>>,
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Feed {
    pub fn start(
        qualtrics: QualtricsSandbox,
        streams: &[&'static str],
        initial: usize,
        per_tick: usize,
    ) -> Self {
        qualtrics.clear_events();
        let expected: Arc<Mutex<BTreeMap<String, BTreeSet<String>>>> = Arc::default();
        let now = Utc::now();
        for stream in streams {
            let ids = qualtrics.seed_events(
                stream,
                initial,
                now - TimeDelta::minutes(50),
                now - TimeDelta::minutes(1),
            );
            expected.lock().unwrap().entry(format!("qualtrics/{stream}")).or_default().extend(ids);
        }
        let (stop, mut stopped) = tokio::sync::watch::channel(false);
        let streams = streams.to_vec();
        let shared = Arc::clone(&expected);
        let task = tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = stopped.changed() => return,
                    _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                }
                // Published half a second after their time, well within the lag.
                let now = Utc::now();
                for stream in &streams {
                    let ids = qualtrics.seed_events(
                        stream,
                        per_tick,
                        now - TimeDelta::milliseconds(900),
                        now - TimeDelta::milliseconds(500),
                    );
                    shared
                        .lock()
                        .unwrap()
                        .entry(format!("qualtrics/{stream}"))
                        .or_default()
                        .extend(ids);
                }
            }
        });
        Self { expected, stop, task }
    }

    pub async fn stop(self) -> BTreeMap<String, BTreeSet<String>> {
        let _ = self.stop.send(true);
        let _ = self.task.await;
        self.expected.lock().unwrap().clone()
    }
}

/// Every line of the `*.jsonl` files in `dir`, as (tenant, source, id), with how many times.
pub fn outputs(dir: &Path) -> BTreeMap<(String, String, String), usize> {
    let mut seen = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("dir").flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|ext| ext != "jsonl") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        // A line being written has no newline yet.
        for line in text.split_inclusive('\n').filter(|line| line.ends_with('\n')) {
            let line: Value = serde_json::from_str(line).expect("a JSON line");
            let key = (
                line["tenant"].as_str().expect("tenant").to_owned(),
                line["source"].as_str().expect("source").to_owned(),
                line["event"]["id"].as_str().expect("id").to_owned(),
            );
            *seen.entry(key).or_default() += 1;
        }
    }
    seen
}

/// What every tenant must have.
pub fn wanted(
    expected: &BTreeMap<String, BTreeSet<String>>,
    tenants: usize,
) -> BTreeSet<(String, String, String)> {
    let mut all = BTreeSet::new();
    for tenant in 0..tenants {
        for (source, ids) in expected {
            for id in ids {
                all.insert((format!("t{tenant:02}"), source.clone(), id.clone()));
            }
        }
    }
    all
}

/// Waits until the outputs hold everything `wanted` (at most `within`).
pub async fn wait_for(dir: &Path, wanted: &BTreeSet<(String, String, String)>, within: Duration) {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let got = outputs(dir);
        let missing = wanted.iter().filter(|key| !got.contains_key(*key)).count();
        if missing == 0 {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{missing} events still missing after {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// The outputs hold `wanted`, each exactly once, and nothing else.
pub fn check_exactly_once(dir: &Path, wanted: &BTreeSet<(String, String, String)>) -> usize {
    let got = outputs(dir);
    let twice: Vec<_> = got.iter().filter(|(_, n)| **n > 1).take(5).collect();
    assert!(
        twice.is_empty(),
        "written more than once: {twice:?} ({} in all)",
        got.values().filter(|n| **n > 1).count()
    );
    let missing: Vec<_> = wanted.iter().filter(|key| !got.contains_key(*key)).take(5).collect();
    assert!(missing.is_empty(), "lost: {missing:?}");
    let invented: Vec<_> = got.keys().filter(|key| !wanted.contains(*key)).take(5).collect();
    assert!(invented.is_empty(), "invented: {invented:?}");
    got.len()
}
