//! The server child: Qualtrics logins in pages copied from a pre-rendered template.

use std::{
    io::{BufRead, BufReader, Write},
    process::{Child, Command, Stdio},
    sync::{Arc, OnceLock},
    time::Duration,
};

use bytes::Bytes;
use chrono::{NaiveDate, TimeDelta};

use crate::{
    common::{self, qualtrics_logins::login},
    shape::{PER_PAGE, first_day},
};

/// In the server child: `<events per day>:<days>`.
pub(crate) const SERVE: &str = "AUDITKIT_BENCH_SERVE";

/// A page of `PER_PAGE` logins with placeholders at known places: each answer is a
/// copy with the ids and times written in.
struct Template {
    elements: Vec<u8>,
    /// Where each event's id digits (12) and timestamp (24) are.
    ids: Vec<usize>,
    times: Vec<usize>,
}

const ID_PREFIX: &str = "0ce7eda1-f815-4320-8fa7-";
const ID_DIGITS: &str = "XXXXXXXXXXXX";
const TIME_HOLE: &str = "TTTTTTTTTTTTTTTTTTTTTTTT";

impl Template {
    fn new() -> Self {
        let event = serde_json::to_string(&login(&format!("{ID_PREFIX}{ID_DIGITS}"), TIME_HOLE))
            .expect("JSON");
        let id_at = event.find(ID_DIGITS).expect("the id's place");
        let time_at = event.find(TIME_HOLE).expect("the time's place");
        let mut elements = b"{\"result\":{\"elements\":[".to_vec();
        let (mut ids, mut times) = (Vec::new(), Vec::new());
        for n in 0..PER_PAGE {
            if n > 0 {
                elements.push(b',');
            }
            ids.push(elements.len() + id_at);
            times.push(elements.len() + time_at);
            elements.extend_from_slice(event.as_bytes());
        }
        elements.extend_from_slice(b"],\"nextPage\":");
        Self { elements, ids, times }
    }

    /// Page `page` of day `day` (of `per_day` events), linking to the next one.
    fn page(&self, url: &str, per_day: usize, day: usize, page: usize) -> Bytes {
        let mut body = self.elements.clone();
        let spacing = TimeDelta::milliseconds(86_400_000 / per_day as i64);
        let day_start = first_day() + TimeDelta::days(day as i64);
        for (i, (id_at, time_at)) in self.ids.iter().zip(&self.times).enumerate() {
            let in_day = page * PER_PAGE + i;
            let id = format!("{:012}", day * per_day + in_day);
            body[*id_at..id_at + 12].copy_from_slice(id.as_bytes());
            let time = day_start + spacing * in_day as i32;
            let time = time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            body[*time_at..time_at + 24].copy_from_slice(time.as_bytes());
        }
        let next = (page + 1) * PER_PAGE < per_day;
        let next = if next {
            format!(
                "\"{url}/API/v3/logs?activityType=logins&pageSize=1000&skipToken=d{day}p{}\"",
                page + 1
            )
        } else {
            "null".to_owned()
        };
        body.extend_from_slice(next.as_bytes());
        body.extend_from_slice(br#"},"meta":{"httpStatus":"200 - OK","requestId":"r"}}"#);
        Bytes::from(body)
    }
}

/// Which page a request target asks for: `(day, page)`, or `None` for a day without
/// events (an empty page).
fn wanted(target: &str, days: usize) -> Option<(usize, usize)> {
    if let Some(token) = common::query_value(target, "skipToken") {
        let (day, page) = token.strip_prefix('d')?.split_once('p')?;
        return Some((day.parse().ok()?, page.parse().ok()?));
    }
    // `2026-10-03T00%3A00%3A00.000Z`: the date is enough.
    let start = common::query_value(target, "startDate")?.get(..10)?;
    let start = NaiveDate::parse_from_str(start, "%Y-%m-%d").ok()?;
    let day = usize::try_from((start - first_day().date_naive()).num_days()).ok()?;
    (day < days).then_some((day, 0))
}

/// Serves `<events per day>:<days>` of logins from the first day on (any other day is
/// empty), prints its URL, and exits when its stdin closes.
pub(crate) fn serve(spec: &str) {
    let (per_day, days) = spec.split_once(':').expect("<events per day>:<days>");
    let (per_day, days): (usize, usize) =
        (per_day.parse().expect("events per day"), days.parse().expect("days"));
    assert!(per_day.is_multiple_of(PER_PAGE), "events per day: a multiple of {PER_PAGE}");
    std::thread::spawn(|| {
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        std::process::exit(0);
    });
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let template = Template::new();
        let url = Arc::new(OnceLock::<String>::new());
        let empty = Bytes::from_static(
            br#"{"result":{"elements":[],"nextPage":null},"meta":{"httpStatus":"200 - OK","requestId":"r"}}"#,
        );
        let own = Arc::clone(&url);
        let server = common::Prerendered::rendering(Duration::ZERO, move |target| {
            if !target.starts_with("/API/v3/logs?") {
                return None;
            }
            Some(match wanted(target, days) {
                Some((day, page)) => {
                    template.page(own.get().map_or("", String::as_str), per_day, day, page)
                }
                None => empty.clone(),
            })
        })
        .await;
        let _ = url.set(server.url.clone());
        println!("{}", server.url);
        let _ = std::io::stdout().flush();
        std::future::pending::<()>().await;
    });
}

/// The server child; killed when dropped.
pub(crate) struct Server {
    child: Child,
    pub(crate) url: String,
}

impl Server {
    pub(crate) fn start(per_day: usize, days: usize) -> Self {
        let mut child = Command::new(std::env::current_exe().expect("this bench"))
            .env(SERVE, format!("{per_day}:{days}"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the server child");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("its stdout"))
            .read_line(&mut line)
            .expect("its URL");
        Self { child, url: line.trim().to_owned() }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
