//! How a checkpoint's keys are written: `{"<RFC 3339 time>": ["<32 hex digits>", …], …}`,
//! times in order, the keys of one time in the order delivered. A store reads and writes
//! every key kept when it rewrites its file: no key gets a `String` of its own either way,
//! and the times it wrote are read without chrono's general parser.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{
    Deserialize, Deserializer, Serialize, Serializer,
    de::{DeserializeSeed, MapAccess, SeqAccess, Visitor},
    ser::{SerializeMap, SerializeSeq},
};

use super::seen_keys::{Entry, SeenKeys};

impl Serialize for SeenKeys {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut entries: Vec<Entry> = self.entries().collect();
        // Stable, and mostly sorted already (keys come roughly in time order): close to
        // linear.
        entries.sort_by_key(|(time, _)| *time);
        let groups = entries.chunk_by(|a, b| a.0 == b.0);
        let mut map = serializer.serialize_map(Some(groups.clone().count()))?;
        for group in groups {
            map.serialize_entry(&group[0].0, &HexKeys(group))?;
        }
        map.end()
    }
}

/// The keys of one time, as a list of hex strings.
struct HexKeys<'a>(&'a [Entry]);

impl Serialize for HexKeys<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut list = serializer.serialize_seq(Some(self.0.len()))?;
        for (_, hash) in self.0 {
            list.serialize_element(hex128::hex(*hash).as_str())?;
        }
        list.end()
    }
}

impl<'de> Deserialize<'de> for SeenKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(KeysVisitor)
    }
}

struct KeysVisitor;

impl<'de> Visitor<'de> for KeysVisitor {
    type Value = SeenKeys;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of times to lists of 32-digit hex keys")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<SeenKeys, M::Error> {
        let mut seen = SeenKeys::default();
        while let Some(Time(time)) = map.next_key()? {
            map.next_value_seed(KeysAt { seen: &mut seen, time })?;
        }
        Ok(seen)
    }
}

/// A time as a map key.
struct Time(DateTime<Utc>);

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TimeVisitor;
        impl Visitor<'_> for TimeVisitor {
            type Value = Time;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 time")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Time, E> {
                parse_time(text).map(Time).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(TimeVisitor)
    }
}

/// Reads one time's list of keys into `seen`.
struct KeysAt<'a> {
    seen: &'a mut SeenKeys,
    time: DateTime<Utc>,
}

impl<'de> DeserializeSeed<'de> for KeysAt<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for KeysAt<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of 32-digit hex keys")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut list: A) -> Result<(), A::Error> {
        while let Some(Hex(hash)) = list.next_element()? {
            self.seen.push_read(self.time, hash);
        }
        Ok(())
    }
}

/// A key as hex, read without a `String`.
struct Hex(u128);

impl<'de> Deserialize<'de> for Hex {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct HexVisitor;
        impl Visitor<'_> for HexVisitor {
            type Value = Hex;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a 32-digit hex key")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Hex, E> {
                hex128::parse(text).map(Hex).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(HexVisitor)
    }
}

