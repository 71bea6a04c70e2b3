//! The keys a checkpoint remembers: 128-bit hashes with the time of their event, so the
//! oldest can be forgotten, saved as hex.
//!
//! A collector clones its checkpoint into every batch, and a store writes what changed: so
//! the keys live in sealed chunks shared by the clones (a clone costs the chunks' count,
//! not the keys'), in the order delivered, and the lookup set is built by the one copy
//! that delivers, not by the clones.

use std::{
    collections::{BTreeMap, HashSet},
    sync::{
        Arc, OnceLock,
        atomic::{AtomicU64, Ordering},
    },
};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Keys per sealed chunk.
const CHUNK: usize = 1024;

type Entry = (DateTime<Utc>, u128);

/// A sealed run of keys, in delivery order, with its time bounds.
#[derive(Debug)]
struct Chunk {
    entries: Vec<Entry>,
    oldest: DateTime<Utc>,
    newest: DateTime<Utc>,
}

impl Chunk {
    fn new(entries: Vec<Entry>) -> Option<Arc<Self>> {
        let oldest = entries.iter().map(|(time, _)| *time).min()?;
        let newest = entries.iter().map(|(time, _)| *time).max()?;
        Some(Arc::new(Self { entries, oldest, newest }))
    }
}

/// Delivered keys, for lookup and for forgetting the oldest.
#[derive(Debug)]
pub(super) struct SeenKeys {
    chunks: Vec<Arc<Chunk>>,
    tail: Vec<Entry>,
    len: usize,
    /// Which line of copies this is, and how many keys it delivered since it began: a
    /// store that saw an earlier copy of the same line writes only the keys added since.
    lineage: u64,
    inserted: u64,
    /// Every key before it was forgotten (`None`: nothing yet, or a rewind since).
    forgotten_before: Option<DateTime<Utc>>,
    /// Built on first lookup: the copy that delivers has it, its clones never need it.
    index: OnceLock<HashSet<u128>>,
}

static LINEAGES: AtomicU64 = AtomicU64::new(1);

impl Default for SeenKeys {
    fn default() -> Self {
        Self {
            chunks: Vec::new(),
            tail: Vec::new(),
            len: 0,
            lineage: LINEAGES.fetch_add(1, Ordering::Relaxed),
            inserted: 0,
            forgotten_before: None,
            index: OnceLock::new(),
        }
    }
}

impl Clone for SeenKeys {
    fn clone(&self) -> Self {
        Self {
            chunks: self.chunks.clone(),
            tail: self.tail.clone(),
            len: self.len,
            lineage: self.lineage,
            inserted: self.inserted,
            forgotten_before: self.forgotten_before,
            index: OnceLock::new(),
        }
    }
}

impl PartialEq for SeenKeys {
    fn eq(&self, other: &Self) -> bool {
        let sorted = |keys: &Self| {
            let mut entries: Vec<Entry> = keys.entries().collect();
            entries.sort_unstable();
            entries
        };
        self.len == other.len && sorted(self) == sorted(other)
    }
}

impl SeenKeys {
    pub(super) fn len(&self) -> usize {
        self.len
    }

