//! The sandbox's log of every request it received, so a test can check what the SDK really
//! sent: headers, query strings, bodies, and how many attempts a retry made.

use std::sync::Mutex;

use bytes::Bytes;
use tokio::time::Instant;

use super::lock::lock;

/// One HTTP request as the sandbox received it, before any fault or simulator saw it.
///
/// Returned by [`Sandbox::requests`](super::Sandbox::requests), oldest first.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use auditkit::testkit::Sandbox;
///
/// let sandbox = Sandbox::start().await?;
/// // … let the SDK call the sandbox, then:
/// for request in sandbox.requests() {
///     assert_eq!(request.header("eci-apikey"), Some(sandbox.energycap_api_key()));
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The method in upper case (`GET`, `POST`).
    pub method: String,
    /// The whole path, vendor prefix included
    /// (`/energycap/api/v202106/reportdistribution/log`).
    pub path: String,
    /// The raw query string without its `?`, when the URL had one.
    pub query: Option<String>,
    /// Every header in arrival order, names in lower case; values that are not UTF-8 are
    /// decoded lossily.
    pub headers: Vec<(String, String)>,
    /// The body, empty when there was none.
    pub body: Bytes,
    /// When the request arrived, on Tokio's clock so that a paused test clock applies.
    pub received_at: Instant,
}

impl RecordedRequest {
    /// The first value of header `name` (compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The first value of query parameter `name`, percent-decoded.
    pub fn query_param(&self, name: &str) -> Option<String> {
        let query = self.query.as_deref()?;
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    }

    /// The body parsed as JSON, or `None` when it is empty or not JSON.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// The shared, append-only list behind [`RecordedRequest`]s.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    requests: Mutex<Vec<RecordedRequest>>,
}

impl Recorder {
    pub(crate) fn record(&self, request: RecordedRequest) {
        self.lock().push(request);
    }

    pub(crate) fn snapshot(&self) -> Vec<RecordedRequest> {
        self.lock().clone()
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<RecordedRequest>> {
        lock(&self.requests)
    }
}
