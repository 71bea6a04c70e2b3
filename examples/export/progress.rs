//! The progress display: events, pages and rate on stderr when it is a terminal.

use std::{
    io::{self, IsTerminal},
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tracing_subscriber::layer::SubscriberExt;

/// Events, pages and rate on stderr, only when it is a terminal.
pub(crate) struct Progress {
    bar: ProgressBar,
    quiet: bool,
    started: Instant,
    events: u64,
    undecodable: u64,
    batches: u64,
    requests: Arc<AtomicU64>,
}

impl Progress {
    pub(crate) fn new(quiet: bool) -> Self {
        let bar = if quiet || !io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}") {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        };
        let requests = Arc::new(AtomicU64::new(0));
        Self {
            bar,
            quiet,
            started: Instant::now(),
            events: 0,
            undecodable: 0,
            batches: 0,
            requests,
        }
    }

    /// Counts the pages fetched: each is one `auditkit.request` span of the SDK's tracing.
    pub(crate) fn count_requests(&self) {
        if self.bar.is_hidden() {
            return;
        }
        let counter = RequestCounter(Arc::clone(&self.requests));
        let _ =
            tracing::subscriber::set_global_default(tracing_subscriber::registry().with(counter));
    }

    pub(crate) fn batch(&mut self, source: &str, events: usize, undecodable: usize) {
        self.events = self.events.saturating_add(events as u64);
        self.undecodable = self.undecodable.saturating_add(undecodable as u64);
        self.batches = self.batches.saturating_add(1);
        let rate = self.events as f64 / self.started.elapsed().as_secs_f64().max(0.001);
        self.bar.set_message(format!(
            "{} events, {} pages, {rate:.0} events/s (last: {source})",
            self.events,
            self.requests.load(Ordering::Relaxed)
        ));
    }

    pub(crate) fn println(&self, line: &str) {
        if self.bar.is_hidden() {
            eprintln!("{line}");
        } else {
            self.bar.println(line);
        }
    }

    pub(crate) fn finish(&self, output: &Path) {
        self.bar.finish_and_clear();
        if !self.quiet {
            eprintln!(
                "export: {} events ({} undecodable, kept as such) in {} batches to {}",
                self.events,
                self.undecodable,
                self.batches,
                output.display()
            );
        }
    }
}

/// Counts the SDK's requests from the spans it opens for them.
struct RequestCounter(Arc<AtomicU64>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for RequestCounter {
    fn on_new_span(
        &self,
        attributes: &tracing::span::Attributes<'_>,
        _: &tracing::span::Id,
        _: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if attributes.metadata().name() == "auditkit.request" {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
}
