//! Credentials, added to each request that goes to the vendor's own origin.

use std::fmt;

use futures::future::BoxFuture;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::{Error, Secret};

/// Adds a vendor's credentials to a request's headers.
///
/// Called once per attempt and only for the vendor's own origin, so a token source may
/// refresh between retries and a redirect elsewhere gets nothing.
pub(crate) trait Authorize: Send + Sync + fmt::Debug {
    fn authorize<'a>(
        &'a self,
        http: &'a reqwest::Client,
        headers: &'a mut HeaderMap,
    ) -> BoxFuture<'a, Result<(), Error>>;

    /// The server refused `sent` (a 401): forget it if it can be renewed, and say whether
    /// the next attempt will carry a renewed credential. Fixed credentials cannot be.
    fn reject(&self, _sent: &HeaderValue) -> bool {
        false
    }
}

/// Fixed headers such as `ECI-ApiKey: …` or `Authorization: Basic …`. Values built from a
/// [`Secret`] are marked sensitive; `Debug` shows only the header names.
#[derive(Default)]
pub(crate) struct StaticHeader {
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl StaticHeader {
    pub(crate) fn new(name: HeaderName, value: HeaderValue) -> Self {
        Self::default().with(name, value)
    }

    pub(crate) fn with(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }
}

impl fmt::Debug for StaticHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("StaticHeader").field("names", &names).finish_non_exhaustive()
    }
}

impl Authorize for StaticHeader {
    fn authorize<'a>(
        &'a self,
        _http: &'a reqwest::Client,
        headers: &'a mut HeaderMap,
    ) -> BoxFuture<'a, Result<(), Error>> {
        for (name, value) in &self.headers {
            headers.insert(name.clone(), value.clone());
        }
        Box::pin(std::future::ready(Ok(())))
    }
}

/// `Authorization: Basic base64(user:password)` (RFC 7617), marked sensitive.
pub(crate) fn basic_auth(
    username: &str,
    password: &Secret,
    what: &str,
) -> Result<HeaderValue, Error> {
    let encoded = crate::base64::encode(format!("{username}:{}", password.expose()).as_bytes());
    Secret::new(encoded).header_value("Basic ", what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_is_sensitive() {
        let value = basic_auth("Aladdin", &Secret::new("open sesame"), "test").unwrap();
        assert_eq!(value.to_str().unwrap(), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert!(value.is_sensitive());
    }
}
