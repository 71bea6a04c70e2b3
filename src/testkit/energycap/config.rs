//! When runs started by `exec` finish: the EnergyCAP settings of the sandbox builder.

use std::time::Duration;

pub(super) const DEFAULT_POLLS: u32 = 2;

/// When runs started by `exec` finish; set through the sandbox builder.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Config {
    pub(crate) polls_to_complete: Option<u32>,
    pub(crate) completion_after: Option<Duration>,
}

impl Config {
    pub(super) fn is_due(&self, reads: u32, elapsed: Duration) -> bool {
        // A duration alone replaces the default poll count instead of racing it.
        let polls = match (self.polls_to_complete, self.completion_after) {
            (Some(n), _) => Some(n),
            (None, None) => Some(DEFAULT_POLLS),
            (None, Some(_)) => None,
        };
        polls.is_some_and(|n| reads >= n) || self.completion_after.is_some_and(|d| elapsed >= d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_completion_is_the_second_read() {
        let config = Config::default();
        assert!(!config.is_due(1, Duration::from_secs(3600)));
        assert!(config.is_due(2, Duration::ZERO));
    }

    #[test]
    fn duration_alone_ignores_reads_and_both_race() {
        let after =
            Config { polls_to_complete: None, completion_after: Some(Duration::from_secs(5)) };
        assert!(!after.is_due(100, Duration::from_secs(4)));
        assert!(after.is_due(0, Duration::from_secs(5)));
        let both = Config { polls_to_complete: Some(3), ..after };
        assert!(both.is_due(3, Duration::ZERO));
        assert!(both.is_due(0, Duration::from_secs(5)));
    }
}
