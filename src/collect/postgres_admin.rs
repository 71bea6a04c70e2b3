//! [`PostgresStore`] seen whole: the leases held now and the checkpoints kept, for replicas
//! that share sources out and for the `auditkit checkpoints` command; and a reset that
//! keeps the fencing token.

use chrono::{DateTime, Utc};

use super::{
    Checkpoint, PostgresStore,
    lease::{FencingToken, Lease},
};
use crate::{CheckpointError, Error};

impl PostgresStore {
    /// The leases of this tenant unexpired now (by the server's clock), by source: who
    /// collects what. Replicas read it to take only their share of the sources.
    ///
    /// ```no_run
    /// # async fn demo(store: auditkit::collect::PostgresStore) -> Result<(), auditkit::Error> {
    /// for lease in store.leases().await? {
    ///     println!("{} is collected by {} until {}", lease.source(), lease.holder(), lease.expires_at());
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Checkpoint`] when the server cannot be reached.
    pub async fn leases(&self) -> Result<Vec<Lease>, Error> {
        let statement = format!(
            "select source, lease_holder, fencing_token, lease_expires_at from {}
             where tenant = $1 and lease_holder is not null and lease_expires_at > now()
             order by source",
            self.inner.table
        );
        self.retrying("read", |client| {
            let (statement, tenant) = (statement.clone(), self.tenant.clone());
            async move {
                let rows = client.query(&statement, &[&tenant]).await?;
                rows.iter()
                    .map(|row| {
                        let (source, holder): (String, String) = (row.try_get(0)?, row.try_get(1)?);
                        let token: i64 = row.try_get(2)?;
                        let until: DateTime<Utc> = row.try_get(3)?;
                        let token = FencingToken::new(u64::try_from(token).unwrap_or(0));
                        Ok(Lease::new(source, holder, token, until))
                    })
                    .collect()
            }
        })
        .await
    }

    /// Every checkpoint of this tenant, by source.
    ///
    /// ```no_run
    /// # async fn demo(store: auditkit::collect::PostgresStore) -> Result<(), auditkit::Error> {
    /// for checkpoint in store.checkpoints().await? {
    ///     println!("{}: {:?}", checkpoint.source(), checkpoint.high_water_mark());
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Checkpoint`] when the server cannot be reached, or a row holds something
    /// that is not a checkpoint (changed by hand).
    pub async fn checkpoints(&self) -> Result<Vec<Checkpoint>, Error> {
        let statement = format!(
            "select source, checkpoint::text from {}
             where tenant = $1 and checkpoint is not null order by source",
            self.inner.table
        );
        let rows: Vec<(String, String)> = self
            .retrying("read", |client| {
                let (statement, tenant) = (statement.clone(), self.tenant.clone());
                async move {
                    let rows = client.query(&statement, &[&tenant]).await?;
                    rows.iter().map(|row| Ok((row.try_get(0)?, row.try_get(1)?))).collect()
                }
            })
            .await?;
        rows.into_iter()
            .map(|(source, text)| {
                serde_json::from_str(&text).map_err(|error| {
                    CheckpointError::new(
                        "read",
                        format!(
                            "the checkpoint of `{source}` in PostgreSQL is not one ({error}): it \
                             was changed by hand; fix or reset it"
                        ),
                    )
                    .into()
                })
            })
            .collect()
    }

    /// Forgets `source`'s checkpoint (its next run starts from the beginning), unless a
    /// holder leases it now: that holder would commit over the reset. The row and its
    /// fencing token stay, so tokens keep growing and an old holder stays fenced. Whether
    /// there was a checkpoint.
    ///
    /// ```no_run
    /// # async fn demo(store: auditkit::collect::PostgresStore) -> Result<(), auditkit::Error> {
    /// store.reset("acme/qualtrics/logins").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Checkpoint`] when a holder leases `source` (stop the replicas or wait for
    /// the lease to end), or the server cannot be reached.
    pub async fn reset(&self, source: &str) -> Result<bool, Error> {
        if let Some(lease) = self.leases().await?.into_iter().find(|l| l.source() == source) {
            return Err(CheckpointError::new(
                "reset",
                format!(
                    "`{source}` is leased to `{}` until {}: it would commit over the reset; stop \
                     the replicas (or wait for the lease to end) and reset again",
                    lease.holder(),
                    lease.expires_at()
                ),
            )
            .into());
        }
        let statement = format!(
            "update {} set checkpoint = null, version = version + 1, updated_at = now()
             where tenant = $1 and source = $2 and checkpoint is not null
               and (lease_holder is null or lease_expires_at <= now())",
            self.inner.table
        );
        let changed = self
            .retrying("reset", |client| {
                let (statement, tenant, source) =
                    (statement.clone(), self.tenant.clone(), source.to_owned());
                async move { client.execute(&statement, &[&tenant, &source]).await }
            })
            .await?;
        Ok(changed > 0)
    }
}
