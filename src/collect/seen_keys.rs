//! The keys a checkpoint remembers: 128-bit hashes with the time of their event, so the
//! oldest can be forgotten, saved as hex.
//!
//! A collector clones its checkpoint into every batch, and a store writes what changed: so
//! the keys live in sealed chunks shared by the clones, in the order delivered, and the
//! lookup set is built by the one copy that delivers, not by the clones. The list of chunks
//! is shared too: a clone costs the same with a thousand keys or a million (a commit clones
//! the checkpoint twice, and each `Arc` touched is a cache miss).

use std::{
    collections::HashSet,
    sync::{
        Arc, OnceLock,
        atomic::{AtomicU64, Ordering},
    },
};

use chrono::{DateTime, Utc};

use super::key_hasher::Folded;

/// Keys per sealed chunk.
const CHUNK: usize = 1024;

/// Chunks sealed since the shared list was last copied: a seal copies that list (a clone
/// shares it) only once per this many.
const RECENT: usize = 32;

pub(super) type Entry = (DateTime<Utc>, u128);

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
    /// The sealed chunks: most in the shared list, the last few (up to `RECENT`) apart.
    sealed: Arc<Vec<Arc<Chunk>>>,
    recent: Vec<Arc<Chunk>>,
    /// The oldest time in any chunk: forgetting what no chunk holds visits none of them.
    chunks_oldest: Option<DateTime<Utc>>,
    tail: Vec<Entry>,
    len: usize,
    /// Which line of copies this is, and how many keys it delivered since it began: a
    /// store that saw an earlier copy of the same line writes only the keys added since.
    lineage: u64,
    inserted: u64,
    /// Every key before it was forgotten (`None`: nothing yet, or a rewind since).
    forgotten_before: Option<DateTime<Utc>>,
    /// Built on first lookup: the copy that delivers has it, its clones never need it, nor
    /// does a store that reads a file to rewrite it.
    index: OnceLock<HashSet<u128, Folded>>,
}

static LINEAGES: AtomicU64 = AtomicU64::new(1);

/// A copy of the keys as a store saved it: its line of copies and how far along it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Mark {
    lineage: u64,
    inserted: u64,
}

