//! A vendor's published limits applied on the client, for a vendor that sends no
//! rate-limit headers: a token bucket per class of request (reads, writes) and a daily
//! quota, shared by every call of the client. Reuses the [`RateLimit`] bucket of
//! `ClientBuilder::rate_limit`, which, when the user set one for the vendor, replaces the
//! buckets here (the daily quota still counts).

use std::fmt;

use chrono::{DateTime, Utc};

use super::{
    QuotaStatus, RateLimit, Request, daily_quota::DailyQuota, failure::Failure, rate_limit::Bucket,
    server_limits::BucketOf,
};
use crate::{
    Error, Timer,
    error::{TransportError, TransportErrorKind},
};

/// The limits one vendor API publishes, paced on the client.
pub(crate) struct Pacing {
    /// Whose limits these are, as errors name them ("Everbridge's Bronze tier").
    pub(crate) source: String,
    /// What to do once the daily quota is used up, said in the error.
    pub(crate) advice: &'static str,
    bucket_of: BucketOf,
    buckets: Vec<(&'static str, Bucket)>,
    daily: Option<DailyQuota>,
}

impl fmt::Debug for Pacing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pacing")
            .field("source", &self.source)
            .field("buckets", &self.buckets)
            .field("daily", &self.daily)
            .finish_non_exhaustive()
    }
}

impl Pacing {
    pub(crate) fn new(source: String, advice: &'static str, bucket_of: BucketOf) -> Self {
        Self { source, advice, bucket_of, buckets: Vec::new(), daily: None }
    }

    /// Paces the requests `bucket_of` puts in `bucket` at `limit`.
    pub(crate) fn bucket(mut self, bucket: &'static str, limit: RateLimit) -> Self {
        self.buckets.push((bucket, Bucket::new(limit)));
        self
    }

    /// Refuses requests past `limit` a UTC day.
    pub(crate) fn daily(mut self, limit: u64) -> Self {
        self.daily = Some(DailyQuota::new(limit));
        self
    }

    /// The daily quota as counted at `now`, if there is one.
    pub(crate) fn quota(&self, now: DateTime<Utc>) -> Option<QuotaStatus> {
        self.daily.as_ref().map(|daily| daily.status(now))
    }

    /// Counts `request` against the daily quota (refusing it when the day's quota is used
    /// up), then waits for its bucket, unless `user_bucket` says the user's own
    /// [`RateLimit`] paces this vendor instead.
    pub(crate) async fn admit(
        &self,
        request: &Request,
        timer: &dyn Timer,
        user_bucket: bool,
    ) -> Result<(), Failure> {
        if let Some(daily) = &self.daily {
            match daily.take(timer.wall_clock()) {
                Err(used) => return Err(Failure::Fatal(self.quota_used_up(request, used))),
                Ok(counted) if counted.used() == nine_tenths(counted.limit()) => {
                    self.warn_running_low(request, counted);
                }
                Ok(_) => {}
            }
        }
        if user_bucket {
            return Ok(());
        }
        let name = (self.bucket_of)(request);
        if let Some((_, bucket)) = self.buckets.iter().find(|(bucket, _)| Some(*bucket) == name) {
            bucket.take(timer).await;
        }
        Ok(())
    }

    /// Refuses, before its first request, work that needs at least `needed` requests when
    /// fewer are left of the day's quota at `now`: better said at the start than halfway.
    pub(crate) fn check_ahead(
        &self,
        operation: crate::Operation,
        needed: u64,
        what: &str,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let Some(quota) = self.quota(now) else { return Ok(()) };
        if needed <= quota.left() {
            return Ok(());
        }
        let message = format!(
            "not started: {what} needs at least {needed} requests, but only {} of {}'s daily \
             quota of {} are left for {} (UTC, as this client counted); it starts again at {}. {}",
            quota.left(),
            self.source,
            quota.limit(),
            quota.day(),
            quota.resets_at().format("%Y-%m-%dT%H:%M:%SZ"),
            self.advice
        );
        tracing::warn!(%operation, needed, left = quota.left(), "{message}");
        Err(Error::Transport(Box::new(TransportError {
            operation,
            kind: TransportErrorKind::QuotaExhausted,
            message,
            attempts: 0,
            source: None,
        })))
    }

    /// Once a day, when nine tenths of the quota are used: a backfill that will run out
    /// is said before it stops, while there is still time to pause it or raise the tier.
    fn warn_running_low(&self, request: &Request, counted: QuotaStatus) {
        tracing::warn!(
            operation = %request.operation,
            used = counted.used(),
            limit = counted.limit(),
            "{} of {}'s daily quota of {} requests are used for {} (UTC, as this client \
             counted); {} are left until {}, then requests are refused until the quota is \
             back. {}",
            counted.used(),
            self.source,
            counted.limit(),
            counted.day(),
            counted.left(),
            counted.resets_at().format("%Y-%m-%dT%H:%M:%SZ"),
            self.advice
        );
    }

    fn quota_used_up(&self, request: &Request, used: QuotaStatus) -> Error {
        let message = format!(
            "not sent: {}'s daily quota of {} requests is used up for {} (UTC days, as this \
             client counted them); it starts again at {}. {}",
            self.source,
            used.limit(),
            used.day(),
            used.resets_at().format("%Y-%m-%dT%H:%M:%SZ"),
            self.advice
        );
        tracing::warn!(operation = %request.operation, limit = used.limit(), "{message}");
        Error::Transport(Box::new(TransportError {
            operation: request.operation,
            kind: TransportErrorKind::QuotaExhausted,
            message,
            attempts: 1,
            source: None,
        }))
    }
}

/// The count at which the quota is running low: nine tenths of it (at least 1).
fn nine_tenths(limit: u64) -> u64 {
    (limit - limit / 10).max(1)
}
