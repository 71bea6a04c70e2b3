//! A string that must never reach a log.

use std::fmt;

use reqwest::header::HeaderValue;

use crate::Error;

/// An API key, token or password.
///
/// `Debug` prints `Secret(***)`, so a `{:?}` of a config, a client or an error never shows
/// it; there is deliberately no `Display`. Header values built from a secret are marked
/// sensitive, which keeps them out of reqwest's and hyper's own debug output.
///
/// ```
/// use auditkit::Secret;
/// let key = Secret::new("my-api-key");
/// assert_eq!(format!("{key:?}"), "Secret(***)");
/// assert_eq!(key.expose(), "my-api-key");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself. Call this only where the value must leave the process.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub(crate) fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }

    /// A sensitive header value `prefix + secret`, refusing characters HTTP cannot carry.
    pub(crate) fn header_value(&self, prefix: &str, what: &str) -> Result<HeaderValue, Error> {
        let refused = || {
            Error::config(format!(
                "the {what} contains characters that cannot be sent in an HTTP header (control characters or non-ASCII)"
            ))
        };
        // HTTP would carry other bytes as opaque "obs-text", which servers read differently.
        if !self.0.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) {
            return Err(refused());
        }
        let mut value =
            HeaderValue::try_from(format!("{prefix}{}", self.0)).map_err(|_| refused())?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Reads a secret from a string, such as an OAuth token endpoint's `access_token`.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret::new)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_are_sensitive_and_hidden_from_debug() {
        let value = Secret::new("k3y").header_value("Bearer ", "token").unwrap();
        assert!(value.is_sensitive());
        assert!(!format!("{value:?}").contains("k3y"));
    }

    /// Regression: non-ASCII keys were accepted although the error text says otherwise.
    #[test]
    fn non_ascii_in_a_secret_is_a_config_error() {
        for bad in ["clé", "key\u{7f}", "tab\tkey"] {
            let error = Secret::new(bad).header_value("", "API key").unwrap_err();
            assert!(error.to_string().contains("non-ASCII"), "{error}");
        }
        assert!(Secret::new("k3y with space").header_value("", "API key").is_ok());
    }

    #[test]
    fn newline_in_a_secret_is_a_config_error() {
        let error = Secret::new("a\nb").header_value("", "API key").unwrap_err();
        assert!(error.to_string().contains("API key"), "{error}");
    }
}
