//! Keys for what carries no id of its own: events (their canonical JSON's hash and their
//! ordinal among identical events, so two identical rows stay two) and undecodable items
//! (the hash of their canonical JSON).

use std::collections::HashMap;

use serde::Serialize;

use super::canonical_json::{canonical_json, canonical_json_of};
use crate::fingerprint::fnv128;

/// Gives each event of one listing a stable key from its content, for vendors whose events
/// have no id (Everbridge's audit log).
///
/// The key is a 128-bit FNV-1a hash of the content, then the event's ordinal among the
/// events of the listing with the same content: listing the same window again gives the
/// same keys, and two identical rows (same time, same everything) keep two keys. Identical
/// events share their time, so they always fall in the same window.
///
/// ```
/// use auditkit::collect::ContentKeys;
///
/// let mut keys = ContentKeys::new();
/// let first = keys.key(br#"{"eventTime":"2026-11-01T10:00:00","operationType":"Update"}"#);
/// let twin = keys.key(br#"{"eventTime":"2026-11-01T10:00:00","operationType":"Update"}"#);
/// assert_ne!(first, twin);
/// assert!(first.ends_with("-0") && twin.ends_with("-1"));
/// assert_eq!(ContentKeys::new().key(br#"{"eventTime":"2026-11-01T10:00:00","operationType":"Update"}"#), first);
/// ```
#[derive(Debug, Default, Clone)]
pub struct ContentKeys {
    seen: HashMap<u128, u32>,
}

impl ContentKeys {
    /// Keys for a new listing.
    pub fn new() -> Self {
        Self::default()
    }

    /// The key of the next event with this content: `<32 hex digits>-<ordinal>`.
    pub fn key(&mut self, content: &[u8]) -> String {
        let hash = fnv128([content]);
        let ordinal = self.seen.entry(hash).or_insert(0);
        let key = format!("{hash:032x}-{ordinal}");
        *ordinal = ordinal.saturating_add(1);
        key
    }

    /// The key of the next event equal to `event`: the [`key`](Self::key) of its
    /// [canonical JSON](fn@super::canonical_json), so neither the order of its fields nor
    /// serde_json's features change it.
    ///
    /// ```
    /// use auditkit::collect::ContentKeys;
    /// use serde_json::json;
    ///
    /// let a = ContentKeys::new().key_of(&json!({"user": "ana", "at": "2026-11-01T10:00:00Z"}));
    /// let b = ContentKeys::new().key_of(&json!({"at": "2026-11-01T10:00:00Z", "user": "ana"}));
    /// assert_eq!(a, b);
    /// ```
    pub fn key_of<T: Serialize + ?Sized>(&mut self, event: &T) -> String {
        // A model of JSON values and strings always serializes; were one not to, every
        // such event would share the key of `null` and its ordinal would keep them apart.
        let value = serde_json::to_value(event).unwrap_or_default();
        self.key(canonical_json(&value).as_bytes())
    }
}

/// The key of an item that could not be decoded: the hash of its canonical JSON (of its
/// bytes as they came when they are not JSON at all), under a prefix no vendor key uses.
pub(crate) fn undecodable_key(raw: &[u8]) -> String {
    let hash = match canonical_json_of(raw) {
        Some(canonical) => fnv128([canonical.as_bytes()]),
        None => fnv128([raw]),
    };
    format!("undecodable:{hash:032x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_undecodable_item_s_key_depends_only_on_its_json_not_its_layout() {
        let key = undecodable_key(br#"{"id":"odd-1","time":"not a time","n":[1,2.0]}"#);
        let same =
            undecodable_key(b"{ \"time\": \"not a time\",\n \"n\": [1, 2.00], \"id\": \"odd-1\" }");
        assert_eq!(key, same);
        assert_ne!(key, undecodable_key(br#"{"id":"odd-2","time":"not a time","n":[1,2.0]}"#));
        assert!(key.starts_with("undecodable:") && key.len() == "undecodable:".len() + 32);
        // Not JSON at all: its bytes as they came.
        assert_ne!(undecodable_key(b"{oops"), undecodable_key(b"{oops "));
    }
}
