//! One million events: a generated archive (gzip, 20 files of 50,000 lines with signed
//! manifests) verified end to end, with the rate and the peak memory, which stays flat in
//! the files' sizes (one line and the read buffers).
//!
//! ```sh
//! cargo run --release --example archive_million --features archive
//! AUDITKIT_ARCHIVE_EVENTS=200000 AUDITKIT_ARCHIVE_PLAIN=1 cargo run --release ...
//! ```

#[path = "../benches/archive/data.rs"]
mod data;

use std::time::Instant;

use auditkit::archive::{Signer, Verifier};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let events: u64 = std::env::var("AUDITKIT_ARCHIVE_EVENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let gzip = std::env::var_os("AUDITKIT_ARCHIVE_PLAIN").is_none();
    let dir = std::env::temp_dir().join(format!("auditkit-archive-million-{}", std::process::id()));
    let started = Instant::now();
    let (files, bytes) = data::generate(&dir, events, 50_000, gzip);
    let stored: u64 = files.iter().map(|f| f.metadata().map(|m| m.len()).unwrap_or(0)).sum();
    println!(
        "generated {events} events in {} files: {:.0} MB of lines, {:.0} MB stored ({:.1?})",
        files.len(),
        bytes as f64 / 1e6,
        stored as f64 / 1e6,
        started.elapsed()
    );
    let rss_before = peak_rss_kb();
    let key = Signer::from_text(data::KEY)?.public_key();
    let (started, cpu_before) = (Instant::now(), cpu_seconds());
    let report = Verifier::new([&dir]).public_key(key).run()?;
    let (elapsed, cpu) = (started.elapsed(), cpu_seconds() - cpu_before);
    let _ = std::fs::remove_dir_all(&dir);
    if let Some(finding) = &report.finding {
        return Err(format!("does not verify: {finding}").into());
    }
    assert_eq!(report.lines(), events, "every event verified");
    println!(
        "verified {} lines in {} files in {elapsed:.2?}: {:.0} MB/s of lines, {:.0} MB/s stored",
        report.lines(),
        report.files.len(),
        bytes as f64 / 1e6 / elapsed.as_secs_f64(),
        stored as f64 / 1e6 / elapsed.as_secs_f64()
    );
    // On a shared machine the wall time includes waiting for a core; the CPU time does not.
    println!("CPU time {cpu:.2}s: {:.0} MB/s of lines per CPU second", bytes as f64 / 1e6 / cpu);
    println!("peak RSS: {} KB before verifying, {} KB after", rss_before, peak_rss_kb());
    Ok(())
}

/// User and system CPU time of this process, from /proc/self/stat (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After the command's name in parentheses: state, then 10 fields, then utime and stime.
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks: u64 = fields.iter().skip(11).take(2).filter_map(|f| f.parse::<u64>().ok()).sum();
    // The clock tick is 100 Hz on Linux.
    ticks as f64 / 100.0
}

/// VmHWM from /proc/self/status (Linux; 0 elsewhere).
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}
