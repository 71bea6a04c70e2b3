//! The simulator's state: entries by report type, kept sorted by [`Key`], the open
//! scrolls, the OAuth tokens issued, and the switches a test flips.

use std::{
    borrow::Cow,
    collections::{BTreeMap, HashMap},
    time::Duration,
};

use chrono::{DateTime, Utc};
use tokio::time::Instant;

use super::{
    super::LateEvents,
    config::{Config, DEFAULT_SCROLL_IDLE, DEFAULT_TOKEN_LIFETIME},
    entries::{Body, Entry, Key},
};

/// An open scroll: what it reads and the last entry it served.
#[derive(Debug, Clone)]
pub(super) struct Scroll {
    pub(super) report_type: &'static str,
    pub(super) from: DateTime<Utc>,
    pub(super) to: DateTime<Utc>,
    /// The key of the last entry served; `None` before the first batch.
    pub(super) after: Option<Key>,
    pub(super) last_used: Instant,
}

#[derive(Debug)]
pub(super) struct State {
    /// Report type (`Security`, `Contact`) → its entries, sorted by [`Key`].
    pub(super) entries: BTreeMap<&'static str, Vec<Entry>>,
    pub(super) scrolls: HashMap<String, Scroll>,
    pub(super) scrolls_opened: u64,
    pub(super) scroll_idle: Duration,
    /// Token the API accepts (a password grant's id_token, a service account's
    /// access_token) → when it expires; the other token of each answer is refused.
    pub(super) tokens: HashMap<String, Instant>,
    /// The `roleId` of the last password grant that named one.
    pub(super) last_role_id: Option<String>,
    pub(super) tokens_issued: usize,
    pub(super) token_lifetime: Duration,
    pub(super) entries_made: u64,
    pub(super) today: Option<DateTime<Utc>>,
    pub(super) wrapped: bool,
    /// Entries added while it is set get a publication time.
    pub(super) late: Option<LateEvents>,
    /// How many entries were given one: while none were, pages are slices of the state.
    pub(super) late_entries: usize,
    pub(super) logging_policy: bool,
    /// The organisation's rate tier, when the simulator enforces one.
    pub(super) tier: Option<super::limits::Tier>,
    pub(super) counts: super::limits::Counts,
    /// Queries over a longer range than this time out at the gateway (504).
    pub(super) timeout_over: Option<chrono::TimeDelta>,
    /// How many queries timed out.
    pub(super) timeouts: u64,
}

/// The report types Everbridge knows, as the API spells them.
pub(super) const REPORT_TYPES: [&str; 2] = ["Security", "Contact"];

/// The report type `name` names, in any case.
pub(super) fn report_type(name: &str) -> Option<&'static str> {
    REPORT_TYPES.into_iter().find(|known| known.eq_ignore_ascii_case(name.trim()))
}

impl State {
    pub(super) fn new(config: Config) -> Self {
        Self {
            entries: REPORT_TYPES.into_iter().map(|name| (name, Vec::new())).collect(),
            scrolls: HashMap::new(),
            scrolls_opened: 0,
            scroll_idle: config.scroll_idle.unwrap_or(DEFAULT_SCROLL_IDLE),
            tokens: HashMap::new(),
            last_role_id: None,
            tokens_issued: 0,
            token_lifetime: config.token_lifetime.unwrap_or(DEFAULT_TOKEN_LIFETIME),
            entries_made: 0,
            today: config.today,
            wrapped: config.wrapped,
            late: config.late,
            late_entries: 0,
            logging_policy: true,
            tier: config.tier,
            counts: super::limits::Counts::default(),
            timeout_over: None,
            timeouts: 0,
        }
    }

    /// "Now" for the 6-month rule.
    pub(super) fn today(&self) -> DateTime<Utc> {
        self.today.unwrap_or_else(Utc::now)
    }

    /// Adds entries at `times` (ascending), generated or with `body`, and returns their keys.
    pub(super) fn add(
        &mut self,
        report_type: &'static str,
        times: Vec<DateTime<Utc>>,
        body: impl Fn() -> Body,
    ) -> Vec<Key> {
        let mut keys = Vec::with_capacity(times.len());
        let entries = self.entries.entry(report_type).or_default();
        for at in times {
            self.entries_made += 1;
            let key = Key { at, n: self.entries_made };
            keys.push(key);
            let published = self.late.map(|late| late.publication(&key.n.to_le_bytes(), at));
            self.late_entries += usize::from(published.is_some());
            entries.push(Entry { key, body: body(), published });
        }
        // Two sorted runs: the stable sort merges them in linear time.
        entries.sort_by_key(|entry| entry.key);
        keys
    }

    /// The entries of `report_type` from `from` to `to`, both inclusive, oldest first,
    /// that are published at `now`: a slice of the state unless some entries are late.
    pub(super) fn between(
        &self,
        report_type: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Cow<'_, [Entry]> {
        let entries = self.entries.get(report_type).map(Vec::as_slice).unwrap_or_default();
        let start = entries.partition_point(|entry| entry.key.at < from);
        let end = entries.partition_point(|entry| entry.key.at <= to).max(start);
        let range = &entries[start..end];
        if self.late_entries == 0 {
            return Cow::Borrowed(range);
        }
        let published = |entry: &&Entry| entry.published.is_none_or(|at| at <= now);
        Cow::Owned(range.iter().filter(published).cloned().collect())
    }

    /// Forgets the scrolls idle for longer than the idle time.
    pub(super) fn drop_idle_scrolls(&mut self, now: Instant) {
        let idle = self.scroll_idle;
        self.scrolls.retain(|_, scroll| now.saturating_duration_since(scroll.last_used) < idle);
    }
}
