//! The one wait: polls a job until it is over, with a deadline, backoff and jitter.

use std::{fmt, future::IntoFuture, sync::Arc, time::Duration};

use futures::{StreamExt, future::BoxFuture};

use super::{JobStatus, Progress, Statuses};
use crate::{
    Error, Operation,
    error::{JobFailed, WaitTimeout},
    retry::{Backoff, Spread},
    timer::saturating_add,
    transport::{EndpointSlot, excerpt},
};

/// The shortest pause between polls, whatever `poll_interval` says: a server is not to be
/// asked hundreds of times a second.
pub(crate) const MIN_POLL_PAUSE: Duration = Duration::from_millis(100);

/// Reads the job's status once.
type Poll<S> = Arc<dyn Fn() -> BoxFuture<'static, Result<S, Error>> + Send + Sync>;

/// Waits until a job on the vendor's side is over. Await it for the final status, or call
/// [`statuses`](Self::statuses) to see every poll. Created by the SDK's `wait_for_*`
/// methods, such as
/// [`energycap::Service::wait_for_distribution`](crate::energycap::Service::wait_for_distribution).
///
/// A deadline always applies: 10 minutes unless [`max_wait`](Self::max_wait) says
/// otherwise. The pause between polls starts at [`poll_interval`](Self::poll_interval) (1 s
/// by default) and grows by half each poll up to 30 s, each pause spread by jitter between
/// half and all of it; the last pause is cut short so that one poll happens right at the
/// deadline.
///
/// ```no_run
/// use std::time::Duration;
///
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// let done = client
///     .energycap()
///     .wait_for_distribution(1001)
///     .max_wait(Duration::from_secs(300))
///     .poll_interval(Duration::from_secs(5))
///     .await?;
/// # Ok(()) }
/// ```
///
/// # Errors
/// [`Error::WaitTimeout`] at the deadline, with the last status; [`Error::JobFailed`] when
/// the vendor reports the job failed; the error of a poll that failed for good (a 404, a
/// refused credential). A poll that fails transiently ([`Error::is_retryable`]) is logged
/// and the wait goes on.
#[must_use = "a wait does nothing until it is awaited or `.statuses()` is polled"]
pub struct Wait<S> {
    operation: Operation,
    slot: EndpointSlot,
    poll: Poll<S>,
    max_wait: Duration,
    backoff: Backoff,
}

impl<S> Clone for Wait<S> {
    fn clone(&self) -> Self {
        Self {
            operation: self.operation,
            slot: self.slot.clone(),
            poll: Arc::clone(&self.poll),
            max_wait: self.max_wait,
            backoff: self.backoff,
        }
    }
}

impl<S> fmt::Debug for Wait<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("operation", &self.operation)
            .field("max_wait", &self.max_wait)
            .field("poll_interval", &self.backoff.initial)
            .finish_non_exhaustive()
    }
}

impl<S> Wait<S> {
    /// A wait for `operation` that reads the status with `poll`, on the clock of `slot`'s
    /// client.
    pub(crate) fn new(
        operation: Operation,
        slot: EndpointSlot,
        poll: impl Fn() -> BoxFuture<'static, Result<S, Error>> + Send + Sync + 'static,
    ) -> Self {
        Self {
            operation,
            slot,
            poll: Arc::new(poll),
            max_wait: Duration::from_secs(600),
            backoff: Backoff {
                initial: Duration::from_secs(1),
                max: Duration::from_secs(30),
                factor: 1.5,
                spread: Spread::Equal,
            },
        }
    }

    /// The longest to wait before [`Error::WaitTimeout`]. Default 10 minutes;
    /// `Duration::MAX` waits as long as the job runs.
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// The first pause between polls (it grows by half each poll, up to 30 s or this
    /// interval if longer). Default 1 s; no pause is shorter than 100 ms.
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.backoff.initial = interval;
        self.backoff.max = self.backoff.max.max(interval);
        self
    }
}

