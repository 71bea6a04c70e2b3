//! Where a collector stands: what it has listed and which keys it has delivered.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub(super) use super::seen_keys::Mark as KeysMark;
use super::{key_wire::hex128, seen_keys::SeenKeys};
use crate::fingerprint::fnv128;

/// A collector's position, saved by a [`CheckpointStore`](super::CheckpointStore) when a
/// [`Batch`](super::Batch) is committed.
///
/// It holds the high-water mark (the end of the last window listed in full, never an
/// event's own time, which would miss the events published late), the keys delivered
/// inside the overlap before it (as 128-bit hashes), the subjects whose last state was not
/// final, and the caller's annotations. It is a serde value: any store can keep it.
///
/// ```
/// use auditkit::collect::Checkpoint;
///
/// let saved = r#"{"source":"qualtrics/logins","high_water_mark":"2026-11-22T10:00:00Z"}"#;
/// let checkpoint: Checkpoint = serde_json::from_str(saved)?;
/// assert_eq!(checkpoint.source(), "qualtrics/logins");
/// assert_eq!(checkpoint.remembered_keys(), 0);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    source: String,
    high_water_mark: Option<DateTime<Utc>>,
    /// Keys older than this were forgotten to respect `max_keys`: no window starts before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    floor: Option<DateTime<Utc>>,
    #[serde(default)]
    seen: SeenKeys,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pending: BTreeMap<String, PendingState>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<String, serde_json::Value>,
}

/// The last delivered, not yet final, state of a subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct PendingState {
    #[serde(with = "hex128")]
    key: u128,
    time: DateTime<Utc>,
}

impl Checkpoint {
    pub(crate) fn new(source: String) -> Self {
        Self {
            source,
            high_water_mark: None,
            floor: None,
            seen: SeenKeys::default(),
            pending: BTreeMap::new(),
            annotations: BTreeMap::new(),
        }
    }

    /// The source this checkpoint belongs to.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The end of the last window listed in full; `None` before the first one.
    pub fn high_water_mark(&self) -> Option<DateTime<Utc>> {
        self.high_water_mark
    }

    /// How many delivered keys it remembers.
    pub fn remembered_keys(&self) -> usize {
        self.seen.len()
    }

    /// The subjects whose last delivered state was not final: the next run asks for them.
    pub fn pending_subjects(&self) -> impl Iterator<Item = &str> {
        self.pending.keys().map(String::as_str)
    }

    pub(crate) fn is_pending(&self, subject: &str) -> bool {
        self.pending.contains_key(subject)
    }

    /// A value the caller saved with this checkpoint (see [`Batch::annotate`](super::Batch::annotate)).
    pub fn annotation(&self, name: &str) -> Option<&serde_json::Value> {
        self.annotations.get(name)
    }

    /// All annotations, by name.
    pub fn annotations(&self) -> &BTreeMap<String, serde_json::Value> {
        &self.annotations
    }

    pub(crate) fn annotate(&mut self, name: String, value: serde_json::Value) {
        self.annotations.insert(name, value);
    }

    /// This checkpoint with only the keys added since `earlier` (an earlier copy a store
    /// saved), for a store that appends what changed; `None` when `earlier` is not an
    /// earlier copy of it.
    pub(super) fn changes_since(&self, earlier: KeysMark) -> Option<Checkpoint> {
        let seen = self.seen.added_since(earlier)?;
        Some(Checkpoint { seen, ..self.without_keys() })
    }

    /// What a store keeps of a checkpoint it saved, for [`changes_since`](Self::changes_since).
    pub(super) fn keys_mark(&self) -> KeysMark {
        self.seen.mark()
    }

    /// Its keys forgotten so far end before this instant.
    pub(super) fn keys_forgotten_before(&self) -> Option<DateTime<Utc>> {
        self.seen.forgotten_before()
    }

    /// `changes` (from [`changes_since`](Self::changes_since)) applied: its position,
    /// pending subjects and annotations, these keys and its own, then those forgotten.
    pub(super) fn apply(&mut self, changes: &Checkpoint, forgotten_before: Option<DateTime<Utc>>) {
        let mut seen = std::mem::take(&mut self.seen);
        seen.apply(&changes.seen, forgotten_before);
        *self = Checkpoint { seen, ..changes.without_keys() };
    }

    fn without_keys(&self) -> Checkpoint {
        Checkpoint {
            source: self.source.clone(),
            high_water_mark: self.high_water_mark,
            floor: self.floor,
            seen: SeenKeys::default(),
            pending: self.pending.clone(),
            annotations: self.annotations.clone(),
        }
    }

    /// Where the next run starts: the overlap before the high-water mark, never before the
    /// floor.
    pub(crate) fn resume_from(&self, overlap: std::time::Duration) -> Option<DateTime<Utc>> {
        let from = crate::datetime::saturating_sub(self.high_water_mark?, overlap);
        Some(self.floor.map_or(from, |floor| from.max(floor)))
    }

    /// Whether `key` was delivered, as an event or as the current state of its subject.
    pub(crate) fn is_delivered(&self, key: &str, subject: Option<&str>) -> bool {
        let hash = fnv128([key.as_bytes()]);
        let unchanged = subject
            .and_then(|subject| self.pending.get(subject))
            .is_some_and(|pending| pending.key == hash);
        unchanged || self.seen.contains(hash)
    }

