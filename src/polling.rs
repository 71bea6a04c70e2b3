//! Waiting for a job on the vendor's side: a stream of statuses that ends at a final one,
//! or at a deadline.
//!
//! Every `wait_for_*` builder is built on this: it is [`IntoFuture`]
//! for the final value and offers `.statuses()`, a [`Statuses`] stream of each status seen.
//! A deadline always applies (`max_wait`), polls back off with jitter, and one last poll
//! happens at the deadline before [`Error::WaitTimeout`] is returned with the last status.
//! Cancelling is dropping the future or the stream.

use std::{sync::Arc, time::Duration};

use futures::{StreamExt, future::BoxFuture};

use crate::{Error, Operation, Timer, error::WaitTimeout, timer::unit_random};

/// How long and how often a `wait_for_*` call polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PollSettings {
    pub(crate) max_wait: Duration,
    pub(crate) interval: Duration,
    pub(crate) max_interval: Duration,
}

impl Default for PollSettings {
    /// At most 10 minutes; the first wait about 1 s, growing by half each time up to 30 s.
    fn default() -> Self {
        Self {
            max_wait: Duration::from_secs(600),
            interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(30),
        }
    }
}

/// What a status means for the wait.
#[derive(Debug)]
pub(crate) enum Progress {
    /// Still running: poll again.
    Pending,
    /// Finished; the status is the result.
    Finished,
}

/// A vendor's description of one wait: how to read the status and what it means.
pub(crate) struct Waiter<T> {
    pub(crate) operation: Operation,
    pub(crate) timer: Arc<dyn Timer>,
    pub(crate) settings: PollSettings,
    pub(crate) fetch: Box<dyn FnMut() -> BoxFuture<'static, Result<T, Error>> + Send>,
    pub(crate) progress: fn(&T) -> Progress,
    /// The status as the vendor spells it, kept for [`Error::WaitTimeout`].
    pub(crate) describe: fn(&T) -> String,
}

impl<T: Send + 'static> Waiter<T> {
    /// Each status read, in order; ends after a final status, or with an error.
    pub(crate) fn statuses(self) -> Statuses<T> {
        let Waiter { operation, timer, settings, mut fetch, progress, describe } = self;
        let stream = async_stream::stream! {
            let started = timer.now();
            let deadline = started + settings.max_wait;
            let mut interval = settings.interval;
            let mut polls = 0;
            loop {
                polls += 1;
                let status = match fetch().await {
                    Ok(status) => status,
                    Err(error) => {
                        yield Err(error);
                        return;
                    }
                };
                let last_status = describe(&status);
                match progress(&status) {
                    Progress::Pending => yield Ok(status),
                    Progress::Finished => {
                        yield Ok(status);
                        return;
                    }
                }
                let now = timer.now();
                if now >= deadline {
                    yield Err(Error::WaitTimeout(Box::new(WaitTimeout {
                        operation,
                        waited: now.saturating_duration_since(started),
                        polls,
                        last_status: Some(last_status),
                    })));
                    return;
                }
                // Equal jitter keeps polls of many waiters apart without ever polling at once;
                // the last wait is cut short so one poll happens right at the deadline.
                let jittered = interval.mul_f64(0.5 + unit_random() / 2.0);
                timer.sleep(jittered.min(deadline.saturating_duration_since(now))).await;
                interval = interval.mul_f64(1.5).min(settings.max_interval);
            }
        };
        Statuses::new(stream)
    }

    /// The final status, or the error that ended the wait.
    pub(crate) fn wait(self) -> BoxFuture<'static, Result<T, Error>> {
        let operation = self.operation;
        let mut statuses = self.statuses();
        Box::pin(async move {
            let mut last = None;
            while let Some(item) = statuses.next().await {
                last = Some(item?);
            }
            // The stream always yields at least once; this only guards the impossible.
            last.ok_or_else(|| {
                Error::WaitTimeout(Box::new(WaitTimeout {
                    operation,
                    waited: Duration::ZERO,
                    polls: 0,
                    last_status: None,
                }))
            })
        })
    }
}

boxed_stream! {
    /// Each status a `wait_for_*` call reads, as a [`Stream`](futures::Stream). Ends after the final status;
    /// an error (including [`Error::WaitTimeout`]) is the last item.
    ///
    /// `Send + Unpin + 'static`, so it can be moved into a task and used with `try_next()`.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    ///
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let mut statuses = client.energycap().wait_for_distribution(42).statuses();
    /// while let Some(detail) = statuses.try_next().await? {
    ///     println!("{:?}", detail.log.status);
    /// }
    /// # Ok(()) }
    /// ```
    pub struct Statuses<T> yields Result<T, Error>;
}

