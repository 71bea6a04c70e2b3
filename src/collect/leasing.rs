//! A collector's side of a lease: taken before a run, renewed in the background at a third
//! of its time, carried by every commit, released at the end (or on drop).

use std::{
    fmt,
    sync::{Arc, Mutex},
    time::Duration,
};

use futures::future::BoxFuture;

use super::{
    Checkpoint, CheckpointStore,
    lease::{Acquired, Lease, LeasedStore},
};
use crate::{CheckpointError, CheckpointErrorKind, Error, Timer};

/// How a collector leases its source: set by
/// [`Collector::leased_store`](super::Collector::leased_store).
#[derive(Clone)]
pub(crate) struct Leasing {
    pub(crate) store: Arc<dyn LeasedStore>,
    pub(crate) holder: String,
    pub(crate) duration: Duration,
}

impl fmt::Debug for Leasing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Leasing")
            .field("store", &self.store)
            .field("holder", &self.holder)
            .field("duration", &self.duration)
            .finish()
    }
}

impl Leasing {
    /// Takes `source`'s lease and starts renewing it.
    ///
    /// # Errors
    /// [`CheckpointErrorKind::LeaseHeld`] when another holder has it; the store's errors.
    pub(crate) async fn take(&self, source: &str, timer: Arc<dyn Timer>) -> Result<Held, Error> {
        // The lease runs from the store's statement, at the latest when the answer comes:
        // count it from the asking, so this side never believes in it longer than the store.
        let asked = timer.now();
        let lease = match self.store.acquire(source, &self.holder, self.duration).await? {
            Acquired::Granted(lease) => lease,
            Acquired::Held { holder, until } => {
                return Err(CheckpointError::with_kind(
                    CheckpointErrorKind::LeaseHeld,
                    "acquire",
                    format!(
                        "`{source}` is leased to `{holder}` until {until}: another replica \
                         collects it; this one tries again later"
                    ),
                )
                .into());
            }
        };
        tracing::debug!(source, holder = %self.holder, token = %lease.token(), "lease taken");
        let shared = Arc::new(Shared {
            store: Arc::clone(&self.store),
            lease: Mutex::new(lease),
            lost: Mutex::new(None),
        });
        let renewer = tokio::spawn(renew(Arc::clone(&shared), self.duration, timer, asked));
        Ok(Held { shared, renewer, released: false })
    }
}

/// What the renewer and the commits share.
#[derive(Debug)]
struct Shared {
    store: Arc<dyn LeasedStore>,
    lease: Mutex<Lease>,
    /// Why the lease is lost, once it is.
    lost: Mutex<Option<String>>,
}

impl Shared {
    fn lease(&self) -> Lease {
        self.lease.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    fn lost(&self) -> Option<String> {
        self.lost.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    fn lose(&self, why: String) {
        tracing::warn!(source = %self.lease().source(), %why, "lease lost: the run stops");
        *self.lost.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(why);
    }

    fn check(&self) -> Result<(), Error> {
        match self.lost() {
            None => Ok(()),
            Some(why) => {
                Err(CheckpointError::with_kind(CheckpointErrorKind::Fenced, "commit", why).into())
            }
        }
    }
}

/// Renews every third of the lease time; gives the lease up when the store says a newer
/// one exists, or when no renewal succeeded for a whole lease time (it has expired then).
async fn renew(
    shared: Arc<Shared>,
    duration: Duration,
    timer: Arc<dyn Timer>,
    mut renewed_at: tokio::time::Instant,
) {
    let every = duration / 3;
    loop {
        timer.sleep(every).await;
        let lease = shared.lease();
        let asked = timer.now();
        match shared.store.renew(&lease, duration).await {
            Ok(renewed) => {
                renewed_at = asked;
                *shared.lease.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = renewed;
            }
            Err(Error::Checkpoint(error)) if error.kind() == CheckpointErrorKind::Fenced => {
                shared.lose(error.message().to_owned());
                return;
            }
            Err(error) if timer.now().duration_since(renewed_at) >= duration => {
                shared.lose(format!(
                    "the lease of `{}` could not be renewed for a whole lease time ({duration:?}) \
                     and may belong to another replica now: {error}",
                    lease.source()
                ));
                return;
            }
            Err(error) => {
                tracing::warn!(source = %lease.source(), %error, "lease renewal failed; retrying");
            }
        }
    }
}

/// A lease a run holds: renewed until released or dropped.
#[derive(Debug)]
pub(crate) struct Held {
    shared: Arc<Shared>,
    renewer: tokio::task::JoinHandle<()>,
    released: bool,
}

impl Held {
    /// Fails with [`CheckpointErrorKind::Fenced`] once the lease is lost.
    pub(crate) fn check(&self) -> Result<(), Error> {
        self.shared.check()
    }

    /// Whether the lease is lost (a new one is needed).
    pub(crate) fn is_lost(&self) -> bool {
        self.shared.lost().is_some()
    }

    /// The store batches commit to: the leased store's fenced commit, with this lease's
    /// token, refused at once when the lease is known to be lost.
    pub(crate) fn commits(&self) -> Arc<dyn CheckpointStore> {
        Arc::new(Fenced { shared: Arc::clone(&self.shared) })
    }

    /// Stops renewing and releases the lease now.
    pub(crate) async fn release(mut self) {
        self.renewer.abort();
        self.released = true;
        let lease = self.shared.lease();
        if let Err(error) = self.shared.store.release(&lease).await {
            tracing::warn!(source = %lease.source(), %error, "could not release the lease; it ends at its expiry");
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.renewer.abort();
        if self.released {
            return;
        }
        // Dropped mid-run (the stream was dropped): release without waiting. Outside a
        // runtime, the lease ends at its expiry.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let shared = Arc::clone(&self.shared);
            runtime.spawn(async move {
                let lease = shared.lease();
                let _ = shared.store.release(&lease).await;
            });
        }
    }
}

/// Commits through the lease: what a leased run's batches save to.
#[derive(Debug)]
struct Fenced {
    shared: Arc<Shared>,
}

impl CheckpointStore for Fenced {
    fn load<'a>(&'a self, source: &'a str) -> BoxFuture<'a, Result<Option<Checkpoint>, Error>> {
        self.shared.store.load(source)
    }

    fn save<'a>(&'a self, checkpoint: &'a Checkpoint) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            self.shared.check()?;
            let token = self.shared.lease().token();
            self.shared.store.commit(checkpoint, token).await
        })
    }
}