    /// Records `key` as delivered; a subject's state that is not final stays pending.
    pub(crate) fn deliver(
        &mut self,
        key: &str,
        time: DateTime<Utc>,
        subject: Option<(&str, bool)>,
    ) {
        let hash = fnv128([key.as_bytes()]);
        self.seen.insert(time, hash);
        match subject {
            Some((id, true)) => {
                self.pending.remove(id);
            }
            Some((id, false)) => {
                self.pending.insert(id.to_owned(), PendingState { key: hash, time });
            }
            None => {}
        }
    }

    /// Moves the high-water mark back to `to` (set by a clock that ran fast): the keys
    /// stay, so what the next run lists again is recognised as far as they reach; a floor
    /// past `to` goes, so the next run starts an overlap before it. Returns the time before
    /// which keys were forgotten: an event older than it, listed again, cannot be told from
    /// a new one.
    pub(crate) fn rewind(&mut self, to: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let forgotten_before = self.seen.forgotten_before();
        self.high_water_mark = Some(to);
        self.seen.rewound();
        if self.floor.is_some_and(|floor| floor > to) {
            self.floor = None;
        }
        forgotten_before
    }

    /// Moves the high-water mark to `end` (a window listed in full), forgets the keys before
    /// the overlap, then the oldest keys beyond `max_keys` (raising the floor so no window
    /// starts before the keys still known), and the oldest pending subjects beyond it.
    pub(crate) fn complete_window(
        &mut self,
        end: DateTime<Utc>,
        overlap: std::time::Duration,
        max_keys: usize,
    ) {
        let hwm = self.high_water_mark.map_or(end, |hwm| hwm.max(end));
        self.high_water_mark = Some(hwm);
        self.seen.forget_before(crate::datetime::saturating_sub(hwm, overlap));
        if let Some(floor) = self.seen.keep_newest(max_keys, hwm) {
            tracing::warn!(
                source = %self.source,
                %floor,
                max_keys,
                "more keys in the overlap than max_keys: the oldest are forgotten and the overlap starts at the floor"
            );
            self.floor = Some(self.floor.map_or(floor, |old| old.max(floor)));
        }
        while self.pending.len() > max_keys {
            let oldest = self.pending.iter().min_by_key(|(_, state)| state.time);
            let Some(id) = oldest.map(|(id, _)| id.clone()) else { break };
            tracing::warn!(source = %self.source, subject = %id, "too many pending subjects: no longer rechecked");
            self.pending.remove(&id);
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, hour, 0, 0).unwrap()
    }

    #[test]
    fn a_checkpoint_round_trips_through_json() {
        let mut checkpoint = Checkpoint::new("test/source".into());
        checkpoint.deliver("a", at(1), None);
        checkpoint.deliver("run-7:In Progress", at(2), Some(("run-7", false)));
        checkpoint.complete_window(at(3), std::time::Duration::from_secs(3 * 3600), 100);
        checkpoint.annotate("output_bytes".into(), serde_json::json!(1234));
        let json = serde_json::to_string(&checkpoint).unwrap();
        let back: Checkpoint = serde_json::from_str(&json).unwrap();
        assert_eq!(back, checkpoint);
        assert!(back.is_delivered("a", None));
        assert!(back.is_delivered("run-7:In Progress", Some("run-7")));
        assert!(!back.is_delivered("run-7:Complete", Some("run-7")));
        assert_eq!(back.pending_subjects().collect::<Vec<_>>(), ["run-7"]);
        assert_eq!(back.annotation("output_bytes"), Some(&serde_json::json!(1234)));
    }

    #[test]
    fn keys_before_the_overlap_are_forgotten_when_a_window_completes() {
        let mut checkpoint = Checkpoint::new("s".into());
        checkpoint.deliver("old", at(1), None);
        checkpoint.deliver("recent", at(5), None);
        checkpoint.complete_window(at(6), std::time::Duration::from_secs(2 * 3600), 100);
        assert!(!checkpoint.is_delivered("old", None));
        assert!(checkpoint.is_delivered("recent", None));
        assert_eq!(checkpoint.resume_from(std::time::Duration::from_secs(2 * 3600)), Some(at(4)));
    }

    #[test]
    fn beyond_max_keys_the_oldest_instants_go_and_the_floor_rises() {
        let mut checkpoint = Checkpoint::new("s".into());
        for (hour, key) in [(1, "a"), (2, "b"), (2, "c"), (3, "d")] {
            checkpoint.deliver(key, at(hour), None);
        }
        checkpoint.complete_window(at(4), std::time::Duration::from_secs(10 * 3600), 2);
        // "a" and both keys of 02:00 go (instants are forgotten whole), "d" stays.
        assert_eq!(checkpoint.remembered_keys(), 1);
        assert!(checkpoint.is_delivered("d", None));
        let just_after_two = at(2) + chrono::TimeDelta::nanoseconds(1);
        let overlap = std::time::Duration::from_secs(10 * 3600);
        assert_eq!(checkpoint.resume_from(overlap), Some(just_after_two));
    }

    #[test]
    fn a_final_state_ends_the_subject_s_recheck() {
        let mut checkpoint = Checkpoint::new("s".into());
        checkpoint.deliver("r:Processing", at(1), Some(("r", false)));
        checkpoint.deliver("r:Finished", at(1), Some(("r", true)));
        assert_eq!(checkpoint.pending_subjects().count(), 0);
    }
}
