//! Whether one failed attempt is worth another, as a list of early returns in priority
//! order (after gax's `Aip194Strict::on_error`).

use reqwest::StatusCode;

use crate::{error::is_retryable_status, idempotency::Idempotency};

/// What went wrong with one attempt, as far as the retry decision cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FailureClass {
    /// Nothing reached the server (the connection failed): always safe to send again.
    NotSent,
    /// The request may have reached the server, then the answer was lost (a timeout, a
    /// cut-off body).
    Transient,
    /// The server answered with a failure.
    Answered { status: StatusCode, hint: RetryHint },
    /// Repeating cannot help (a redirect refused, a token source that failed).
    Permanent,
}

/// What a vendor's protocol says about one failed answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum RetryHint {
    /// Decide by the status ([`is_retryable_status`]).
    #[default]
    ByStatus,
    /// Worth another attempt whatever the status (a "still in flight" 409).
    Retry,
    /// Not worth another attempt whatever the status.
    Stop,
}

/// The retry decision: a request that never left is always sent again; one that left is
/// sent again only when repeating it does no harm and the failure is transient.
pub(crate) fn should_retry(failure: FailureClass, idempotency: &Idempotency) -> bool {
    match failure {
        FailureClass::Permanent => false,
        FailureClass::NotSent => true,
        _ if !idempotency.allows_resend() => false,
        FailureClass::Transient => true,
        FailureClass::Answered { hint: RetryHint::Retry, .. } => true,
        FailureClass::Answered { hint: RetryHint::Stop, .. } => false,
        FailureClass::Answered { status, hint: RetryHint::ByStatus } => is_retryable_status(status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::IdempotencyKey;

    fn answered(code: u16, hint: RetryHint) -> FailureClass {
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::IM_A_TEAPOT);
        FailureClass::Answered { status, hint }
    }

    fn keyed() -> Idempotency {
        Idempotency::Keyed(IdempotencyKey::new("k-1").unwrap())
    }

    #[test]
    fn a_request_that_never_left_is_retried_even_when_not_idempotent() {
        assert!(should_retry(FailureClass::NotSent, &Idempotency::Unsafe));
    }

    #[test]
    fn a_sent_unsafe_request_is_never_retried() {
        for failure in [
            answered(500, RetryHint::ByStatus),
            answered(503, RetryHint::ByStatus),
            answered(409, RetryHint::Retry),
            FailureClass::Transient,
        ] {
            assert!(!should_retry(failure, &Idempotency::Unsafe), "{failure:?}");
        }
    }

    #[test]
    fn safe_and_keyed_requests_retry_transient_failures_only() {
        for idempotency in [Idempotency::Safe, keyed()] {
            assert!(should_retry(answered(503, RetryHint::ByStatus), &idempotency));
            assert!(should_retry(answered(429, RetryHint::ByStatus), &idempotency));
            assert!(should_retry(FailureClass::Transient, &idempotency));
            assert!(!should_retry(answered(401, RetryHint::ByStatus), &idempotency));
            assert!(!should_retry(answered(404, RetryHint::ByStatus), &idempotency));
            assert!(!should_retry(FailureClass::Permanent, &idempotency));
        }
    }

    #[test]
    fn the_protocol_hint_overrides_the_status() {
        assert!(should_retry(answered(409, RetryHint::Retry), &keyed()));
        assert!(!should_retry(answered(503, RetryHint::Stop), &Idempotency::Safe));
        assert!(should_retry(answered(200, RetryHint::Retry), &Idempotency::Safe));
    }
}
