//! The Reporter settings of the sandbox builder: when reports finish, how long a key stays
//! in flight, and how statuses are spelled.

use std::time::Duration;

/// Reads of a report (`GET v1/reports/{id}`) after which it finishes, by default.
const DEFAULT_POLLS: u32 = 2;

/// The simulator's settings from the sandbox builder.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Config {
    pub(crate) polls_to_finish: Option<u32>,
    pub(crate) finish_after: Option<Duration>,
    pub(crate) in_flight_requests: u32,
    pub(crate) lowercase_status: bool,
    /// Reads during which a new report is `PendingExtraction` (0: it starts `Processing`).
    pub(crate) pending_extraction_reads: u32,
    /// Reporter's rate limiter, when on.
    pub(crate) rate_limits: Option<super::rate_limits::Limits>,
}

impl Config {
    /// Whether a report read `reads` times, `age` after it was asked for, is done. A
    /// duration set alone replaces the default read count; set together, the first wins.
    pub(super) fn finishes(&self, reads: u32, age: Duration) -> bool {
        let by_reads = match self.finish_after {
            None => Some(self.polls_to_finish.unwrap_or(DEFAULT_POLLS)),
            Some(_) => self.polls_to_finish,
        };
        by_reads.is_some_and(|polls| reads >= polls)
            || self.finish_after.is_some_and(|after| age >= after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_finish_on_the_second_read_by_default() {
        let config = Config::default();
        assert!(!config.finishes(1, Duration::from_secs(86_400)));
        assert!(config.finishes(2, Duration::ZERO));
    }

    #[test]
    fn a_duration_alone_ignores_reads_and_with_a_count_the_first_wins() {
        let timed = Config { finish_after: Some(Duration::from_secs(5)), ..Config::default() };
        assert!(!timed.finishes(50, Duration::from_secs(4)));
        assert!(timed.finishes(0, Duration::from_secs(5)));
        let both = Config { polls_to_finish: Some(3), ..timed };
        assert!(both.finishes(3, Duration::ZERO));
        assert!(both.finishes(0, Duration::from_secs(5)));
    }
}
