//! The page token in Qualtrics' `nextPage`, which may be a URL or a bare token.

use url::Url;

use crate::{Error, Operation, error::excerpt};

/// The token in a `nextPage`. Sources disagree on what it holds, so both are read: a URL
/// (absolute, or a path on the API's host) whose `skipToken` is used, or a bare token. A
/// URL on another origin is refused: the SDK will not send the token, or anything, there.
pub(crate) fn skip_token(
    base: &Url,
    operation: Operation,
    next_page: &str,
) -> Result<String, Error> {
    let url = match Url::parse(next_page) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => url,
        // A path on the API's host carries its token in the query; a bare token may also
        // start with `/` (standard base64), but never holds `skipToken=`.
        Err(url::ParseError::RelativeUrlWithoutBase)
            if next_page.starts_with('/') && next_page.contains("skipToken=") =>
        {
            base.join(next_page).map_err(|e| {
                Error::pagination(
                    operation,
                    format!(
                        "nextPage `{}` is not a valid path: {e}",
                        excerpt(next_page.as_bytes())
                    ),
                )
            })?
        }
        _ => return Ok(next_page.to_owned()),
    };
    if url.origin() != base.origin() {
        return Err(Error::pagination(
            operation,
            format!(
                "the server's nextPage points to {}, not to the configured {}; \
                 the SDK refuses to follow it and did not send the page token there",
                url.origin().ascii_serialization(),
                base.origin().ascii_serialization()
            ),
        ));
    }
    url.query_pairs()
        .find(|(name, _)| name == "skipToken")
        .map(|(_, token)| token.into_owned())
        .ok_or_else(|| {
            Error::pagination(
                operation,
                // The URL is the server's: quoted short, whatever its length.
                format!(
                    "the server's nextPage URL `{}` has no skipToken",
                    excerpt(url.as_str().as_bytes())
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Vendor;

    const OP: Operation = Operation::new(Vendor::Qualtrics, "list_events");

    fn base() -> Url {
        Url::parse("https://iad1.qualtrics.com/API/v3/").unwrap()
    }

    #[test]
    fn next_page_as_a_full_url_a_path_or_a_bare_token_gives_the_token() {
        let full = "https://iad1.qualtrics.com/API/v3/logs?activityType=logins&skipToken=abc%3D%3D";
        assert_eq!(skip_token(&base(), OP, full).unwrap(), "abc==");
        assert_eq!(skip_token(&base(), OP, "/API/v3/logs?skipToken=t2").unwrap(), "t2");
        assert_eq!(
            skip_token(&base(), OP, "eyJvZmZzZXQiOjEwMH0=").unwrap(),
            "eyJvZmZzZXQiOjEwMH0="
        );
        // Looks like `scheme:rest` to a URL parser, but is a token.
        assert_eq!(skip_token(&base(), OP, "page:2").unwrap(), "page:2");
        // Regression: a bare base64 token starting with `/` was read as a path.
        assert_eq!(skip_token(&base(), OP, "/9j/4AAQSkZJRg==").unwrap(), "/9j/4AAQSkZJRg==");
    }

    #[test]
    fn next_page_on_another_origin_is_refused() {
        let error =
            skip_token(&base(), OP, "https://evil.example/API/v3/logs?skipToken=x").unwrap_err();
        assert!(matches!(error, Error::Pagination(_)));
        assert!(error.to_string().contains("https://evil.example"), "{error}");
    }

    #[test]
    fn a_long_next_page_without_a_token_makes_a_short_error() {
        // Regression (found by the fuzz properties): the whole URL went into the error text.
        let next = format!("https://iad1.qualtrics.com/API/v3/{}", "a".repeat(10_000));
        let error = skip_token(&base(), OP, &next).unwrap_err();
        assert!(error.to_string().len() < 1_000, "{error}");
        assert!(error.to_string().contains("no skipToken"), "{error}");
    }

    #[test]
    fn a_next_page_url_without_a_token_is_an_error() {
        let error = skip_token(&base(), OP, "https://iad1.qualtrics.com/API/v3/logs").unwrap_err();
        assert!(error.to_string().contains("no skipToken"), "{error}");
    }
}
