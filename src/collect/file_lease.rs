//! [`FileStore`]'s leases: kept in its JSON file beside the checkpoints, read and changed
//! under the file's OS lock, so they hold between the processes of one machine.

use std::{sync::Arc, time::Duration};

use futures::future::BoxFuture;

use super::{
    Checkpoint, FileStore,
    lease::{Acquired, FencingToken, Lease, LeasedStore},
};
use crate::{Error, Timer};

impl FileStore {
    /// The clock of its leases' times (the system clock otherwise): the processes sharing
    /// the file share the machine's clock.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use auditkit::{collect::FileStore, testkit::VirtualTimer};
    ///
    /// let store = FileStore::new("checkpoints.json").timer(Arc::new(VirtualTimer::new()));
    /// ```
    #[must_use]
    pub fn timer(mut self, timer: Arc<dyn Timer>) -> Self {
        self.timer = timer;
        self
    }
}

impl LeasedStore for FileStore {
    fn acquire<'a>(
        &'a self,
        source: &'a str,
        holder: &'a str,
        duration: Duration,
    ) -> BoxFuture<'a, Result<Acquired, Error>> {
        let (source, holder) = (source.to_owned(), holder.to_owned());
        let timer = Arc::clone(&self.timer);
        Box::pin(self.change(move |file| {
            let record = file.leases.entry(source.clone()).or_default();
            record.acquire(&source, &holder, duration, timer.wall_clock())
        }))
    }

    fn renew<'a>(
        &'a self,
        lease: &'a Lease,
        duration: Duration,
    ) -> BoxFuture<'a, Result<Lease, Error>> {
        let owned = lease.clone();
        let timer = Arc::clone(&self.timer);
        Box::pin(async move {
            self.change(move |file| {
                let record = file.leases.entry(owned.source().to_owned()).or_default();
                record.renew(&owned, duration, timer.wall_clock())
            })
            .await?
            .map_err(Error::from)
        })
    }

    fn release<'a>(&'a self, lease: &'a Lease) -> BoxFuture<'a, Result<(), Error>> {
        let owned = lease.clone();
        Box::pin(self.change(move |file| {
            if let Some(record) = file.leases.get_mut(owned.source()) {
                record.release(&owned);
            }
        }))
    }

    fn commit<'a>(
        &'a self,
        checkpoint: &'a Checkpoint,
        token: FencingToken,
    ) -> BoxFuture<'a, Result<(), Error>> {
        let checkpoint = checkpoint.clone();
        Box::pin(async move {
            // Checked and saved under one OS lock: no other process moves the lease between.
            self.change(move |file| {
                let source = checkpoint.source().to_owned();
                let checked =
                    file.leases.entry(source.clone()).or_default().check(&source, token, "commit");
                if checked.is_ok() {
                    file.checkpoints.insert(source, checkpoint);
                }
                checked
            })
            .await?
            .map_err(Error::from)
        })
    }
}
