//! One collector run: the windows from the checkpoint to now minus the lag, the events
//! already delivered dropped, the rest cut into batches.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use futures::StreamExt;

use super::{
    Batch, Checkpoint, Collected, Listed, ListedStream, Rejected, Source, Window,
    batch::Annotations, keys::undecodable_key, plan::Plan, windows::Windows,
};
use crate::Error;

/// A collector's state across its runs (one run for `run()`, many for `follow()`).
pub(crate) struct Run<S: Source> {
    plan: Plan<S>,
    /// `None` until loaded from the store.
    state: Option<Checkpoint>,
    /// The state as of the last batch handed out: restored when a run fails, so events
    /// listed but never handed out are not counted as delivered.
    handed_out: Option<Checkpoint>,
    annotations: Annotations,
    windows: Windows,
    listing: Option<(Window, ListedStream<S::Event>)>,
    events: Vec<Collected<S::Event>>,
    rejected: Vec<Rejected>,
    /// A window completed since the last batch: the checkpoint moved.
    moved: bool,
    outside: u64,
    /// After a rewind: keys of events before this time were forgotten, so such an event
    /// listed again cannot be dropped as delivered (`None`: every repeat is recognised).
    unremembered_before: Option<DateTime<Utc>>,
    /// Events of the batch being cut that are older than `unremembered_before`.
    possibly_repeated: usize,
    /// Where batches commit to: the plan's store, or a lease's fenced commits.
    commits: Arc<dyn super::CheckpointStore>,
}

impl<S: Source> Run<S> {
    pub(crate) fn new(plan: Plan<S>) -> Self {
        Self {
            commits: Arc::clone(&plan.store),
            plan,
            state: None,
            handed_out: None,
            annotations: Arc::new(Mutex::new(Default::default())),
            windows: Windows::empty(),
            listing: None,
            events: Vec::new(),
            rejected: Vec::new(),
            moved: false,
            outside: 0,
            unremembered_before: None,
            possibly_repeated: 0,
        }
    }

    /// Commits batches to `commits` from now on (a new lease's), and loads the checkpoint
    /// again: another holder may have moved it.
    pub(crate) fn fence(&mut self, commits: Arc<dyn super::CheckpointStore>) {
        self.commits = commits;
        self.fail();
        self.state = None;
        self.handed_out = None;
    }

