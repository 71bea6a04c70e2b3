//! The time limits of a streamed body: an idle timeout between reads, and the caller's
//! deadline for the whole call if one was set. A whole-request timeout would cut a large
//! file arriving slowly but steadily; an idle timeout cuts only a server that stalls.

use std::{
    pin::Pin,
    task::{Context, Poll},
    time::Duration,
};

use bytes::Bytes;
use futures::{Stream, stream::BoxStream};
use tokio::time::{Instant, Sleep};

use crate::{
    Error, Operation,
    error::{TransportError, TransportErrorKind},
};

/// `body`, ended with a [`Timeout`](TransportErrorKind::Timeout) error when no byte
/// arrives for `idle`, or when `deadline` passes.
pub(super) struct Bounded {
    body: BoxStream<'static, Result<Bytes, Error>>,
    operation: Operation,
    attempts: u32,
    idle: Duration,
    idle_timer: Pin<Box<Sleep>>,
    /// The caller's deadline, and a timer that fires when it passes.
    deadline: Option<(Pin<Box<Sleep>>, Deadline)>,
    done: bool,
}

impl Bounded {
    pub(super) fn new(
        body: BoxStream<'static, Result<Bytes, Error>>,
        operation: Operation,
        attempts: u32,
        idle: Duration,
        deadline: Option<Deadline>,
    ) -> Self {
        Self {
            body,
            operation,
            attempts,
            idle,
            idle_timer: Box::pin(tokio::time::sleep(idle)),
            deadline: deadline.map(|d| (Box::pin(tokio::time::sleep_until(d.at)), d)),
            done: false,
        }
    }

    fn timeout(&mut self, message: String) -> Poll<Option<Result<Bytes, Error>>> {
        self.done = true;
        Poll::Ready(Some(Err(Error::Transport(Box::new(TransportError {
            operation: self.operation,
            kind: TransportErrorKind::Timeout,
            message,
            attempts: self.attempts,
            source: None,
        })))))
    }
}

/// The caller's deadline for a whole streamed call: when it passes, and how long it was.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    pub(crate) at: Instant,
    pub(crate) given: Duration,
}

impl Deadline {
    /// The deadline `given` from `now`; `None` when it is too far to be represented.
    pub(crate) fn after(now: Instant, given: Duration) -> Option<Self> {
        Some(Self { at: now.checked_add(given)?, given })
    }

    /// The error for a call whose deadline passed.
    pub(crate) fn passed(&self, operation: Operation, attempts: u32) -> Error {
        Error::Transport(Box::new(TransportError {
            operation,
            kind: TransportErrorKind::Timeout,
            message: format!(
                "the deadline of {:?} the caller set for the whole call passed before the \
                 answer's body was complete; the request was not repeated",
                self.given
            ),
            attempts,
            source: None,
        }))
    }
}

impl Stream for Bounded {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        match self.body.as_mut().poll_next(cx) {
            Poll::Ready(Some(chunk)) => {
                let idle = self.idle;
                self.idle_timer.set(tokio::time::sleep(idle));
                self.done = chunk.is_err();
                return Poll::Ready(Some(chunk));
            }
            Poll::Ready(None) => {
                self.done = true;
                return Poll::Ready(None);
            }
            Poll::Pending => {}
        }
        let passed = match &mut self.deadline {
            Some((sleep, deadline)) => sleep.as_mut().poll(cx).is_ready().then_some(*deadline),
            None => None,
        };
        if let Some(deadline) = passed {
            self.done = true;
            return Poll::Ready(Some(Err(deadline.passed(self.operation, self.attempts))));
        }
        if self.idle_timer.as_mut().poll(cx).is_ready() {
            let idle = self.idle;
            return self.timeout(format!(
                "no byte of the answer's body arrived for {idle:?}, the client's timeout, which \
                 a streamed body gets as an idle wait between reads (a slow but steady body is \
                 never cut); the request was not repeated"
            ));
        }
        Poll::Pending
    }
}

impl std::fmt::Debug for Bounded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bounded")
            .field("idle", &self.idle)
            .field("deadline", &self.deadline.as_ref().map(|(_, d)| d.given))
            .finish_non_exhaustive()
    }
}
