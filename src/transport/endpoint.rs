//! One vendor's API as the transport sees it: base URL, credentials, error format.

use std::sync::Arc;

use reqwest::Method;
use serde::de::DeserializeOwned;
use url::Url;

use super::{Authorize, ErrorDetails, Request, Transport, check_scheme, decode_json};
use crate::{Error, Operation, Timer, Vendor};

/// Reads a vendor's error body. [`ErrorDetails::generic`] fits most vendors.
pub(crate) type ErrorParser = fn(&[u8]) -> ErrorDetails;

/// A configured vendor API. Cheap to clone; shared by every request builder of the vendor.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    transport: Arc<Transport>,
    vendor: Vendor,
    base_url: Url,
    auth: Box<dyn Authorize>,
    parse_error: ErrorParser,
}

impl Endpoint {
    /// Validates `base_url` (a URL that can take a path, https or loopback http) and makes
    /// sure it ends in `/` so paths are appended rather than replacing its last segment.
    pub(crate) fn new(
        transport: Arc<Transport>,
        vendor: Vendor,
        base_url: &str,
        auth: impl Authorize + 'static,
        parse_error: ErrorParser,
    ) -> Result<Self, Error> {
        let mut url = Url::parse(base_url.trim()).map_err(|e| {
            Error::config(format!("{vendor} base URL `{base_url}` is not a valid URL: {e}"))
        })?;
        if url.cannot_be_a_base() || url.host().is_none() {
            return Err(Error::config(format!(
                "{vendor} base URL `{base_url}` must be an http(s) URL with a host"
            )));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::config(format!(
                "{vendor} base URL `{base_url}` must not carry a query or fragment"
            )));
        }
        check_scheme(&url, transport.allow_insecure_http)
            .map_err(|e| Error::config(format!("{vendor}: {e}")))?;
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        Ok(Self(Arc::new(Inner {
            transport,
            vendor,
            base_url: url,
            auth: Box::new(auth),
            parse_error,
        })))
    }

    pub(crate) fn vendor(&self) -> Vendor {
        self.0.vendor
    }

    pub(crate) fn base_url(&self) -> &Url {
        &self.0.base_url
    }

    pub(crate) fn timer(&self) -> &Arc<dyn Timer> {
        self.0.transport.timer()
    }

    pub(crate) fn transport(&self) -> &Transport {
        &self.0.transport
    }

    pub(crate) fn auth(&self) -> &dyn Authorize {
        self.0.auth.as_ref()
    }

    pub(crate) fn parse_error(&self, body: &[u8]) -> ErrorDetails {
        (self.0.parse_error)(body)
    }

    /// A request to `base_url` + `segments`, each segment percent-encoded.
    pub(crate) fn request(
        &self,
        operation: Operation,
        method: Method,
        segments: &[&str],
    ) -> Request {
        let mut url = self.0.base_url.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        Request::new(operation, method, url)
    }

    /// Sends a request and decodes the JSON answer.
    pub(crate) async fn send_json<T: DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<T, Error> {
        let operation = request.operation;
        let answer = self.send(request).await?;
        decode_json(operation, answer.status, answer.request_id.as_deref(), &answer.body)
    }
}

/// A vendor's place in a [`Client`](crate::Client): its endpoint when configured. Every
/// request builder asks it for the endpoint, so an unconfigured vendor fails at `send()`
/// with an error naming the builder method to call.
#[derive(Debug, Clone)]
pub(crate) struct EndpointSlot {
    vendor: Vendor,
    endpoint: Option<Endpoint>,
}

impl EndpointSlot {
    pub(crate) fn new(vendor: Vendor, endpoint: Option<Endpoint>) -> Self {
        Self { vendor, endpoint }
    }

    pub(crate) fn get(&self) -> Result<&Endpoint, Error> {
        self.endpoint.as_ref().ok_or(Error::NotConfigured(self.vendor))
    }

    pub(crate) fn is_configured(&self) -> bool {
        self.endpoint.is_some()
    }
}
