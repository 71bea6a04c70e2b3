//! Which HTTP statuses are worth another attempt: a fact about an answer, read by the
//! retry decision and by [`Error::is_retryable`](crate::Error::is_retryable) alike.

use reqwest::StatusCode;

/// The statuses worth another attempt: request timeout, rate limit and transient server
/// failures.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retryable_statuses_are_exactly_the_transient_ones() {
        let retryable: Vec<u16> = (100..600)
            .filter(|s| StatusCode::from_u16(*s).is_ok_and(is_retryable_status))
            .collect();
        assert_eq!(retryable, [408, 429, 500, 502, 503, 504]);
    }
}
