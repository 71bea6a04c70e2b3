//! `collect --store postgres://…`: replicas of one config share its sources through
//! PostgreSQL. Each source is collected under a lease (one replica at a time, commits
//! fenced by its token); each replica takes at most its share of the sources, the sources
//! over the live replicas rounded up, plus any that nobody has held for two rounds.
//!
//! A replica is live while its own row (`~replica <name>`) is leased: it renews it every
//! round (a third of the shorter of the shortest interval and a third of the lease time). A
//! dead replica's leases expire, and the others take its sources within two rounds: within
//! one lease time and one interval of its death. On SIGTERM or Ctrl-C each job finishes its batch in hand, then every lease of
//! the replica is released in one statement, so the others take over at once.

use std::{collections::BTreeSet, sync::Arc, time::Duration};

use auditkit::{
    CheckpointErrorKind, Error,
    collect::{Acquired, LeasedStore, PostgresStore},
};
use tokio::sync::{mpsc, watch};

use super::{
    failure::Failure,
    job::{Backing, Job},
    leased_job::{Ended, LeasedJob, Order},
    pipeline::Shared,
    sharing::{Plan, REPLICA_ROW, Source},
};

/// A replica: its store, its name (its lease holder) and the lease time.
#[derive(Debug, Clone)]
pub(crate) struct Fleet {
    pub(crate) store: PostgresStore,
    pub(crate) name: String,
    pub(crate) lease: Duration,
}

/// Runs `jobs` as one replica of `fleet` until shut down.
pub(crate) async fn run(jobs: Vec<Job>, shared: Arc<Shared>, fleet: Fleet) -> Result<(), Failure> {
    let mut sources = Vec::new();
    let mut seen = BTreeSet::new();
    for (job, entry) in jobs.iter().enumerate() {
        for (index, origin) in entry.origins().into_iter().enumerate() {
            if !seen.insert(origin.checkpoint.clone()) {
                return Err(Failure::Usage(format!(
                    "{} is collected by two sources of the config, and --store keeps one \
                     checkpoint per source id: give each its own tenant or streams",
                    origin.checkpoint
                )));
            }
            sources.push(Source { job, index, id: origin.checkpoint });
        }
    }
    fleet.store.init().await?;
    let mut heartbeat =
        match fleet.store.acquire(&row(&fleet.name), &fleet.name, fleet.lease).await? {
            Acquired::Granted(lease) => lease,
            Acquired::Held { holder, until } => {
                return Err(Failure::Busy(format!(
                    "the replica row of {} is held by {holder} until {until}",
                    fleet.name
                )));
            }
        };
    let round = jobs
        .iter()
        .map(|job| job.interval)
        .min()
        .unwrap_or(Duration::from_secs(60))
        .min(fleet.lease / 3)
        // Two rounds at most between a lease's expiry and its takeover: within two thirds
        // of an interval, the rest left to a loaded machine.
        / 3;
    let round = round.max(Duration::from_millis(100));
    tracing::info!(replica = %fleet.name, sources = sources.len(), lease = ?fleet.lease, ?round, "replica started");
    let (stop, stopped) = watch::channel(false);
    let (ended, mut ended_here) = mpsc::unbounded_channel::<Ended>();
    let mut orders = Vec::new();
    let mut tasks = Vec::new();
    for (index, job) in jobs.into_iter().enumerate() {
        let (order, orders_here) = mpsc::unbounded_channel();
        orders.push(order);
        let leased = LeasedJob {
            index,
            job,
            backing: Backing::Leased {
                store: fleet.store.clone(),
                holder: fleet.name.clone(),
                lease: fleet.lease,
            },
            store: Arc::new(fleet.store.clone()),
            orders: orders_here,
            ended: ended.clone(),
            stop: stopped.clone(),
        };
        tasks.push(tokio::spawn(leased.run(Arc::clone(&shared))));
    }
    let mut shutdown = shared.shutdown.clone();
    let mut plan = Plan::new(&fleet.name);
    let outcome = loop {
        while let Ok((job, index)) = ended_here.try_recv() {
            plan.mine.retain(|&n| (sources[n].job, sources[n].index) != (job, index));
        }
        match fleet.store.renew(&heartbeat, fleet.lease).await {
            Ok(renewed) => heartbeat = renewed,
            Err(Error::Checkpoint(error)) if error.kind() == CheckpointErrorKind::Fenced => {
                break Err(Failure::Busy(format!(
                    "another process took the replica name {}: this one stops (give each \
                     replica its own --replica)",
                    fleet.name
                )));
            }
            Err(error) => tracing::warn!(%error, "cannot renew this replica's row; trying again"),
        }
        match fleet.store.leases().await {
            Ok(leases) => {
                for (n, start) in plan.round(&sources, &leases) {
                    let order = if start {
                        Order::Start(sources[n].index)
                    } else {
                        Order::Stop(sources[n].index)
                    };
                    let _ = orders[sources[n].job].send(order);
                }
            }
            Err(error) => {
                tracing::warn!(%error, "cannot read the leases; sharing again next round")
            }
        }
        tokio::select! {
            _ = shutdown.changed() => break Ok(()),
            _ = tokio::time::sleep(round) => {}
        }
    };
    let _ = stop.send(true);
    let mut failures = Vec::new();
    for task in tasks {
        match task.await {
            Ok(Ok(())) => {}
            Ok(Err(failure)) => failures.push(failure),
            Err(join) => failures.push(Failure::Io(format!("a job stopped: {join}"))),
        }
    }
    match fleet.store.release_all(&fleet.name).await {
        Ok(released) => tracing::info!(released, replica = %fleet.name, "leases released"),
        Err(error) => {
            tracing::warn!(%error, "cannot release the leases: the other replicas take the sources when they expire")
        }
    }
    outcome?;
    match failures.into_iter().next() {
        Some(failure) => Err(failure),
        None => Ok(()),
    }
}

fn row(name: &str) -> String {
    format!("{REPLICA_ROW}{name}")
}
