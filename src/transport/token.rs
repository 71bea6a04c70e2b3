//! A token as a token endpoint hands it out: the bearer header it makes and how long it
//! lives, read from an `expires_in` of any shape, and a token a header cannot carry
//! reported as the endpoint's fault.

use std::time::Duration;

use reqwest::{StatusCode, header::HeaderValue};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::{
    Error, Operation, Secret,
    error::{
        DecodeError,
        bounded::{MAX_FIELD_TEXT, shorten_middle},
    },
};

/// The shortest lifetime a token is kept for: an `expires_in` of 0 or a negative one would
/// otherwise make every request ask for a new token. Kept short, since some endpoints do
/// hand out tokens of a few seconds; a token that is dead sooner is refused with a 401 and
/// renewed once at once.
pub(crate) const MIN_LIFETIME: Duration = Duration::from_secs(1);

/// The longest lifetime a token is kept for, whatever the endpoint says.
pub(crate) const MAX_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// A fresh token from a token endpoint.
pub(crate) struct Token {
    /// The whole `Authorization` value (`Bearer …`), marked sensitive.
    pub(crate) header: HeaderValue,
    /// How long the endpoint says the token lives.
    pub(crate) lifetime: Duration,
}

/// What a token endpoint's answer says of a token, and where it came from.
#[derive(Debug)]
pub(crate) struct Issued<'a> {
    /// The token endpoint's operation, named in errors.
    pub(crate) operation: Operation,
    /// The token endpoint's URL, named in errors.
    pub(crate) endpoint: &'a url::Url,
    /// The answer's field holding the token (`access_token`, `id_token`).
    pub(crate) field: &'static str,
    /// The lifetime when the answer gives none.
    pub(crate) default_lifetime: Duration,
}

impl Token {
    /// A bearer token from `token` living `expires_in` (clamped, see [`lifetime`]).
    ///
    /// # Errors
    /// [`Error::Decode`] naming the token endpoint when the token holds characters an HTTP
    /// header cannot carry: the endpoint answered something it should not have, and
    /// nothing in the client's configuration can change that.
    pub(crate) fn bearer(
        token: &Secret,
        expires_in: Option<ExpiresIn>,
        issued: &Issued<'_>,
    ) -> Result<Token, Error> {
        let header = token.header_value("Bearer ", issued.field).map_err(|_| {
            let endpoint = shorten_middle(issued.endpoint.as_str(), MAX_FIELD_TEXT);
            Error::Decode(Box::new(DecodeError {
                operation: issued.operation,
                status: StatusCode::OK,
                path: issued.field.to_owned(),
                excerpt: "(withheld: it holds a token)".to_owned(),
                request_id: None,
                source: serde::de::Error::custom(format!(
                    "the token endpoint {endpoint} answered an `{}` holding characters an \
                     HTTP header cannot carry (control characters or non-ASCII)",
                    issued.field
                )),
            }))
        })?;
        Ok(Token { header, lifetime: lifetime(expires_in, issued) })
    }
}

/// `expires_in` as endpoints send it: seconds as a number or a string, perhaps negative,
/// fractional or absurd. `None` inside when it is neither number nor numeric string.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ExpiresIn(Option<f64>);

impl<'de> Deserialize<'de> for ExpiresIn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let seconds = match Value::deserialize(deserializer)? {
            Value::Number(number) => number.as_f64(),
            Value::String(text) => text.trim().parse::<f64>().ok(),
            _ => None,
        };
        Ok(Self(seconds))
    }
}

/// How long to keep a token: `expires_in` clamped to [`MIN_LIFETIME`]..=[`MAX_LIFETIME`],
/// or the endpoint's default when absent; a value clamped or unreadable is logged at warn.
fn lifetime(expires_in: Option<ExpiresIn>, issued: &Issued<'_>) -> Duration {
    let operation = issued.operation;
    let Some(ExpiresIn(seconds)) = expires_in else {
        return issued.default_lifetime;
    };
    let Some(seconds) = seconds.filter(|s| !s.is_nan()) else {
        tracing::warn!(%operation, default = ?issued.default_lifetime,
            "the token endpoint's expires_in is not a number of seconds; using the default");
        return issued.default_lifetime;
    };
    let clamped = match Duration::try_from_secs_f64(seconds) {
        Ok(lifetime) => lifetime.clamp(MIN_LIFETIME, MAX_LIFETIME),
        Err(_) if seconds > 0.0 => MAX_LIFETIME,
        Err(_) => MIN_LIFETIME,
    };
    if Duration::try_from_secs_f64(seconds).ok() != Some(clamped) {
        tracing::warn!(%operation, expires_in = seconds, kept_for = ?clamped,
            "the token endpoint's expires_in is out of range; the token is kept for the nearest bound");
    }
    clamped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Vendor;

    fn issued(url: &url::Url) -> Issued<'_> {
        Issued {
            operation: Operation::new(Vendor::Qualtrics, "oauth_token"),
            endpoint: url,
            field: "access_token",
            default_lifetime: Duration::from_secs(3600),
        }
    }

    fn kept_for(expires_in: &str) -> Duration {
        #[derive(Deserialize)]
        struct Answer {
            #[serde(default)]
            expires_in: Option<ExpiresIn>,
        }
        let body = format!(r#"{{"access_token":"t"{expires_in}}}"#);
        let answer: Answer = serde_json::from_str(&body).unwrap();
        let url = url::Url::parse("https://iad1.qualtrics.com/oauth2/token").unwrap();
        Token::bearer(&Secret::new("t"), answer.expires_in, &issued(&url)).unwrap().lifetime
    }

    #[test]
    fn an_expires_in_of_any_shape_is_read_and_clamped() {
        let secs = Duration::from_secs;
        assert_eq!(kept_for(r#","expires_in":7200"#), secs(7200));
        assert_eq!(kept_for(r#","expires_in":"7200""#), secs(7200));
        assert_eq!(kept_for(r#","expires_in":" 90 ""#), secs(90));
        assert_eq!(kept_for(r#","expires_in":7200.5"#), Duration::from_millis(7_200_500));
        for floor in ["0", "-5", "0.25", r#""-1e9""#, "-1e300"] {
            assert_eq!(kept_for(&format!(r#","expires_in":{floor}"#)), MIN_LIFETIME, "{floor}");
        }
        for ceiling in ["1e300", "18446744073709551615", r#""1e19""#, "9223372036854775807"] {
            assert_eq!(kept_for(&format!(r#","expires_in":{ceiling}"#)), MAX_LIFETIME, "{ceiling}");
        }
        for unreadable in [r#""soon""#, "null", "{}", "[1]", "true"] {
            assert_eq!(kept_for(&format!(r#","expires_in":{unreadable}"#)), secs(3600));
        }
        assert_eq!(kept_for(""), secs(3600));
    }

    #[test]
    fn a_token_a_header_cannot_carry_is_the_endpoints_fault_named_without_the_token() {
        let url = url::Url::parse("https://iad1.qualtrics.com/oauth2/token").unwrap();
        for bad in ["line\nbreak", "tab\there", "é-token"] {
            let error = Token::bearer(&Secret::new(bad), None, &issued(&url)).err().unwrap();
            assert!(matches!(error, Error::Decode(_)), "{error:?}");
            let text = error.to_string();
            assert!(text.contains("https://iad1.qualtrics.com/oauth2/token"), "{text}");
            assert!(text.contains("Qualtrics oauth_token") && text.contains("access_token"));
            assert!(!text.contains(bad) && !format!("{error:?}").contains(bad), "{text}");
        }
    }
}
