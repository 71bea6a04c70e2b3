//! The hand-written loop, in the bench's process: reqwest, serde_json into plain structs,
//! one line written per event.

use std::{
    io::Write,
    path::PathBuf,
    time::{Duration, Instant},
};

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use crate::{
    command::{cpu_of, scratch},
    common::qualtrics_logins::{Envelope, Event},
    shape::{SOURCES, TOKEN, first_day},
};

/// A line as the command writes it.
#[derive(Serialize)]
struct Line<'a> {
    tenant: &'a str,
    vendor: &'a str,
    source: &'a str,
    key: &'a str,
    time: Option<DateTime<Utc>>,
    event: &'a Event,
}

/// One tenant's logins over `days` days, day by day, page by page, each event written
/// as a line; the file flushed to disk at the end.
async fn hand_loop(
    http: reqwest::Client,
    url: String,
    tenant: String,
    path: PathBuf,
    days: usize,
) -> usize {
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("output"));
    let mut count = 0;
    for day in 0..days {
        let start = first_day() + TimeDelta::days(day as i64);
        let end = start + TimeDelta::days(1);
        let mut first = url::Url::parse(&format!("{url}/API/v3/logs")).expect("a URL");
        first
            .query_pairs_mut()
            .append_pair("activityType", "logins")
            .append_pair("pageSize", "1000")
            .append_pair("startDate", &start.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            .append_pair("endDate", &end.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
        let mut request = http.get(first);
        loop {
            let body = request
                .header("X-API-TOKEN", TOKEN)
                .send()
                .await
                .expect("sent")
                .bytes()
                .await
                .expect("read");
            let page: Envelope = serde_json::from_slice(&body).expect("decoded");
            for event in &page.result.elements {
                let line = Line {
                    tenant: &tenant,
                    vendor: "qualtrics",
                    source: "qualtrics/logins",
                    key: &event.id,
                    time: event.timestamp,
                    event,
                };
                serde_json::to_writer(&mut out, &line).expect("written");
                out.write_all(b"\n").expect("written");
            }
            count += page.result.elements.len();
            match page.result.next_page {
                Some(next) => request = http.get(next),
                None => break,
            }
        }
    }
    let file = out.into_inner().expect("flushed");
    file.sync_data().expect("synced");
    count
}

fn own_cpu() -> Duration {
    // SAFETY: a zeroed rusage is a valid value for getrusage to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` outlives the call.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    cpu_of(&usage)
}

pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

/// The loop over `events` (4 tasks, `events / 4` each, over 4 days): its wall and CPU time.
pub(crate) fn baseline(
    runtime: &tokio::runtime::Runtime,
    url: &str,
    events: usize,
) -> (Duration, Duration) {
    let dir = scratch("baseline");
    let http = reqwest::Client::new();
    let (started, cpu) = (Instant::now(), own_cpu());
    let count: usize = runtime.block_on(async {
        let tasks: Vec<_> = (0..SOURCES)
            .map(|n| {
                tokio::spawn(hand_loop(
                    http.clone(),
                    url.to_owned(),
                    format!("t{n}"),
                    dir.join(format!("t{n}.jsonl")),
                    4,
                ))
            })
            .collect();
        let mut count = 0;
        for task in tasks {
            count += task.await.expect("a task");
        }
        count
    });
    let times = (started.elapsed(), own_cpu() - cpu);
    assert_eq!(count, events);
    let _ = std::fs::remove_dir_all(&dir);
    times
}
