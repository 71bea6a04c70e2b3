//! What the bench measures and prints.

use std::time::Duration;

use criterion::Criterion;

use crate::{
    baseline::{baseline, runtime},
    command::{command, config, export, failed, lines_in, range, scratch, wait},
    server::{SERVE, Server, serve},
    shape::{PER_PAGE, SOURCES},
};

pub(crate) fn main() {
    if let Ok(spec) = std::env::var(SERVE) {
        serve(&spec);
        return;
    }
    let setting = |name: &str, default: usize| {
        std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
    };
    let events = setting("AUDITKIT_BENCH_EVENTS", 400_000);
    let rounds = setting("AUDITKIT_BENCH_ROUNDS", 3).max(1);
    compare(events, rounds);
    if setting("AUDITKIT_BENCH_RSS", 1) != 0 {
        collect_rss("1,000,000 events from 1 source", 1, 100_000, 10);
        collect_rss("1,000,000 events from 100 sources", 100, 5_000, 2);
    }
    if setting("AUDITKIT_BENCH_CRITERION", 1) != 0 {
        let mut criterion = Criterion::default().configure_from_args();
        timed(&mut criterion);
        criterion.final_summary();
    }
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn compare(events: usize, rounds: usize) {
    assert!(events.is_multiple_of(SOURCES * 4 * PER_PAGE), "events: a multiple of 16,000");
    let server = Server::start(events / SOURCES / 4, 4);
    let runtime = runtime();
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        theirs.push(baseline(&runtime, &server.url, events));
        ours.push(export(&server.url, events));
    }
    let per_second = |wall: Duration| events as f64 / wall.as_secs_f64();
    let per_event = |cpu: Duration| cpu.as_secs_f64() * 1e6 / events as f64;
    let wall = median(ours.iter().map(|usage| usage.wall).collect());
    let cpu = median(ours.iter().map(|usage| usage.cpu).collect());
    let rss = ours.iter().map(|usage| usage.peak_rss_kib).max().unwrap_or(0);
    let base_wall = median(theirs.iter().map(|(wall, _)| *wall).collect());
    let base_cpu = median(theirs.iter().map(|(_, cpu)| *cpu).collect());
    println!(
        "EXPORT auditkit export, {events} events ({SOURCES} sources): {:.0} events/s ({:.2} s), \
         {:.2} µs CPU per event, peak RSS {:.1} MiB (medians of {rounds})",
        per_second(wall),
        wall.as_secs_f64(),
        per_event(cpu),
        rss as f64 / 1024.0
    );
    println!(
        "EXPORT hand-written loop, the same: {:.0} events/s ({:.2} s), {:.2} µs CPU per event",
        per_second(base_wall),
        base_wall.as_secs_f64(),
        per_event(base_cpu)
    );
    println!(
        "RATIO export CPU per event, auditkit / hand-written loop: {:.2}; events/s: {:.2}",
        cpu.as_secs_f64() / base_cpu.as_secs_f64(),
        per_second(wall) / per_second(base_wall)
    );
}

/// Peak RSS of `auditkit collect` over `sources` sources of `per_day × days` events
/// each: stopped with SIGTERM once every event is written.
fn collect_rss(label: &str, sources: usize, per_day: usize, days: usize) {
    let server = Server::start(per_day, days);
    let dir = scratch("collect");
    let config = config(&dir, &server.url, sources);
    let mut args = vec!["collect".to_owned(), "--config".into(), config.display().to_string()];
    args.extend(range(0).into_iter().take(2));
    args.extend(["--interval".into(), "1h".into(), "-q".into()]);
    let (child, started) = command(&dir, &args);
    let expected = sources * per_day * days;
    loop {
        std::thread::sleep(Duration::from_millis(500));
        let written: usize =
            (0..sources).filter(|n| dir.join(format!("t{n}.jsonl")).exists()).count();
        if written == sources && lines_in(&dir, sources) >= expected {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(900), "collect took too long");
    }
    // SAFETY: signals our own child.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    let usage = wait(&child, started);
    if !usage.success {
        failed(&dir, "auditkit collect");
    }
    assert_eq!(lines_in(&dir, sources), expected, "every event collected once");
    println!(
        "RSS auditkit collect, {label}: peak {:.1} MiB ({:.1} s, {:.2} µs CPU per event)",
        usage.peak_rss_kib as f64 / 1024.0,
        usage.wall.as_secs_f64(),
        usage.cpu.as_secs_f64() * 1e6 / expected as f64
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Criterion's timing of both over 96,000 events.
fn timed(c: &mut Criterion) {
    let events = 4 * SOURCES * 6 * PER_PAGE;
    let server = Server::start(events / SOURCES / 4, 4);
    let runtime = runtime();
    let mut group = c.benchmark_group("export_96k_logins");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("baseline_reqwest_serde_json_line", |b| {
        b.iter_custom(|iterations| {
            (0..iterations).map(|_| baseline(&runtime, &server.url, events).0).sum()
        })
    });
    group.bench_function("auditkit_export", |b| {
        b.iter_custom(|iterations| (0..iterations).map(|_| export(&server.url, events).wall).sum())
    });
    group.finish();
}
