//! Deterministic ids and instants: UUID-shaped ids from counters, timestamps spread over a
//! window, and the API's way of writing them.

use chrono::{DateTime, SecondsFormat, Utc};

/// Keeps event ids and request ids apart although both come from counters.
pub(super) const EVENT_SALT: u64 = 0x5143_5f45_5645_4e54;
pub(super) const REQUEST_SALT: u64 = 0x5143_5f52_4551_5545;

/// A mixing function (splitmix64): a bijection on `u64`, so distinct inputs give distinct
/// outputs.
pub(super) fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A deterministic UUID-shaped id (version 4 layout). All 64 bits of `mix(n ^ salt)` are
/// in it, so distinct `n` give distinct ids.
pub(super) fn uuid_like(salt: u64, n: u64) -> String {
    let high = mix(n ^ salt);
    let low = mix(high ^ n.rotate_left(32));
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0x0fff,
        0x8000 | (((high >> 12) & 0xf) << 10) | (low >> 54),
        low & 0xffff_ffff_ffff,
    )
}

/// `count` instants spread evenly over `[from, to)`, ascending: on whole milliseconds when
/// the window has at least `count` of them, else on nanoseconds.
pub(super) fn spread(count: usize, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    const NANOS_PER_SECOND: i128 = 1_000_000_000;
    const NANOS_PER_MILLI: i128 = 1_000_000;
    if count == 0 || from >= to {
        return Vec::new();
    }
    let nanos = |at: DateTime<Utc>| {
        i128::from(at.timestamp()) * NANOS_PER_SECOND + i128::from(at.timestamp_subsec_nanos())
    };
    let ceil_div = |a: i128, b: i128| -((-a).div_euclid(b));
    let (from, to, count) = (nanos(from), nanos(to), count as i128);
    // The whole milliseconds m with from <= m < to are first_ms..end_ms.
    let (first_ms, end_ms) = (ceil_div(from, NANOS_PER_MILLI), ceil_div(to, NANOS_PER_MILLI));
    let (base, span, unit) = if end_ms - first_ms >= count {
        (first_ms, end_ms - first_ms, NANOS_PER_MILLI)
    } else {
        (from, to - from, 1)
    };
    (0..count)
        .filter_map(|i| {
            let at = (base + span * i / count) * unit;
            let seconds = i64::try_from(at.div_euclid(NANOS_PER_SECOND)).ok()?;
            let subsec = u32::try_from(at.rem_euclid(NANOS_PER_SECOND)).ok()?;
            DateTime::from_timestamp(seconds, subsec)
        })
        .collect()
}

pub(super) fn truncate_to_millis(at: DateTime<Utc>) -> DateTime<Utc> {
    let millis = at.timestamp_millis();
    DateTime::from_timestamp_millis(millis).unwrap_or(at)
}

/// RFC 3339 with `Z`, in milliseconds like the API unless the instant needs more digits.
pub(super) fn format_time(at: DateTime<Utc>) -> String {
    let precision = if at.timestamp_subsec_nanos().is_multiple_of(1_000_000) {
        SecondsFormat::Millis
    } else {
        SecondsFormat::AutoSi
    };
    at.to_rfc3339_opts(precision, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_like_ids_are_distinct_and_uuid_shaped() {
        let mut ids: Vec<String> = (0..10_000).map(|n| uuid_like(EVENT_SALT, n)).collect();
        assert!(ids.iter().all(|id| {
            let groups: Vec<usize> = id.split('-').map(str::len).collect();
            groups == [8, 4, 4, 4, 12] && id.as_bytes()[14] == b'4'
        }));
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 10_000);
        assert_ne!(uuid_like(EVENT_SALT, 1), uuid_like(REQUEST_SALT, 1));
    }
}
