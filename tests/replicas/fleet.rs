//! What the replica tests share: the database and its history of grants and commits
//! (here), `auditkit collect` processes (`processes`), the events fed and written
//! (`events`).

use std::{collections::BTreeMap, path::Path, time::Duration};

use chrono::{DateTime, Utc};
use tokio_postgres::NoTls;

pub use crate::{events::*, processes::*};

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