    /// Loads the checkpoint, once.
    pub(crate) async fn load(&mut self) -> Result<(), Error> {
        if self.state.is_some() {
            return Ok(());
        }
        let id = &self.plan.id;
        let checkpoint = match self.plan.store.load(id).await? {
            Some(saved) if saved.source() != id => {
                return Err(Error::invalid_input(
                    self.plan.operation,
                    format!(
                        "the store gave the checkpoint of `{}` for source `{id}`: give each \
                         source its own checkpoint",
                        saved.source()
                    ),
                ));
            }
            Some(saved) => saved,
            None => Checkpoint::new(id.clone()),
        };
        *self.annotations.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) =
            checkpoint.annotations().clone();
        self.handed_out = Some(checkpoint.clone());
        self.state = Some(checkpoint);
        Ok(())
    }

    /// Plans the windows of a new run, from the checkpoint to now minus the lag.
    pub(crate) fn start(&mut self) {
        let Some(state) = &mut self.state else { return };
        let now = self.plan.timer.wall_clock();
        let newest = crate::datetime::saturating_sub(now, self.plan.settings.lag);
        self.unremembered_before = None;
        if state.high_water_mark().is_some_and(|hwm| hwm > newest) {
            // The clock ran fast when the mark was set (or went back since): waiting for
            // it to catch up would hide every event until then. List the overlap before
            // now minus the lag again; the keys still remembered drop what was delivered.
            tracing::warn!(
                source = %state.source(),
                high_water_mark = ?state.high_water_mark(),
                %now,
                "the checkpoint's high-water mark is ahead of now minus the lag: the clock ran \
                 fast or went back; listing again from now minus the lag and the overlap"
            );
            self.unremembered_before = state.rewind(newest);
        }
        let range = self.plan.range(now, state.resume_from(self.plan.settings.overlap));
        tracing::debug!(source = %state.source(), from = %range.start, to = %range.end, "collector run");
        self.windows = Windows::new(range, self.plan.settings.step);
        self.outside = 0;
    }

    /// The next batch of this run, or `None` when the run is over.
    pub(crate) async fn next_batch(&mut self) -> Result<Option<Batch<S::Event>>, Error> {
        loop {
            let Some((_, listing)) = &mut self.listing else {
                let Some((range, first)) = self.windows.next() else {
                    return Ok(self.cut_if(self.moved || !self.is_empty()));
                };
                let recheck = match (&self.state, first) {
                    (Some(state), true) => state.pending_subjects().map(str::to_owned).collect(),
                    _ => Vec::new(),
                };
                let window = Window { range, recheck };
                let listing = self.plan.source.list(&window);
                self.listing = Some((window, listing));
                continue;
            };
            let next = listing.next().await;
            let (Some((window, _)), Some(state)) = (&self.listing, &mut self.state) else {
                return Ok(None);
            };
            match next {
                Some(Ok(Listed::Event(event))) => {
                    if accept(state, window, &event) {
                        if self.unremembered_before.is_some_and(|before| event.time < before) {
                            self.possibly_repeated += 1;
                        }
                        self.events.push(event);
                    } else if !window.contains(event.time) {
                        self.outside = self.outside.saturating_add(1);
                    }
                }
                Some(Ok(Listed::Undecodable(item))) => {
                    if let Some(rejected) = reject(state, item, window.range.end) {
                        self.rejected.push(rejected);
                    }
                }
                Some(Err(error)) => {
                    self.fail();
                    return Err(error);
                }
                None => {
                    state.complete_window(
                        window.range.end,
                        self.plan.settings.overlap,
                        self.plan.max_keys.get(),
                    );
                    self.listing = None;
                    self.moved = true;
                    if self.outside > 0 {
                        tracing::debug!(
                            outside = self.outside,
                            "events outside the window ignored"
                        );
                        self.outside = 0;
                    }
                    if !self.is_empty() {
                        return Ok(self.cut_if(true));
                    }
                    continue;
                }
            }
            if self.events.len().saturating_add(self.rejected.len()) >= self.plan.batch_size.get() {
                return Ok(self.cut_if(true));
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.events.is_empty() && self.rejected.is_empty()
    }

    /// Forgets the events listed since the last batch and the windows left: the state goes
    /// back to the last batch handed out.
    fn fail(&mut self) {
        self.listing = None;
        self.windows = Windows::empty();
        self.events.clear();
        self.rejected.clear();
        self.possibly_repeated = 0;
        self.moved = false;
        self.state = self.handed_out.clone();
    }

    fn cut_if(&mut self, wanted: bool) -> Option<Batch<S::Event>> {
        if !wanted {
            return None;
        }
        let checkpoint = self.state.clone()?;
        self.handed_out = Some(checkpoint.clone());
        self.moved = false;
        let possibly_repeated = std::mem::take(&mut self.possibly_repeated);
        if possibly_repeated > 0 {
            tracing::warn!(
                source = %checkpoint.source(),
                possibly_repeated,
                "after the rewind of a high-water mark that was ahead, events older than the \
                 keys still remembered were listed again: delivered, possibly a second time"
            );
        }
        Some(Batch {
            possibly_repeated,
            events: std::mem::take(&mut self.events),
            undecodable: std::mem::take(&mut self.rejected),
            checkpoint,
            store: Arc::clone(&self.commits),
            annotations: Arc::clone(&self.annotations),
        })
    }
}

/// Whether `event` is new: in the window (or the state of a pending subject) and not delivered yet;
/// if so, it is recorded as delivered.
fn accept<E>(state: &mut Checkpoint, window: &Window, event: &Collected<E>) -> bool {
    let subject = event.subject.as_ref().map(|s| (s.id.as_str(), s.settled));
    let rechecked = subject.is_some_and(|(id, _)| state.is_pending(id));
    if !window.contains(event.time) && !rechecked {
        return false;
    }
    if state.is_delivered(&event.key, subject.map(|(id, _)| id)) {
        return false;
    }
    state.deliver(&event.key, event.time, subject);
    true
}

/// An undecodable item not delivered yet, keyed by its content. It has no time of its own:
/// it is placed at its window's end, so its key is remembered at least as long as the item
/// can be listed again.
fn reject(
    state: &mut Checkpoint,
    item: crate::pagination::Undecodable,
    window_end: DateTime<Utc>,
) -> Option<Rejected> {
    let key = undecodable_key(item.raw_json().as_bytes());
    if state.is_delivered(&key, None) {
        return None;
    }
    state.deliver(&key, window_end, None);
    tracing::warn!(%key, error = %item.error(), "an item could not be decoded: delivered as undecodable");
    Some(Rejected { key, item })
}

#[cfg(test)]
mod tests {
    use std::{
        sync::{Arc, Mutex},
        time::Duration,
    };

    use chrono::{DateTime, TimeZone, Utc};
    use futures::{StreamExt, TryStreamExt, stream};

    use crate::{
        Timer, Vendor,
        collect::{
            Collected, Collector, Listed, ListedStream, MemoryStore, Settings, Source, Window,
        },
        timer::VirtualTimer,
    };

    type Listing = Arc<Mutex<Vec<(String, DateTime<Utc>)>>>;

    /// Lists the events in the window.
    struct Events {
        timer: Arc<VirtualTimer>,
        events: Listing,
    }

    impl Source for Events {
        type Event = ();

        fn id(&self) -> String {
            "test/events".into()
        }

        fn vendor(&self) -> Vendor {
            Vendor::Qualtrics
        }

        fn settings(&self) -> Settings {
            Settings::default()
                .lag(Duration::from_secs(300))
                .overlap(Duration::from_secs(3600))
                .step(None)
                .lookback(Duration::from_secs(3 * 86_400))
        }

        fn timer(&self) -> Arc<dyn Timer> {
            self.timer.clone()
        }

        fn list(&self, window: &Window) -> ListedStream<()> {
            let listed: Vec<_> = self
                .events
                .lock()
                .unwrap()
                .iter()
                .filter(|(_, time)| window.contains(*time))
                .map(|(key, time)| Ok(Listed::Event(Collected::new(key, *time, ()))))
                .collect();
            stream::iter(listed).boxed()
        }
    }

    async fn keys(collector: &Collector<Events>) -> Vec<String> {
        let mut batches = collector.run();
        let mut keys = Vec::new();
        while let Some(mut batch) = batches.try_next().await.unwrap() {
            keys.extend(batch.take_events().into_iter().map(|event| event.key));
            batch.commit().await.unwrap();
        }
        keys
    }

    #[tokio::test]
    async fn a_high_water_mark_set_by_a_fast_clock_hides_no_new_event_once_the_clock_is_back() {
        let real_now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        let store = MemoryStore::new();
        let events = Arc::new(Mutex::new(vec![(
            "before".to_owned(),
            real_now - chrono::TimeDelta::hours(2),
        )]));
        // A run on a clock a day fast moves the high-water mark a day ahead.
        let fast = Events {
            timer: Arc::new(VirtualTimer::starting_at(real_now + chrono::TimeDelta::days(1))),
            events: Arc::clone(&events),
        };
        assert_eq!(keys(&Collector::new(fast).store(store.clone())).await, ["before"]);
        let ahead = store.get("test/events").unwrap().high_water_mark().unwrap();
        assert!(ahead > real_now + chrono::TimeDelta::hours(23), "{ahead}");

        // The clock is corrected (the timer moved back a day, then on by 30 minutes); events
        // appear meanwhile, one of them before the old mark's overlap.
        events.lock().unwrap().push(("new".into(), real_now + chrono::TimeDelta::minutes(10)));
        let corrected =
            Arc::new(VirtualTimer::starting_at(real_now + chrono::TimeDelta::minutes(30)));
        let collector = Collector::new(Events { timer: corrected, events: Arc::clone(&events) })
            .store(store.clone());
        assert_eq!(
            keys(&collector).await,
            ["new"],
            "the new event is listed; the old one not again"
        );
        let mark = store.get("test/events").unwrap().high_water_mark().unwrap();
        assert_eq!(
            mark,
            real_now + chrono::TimeDelta::minutes(25),
            "the mark follows the real clock again"
        );
        assert!(keys(&collector).await.is_empty(), "nothing twice");
    }

    #[tokio::test]
    async fn events_listed_again_after_a_rewind_and_older_than_the_keys_kept_are_counted() {
        let real_now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        let store = MemoryStore::new();
        let events = Arc::new(Mutex::new(vec![
            ("recent".to_owned(), real_now - chrono::TimeDelta::minutes(30)),
            ("old".to_owned(), real_now - chrono::TimeDelta::hours(5)),
        ]));
        let fast = Events {
            timer: Arc::new(VirtualTimer::starting_at(real_now + chrono::TimeDelta::days(1))),
            events: Arc::clone(&events),
        };
        let mut first = keys(&Collector::new(fast).store(store.clone())).await;
        first.sort();
        assert_eq!(first, ["old", "recent"]);

        // Back on time: the overlap (an hour) before now minus the lag is listed again; the
        // fast run's keys were forgotten up to a day ahead, so "recent" cannot be dropped.
        let corrected =
            Arc::new(VirtualTimer::starting_at(real_now + chrono::TimeDelta::minutes(5)));
        let collector = Collector::new(Events { timer: corrected, events: Arc::clone(&events) })
            .store(store.clone());
        let mut batches = collector.run();
        let (mut repeated, mut keys_again) = (0, Vec::new());
        while let Some(mut batch) = batches.try_next().await.unwrap() {
            repeated += batch.possibly_repeated();
            keys_again.extend(batch.take_events().into_iter().map(|event| event.key));
            batch.commit().await.unwrap();
        }
        assert_eq!(keys_again, ["recent"]);
        assert_eq!(repeated, 1, "the repeat is counted");
        let mut batches = collector.run();
        while let Some(batch) = batches.try_next().await.unwrap() {
            assert_eq!(batch.possibly_repeated(), 0, "no rewind, no repeats");
            batch.commit().await.unwrap();
        }
    }
}
