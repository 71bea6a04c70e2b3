//! Keys for events that carry no id of their own: the content's hash, plus the event's
//! ordinal among identical events, so two identical rows stay two.

use std::collections::HashMap;

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
}

/// The key of an item that could not be decoded: its raw JSON's hash, under a prefix no
/// vendor key uses.
pub(crate) fn undecodable_key(raw_json: &str) -> String {
    format!("undecodable:{:032x}", fnv128([raw_json.as_bytes()]))
}
