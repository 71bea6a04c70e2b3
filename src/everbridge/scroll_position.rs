//! Where each scroll of a listing should go on: a batch must start where the previous one
//! of its scroll ended, else an answer was lost on the way after the scroll moved past it.

use std::{
    collections::HashMap,
    sync::{Mutex, PoisonError},
};

use super::target::OPERATION;
use crate::Error;

/// The position of each scroll's next batch, by scroll id. A listing reads one scroll per
/// window, and a window's entry goes when its scroll ends, so it holds at most as many
/// entries as windows read at once.
#[derive(Debug, Default)]
pub(super) struct Positions(Mutex<HashMap<String, i64>>);

impl Positions {
    /// Refuses a batch of the scroll sent as `sent` that starts past where this run
    /// expected it (when both are known).
    pub(super) fn check(&self, sent: Option<&str>, start: Option<i64>) -> Result<(), Error> {
        let expected = sent.and_then(|id| self.lock().get(id).copied());
        let (Some(expected), Some(start)) = (expected, start) else { return Ok(()) };
        if start <= expected {
            return Ok(());
        }
        self.forget(sent);
        Err(Error::cursor_expired(
            OPERATION,
            format!(
                "Everbridge's scroll jumped from entry {expected} to entry {start} of the \
                 month: an answer was lost on the way (and retried) after the scroll had moved \
                 past it"
            ),
        ))
    }

    /// After a batch of `len` entries from `start` of the scroll sent as `sent` (none for
    /// an opening), which goes on as `id`.
    pub(super) fn record(&self, sent: Option<&str>, id: &str, start: Option<i64>, len: usize) {
        let mut positions = self.lock();
        if let Some(sent) = sent {
            positions.remove(sent);
        }
        if let Some(start) = start {
            let len = i64::try_from(len).unwrap_or(i64::MAX);
            positions.insert(id.to_owned(), start.saturating_add(len));
        }
    }

    pub(super) fn forget(&self, id: Option<&str>) {
        if let Some(id) = id {
            self.lock().remove(id);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, i64>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
