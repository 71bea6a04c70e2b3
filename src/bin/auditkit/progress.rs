//! Progress: per source, events and where it stands; for the summary at the end, the
//! metrics endpoint, and the display while it runs (`progress_display`).

use std::{collections::BTreeMap, sync::Mutex};

use chrono::{DateTime, Utc};

use super::lines::Prepared;

/// Events and high-water mark of each source.
#[derive(Debug, Default)]
pub(crate) struct Progress {
    sources: Mutex<BTreeMap<String, SourceProgress>>,
}

/// What a delivered batch adds to its source's progress.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Figures {
    events: usize,
    undecodable: usize,
    possibly_repeated: usize,
    high_water_mark: Option<DateTime<Utc>>,
}

impl Figures {
    pub(crate) fn of(prepared: &Prepared) -> Self {
        Self {
            events: prepared.events,
            undecodable: prepared.undecodable,
            possibly_repeated: prepared.possibly_repeated,
            high_water_mark: prepared.high_water_mark,
        }
    }
}

/// One source's progress so far.
#[derive(Debug, Default, Clone)]
pub(crate) struct SourceProgress {
    pub(crate) events: u64,
    pub(crate) undecodable: u64,
    pub(crate) batches: u64,
    /// Events delivered again after a clock rewind that no key could recognise.
    pub(crate) possibly_repeated: u64,
    pub(crate) high_water_mark: Option<DateTime<Utc>>,
    /// When its last batch was committed (each run ends with one, even an empty one).
    pub(crate) last_success: Option<DateTime<Utc>>,
    pub(crate) failed: Option<String>,
}

/// The totals of every source.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Totals {
    pub(crate) events: u64,
    pub(crate) undecodable: u64,
    pub(crate) batches: u64,
    pub(crate) possibly_repeated: u64,
    pub(crate) failed: usize,
}

impl Progress {
    /// A batch of `source` delivered and committed.
    pub(crate) fn batch(&self, source: &str, figures: Figures) {
        let mut sources = self.sources.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = sources.entry(source.to_owned()).or_default();
        entry.events = entry.events.saturating_add(figures.events as u64);
        entry.undecodable = entry.undecodable.saturating_add(figures.undecodable as u64);
        entry.possibly_repeated =
            entry.possibly_repeated.saturating_add(figures.possibly_repeated as u64);
        entry.batches = entry.batches.saturating_add(1);
        entry.high_water_mark = figures.high_water_mark.or(entry.high_water_mark);
        entry.last_success = Some(Utc::now());
        entry.failed = None;
    }

    /// Where `source`'s checkpoint stood when the process started (no batch counted).
    pub(crate) fn resume(&self, source: &str, high_water_mark: DateTime<Utc>) {
        let mut sources = self.sources.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = sources.entry(source.to_owned()).or_default();
        entry.high_water_mark = entry.high_water_mark.or(Some(high_water_mark));
    }

    pub(crate) fn failed(&self, source: &str, why: &str) {
        let mut sources = self.sources.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        sources.entry(source.to_owned()).or_default().failed = Some(why.to_owned());
    }

    /// Every source's progress, by checkpoint id.
    pub(crate) fn snapshot(&self) -> BTreeMap<String, SourceProgress> {
        self.sources.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// "qualtrics/logins: backfill at 2026-11-03 10:00, 41,000 events" for each source.
    pub(crate) fn lines(&self) -> Vec<String> {
        let now = Utc::now();
        self.snapshot().iter().map(|(source, p)| format!("{source}: {}", p.describe(now))).collect()
    }

    pub(crate) fn totals(&self) -> Totals {
        let sources = self.sources.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        sources.values().fold(Totals::default(), |t, p| Totals {
            events: t.events + p.events,
            undecodable: t.undecodable + p.undecodable,
            batches: t.batches + p.batches,
            possibly_repeated: t.possibly_repeated + p.possibly_repeated,
            failed: t.failed + usize::from(p.failed.is_some()),
        })
    }
}

impl SourceProgress {
    /// "backfill at 2026-11-03 10:00, 41,000 events": more than an hour behind is a
    /// backfill, less is live.
    pub(crate) fn describe(&self, now: DateTime<Utc>) -> String {
        let at = self.high_water_mark.map_or_else(
            || "starting".to_owned(),
            |hwm| {
                let phase =
                    if now - hwm > chrono::TimeDelta::hours(1) { "backfill" } else { "live" };
                format!("{phase} at {}", hwm.format("%Y-%m-%d %H:%M"))
            },
        );
        let repeated = match self.possibly_repeated {
            0 => String::new(),
            n => format!(", {} possibly repeated after a clock rewind", thousands(n)),
        };
        let failed =
            self.failed.as_ref().map_or_else(String::new, |why| format!(", failing: {why}"));
        format!("{at}, {} events{repeated}{failed}", thousands(self.events))
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

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_source_reads_as_its_phase_date_and_events() {
        let now = Utc.with_ymd_and_hms(2026, 11, 10, 12, 0, 0).unwrap();
        let mut p = SourceProgress {
            events: 41_000,
            high_water_mark: Some(Utc.with_ymd_and_hms(2026, 11, 3, 0, 0, 0).unwrap()),
            ..SourceProgress::default()
        };
        assert_eq!(p.describe(now), "backfill at 2026-11-03 00:00, 41,000 events");
        p.high_water_mark = Some(now - chrono::TimeDelta::minutes(5));
        p.possibly_repeated = 3;
        assert_eq!(
            p.describe(now),
            "live at 2026-11-10 11:55, 41,000 events, 3 possibly repeated after a clock rewind"
        );
    }
}
