//! The simulator's state: events by activity type, kept sorted by [`Key`], the OAuth
//! tokens issued, and the counters behind ids.

use std::{
    collections::{BTreeMap, HashMap},
    time::Duration,
};

use chrono::{DateTime, Utc};
use serde_json::Value;
use tokio::time::Instant;

use super::{
    super::LateEvents,
    config::{Config, DEFAULT_TOKEN_LIFETIME, NextPageMode},
    export_store::Exports,
    ids::{format_time, truncate_to_millis},
};

/// The ordering key of an event: timestamp, then id, so equal timestamps still page stably.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Key {
    pub(super) at: DateTime<Utc>,
    pub(super) id: String,
}

#[derive(Debug)]
pub(super) struct Stored {
    pub(super) key: Key,
    pub(super) event: Value,
    /// When the event may first be listed (see [`LateEvents`]); `None`: always.
    pub(super) published: Option<DateTime<Utc>>,
}

impl Stored {
    /// Reads (and where missing, fills in) the id and timestamp of an added event.
    pub(super) fn from_value(mut event: Value, fresh_id: String, now: DateTime<Utc>) -> Self {
        let Value::Object(fields) = &mut event else {
            return Self { key: Key { at: now, id: fresh_id }, event, published: None };
        };
        let id = match fields.get("id") {
            Some(Value::String(id)) => id.clone(),
            // Kept verbatim so a test can see how a client copes; sorted by its JSON text.
            Some(other) => other.to_string(),
            None => {
                fields.insert("id".into(), fresh_id.clone().into());
                fresh_id
            }
        };
        let at = match fields.get("timestamp") {
            Some(Value::String(text)) => crate::datetime::parse(text).unwrap_or(now),
            Some(_) => now,
            None => {
                let at = truncate_to_millis(now);
                fields.insert("timestamp".into(), format_time(at).into());
                at
            }
        };
        Self { key: Key { at, id }, event, published: None }
    }

    /// Whether the event is listed at `now`.
    pub(super) fn is_published(&self, now: DateTime<Utc>) -> bool {
        self.published.is_none_or(|published| published <= now)
    }
}

#[derive(Debug)]
pub(super) struct State {
    /// Activity type → its events, sorted by [`Key`] at insertion so that a page costs a
    /// binary search and a walk, not a sort.
    pub(super) events: BTreeMap<String, Vec<Stored>>,
    pub(super) next_page: NextPageMode,
    pub(super) token_lifetime: Duration,
    /// Access token → when it expires.
    pub(super) tokens: HashMap<String, Instant>,
    pub(super) tokens_issued: usize,
    pub(super) events_made: u64,
    pub(super) requests_answered: u64,
    /// Events added while it is set get a publication time.
    pub(super) late: Option<LateEvents>,
    /// The bulk audit exports made, and the bulk API's recent requests.
    pub(super) exports: Exports,
}

impl State {
    pub(super) fn new(config: Config) -> Self {
        Self {
            events: BTreeMap::new(),
            next_page: config.next_page,
            token_lifetime: config.token_lifetime.unwrap_or(DEFAULT_TOKEN_LIFETIME),
            tokens: HashMap::new(),
            tokens_issued: 0,
            events_made: 0,
            requests_answered: 0,
            late: config.late,
            exports: Exports::default(),
        }
    }

    pub(super) fn next_event_number(&mut self) -> u64 {
        self.events_made += 1;
        self.events_made
    }

    /// Gives `stored` its publication time, when events are published late.
    fn stamp(&self, stored: &mut Stored) {
        if let Some(late) = &self.late {
            stored.published = Some(late.publication(stored.key.id.as_bytes(), stored.key.at));
        }
    }

    pub(super) fn insert(&mut self, activity_type: &str, mut stored: Stored) {
        self.stamp(&mut stored);
        let events = self.events.entry(activity_type.to_owned()).or_default();
        events.retain(|old| old.key.id != stored.key.id);
        let at = events.partition_point(|old| old.key < stored.key);
        events.insert(at, stored);
    }

    pub(super) fn insert_batch(&mut self, activity_type: &str, mut batch: Vec<Stored>) {
        batch.iter_mut().for_each(|stored| self.stamp(stored));
        let events = self.events.entry(activity_type.to_owned()).or_default();
        events.extend(batch);
        // Two sorted runs: the stable sort merges them in linear time.
        events.sort_by(|a, b| a.key.cmp(&b.key));
    }
}
