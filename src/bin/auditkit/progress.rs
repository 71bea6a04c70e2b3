//! Progress: per source, events and where it stands; a line every few seconds when asked
//! (always when stderr is not a terminal), and the summary at the end.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};

/// Events and high-water mark of each source.
#[derive(Debug, Default)]
pub(crate) struct Progress {
    sources: Mutex<BTreeMap<String, SourceProgress>>,
}

#[derive(Debug, Default, Clone)]
struct SourceProgress {
    events: u64,
    undecodable: u64,
    batches: u64,
    high_water_mark: Option<DateTime<Utc>>,
    failed: Option<String>,
}

impl Progress {
    pub(crate) fn batch(
        &self,
        source: &str,
        events: usize,
        undecodable: usize,
        hwm: Option<DateTime<Utc>>,
    ) {
        let mut sources = self.sources.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = sources.entry(source.to_owned()).or_default();
        entry.events = entry.events.saturating_add(events as u64);
        entry.undecodable = entry.undecodable.saturating_add(undecodable as u64);
        entry.batches = entry.batches.saturating_add(1);
        entry.high_water_mark = hwm.or(entry.high_water_mark);
        entry.failed = None;
    }

    pub(crate) fn failed(&self, source: &str, why: &str) {
        let mut sources = self.sources.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        sources.entry(source.to_owned()).or_default().failed = Some(why.to_owned());
    }

    /// "qualtrics/logins: at 2026-11-03 10:00, 41,000 events" for each source.
    pub(crate) fn lines(&self) -> Vec<String> {
        let sources = self.sources.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        sources
            .iter()
            .map(|(source, p)| {
                let at = p.high_water_mark.map_or_else(
                    || "starting".to_owned(),
                    |hwm| {
                        let behind = Utc::now() - hwm;
                        let phase =
                            if behind > chrono::TimeDelta::hours(1) { "backfill" } else { "live" };
                        format!("{phase} at {}", hwm.format("%Y-%m-%d %H:%M"))
                    },
                );
                let failed =
                    p.failed.as_ref().map_or_else(String::new, |why| format!(", failing: {why}"));
                format!("{source}: {at}, {} events{failed}", thousands(p.events))
            })
            .collect()
    }

    /// Totals: events, undecodable, batches, sources failed.
    pub(crate) fn totals(&self) -> (u64, u64, u64, usize) {
        let sources = self.sources.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        sources.values().fold((0, 0, 0, 0), |(e, u, b, f), p| {
            (e + p.events, u + p.undecodable, b + p.batches, f + usize::from(p.failed.is_some()))
        })
    }

    /// Logs each source's line every `every` until the task is aborted.
    pub(crate) fn spawn_reporter(self: &Arc<Self>, every: Duration) -> tokio::task::JoinHandle<()> {
        let progress = Arc::clone(self);
        tokio::spawn(async move {
            let started = Instant::now();
            let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
            loop {
                ticks.tick().await;
                let (events, ..) = progress.totals();
                let rate = events as f64 / started.elapsed().as_secs_f64().max(0.001);
                for line in progress.lines() {
                    tracing::info!(target: "auditkit::progress", "{line}");
                }
                tracing::info!(target: "auditkit::progress", "{} events, {rate:.0} events/s", thousands(events));
            }
        })
    }
}

/// 41000 → "41,000".
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
