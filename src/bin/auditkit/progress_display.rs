//! Progress while it runs: on a terminal, a line per source redrawn in place (the logs
//! print above it); otherwise, as for a journal or a pipe, a log line per source every
//! interval ("qualtrics/logins: backfill at 2026-11-03 10:00, 41,000 events").

use std::{
    collections::BTreeMap,
    io::Write,
    sync::{Arc, OnceLock},
    time::{Duration, Instant},
};

use chrono::Utc;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::task::JoinHandle;

use super::progress::{Progress, thousands};

/// The terminal display, while one runs: the logs suspend it to print above it.
static DISPLAY: OnceLock<MultiProgress> = OnceLock::new();

/// Shows `progress` until the task is aborted: redrawn every `every` on a terminal,
/// logged every `every` otherwise.
pub(crate) fn spawn(progress: Arc<Progress>, terminal: bool, every: Duration) -> JoinHandle<()> {
    if terminal { spawn_bars(progress, every) } else { spawn_lines(progress, every) }
}

fn spawn_lines(progress: Arc<Progress>, every: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let started = Instant::now();
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        loop {
            ticks.tick().await;
            for line in progress.lines() {
                tracing::info!(target: "auditkit::progress", "{line}");
            }
            tracing::info!(target: "auditkit::progress", "{}", rate(&progress, started));
        }
    })
}

fn spawn_bars(progress: Arc<Progress>, every: Duration) -> JoinHandle<()> {
    let display =
        DISPLAY.get_or_init(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
    spawn_bars_on(display.clone(), progress, every)
}

/// The display's task, drawing on `display` (stderr, or a test's screen).
fn spawn_bars_on(
    display: MultiProgress,
    progress: Arc<Progress>,
    every: Duration,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let started = Instant::now();
        let style = ProgressStyle::with_template("{spinner} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let mut bars: BTreeMap<String, ProgressBar> = BTreeMap::new();
        let total = display.add(ProgressBar::new_spinner().with_style(style.clone()));
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            let now = Utc::now();
            for (source, p) in progress.snapshot() {
                let bar = bars.entry(source.clone()).or_insert_with(|| {
                    display
                        .insert_before(&total, ProgressBar::new_spinner().with_style(style.clone()))
                });
                bar.set_message(format!("{source}: {}", p.describe(now)));
                bar.tick();
            }
            total.set_message(rate(&progress, started));
            total.tick();
        }
    })
}

/// Takes the terminal display down, so the summary prints on a clean line.
pub(crate) fn finish() {
    if let Some(display) = DISPLAY.get() {
        let _ = display.clear();
    }
}

/// "41,000 events, 2,050 events/s".
fn rate(progress: &Progress, started: Instant) -> String {
    let events = progress.totals().events;
    let per_second = events as f64 / started.elapsed().as_secs_f64().max(0.001);
    format!("{} events, {per_second:.0} events/s", thousands(events))
}

/// Stderr for the logs: with a display on the terminal, it is suspended while a log line
/// is written, so the line lands above it rather than through it.
#[derive(Debug)]
pub(crate) struct LogWriter;

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match DISPLAY.get() {
            Some(display) => display.suspend(|| std::io::stderr().write(buf)),
            None => std::io::stderr().write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match DISPLAY.get() {
            Some(display) => display.suspend(|| std::io::stderr().write_all(buf)),
            None => std::io::stderr().write_all(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use chrono::TimeZone;
    use indicatif::TermLike;

    use super::*;

    /// A terminal that keeps what was written on it, line by line.
    #[derive(Debug, Default, Clone)]
    struct Screen(Arc<Mutex<Vec<String>>>);

    impl Screen {
        fn written(&self) -> Vec<String> {
            self.0.lock().unwrap().clone()
        }
    }

    impl TermLike for Screen {
        fn width(&self) -> u16 {
            200
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, line: &str) -> std::io::Result<()> {
            self.0.lock().unwrap().push(line.to_owned());
            Ok(())
        }
        fn write_str(&self, text: &str) -> std::io::Result<()> {
            self.0.lock().unwrap().push(text.to_owned());
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn on_a_terminal_each_source_has_a_line_above_the_total() {
        let screen = Screen::default();
        let display = MultiProgress::with_draw_target(ProgressDrawTarget::term_like(Box::new(
            screen.clone(),
        )));
        let progress = Arc::new(Progress::default());
        let mark = Utc.with_ymd_and_hms(2026, 11, 3, 10, 0, 0).unwrap();
        progress.resume("acme/qualtrics/logins", mark);
        let task = spawn_bars_on(display, Arc::clone(&progress), Duration::from_millis(20));
        tokio::time::sleep(Duration::from_millis(100)).await;
        progress.failed("globex/everbridge/security", "401 Unauthorized");
        // The last frame that shows both sources (redrawn every 20 ms; 10 s at most).
        let (mut written, mut at) = (Vec::new(), (None, None, None));
        for _ in 0..500 {
            tokio::time::sleep(Duration::from_millis(20)).await;
            written = screen.written();
            let line = |start: &str| written.iter().rposition(|line| line.contains(start));
            at = (
                line("acme/qualtrics/logins: backfill at 2026-11-03 10:00, 0 events"),
                line("globex/everbridge/security: starting, 0 events, failing: 401"),
                line("0 events, 0 events/s"),
            );
            if at.0.is_some() && at.1.is_some() && at.2 > at.1 {
                break;
            }
        }
        task.abort();
        let (logins, security, total) = at;
        assert!(logins.is_some() && security.is_some(), "{written:#?}");
        assert!(
            logins < security && security < total,
            "not each source above the total: {written:#?}"
        );
    }
}
