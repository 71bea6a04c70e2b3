//! The polls of a wait, as a stream: each status read until a final one, the deadline, or
//! an error that is not transient.

use super::{
    JobStatus, Progress, Wait,
    wait::{MIN_POLL_PAUSE, job_failed},
};
use crate::{
    Error,
    error::{WaitTimeout, excerpt},
    timer::saturating_add,
};

boxed_stream! {
    /// Each status a `wait_for_*` call reads, as a [`Stream`](futures::Stream). Ends after
    /// the final status; an error ([`Error::WaitTimeout`], [`Error::JobFailed`] or a failed
    /// poll) is the last item.
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

impl<S: JobStatus> Wait<S> {
    /// Each status read, in order; ends after the final one, or with an error.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let mut polls = client.energycap().wait_for_distribution(1001).statuses();
    /// while let Some(detail) = polls.try_next().await? {
    ///     println!("{:?}", detail.log.status);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn statuses(self) -> Statuses<S> {
        let Wait { operation, slot, poll, max_wait, backoff } = self;
        let stream = async_stream::stream! {
            let endpoint = match slot.get() {
                Ok(endpoint) => endpoint,
                Err(error) => {
                    yield Err(error);
                    return;
                }
            };
            let (timer, jitter) = (endpoint.timer(), endpoint.jitter());
            let started = timer.now();
            let deadline = saturating_add(started, max_wait);
            let (mut polls, mut last_status) = (0u32, None::<String>);
            // When the last status was first read, to say how long a job sat in it.
            let mut last_status_since = started;
            loop {
                polls = polls.saturating_add(1);
                let now = match poll().await {
                    Ok(status) => match status.progress() {
                        Progress::Running => {
                            let text = excerpt(status.status_text().as_bytes());
                            if last_status.as_deref() != Some(text.as_str()) {
                                last_status_since = timer.now();
                            }
                            last_status = Some(text);
                            yield Ok(status);
                            timer.now()
                        }
                        Progress::Succeeded => {
                            yield Ok(status);
                            return;
                        }
                        Progress::Failed { message } => {
                            yield Err(job_failed(operation, message, status));
                            return;
                        }
                    },
                    Err(error) => {
                        let now = timer.now();
                        if !error.is_retryable() || now >= deadline {
                            yield Err(error);
                            return;
                        }
                        tracing::warn!(%error, "a poll failed; polling on until the deadline");
                        now
                    }
                };
                if now >= deadline {
                    yield Err(Error::WaitTimeout(Box::new(WaitTimeout {
                        operation,
                        waited: now.saturating_duration_since(started),
                        polls,
                        last_status,
                        last_status_for: now.saturating_duration_since(last_status_since),
                    })));
                    return;
                }
                let pause = backoff.delay(polls, jitter.sample()).max(MIN_POLL_PAUSE);
                timer.sleep(pause.min(deadline.saturating_duration_since(now))).await;
            }
        };
        Statuses::new(stream)
    }
}
