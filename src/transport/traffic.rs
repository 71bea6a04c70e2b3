//! [`Traffic`]: what one client sent and heard, per vendor, counted as it happens, so a
//! program can export metrics and compare its clock with the servers'.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};

use chrono::{DateTime, TimeDelta, Utc};

use crate::Vendor;

/// What one [`Client`](crate::Client) sent to a vendor and heard back, since it was built:
/// a snapshot from [`Client::traffic`](crate::Client::traffic).
///
/// The counts only grow, which is what a Prometheus counter expects; the clock offset is
/// the latest seen.
///
/// ```
/// use auditkit::{Client, Vendor};
///
/// let client = Client::builder().build()?;
/// let traffic = client.traffic(Vendor::Qualtrics);
/// assert_eq!(traffic.requests, 0);
/// assert_eq!(traffic.server_clock_offset, None);
/// # Ok::<(), auditkit::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Traffic {
    /// HTTP requests sent: every attempt and every redirect hop, token requests included.
    pub requests: u64,
    /// Attempts repeated after a failure the retry policy deemed worth repeating.
    pub retries: u64,
    /// Answers with status 429 Too Many Requests.
    pub rate_limited: u64,
    /// The vendor's clock minus this client's (its [`Timer`](crate::Timer)'s wall clock),
    /// from the `Date` header of the latest answer that had a readable one: positive when
    /// the local clock is behind the server's. `Date` has whole seconds, so a second either
    /// way is noise. `None` until such an answer arrives.
    pub server_clock_offset: Option<TimeDelta>,
}

/// The live counters behind [`Traffic`], shared by every vendor of one client.
#[derive(Debug, Default)]
pub(crate) struct TrafficCounters {
    vendors: [VendorCounters; 4],
}

#[derive(Debug, Default)]
struct VendorCounters {
    requests: AtomicU64,
    retries: AtomicU64,
    rate_limited: AtomicU64,
    offset_millis: AtomicI64,
    offset_seen: AtomicBool,
}

impl TrafficCounters {
    fn of(&self, vendor: Vendor) -> &VendorCounters {
        &self.vendors[match vendor {
            Vendor::EnergyCap => 0,
            Vendor::Reporter => 1,
            Vendor::Qualtrics => 2,
            Vendor::Everbridge => 3,
        }]
    }

    pub(crate) fn request(&self, vendor: Vendor) {
        self.of(vendor).requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn retry(&self, vendor: Vendor) {
        self.of(vendor).retries.fetch_add(1, Ordering::Relaxed);
    }

    /// An answer's status and `Date` header, read at `now` on the client's clock; returns
    /// the offset recorded, if the `Date` was readable.
    pub(crate) fn answer(
        &self,
        vendor: Vendor,
        status: reqwest::StatusCode,
        date: Option<&reqwest::header::HeaderValue>,
        now: DateTime<Utc>,
    ) -> Option<TimeDelta> {
        let counters = self.of(vendor);
        if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            counters.rate_limited.fetch_add(1, Ordering::Relaxed);
        }
        let server =
            date.and_then(|value| value.to_str().ok()).and_then(crate::retry::http_date)?;
        let offset = (server - now).num_milliseconds();
        counters.offset_millis.store(offset, Ordering::Relaxed);
        counters.offset_seen.store(true, Ordering::Release);
        Some(TimeDelta::milliseconds(offset))
    }

    pub(crate) fn snapshot(&self, vendor: Vendor) -> Traffic {
        let counters = self.of(vendor);
        let seen = counters.offset_seen.load(Ordering::Acquire);
        Traffic {
            requests: counters.requests.load(Ordering::Relaxed),
            retries: counters.retries.load(Ordering::Relaxed),
            rate_limited: counters.rate_limited.load(Ordering::Relaxed),
            server_clock_offset: seen
                .then(|| TimeDelta::milliseconds(counters.offset_millis.load(Ordering::Relaxed))),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use reqwest::{StatusCode, header::HeaderValue};

    use super::*;

    #[test]
    fn counts_are_per_vendor_and_the_offset_is_the_servers_clock_minus_ours() {
        let counters = TrafficCounters::default();
        let now = Utc.with_ymd_and_hms(1994, 11, 6, 8, 49, 0).unwrap();
        counters.request(Vendor::Qualtrics);
        counters.request(Vendor::Qualtrics);
        counters.retry(Vendor::Qualtrics);
        let date = HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT");
        counters.answer(Vendor::Qualtrics, StatusCode::TOO_MANY_REQUESTS, Some(&date), now);
        counters.answer(Vendor::Everbridge, StatusCode::OK, None, now);
        let qualtrics = counters.snapshot(Vendor::Qualtrics);
        assert_eq!((qualtrics.requests, qualtrics.retries, qualtrics.rate_limited), (2, 1, 1));
        assert_eq!(qualtrics.server_clock_offset, Some(TimeDelta::seconds(37)));
        assert_eq!(counters.snapshot(Vendor::Everbridge), Traffic::default());
        // An unreadable `Date` leaves the last offset as it was.
        let nonsense = HeaderValue::from_static("yesterday");
        counters.answer(Vendor::Qualtrics, StatusCode::OK, Some(&nonsense), now);
        assert_eq!(
            counters.snapshot(Vendor::Qualtrics).server_clock_offset,
            Some(TimeDelta::seconds(37))
        );
    }
}
