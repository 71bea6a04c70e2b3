//! An answer that is not what the vendor documents.

use std::{error::Error as StdError, fmt};

use reqwest::StatusCode;

use super::bounded::{bounded_debug, display_bounded};
use crate::Operation;

/// How much of the decoder's own message an error keeps, from its start and from its end.
const SOURCE_HEAD_CHARS: usize = 240;
const SOURCE_TAIL_CHARS: usize = 120;
/// How long the quoted excerpt may be once escaped: a body of control characters would
/// otherwise print six characters for each of its bytes.
const QUOTED_EXCERPT_CHARS: usize = 600;

/// An answer that does not have the documented shape. See [`Error::Decode`](crate::Error::Decode).
pub struct DecodeError {
    pub(crate) operation: Operation,
    pub(crate) status: StatusCode,
    pub(crate) path: String,
    pub(crate) excerpt: String,
    pub(crate) request_id: Option<String>,
    pub(crate) source: serde_json::Error,
}

bounded_debug!(DecodeError { operation, status, path, excerpt, request_id, source });

impl DecodeError {
    /// The JSON path that failed, such as `[0].reportDistribution.reportDistributionId`.
    pub fn path(&self) -> &str {
        &self.path
    }
    /// The first few hundred bytes of the body.
    pub fn body_excerpt(&self) -> &str {
        &self.excerpt
    }

    /// The decoder's error, its message cut in the middle when longer than a few hundred
    /// characters: serde_json quotes a whole string that has the wrong type (and the
    /// timestamp reader the whole text it could not read), so a server could otherwise make
    /// an error text as long as its body. The start names the problem, the end its line and
    /// column.
    pub(crate) fn bounded_source(source: serde_json::Error) -> serde_json::Error {
        let message = source.to_string();
        let chars = message.chars().count();
        if chars <= SOURCE_HEAD_CHARS + SOURCE_TAIL_CHARS {
            return source;
        }
        let head: String = message.chars().take(SOURCE_HEAD_CHARS).collect();
        let tail: String = message.chars().skip(chars - SOURCE_TAIL_CHARS).collect();
        serde::de::Error::custom(format!("{head}…{tail}"))
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        display_bounded(f, &|f| {
            write!(
                f,
                "{} could not decode the HTTP {} answer at `{}`: {}; the body starts with {}; \
                 if the vendor changed its format, please report it with this message",
                self.operation,
                self.status,
                self.path,
                self.source,
                quoted(&self.excerpt)
            )
        })
    }
}

/// `text` in quotes with Rust's escapes, cut short (`…`) at [`QUOTED_EXCERPT_CHARS`].
fn quoted(text: &str) -> String {
    let (mut quoted, mut chars) = (String::from('"'), 1);
    for c in text.chars() {
        // As `str`'s `Debug` writes it: a single quote needs no escape in double quotes.
        let escaped = if c == '\'' { String::from(c) } else { c.escape_debug().collect() };
        chars += escaped.chars().count();
        if chars >= QUOTED_EXCERPT_CHARS {
            quoted.push('…');
            break;
        }
        quoted.push_str(&escaped);
    }
    quoted.push('"');
    quoted
}

impl StdError for DecodeError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Vendor;

    #[test]
    fn a_body_of_control_characters_keeps_the_decode_error_short() {
        // Regression (found by the fuzz properties): each control byte of the 300-byte
        // excerpt was written as six characters, making the error over 2,000 characters.
        let body = "\u{1}".repeat(300);
        let source = serde_json::from_str::<u8>(&body).unwrap_err();
        let error = DecodeError {
            operation: Operation::new(Vendor::Qualtrics, "list_events"),
            status: StatusCode::OK,
            path: ".".into(),
            excerpt: body,
            request_id: None,
            source,
        };
        let text = error.to_string();
        assert!(text.chars().count() < 1_000, "{} chars: {text}", text.chars().count());
        assert!(text.contains(r#"starts with "\u{1}\u{1}"#), "{text}");
        assert!(text.ends_with("please report it with this message"), "{text}");
        assert_eq!(quoted(r#"it's "x""#), r#""it's \"x\"""#);
    }
}