/// A time as chrono reads it; the shape chrono writes (`2026-11-22T10:00:00.864Z`) is read
/// directly, to the same value.
fn parse_time(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    match written_time(text) {
        Some(time) => Ok(time),
        None => text.parse(),
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z`, or `None`.
fn written_time(text: &str) -> Option<DateTime<Utc>> {
    let bytes = text.as_bytes();
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |n, digit| {
            digit.is_ascii_digit().then(|| n * 10 + u32::from(digit - b'0'))
        })
    };
    let (date, rest) = bytes.split_at_checked(19)?;
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1, b'T', h0, h1, b':', n0, n1, b':', s0, s1] =
        *date
    else {
        return None;
    };
    let (fraction, b"Z") = rest.split_at_checked(rest.len().checked_sub(1)?)? else {
        return None;
    };
    let nanos = match fraction {
        [] => 0,
        [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
            number(digits)? * 10u32.pow(9 - digits.len() as u32)
        }
        _ => return None,
    };
    let second = number(&[s0, s1])?;
    // A leap second, and anything odd, is chrono's to read.
    if second >= 60 {
        return None;
    }
    let year = i32::try_from(number(&[y0, y1, y2, y3])?).ok()?;
    NaiveDate::from_ymd_opt(year, number(&[m0, m1])?, number(&[d0, d1])?)?
        .and_hms_nano_opt(number(&[h0, h1])?, number(&[n0, n1])?, second, nanos)
        .map(|time| time.and_utc())
}

pub(super) mod hex128 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(in crate::collect) fn parse(text: &str) -> Result<u128, String> {
        u128::from_str_radix(text, 16).map_err(|_| format!("`{text}` is not a 128-bit hex key"))
    }

    pub(in crate::collect) fn serialize<S: Serializer>(
        value: &u128,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(hex(*value).as_str())
    }

    pub(in crate::collect) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<u128, D::Error> {
        parse(&String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }

    /// `{value:032x}` in a stack buffer.
    pub(in crate::collect) fn hex(value: u128) -> Hex {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut digits = [0u8; 32];
        for (n, digit) in digits.iter_mut().enumerate() {
            *digit = DIGITS[((value >> (124 - 4 * n)) & 0xf) as usize];
        }
        Hex(digits)
    }

    /// 32 lowercase hex digits.
    pub(in crate::collect) struct Hex([u8; 32]);

    impl Hex {
        pub(in crate::collect) fn as_str(&self) -> &str {
            // Only ASCII digits were written.
            std::str::from_utf8(&self.0).unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn keys_are_written_by_time_in_the_order_delivered_as_32_hex_digits() {
        let at = |second| Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, second).unwrap();
        let mut keys = SeenKeys::default();
        for (second, hash) in [(2, 0xab), (1, 1), (2, u128::MAX), (1, 0x10), (1, 1)] {
            keys.insert(at(second), hash);
        }
        let zeros = "0".repeat(30);
        let json = serde_json::to_string(&keys).unwrap();
        assert_eq!(
            json,
            format!(
                r#"{{"2026-11-22T10:00:01Z":["{zeros}01","{zeros}10"],"2026-11-22T10:00:02Z":["{zeros}ab","{}"]}}"#,
                "f".repeat(32)
            )
        );
        let back: SeenKeys = serde_json::from_str(&json).unwrap();
        assert_eq!(back, keys);
        assert!(back.contains(0xab) && back.contains(u128::MAX) && !back.contains(2));
        for value in [0, 1, 0xdead_beef, u128::MAX, 1 << 127] {
            assert_eq!(hex128::hex(value).as_str(), format!("{value:032x}"));
        }
    }

    #[test]
    fn written_times_read_as_chrono_reads_them_and_others_go_to_chrono() {
        for text in [
            "2026-11-22T10:00:00Z",
            "2026-11-22T10:00:00.864Z",
            "2026-11-22T10:00:00.864123Z",
            "2026-11-22T10:00:00.864123789Z",
            "1970-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z",
        ] {
            let chrono: DateTime<Utc> = text.parse().unwrap();
            assert_eq!(written_time(text), Some(chrono), "{text}");
            assert_eq!(serde_json::to_value(chrono).unwrap(), text, "chrono writes it so");
        }
        let tenth: DateTime<Utc> = "2026-11-22T10:00:00.8Z".parse().unwrap();
        assert_eq!(written_time("2026-11-22T10:00:00.8Z"), Some(tenth));
        // Not the written shape: chrono decides, as before.
        for text in [
            "2026-11-22T10:00:00+00:00",
            "2026-11-22T12:00:00+02:00",
            "2026-11-22 10:00:00Z",
            "2026-11-22T10:00:00.1234567891Z",
            "2016-12-31T23:59:60Z",
            "2026-02-30T10:00:00Z",
            "2026-11-22T10:00:00",
            "not a time",
        ] {
            assert_eq!(written_time(text), None, "{text}");
            assert_eq!(parse_time(text).ok(), text.parse::<DateTime<Utc>>().ok(), "{text}");
        }
    }

    #[test]
    fn a_key_that_is_not_hex_or_a_time_that_is_not_one_is_an_error_naming_it() {
        let error = serde_json::from_str::<SeenKeys>(r#"{"2026-11-22T10:00:00Z":["xyz"]}"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("`xyz` is not a 128-bit hex key"), "{error}");
        assert!(serde_json::from_str::<SeenKeys>(r#"{"yesterday":[]}"#).is_err());
    }
}
