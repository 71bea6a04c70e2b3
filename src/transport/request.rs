//! The description of one call, before credentials and retries are added.

use std::{fmt, fmt::Display, sync::Arc};

use bytes::Bytes;
use reqwest::{
    Method,
    header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue},
};
use serde::Serialize;
use url::Url;

use crate::{Error, IdempotencyKey, Operation, idempotency::Idempotency};

/// One call as a vendor module describes it. Built by [`Endpoint::request`](super::Endpoint::request).
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) operation: Operation,
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Bytes>,
    /// A multipart body, made afresh for each attempt, instead of `body`.
    pub(crate) multipart: Option<MultipartBody>,
    /// Whether sending it twice does harm; decides retries after the request was sent.
    pub(crate) idempotency: Idempotency,
    /// The caller's limit on a whole streamed call, head and body, if any: a streamed body
    /// otherwise has only an idle timeout between reads.
    pub(crate) deadline: Option<std::time::Duration>,
    /// What to do when the server refuses the credentials (401, 403) for this call, in
    /// place of the general advice: the permission the call needs, for example.
    pub(crate) when_refused: Option<&'static str>,
}

impl Request {
    pub(crate) fn new(operation: Operation, method: Method, url: Url) -> Self {
        let idempotency = Idempotency::of_method(&method);
        Self {
            operation,
            method,
            url,
            headers: HeaderMap::new(),
            body: None,
            multipart: None,
            idempotency,
            deadline: None,
            when_refused: None,
        }
    }

    pub(crate) fn query(mut self, name: &str, value: impl Display) -> Self {
        self.url.query_pairs_mut().append_pair(name, &value.to_string());
        self
    }

    pub(crate) fn query_opt(self, name: &str, value: Option<impl Display>) -> Self {
        match value {
            Some(value) => self.query(name, value),
            None => self,
        }
    }

    /// The caller's deadline for a whole streamed call (see [`Request::deadline`]'s field).
    pub(crate) fn deadline(mut self, deadline: Option<std::time::Duration>) -> Self {
        self.deadline = deadline;
        self
    }

    /// Says what to do when the server refuses the credentials (401 or 403) for this call:
    /// the error's next step instead of "check the credentials".
    pub(crate) fn when_refused(mut self, advice: &'static str) -> Self {
        self.when_refused = Some(advice);
        self
    }

    /// A form body (`application/x-www-form-urlencoded`), as OAuth token endpoints take.
    pub(crate) fn form_body(mut self, fields: &[(&str, &str)]) -> Self {
        let body =
            url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        self.headers
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
        self.body = Some(Bytes::from(body));
        self
    }

    /// Declares that sending the request twice does no harm (a POST that only reads, such
    /// as a token request), so it may be retried after it was sent.
    pub(crate) fn idempotent(mut self) -> Self {
        self.idempotency = Idempotency::Safe;
        self
    }

    /// Sends `key` in header `name`, making a write safe to repeat: every retry of this
    /// call carries the same key.
    pub(crate) fn idempotency_key(mut self, name: HeaderName, key: &IdempotencyKey) -> Self {
        if let Ok(value) = HeaderValue::from_str(key.as_str()) {
            self.headers.insert(name, value);
            self.idempotency = Idempotency::Keyed(key.clone());
        }
        self
    }

    /// A multipart body (`multipart/form-data`): `make` builds the form for each attempt,
    /// since a form's streams are read once; `fingerprint` stands for its content where the
    /// bytes are needed before sending (the idempotency ledger).
    pub(crate) fn multipart_body(mut self, body: MultipartBody) -> Self {
        self.multipart = Some(body);
        self
    }

    pub(crate) fn json_body(mut self, body: &impl Serialize) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            Error::invalid_input(
                self.operation,
                format!("the request body could not be encoded: {e}"),
            )
        })?;
        self.headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        self.body = Some(Bytes::from(bytes));
        Ok(self)
    }
}

/// Builds one attempt's multipart form, or the error that stops the call (a file gone, a
/// reader already read).
pub(crate) type MakeForm = Arc<dyn Fn() -> Result<reqwest::multipart::Form, Error> + Send + Sync>;

/// A multipart body: the form, made afresh for each attempt, and what stands for its
/// content in the idempotency ledger.
#[derive(Clone)]
pub(crate) struct MultipartBody {
    pub(crate) make: MakeForm,
    pub(crate) fingerprint: Bytes,
}

impl fmt::Debug for MultipartBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MultipartBody")
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}
