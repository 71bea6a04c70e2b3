//! Everbridge's published rate tiers, paced on the client: Everbridge limits each
//! organisation per second and per day, answers 429 without `Retry-After` and sends no
//! rate-limit headers, so the client keeps to the tier itself.

use reqwest::Method;

use crate::{
    RateLimit,
    transport::{Pacing, Request},
};

/// The rate tier of an Everbridge organisation; the client paces itself to it. Default
/// [`RateTier::bronze`], Everbridge's default tier; moving up needs Everbridge's approval.
///
/// | tier | reads (GET, DELETE) / s | read burst | writes / s | write burst | requests a day |
/// |---|---|---|---|---|---|
/// | Bronze | 10 | 25 | 20 | 35 | 50,000 |
/// | Silver | 20 | 35 | 35 | 50 | 100,000 |
/// | Gold | 35 | 50 | 50 | 75 | 500,000 |
///
/// The limits are the organisation's: every call and every month window of a client share
/// one pace, and clients of the same organisation in other processes should split the
/// tier between them ([`reads`](Self::reads), [`daily_quota`](Self::daily_quota)).
/// Every attempt counts, retries included (the token requests of the OAuth grants, one
/// every 8 hours, are not counted). Once the day's quota (counted in UTC days by
/// the client; Everbridge does not say when its day starts) is used up, a request is
/// refused before it is sent with an [`Error::Transport`](crate::Error::Transport) of kind
/// [`QuotaExhausted`](crate::TransportErrorKind::QuotaExhausted), and a listing that needs
/// more than is left says so before its first request.
/// [`ClientBuilder::rate_limit`](crate::ClientBuilder::rate_limit) for
/// [`Vendor::Everbridge`](crate::Vendor::Everbridge) replaces the per-second pace (the
/// daily quota still counts).
///
/// ```
/// use auditkit::everbridge::{Config, Credentials, RateTier, Region};
///
/// let gold = Config::new(Region::Us, Credentials::client_credentials("id", "secret"))
///     .rate_tier(RateTier::gold());
/// // Two collectors on one Bronze organisation: half the tier each.
/// let half = RateTier::bronze().reads(5.0, 12).daily_quota(25_000);
/// assert_eq!(half.daily_quota_limit(), 25_000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[must_use]
pub struct RateTier {
    name: &'static str,
    reads: (f64, u32),
    writes: (f64, u32),
    daily: u64,
}

impl Default for RateTier {
    fn default() -> Self {
        Self::bronze()
    }
}

impl RateTier {
    /// Bronze, the default: 10 reads a second in bursts of 25, 20 writes in bursts of 35,
    /// 50,000 requests a day.
    pub fn bronze() -> Self {
        Self { name: "Bronze", reads: (10.0, 25), writes: (20.0, 35), daily: 50_000 }
    }

    /// Silver: 20 reads a second in bursts of 35, 35 writes in bursts of 50, 100,000
    /// requests a day.
    pub fn silver() -> Self {
        Self { name: "Silver", reads: (20.0, 35), writes: (35.0, 50), daily: 100_000 }
    }

    /// Gold: 35 reads a second in bursts of 50, 50 writes in bursts of 75, 500,000
    /// requests a day.
    pub fn gold() -> Self {
        Self { name: "Gold", reads: (35.0, 50), writes: (50.0, 75), daily: 500_000 }
    }

    /// No pacing and no daily quota: for a test server, or a gateway of your own that
    /// already keeps the organisation to its tier. Against Everbridge itself, the 429s
    /// (without `Retry-After`) then come back and are retried with backoff.
    ///
    /// ```
    /// use auditkit::everbridge::RateTier;
    /// assert_eq!(RateTier::unlimited().daily_quota_limit(), u64::MAX);
    /// ```
    pub fn unlimited() -> Self {
        let free = (f64::INFINITY, u32::MAX);
        Self { name: "unlimited", reads: free, writes: free, daily: u64::MAX }
    }

    /// Reads (GET and DELETE) at `per_second` on average, in bursts of `burst`.
    pub fn reads(mut self, per_second: f64, burst: u32) -> Self {
        self.reads = (per_second, burst);
        self
    }

    /// Requests a day, all methods (at least 1).
    pub fn daily_quota(mut self, requests: u64) -> Self {
        self.daily = requests.max(1);
        self
    }

    /// Requests a day this tier allows.
    pub fn daily_quota_limit(&self) -> u64 {
        self.daily
    }

    /// Reads a second, on average.
    pub fn reads_per_second(&self) -> f64 {
        self.reads.0
    }

    /// Reads at once after a quiet spell.
    pub fn read_burst(&self) -> u32 {
        self.reads.1
    }

    /// The tier's name (`Bronze`, `Silver`, `Gold`, `unlimited`).
    pub fn name(&self) -> &'static str {
        self.name
    }

    pub(super) fn pacing(self) -> Pacing {
        let limit =
            |(per_second, burst): (f64, u32)| RateLimit::per_second(per_second).burst(burst);
        Pacing::new(
            format!("Everbridge's {} tier", self.name),
            "Resume from the listing's continuation then, split the work over several days, \
             or ask Everbridge for a higher tier and set it with `Config::rate_tier`",
            bucket_of,
        )
        .bucket("reads", limit(self.reads))
        .bucket("writes", limit(self.writes))
        .daily(self.daily)
    }
}

/// Everbridge counts GET and DELETE as reads, POST, PUT and PATCH as writes.
fn bucket_of(request: &Request) -> Option<&'static str> {
    if [Method::GET, Method::DELETE, Method::HEAD].contains(&request.method) {
        Some("reads")
    } else {
        Some("writes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_tiers_and_their_methods() {
        let tiers = [RateTier::bronze(), RateTier::silver(), RateTier::gold()];
        let daily: Vec<u64> = tiers.iter().map(RateTier::daily_quota_limit).collect();
        assert_eq!(daily, [50_000, 100_000, 500_000]);
        assert_eq!(tiers.map(|t| t.reads), [(10.0, 25), (20.0, 35), (35.0, 50)]);
        assert_eq!(RateTier::default(), RateTier::bronze());
        let free = RateTier::unlimited();
        assert_eq!((free.reads_per_second(), free.read_burst()), (f64::INFINITY, u32::MAX));
        let op = crate::Operation::new(crate::Vendor::Everbridge, "test");
        let of = |method| {
            bucket_of(&Request::new(op, method, url::Url::parse("https://h.test/rest/x").unwrap()))
        };
        assert_eq!(
            (of(Method::GET), of(Method::DELETE), of(Method::POST)),
            (Some("reads"), Some("reads"), Some("writes"))
        );
    }
}
