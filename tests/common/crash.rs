//! What the crash tests share: a replayable generator of kill points, and reading the
//! command's output back.

use std::{io::Read, path::Path};

use serde_json::Value;

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
