//! One attempt, in two steps: get the head (credentials, redirects, status), then read the
//! body. A buffered call takes both steps inside the retry loop; a streamed call retries
//! only the first.

use super::{
    Answer, Deadline, Endpoint, Request, Streamed, check_scheme,
    failure::{Failure, without_url},
    idle::Bounded,
    protocol::Verdict,
    redirect::{MAX_REDIRECTS, next_hop},
};
use crate::{
    Error, Operation,
    error::{TransportError, TransportErrorKind},
};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures::{StreamExt, TryStreamExt};
use reqwest::header::{AUTHORIZATION, HeaderValue};

/// What reqwest's own timeout covers in [`Endpoint::head`].
#[derive(Debug, Clone, Copy)]
pub(super) enum HeadLimit {
    /// A buffered call: head and body within the time left.
    WholeAnswer,
    /// A streamed call: the head within the time left; the body has limits of its own.
    HeadOnly,
}

/// Headers vendors and their gateways use for a request id.
const REQUEST_ID_HEADERS: [&str; 5] =
    ["x-request-id", "request-id", "x-correlation-id", "x-amzn-requestid", "x-amz-request-id"];

impl Endpoint {
    /// Sends `request`, walking redirects, and returns the first answer that is not one,
    /// with the `Authorization` it carried. Credentials are added on every hop that stays on
    /// the vendor's origin, and only there; an endpoint that only takes its own origin (a
    /// token endpoint) refuses a redirect to another.
    pub(super) async fn head(
        &self,
        request: &Request,
        time_left: Duration,
        limit: HeadLimit,
    ) -> Result<(reqwest::Response, Option<HeaderValue>), Failure> {
        let transport = self.transport();
        let own_origin = self.base_url().origin();
        let mut url = request.url.clone();
        let mut method = request.method.clone();
        let mut body = request.body.clone();
        let mut multipart = request.multipart.as_ref();
        for _ in 0..=MAX_REDIRECTS {
            let mut headers = request.headers.clone();
            if url.origin() == own_origin {
                self.auth()
                    .authorize(&transport.http, &mut headers)
                    .await
                    .map_err(Failure::Fatal)?;
            }
            let authorization = headers.get(AUTHORIZATION).cloned();
            // The time spent waiting for a request slot counts against the client's timeout.
            // reqwest's timeout covers the body too: a streamed body has limits of its own.
            let whole = match limit {
                HeadLimit::WholeAnswer => time_left,
                HeadLimit::HeadOnly => Duration::MAX,
            };
            let mut builder =
                transport.http.request(method.clone(), url.clone()).headers(headers).timeout(whole);
            if let Some(bytes) = &body {
                builder = builder.body(bytes.clone());
            }
            if let Some(form) = multipart {
                builder = builder.multipart((form.make)().map_err(Failure::Fatal)?);
            }
            transport.traffic.request(self.vendor());
            let response = match limit {
                HeadLimit::WholeAnswer => builder.send().await.map_err(Failure::from_reqwest)?,
                HeadLimit::HeadOnly => {
                    match tokio::time::timeout(time_left, builder.send()).await {
                        Ok(sent) => sent.map_err(Failure::from_reqwest)?,
                        Err(_) => return Err(Failure::head_timeout(time_left)),
                    }
                }
            };
            let _ = transport.traffic.answer(
                self.vendor(),
                response.status(),
                response.headers().get(reqwest::header::DATE),
                self.timer().wall_clock(),
            );
            if let Some(hop) = next_hop(response.status(), response.headers(), &url, &method)
                .map_err(Failure::redirect)?
            {
                check_scheme(&hop.url, transport.allow_insecure_http).map_err(Failure::redirect)?;
                if self.refuses_other_origins() && hop.url.origin() != own_origin {
                    return Err(Failure::redirect(format!(
                        "the {} redirect points to {}, another origin; this endpoint's answers \
                         are credentials, so the SDK does not take them from elsewhere",
                        response.status(),
                        hop.url.origin().ascii_serialization()
                    )));
                }
                tracing::debug!(status = response.status().as_u16(), to = %hop.url.origin().ascii_serialization(), "following redirect");
                if !hop.keep_body {
                    body = None;
                    multipart = None;
                }
                (url, method) = (hop.url, hop.method);
                continue;
            }
            if let Some(limits) = self.server_limits() {
                let timer = self.timer();
                let retry_after = response
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|value| crate::retry::parse_retry_after(value, timer.wall_clock()));
                limits.observe(
                    request,
                    response.status(),
                    response.headers(),
                    retry_after,
                    timer.now(),
                );
            }
            let span = tracing::Span::current();
            span.record("status", response.status().as_u16());
            if let Some(id) = request_id(&response) {
                span.record("request_id", id.as_str());
            }
            return Ok((response, authorization));
        }
        Err(Failure::redirect(format!("more than {MAX_REDIRECTS} redirects in a row")))
    }

    /// Reads the whole body of `response`, up to the client's `max_answer_size`: a larger
    /// one is refused as soon as its length says so, or as soon as it grows past it.
    pub(super) async fn read(
        &self,
        (mut response, authorization): (reqwest::Response, Option<HeaderValue>),
    ) -> Result<Answer, Failure> {
        let limit = self.transport().max_answer_size;
        let status = response.status();
        let request_id = request_id(&response);
        let headers = response.headers().clone();
        let declared =
            response.content_length().map(|length| usize::try_from(length).unwrap_or(usize::MAX));
        if declared.is_some_and(|length| length > limit) {
            return Err(Failure::too_large(limit));
        }
        // A body in one chunk is kept as it came; only a body in several is copied, once,
        // into a buffer sized by its announced length.
        let mut first: Option<Bytes> = None;
        let mut joined: Option<BytesMut> = None;
        let mut read: usize = 0;
        while let Some(chunk) = response.chunk().await.map_err(Failure::from_reqwest)? {
            read = read.saturating_add(chunk.len());
            if read > limit {
                return Err(Failure::too_large(limit));
            }
            match (&mut joined, first.take()) {
                (Some(buffer), _) => buffer.extend_from_slice(&chunk),
                (None, None) => first = Some(chunk),
                (None, Some(earlier)) => {
                    let mut buffer = BytesMut::with_capacity(declared.unwrap_or(read).max(read));
                    buffer.extend_from_slice(&earlier);
                    buffer.extend_from_slice(&chunk);
                    joined = Some(buffer);
                }
            }
        }
        let body = joined.map(BytesMut::freeze).or(first).unwrap_or_default();
        Ok(Answer { status, headers, body, request_id, authorization })
    }

    /// The vendor's verdict on a complete answer.
    pub(super) fn judge(&self, answer: Answer) -> Result<Answer, Failure> {
        match self.protocol().classify(answer.status, &answer.headers, &answer.body) {
            Verdict::Success => Ok(answer),
            Verdict::Failure { details, hint } => {
                Err(Failure::Answered { answer: Box::new(answer), details, hint })
            }
        }
    }

    /// One buffered attempt: head, body, verdict.
    pub(super) async fn buffered(&self, request: &Request) -> Result<Answer, Failure> {
        self.pace(request).await;
        let (_admitted, time_left) = self.admit(request.operation).await?;
        let head = self.head(request, time_left, HeadLimit::WholeAnswer).await?;
        let answer = self.read(head).await?;
        self.judge(answer)
    }

    /// One streamed attempt: a success hands its body over unread; any other answer is
    /// read and judged like a buffered one (an error body is short, and the protocol may
    /// still call it a success).
    pub(super) async fn streamed(
        &self,
        request: &Request,
        attempts: u32,
        deadline: Option<Deadline>,
    ) -> Result<Streamed, Failure> {
        // A body holds a place of its own, not a request slot: downloads left unread never
        // hold up the other calls, and the wait for a place counts against the timeout too.
        self.pace(request).await;
        let body_place = self.open_body(request.operation).await?;
        let (admitted, time_left) = self.admit(request.operation).await?;
        let operation = request.operation;
        let to_deadline = deadline.map(|d| d.at.saturating_duration_since(self.timer().now()));
        let head_time = to_deadline.map_or(time_left, |left| left.min(time_left));
        let head = self.head(request, head_time, HeadLimit::HeadOnly).await;
        let (response, authorization) = match (head, deadline) {
            // The caller's time is spent: another attempt could only fail the same way.
            (Err(failure), Some(d)) if failure.is_timeout() && self.timer().now() >= d.at => {
                return Err(Failure::Fatal(d.passed(operation, attempts)));
            }
            (head, _) => head?,
        };
        drop(admitted);
        if !response.status().is_success() {
            let answer = self.judge(self.read((response, authorization)).await?)?;
            let body = futures::stream::once(std::future::ready(Ok(answer.body))).boxed();
            let Answer { status, headers, request_id, .. } = answer;
            return Ok(Streamed { status, headers, request_id, body });
        }
        let (status, headers) = (response.status(), response.headers().clone());
        let request_id = request_id(&response);
        // The body holds its place among open bodies until it is read or dropped.
        let body = response
            .bytes_stream()
            .map_err(move |error| broken_body(operation, attempts, error))
            .inspect(move |_| {
                let _held = &body_place;
            })
            .boxed();
        let idle = self.transport().timeout;
        let body = Bounded::new(body, operation, attempts, idle, deadline).boxed();
        Ok(Streamed { status, headers, request_id, body })
    }
}

impl Endpoint {
    /// Waits while the server's rate-limit window for `request` is used up.
    async fn pace(&self, request: &Request) {
        if let Some(limits) = self.server_limits() {
            let timer = self.timer();
            let wait = limits.pause_before(request, timer.now());
            if !wait.is_zero() {
                timer.sleep(wait).await;
            }
        }
    }
}

fn request_id(response: &reqwest::Response) -> Option<String> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| response.headers().get(*name)?.to_str().ok().map(str::to_owned))
}

/// A streamed body that broke off after its head arrived: too late to retry.
fn broken_body(operation: Operation, attempts: u32, error: reqwest::Error) -> Error {
    let kind =
        if error.is_timeout() { TransportErrorKind::Timeout } else { TransportErrorKind::Body };
    let (message, error) = without_url(
        "the answer's body broke off while it streamed; the request was not repeated",
        error,
    );
    Error::Transport(Box::new(TransportError {
        operation,
        kind,
        message,
        attempts,
        source: Some(Box::new(error)),
    }))
}
