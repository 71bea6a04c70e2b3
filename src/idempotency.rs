//! Idempotency: whether a request may be sent twice, and the keys that make a POST safe to
//! repeat.
//!
//! Every request carries an [`Idempotency`], set once per logical call before the retry
//! loop: `Safe` (a read), `Keyed` (a write the server deduplicates by key) or `Unsafe` (a
//! write that would happen twice). The retry decision reads it; see
//! [`RetryPolicy`](crate::RetryPolicy). Each client keeps a [`KeyLedger`] of the keys it
//! sent, so a key is never sent again with another body.

use std::{
    collections::{HashMap, VecDeque},
    fmt,
    hash::{DefaultHasher, Hash, Hasher},
    sync::Mutex,
};

use crate::{Error, error::bounded::shorten_middle};

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
    pub(crate) fn new(value: T, replayed: bool, key: IdempotencyKey) -> Self {
        Self { value, replayed, key }
    }
}

/// Whether an answer says it was replayed from an earlier request with the same key, by
/// its `name` header (`X-Idempotency-Replayed`): `true` in any case, or `1`. Servers and
/// proxies differ in spelling; a header sent twice (or as a list) that holds any true value
/// means replayed, since taking a replay for a new resource is the costlier mistake, and is
/// logged at warn.
pub(crate) fn replayed(headers: &reqwest::header::HeaderMap, name: &str) -> bool {
    let values: Vec<String> = headers
        .get_all(name)
        .iter()
        .flat_map(|value| {
            let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
            text.split(',').map(|part| part.trim().to_owned()).collect::<Vec<_>>()
        })
        .collect();
    let replayed = values.iter().any(|value| value.eq_ignore_ascii_case("true") || value == "1");
    if values.len() > 1 {
        let said = values.join(", ");
        tracing::warn!(
            header = name,
            values = %shorten_middle(&said, 200),
            replayed,
            "the answer says more than once whether it was replayed; any true value counts"
        );
    }
    replayed
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

/// How many keys a client remembers: far more than the writes one process makes in the
/// servers' usual 24 hours of key storage, and at most a few hundred kilobytes.
const LEDGER_CAPACITY: usize = 4096;

/// The keys one client has sent, each with a fingerprint of the request it carried, so the
/// same key is never sent with a different request.
///
/// Servers (Lerian Reporter among them) answer a reused key from the first request without
/// comparing bodies, so a caller reusing a key by mistake would silently get the result of
/// another request. Bounded: past [`LEDGER_CAPACITY`] keys the oldest is forgotten.
#[derive(Debug, Default)]
pub(crate) struct KeyLedger {
    sent: Mutex<Sent>,
}

#[derive(Debug, Default)]
struct Sent {
    fingerprints: HashMap<(IdempotencyKey, u64), u64>,
    order: VecDeque<(IdempotencyKey, u64)>,
}

impl KeyLedger {
    /// Records that `key` goes to `target` (method and URL) with `body`, or refuses when this
    /// client already sent `key` to `target` with another body. Checked before the first
    /// attempt; the retries of one call carry the same body and pass.
    pub(crate) fn claim(
        &self,
        key: &IdempotencyKey,
        target: &str,
        body: &[u8],
    ) -> Result<(), String> {
        let slot = (key.clone(), fingerprint(target.as_bytes()));
        let body = fingerprint(body);
        let mut sent = self.sent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match sent.fingerprints.get(&slot) {
            Some(earlier) if *earlier == body => Ok(()),
            Some(_) => Err(format!(
                "the idempotency key `{key}` was already sent by this client with a different \
                 request body; the server would answer with the result of that earlier request \
                 instead of acting on this one. Use a new key for a different request"
            )),
            None => {
                if sent.order.len() >= LEDGER_CAPACITY
                    && let Some(oldest) = sent.order.pop_front()
                {
                    sent.fingerprints.remove(&oldest);
                }
                sent.order.push_back(slot.clone());
                sent.fingerprints.insert(slot, body);
                Ok(())
            }
        }
    }
}

/// A 64-bit digest: std's SipHash with its fixed keys, the same in every run. A collision
/// would only make the ledger miss a reused key, as it did before the ledger existed.
fn fingerprint(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
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

    fn headers(values: &[&str]) -> reqwest::header::HeaderMap {
        let mut headers = reqwest::header::HeaderMap::new();
        for value in values {
            headers.append("x-idempotency-replayed", value.parse().unwrap());
        }
        headers
    }

    /// Regression (issue "hardening" point 11): `1` read as not replayed, and of a header
    /// sent twice only the first value was read.
    #[test]
    fn replayed_is_read_case_insensitively_and_any_true_value_of_several_counts() {
        let name = "X-Idempotency-Replayed";
        for yes in [
            &["true"][..],
            &["True"],
            &["TRUE"],
            &[" 1 "],
            &["false", "true"],
            &["0", "1"],
            &["false, True"],
        ] {
            assert!(replayed(&headers(yes), name), "{yes:?}");
        }
        for no in [&[][..], &["false"], &["False"], &["0"], &["yes"], &["false", "0"], &[""]] {
            assert!(!replayed(&headers(no), name), "{no:?}");
        }
    }

    #[test]
    fn the_ledger_refuses_a_key_reused_with_another_body_only() {
        let ledger = KeyLedger::default();
        let key = IdempotencyKey::new("k-1").unwrap();
        let target = "POST https://reporter.example/v1/reports";
        assert_eq!(ledger.claim(&key, target, b"{\"a\":1}"), Ok(()));
        assert_eq!(ledger.claim(&key, target, b"{\"a\":1}"), Ok(()), "a retry of the same body");
        let refused = ledger.claim(&key, target, b"{\"a\":2}").unwrap_err();
        assert!(refused.contains("`k-1`") && refused.contains("new key"), "{refused}");
        let other_server = "POST https://other.example/v1/reports";
        assert_eq!(ledger.claim(&key, other_server, b"{\"a\":2}"), Ok(()));
    }

    #[test]
    fn the_ledger_forgets_its_oldest_key_past_its_capacity() {
        let ledger = KeyLedger::default();
        let key = |n: usize| IdempotencyKey::new(format!("k-{n}")).unwrap();
        for n in 0..=LEDGER_CAPACITY {
            ledger.claim(&key(n), "t", b"first").unwrap();
        }
        assert_eq!(ledger.sent.lock().unwrap().order.len(), LEDGER_CAPACITY);
        assert_eq!(ledger.claim(&key(0), "t", b"second"), Ok(()), "k-0 was forgotten");
        assert!(ledger.claim(&key(LEDGER_CAPACITY), "t", b"second").is_err());
    }
}
