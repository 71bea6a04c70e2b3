//! [`PostgresStore`] as a store: checkpoints, leases and fenced commits, each one statement.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

use super::{
    Checkpoint, CheckpointStore, PostgresStore,
    lease::{Acquired, FencingToken, Lease, LeasedStore},
    postgres_sql::{self as sql, Outcome, outcome},
    postgres_store::broken,
};
use crate::{CheckpointError, Error};

impl PostgresStore {
    /// Releases every lease `holder` has in this tenant, at once; how many. For a replica
    /// that stops (SIGTERM): its sources go to the others without waiting for the expiry,
    /// and its collectors' commits are refused from then on.
    ///
    /// ```no_run
    /// # async fn demo(store: auditkit::collect::PostgresStore) -> Result<(), auditkit::Error> {
    /// let released = store.release_all("replica-1").await?;
    /// println!("released {released} sources");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Checkpoint`] when the server cannot be reached.
    pub async fn release_all(&self, holder: &str) -> Result<u64, Error> {
        let statement = sql::release_all(&self.inner.table);
        self.retrying("release", |client| {
            let (statement, tenant, holder) =
                (statement.clone(), self.tenant.clone(), holder.to_owned());
            async move { client.execute(&statement, &[&tenant, &holder]).await }
        })
        .await
    }

    /// The refusal of a stale `token`, with the newest one read.
    async fn fenced(&self, source: &str, token: FencingToken, action: &str) -> Error {
        let newest = self.read(source).await.ok().flatten().map_or(0, |(newest, _, _)| newest);
        super::lease::fenced(source, token, token_of(newest), action).into()
    }

    /// The row's token, whether its lease is held, and its checkpoint.
    async fn read(&self, source: &str) -> Result<Option<(i64, bool, Option<String>)>, Error> {
        let statement = sql::reread(&self.inner.table);
        self.retrying("read", |client| {
            let (statement, tenant, source) =
                (statement.clone(), self.tenant.clone(), source.to_owned());
            async move {
                let row = client.query_opt(&statement, &[&tenant, &source]).await?;
                row.map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?))).transpose()
            }
        })
        .await
    }

    /// A commit that may be sent again: `Err(None)` when its answer was lost.
    async fn try_commit(
        &self,
        text: &str,
        token: i64,
        source: &str,
    ) -> Result<bool, Option<Error>> {
        let client = self
            .client()
            .await
            .map_err(|error| (!broken(&error)).then(|| self.failed("commit", &error)))?;
        let statement = sql::commit(&self.inner.table);
        match client.query_opt(&statement, &[&self.tenant, &source, &token, &text]).await {
            Ok(row) => Ok(row.is_some()),
            Err(error) if broken(&error) => Err(None),
            Err(error) => Err(Some(self.failed("commit", &error))),
        }
    }
}

impl CheckpointStore for PostgresStore {
    fn load<'a>(&'a self, source: &'a str) -> BoxFuture<'a, Result<Option<Checkpoint>, Error>> {
        Box::pin(async move {
            let statement = sql::load(&self.inner.table);
            let text: Option<Option<String>> = self
                .retrying("read", |client| {
                    let (statement, tenant) = (statement.clone(), self.tenant.clone());
                    async move {
                        let row = client.query_opt(&statement, &[&tenant, &source]).await?;
                        row.map(|row| row.try_get(0)).transpose()
                    }
                })
                .await?;
            text.flatten().map(|text| serde_json::from_str(&text).map_err(unreadable)).transpose()
        })
    }

    fn save<'a>(&'a self, checkpoint: &'a Checkpoint) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            let text = to_text(checkpoint)?;
            let statement = sql::save(&self.inner.table);
            // An upsert of the same value: sending it again after a lost answer is harmless.
            self.retrying("save", |client| {
                let (statement, tenant, text) =
                    (statement.clone(), self.tenant.clone(), text.clone());
                async move {
                    client.execute(&statement, &[&tenant, &checkpoint.source(), &text]).await?;
                    Ok(())
                }
            })
            .await
        })
    }
}

