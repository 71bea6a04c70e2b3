//! The retry loop: one logical call, several attempts, each possibly several redirect hops.

use std::time::Duration;

use bytes::Bytes;
use reqwest::{
    StatusCode,
    header::{HeaderMap, RETRY_AFTER},
};
use tracing::{Instrument, field::Empty};

use super::{
    Endpoint, Request, check_scheme,
    redirect::{MAX_REDIRECTS, next_hop},
};
use crate::{
    Error, Operation,
    error::{ApiError, TransportError, TransportErrorKind, is_retryable_status},
    retry::parse_retry_after,
    timer::unit_random,
};

/// Headers vendors and their gateways use for a request id.
const REQUEST_ID_HEADERS: [&str; 5] =
    ["x-request-id", "request-id", "x-correlation-id", "x-amzn-requestid", "x-amz-request-id"];

/// A complete answer, any status.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) request_id: Option<String>,
}

/// Why one attempt did not produce a success.
#[derive(Debug)]
enum Failure {
    Status(Answer),
    Transport {
        kind: TransportErrorKind,
        before_sending: bool,
        message: String,
        source: Option<reqwest::Error>,
    },
    /// Not worth another attempt (for example a token source that failed).
    Fatal(Error),
}

impl Failure {
    fn from_reqwest(error: reqwest::Error) -> Self {
        let kind = if error.is_timeout() {
            TransportErrorKind::Timeout
        } else if error.is_connect() {
            TransportErrorKind::Connect
        } else if error.is_body() || error.is_decode() {
            TransportErrorKind::Body
        } else {
            TransportErrorKind::Other
        };
        let message = match kind {
            TransportErrorKind::Connect => "the connection failed before the request was sent",
            TransportErrorKind::Timeout => "no complete answer within the timeout",
            TransportErrorKind::Body => "the answer's body could not be read to its end",
            _ => "the request failed",
        };
        Failure::Transport {
            kind,
            before_sending: error.is_connect(),
            message: message.into(),
            source: Some(error),
        }
    }

    fn redirect(message: String) -> Self {
        Failure::Transport {
            kind: TransportErrorKind::Redirect,
            before_sending: false,
            message,
            source: None,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            Failure::Status(answer) => {
                parse_retry_after(answer.headers.get(RETRY_AFTER)?, chrono::Utc::now())
            }
            _ => None,
        }
    }
}

/// The retry decision, in priority order: a request that never left is always safe to
/// send again; one that left is sent again only if it is idempotent and the failure is
/// transient.
fn should_retry(failure: &Failure, idempotent: bool) -> bool {
    match failure {
        Failure::Fatal(_) => false,
        Failure::Transport { before_sending: true, .. } => true,
        _ if !idempotent => false,
        Failure::Transport { kind, .. } => *kind != TransportErrorKind::Redirect,
        Failure::Status(answer) => is_retryable_status(answer.status),
    }
}

impl Endpoint {
    /// Sends a request with retries; a success (2xx) comes back buffered.
    pub(crate) async fn send(&self, request: Request) -> Result<Answer, Error> {
        let span = tracing::info_span!(
            "auditkit.request",
            vendor = %self.vendor(),
            operation = request.operation.name(),
            method = %request.method,
            path = request.url.path(),
            attempts = Empty,
        );
        self.send_with_retries(request).instrument(span).await
    }

