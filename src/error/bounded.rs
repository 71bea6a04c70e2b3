//! Error texts stay short whatever went into them: a server's field name, a URL quoting a
//! long token, a header value or a caller's input is cut in the middle, keeping both ends.

use std::{borrow::Cow, fmt};

/// The longest `Display` or `Debug` text of an error, or of any of its parts, in bytes.
pub(crate) const MAX_ERROR_TEXT: usize = 2048;

/// The longest piece of outside text an error stores in one field (a path, a URL path).
pub(crate) const MAX_FIELD_TEXT: usize = 512;

/// `text` itself when it holds at most `max` bytes; otherwise its start and its end around
/// a marker saying how much was cut, in at most `max` bytes, cut on character boundaries.
pub(crate) fn shorten_middle(text: &str, max: usize) -> Cow<'_, str> {
    if text.len() <= max {
        return Cow::Borrowed(text);
    }
    let marker = format!(" …[{} bytes cut]… ", text.len());
    let room = if marker.len() <= max { max - marker.len() } else { max };
    // The start usually says what failed, the end what to do next: both matter alike.
    let mut head = room / 2;
    while !text.is_char_boundary(head) {
        head -= 1;
    }
    let mut tail = text.len() - (room - room / 2);
    while !text.is_char_boundary(tail) {
        tail += 1;
    }
    let mut short = String::with_capacity(max);
    short.push_str(&text[..head]);
    if marker.len() <= max {
        short.push_str(&marker);
    }
    short.push_str(&text[tail..]);
    Cow::Owned(short)
}

/// Writes what `write` formats, shortened to [`MAX_ERROR_TEXT`], keeping `{:#?}` and `{:?}`
/// apart; `debug` picks which of `Debug` and `Display` `write` implements.
fn write_bounded(
    f: &mut fmt::Formatter<'_>,
    debug: bool,
    write: &dyn Fn(&mut fmt::Formatter<'_>) -> fmt::Result,
) -> fmt::Result {
    struct Show<'a>(&'a dyn Fn(&mut fmt::Formatter<'_>) -> fmt::Result);
    impl fmt::Display for Show<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            (self.0)(f)
        }
    }
    impl fmt::Debug for Show<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            (self.0)(f)
        }
    }
    let full = match (debug, f.alternate()) {
        (true, true) => format!("{:#?}", Show(write)),
        (true, false) => format!("{:?}", Show(write)),
        (false, _) => Show(write).to_string(),
    };
    f.write_str(&shorten_middle(&full, MAX_ERROR_TEXT))
}

