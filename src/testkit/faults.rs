//! Fault injection: make the sandbox fail the way networks and vendors fail — error statuses
//! with `Retry-After`, slow answers, bodies cut off mid-way, bodies that are not JSON —
//! so retry, timeout and decoding paths can be tested without a real outage.

use std::{sync::Mutex, time::Duration};

use bytes::Bytes;
use hyper::{
    StatusCode,
    header::{CONTENT_LENGTH, LOCATION, RETRY_AFTER},
};
use serde_json::{Value, json};

use super::{
    lock::lock,
    state::{SimBody, SimResponse},
};

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
    action: Action,
    path: Option<String>,
    method: Option<String>,
    times: u32,
    after: u32,
    body: Option<FaultBody>,
    retry_after: Option<String>,
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

#[derive(Debug, Clone)]
enum Action {
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

    fn matches(&self, method: &str, path: &str) -> bool {
        self.path.as_deref().is_none_or(|prefix| path.starts_with(prefix))
            && self.method.as_deref().is_none_or(|wanted| wanted == method)
    }

    fn effect(&self) -> Effect {
        match &self.action {
            Action::Status(code) => Effect::Respond(self.answer(*code)),
            Action::Latency(delay) => Effect::Delay(*delay),
            Action::CutBody => Effect::Spoil(cut),
            Action::MalformedBody => Effect::Spoil(malform),
            Action::Redirect { location, status } => {
                Effect::Respond(self.answer(*status).with_header(LOCATION, location))
            }
            Action::Disconnect => Effect::Disconnect,
        }
    }

    fn answer(&self, code: u16) -> SimResponse {
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        match &self.body {
            Some(FaultBody::Json(value)) => SimResponse::json(status, value),
            Some(FaultBody::Text(text)) => {
                SimResponse::bytes(status, "text/plain; charset=utf-8", Bytes::from(text.clone()))
            }
            None => SimResponse::json(
                status,
                &json!({ "message": format!("injected fault: {status}") }),
            ),
        }
    }
}

/// What a fault that applies asks the server to do with one request.
#[derive(Debug)]
pub(crate) enum Effect {
    /// Answer with this; the simulator never sees the request.
    Respond(SimResponse),
    /// Wait, then let the simulator answer.
    Delay(Duration),
    /// Let the simulator answer, then spoil the answer.
    Spoil(fn(SimResponse) -> SimResponse),
    /// Close the connection without answering.
    Disconnect,
}

/// A fault that applied to the current request.
#[derive(Debug)]
pub(crate) struct Fired {
    pub(crate) effect: Effect,
    pub(crate) extras: Extras,
}

/// What a fault adds to whatever answer goes out.
#[derive(Debug)]
pub(crate) struct Extras {
    retry_after: Option<String>,
}

impl Extras {
    pub(crate) fn apply(&self, response: SimResponse) -> SimResponse {
        match &self.retry_after {
            Some(value) => response.with_header(RETRY_AFTER, value),
            None => response,
        }
    }
}

/// The injected faults still waiting for requests, in injection order.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    faults: Mutex<Vec<Fault>>,
}

impl FaultQueue {
    pub(crate) fn push(&self, fault: Fault) {
        if fault.times > 0 {
            self.lock().push(fault);
        }
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    /// Counts the request against every matching fault up to the first one that is due,
    /// and returns what that one does.
    pub(crate) fn fire(&self, method: &str, path: &str) -> Option<Fired> {
        let mut faults = self.lock();
        let index = faults.iter_mut().position(|fault| {
            if !fault.matches(method, path) {
                return false;
            }
            if fault.after > 0 {
                fault.after -= 1;
                return false;
            }
            true
        })?;
        let fault = &mut faults[index];
        fault.times -= 1;
        let extras = Extras { retry_after: fault.retry_after.clone() };
        let fired = Fired { effect: fault.effect(), extras };
        if fault.times == 0 {
            drop(faults.remove(index));
        }
        Some(fired)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Fault>> {
        lock(&self.faults)
    }
}

/// Keeps the first half of the body and aborts the connection after it.
fn cut(mut response: SimResponse) -> SimResponse {
    let body = std::mem::replace(&mut response.body, SimBody::Full(Bytes::new())).into_bytes();
    // An empty body still announces one byte, so the client always sees a short read.
    let declared_len = u64::try_from(body.len()).unwrap_or(u64::MAX).max(1);
    response.body = SimBody::Cut { sent: body.slice(..body.len() / 2), declared_len };
    response
}

/// Status 200 with the first half of the body: well framed, but not JSON.
fn malform(mut response: SimResponse) -> SimResponse {
    let body = std::mem::replace(&mut response.body, SimBody::Full(Bytes::new())).into_bytes();
    let mut half = body.slice(..body.len() / 2).to_vec();
    // Half of a scalar (`12345` → `12`) can still parse; an unclosed object never does.
    if serde_json::from_slice::<serde::de::IgnoredAny>(&half).is_ok() || half.is_empty() {
        half.push(b'{');
    }
    response.status = StatusCode::OK;
    // The server frames a full body itself; a length the simulator set would now be wrong.
    response.headers.remove(CONTENT_LENGTH);
    response.body = SimBody::Full(half.into());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok_json(body: &str) -> SimResponse {
        SimResponse::bytes(StatusCode::OK, "application/json", Bytes::from(body.to_owned()))
    }

    #[test]
    fn after_lets_the_first_matching_requests_through_then_applies_times_times() {
        let queue = FaultQueue::default();
        queue.push(Fault::status(503).path("/a").after(2).times(2));
        let fired: Vec<bool> = (0..6)
            .map(|i| {
                let path = if i == 1 { "/b" } else { "/a/x" };
                queue.fire("GET", path).is_some()
            })
            .collect();
        // Request 1 goes to /b and does not count.
        assert_eq!(fired, [false, false, false, true, true, false]);
        assert_eq!(queue.len(), 0);
    }

    #[test]
    fn method_filter_is_case_insensitive_and_first_due_fault_wins() {
        let queue = FaultQueue::default();
        queue.push(Fault::status(500).method("post"));
        queue.push(Fault::status(502));
        let Some(Fired { effect: Effect::Respond(first), .. }) = queue.fire("GET", "/x") else {
            panic!("the catch-all fault should fire");
        };
        assert_eq!(first.status, StatusCode::BAD_GATEWAY);
        let Some(Fired { effect: Effect::Respond(second), .. }) = queue.fire("POST", "/x") else {
            panic!("the POST fault should fire");
        };
        assert_eq!(second.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(queue.fire("POST", "/x").is_none());
    }

    #[test]
    fn zero_times_never_applies() {
        let queue = FaultQueue::default();
        queue.push(Fault::status(503).times(0));
        assert!(queue.fire("GET", "/").is_none());
    }

    #[test]
    fn malformed_body_is_never_valid_json() {
        for body in ["[]", "12345", "", r#"{"a":[1,2,3]}"#, "\"text\""] {
            let SimBody::Full(bytes) = malform(ok_json(body)).body else {
                panic!("malform keeps a full body");
            };
            assert!(
                serde_json::from_slice::<Value>(&bytes).is_err(),
                "{body:?} became valid JSON {bytes:?}"
            );
        }
    }

    #[test]
    fn cut_body_announces_the_full_length_and_sends_half() {
        let SimBody::Cut { sent, declared_len } = cut(ok_json("0123456789")).body else {
            panic!("cut makes a cut body");
        };
        assert_eq!((sent.as_ref(), declared_len), (&b"01234"[..], 10));
    }
}
