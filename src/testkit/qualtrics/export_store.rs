//! What the simulator keeps of the bulk API: the exports made, and its recent requests.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use serde_json::Value;

/// One export: its window's events, copied when it was made (as a file would be).
#[derive(Debug)]
pub(super) struct Export {
    pub(super) id: String,
    pub(super) polls: u32,
    pub(super) lines: Vec<Value>,
}

/// The export requests of the last minute, and the exports made.
#[derive(Debug, Default)]
pub(super) struct Exports {
    pub(super) recent: VecDeque<DateTime<Utc>>,
    pub(super) made: Vec<Export>,
}

