//! A PostgreSQL of the test's own, stopped (immediate: as a crash) in the middle of a run
//! for longer than the lease and the store's retries, then started again: the replica carries on, and every event
//! is written exactly once with no stale commit. The machine's shared server is left alone.

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

use auditkit::testkit::Sandbox;

use crate::{
    fleet::{self, Db, Feed, Replica},
    kill::{tail, tempdir},
};

const BIN: &str = "/usr/lib/postgresql/15/bin";
const TENANTS: usize = 4;
const STREAMS: [&str; 1] = ["logins"];

/// A private server in a temporary directory, run by the `postgres` OS user (it refuses
/// root).
struct Private {
    data: PathBuf,
    port: u16,
}

impl Private {
    fn create() -> Self {
        let bin = Path::new(BIN);
        assert!(
            bin.join("initdb").exists() && bin.join("pg_ctl").exists(),
            "the database restart test needs PostgreSQL 15's initdb and pg_ctl in {BIN} (the \
             postgresql-15 package); install them, or leave the `postgres` feature out"
        );
        let data =
            std::env::temp_dir().join(format!("auditkit-pg-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&data).expect("data dir");
        run(
            Command::new("chown").arg("postgres:postgres").arg(&data),
            "chown the data dir to postgres",
        );
        run(
            as_postgres(&format!("{BIN}/initdb"))
                .args(["-A", "trust", "-U", "postgres", "-D"])
                .arg(data.join("db")),
            "initdb",
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .expect("a free port")
            .local_addr()
            .expect("port")
            .port();
        let private = Self { data, port };
        private.start();
        private
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn start(&self) {
        let options =
            format!("-p {} -c listen_addresses=127.0.0.1 -k {}", self.port, self.data.display());
        run(
            as_postgres(&format!("{BIN}/pg_ctl"))
                .arg("-D")
                .arg(self.data.join("db"))
                .args(["-o", &options, "-l"])
                .arg(self.data.join("server.log"))
                .args(["-w", "start"]),
            "pg_ctl start",
        );
    }

    fn stop(&self, mode: &str) {
        run(
            as_postgres(&format!("{BIN}/pg_ctl"))
                .arg("-D")
                .arg(self.data.join("db"))
                .args(["-m", mode, "-w", "stop"]),
            "pg_ctl stop",
        );
    }
}

impl Drop for Private {
    fn drop(&mut self) {
        let _ = as_postgres(&format!("{BIN}/pg_ctl"))
            .arg("-D")
            .arg(self.data.join("db"))
            .args(["-m", "immediate", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

fn as_postgres(program: &str) -> Command {
    let mut command = Command::new("runuser");
    command.args(["-u", "postgres", "--", program]);
    command
}

fn run(command: &mut Command, what: &str) {
    let output = command.output().unwrap_or_else(|error| panic!("{what}: cannot run it: {error}"));
    assert!(
        output.status.success(),
        "{what} failed ({}): {}{} (the test runs PostgreSQL as the `postgres` OS user with \
         runuser)",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

pub async fn a_replica_carries_on_across_a_database_restart() {
    let server = Private::create();
    let db = Db::connect(&server.url(), "restart").await;
    let dir = tempdir("restart");
    db.init(&dir).await;
    let sandbox = Sandbox::start().await.expect("sandbox");
    let config = fleet::config(&dir, &sandbox, &db.url, &db.schema, TENANTS, &STREAMS);
    let feed = Feed::start(sandbox.qualtrics(), &STREAMS, 40, 1);
    let mut replica = Replica::new("solo", &dir, &config, &sandbox, "4s");
    replica.start();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let before = db.history().await.iter().filter(|event| event.commit).count();
    assert!(before > 0, "nothing committed before the restart: {}", tail(&replica.log()));
    drop(db);
    server.stop("immediate");
    // Longer than the lease and than the store's retries (about 11 s): the replica's
    // commits fail, its leases lapse, and it must take them again.
    tokio::time::sleep(Duration::from_secs(16)).await;
    server.start();
    tokio::time::sleep(Duration::from_secs(8)).await;
    let expected = feed.stop().await;
    let wanted = fleet::wanted(&expected, TENANTS);
    fleet::wait_for(&dir, &wanted, Duration::from_secs(45)).await;
    let status = replica.terminate(Duration::from_secs(20));
    let log = replica.log();
    assert!(status.success(), "the replica exited with {status}: {}", tail(&log));
    let events = fleet::check_exactly_once(&dir, &wanted);
    let db = Db { schema: schema_of(&config), ..Db::connect(&server.url(), "restart").await };
    let history = db.history().await;
    let (commits, grants) = fleet::check_history(&history);
    let after = commits - before;
    assert!(after > 0, "nothing committed after the restart");
    let broken = log.matches("PostgreSQL").count();
    assert!(broken > 0, "the replica never saw the server go: {}", tail(&log));
    assert!(grants > TENANTS, "no lease was taken again after the outage: {}", tail(&log));
    let failed = log.matches("the batch was not delivered").count();
    println!(
        "replicas database restart: {events} events exactly once; {commits} commits ({after} \
         after the restart), {grants} leases granted; {broken} log lines about PostgreSQL, \
         {failed} batches not delivered (their commit failed) and collected again"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The schema the config names.
fn schema_of(config: &Path) -> String {
    let text = std::fs::read_to_string(config).expect("config");
    let line = text.lines().find(|line| line.starts_with("store_schema")).expect("store_schema");
    line.split('"').nth(1).expect("quoted").to_owned()
}
