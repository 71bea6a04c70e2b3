//! The audit log of one report type as a collector [`Source`]: entries have no id, so each
//! is keyed by its content and its ordinal among identical entries.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use futures::StreamExt;

use chrono::TimeDelta;

use super::{AuditLogEntry, ListAuditLog, ReportType, config::Settings as RequestSettings, range};
use crate::{
    Timer, Vendor,
    collect::{Collected, ContentKeys, ListedStream, Settings, Source, Window, listed},
    transport::EndpointSlot,
};

/// The audit log of one report type, for a [`Collector`](crate::collect::Collector).
/// Created by [`Service::audit_log_source`](super::Service::audit_log_source).
///
/// ```no_run
/// use auditkit::collect::{Collector, FileStore};
/// use auditkit::everbridge::ReportType;
/// use futures::TryStreamExt;
///
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// let source = client.everbridge().audit_log_source(ReportType::Security);
/// let mut batches = Collector::new(source).store(FileStore::new("security.json")).run();
/// while let Some(batch) = batches.try_next().await? {
///     for entry in batch.events() {
///         println!("{} {:?} {:?}", entry.key, entry.event.user_name, entry.event.operation_type);
///     }
///     batch.commit().await?;
/// }
/// # Ok(()) }
/// ```
///
/// A window is read as [`ListAuditLog`]'s `items()` reads a range (split into calendar months, each
/// scrolled); an entry that does not decode is delivered in
/// [`Batch::undecodable`](crate::collect::Batch::undecodable). Its id is
/// `everbridge/security` or `everbridge/contact`.
///
/// **Keys.** Entries have no id of their own, so an entry's key is a hash of its canonical
/// JSON ([`canonical_json`](crate::collect::canonical_json): fields sorted by name,
/// whatever order the server sent them in and whatever serde features are on) and its
/// ordinal among the identical entries of the listing ([`ContentKeys::key_of`]): the same entry listed again, in another window or another run, has
/// the same key, and two identical entries (same second, same everything) stay two.
/// Identical entries share their time, so they always fall in the same window. An entry's
/// time is its `eventTime` (the window's last instant when it has none: see
/// [`Window::fallback_time`]).
///
/// The defaults ([`Source::settings`]): a lag of 15 minutes and an overlap of 2 hours
/// (Everbridge writes its audit log asynchronously and does not say how late an entry may
/// appear: generous margins cost only a re-read), 1-day steps, and a first run 30 days
/// back.
///
/// **The 6-month rule.** Everbridge serves only the past 6 months: a window that starts
/// before that (a checkpoint left alone for too long, a `start_at` too far back) is read
/// from the oldest instant Everbridge serves, with a warning giving the size of the gap
/// that can no longer be read (a window entirely before it reads nothing, with the same
/// warning), and the collector carries on; it never stays stuck on a refused range.
#[derive(Debug, Clone)]
pub struct AuditLogSource {
    slot: EndpointSlot,
    settings: RequestSettings,
    report_type: ReportType,
}

impl AuditLogSource {
    pub(super) fn new(
        slot: EndpointSlot,
        settings: RequestSettings,
        report_type: ReportType,
    ) -> Self {
        Self { slot, settings, report_type }
    }
}

impl Source for AuditLogSource {
    type Event = AuditLogEntry;

    fn id(&self) -> String {
        format!("everbridge/{}", self.report_type.as_str().to_ascii_lowercase())
    }

    fn vendor(&self) -> Vendor {
        Vendor::Everbridge
    }

    fn settings(&self) -> Settings {
        Settings::default()
            .lag(Duration::from_secs(15 * 60))
            .overlap(Duration::from_secs(2 * 60 * 60))
            .step(Some(Duration::from_secs(24 * 60 * 60)))
            .lookback(Duration::from_secs(30 * 24 * 60 * 60))
    }

    fn timer(&self) -> Arc<dyn Timer> {
        self.slot.timer()
    }

