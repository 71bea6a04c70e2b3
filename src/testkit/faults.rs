//! Fault injection: make the sandbox fail the way networks and vendors fail — error statuses
//! with `Retry-After`, slow answers, bodies cut off mid-way, bodies that are not JSON —
//! so retry, timeout and decoding paths can be tested without a real outage.

use std::time::Duration;

use serde_json::Value;

/// A misbehaviour the sandbox applies to matching requests, before routing them to the
/// simulated vendor.
///
/// Build one with an action ([`status`](Self::status), [`latency`](Self::latency),
/// [`cut_body`](Self::cut_body), [`malformed_body`](Self::malformed_body),
/// [`redirect`](Self::redirect), [`disconnect`](Self::disconnect)), narrow it with
/// [`path`](Self::path) and [`method`](Self::method), count it with [`times`](Self::times)
/// and [`after`](Self::after), then hand it to
/// [`Sandbox::inject`](super::Sandbox::inject).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use auditkit::testkit::{Fault, Sandbox};
///
/// let sandbox = Sandbox::start().await?;
/// // The next two log listings fail with 503 and ask the client to wait two seconds.
/// sandbox.inject(
///     Fault::status(503)
///         .path("/energycap/api/v202106/reportdistribution/log")
///         .retry_after("2")
///         .times(2),
/// );
/// // The third request to any path succeeds but takes half a second.
/// sandbox.inject(Fault::latency(std::time::Duration::from_millis(500)).after(2));
/// # Ok(()) }
/// ```
///
/// Faults are considered in the order they were injected. A matching fault still letting
/// requests through because of [`after`](Self::after) counts the request and passes it on
/// to the next fault; the first matching fault that is due applies, and later faults do not
/// see that request. A fault that has applied [`times`](Self::times) times is removed.
/// Requests that a fault answers on its own (status, redirect, disconnect) never reach the
/// simulator, so they change no state: an injected 503 on an exec starts no run.
#[derive(Debug, Clone)]
#[must_use = "a fault does nothing until it is passed to `Sandbox::inject`"]
pub struct Fault {
    pub(super) action: Action,
    path: Option<String>,
    method: Option<String>,
    /// How many more requests it applies to.
    pub(super) times: u32,
    /// How many more matching requests it lets through first.
    pub(super) after: u32,
    pub(super) body: Option<FaultBody>,
    pub(super) retry_after: Option<String>,
}

/// The body of an injected status or redirect answer.
///
/// Converts from a [`serde_json::Value`] (sent as `application/json`) and from strings
/// (sent verbatim as `text/plain`, e.g. an HTML error page from a gateway).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FaultBody {
    /// Sent as `application/json`.
    Json(Value),
    /// Sent as `text/plain; charset=utf-8`.
    Text(String),
}

impl From<Value> for FaultBody {
    fn from(value: Value) -> Self {
        Self::Json(value)
    }
}

impl From<&str> for FaultBody {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<String> for FaultBody {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

/// What a fault does, as built; [`fault_queue`](super::fault_queue) turns it into an effect.
#[derive(Debug, Clone)]
pub(super) enum Action {
    Status(u16),
    Latency(Duration),
    CutBody,
    MalformedBody,
    Redirect { location: String, status: u16 },
    Disconnect,
}

impl Fault {
    fn new(action: Action) -> Self {
        Self { action, path: None, method: None, times: 1, after: 0, body: None, retry_after: None }
    }

    /// Answers with HTTP status `code` instead of the simulator. The body is
    /// `{"message": "injected fault: …"}` unless [`body`](Self::body) replaces it. A code
    /// outside 100–999 is answered as 500.
    pub fn status(code: u16) -> Self {
        Self::new(Action::Status(code))
    }

    /// Waits `delay`, then lets the simulator answer normally (for timeout tests).
    pub fn latency(delay: Duration) -> Self {
        Self::new(Action::Latency(delay))
    }

    /// Lets the simulator answer, announces its full `Content-Length`, sends only the first
    /// half of the body and then aborts the connection: the client must report an
    /// incomplete body, not decode a short one.
    pub fn cut_body() -> Self {
        Self::new(Action::CutBody)
    }

    /// Lets the simulator answer, then sends status 200 with the first half of its body and
    /// a matching `Content-Length`: complete on the wire, but not valid JSON.
    pub fn malformed_body() -> Self {
        Self::new(Action::MalformedBody)
    }

    /// Answers with a redirect (`status`, e.g. 302 or 307) to `location`, which may be a
    /// path or an absolute URL — another sandbox's URL makes a cross-origin redirect.
    pub fn redirect(location: impl Into<String>, status: u16) -> Self {
        Self::new(Action::Redirect { location: location.into(), status })
    }

    /// Closes the connection without answering, after the request was fully received.
    pub fn disconnect() -> Self {
        Self::new(Action::Disconnect)
    }

    /// Applies only to requests whose path (vendor prefix included) starts with `prefix`,
    /// e.g. `/energycap/api/v202106/reportdistribution/log`, which also matches that log's
    /// `/…/log/7/detail`. Without it the fault matches every path.
    pub fn path(mut self, prefix: impl Into<String>) -> Self {
        self.path = Some(prefix.into());
        self
    }

    /// Applies only to requests with this method (case-insensitive).
    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_ascii_uppercase());
        self
    }

    /// Applies to `n` matching requests, then expires (default 1). Use `u32::MAX` for a
    /// fault that never expires; 0 makes a fault that never applies.
    pub fn times(mut self, n: u32) -> Self {
        self.times = n;
        self
    }

    /// Lets the first `k` matching requests through untouched before applying (default 0),
    /// e.g. a 503 on the third page of a listing.
    pub fn after(mut self, k: u32) -> Self {
        self.after = k;
        self
    }

    /// Replaces the body of a [`status`](Self::status) or [`redirect`](Self::redirect)
    /// answer; other actions keep the simulator's body and ignore this.
    pub fn body(mut self, body: impl Into<FaultBody>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Adds a `Retry-After` header with this exact value (seconds such as `"120"`, an HTTP
    /// date, or something invalid to test the client's parsing) to whatever answer the
    /// fault produces.
    pub fn retry_after(mut self, value: impl Into<String>) -> Self {
        self.retry_after = Some(value.into());
        self
    }

    /// Whether the fault concerns this request (its `after` aside).
    pub(super) fn matches(&self, method: &str, path: &str) -> bool {
        self.path.as_deref().is_none_or(|prefix| path.starts_with(prefix))
            && self.method.as_deref().is_none_or(|wanted| wanted == method)
    }
}
