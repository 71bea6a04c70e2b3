//! What the Everbridge simulator does in front of the audit log, as Everbridge's API
//! gateway does: a rate tier per organisation (429 `{"message"}` without `Retry-After` or
//! rate-limit headers, by the second and by the day) and the gateway's 29-second timeout
//! on slow ranges (504 `{"message": "Endpoint request timed out"}`).

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use hyper::StatusCode;

use super::refusal::Refusal;

/// A tier as the simulator enforces it: reads a second, burst, requests a day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Tier {
    pub(crate) per_second: f64,
    pub(crate) burst: u32,
    pub(crate) daily: u64,
}

/// The organisation's counts under its tier.
#[derive(Debug, Default)]
pub(super) struct Counts {
    /// Tokens left in the bucket, and when they were counted.
    tokens: Option<(f64, DateTime<Utc>)>,
    /// The UTC day counted and its requests.
    day: Option<(NaiveDate, u64)>,
    /// Requests refused with a 429.
    pub(super) refused: u64,
}

impl Counts {
    /// Counts a request at `now` under `tier`, or refuses it as Everbridge's gateway does.
    pub(super) fn admit(&mut self, tier: Tier, now: DateTime<Utc>) -> Result<(), Refusal> {
        let today = now.date_naive();
        let used = match self.day {
            Some((day, used)) if day == today => used,
            _ => 0,
        };
        let too_many = |counts: &mut Counts, message: &'static str| {
            counts.refused += 1;
            Err(Refusal::Gateway { status: StatusCode::TOO_MANY_REQUESTS, message })
        };
        if used >= tier.daily {
            return too_many(self, "Limit Exceeded");
        }
        let (tokens, at) = self.tokens.unwrap_or((f64::from(tier.burst), now));
        let elapsed = (now - at).max(TimeDelta::zero());
        let seconds = elapsed.num_microseconds().unwrap_or(i64::MAX) as f64 / 1e6;
        let tokens = (tokens + seconds * tier.per_second).min(f64::from(tier.burst));
        if tokens < 1.0 {
            self.tokens = Some((tokens, now));
            return too_many(self, "Too Many Requests");
        }
        self.tokens = Some((tokens - 1.0, now));
        self.day = Some((today, used + 1));
        Ok(())
    }

    /// Requests counted on the UTC day of `now`.
    #[cfg(test)]
    fn today(&self, now: DateTime<Utc>) -> u64 {
        match self.day {
            Some((day, used)) if day == now.date_naive() => used,
            _ => 0,
        }
    }
}

/// The gateway's answer to a request its integration did not answer within 29 s.
pub(super) fn gateway_timeout() -> Refusal {
    Refusal::Gateway { status: StatusCode::GATEWAY_TIMEOUT, message: "Endpoint request timed out" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_the_rate_then_the_day() {
        let tier = Tier { per_second: 10.0, burst: 3, daily: 5 };
        let now = crate::datetime::parse("2026-05-04T12:00:00").unwrap();
        let mut counts = Counts::default();
        for _ in 0..3 {
            counts.admit(tier, now).unwrap();
        }
        assert!(counts.admit(tier, now).is_err(), "the burst is spent");
        let later = now + TimeDelta::milliseconds(200);
        counts.admit(tier, later).unwrap();
        counts.admit(tier, later).unwrap();
        let much_later = now + TimeDelta::seconds(10);
        let limit_exceeded =
            Refusal::Gateway { status: StatusCode::TOO_MANY_REQUESTS, message: "Limit Exceeded" };
        assert_eq!(counts.admit(tier, much_later), Err(limit_exceeded));
        assert_eq!((counts.refused, counts.today(much_later)), (2, 5));
        assert!(counts.admit(tier, now + TimeDelta::days(1)).is_ok(), "a new day");
    }
}
