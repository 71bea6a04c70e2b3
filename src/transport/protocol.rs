//! A vendor's say on its own answers: which are failures, what they mean, and whether one
//! is worth another attempt.

use std::fmt;

use reqwest::{StatusCode, header::HeaderMap};

use super::ErrorDetails;
use crate::retry::RetryHint;

/// What a vendor's [`Protocol`] makes of one complete answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The answer is the result.
    Success,
    /// The answer is a failure, whatever its status (an HTTP-200 business error too).
    Failure { details: ErrorDetails, hint: RetryHint },
}

/// Reads every buffered answer of a vendor, 2xx included, before the SDK decodes it.
///
/// For a streamed answer the protocol sees the error answers (their bodies are read, up to
/// a bound) but not a success's body, which goes to the caller as it arrives.
pub(crate) trait Protocol: Send + Sync + fmt::Debug + 'static {
    /// The verdict on an answer whose body has been read.
    fn classify(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Verdict;
}

/// The protocol of most JSON APIs: a 2xx is a success; any other status is a failure whose
/// body this function reads, retried by status.
#[derive(Clone, Copy)]
pub(crate) struct ErrorBody(pub(crate) fn(&[u8]) -> ErrorDetails);

impl ErrorBody {
    /// Top-level `code`/`message`-style bodies; see [`ErrorDetails::generic`].
    pub(crate) const GENERIC: Self = Self(ErrorDetails::generic);
}

impl fmt::Debug for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ErrorBody")
    }
}

impl Protocol for ErrorBody {
    fn classify(&self, status: StatusCode, _headers: &HeaderMap, body: &[u8]) -> Verdict {
        if status.is_success() {
            Verdict::Success
        } else {
            Verdict::Failure { details: (self.0)(body), hint: RetryHint::ByStatus }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_fails_non_2xx_answers_with_the_vendor_reading() {
        let protocol = ErrorBody::GENERIC;
        let headers = HeaderMap::new();
        assert_eq!(protocol.classify(StatusCode::OK, &headers, b"{}"), Verdict::Success);
        let Verdict::Failure { details, hint } =
            protocol.classify(StatusCode::NOT_FOUND, &headers, br#"{"message":"gone"}"#)
        else {
            panic!("a 404 is a failure");
        };
        assert_eq!(details.message.as_deref(), Some("gone"));
        assert_eq!(hint, RetryHint::ByStatus);
    }
}