/// The error of a job that failed: the vendor's words cut short, as in any error (the
/// whole status stays in [`JobFailed::status`]).
pub(crate) fn job_failed<S: JobStatus>(
    operation: Operation,
    message: Option<String>,
    status: S,
) -> Error {
    Error::JobFailed(Box::new(JobFailed {
        operation,
        message: message.map(|message| excerpt(message.as_bytes())),
        last_status: excerpt(status.status_text().as_bytes()),
        status: Box::new(status),
    }))
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
            let (mut polls, mut last_status) = (0u32, None);
            loop {
                polls = polls.saturating_add(1);
                let now = match poll().await {
                    Ok(status) => match status.progress() {
                        Progress::Running => {
                            last_status = Some(excerpt(status.status_text().as_bytes()));
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

impl<S: JobStatus> IntoFuture for Wait<S> {
    type Output = Result<S, Error>;
    type IntoFuture = BoxFuture<'static, Result<S, Error>>;

    /// The final status, or the error that ended the wait.
    fn into_future(self) -> Self::IntoFuture {
        let operation = self.operation;
        let mut statuses = self.statuses();
        Box::pin(async move {
            let mut last = None;
            while let Some(item) = statuses.next().await {
                last = Some(item?);
            }
            // The stream always ends with a final status or an error; this guards the
            // impossible without a panic.
            last.ok_or_else(|| Error::invalid_input(operation, "the wait ended without a status"))
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{
        Mutex,
        atomic::{AtomicU32, Ordering},
    };

    use futures::{Stream, TryStreamExt, stream::FusedStream};
    use reqwest::StatusCode;

    use super::*;
    use crate::{Jitter, Vendor, error::ApiError, timer::VirtualTimer};

    const OP: Operation = Operation::new(Vendor::EnergyCap, "wait_for_test");

    #[derive(Debug, PartialEq)]
    struct Job(&'static str);

    impl JobStatus for Job {
        fn progress(&self) -> Progress {
            match self.0 {
                "pending" => Progress::Running,
                "failed" => Progress::Failed { message: Some("disk full".into()) },
                _ => Progress::Succeeded,
            }
        }
        fn status_text(&self) -> String {
            self.0.to_owned()
        }
    }

    #[test]
    fn a_job_that_failed_with_a_long_message_makes_a_short_error() {
        // Regression (found by the fuzz properties): a report's `metadata.error` or an
        // unknown status went whole into the error text.
        struct Verbose;
        impl JobStatus for Verbose {
            fn progress(&self) -> Progress {
                Progress::Failed { message: Some("m".repeat(10_000)) }
            }
            fn status_text(&self) -> String {
                "s".repeat(10_000)
            }
        }
        let Progress::Failed { message } = Verbose.progress() else { unreachable!() };
        let error = job_failed(OP, message, Verbose);
        assert!(error.to_string().len() < 1_000, "{error}");
        let Error::JobFailed(failed) = &error else { panic!("{error:?}") };
        assert!(failed.message().is_some_and(|m| m.starts_with("mmm") && m.ends_with('…')));
        assert!(failed.status::<Verbose>().is_some(), "the whole status stays");
    }

    /// A wait whose polls answer from `script` in order, then `done`; the poll count is
    /// returned alongside.
    fn wait(
        timer: &Arc<VirtualTimer>,
        jitter: Jitter,
        script: Vec<Result<&'static str, u16>>,
    ) -> (Wait<Job>, Arc<AtomicU32>) {
        let reads = Arc::new(AtomicU32::new(0));
        let counter = Arc::clone(&reads);
        let script = Arc::new(Mutex::new(script.into_iter()));
        let slot = EndpointSlot::for_tests(timer.clone(), jitter);
        let wait = Wait::new(OP, slot, move || {
            counter.fetch_add(1, Ordering::SeqCst);
            let next = script.lock().unwrap().next().unwrap_or(Ok("done"));
            Box::pin(std::future::ready(next.map(Job).map_err(api_error)))
        });
        (wait.max_wait(Duration::from_secs(600)).poll_interval(Duration::from_secs(1)), reads)
    }

    fn api_error(status: u16) -> Error {
        Error::Api(Box::new(ApiError {
            operation: OP,
            status: StatusCode::from_u16(status).unwrap(),
            code: None,
            message: None,
            request_id: None,
            retry_after: None,
            attempts: 4,
            path: None,
            next_step: None,
        }))
    }

    fn pending(n: usize) -> Vec<Result<&'static str, u16>> {
        vec![Ok("pending"); n]
    }

    #[tokio::test]
    async fn statuses_stream_every_read_and_end_at_the_final_one() {
        let timer = Arc::new(VirtualTimer::new());
        let (job, reads) = wait(&timer, Jitter::random(), pending(2));
        let seen: Vec<Job> = job.statuses().try_collect().await.unwrap();
        assert_eq!(seen, [Job("pending"), Job("pending"), Job("done")]);
        assert_eq!(reads.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn with_an_injected_jitter_the_pauses_are_exact_and_grow_by_half() {
        for (jitter, expected) in
            [(0.0, [0.5, 0.75, 1.125, 1.6875, 2.0]), (1.0, [1.0, 1.5, 2.25, 3.375, 4.0])]
        {
            let timer = Arc::new(VirtualTimer::new());
            let (job, _) = wait(&timer, Jitter::fixed(jitter), pending(5));
            let job =
                Wait { backoff: Backoff { max: Duration::from_secs(4), ..job.backoff }, ..job };
            assert_eq!(job.await.unwrap(), Job("done"));
            let expected: Vec<Duration> = expected.map(Duration::from_secs_f64).to_vec();
            assert_eq!(timer.sleeps(), expected, "jitter {jitter}");
        }
    }

    #[tokio::test]
    async fn the_deadline_gives_wait_timeout_with_the_last_status_after_a_poll_at_the_deadline() {
        let timer = Arc::new(VirtualTimer::new());
        let (job, reads) = wait(&timer, Jitter::random(), pending(10_000));
        let error = job.max_wait(Duration::from_secs(10)).await.unwrap_err();
        let Error::WaitTimeout(timeout) = &error else { panic!("{error:?}") };
        assert_eq!(timeout.last_status(), Some("pending"));
        assert_eq!(timeout.polls(), reads.load(Ordering::SeqCst));
        assert_eq!(timeout.waited(), Duration::from_secs(10));
        assert_eq!(timer.elapsed(), Duration::from_secs(10), "the last poll is at the deadline");
        assert!(error.to_string().contains("max_wait"), "{error}");
    }

    #[tokio::test]
    async fn a_failed_job_ends_the_wait_with_its_message_and_last_status() {
        let timer = Arc::new(VirtualTimer::new());
        let (job, _) = wait(&timer, Jitter::random(), vec![Ok("pending"), Ok("failed")]);
        let mut statuses = job.statuses();
        assert_eq!(statuses.try_next().await.unwrap(), Some(Job("pending")));
        let error = statuses.try_next().await.unwrap_err();
        let Error::JobFailed(failed) = &error else { panic!("{error:?}") };
        assert_eq!(failed.message(), Some("disk full"));
        assert_eq!(failed.last_status(), "failed");
        assert_eq!(failed.status::<Job>(), Some(&Job("failed")));
        assert_eq!(failed.status::<String>(), None);
        assert!(error.to_string().contains("disk full"), "{error}");
        assert!(statuses.next().await.is_none());
        assert!(statuses.is_terminated());
    }

    #[tokio::test]
    async fn a_503_during_a_wait_does_not_end_it_but_a_404_does() {
        let timer = Arc::new(VirtualTimer::new());
        let (flaky, reads) =
            wait(&timer, Jitter::random(), vec![Ok("pending"), Err(503), Ok("pending")]);
        assert_eq!(flaky.await.unwrap(), Job("done"));
        assert_eq!(reads.load(Ordering::SeqCst), 4);

        let (gone, reads) = wait(&timer, Jitter::random(), vec![Ok("pending"), Err(404)]);
        let error = gone.await.unwrap_err();
        assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(reads.load(Ordering::SeqCst), 2);
    }

    /// Regression: `poll_interval(ZERO)` polled 598 times a second.
    #[tokio::test]
    async fn a_zero_poll_interval_still_pauses_the_floor_between_polls() {
        let timer = Arc::new(VirtualTimer::new());
        let (job, reads) = wait(&timer, Jitter::fixed(0.0), pending(4));
        assert_eq!(job.poll_interval(Duration::ZERO).await.unwrap(), Job("done"));
        assert_eq!(reads.load(Ordering::SeqCst), 5);
        assert_eq!(timer.sleeps(), [MIN_POLL_PAUSE; 4]);
    }

    #[tokio::test]
    async fn extreme_durations_mean_as_long_as_possible_and_never_panic() {
        let timer = Arc::new(VirtualTimer::new());
        let (long, _) = wait(&timer, Jitter::fixed(1.0), pending(3));
        assert_eq!(long.max_wait(Duration::MAX).await.unwrap(), Job("done"));

        // One pause as long as the deadline allows, then the poll at the deadline.
        let timer = Arc::new(VirtualTimer::new());
        let (slow, reads) = wait(&timer, Jitter::fixed(1.0), pending(3));
        let error = slow.max_wait(Duration::from_secs(60)).poll_interval(Duration::MAX).await;
        assert!(matches!(error, Err(Error::WaitTimeout(_))), "{error:?}");
        assert_eq!(timer.sleeps(), [Duration::from_secs(60)]);
        assert_eq!(reads.load(Ordering::SeqCst), 2);

        let timer = Arc::new(VirtualTimer::new());
        let (endless, _) = wait(&timer, Jitter::fixed(1.0), pending(3));
        let error = endless.max_wait(Duration::MAX).poll_interval(Duration::MAX).await;
        assert!(matches!(error, Err(Error::WaitTimeout(_))), "{error:?}");
    }

    #[tokio::test]
    async fn an_unconfigured_vendor_fails_the_wait_before_any_poll() {
        let (wait, reads) = {
            let reads = Arc::new(AtomicU32::new(0));
            let counter = Arc::clone(&reads);
            let slot = EndpointSlot::new(Vendor::Reporter, None);
            let wait = Wait::new(OP, slot, move || {
                counter.fetch_add(1, Ordering::SeqCst);
                Box::pin(std::future::ready(Ok(Job("done"))))
            });
            (wait, reads)
        };
        assert!(matches!(wait.await, Err(Error::NotConfigured(Vendor::Reporter))));
        assert_eq!(reads.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn statuses_are_send_unpin_and_static() {
        fn assert_stream<S: Stream + Send + Unpin + 'static>() {}
        assert_stream::<Statuses<Job>>();
    }
}
