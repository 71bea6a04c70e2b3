//! What the crash tests share: a replayable generator of kill points, and reading the
//! command's output back.

use std::{
    collections::{BTreeMap, BTreeSet},
    io::Read,
    path::Path,
};

use auditkit::{everbridge::ReportType, testkit::Sandbox};
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

/// A small deterministic generator, so a failure can be replayed from the printed seed.
pub struct Lcg(pub u64);

impl Lcg {
    /// The seed of `variable` (hex, as printed), or one from the clock.
    pub fn from_env(variable: &str) -> Self {
        let seed = std::env::var(variable)
            .ok()
            .and_then(|seed| u64::from_str_radix(seed.trim_start_matches("0x"), 16).ok())
            .unwrap_or_else(|| 0x5eed_u64 ^ u64::from(chrono::Utc::now().timestamp_subsec_nanos()));
        Self(seed)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// The JSON lines of a file, gzip (concatenated members) or plain.
pub fn read_lines(path: &Path, gzip: bool) -> Vec<Value> {
    let mut text = String::new();
    let file = std::fs::File::open(path).expect("output");
    if gzip {
        // One gzip member per batch: a reader of concatenated members reads them all.
        flate2::read::MultiGzDecoder::new(file).read_to_string(&mut text)
    } else {
        std::io::BufReader::new(file).read_to_string(&mut text)
    }
    .expect("readable output");
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

/// What a crash test seeded: Qualtrics ids per source (`qualtrics/logins`), and Everbridge
/// security entries by entityId, sorted (they have no id of their own).
pub struct Seeded {
    pub qualtrics: BTreeMap<String, BTreeSet<String>>,
    pub everbridge: Vec<String>,
}

/// Replaces the sandbox's sample data with `qualtrics` (activity type, count) events and
/// `everbridge` security entries between `from` + 1 h and `to`, plus two identical
/// Everbridge rows that must stay two events.
pub fn seed(
    sandbox: &Sandbox,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    qualtrics: &[(&str, usize)],
    everbridge: usize,
) -> Seeded {
    sandbox.qualtrics().clear_events();
    sandbox.everbridge().clear_entries();
    let start = from + TimeDelta::hours(1);
    let mut expected = BTreeMap::new();
    for (activity, count) in qualtrics {
        let ids = sandbox.qualtrics().seed_events(activity, *count, start, to);
        expected.insert(format!("qualtrics/{activity}"), ids.into_iter().collect());
    }
    let ids = sandbox.everbridge().seed_entries(ReportType::Security, everbridge, start, to);
    let mut entries: Vec<String> = ids.iter().map(i64::to_string).collect();
    let twin_time = (to - TimeDelta::hours(2)).format("%Y-%m-%dT%H:%M:%S").to_string();
    for _ in 0..2 {
        sandbox.everbridge().add_entry(
            ReportType::Security,
            json!({ "eventTime": twin_time, "entityId": 0, "operationType": "Update", "userName": "twin" }),
        );
        entries.push("0".into());
    }
    entries.sort();
    Seeded { qualtrics: expected, everbridge: entries }
}
