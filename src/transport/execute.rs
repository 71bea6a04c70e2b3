//! The retry loop: one logical call, several attempts. Written once for buffered and
//! streamed calls; only what one attempt does differs.

use tracing::{Instrument, field::Empty};

use super::{Answer, Deadline, Endpoint, Request, Streamed, failure::Failure};
use crate::{Error, idempotency::Idempotency, retry::should_retry};

impl Endpoint {
    /// Sends a request with retries; a success comes back buffered.
    pub(crate) async fn send(&self, request: Request) -> Result<Answer, Error> {
        let span = self.call_span(&request);
        self.with_retries(&request, |_| self.buffered(&request)).instrument(span).await
    }

    /// Sends a request with retries until a success's head arrives, then hands its body over
    /// as a stream: a body that breaks off later is an error in the stream, not a retry.
    /// The body gets the client's timeout as an idle wait between reads, and the whole call
    /// the request's deadline, if it has one.
    pub(crate) async fn send_streamed(&self, request: Request) -> Result<Streamed, Error> {
        let span = self.call_span(&request);
        let now = self.timer().now();
        let deadline = request.deadline.and_then(|given| Deadline::after(now, given));
        self.with_retries(&request, |attempt| self.streamed(&request, attempt, deadline))
            .instrument(span)
            .await
    }

    /// Sends a request and decodes the JSON answer.
    pub(crate) async fn send_json<T: serde::de::DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<T, Error> {
        let operation = request.operation;
        self.send(request).await?.json(operation)
    }

    fn call_span(&self, request: &Request) -> tracing::Span {
        tracing::info_span!(
            "auditkit.request",
            vendor = %self.vendor(),
            operation = request.operation.name(),
            method = %request.method,
            path = request.url.path(),
            attempts = Empty,
        )
    }

    /// Runs `attempt` (given the attempt number) until it succeeds, the failure is not
    /// worth repeating, or the policy's attempts or time run out. A keyed request this
    /// client already sent with another body is refused before the first attempt.
    async fn with_retries<R, A: Future<Output = Result<R, Failure>>>(
        &self,
        request: &Request,
        mut attempt: impl FnMut(u32) -> A,
    ) -> Result<R, Error> {
        let transport = self.transport();
        if let Idempotency::Keyed(key) = &request.idempotency {
            let target = format!("{} {}", request.method, request.url);
            let multipart = request.multipart.as_ref().map(|form| &form.fingerprint[..]);
            let body = request.body.as_deref().or(multipart).unwrap_or_default();
            transport
                .keys_sent
                .claim(key, &target, body)
                .map_err(|message| Error::invalid_input(request.operation, message))?;
        }
        let (timer, policy) = (transport.timer(), &transport.retry);
        let started = timer.now();
        let mut number = 0;
        let mut renewed = false;
        loop {
            number += 1;
            tracing::Span::current().record("attempts", number);
            let span = tracing::debug_span!(
                "auditkit.attempt",
                attempt = number,
                status = Empty,
                request_id = Empty
            );
            let failure = match attempt(number).instrument(span).await {
                Ok(success) => return Ok(success),
                Err(failure) => failure,
            };
            // A token revoked or expired early: renew it once and try again at once, whatever
            // the retry policy, since nothing about the server is in doubt.
            if !renewed && failure.refused_credential().is_some_and(|sent| self.auth().reject(sent))
            {
                renewed = true;
                tracing::info!(attempt = number, "the credential was refused; renewing it once");
                continue;
            }
            let retry_after = failure.retry_after(timer.wall_clock());
            if number < policy.attempts_limit()
                && should_retry(failure.class(), &request.idempotency)
            {
                let delay = policy.delay(number, retry_after, transport.jitter.sample());
                let elapsed = timer.now().saturating_duration_since(started);
                if elapsed.saturating_add(delay) <= policy.elapsed_limit() {
                    tracing::warn!(attempt = number, ?delay, failure = %failure, "retrying");
                    transport.traffic.retry(self.vendor());
                    timer.sleep(delay).await;
                    continue;
                }
            }
            return Err(failure
                .into_error(request.operation, number, retry_after)
                .sent_to(request.url.path()));
        }
    }
}
