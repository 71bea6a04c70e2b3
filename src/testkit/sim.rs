//! The simulated exchange every part of the testkit speaks: the request a simulator
//! reads ([`SimRequest`]), the answer it gives ([`SimResponse`], [`SimBody`]), the
//! injected [`Disconnect`] instead of one, and the contract ([`Simulator`]) a vendor
//! simulator implements to plug in under its prefix. State, routes and faults all use
//! these; this file uses none of them.

use std::fmt;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use hyper::{
    HeaderMap, Method, StatusCode,
    header::{CONTENT_TYPE, HeaderName, HeaderValue},
};
use serde_json::{Value, json};
use url::Url;

/// One simulated vendor API, mounted under a path prefix of the sandbox.
///
/// Handling is synchronous: a simulator keeps its state behind a `Mutex` and answers at
/// once. Anything slow or broken on the wire (latency, cut bodies) is the fault layer's job,
/// so simulators only model the vendor's behaviour.
pub(crate) trait Simulator: Send + Sync + 'static {
    /// The path prefix, starting with `/` and without a trailing one (`/energycap`).
    fn prefix(&self) -> &'static str;

    /// Answers one request whose path starts with [`prefix`](Self::prefix).
    fn handle(&self, request: &SimRequest) -> SimResponse;
}

/// A request as a simulator sees it: the body is already read, the prefix already removed.
#[derive(Debug, Clone)]
pub(crate) struct SimRequest {
    pub(crate) method: Method,
    /// The path after the simulator's prefix (`/api/v202106/reportdistribution/log`).
    pub(crate) path: String,
    /// Query pairs, percent-decoded, in order.
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    /// The sandbox root (`http://127.0.0.1:PORT/`), for answers that carry absolute URLs.
    pub(crate) base_url: Url,
    /// "Now" by the sandbox's clock, when the request arrived.
    pub(crate) now: DateTime<Utc>,
}

impl SimRequest {
    /// The first value of query parameter `name` (exact, case-sensitive name).
    pub(crate) fn query_param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// The first value of header `name`, when it is visible ASCII.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The path split on `/`, without the leading empty segment; empty segments are kept
    /// so that a doubled or trailing slash does not match a route by accident.
    pub(crate) fn segments(&self) -> Vec<&str> {
        let path = self.path.strip_prefix('/').unwrap_or(&self.path);
        path.split('/').collect()
    }
}

/// How a response body goes on the wire.
#[derive(Debug, Clone)]
pub(crate) enum SimBody {
    /// All at once, with a `Content-Length`.
    Full(Bytes),
    /// In these chunks, with chunked transfer encoding (downloads).
    Chunks(Vec<Bytes>),
    /// `sent`, then the connection is aborted although `declared_len` was announced.
    /// Only [`Fault::cut_body`](super::Fault::cut_body) builds this.
    Cut { sent: Bytes, declared_len: u64 },
}

impl SimBody {
    /// The bytes a complete answer would carry.
    pub(crate) fn into_bytes(self) -> Bytes {
        match self {
            Self::Full(bytes) | Self::Cut { sent: bytes, .. } => bytes,
            Self::Chunks(chunks) => chunks.concat().into(),
        }
    }
}

/// A simulator's answer.
#[derive(Debug, Clone)]
pub(crate) struct SimResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: SimBody,
}

impl SimResponse {
    /// A JSON answer.
    pub(crate) fn json(status: StatusCode, body: &Value) -> Self {
        // Serialising a `Value` only fails for non-string map keys, which `Value` cannot hold.
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        Self::bytes(status, "application/json; charset=utf-8", bytes.into())
    }

    /// A JSON error answer of the shape `{"message": …}`.
    pub(crate) fn message(status: StatusCode, message: &str) -> Self {
        Self::json(status, &json!({ "message": message }))
    }

    /// An answer with any body and content type.
    pub(crate) fn bytes(status: StatusCode, content_type: &'static str, body: Bytes) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        Self { status, headers, body: SimBody::Full(body) }
    }

    /// An answer streamed in `chunks` (no `Content-Length`).
    pub(crate) fn chunks(
        status: StatusCode,
        content_type: &'static str,
        chunks: Vec<Bytes>,
    ) -> Self {
        let mut response = Self::bytes(status, content_type, Bytes::new());
        response.body = SimBody::Chunks(chunks);
        response
    }

    /// Adds (or replaces) a header; a value that is not a valid header value is dropped.
    pub(crate) fn with_header(mut self, name: HeaderName, value: &str) -> Self {
        if let Ok(value) = HeaderValue::from_str(value) {
            self.headers.insert(name, value);
        }
        self
    }

    /// The 404 for a path no simulator or route knows, naming the path.
    pub(crate) fn not_found(path: &str) -> Self {
        Self::json(
            StatusCode::NOT_FOUND,
            &json!({ "message": format!("no simulated endpoint at {path}"), "path": path }),
        )
    }
}

/// The request closed its connection instead of answering (an injected disconnect).
#[derive(Debug)]
pub(crate) struct Disconnect;

impl fmt::Display for Disconnect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection closed by an injected fault")
    }
}

impl std::error::Error for Disconnect {}