impl LeasedStore for PostgresStore {
    fn acquire<'a>(
        &'a self,
        source: &'a str,
        holder: &'a str,
        duration: Duration,
    ) -> BoxFuture<'a, Result<Acquired, Error>> {
        Box::pin(async move {
            let (acquire, current) =
                (sql::acquire(&self.inner.table), sql::holder(&self.inner.table));
            // Sent again after a lost answer, it grants this holder a newer token: the one
            // lost is then fenced, never used.
            for _ in 0..3 {
                let granted: Option<(i64, DateTime<Utc>)> = self
                    .retrying("acquire", |client| {
                        let (statement, tenant) = (acquire.clone(), self.tenant.clone());
                        async move {
                            let row = client
                                .query_opt(
                                    &statement,
                                    &[&tenant, &source, &holder, &millis(duration)],
                                )
                                .await?;
                            row.map(|row| Ok((row.try_get(0)?, row.try_get(1)?))).transpose()
                        }
                    })
                    .await?;
                if let Some((token, until)) = granted {
                    return Ok(Acquired::Granted(Lease::new(
                        source,
                        holder,
                        token_of(token),
                        until,
                    )));
                }
                let held: Option<(String, DateTime<Utc>)> = self
                    .retrying("acquire", |client| {
                        let (statement, tenant) = (current.clone(), self.tenant.clone());
                        async move {
                            let row = client.query_opt(&statement, &[&tenant, &source]).await?;
                            row.map(|row| Ok((row.try_get(0)?, row.try_get(1)?))).transpose()
                        }
                    })
                    .await?;
                // None: released or expired in between; ask again.
                if let Some((holder, until)) = held {
                    return Ok(Acquired::Held { holder, until });
                }
            }
            Err(CheckpointError::new(
                "acquire",
                format!(
                    "the lease of `{source}` changed hands three times while asking; try again"
                ),
            )
            .into())
        })
    }

    fn renew<'a>(
        &'a self,
        lease: &'a Lease,
        duration: Duration,
    ) -> BoxFuture<'a, Result<Lease, Error>> {
        Box::pin(async move {
            let statement = sql::renew(&self.inner.table);
            let token = token(lease.token());
            let until: Option<DateTime<Utc>> = self
                .retrying("renew", |client| {
                    let (statement, tenant) = (statement.clone(), self.tenant.clone());
                    async move {
                        let row = client
                            .query_opt(
                                &statement,
                                &[&tenant, &lease.source(), &token, &millis(duration)],
                            )
                            .await?;
                        row.map(|row| row.try_get(0)).transpose()
                    }
                })
                .await?;
            match until {
                Some(until) => Ok(Lease::new(lease.source(), lease.holder(), lease.token(), until)),
                None => Err(self.fenced(lease.source(), lease.token(), "renew the lease of").await),
            }
        })
    }

    fn release<'a>(&'a self, lease: &'a Lease) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            let statement = sql::release(&self.inner.table);
            let token = token(lease.token());
            self.retrying("release", |client| {
                let (statement, tenant) = (statement.clone(), self.tenant.clone());
                async move {
                    client.execute(&statement, &[&tenant, &lease.source(), &token]).await?;
                    Ok(())
                }
            })
            .await
        })
    }

    fn commit<'a>(
        &'a self,
        checkpoint: &'a Checkpoint,
        fencing: FencingToken,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            let text = to_text(checkpoint)?;
            let source = checkpoint.source();
            let token = token(fencing);
            for _ in 0..self.inner.attempts {
                match self.try_commit(&text, token, source).await {
                    Ok(true) => return Ok(()),
                    Ok(false) => return Err(self.fenced(source, fencing, "commit").await),
                    Err(Some(error)) => return Err(error),
                    Err(None) => {}
                }
                // The answer was lost: read the row (on a new connection, with backoff)
                // before anything else, and decide from what it holds.
                tracing::warn!(source, %fencing, "a commit's answer was lost; reading it back");
                let stored = self.read(source).await?;
                let ours: serde_json::Value = serde_json::from_str(&text).map_err(unreadable)?;
                let stored = stored.map(|(newest, held, text)| {
                    (newest, held, text.and_then(|text| serde_json::from_str(&text).ok()))
                });
                match outcome(stored, &ours, token) {
                    Outcome::Landed => return Ok(()),
                    Outcome::Lost => continue,
                    Outcome::Fenced(newest) => {
                        return Err(super::lease::fenced(
                            source,
                            fencing,
                            token_of(newest),
                            "commit",
                        )
                        .into());
                    }
                }
            }
            Err(CheckpointError::new(
                "commit",
                format!("the connection to PostgreSQL broke on each of {} attempts to commit `{source}`; the checkpoint did not move", self.inner.attempts),
            )
            .into())
        })
    }
}

fn to_text(checkpoint: &Checkpoint) -> Result<String, Error> {
    serde_json::to_string(checkpoint).map_err(|error| {
        CheckpointError::new("save", format!("the checkpoint does not serialize: {error}")).into()
    })
}

fn token(token: FencingToken) -> i64 {
    i64::try_from(token.get()).unwrap_or(i64::MAX)
}

/// Milliseconds, clamped to a year: the interval stays representable.
fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.min(Duration::from_secs(365 * 86_400)).as_millis()).unwrap_or(i64::MAX)
}

fn token_of(value: i64) -> FencingToken {
    FencingToken::new(u64::try_from(value).unwrap_or(0))
}

fn unreadable(error: serde_json::Error) -> Error {
    CheckpointError::new("read", format!("the checkpoint in PostgreSQL is not one ({error}): it was changed by hand; fix or delete its row")).into()
}
