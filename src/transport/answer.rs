//! What a successful call gives back: a whole answer, or a head with a body that streams.

use bytes::Bytes;
use futures::stream::BoxStream;
use reqwest::{
    StatusCode,
    header::{HeaderMap, HeaderValue},
};
use serde::de::DeserializeOwned;

use super::decode_json;
use crate::{Error, Operation};

/// A complete answer, any status.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) request_id: Option<String>,
    /// The credential the request carried (marked sensitive), to renew it on a 401.
    pub(crate) authorization: Option<HeaderValue>,
}

impl Answer {
    /// The body decoded as JSON; a failure names `operation`, the path and an excerpt.
    pub(crate) fn json<T: DeserializeOwned>(&self, operation: Operation) -> Result<T, Error> {
        decode_json(operation, self.status, self.request_id.as_deref(), &self.body)
    }

    /// A header's value, when it is visible ASCII.
    #[allow(dead_code, reason = "the vendors read their headers through it; none does today")]
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }
}

/// A success whose head has arrived; the body arrives as the caller reads it.
///
/// The retries are over once this exists: a body that breaks off is an error in the
/// stream, never a silent second request.
pub(crate) struct Streamed {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) request_id: Option<String>,
    pub(crate) body: BoxStream<'static, Result<Bytes, Error>>,
}

impl std::fmt::Debug for Streamed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Streamed")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}
