//! The wait's behaviour, on a virtual clock: pauses, deadline, failures, transient polls.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicU32, Ordering},
    },
    time::Duration,
};

use futures::{Stream, StreamExt, TryStreamExt, stream::FusedStream};
use reqwest::StatusCode;

use super::{
    JobStatus, Progress, Statuses, Wait,
    wait::{MIN_POLL_PAUSE, job_failed},
};
use crate::{Error, Operation, retry::Backoff, transport::EndpointSlot};
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
        let job = Wait { backoff: Backoff { max: Duration::from_secs(4), ..job.backoff }, ..job };
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
