//! What a listing knows of each scroll it reads, to refuse one that jumps, repeats itself,
//! or ends short: where its next batch should start, how many entries it delivered and how
//! many it said it holds, and the last answer of each window.

use std::{
    collections::HashMap,
    sync::{Mutex, MutexGuard, PoisonError},
};

use bytes::Bytes;

use super::target::OPERATION;
use crate::Error;

/// The scrolls of one listing, by scroll id, and the last answer of each window, by the
/// window's first request. A listing reads one scroll per window at a time, and a scroll's
/// entry goes when it ends, so each holds at most as many entries as windows read at once.
#[derive(Debug, Default)]
pub(super) struct Positions {
    scrolls: Mutex<HashMap<String, Scroll>>,
    answers: Mutex<HashMap<String, Bytes>>,
}

/// One scroll as seen so far.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Scroll {
    /// Where its next batch should start, when the answers tell positions.
    next_start: Option<i64>,
    /// Entries it sent (undecodable ones included).
    pub(super) delivered: u64,
    /// How many it said the window holds, in its latest answer.
    pub(super) total: Option<i64>,
}

impl Positions {
    /// Refuses an answer byte for byte the same as the previous answer in its window: the
    /// scroll answering the same batch again. (Two batches of one scroll differ at least
    /// by their entries or their `start`.)
    pub(super) fn check_repeat(&self, window: &str, body: &Bytes) -> Result<(), Error> {
        let mut answers = lock(&self.answers);
        if answers.get(window).is_some_and(|last| last == body) {
            return Err(repeated("its previous answer, byte for byte"));
        }
        answers.insert(window.to_owned(), body.clone());
        Ok(())
    }

    /// Refuses a batch of the scroll sent as `sent` that does not start where this run
    /// expected it (when both are known): past it, an answer was lost; before it, the
    /// scroll repeats itself.
    pub(super) fn check(&self, sent: Option<&str>, start: Option<i64>) -> Result<(), Error> {
        let expected = sent.and_then(|id| lock(&self.scrolls).get(id)?.next_start);
        let (Some(expected), Some(start)) = (expected, start) else { return Ok(()) };
        if start == expected {
            return Ok(());
        }
        self.end(sent);
        if start < expected {
            return Err(repeated(&format!(
                "entry {start} of the month again, where entry {expected} was due"
            )));
        }
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
    /// an opening), which goes on as `id`, saying the window holds `total`.
    pub(super) fn record(
        &self,
        sent: Option<&str>,
        id: &str,
        start: Option<i64>,
        len: usize,
        total: Option<i64>,
    ) {
        let mut scrolls = lock(&self.scrolls);
        let mut scroll = sent.and_then(|sent| scrolls.remove(sent)).unwrap_or_default();
        let len = u64::try_from(len).unwrap_or(u64::MAX);
        scroll.delivered = scroll.delivered.saturating_add(len);
        scroll.total = total.or(scroll.total);
        scroll.next_start =
            start.map(|start| start.saturating_add(i64::try_from(len).unwrap_or(i64::MAX)));
        scrolls.insert(id.to_owned(), scroll);
    }

    /// The scroll sent as `id` ended (or failed): what it delivered, forgotten here.
    pub(super) fn end(&self, id: Option<&str>) -> Option<Scroll> {
        id.and_then(|id| lock(&self.scrolls).remove(id))
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn repeated(what: &str) -> Error {
    Error::pagination(
        OPERATION,
        format!(
            "Everbridge's scroll answered the same batch again ({what}): stopping instead of \
             delivering its entries twice, or without end"
        ),
    )
}