    fn entries(&self) -> impl Iterator<Item = Entry> + '_ {
        self.chunks
            .iter()
            .flat_map(|chunk| chunk.entries.iter().copied())
            .chain(self.tail.iter().copied())
    }

    fn index(&self) -> &HashSet<u128> {
        self.index.get_or_init(|| self.entries().map(|(_, hash)| hash).collect())
    }

    pub(super) fn contains(&self, hash: u128) -> bool {
        self.index().contains(&hash)
    }

    pub(super) fn insert(&mut self, time: DateTime<Utc>, hash: u128) {
        self.index();
        let Some(index) = self.index.get_mut() else { return };
        if !index.insert(hash) {
            return;
        }
        self.tail.push((time, hash));
        self.len += 1;
        self.inserted += 1;
        if self.tail.len() >= CHUNK {
            self.chunks.extend(Chunk::new(std::mem::take(&mut self.tail)));
        }
    }

    /// Forgets the keys of events before `limit`.
    pub(super) fn forget_before(&mut self, limit: DateTime<Utc>) {
        self.forgotten_before = Some(self.forgotten_before.map_or(limit, |old| old.max(limit)));
        if !self.chunks.iter().any(|chunk| chunk.oldest < limit)
            && !self.tail.iter().any(|(time, _)| *time < limit)
        {
            return;
        }
        let mut forgotten = Vec::new();
        let mut kept_chunks = Vec::with_capacity(self.chunks.len());
        for chunk in std::mem::take(&mut self.chunks) {
            if chunk.oldest >= limit {
                kept_chunks.push(chunk);
            } else if chunk.newest < limit {
                forgotten.extend(chunk.entries.iter().map(|(_, hash)| *hash));
            } else {
                let (kept, gone): (Vec<Entry>, Vec<Entry>) =
                    chunk.entries.iter().partition(|(time, _)| *time >= limit);
                forgotten.extend(gone.into_iter().map(|(_, hash)| hash));
                kept_chunks.extend(Chunk::new(kept));
            }
        }
        self.chunks = kept_chunks;
        self.tail.retain(|(time, hash)| {
            let keep = *time >= limit;
            if !keep {
                forgotten.push(*hash);
            }
            keep
        });
        self.len -= forgotten.len();
        if let Some(index) = self.index.get_mut() {
            for hash in &forgotten {
                index.remove(hash);
            }
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
        if self.len <= max {
            return None;
        }
        let mut times: Vec<DateTime<Utc>> = self.entries().map(|(time, _)| time).collect();
        times.sort_unstable();
        let mut forgotten = None;
        let mut remaining = self.len;
        let mut at = 0;
        while remaining > max && at < times.len() && times[at] < limit {
            let instant = times[at];
            while at < times.len() && times[at] == instant {
                at += 1;
                remaining -= 1;
            }
            forgotten = Some(instant);
        }
        let floor = forgotten.map(|instant| {
            instant.checked_add_signed(chrono::TimeDelta::nanoseconds(1)).unwrap_or(instant)
        })?;
        self.forget_before(floor);
        Some(floor)
    }

    /// After a rewind the keys forgotten so far no longer bound what may be delivered.
    pub(super) fn rewound(&mut self) {
        self.forgotten_before = None;
    }

    /// What a store that saved `earlier` must add to its copy to hold these keys: `None`
    /// when `earlier` is not an ancestor (then write them all). The keys forgotten since
    /// are those before [`forgotten_before`](Self::forgotten_before).
    pub(super) fn added_since(&self, earlier: &Self) -> Option<Self> {
        if earlier.lineage != self.lineage || earlier.inserted > self.inserted {
            return None;
        }
        let added = usize::try_from(self.inserted - earlier.inserted).ok()?.min(self.len);
        let mut delta = Self::default();
        let mut recent: Vec<Entry> = Vec::with_capacity(added);
        let mut chunks = self.chunks.iter().rev();
        let mut from_tail = self.tail.iter().rev();
        while recent.len() < added {
            if let Some(entry) = from_tail.next() {
                recent.push(*entry);
                continue;
            }
            let Some(chunk) = chunks.next() else { break };
            from_tail = chunk.entries.iter().rev();
        }
        for (time, hash) in recent.into_iter().rev() {
            delta.insert(time, hash);
        }
        Some(delta)
    }

    pub(super) fn forgotten_before(&self) -> Option<DateTime<Utc>> {
        self.forgotten_before
    }

    /// Adds `delta`'s keys, then forgets those before `forgotten_before` (a journal's
    /// record, replayed).
    pub(super) fn apply(&mut self, delta: &Self, forgotten_before: Option<DateTime<Utc>>) {
        for (time, hash) in delta.entries() {
            self.insert(time, hash);
        }
        if let Some(limit) = forgotten_before {
            self.forget_before(limit);
        }
    }
}

/// On the wire: `{"<RFC 3339 time>": ["<32 hex digits>", …], …}`.
impl Serialize for SeenKeys {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut by_time: BTreeMap<DateTime<Utc>, Vec<String>> = BTreeMap::new();
        for (time, hash) in self.entries() {
            by_time.entry(time).or_default().push(format!("{hash:032x}"));
        }
        by_time.serialize(serializer)
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
