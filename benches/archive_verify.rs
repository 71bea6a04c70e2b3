//! `Verifier::run` on a generated archive of 100,000 events (about 60 MB in 5 files with
//! signed manifests), plain and gzip, in MB/s of lines; the target is 200 MB/s or more.
//! Baselines in the same process: what any integrity check costs at least (SHA-256 of the
//! files' bytes, read by lines), and what reading the archive costs a consumer (each line
//! parsed with serde_json into a plain struct).
//!
//! ```sh
//! cargo bench --bench archive_verify --features archive
//! ```

#[path = "archive/data.rs"]
mod data;

use std::io::{BufRead, BufReader};

use auditkit::archive::{Signer, Verifier};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde::Deserialize;
use sha2::{Digest, Sha256};

const EVENTS: u64 = 100_000;

#[derive(Deserialize)]
#[allow(dead_code)]
struct Event {
    id: String,
    #[serde(rename = "userName")]
    user_name: String,
    timestamp: String,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Line {
    tenant: String,
    source: String,
    key: String,
    time: String,
    event: Event,
}

fn verify(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("auditkit-bench-archive-{}", std::process::id()));
    let key = Signer::from_text(data::KEY).unwrap().public_key();
    for gzip in [false, true] {
        let (files, bytes) =
            data::generate(&dir.join(if gzip { "gz" } else { "plain" }), EVENTS, 20_000, gzip);
        let name = if gzip { "gzip" } else { "plain" };
        let mut group = c.benchmark_group(format!("archive_verify/{name}"));
        group.throughput(Throughput::Bytes(bytes));
        group.sample_size(10);
        group.bench_function("verify", |b| {
            b.iter(|| {
                let report = Verifier::new(files.clone()).public_key(key).run().unwrap();
                assert!(report.verified(), "{:?}", report.finding);
                assert_eq!(report.lines(), EVENTS);
            });
        });
        if !gzip {
            group.bench_function("baseline_sha256_by_lines", |b| {
                b.iter(|| {
                    let mut lines = 0u64;
                    for file in &files {
                        let mut hasher = Sha256::new();
                        let mut reader =
                            BufReader::with_capacity(256 << 10, std::fs::File::open(file).unwrap());
                        let mut line = Vec::new();
                        while reader.read_until(b'\n', &mut line).unwrap() > 0 {
                            hasher.update(&line);
                            line.clear();
                            lines += 1;
                        }
                        std::hint::black_box(hasher.finalize());
                    }
                    assert_eq!(lines, EVENTS);
                });
            });
            group.bench_function("baseline_serde_json_lines", |b| {
                b.iter(|| {
                    let mut lines = 0u64;
                    for file in &files {
                        let reader =
                            BufReader::with_capacity(256 << 10, std::fs::File::open(file).unwrap());
                        for line in reader.lines() {
                            let line: Line = serde_json::from_str(&line.unwrap()).unwrap();
                            std::hint::black_box(line);
                            lines += 1;
                        }
                    }
                    assert_eq!(lines, EVENTS);
                });
            });
        }
        group.finish();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, verify);
criterion_main!(benches);
