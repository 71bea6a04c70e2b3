//! The random factor that spreads retry and poll waits apart, injectable for tests.

use std::{fmt, sync::Arc};

/// Where the random factor in backoff waits comes from: a number in `[0, 1)` drawn for each
/// wait between retries and between polls.
///
/// The default, [`Jitter::random`], spreads many clients apart. A test that wants to assert
/// exact waits gives the client a [`Jitter::fixed`] one.
///
/// ```
/// use std::sync::Arc;
/// use auditkit::{Client, Jitter, testkit::VirtualTimer};
///
/// // Every wait is exactly half of its ceiling, and recorded instead of slept.
/// let timer = Arc::new(VirtualTimer::new());
/// let builder = Client::builder().timer(timer.clone()).jitter(Jitter::fixed(0.5));
/// ```
#[derive(Clone)]
pub struct Jitter {
    draw: Arc<dyn Fn() -> f64 + Send + Sync>,
}

impl Jitter {
    /// A fresh random number for every wait. The default.
    pub fn random() -> Self {
        Self::from_fn(unit_random)
    }

    /// Always `value` (clamped to `[0, 1]`), so waits are exact: with `1.0` every wait is
    /// its full ceiling, with `0.0` retries do not wait at all.
    pub fn fixed(value: f64) -> Self {
        Self::from_fn(move || value)
    }

    /// Numbers from `draw`, for a seeded generator of your own. Values outside `[0, 1]` are
    /// clamped and NaN counts as 0.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU32, Ordering};
    /// let turns = AtomicU32::new(0);
    /// let jitter = auditkit::Jitter::from_fn(move || {
    ///     f64::from(turns.fetch_add(1, Ordering::Relaxed) % 4) / 4.0
    /// });
    /// ```
    pub fn from_fn(draw: impl Fn() -> f64 + Send + Sync + 'static) -> Self {
        Self { draw: Arc::new(draw) }
    }

    /// The next number, in `[0, 1]`.
    pub(crate) fn sample(&self) -> f64 {
        let value = (self.draw)();
        if value.is_nan() { 0.0 } else { value.clamp(0.0, 1.0) }
    }
}

impl Default for Jitter {
    fn default() -> Self {
        Self::random()
    }
}

impl fmt::Debug for Jitter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Jitter")
    }
}

/// A number in `[0, 1)`. Seeded by std's per-process random hash keys, which is all jitter
/// needs: it spreads clients apart, it does not guard a secret.
fn unit_random() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let bits = std::collections::hash_map::RandomState::new().build_hasher().finish();
    // 53 random bits fill an f64 mantissa exactly.
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_draws_stay_in_range_and_vary() {
        let jitter = Jitter::random();
        let draws: Vec<f64> = (0..100).map(|_| jitter.sample()).collect();
        assert!(draws.iter().all(|x| (0.0..1.0).contains(x)));
        assert!(draws.windows(2).any(|w| w[0] != w[1]));
    }

    #[test]
    fn fixed_and_custom_draws_are_clamped() {
        assert_eq!(Jitter::fixed(0.25).sample(), 0.25);
        assert_eq!(Jitter::fixed(7.0).sample(), 1.0);
        assert_eq!(Jitter::fixed(-1.0).sample(), 0.0);
        assert_eq!(Jitter::from_fn(|| f64::NAN).sample(), 0.0);
    }
}
