//! Reporter's rate-limit windows: per client IP, one for downloads, one for writes, one for
//! everything else; health, readiness and version are not limited.

use reqwest::Method;

use crate::transport::Request;

/// One of Reporter's rate-limit windows. Each is counted per client IP over a fixed window
/// (60 s by default; 100 reads, 10 downloads, 50 writes, all configurable on the server).
///
/// Every successful answer carries its window's `X-RateLimit-Limit`, `-Remaining` and
/// `-Reset` (the seconds left in the window); the client keeps the last of each window
/// ([`Service::rate_limit`](super::Service::rate_limit)) and, once a window is used up,
/// holds the next request of that window until it resets instead of collecting 429s. A
/// 429's `Retry-After` (also the seconds left in the window) closes the window the same
/// way for every request of the client.
///
/// ```
/// use auditkit::reporter::RateTier;
/// assert_ne!(RateTier::Downloads, RateTier::Reads);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RateTier {
    /// `GET` requests other than downloads (Reporter's "global" limit).
    Reads,
    /// `GET v1/reports/{id}/download` (Reporter's "export" limit).
    Downloads,
    /// `POST`, `PUT`, `PATCH` and `DELETE` (Reporter's "dispatch" limit).
    Writes,
}

impl RateTier {
    pub(super) fn bucket(self) -> &'static str {
        match self {
            RateTier::Reads => "global",
            RateTier::Downloads => "export",
            RateTier::Writes => "dispatch",
        }
    }
}

/// The window `request` counts against, as Reporter's rate limiter decides it.
pub(super) fn bucket_of(request: &Request) -> Option<&'static str> {
    let path = request.url.path();
    if ["/health", "/ready", "/version"].iter().any(|unlimited| path.ends_with(unlimited)) {
        return None;
    }
    let tier = if path.ends_with("/download") {
        RateTier::Downloads
    } else if [Method::POST, Method::PUT, Method::PATCH, Method::DELETE].contains(&request.method) {
        RateTier::Writes
    } else {
        RateTier::Reads
    };
    Some(tier.bucket())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_writes_and_reads_each_have_their_window_and_health_has_none() {
        let op = crate::Operation::new(crate::Vendor::Reporter, "test");
        let of = |method: Method, path: &str| {
            let url = url::Url::parse(&format!("https://h.test/manager{path}")).unwrap();
            bucket_of(&Request::new(op, method, url))
        };
        assert_eq!(of(Method::GET, "/v1/reports/r/download"), Some("export"));
        assert_eq!(of(Method::POST, "/v1/templates"), Some("dispatch"));
        assert_eq!(of(Method::DELETE, "/v1/templates/t"), Some("dispatch"));
        assert_eq!(of(Method::GET, "/v1/reports"), Some("global"));
        assert_eq!(of(Method::GET, "/ready"), None);
        assert_eq!(of(Method::GET, "/version"), None);
    }
}
