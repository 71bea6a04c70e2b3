//! Turns: how many collectors list at once, when many share one process.

use std::{fmt, sync::Arc};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// A number of turns shared by collectors: a run takes a turn before it loads its
/// checkpoint and gives it back when it ends, so that no more than
/// [`at_once`](Self::at_once) runs list, decode and hold their keys at the same time.
///
/// Without turns, a process that follows a hundred sources holds a hundred checkpoints'
/// keys and a hundred pages in memory whenever their intervals line up; with four turns,
/// four (the `auditkit` command's default, `--sources-at-once`). A run waiting for its turn
/// has nothing loaded yet. Clones share the same turns.
///
/// Streams that share turns must be read by tasks of their own, or polled together (with
/// `futures::stream::select_all`, as the `auditkit` command reads a job's sources): a task
/// that stops reading one stream partway through a run to wait on another alone could wait
/// for the turn the first still holds.
///
/// ```no_run
/// use std::time::Duration;
/// use auditkit::collect::{Collector, FileStore, Source, Turns};
/// use auditkit::qualtrics::{Logins, PasswordResets};
/// use futures::TryStreamExt;
///
/// async fn follow<S: Source>(collector: Collector<S>) -> Result<(), auditkit::Error> {
///     let mut batches = collector.follow(Duration::from_secs(60));
///     while let Some(batch) = batches.try_next().await? {
///         batch.commit().await?;
///     }
///     Ok(())
/// }
///
/// # async fn demo(client: auditkit::Client) {
/// // One run lists at a time; each collector is read by a task of its own.
/// let turns = Turns::new(1);
/// let logins = Collector::new(client.qualtrics().event_source::<Logins>())
///     .store(FileStore::new("logins.json"))
///     .turns(turns.clone());
/// let resets = Collector::new(client.qualtrics().event_source::<PasswordResets>())
///     .store(FileStore::new("resets.json"))
///     .turns(turns);
/// let logins = tokio::spawn(follow(logins));
/// let resets = tokio::spawn(follow(resets));
/// # let _ = (logins.await, resets.await);
/// # }
/// ```
#[derive(Clone)]
pub struct Turns {
    semaphore: Arc<Semaphore>,
    at_once: usize,
}

impl Turns {
    /// `at_once` turns (0 counts as 1: a collector always gets to run).
    pub fn new(at_once: usize) -> Self {
        let at_once = at_once.clamp(1, Semaphore::MAX_PERMITS);
        Self { semaphore: Arc::new(Semaphore::new(at_once)), at_once }
    }

    /// How many runs may list at the same time.
    pub fn at_once(&self) -> usize {
        self.at_once
    }

    /// Waits for a turn, held until the value returned is dropped. `None` only if the
    /// turns were closed, which nothing does: the run then goes without.
    pub(crate) async fn take(&self) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.semaphore).acquire_owned().await.ok()
    }
}

impl fmt::Debug for Turns {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Turns")
            .field("at_once", &self.at_once)
            .field("free", &self.semaphore.available_permits())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_turn_ends_when_dropped_and_no_more_than_at_once_are_held() {
        let turns = Turns::new(2);
        let first = turns.take().await.expect("a turn");
        let second = turns.clone().take().await.expect("a turn");
        let third = turns.take();
        tokio::pin!(third);
        assert!(futures::poll!(third.as_mut()).is_pending(), "a third turn while two are held");
        drop(first);
        let std::task::Poll::Ready(third) = futures::poll!(third.as_mut()) else {
            panic!("no turn after one was given back");
        };
        assert_eq!(format!("{turns:?}"), "Turns { at_once: 2, free: 0 }");
        drop((second, third));
        assert_eq!(format!("{turns:?}"), "Turns { at_once: 2, free: 2 }");
        assert_eq!(Turns::new(0).at_once(), 1);
    }
}
