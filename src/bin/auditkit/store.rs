//! `--store postgres://…` (or the config's `store`): where it points, the replica's name,
//! and the `checkpoints` subcommand over it.

use std::path::Path;

use super::{args::StoreArgs, failure::Failure, job::Job, sinks::SinkSpec};

/// A PostgreSQL store as given.
#[derive(Debug, Clone)]
// Read only to open the store, which needs the `postgres` feature.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub(crate) struct StoreSpec {
    url: String,
    schema: Option<String>,
    without_tls: bool,
}

/// The store of the flags, else of the config; `None`: checkpoint files.
pub(crate) fn spec(args: &StoreArgs, config: Option<&Path>) -> Result<Option<StoreSpec>, Failure> {
    let (from_config, schema_in_config) = match config {
        Some(path) => {
            let top = super::config::top(path)?;
            (top.store, top.store_schema)
        }
        None => (None, None),
    };
    let given = args.url.clone().filter(|url| !url.is_empty());
    let in_config = given.is_none();
    let Some(url) = given.or(from_config) else {
        return Ok(None);
    };
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        if let Some(path) = config.filter(|_| in_config) {
            return Err(Failure::Usage(format!(
                "{}: `store`: give a PostgreSQL URL (postgres://user@host:port/database)",
                path.display()
            )));
        }
        return Err(Failure::Usage(
            "--store takes a PostgreSQL URL (postgres://user@host:port/database); without \
             it, checkpoints go to files (--checkpoint)"
                .into(),
        ));
    }
    let schema = args.store_schema.clone().or(schema_in_config);
    Ok(Some(StoreSpec { url, schema, without_tls: args.store_without_tls }))
}

/// `--replica`, else the host name (stable across a pod's or a machine's restarts).
pub(crate) fn replica_name(given: Option<&str>) -> Result<String, Failure> {
    let name = match given {
        Some(name) => name.trim().to_owned(),
        None => std::env::var("HOSTNAME")
            .ok()
            .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
            .map(|name| name.trim().to_owned())
            .unwrap_or_default(),
    };
    if name.is_empty() || name.contains(char::is_whitespace) {
        return Err(Failure::Usage(format!(
            "`{name}` cannot name a replica: give --replica NAME (no spaces), the same across \
             its restarts"
        )));
    }
    Ok(name)
}

/// `{replica}` in the jobs' output paths replaced by `name`: one file per replica.
pub(crate) fn per_replica(jobs: &mut [Job], name: &str) {
    for job in jobs {
        if let SinkSpec::File { path, .. } = &mut job.sink {
            let text = path.to_string_lossy();
            if text.contains("{replica}") {
                *path = text.replace("{replica}", name).into();
            }
        }
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use auditkit::collect::PostgresStore;

    use super::{Failure, StoreSpec};
    use crate::{args::CheckpointAction, progress::thousands, sharing::REPLICA_ROW};

    impl StoreSpec {
        /// The store, for `tenant`.
        pub(crate) fn open(&self, tenant: &str) -> Result<PostgresStore, Failure> {
            let store = if self.without_tls {
                PostgresStore::without_tls(&self.url)?
            } else {
                PostgresStore::new(&self.url)?
            };
            let store = match &self.schema {
                Some(schema) => store.schema(schema)?,
                None => store,
            };
            Ok(store.tenant(tenant))
        }
    }

    /// `auditkit checkpoints … --store`.
    pub(crate) async fn checkpoints(
        spec: &StoreSpec,
        tenant: &str,
        action: &CheckpointAction,
    ) -> Result<(), Failure> {
        let store = spec.open(tenant)?;
        store.init().await?;
        match action {
            CheckpointAction::Init => {
                eprintln!("auditkit: the store's table is ready");
            }
            CheckpointAction::List => {
                let leases = store.leases().await?;
                for checkpoint in store.checkpoints().await? {
                    let hwm = checkpoint
                        .high_water_mark()
                        .map_or_else(|| "no window yet".to_owned(), |hwm| hwm.to_rfc3339());
                    let leased = leases
                        .iter()
                        .find(|lease| lease.source() == checkpoint.source())
                        .map_or_else(
                            || "not leased".to_owned(),
                            |lease| {
                                format!(
                                    "leased to {} until {}",
                                    lease.holder(),
                                    lease.expires_at().to_rfc3339()
                                )
                            },
                        );
                    println!(
                        "{}\t{hwm}\t{} keys\t{leased}",
                        checkpoint.source(),
                        thousands(checkpoint.remembered_keys() as u64),
                    );
                }
                for lease in leases.iter().filter(|lease| lease.source().starts_with(REPLICA_ROW)) {
                    eprintln!(
                        "auditkit: replica {} live until {}",
                        lease.holder(),
                        lease.expires_at().to_rfc3339()
                    );
                }
            }
            CheckpointAction::Show { source } => {
                let checkpoint = store
                    .checkpoints()
                    .await?
                    .into_iter()
                    .find(|checkpoint| checkpoint.source() == source)
                    .ok_or_else(|| no_checkpoint(source))?;
                let json = serde_json::to_string_pretty(&checkpoint)
                    .map_err(|error| Failure::Io(error.to_string()))?;
                println!("{json}");
            }
            CheckpointAction::Reset { source, yes } => {
                if !yes {
                    return Err(Failure::Usage(format!(
                        "resetting {source} delivers again what it delivered before: add --yes"
                    )));
                }
                if !store.reset(source).await? {
                    return Err(no_checkpoint(source));
                }
                eprintln!("auditkit: {source} reset in the store");
            }
        }
        Ok(())
    }

    fn no_checkpoint(source: &str) -> Failure {
        Failure::Usage(format!("no checkpoint for {source}: see `auditkit checkpoints list`"))
    }
}

#[cfg(feature = "postgres")]
pub(crate) use postgres::checkpoints;

/// Without the `postgres` feature: how to get it.
#[cfg(not(feature = "postgres"))]
pub(crate) fn unavailable() -> Failure {
    Failure::Usage(
        "this auditkit was built without PostgreSQL: install it with `cargo install auditkit \
         --features cli,postgres` to use --store"
            .into(),
    )
}
