//! Everbridge's business errors: HTTP 200 with `{"success": false, "type": "business",
//! "message": …}`, one kind per documented message.

use reqwest::StatusCode;

use crate::{Error, Vendor};

/// What an Everbridge business error (an HTTP-200 answer with `"success": false`) means.
///
/// Such an answer becomes an [`Error::Api`] with status 200, the vendor's message kept
/// verbatim, and as its [`code`](Error::code) the kind's [`code`](Self::code), an SDK
/// name (Everbridge sends no code of its own). Match on the kind:
///
/// ```no_run
/// use auditkit::everbridge::{BusinessErrorKind, ReportType};
/// use chrono::{Duration, Utc};
///
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// let (from, to) = (Utc::now() - Duration::days(3), Utc::now());
/// match client.everbridge().list_audit_log(ReportType::Security, from, to).page_query(1).send().await {
///     Ok(page) => println!("{} entries", page.data.len()),
///     Err(error) => match BusinessErrorKind::of(&error) {
///         Some(BusinessErrorKind::LoggingPolicyNotEnabled) => {
///             eprintln!("ask an admin to enable the Event Logging policy in EB Admin");
///         }
///         _ => return Err(error),
///     },
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BusinessErrorKind {
    /// `pageNo × 100` is over 10,000: pageQuery reaches only the first 10,000 entries of a
    /// month. Read the month with `.pages()` or `.items()`. Code `page_too_large`.
    PageTooLarge,
    /// The account does not have the "Event Logging, Reporting & Alerting Policy" enabled
    /// in EB Admin. Code `logging_policy_not_enabled`.
    LoggingPolicyNotEnabled,
    /// `from` and `to` are not in one calendar month. Code `range_not_in_one_month`.
    RangeNotInOneMonth,
    /// The range reaches back more than 6 months. Code `range_older_than_six_months`.
    RangeOlderThanSixMonths,
    /// A pageQuery page number below 1. Code `page_number_too_small`.
    PageNumberTooSmall,
    /// A message this SDK does not know; read it with [`ApiError::message`](crate::ApiError::message).
    /// Code `business`.
    Other,
}

/// Each kind with its code and a fragment of its message (matched case-insensitively).
const KINDS: [(BusinessErrorKind, &str, &str); 5] = [
    (BusinessErrorKind::PageTooLarge, "page_too_large", "page number is too large"),
    (BusinessErrorKind::LoggingPolicyNotEnabled, "logging_policy_not_enabled", "event logging"),
    (BusinessErrorKind::RangeNotInOneMonth, "range_not_in_one_month", "single calendar month"),
    (BusinessErrorKind::RangeOlderThanSixMonths, "range_older_than_six_months", "past 6 months"),
    (
        BusinessErrorKind::PageNumberTooSmall,
        "page_number_too_small",
        "page number should be greater",
    ),
];

const OTHER_CODE: &str = "business";

impl BusinessErrorKind {
    /// The kind of an error, when it is an Everbridge business error.
    pub fn of(error: &Error) -> Option<Self> {
        match error {
            Error::Api(api)
                if api.operation().vendor() == Vendor::Everbridge
                    && api.status() == StatusCode::OK =>
            {
                api.code().and_then(Self::from_code)
            }
            _ => None,
        }
    }

    /// The kind whose [`code`](Self::code) this is.
    ///
    /// ```
    /// use auditkit::everbridge::BusinessErrorKind;
    ///
    /// let kind = BusinessErrorKind::RangeOlderThanSixMonths;
    /// assert_eq!(kind.code(), "range_older_than_six_months");
    /// assert_eq!(BusinessErrorKind::from_code(kind.code()), Some(kind));
    /// assert_eq!(BusinessErrorKind::from_code("QVAL_5"), None);
    /// ```
    pub fn from_code(code: &str) -> Option<Self> {
        if code == OTHER_CODE {
            return Some(Self::Other);
        }
        KINDS.iter().find(|(_, known, _)| *known == code).map(|(kind, ..)| *kind)
    }

    /// The SDK's name for the kind, which is the error's [`code`](Error::code).
    pub fn code(self) -> &'static str {
        KINDS.iter().find(|(kind, ..)| *kind == self).map_or(OTHER_CODE, |(_, code, _)| code)
    }

    /// The kind of a business error's message.
    pub(super) fn of_message(message: &str) -> Self {
        let message = message.to_ascii_lowercase();
        KINDS
            .iter()
            .find(|(_, _, fragment)| message.contains(fragment))
            .map_or(Self::Other, |(kind, ..)| *kind)
    }
}

#[cfg(test)]
mod tests {
    use super::BusinessErrorKind::{self, *};

    #[test]
    fn each_documented_message_has_its_kind_and_a_round_tripping_code() {
        let documented = [
            (
                "Page number is too large, from * size must be less than or equal to: [10000]. \
                 The pagination API of pageQuery type only returns a subset of records, you can \
                 set queryType to scroll to get all records in batch.",
                PageTooLarge,
            ),
            (
                "The current account does not enable 'Event Logging, Reporting & Alerting Policy'.",
                LoggingPolicyNotEnabled,
            ),
            ("The date range must be within a single calendar month.", RangeNotInOneMonth),
            ("The date range must be within the past 6 months.", RangeOlderThanSixMonths),
            ("The page number should be greater than 1.", PageNumberTooSmall),
            ("Something new went wrong.", Other),
            ("The page size should be greater than 0.", Other),
        ];
        for (message, kind) in documented {
            assert_eq!(BusinessErrorKind::of_message(message), kind, "{message}");
            assert_eq!(BusinessErrorKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(BusinessErrorKind::from_code("QVAL_5"), None);
    }
}