impl Default for SeenKeys {
    fn default() -> Self {
        Self {
            sealed: Arc::default(),
            recent: Vec::new(),
            chunks_oldest: None,
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
            sealed: Arc::clone(&self.sealed),
            recent: self.recent.clone(),
            chunks_oldest: self.chunks_oldest,
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

    pub(super) fn entries(&self) -> impl Iterator<Item = Entry> + '_ {
        self.chunks()
            .flat_map(|chunk| chunk.entries.iter().copied())
            .chain(self.tail.iter().copied())
    }

    fn index(&self) -> &HashSet<u128, Folded> {
        self.index.get_or_init(|| {
            let mut index = HashSet::with_capacity_and_hasher(self.len, Folded::default());
            index.extend(self.entries().map(|(_, hash)| hash));
            index
        })
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
        self.push(time, hash);
    }

    /// Adds a key read from a store's file, which holds each once: the lookup set is built
    /// when first needed (a store that rewrites the file never needs it).
    pub(super) fn push_read(&mut self, time: DateTime<Utc>, hash: u128) {
        if let Some(index) = self.index.get_mut()
            && !index.insert(hash)
        {
            return;
        }
        self.push(time, hash);
    }

    fn push(&mut self, time: DateTime<Utc>, hash: u128) {
        self.tail.push((time, hash));
        self.len += 1;
        self.inserted += 1;
        if self.tail.len() >= CHUNK
            && let Some(chunk) = Chunk::new(std::mem::take(&mut self.tail))
        {
            let oldest = self.chunks_oldest.map_or(chunk.oldest, |old| old.min(chunk.oldest));
            self.chunks_oldest = Some(oldest);
            self.recent.push(chunk);
            if self.recent.len() >= RECENT {
                Arc::make_mut(&mut self.sealed).append(&mut self.recent);
            }
        }
    }

    /// Forgets the keys of events before `limit`.
    pub(super) fn forget_before(&mut self, limit: DateTime<Utc>) {
        self.forgotten_before = Some(self.forgotten_before.map_or(limit, |old| old.max(limit)));
        let in_chunks = self.chunks_oldest.is_some_and(|oldest| oldest < limit);
        if !in_chunks && !self.tail.iter().any(|(time, _)| *time < limit) {
            return;
        }
        let mut forgotten = Vec::new();
        if in_chunks {
            self.forget_in_chunks(limit, &mut forgotten);
        }
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

    /// The chunks holding keys before `limit` lose them; the others are kept as they are.
    fn forget_in_chunks(&mut self, limit: DateTime<Utc>, forgotten: &mut Vec<u128>) {
        let mut kept_chunks = Vec::with_capacity(self.sealed.len() + self.recent.len());
        for chunk in self.chunks() {
            if chunk.oldest >= limit {
                kept_chunks.push(Arc::clone(chunk));
            } else if chunk.newest < limit {
                forgotten.extend(chunk.entries.iter().map(|(_, hash)| *hash));
            } else {
                let (kept, gone): (Vec<Entry>, Vec<Entry>) =
                    chunk.entries.iter().partition(|(time, _)| *time >= limit);
                forgotten.extend(gone.into_iter().map(|(_, hash)| hash));
                kept_chunks.extend(Chunk::new(kept));
            }
        }
        self.chunks_oldest = kept_chunks.iter().map(|chunk| chunk.oldest).min();
        self.sealed = Arc::new(kept_chunks);
        self.recent = Vec::new();
    }

    fn chunks(&self) -> impl DoubleEndedIterator<Item = &Arc<Chunk>> {
        self.sealed.iter().chain(&self.recent)
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

    /// Which copy this is: all a store keeps of what it saved, to write only what is added
    /// after it (a whole copy would cost a clone of every key per save).
    pub(super) fn mark(&self) -> Mark {
        Mark { lineage: self.lineage, inserted: self.inserted }
    }

    /// What a store that saved `earlier` must add to its copy to hold these keys: `None`
    /// when `earlier` is not an ancestor (then write them all). The keys forgotten since
    /// are those before [`forgotten_before`](Self::forgotten_before).
    pub(super) fn added_since(&self, earlier: Mark) -> Option<Self> {
        if earlier.lineage != self.lineage || earlier.inserted > self.inserted {
            return None;
        }
        let added = usize::try_from(self.inserted - earlier.inserted).ok()?.min(self.len);
        let mut delta = Self::default();
        let mut recent: Vec<Entry> = Vec::with_capacity(added);
        let mut chunks = self.chunks().rev();
        let mut from_tail = self.tail.iter().rev();
        while recent.len() < added {
            if let Some(entry) = from_tail.next() {
                recent.push(*entry);
                continue;
            }
            let Some(chunk) = chunks.next() else { break };
            from_tail = chunk.entries.iter().rev();
        }
        // Distinct already (each was new when delivered): no lookup set to build.
        recent.reverse();
        delta.len = recent.len();
        delta.inserted = recent.len() as u64;
        delta.tail = recent;
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

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn clones_share_the_list_of_chunks_and_forgetting_in_one_copy_leaves_the_other_whole() {
        let at = |second: u32| {
            Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap()
                + chrono::TimeDelta::seconds(i64::from(second))
        };
        let mut keys = SeenKeys::default();
        let count = (RECENT as u32 * 3 + 5) * CHUNK as u32 + 17;
        for n in 0..count {
            keys.insert(at(n / 100), u128::from(n));
        }
        let copy = keys.clone();
        assert!(Arc::ptr_eq(&copy.sealed, &keys.sealed), "a clone shares the list");
        assert_eq!(keys.sealed.len() + keys.recent.len(), count as usize / CHUNK);
        // Nothing to forget: the shared list is not even copied.
        keys.forget_before(at(0));
        assert!(Arc::ptr_eq(&copy.sealed, &keys.sealed));

        keys.forget_before(at(count / 200));
        let kept = count - (count / 200) * 100;
        assert_eq!(keys.len(), kept as usize);
        assert_eq!(keys.entries().count(), kept as usize);
        assert!(!keys.contains(0) && keys.contains(u128::from(count - 1)));
        assert!(keys.contains(u128::from((count / 200) * 100)));
        assert!(!keys.contains(u128::from((count / 200) * 100 - 1)));
        assert_eq!(copy.len(), count as usize, "the copy keeps every key");
        assert!(copy.contains(0));
        // What is left still seals and forgets as before.
        keys.insert(at(count), u128::from(count));
        keys.forget_before(at(count));
        assert_eq!(keys.len(), 1);
    }

    #[test]
    fn the_keys_added_since_an_earlier_copy_are_the_new_ones_in_order() {
        let at = |second| Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, second).unwrap();
        let mut keys = SeenKeys::default();
        for n in 0..3000u32 {
            keys.insert(at(n % 60), u128::from(n));
        }
        let earlier = keys.clone();
        for n in 3000..3700u32 {
            keys.insert(at(n % 60), u128::from(n));
        }
        let delta = keys.added_since(earlier.mark()).unwrap();
        assert_eq!(delta.len(), 700);
        assert_eq!(
            delta.entries().map(|(_, hash)| hash).collect::<Vec<_>>(),
            (3000..3700u128).collect::<Vec<_>>()
        );
        assert!(delta.contains(3000) && !delta.contains(2999));
        let mut replayed = earlier.clone();
        replayed.apply(&delta, None);
        assert_eq!(replayed, keys);
    }
}
