//! Idempotency: whether a request may be sent twice, and the keys that make a POST safe to
//! repeat.
//!
//! Every request carries an [`Idempotency`], set once per logical call before the retry
//! loop: `Safe` (a read), `Keyed` (a write the server deduplicates by key) or `Unsafe` (a
//! write that would happen twice). The retry decision reads it; see
//! [`RetryPolicy`](crate::RetryPolicy).

use std::fmt;

use crate::Error;

/// The longest key accepted: what servers commonly store (Stripe, Lerian Reporter).
const MAX_KEY_LEN: usize = 255;

/// A validated idempotency key: 1 to 255 visible ASCII characters (`!` to `~`).
///
/// Sending a key lets the server recognise a repeated request and answer it from the first
/// one, so a retry after a lost answer creates nothing twice. When a call accepts a key
/// and the caller gives none, the SDK makes one (a UUID v4) before its first attempt, so
/// every retry carries the same key.
///
/// ```
/// use auditkit::IdempotencyKey;
///
/// let key = IdempotencyKey::new("invoice-2026-11-export")?;
/// assert_eq!(key.as_str(), "invoice-2026-11-export");
/// assert!(IdempotencyKey::new("").is_err());
/// assert!(IdempotencyKey::new("has space").is_err());
/// # Ok::<(), auditkit::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Checks and wraps a key.
    ///
    /// # Errors
    /// [`Error::Config`] when the key is empty, longer than 255 characters, or holds
    /// anything but visible ASCII (no spaces, control characters or non-ASCII), all of
    /// which a header cannot carry unchanged.
    pub fn new(key: impl Into<String>) -> Result<Self, Error> {
        let key = key.into();
        if key.is_empty() {
            return Err(Error::config("an idempotency key cannot be empty"));
        }
        if key.len() > MAX_KEY_LEN {
            return Err(Error::config(format!(
                "an idempotency key has at most {MAX_KEY_LEN} characters; this one has {}",
                key.len()
            )));
        }
        if let Some(bad) = key.chars().find(|c| !c.is_ascii_graphic()) {
            return Err(Error::config(format!(
                "an idempotency key holds only visible ASCII characters (`!` to `~`); found {bad:?}"
            )));
        }
        Ok(Self(key))
    }

    /// A fresh random key (a UUID v4).
    #[allow(dead_code, reason = "Reporter's generate_report fills in a key with this")]
    pub(crate) fn generate() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }

    /// The key as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IdempotencyKey").field(&self.0).finish()
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The answer of an idempotent call: the value, whether the server replayed it from an
/// earlier request with the same key, and the key that was sent.
///
/// ```
/// use auditkit::{Idempotent, IdempotencyKey};
///
/// fn describe<T: std::fmt::Debug>(answer: &Idempotent<T>) -> String {
///     if answer.replayed {
///         format!("{:?} was created earlier with key {}", answer.value, answer.key)
///     } else {
///         format!("{:?} is new", answer.value)
///     }
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Idempotent<T> {
    /// What the server answered.
    pub value: T,
    /// `true` when the server answered from an earlier request with the same key instead
    /// of acting again.
    pub replayed: bool,
    /// The key the request carried (yours, or the one the SDK made).
    pub key: IdempotencyKey,
}

impl<T> Idempotent<T> {
    #[allow(dead_code, reason = "Reporter's generate_report answers with this")]
    pub(crate) fn new(value: T, replayed: bool, key: IdempotencyKey) -> Self {
        Self { value, replayed, key }
    }
}

/// Whether sending a request twice does harm, decided once per logical call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Idempotency {
    /// Reading, or a write that changes nothing (asking for a token): resend freely.
    Safe,
    /// A write the server deduplicates by this key: resend with the same key.
    Keyed(IdempotencyKey),
    /// A write that would happen again: resend only when the first attempt never left.
    Unsafe,
}

impl Idempotency {
    /// GET, HEAD, PUT, DELETE, OPTIONS and TRACE are idempotent by definition (RFC 9110
    /// §9.2.2); POST and PATCH are not unless keyed.
    pub(crate) fn of_method(method: &reqwest::Method) -> Self {
        if matches!(*method, reqwest::Method::POST | reqwest::Method::PATCH) {
            Idempotency::Unsafe
        } else {
            Idempotency::Safe
        }
    }

    /// Whether a request that may have reached the server can be sent again.
    pub(crate) fn allows_resend(&self) -> bool {
        !matches!(self, Idempotency::Unsafe)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii_of_bounded_length() {
        assert!(IdempotencyKey::new("a").is_ok());
        assert!(IdempotencyKey::new("x".repeat(255)).is_ok());
        for bad in ["", " ", "tab\there", "é", "line\nbreak"] {
            let error = IdempotencyKey::new(bad).unwrap_err();
            assert!(error.to_string().contains("idempotency key"), "{error}");
        }
        let long = IdempotencyKey::new("x".repeat(256)).unwrap_err();
        assert!(long.to_string().contains("256"), "{long}");
    }

    #[test]
    fn generated_keys_are_valid_and_distinct() {
        let (a, b) = (IdempotencyKey::generate(), IdempotencyKey::generate());
        assert_ne!(a, b);
        assert!(IdempotencyKey::new(a.as_str()).is_ok());
        assert_eq!(a.as_str().len(), 36);
    }

    #[test]
    fn only_unsafe_writes_refuse_a_resend() {
        assert_eq!(Idempotency::of_method(&reqwest::Method::GET), Idempotency::Safe);
        assert_eq!(Idempotency::of_method(&reqwest::Method::POST), Idempotency::Unsafe);
        assert!(Idempotency::Keyed(IdempotencyKey::generate()).allows_resend());
        assert!(!Idempotency::Unsafe.allows_resend());
    }
}
