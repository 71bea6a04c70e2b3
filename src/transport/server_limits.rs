//! Pacing by the server's own rate-limit headers (`X-RateLimit-Limit`, `-Remaining`,
//! `-Reset` in seconds left in the window): a client that has used its window waits for
//! the reset instead of collecting 429s. A vendor names the window each request counts
//! against (its "bucket"); the endpoint asks before each attempt and tells after each
//! answer.

use std::{collections::HashMap, fmt, sync::Mutex, time::Duration};

use reqwest::{StatusCode, header::HeaderMap};
use tokio::time::Instant;

use super::Request;

/// What the server last said about one of its rate-limit windows.
///
/// ```no_run
/// use auditkit::reporter::RateTier;
///
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// client.reporter().list_templates().send().await?;
/// if let Some(reads) = client.reporter().rate_limit(RateTier::Reads) {
///     println!("{} of {} reads left for {:?}", reads.remaining(), reads.limit(), reads.reset_after());
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitStatus {
    limit: u32,
    remaining: u32,
    reset_after: Duration,
    seen_at: Instant,
}

impl RateLimitStatus {
    /// Requests allowed per window (`X-RateLimit-Limit`).
    pub fn limit(&self) -> u32 {
        self.limit
    }
    /// Requests left in the window (`X-RateLimit-Remaining`), less those the client has
    /// sent since.
    pub fn remaining(&self) -> u32 {
        self.remaining
    }
    /// How long the window had left when the server answered (`X-RateLimit-Reset`, or a
    /// 429's `Retry-After`), counted from [`seen_at`](Self::seen_at).
    pub fn reset_after(&self) -> Duration {
        self.reset_after
    }
    /// When the answer arrived, on the client's [`Timer`](crate::Timer).
    pub fn seen_at(&self) -> Instant {
        self.seen_at
    }

    fn resets_at(&self) -> Instant {
        self.seen_at.checked_add(self.reset_after).unwrap_or(self.seen_at)
    }
}

/// Which window a request counts against, or `None` for requests the server does not limit.
pub(crate) type BucketOf = fn(&Request) -> Option<&'static str>;

/// The windows of one vendor API, as its answers described them.
pub(crate) struct ServerLimits {
    bucket_of: BucketOf,
    windows: Mutex<HashMap<&'static str, RateLimitStatus>>,
}

impl fmt::Debug for ServerLimits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerLimits").finish_non_exhaustive()
    }
}