    fn list(&self, window: &Window) -> ListedStream<AuditLogEntry> {
        let (served, gap) = range::served_part(&window.range, self.slot.timer().wall_clock());
        if gap > TimeDelta::zero() {
            tracing::warn!(
                source = %self.id(),
                from = %window.range.start,
                gap_hours = gap.num_hours(),
                "Everbridge serves only the past 6 months: this window starts {} hours before \
                 that, and those entries cannot be read; carrying on from the oldest instant served",
                gap.num_hours()
            );
        }
        let Some(served) = served else { return Box::pin(futures::stream::empty()) };
        let log =
            ListAuditLog::new(self.slot.clone(), self.settings, self.report_type.clone(), served);
        let (fallback, range) = (window.fallback_time(), window.range.clone());
        let outside = Arc::new(AtomicU64::new(0));
        let counted = Arc::clone(&outside);
        let mut keys = ContentKeys::new();
        let entries = listed(log.items_or_undecodable(), move |entry: AuditLogEntry| {
            let time = entry.event_time.unwrap_or(fallback);
            if !range.contains(&time) {
                counted.fetch_add(1, Ordering::Relaxed);
            }
            let key = keys.key_of(&entry);
            Collected::new(key, time, entry)
        });
        let (source, window) = (self.id(), window.range.clone());
        // After the last entry: the collector drops entries outside its window, so say how
        // many there were (an account offset not configured shows up here).
        let report = futures::stream::once(async move {
            let outside = outside.load(Ordering::Relaxed);
            if outside > 0 {
                tracing::warn!(
                    %source,
                    outside,
                    from = %window.start,
                    to = %window.end,
                    "Everbridge listed {outside} entries whose eventTime is outside the window \
                     asked for; the collector drops them (is `Config::event_time_offset` the \
                     account's offset?)"
                );
            }
        })
        .filter_map(|()| std::future::ready(None));
        Box::pin(entries.chain(report))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::collect::canonical_json;

    fn entry(json: &str) -> AuditLogEntry {
        serde_json::from_str(json).unwrap()
    }

    fn canonical(entry: &AuditLogEntry) -> String {
        canonical_json(&serde_json::to_value(entry).unwrap())
    }

    #[test]
    fn the_canonical_json_ignores_the_order_of_unknown_fields_but_not_their_values() {
        let a = entry(r#"{"eventTime":"2026-11-01T10:00:00","zeta":1,"alpha":{"y":2,"x":1}}"#);
        let b = entry(r#"{"alpha":{"x":1,"y":2},"zeta":1,"eventTime":"2026-11-01T10:00:00"}"#);
        let c = entry(r#"{"alpha":{"x":1,"y":3},"zeta":1,"eventTime":"2026-11-01T10:00:00"}"#);
        assert_eq!(canonical(&a), canonical(&b));
        assert_ne!(canonical(&a), canonical(&c));
        let text = canonical(&a);
        assert!(text.contains(r#""alpha":{"x":1,"y":2}"#), "{text}");
        let parsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed["eventTime"], "2026-11-01T10:00:00Z");
    }

    /// The keys of entries already delivered before canonical JSON moved to `collect`: a
    /// changed key would deliver those entries again after an upgrade.
    #[test]
    fn an_entry_s_key_is_the_one_it_had_before_canonical_json_moved_to_collect() {
        let entry = entry(
            r#"{"eventTime":"2026-11-01T10:00:00","userName":"ana","operationType":"Update",
                "zeta":[1,2.5,-3,"é\n"],"alpha":{"y":null,"x":true}}"#,
        );
        // The key the code before the move gave this entry.
        assert_eq!(ContentKeys::new().key_of(&entry), "d06c4c7ae1c24c65689bf86ae870d9fb-0");
    }

    #[test]
    fn the_same_entries_listed_again_get_the_same_keys_and_twins_stay_two() {
        let twin = entry(r#"{"eventTime":"2026-11-01T10:00:00","operationType":"Update"}"#);
        let other = entry(r#"{"eventTime":"2026-11-01T10:00:01","operationType":"Update"}"#);
        let keys_of = |listing: &[&AuditLogEntry]| {
            let mut keys = ContentKeys::new();
            listing.iter().map(|entry| keys.key_of(entry)).collect::<Vec<_>>()
        };
        let first = keys_of(&[&twin, &other, &twin]);
        assert_eq!(first.len(), 3);
        assert_ne!(first[0], first[2]);
        // Another window lists the same entries in another order: the same set of keys.
        let mut again = keys_of(&[&other, &twin, &twin]);
        let mut first_sorted = first.clone();
        again.sort();
        first_sorted.sort();
        assert_eq!(again, first_sorted);
    }
}
