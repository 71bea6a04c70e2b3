//! How an entry's `eventTime` is read: Everbridge documents `yyyy-MM-ddTHH:mm:ss` without
//! an offset, and accounts send other spellings too.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use std::fmt;

use serde::{
    Deserialize, Deserializer,
    de::{self, MapAccess, SeqAccess, Visitor},
};
use serde_json::Value;

/// A number at least this large is epoch milliseconds; below it, epoch seconds (1e11
/// milliseconds is 1973; 1e11 seconds is the year 5138).
const MILLIS_FROM: f64 = 1e11;

/// An `eventTime` as read: `Ok(None)` when absent, `null` or empty; `Ok(Some)` for RFC 3339,
/// the documented time without offset (and the other spellings of the tolerant reader),
/// US `MM/dd/yyyy HH:mm:ss` (with or without seconds), and epoch seconds or milliseconds
/// (a number or digits); `Err(raw)` for anything else, kept as sent (the entry's
/// `other["eventTime"]`), so one odd entry neither fails its page nor loses its text.
pub(crate) struct EventTime(pub(crate) Result<Option<DateTime<Utc>>, Value>);

impl<'de> Deserialize<'de> for EventTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Read in place (no copy of the text) for the spellings an entry sends; anything
        // else as a JSON value, kept as sent.
        struct Reader;

        impl<'de> Visitor<'de> for Reader {
            type Value = EventTime;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an eventTime")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<EventTime, E> {
                let trimmed = text.trim();
                if trimmed.is_empty() {
                    return Ok(EventTime(Ok(None)));
                }
                Ok(EventTime(text_time(trimmed).map(Some).ok_or_else(|| text.into())))
            }

            fn visit_unit<E: de::Error>(self) -> Result<EventTime, E> {
                Ok(EventTime(Ok(None)))
            }

            fn visit_none<E: de::Error>(self) -> Result<EventTime, E> {
                Ok(EventTime(Ok(None)))
            }

            fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<EventTime, D::Error> {
                inner.deserialize_any(self)
            }

            fn visit_i64<E: de::Error>(self, number: i64) -> Result<EventTime, E> {
                Ok(EventTime(read(Value::from(number))))
            }

            fn visit_u64<E: de::Error>(self, number: u64) -> Result<EventTime, E> {
                Ok(EventTime(read(Value::from(number))))
            }

            fn visit_f64<E: de::Error>(self, number: f64) -> Result<EventTime, E> {
                Ok(EventTime(read(Value::from(number))))
            }

            fn visit_bool<E: de::Error>(self, value: bool) -> Result<EventTime, E> {
                Ok(EventTime(Err(Value::Bool(value))))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<EventTime, A::Error> {
                let raw = Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(EventTime(Err(raw)))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<EventTime, A::Error> {
                let raw = Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(EventTime(Err(raw)))
            }
        }

        deserializer.deserialize_any(Reader)
    }
}

fn read(value: Value) -> Result<Option<DateTime<Utc>>, Value> {
    let read = match &value {
        Value::Null => return Ok(None),
        Value::Number(number) => number.as_f64().and_then(epoch),
        Value::String(text) if text.trim().is_empty() => return Ok(None),
        Value::String(text) => text_time(text.trim()),
        _ => None,
    };
    read.map(Some).ok_or(value)
}

fn text_time(text: &str) -> Option<DateTime<Utc>> {
    if is_epoch(text) {
        return text.parse::<f64>().ok().and_then(epoch);
    }
    crate::datetime::parse(text).or_else(|| {
        ["%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M"]
            .iter()
            .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
            .map(|at| at.and_utc())
    })
}

/// Whether a text is a count of seconds or milliseconds: digits, perhaps signed.
pub(crate) fn is_epoch(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit())
}

fn epoch(number: f64) -> Option<DateTime<Utc>> {
    if !number.is_finite() {
        return None;
    }
    let millis = if number.abs() >= MILLIS_FROM { number } else { number * 1000.0 };
    // ok: a float beyond i64 saturates, and chrono refuses it below.
    #[allow(clippy::cast_possible_truncation)]
    let millis = millis.round() as i64;
    Utc.timestamp_millis_opt(millis).single()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(json: &str) -> Result<Option<String>, Value> {
        let value: Value = serde_json::from_str(json).unwrap();
        read(value).map(|at| at.map(|at| at.to_rfc3339()))
    }

    #[test]
    fn every_spelling_an_account_sends_is_read_and_the_rest_kept_as_sent() {
        let at = Ok(Some("2026-05-03T10:00:00+00:00".to_owned()));
        for json in [
            r#""2026-05-03T10:00:00""#,
            r#""2026-05-03T12:00:00+02:00""#,
            r#""05/03/2026 10:00:00""#,
            r#""05/03/2026 10:00""#,
            "1777802400000",
            r#""1777802400000""#,
            "1777802400",
            "1777802400000.0",
        ] {
            assert_eq!(read_text(json), at, "{json}");
        }
        for json in ["null", r#""""#, r#""  ""#] {
            assert_eq!(read_text(json), Ok(None), "{json}");
        }
        for json in [r#""yesterday""#, r#""13/45/2026 10:00:00""#, "true", "[1]", "1e300"] {
            let raw: Value = serde_json::from_str(json).unwrap();
            assert_eq!(read_text(json), Err(raw), "{json}");
        }
    }
}
