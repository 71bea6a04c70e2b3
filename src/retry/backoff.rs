//! One exponential backoff, used both between retries and between polls.

use std::time::Duration;

/// How jitter spreads a wait below its ceiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Spread {
    /// Anywhere in `[0, ceiling)`: retries of many clients scatter the most (AWS's "full
    /// jitter").
    Full,
    /// In `[ceiling / 2, ceiling)`: polls keep apart without ever polling at once.
    Equal,
}

/// A wait that grows by `factor` from `initial` up to `max`, spread by jitter.
///
/// The arithmetic cannot panic or overflow: a ceiling too large for a `Duration` is `max`,
/// and a random factor outside `[0, 1]` is clamped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Backoff {
    pub(crate) initial: Duration,
    pub(crate) max: Duration,
    pub(crate) factor: f64,
    pub(crate) spread: Spread,
}

impl Backoff {
    /// The ceiling of wait number `n` (1 for the first): `min(max, initial * factor^(n-1))`.
    pub(crate) fn ceiling(&self, n: u32) -> Duration {
        let exponent = i32::try_from(n.saturating_sub(1)).unwrap_or(i32::MAX);
        let seconds = self.initial.as_secs_f64() * self.factor.max(1.0).powi(exponent);
        Duration::try_from_secs_f64(seconds).unwrap_or(self.max).min(self.max)
    }

    /// Wait number `n` (1 for the first), with `random` in `[0, 1)` from the
    /// [`Jitter`](super::Jitter) source.
    pub(crate) fn delay(&self, n: u32, random: f64) -> Duration {
        let ceiling = self.ceiling(n);
        let random = if random.is_finite() { random.clamp(0.0, 1.0) } else { 0.0 };
        let share = match self.spread {
            Spread::Full => random,
            Spread::Equal => 0.5 + random / 2.0,
        };
        Duration::try_from_secs_f64(ceiling.as_secs_f64() * share).unwrap_or(ceiling)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backoff(spread: Spread, factor: f64) -> Backoff {
        Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_millis(700),
            factor,
            spread,
        }
    }

    #[test]
    fn full_jitter_scales_a_doubling_ceiling_capped_at_the_maximum() {
        let full = backoff(Spread::Full, 2.0);
        let ceilings: Vec<u128> = (1..=5).map(|n| full.delay(n, 0.999_999).as_millis()).collect();
        assert_eq!(ceilings, [99, 199, 399, 699, 699]);
        assert_eq!(full.delay(3, 0.5), Duration::from_millis(200));
        assert_eq!(full.delay(3, 0.0), Duration::ZERO);
    }

    #[test]
    fn equal_jitter_stays_between_half_and_all_of_the_ceiling() {
        let equal = backoff(Spread::Equal, 1.5);
        assert_eq!(equal.delay(1, 0.0), Duration::from_millis(50));
        assert_eq!(equal.delay(2, 0.0), Duration::from_millis(75));
        assert_eq!(equal.delay(3, 0.5), Duration::from_secs_f64(0.225 * 0.75));
    }

    #[test]
    fn extreme_inputs_saturate_instead_of_panicking() {
        let huge = Backoff {
            initial: Duration::MAX,
            max: Duration::MAX,
            factor: f64::MAX,
            spread: Spread::Full,
        };
        assert_eq!(huge.ceiling(u32::MAX), Duration::MAX);
        assert!(huge.delay(u32::MAX, 0.999) <= Duration::MAX);
        let odd = backoff(Spread::Full, f64::NAN);
        assert_eq!(odd.delay(1, f64::NAN), Duration::ZERO);
        assert_eq!(odd.delay(4, 7.0), Duration::from_millis(100));
    }
}
