//! The servers' clock: a source's "now" is the vendor's (from its answers' `Date` header)
//! when the local clock is off by more than a tolerance, so a clock that runs fast or slow
//! neither hides new events nor moves a checkpoint into the future.

use std::{
    collections::BTreeMap,
    fmt,
    sync::{
        Arc, Mutex,
        atomic::{AtomicI64, Ordering},
    },
    time::Duration,
};

use auditkit::{Client, Timer, Vendor};
use chrono::{DateTime, TimeDelta, Utc};
use futures::future::BoxFuture;

use super::args::VendorArg;

/// How far the local clock may be from a server's before the server's is used: `Date` has
/// whole seconds and answers take time to arrive, so a few seconds mean nothing.
pub(crate) const TOLERANCE: TimeDelta = TimeDelta::seconds(30);

/// A timer whose wall clock follows the vendor's when the local one is off.
pub(crate) struct ServerClock {
    local: Arc<dyn Timer>,
    client: Client,
    vendor: Vendor,
    tenant: String,
    /// The offset last warned about, in seconds (`i64::MIN`: none yet), shared by the
    /// sources of one tenant and vendor: the warning comes once, and again only when the
    /// offset changes by more than the tolerance.
    warned: Arc<AtomicI64>,
}

/// The warning state of each tenant and vendor.
static WARNED: Mutex<BTreeMap<(String, String), Arc<AtomicI64>>> = Mutex::new(BTreeMap::new());

impl ServerClock {
    pub(crate) fn new(local: Arc<dyn Timer>, client: Client, tenant: &str, vendor: Vendor) -> Self {
        let mut warned = WARNED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let key = (tenant.to_owned(), vendor.to_string());
        let warned =
            Arc::clone(warned.entry(key).or_insert_with(|| Arc::new(AtomicI64::new(i64::MIN))));
        Self { local, client, vendor, tenant: tenant.to_owned(), warned }
    }

    /// The server's clock minus the local one, when beyond the tolerance.
    pub(crate) fn skew(&self) -> Option<TimeDelta> {
        let offset = self.client.traffic(self.vendor).server_clock_offset?;
        (offset.abs() > TOLERANCE).then_some(offset)
    }
}

impl fmt::Debug for ServerClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerClock").field("vendor", &self.vendor).finish_non_exhaustive()
    }
}

impl Timer for ServerClock {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self.local.sleep(duration)
    }

    fn now(&self) -> tokio::time::Instant {
        self.local.now()
    }

    fn wall_clock(&self) -> DateTime<Utc> {
        let local = self.local.wall_clock();
        let Some(offset) = self.skew() else { return local };
        let seconds = offset.num_seconds();
        let last = self.warned.load(Ordering::Relaxed);
        let changed = last == i64::MIN || (seconds - last).abs() > TOLERANCE.num_seconds();
        if changed
            && self
                .warned
                .compare_exchange(last, seconds, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            let direction = if seconds > 0 { "behind" } else { "ahead of" };
            tracing::warn!(
                tenant = %self.tenant,
                vendor = %self.vendor,
                offset_seconds = seconds,
                "the local clock is {} {direction} the server's (its Date header), more than \
                 {}s: the collector uses the server's time for its windows and checkpoints; \
                 fix the local clock (NTP)",
                humanize(offset.abs()),
                TOLERANCE.num_seconds()
            );
        }
        local + offset
    }
}

/// Asks each client's vendors for the time before anything runs, so even a process's first
/// run (an `export` from cron) windows and checkpoints by the servers' clocks. A server
/// that does not answer within a few seconds is left to the first real answer.
pub(crate) async fn probe(clients: impl IntoIterator<Item = (Client, VendorArg)>) {
    let probes = clients.into_iter().map(|(client, vendor)| async move {
        let vendor = vendor.vendor();
        let probed = tokio::time::timeout(PROBE_TIMEOUT, client.probe_server_clock(vendor)).await;
        match probed {
            Ok(Ok(_)) => {}
            Ok(Err(error)) => tracing::debug!(%vendor, "no clock probe: {error}"),
            Err(_) => tracing::debug!(%vendor, "no clock probe: no answer in {PROBE_TIMEOUT:?}"),
        }
    });
    futures::future::join_all(probes).await;
}

/// How long the probe before the first run waits for an answer.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// `2d 3h`, `5m 2s`: the two largest units.
fn humanize(delta: TimeDelta) -> String {
    let seconds = delta.num_seconds();
    let units = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)];
    let parts: Vec<String> = units
        .iter()
        .scan(seconds, |left, (name, size)| {
            let count = *left / size;
            *left -= count * size;
            Some((count, *name))
        })
        .filter(|(count, _)| *count > 0)
        .take(2)
        .map(|(count, name)| format!("{count}{name}"))
        .collect();
    if parts.is_empty() { "0s".into() } else { parts.join(" ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_read_as_the_two_largest_units() {
        assert_eq!(humanize(TimeDelta::seconds(2 * 86_400 + 3 * 3_600 + 7)), "2d 3h");
        assert_eq!(humanize(TimeDelta::seconds(302)), "5m 2s");
        assert_eq!(humanize(TimeDelta::zero()), "0s");
    }
}