impl ServerLimits {
    pub(crate) fn new(bucket_of: BucketOf) -> Self {
        Self { bucket_of, windows: Mutex::new(HashMap::new()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<&'static str, RateLimitStatus>> {
        self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// What the server last said about window `bucket`.
    pub(crate) fn status(&self, bucket: &str) -> Option<RateLimitStatus> {
        self.lock().get(bucket).copied()
    }

    /// How long `request` must wait for its window to reset: nothing while the window has
    /// requests left (one is counted for this request) or once it has reset.
    pub(crate) fn pause_before(&self, request: &Request, now: Instant) -> Duration {
        let Some(bucket) = (self.bucket_of)(request) else { return Duration::ZERO };
        let mut windows = self.lock();
        let Some(window) = windows.get_mut(bucket) else { return Duration::ZERO };
        let resets_at = window.resets_at();
        if now >= resets_at {
            // A new window whose count the next answer will tell.
            windows.remove(bucket);
            return Duration::ZERO;
        }
        if window.remaining > 0 {
            window.remaining -= 1;
            return Duration::ZERO;
        }
        let wait = resets_at.saturating_duration_since(now);
        tracing::info!(
            bucket,
            ?wait,
            "the server's rate-limit window is used up; waiting for its reset"
        );
        wait
    }

    /// Reads the rate-limit headers of an answer to `request`; a 429's `Retry-After`
    /// (`retry_after`) says the window is used up until then. A reset further away than
    /// [`MAX_RESET`] is taken as that, with a warning: a server's number never makes the
    /// client stop for good.
    pub(crate) fn observe(
        &self,
        request: &Request,
        status: StatusCode,
        headers: &HeaderMap,
        retry_after: Option<Duration>,
        now: Instant,
    ) {
        let Some(bucket) = (self.bucket_of)(request) else { return };
        let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
        let heard = match (number("x-ratelimit-limit"), number("x-ratelimit-remaining")) {
            (Some(limit), Some(remaining)) => Some(RateLimitStatus {
                limit: u32::try_from(limit).unwrap_or(u32::MAX),
                remaining: u32::try_from(remaining).unwrap_or(u32::MAX),
                reset_after: capped(Duration::from_secs(number("x-ratelimit-reset").unwrap_or(0))),
                seen_at: now,
            }),
            _ => None,
        };
        let mut windows = self.lock();
        match (heard, status == StatusCode::TOO_MANY_REQUESTS, retry_after) {
            (_, true, Some(wait)) => {
                let limit = windows.get(bucket).map_or(0, |w| w.limit);
                let limit = heard.map_or(limit, |h| h.limit);
                windows.insert(
                    bucket,
                    RateLimitStatus {
                        limit,
                        remaining: 0,
                        reset_after: capped(wait),
                        seen_at: now,
                    },
                );
            }
            (Some(heard), _, _) => {
                windows.insert(bucket, heard);
            }
            (None, _, _) => {}
        }
    }
}

/// The longest a server's rate-limit window is believed to last. Reporter's windows are
/// 60 s; a reset announced further away is a server's mistake or hostility, not a reason
/// to stop sending for hours.
pub(crate) const MAX_RESET: Duration = Duration::from_secs(15 * 60);

/// `reset` at most [`MAX_RESET`], warning when the server asked for more.
fn capped(reset: Duration) -> Duration {
    if reset > MAX_RESET {
        tracing::warn!(
            asked = ?reset,
            used = ?MAX_RESET,
            "the server's rate-limit window would reset later than the SDK believes a window \
             lasts; waiting for the shorter time"
        );
        return MAX_RESET;
    }
    reset
}

#[cfg(test)]
mod tests {
    use reqwest::{Method, header::HeaderValue};

    use super::*;

    fn request(method: Method) -> Request {
        let op = crate::Operation::new(crate::Vendor::Reporter, "test");
        Request::new(op, method, url::Url::parse("https://h.test/v1/x").unwrap())
    }

    fn headers(limit: &'static str, remaining: &'static str, reset: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("x-ratelimit-limit", limit),
            ("x-ratelimit-remaining", remaining),
            ("x-ratelimit-reset", reset),
        ] {
            headers.insert(name, HeaderValue::from_static(value));
        }
        headers
    }

    fn start() -> Instant {
        crate::Timer::now(&crate::timer::VirtualTimer::new())
    }

    fn limits() -> ServerLimits {
        ServerLimits::new(|r| (r.method == Method::GET).then_some("reads"))
    }

    #[test]
    fn a_used_up_window_waits_for_its_reset_and_requests_left_are_counted_down() {
        let (limits, get, now) = (limits(), request(Method::GET), start());
        limits.observe(&get, StatusCode::OK, &headers("100", "2", "30"), None, now);
        assert_eq!(limits.pause_before(&get, now), Duration::ZERO);
        assert_eq!(limits.pause_before(&get, now), Duration::ZERO);
        let later = now + Duration::from_secs(10);
        assert_eq!(limits.pause_before(&get, later), Duration::from_secs(20));
        assert_eq!(limits.status("reads").map(|s| (s.limit(), s.remaining())), Some((100, 0)));
        assert_eq!(limits.pause_before(&get, now + Duration::from_secs(30)), Duration::ZERO);
        assert_eq!(limits.status("reads"), None, "a new window is unknown until answered");
    }

    #[test]
    fn a_429_closes_the_window_until_its_retry_after_and_unlimited_requests_never_wait() {
        let (limits, get, now) = (limits(), request(Method::GET), start());
        let wait = Some(Duration::from_secs(17));
        limits.observe(&get, StatusCode::TOO_MANY_REQUESTS, &HeaderMap::new(), wait, now);
        assert_eq!(limits.pause_before(&get, now), Duration::from_secs(17));
        let post = request(Method::POST);
        limits.observe(&post, StatusCode::TOO_MANY_REQUESTS, &HeaderMap::new(), wait, now);
        assert_eq!(limits.pause_before(&post, now), Duration::ZERO);
        limits.observe(&get, StatusCode::OK, &headers("x", "1", "5"), None, now);
        assert_eq!(limits.pause_before(&get, now), Duration::from_secs(17), "nonsense ignored");
    }

    #[test]
    fn a_reset_announced_hours_away_pauses_no_longer_than_the_cap() {
        let limits = limits();
        let get = request(Method::GET);
        let now = start();
        let far = headers("3", "0", "1000000000000");
        limits.observe(&get, StatusCode::OK, &far, None, now);
        assert_eq!(limits.pause_before(&get, now), MAX_RESET);
        let retry_in_a_year = Some(Duration::from_secs(365 * 24 * 3600));
        limits.observe(
            &get,
            StatusCode::TOO_MANY_REQUESTS,
            &HeaderMap::new(),
            retry_in_a_year,
            now,
        );
        assert_eq!(limits.pause_before(&get, now), MAX_RESET);
    }
}
