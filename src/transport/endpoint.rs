//! One vendor's API as the transport sees it: base URL, credentials, error format.

use std::{sync::Arc, time::Duration};

use reqwest::Method;
use url::Url;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{
    Authorize, Pacing, Protocol, Request, ServerLimits, Transport, check_scheme, failure::Failure,
    rate_limit::Bucket,
};
use crate::{Error, Jitter, Operation, Timer, Vendor};

/// A configured vendor API. Cheap to clone; shared by every request builder of the vendor.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    transport: Arc<Transport>,
    vendor: Vendor,
    base_url: Url,
    auth: Box<dyn Authorize>,
    protocol: Box<dyn Protocol>,
    /// Refuse redirects to another origin (a token endpoint's answer is a credential).
    own_origin_only: bool,
    /// Requests to this API in flight at once, at most: a buffered answer holds its place
    /// until read, a streamed one until its head has arrived.
    in_flight: Arc<Semaphore>,
    /// Streamed bodies of this API open at once, at most (as many as requests in flight):
    /// kept apart so that downloads left unread never hold up the other calls.
    open_bodies: Arc<Semaphore>,
    /// The vendor's client-side rate limit, if the user set one.
    rate: Option<Bucket>,
    /// The server's rate-limit windows as its answers describe them, for a vendor that
    /// sends `X-RateLimit-*` headers.
    server_limits: Option<Arc<ServerLimits>>,
    /// The vendor's published limits paced on the client, for a vendor whose answers do
    /// not describe them.
    pacing: Option<Pacing>,
}

