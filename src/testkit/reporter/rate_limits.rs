//! Reporter's rate limiter (fiber's fixed-window limiter, per client IP): one window for
//! downloads, one for writes, one for the rest; health, readiness and version unlimited.
//! A request that fits gets `X-RateLimit-Limit`, `-Remaining` and `-Reset` (seconds left
//! in the window); one over the limit gets 429 `TPL-0429` with `Retry-After` set to the
//! seconds left in the window.

use std::{collections::HashMap, time::Duration};

use chrono::{DateTime, TimeDelta, Utc};
use hyper::{Method, StatusCode, header::{HeaderName, RETRY_AFTER}};

use super::refusal::error;
use crate::testkit::sim::{SimRequest, SimResponse};

/// The limits per window, and the window's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    pub(crate) reads: u32,
    pub(crate) downloads: u32,
    pub(crate) writes: u32,
    pub(crate) window: Duration,
}

/// The windows counted so far: when each started, and its requests.
#[derive(Debug, Default)]
pub(super) struct Windows(HashMap<&'static str, (DateTime<Utc>, u32)>);

/// What the limiter says about one request.
#[derive(Debug)]
pub(super) enum Admission {
    /// Unlimited (health, readiness, version).
    Free,
    /// Within its window: the headers to add to the answer.
    Counted { limit: u32, remaining: u32, reset: u64 },
    /// Over the limit: the answer.
    Refused(SimResponse),
}

impl Windows {
    pub(super) fn admit(&mut self, limits: &Limits, request: &SimRequest) -> Admission {
        let path = request.path.as_str();
        if ["/manager/health", "/manager/ready", "/manager/version"].contains(&path) {
            return Admission::Free;
        }
        let (bucket, limit) = if path.ends_with("/download") {
            ("export", limits.downloads)
        } else if [Method::POST, Method::PUT, Method::PATCH, Method::DELETE].contains(&request.method) {
            ("dispatch", limits.writes)
        } else {
            ("global", limits.reads)
        };
        let window = TimeDelta::from_std(limits.window).unwrap_or(TimeDelta::seconds(60));
        let now = request.now;
        let (started, hits) = self.0.entry(bucket).or_insert((now, 0));
        if now >= *started + window {
            (*started, *hits) = (now, 0);
        }
        *hits = hits.saturating_add(1);
        let left = (*started + window - now).to_std().unwrap_or_default();
        // Whole seconds, rounded up, as a client should wait at least that long.
        let reset = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        if *hits > limit {
            let refusal = error(
                StatusCode::TOO_MANY_REQUESTS,
                "TPL-0429",
                "Too Many Requests",
                &format!("Rate limit exceeded. Please retry after {} seconds.", limits.window.as_secs()),
            );
            return Admission::Refused(refusal.with_header(RETRY_AFTER, &reset.to_string()));
        }
        Admission::Counted { limit, remaining: limit - *hits, reset }
    }
}

impl Admission {
    /// `response` with the window's headers, when the request was counted.
    pub(super) fn stamp(self, response: SimResponse) -> SimResponse {
        let Admission::Counted { limit, remaining, reset } = self else { return response };
        let header = |name: &'static str| HeaderName::from_static(name);
        response
            .with_header(header("x-ratelimit-limit"), &limit.to_string())
            .with_header(header("x-ratelimit-remaining"), &remaining.to_string())
            .with_header(header("x-ratelimit-reset"), &reset.to_string())
    }
}
