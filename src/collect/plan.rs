//! What a run needs from its collector, checked and computed once when the collection
//! starts: the source and its id, the store, the settings and the limits.

use std::{num::NonZeroUsize, sync::Arc, time::Duration};

use chrono::{DateTime, Utc};

use super::{CheckpointStore, Collector, Settings, Source, Turns, leasing::Leasing};
use crate::{Error, Operation, Timer};

/// A collection's plan: a [`Collector`]'s settings, validated, with what they imply.
pub(crate) struct Plan<S: Source> {
    pub(crate) source: Arc<S>,
    /// The source's id, asked once: the checkpoint's name.
    pub(crate) id: String,
    pub(crate) store: Arc<dyn CheckpointStore>,
    pub(crate) timer: Arc<dyn Timer>,
    pub(crate) operation: Operation,
    pub(crate) settings: Settings,
    pub(crate) batch_size: NonZeroUsize,
    pub(crate) max_keys: NonZeroUsize,
    pub(crate) start_at: Option<DateTime<Utc>>,
    pub(crate) until: Option<DateTime<Utc>>,
    pub(crate) leasing: Option<Leasing>,
    pub(crate) turns: Option<Turns>,
}

impl<S: Source> Plan<S> {
    /// The plan of `collector`'s runs.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a batch size, a key limit, a step or a lease of 0, or an
    /// empty lease holder.
    pub(crate) fn new(collector: &Collector<S>) -> Result<Self, Error> {
        let operation = collector.operation();
        let refuse = |message: &str| Error::invalid_input(operation, message);
        let batch_size = NonZeroUsize::new(collector.batch_size)
            .ok_or_else(|| refuse("batch_size is 0: give at least 1"))?;
        let max_keys = NonZeroUsize::new(collector.max_keys)
            .ok_or_else(|| refuse("max_keys is 0: give at least 1"))?;
        if collector.settings.step == Some(Duration::ZERO) {
            return Err(refuse("step is 0: give a positive duration"));
        }
        if let Some(leasing) = &collector.leasing {
            if leasing.duration.is_zero() {
                return Err(refuse("the lease is 0: give a positive duration (30 s is usual)"));
            }
            if leasing.holder.is_empty() {
                return Err(refuse(
                    "the lease holder is empty: give each replica its own name (its host name)",
                ));
            }
        }
        Ok(Self {
            source: Arc::clone(&collector.source),
            id: collector.source.id(),
            store: Arc::clone(&collector.store),
            timer: collector.source.timer(),
            operation,
            settings: collector.settings,
            batch_size,
            max_keys,
            start_at: collector.start_at,
            until: collector.until,
            leasing: collector.leasing.clone(),
            turns: collector.turns.clone(),
        })
    }

    /// The range of a run starting `now` from a checkpoint that resumes at `resume_from`
    /// (none yet: the collector's start, or the lookback before now), up to now minus the
    /// lag and never past `until`.
    pub(crate) fn range(
        &self,
        now: DateTime<Utc>,
        resume_from: Option<DateTime<Utc>>,
    ) -> std::ops::Range<DateTime<Utc>> {
        let mut to = crate::datetime::saturating_sub(now, self.settings.lag);
        if let Some(until) = self.until {
            to = to.min(until);
        }
        let from = resume_from.unwrap_or_else(|| {
            self.start_at
                .unwrap_or_else(|| crate::datetime::saturating_sub(now, self.settings.lookback))
        });
        from..to
    }
}