impl Endpoint {
    /// Validates `base_url` (a URL that can take a path, https or loopback http) and makes
    /// sure it ends in `/` so paths are appended rather than replacing its last segment.
    pub(crate) fn new(
        transport: Arc<Transport>,
        vendor: Vendor,
        base_url: &str,
        auth: impl Authorize + 'static,
        protocol: impl Protocol,
    ) -> Result<Self, Error> {
        let shown = without_user_info(base_url.trim());
        let mut url = Url::parse(base_url.trim()).map_err(|e| {
            Error::config(format!("{vendor} base URL `{shown}` is not a valid URL: {e}"))
        })?;
        if url.cannot_be_a_base() || url.host().is_none() {
            return Err(Error::config(format!(
                "{vendor} base URL `{shown}` must be an http(s) URL with a host"
            )));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::config(format!(
                "{vendor} base URL `{shown}` carries a user name or password; give credentials \
                 to the vendor's `Credentials` instead, where they are kept secret and sent \
                 only to the vendor"
            )));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::config(format!(
                "{vendor} base URL `{shown}` must not carry a query or fragment"
            )));
        }
        check_scheme(&url, transport.allow_insecure_http)
            .map_err(|e| Error::config(format!("{vendor}: {e}")))?;
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        let rate = transport
            .rate_limits
            .iter()
            .find(|(limited, _)| *limited == vendor)
            .map(|(_, limit)| Bucket::new(*limit));
        Ok(Self(Arc::new(Inner {
            in_flight: Arc::new(Semaphore::new(transport.max_in_flight)),
            open_bodies: Arc::new(Semaphore::new(transport.max_in_flight)),
            rate,
            transport,
            vendor,
            base_url: url,
            auth: Box::new(auth),
            protocol: Box::new(protocol),
            own_origin_only: false,
            server_limits: None,
            pacing: None,
        })))
    }

    /// Waits for this API's rate limit and for a free place among its requests in flight;
    /// the place is held until the permit is dropped. The wait for a place ends with an
    /// error when the client's timeout passes first, and what it took is given back: the
    /// timeout left for the request itself.
    pub(crate) async fn admit(
        &self,
        operation: Operation,
    ) -> Result<(OwnedSemaphorePermit, Duration), Failure> {
        if let Some(bucket) = &self.0.rate {
            bucket.take(self.timer().as_ref()).await;
        }
        self.place(&self.0.in_flight, operation, "request slots").await
    }

    /// Waits for a place among this API's open streamed bodies, within the client's
    /// timeout; the place is held by the body until it is read or dropped.
    pub(crate) async fn open_body(
        &self,
        operation: Operation,
    ) -> Result<OwnedSemaphorePermit, Failure> {
        self.place(&self.0.open_bodies, operation, "places for open downloads")
            .await
            .map(|(permit, _)| permit)
    }

    async fn place(
        &self,
        places: &Arc<Semaphore>,
        operation: Operation,
        what: &str,
    ) -> Result<(OwnedSemaphorePermit, Duration), Failure> {
        let timeout = self.transport().timeout;
        let started = self.timer().now();
        // The semaphore is never closed: acquiring only waits, for at most the timeout.
        match tokio::time::timeout(timeout, Arc::clone(places).acquire_owned()).await {
            Ok(Ok(permit)) => {
                let waited = self.timer().now().saturating_duration_since(started);
                Ok((permit, timeout.saturating_sub(waited)))
            }
            Ok(Err(_)) | Err(_) => Err(Failure::no_place(
                operation,
                format!(
                    "none of the {} {what} of {} became free within the client's timeout of \
                     {timeout:?}: that many calls or unread downloads were holding them. Read \
                     or drop downloads you started, or raise `ClientBuilder::max_in_flight`",
                    self.transport().max_in_flight,
                    self.vendor()
                ),
            )),
        }
    }

    /// The same endpoint, refusing every redirect to another origin: for a token endpoint,
    /// whose answer is a credential the SDK then sends to the vendor. Called right after
    /// [`new`](Self::new), while the endpoint is not shared yet.
    pub(crate) fn own_origin_only(mut self) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.0) {
            inner.own_origin_only = true;
        }
        self
    }

    /// The same endpoint, pacing itself by the server's rate-limit headers: each request
    /// waits when the window `limits` puts it in is used up. Called right after
    /// [`new`](Self::new), while the endpoint is not shared yet.
    pub(crate) fn paced_by_server(mut self, limits: Arc<ServerLimits>) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.0) {
            inner.server_limits = Some(limits);
        }
        self
    }

    /// The same endpoint, pacing itself by `pacing` (a vendor's published limits). Called
    /// right after [`new`](Self::new), while the endpoint is not shared yet.
    pub(crate) fn paced_by_client(mut self, pacing: Pacing) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.0) {
            inner.pacing = Some(pacing);
        }
        self
    }

    /// The vendor's published limits, when the endpoint paces itself by them.
    pub(crate) fn pacing(&self) -> Option<&Pacing> {
        self.0.pacing.as_ref()
    }

    /// Whether the user set this vendor's [`RateLimit`](super::RateLimit) on the client.
    pub(crate) fn has_user_rate_limit(&self) -> bool {
        self.0.rate.is_some()
    }

    /// The server's rate-limit windows, when the endpoint paces itself by them.
    pub(crate) fn server_limits(&self) -> Option<&Arc<ServerLimits>> {
        self.0.server_limits.as_ref()
    }

    pub(crate) fn refuses_other_origins(&self) -> bool {
        self.0.own_origin_only
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

    pub(crate) fn jitter(&self) -> &Jitter {
        self.0.transport.jitter()
    }

    pub(crate) fn transport(&self) -> &Transport {
        &self.0.transport
    }

    pub(crate) fn auth(&self) -> &dyn Authorize {
        self.0.auth.as_ref()
    }

    pub(crate) fn protocol(&self) -> &dyn Protocol {
        self.0.protocol.as_ref()
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
}

/// `text` with anything between `scheme://` and an `@` in its authority replaced by `***`,
/// so an error about a URL never shows a password that was written into it.
fn without_user_info(text: &str) -> String {
    let Some((scheme, rest)) = text.split_once("://") else { return text.to_owned() };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***{}", &rest[at..]),
        None => text.to_owned(),
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

    /// The client's timer; tokio's when the vendor is not configured (its requests then
    /// fail with [`Error::NotConfigured`] before any wait).
    pub(crate) fn timer(&self) -> Arc<dyn Timer> {
        match &self.endpoint {
            Some(endpoint) => Arc::clone(endpoint.timer()),
            None => Arc::new(crate::timer::TokioTimer),
        }
    }
}

#[cfg(test)]
impl EndpointSlot {
    /// A configured slot on a client with `timer` and `jitter`, for tests of the generic
    /// machinery; nothing listens at its URL.
    pub(crate) fn for_tests(timer: Arc<dyn Timer>, jitter: Jitter) -> Self {
        use super::{ErrorBody, StaticHeader, TransportSettings};
        let transport = Transport::new(TransportSettings {
            retry: crate::RetryPolicy::default(),
            timeout: std::time::Duration::from_secs(1),
            connect_timeout: std::time::Duration::from_secs(1),
            allow_insecure_http: false,
            timer,
            jitter,
            max_answer_size: 1 << 20,
            max_in_flight: 32,
            rate_limits: Vec::new(),
        });
        let endpoint = transport.and_then(|transport| {
            Endpoint::new(
                Arc::new(transport),
                Vendor::EnergyCap,
                "http://127.0.0.1:9/",
                StaticHeader::default(),
                ErrorBody::GENERIC,
            )
        });
        Self { vendor: Vendor::EnergyCap, endpoint: endpoint.ok() }
    }
}

#[cfg(test)]
mod tests {
    use super::without_user_info;

    #[test]
    fn user_info_is_hidden_in_urls_shown_in_errors() {
        assert_eq!(without_user_info("https://u:p4ss@host/x"), "https://***@host/x");
        assert_eq!(without_user_info("https://host/x@y"), "https://host/x@y");
        assert_eq!(without_user_info("https://a@b@host:bad"), "https://***@host:bad");
        assert_eq!(without_user_info("no scheme"), "no scheme");
    }
}
