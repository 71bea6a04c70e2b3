//! The keys a checkpoint remembers: 128-bit hashes by the time of their event, so the
//! oldest can be forgotten, saved as hex.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Delivered keys by time, for lookup and for forgetting the oldest.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct SeenKeys {
    by_time: BTreeMap<DateTime<Utc>, Vec<u128>>,
    all: HashSet<u128>,
}

impl SeenKeys {
    pub(super) fn len(&self) -> usize {
        self.all.len()
    }

    pub(super) fn contains(&self, hash: u128) -> bool {
        self.all.contains(&hash)
    }

    pub(super) fn insert(&mut self, time: DateTime<Utc>, hash: u128) {
        if self.all.insert(hash) {
            self.by_time.entry(time).or_default().push(hash);
        }
    }

    pub(super) fn forget_before(&mut self, limit: DateTime<Utc>) {
        let kept = self.by_time.split_off(&limit);
        for hash in std::mem::replace(&mut self.by_time, kept).into_values().flatten() {
            self.all.remove(&hash);
        }
    }

    /// Forgets whole instants, oldest first and only before `limit`, until at most `max`
    /// keys remain; returns the instant just after the last one forgotten, when any was:
    /// every key delivered from there on is still known.
    pub(super) fn keep_newest(
        &mut self,
        max: usize,
        limit: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let mut forgotten = None;
        while self.all.len() > max {
            let Some(entry) = self.by_time.first_entry() else { break };
            if *entry.key() >= limit {
                break;
            }
            forgotten = Some(*entry.key());
            for hash in entry.remove() {
                self.all.remove(&hash);
            }
        }
        forgotten.map(|instant| {
            instant.checked_add_signed(chrono::TimeDelta::nanoseconds(1)).unwrap_or(instant)
        })
    }
}

/// On the wire: `{"<RFC 3339 time>": ["<32 hex digits>", …], …}`.
impl Serialize for SeenKeys {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let hex: BTreeMap<&DateTime<Utc>, Vec<String>> = self
            .by_time
            .iter()
            .map(|(time, hashes)| (time, hashes.iter().map(|h| format!("{h:032x}")).collect()))
            .collect();
        hex.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SeenKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let hex = BTreeMap::<DateTime<Utc>, Vec<String>>::deserialize(deserializer)?;
        let mut seen = SeenKeys::default();
        for (time, hashes) in hex {
            for text in hashes {
                seen.insert(time, hex128::parse(&text).map_err(serde::de::Error::custom)?);
            }
        }
        Ok(seen)
    }
}

pub(super) mod hex128 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(in crate::collect) fn parse(text: &str) -> Result<u128, String> {
        u128::from_str_radix(text, 16).map_err(|_| format!("`{text}` is not a 128-bit hex key"))
    }

    pub(in crate::collect) fn serialize<S: Serializer>(
        value: &u128,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("{value:032x}"))
    }

    pub(in crate::collect) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<u128, D::Error> {
        parse(&String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}
