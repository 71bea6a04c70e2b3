//! Reporter's idempotency store, as its server code behaves: a key is marked processing
//! before the request is validated and stays so when the request fails; a key that made a
//! report answers with a replay of the first answer, after an in-flight window; a request
//! without a key is keyed on a hash of its body.

use std::{
    collections::HashMap,
    hash::{DefaultHasher, Hash, Hasher},
};

use serde_json::Value;

/// What the store holds for one key (Reporter keeps keys 24 hours; the sandbox keeps them
/// as long as it runs).
#[derive(Debug, Clone)]
pub(super) enum Entry {
    /// Marked before validation and never cleared: the request failed, or is being handled.
    Processing,
    /// The request made a report: the answer to replay, once `in_flight` more requests
    /// have been told the key is still in flight.
    Done { answer: Value, in_flight: u32 },
}

/// What a request with a given key gets.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Verdict {
    /// A new key: handle the request (the key is now marked processing).
    Proceed,
    /// 409 `TPL-0039`.
    InFlight,
    /// 201 with this earlier answer and `X-Idempotency-Replayed: true`.
    Replay(Value),
}

#[derive(Debug, Default)]
pub(super) struct Store {
    entries: HashMap<String, Entry>,
}

impl Store {
    /// The key a request is stored under: its `X-Idempotency`, else a hash of its body.
    pub(super) fn key_of(header: Option<&str>, body: &[u8]) -> String {
        match header.map(str::trim).filter(|key| !key.is_empty()) {
            Some(key) => key.to_owned(),
            None => {
                let mut hasher = DefaultHasher::new();
                body.hash(&mut hasher);
                format!("body:{:016x}", hasher.finish())
            }
        }
    }

    /// Looks `key` up and, for a new one, marks it processing (Redis `SetNX`).
    pub(super) fn claim(&mut self, key: &str) -> Verdict {
        match self.entries.get_mut(key) {
            None => {
                self.entries.insert(key.to_owned(), Entry::Processing);
                Verdict::Proceed
            }
            Some(Entry::Processing) => Verdict::InFlight,
            Some(Entry::Done { in_flight, .. }) if *in_flight > 0 => {
                *in_flight = in_flight.saturating_sub(1);
                Verdict::InFlight
            }
            Some(Entry::Done { answer, .. }) => Verdict::Replay(answer.clone()),
        }
    }

    /// Stores the answer of the request that claimed `key`.
    pub(super) fn complete(&mut self, key: &str, answer: Value, in_flight: u32) {
        self.entries.insert(key.to_owned(), Entry::Done { answer, in_flight });
    }

    pub(super) fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.get(key)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_failed_request_leaves_its_key_in_flight_for_good() {
        let mut store = Store::default();
        assert_eq!(store.claim("k"), Verdict::Proceed);
        for _ in 0..3 {
            assert_eq!(store.claim("k"), Verdict::InFlight);
        }
    }

    #[test]
    fn a_completed_key_is_in_flight_for_its_window_then_replays() {
        let mut store = Store::default();
        assert_eq!(store.claim("k"), Verdict::Proceed);
        store.complete("k", json!({"id": "r-1"}), 2);
        assert_eq!(store.claim("k"), Verdict::InFlight);
        assert_eq!(store.claim("k"), Verdict::InFlight);
        assert_eq!(store.claim("k"), Verdict::Replay(json!({"id": "r-1"})));
        assert_eq!(store.claim("k"), Verdict::Replay(json!({"id": "r-1"})));
    }

    #[test]
    fn without_a_header_identical_bodies_share_a_key() {
        assert_eq!(Store::key_of(Some(" k-1 "), b"x"), "k-1");
        assert_eq!(Store::key_of(None, b"{}"), Store::key_of(Some(""), b"{}"));
        assert_ne!(Store::key_of(None, b"{}"), Store::key_of(None, b"{ }"));
    }
}