/// A `Display` body, shortened to [`MAX_ERROR_TEXT`].
pub(crate) fn display_bounded(
    f: &mut fmt::Formatter<'_>,
    write: &dyn Fn(&mut fmt::Formatter<'_>) -> fmt::Result,
) -> fmt::Result {
    write_bounded(f, false, write)
}

/// A `Debug` body, shortened to [`MAX_ERROR_TEXT`].
pub(crate) fn debug_bounded(
    f: &mut fmt::Formatter<'_>,
    write: &dyn Fn(&mut fmt::Formatter<'_>) -> fmt::Result,
) -> fmt::Result {
    write_bounded(f, true, write)
}

/// `Debug` for an error part, listing its fields as `#[derive(Debug)]` would, shortened to
/// [`MAX_ERROR_TEXT`].
macro_rules! bounded_debug {
    ($type:ident { $($field:ident),* $(,)? }) => {
        impl ::std::fmt::Debug for $type {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                $crate::error::bounded::debug_bounded(f, &|f| {
                    f.debug_struct(stringify!($type))
                        $(.field(stringify!($field), &self.$field))*
                        .finish()
                })
            }
        }
    };
}
pub(crate) use bounded_debug;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_as_it_is() {
        assert!(matches!(shorten_middle("abc", 3), Cow::Borrowed("abc")));
    }

    #[test]
    fn long_text_keeps_both_ends_within_the_bound_on_char_boundaries() {
        for text in
            ["é".repeat(5_000), "a€".repeat(30_000), format!("start{}end", "x".repeat(1 << 20))]
        {
            for max in [40, 100, 2000] {
                let short = shorten_middle(&text, max);
                assert!(short.len() <= max, "{} > {max}", short.len());
                assert!(short.contains("bytes cut]"), "{short}");
                assert_eq!(short.chars().next(), text.chars().next());
                assert_eq!(short.chars().last(), text.chars().last());
            }
        }
    }

    #[test]
    fn a_bound_smaller_than_the_marker_still_holds() {
        let text = "x".repeat(100);
        let short = shorten_middle(&text, 5);
        assert!(short.len() <= 5, "{short:?}");
    }

    /// Every kind of error, each field filled with a megabyte of outside text, stays within
    /// 2 KiB in `Display`, `Debug` and `{:#?}`, and keeps the start and the end of its text.
    #[test]
    fn every_error_kind_stays_within_two_kibibytes_whatever_it_holds() {
        use std::time::Duration;

        use reqwest::StatusCode;

        use crate::{
            ApiError, CheckpointError, ConfigError, DecodeError, Error, InvalidInput, JobFailed,
            Operation, PaginationError, TransportError, TransportErrorKind, Vendor, WaitTimeout,
        };

        let huge = || format!("<{}>", "x".repeat(1 << 20));
        let operation = Operation::new(Vendor::Everbridge, "audit_log");
        let errors = [
            Error::Api(Box::new(ApiError {
                operation,
                status: StatusCode::NOT_FOUND,
                code: Some(huge()),
                message: Some(huge()),
                request_id: Some(huge()),
                retry_after: Some(Duration::MAX),
                attempts: u32::MAX,
                path: Some(huge()),
                next_step: None,
            })),
            Error::Transport(Box::new(TransportError {
                operation,
                kind: TransportErrorKind::Other,
                message: huge(),
                attempts: 2,
                source: Some("a cause of a reasonable size".into()),
            })),
            Error::Decode(Box::new(DecodeError {
                operation,
                status: StatusCode::OK,
                path: huge(),
                excerpt: "\u{1}".repeat(300),
                request_id: Some(huge()),
                source: DecodeError::bounded_source(serde::de::Error::custom(huge())),
            })),
            Error::InvalidInput(Box::new(InvalidInput { operation, message: huge() })),
            Error::Config(Box::new(ConfigError { message: huge() })),
            Error::WaitTimeout(Box::new(WaitTimeout {
                operation,
                waited: Duration::MAX,
                polls: u32::MAX,
                last_status: Some(huge()),
                last_status_for: Duration::MAX,
            })),
            Error::JobFailed(Box::new(JobFailed {
                operation,
                message: Some(huge()),
                last_status: huge(),
                status: Box::new(()),
            })),
            Error::Pagination(Box::new(PaginationError {
                operation,
                message: huge(),
                cursor_expired: true,
                continuation: None,
            })),
            Error::Checkpoint(Box::new(CheckpointError::at("save", huge().into(), huge()))),
        ];
        for error in errors {
            let display = error.to_string();
            for text in [&display, &format!("{error:?}"), &format!("{error:#?}")] {
                assert!(text.len() <= MAX_ERROR_TEXT, "{} bytes: {}", text.len(), &text[..100]);
            }
            let source = std::error::Error::source(&error).map(ToString::to_string);
            assert!(source.is_none_or(|s| s.len() <= MAX_ERROR_TEXT), "{error:?}");
            assert!(display.contains("bytes cut]"), "{display}");
            let start = if matches!(error, Error::Config(_) | Error::Checkpoint(_)) {
                ""
            } else {
                "Everbridge audit_log"
            };
            assert!(display.starts_with(start), "{display}");
            assert!(!display.ends_with("bytes cut]… "), "the end was lost: {display}");
        }
    }
}