#[cfg(test)]
mod tests {
    use std::sync::{
        Arc,
        atomic::{AtomicU32, Ordering},
    };

    use futures::{Stream, StreamExt, TryStreamExt, stream::FusedStream};

    use super::*;
    use crate::{Vendor, timer::VirtualTimer};

    const OP: Operation = Operation::new(Vendor::EnergyCap, "wait_for_test");

    /// A job that reports `pending` until the `finish_at`-th read, then `done`.
    fn waiter(
        timer: Arc<VirtualTimer>,
        finish_at: u32,
        max_wait: Duration,
    ) -> (Waiter<String>, Arc<AtomicU32>) {
        let reads = Arc::new(AtomicU32::new(0));
        let counter = reads.clone();
        let waiter = Waiter {
            operation: OP,
            timer,
            settings: PollSettings {
                max_wait,
                interval: Duration::from_secs(1),
                max_interval: Duration::from_secs(4),
            },
            fetch: Box::new(move || {
                let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                let status = if n < finish_at { "pending" } else { "done" };
                Box::pin(std::future::ready(Ok(status.to_owned())))
            }),
            progress: |s| if s == "pending" { Progress::Pending } else { Progress::Finished },
            describe: |s| s.clone(),
        };
        (waiter, reads)
    }

    #[tokio::test]
    async fn statuses_stream_every_read_and_end_at_the_final_one() {
        let timer = Arc::new(VirtualTimer::new());
        let (waiter, reads) = waiter(timer, 3, Duration::from_secs(60));
        let seen: Vec<String> = waiter.statuses().try_collect().await.unwrap();
        assert_eq!(seen, ["pending", "pending", "done"]);
        assert_eq!(reads.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn wait_returns_the_final_status_after_jittered_growing_sleeps() {
        let timer = Arc::new(VirtualTimer::new());
        let (waiter, _) = waiter(timer.clone(), 5, Duration::from_secs(600));
        assert_eq!(waiter.wait().await.unwrap(), "done");
        let sleeps = timer.sleeps();
        assert_eq!(sleeps.len(), 4);
        // Equal jitter: each wait is between half and all of 1 s, 1.5 s, 2.25 s, 3.375 s.
        for (sleep, ceiling) in sleeps.iter().zip([1.0, 1.5, 2.25, 3.375]) {
            let secs = sleep.as_secs_f64();
            assert!(secs >= ceiling / 2.0 - 1e-9 && secs <= ceiling + 1e-9, "{secs} vs {ceiling}");
        }
    }

    #[tokio::test]
    async fn deadline_gives_wait_timeout_with_the_last_status_after_a_poll_at_the_deadline() {
        let timer = Arc::new(VirtualTimer::new());
        let (waiter, reads) = waiter(timer.clone(), u32::MAX, Duration::from_secs(10));
        let error = waiter.wait().await.unwrap_err();
        let Error::WaitTimeout(timeout) = &error else { panic!("{error:?}") };
        assert_eq!(timeout.last_status(), Some("pending"));
        assert_eq!(timeout.polls(), reads.load(Ordering::SeqCst));
        assert_eq!(timeout.waited(), Duration::from_secs(10));
        assert_eq!(
            timer.elapsed(),
            Duration::from_secs(10),
            "the last poll happens at the deadline"
        );
        assert!(error.to_string().contains("max_wait"), "{error}");
    }

    #[tokio::test]
    async fn a_fetch_error_ends_the_stream_and_the_stream_stays_fused() {
        let mut statuses = Waiter::<String> {
            operation: OP,
            timer: Arc::new(VirtualTimer::new()),
            settings: PollSettings::default(),
            fetch: Box::new(|| Box::pin(std::future::ready(Err(Error::config("unreachable"))))),
            progress: |_| Progress::Pending,
            describe: |s| s.clone(),
        }
        .statuses();
        assert!(statuses.next().await.unwrap().is_err());
        assert!(statuses.next().await.is_none());
        assert!(statuses.is_terminated());
    }

    #[test]
    fn statuses_are_send_unpin_and_static() {
        fn assert_stream<S: Stream + Send + Unpin + 'static>() {}
        assert_stream::<Statuses<String>>();
    }
}
