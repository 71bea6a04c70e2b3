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
}

impl<S: Source> Run<S> {
    pub(crate) fn new(plan: Plan<S>) -> Self {
        Self {
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
        }
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
        let Some(state) = &self.state else { return };
        let now = self.plan.timer.wall_clock();
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
        Some(Batch {
            events: std::mem::take(&mut self.events),
            undecodable: std::mem::take(&mut self.rejected),
            checkpoint,
            store: Arc::clone(&self.plan.store),
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