    async fn send_with_retries(&self, request: Request) -> Result<Answer, Error> {
        let timer = self.timer();
        let policy = &self.transport().retry;
        let started = timer.now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            tracing::Span::current().record("attempts", attempt);
            let span = tracing::debug_span!(
                "auditkit.attempt",
                attempt,
                status = Empty,
                request_id = Empty
            );
            let failure = match self.attempt(&request).instrument(span).await {
                Ok(answer) if answer.status.is_success() => return Ok(answer),
                Ok(answer) => Failure::Status(answer),
                Err(failure) => failure,
            };
            let retry_after = failure.retry_after();
            if attempt < policy.attempts_limit() && should_retry(&failure, request.idempotent) {
                let delay = policy.delay(attempt, retry_after, unit_random());
                let elapsed = timer.now().saturating_duration_since(started);
                if elapsed.saturating_add(delay) <= policy.elapsed_limit() {
                    tracing::warn!(attempt, ?delay, failure = %Summary(&failure), "retrying");
                    timer.sleep(delay).await;
                    continue;
                }
            }
            return Err(self.error_for(failure, request.operation, attempt, retry_after));
        }
    }

    /// One attempt: send, walking redirects, and read the whole answer.
    async fn attempt(&self, request: &Request) -> Result<Answer, Failure> {
        let transport = self.transport();
        let own_origin = self.base_url().origin();
        let mut url = request.url.clone();
        let mut method = request.method.clone();
        let mut body = request.body.clone();
        for _ in 0..=MAX_REDIRECTS {
            let mut headers = request.headers.clone();
            if url.origin() == own_origin {
                self.auth()
                    .authorize(&transport.http, &mut headers)
                    .await
                    .map_err(Failure::Fatal)?;
            }
            let mut builder = transport.http.request(method.clone(), url.clone()).headers(headers);
            if let Some(bytes) = &body {
                builder = builder.body(bytes.clone());
            }
            let response = builder.send().await.map_err(Failure::from_reqwest)?;
            if let Some(hop) = next_hop(response.status(), response.headers(), &url, &method)
                .map_err(Failure::redirect)?
            {
                check_scheme(&hop.url, transport.allow_insecure_http).map_err(Failure::redirect)?;
                tracing::debug!(status = response.status().as_u16(), to = %hop.url.origin().ascii_serialization(), "following redirect");
                if !hop.keep_body {
                    body = None;
                }
                (url, method) = (hop.url, hop.method);
                continue;
            }
            let status = response.status();
            let headers = response.headers().clone();
            let request_id = REQUEST_ID_HEADERS
                .iter()
                .find_map(|name| headers.get(*name)?.to_str().ok().map(str::to_owned));
            let span = tracing::Span::current();
            span.record("status", status.as_u16());
            if let Some(id) = &request_id {
                span.record("request_id", id.as_str());
            }
            let body = response.bytes().await.map_err(Failure::from_reqwest)?;
            return Ok(Answer { status, headers, body, request_id });
        }
        Err(Failure::redirect(format!("more than {MAX_REDIRECTS} redirects in a row")))
    }

    fn error_for(
        &self,
        failure: Failure,
        operation: Operation,
        attempts: u32,
        retry_after: Option<Duration>,
    ) -> Error {
        match failure {
            Failure::Status(answer) => {
                let details = self.parse_error(&answer.body);
                Error::Api(Box::new(ApiError {
                    operation,
                    status: answer.status,
                    code: details.code,
                    message: details.message,
                    request_id: details.request_id.or(answer.request_id),
                    retry_after,
                    attempts,
                }))
            }
            Failure::Transport { kind, message, source, .. } => {
                Error::Transport(Box::new(TransportError {
                    operation,
                    kind,
                    message,
                    attempts,
                    source: source.map(|e| Box::new(e) as _),
                }))
            }
            Failure::Fatal(error) => error,
        }
    }
}

/// A short description of a failure for the retry log line.
struct Summary<'a>(&'a Failure);

impl std::fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Failure::Status(answer) => write!(f, "HTTP {}", answer.status),
            Failure::Transport { message, .. } => f.write_str(message),
            Failure::Fatal(error) => write!(f, "{error}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16) -> Failure {
        Failure::Status(Answer {
            status: StatusCode::from_u16(code).unwrap(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
            request_id: None,
        })
    }

    fn transport(kind: TransportErrorKind, before_sending: bool) -> Failure {
        Failure::Transport { kind, before_sending, message: String::new(), source: None }
    }

    #[test]
    fn a_request_that_never_left_is_retried_even_when_not_idempotent() {
        assert!(should_retry(&transport(TransportErrorKind::Connect, true), false));
    }

    #[test]
    fn a_sent_non_idempotent_request_is_never_retried() {
        assert!(!should_retry(&status(500), false));
        assert!(!should_retry(&status(503), false));
        assert!(!should_retry(&transport(TransportErrorKind::Timeout, false), false));
    }

    #[test]
    fn idempotent_requests_retry_transient_failures_only() {
        assert!(should_retry(&status(503), true));
        assert!(should_retry(&status(429), true));
        assert!(should_retry(&transport(TransportErrorKind::Body, false), true));
        assert!(!should_retry(&status(401), true));
        assert!(!should_retry(&status(404), true));
        assert!(!should_retry(&transport(TransportErrorKind::Redirect, false), true));
        assert!(!should_retry(&Failure::Fatal(Error::config("x")), true));
    }
}
