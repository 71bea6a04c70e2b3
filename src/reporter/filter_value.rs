//! The values a report filter compares with: text, numbers, dates, date-times and UUIDs,
//! each written the way Reporter reads it.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use serde_json::{Number, Value};

/// One value of a [`Filter`](super::Filter) condition. Made from strings, integers,
/// decimals (`f32`, `f64`), booleans, dates (`chrono::NaiveDate`, sent as `YYYY-MM-DD`),
/// date-times (`DateTime<Utc>` and `DateTime<FixedOffset>` as RFC 3339, `NaiveDateTime`
/// as `YYYY-MM-DDTHH:MM:SS`) and UUIDs (`uuid::Uuid`, hyphenated): use any of them where
/// a filter asks for `impl Into<FilterValue>`.
///
/// ```
/// use auditkit::reporter::FilterValue;
/// use chrono::NaiveDate;
///
/// let date = NaiveDate::from_ymd_opt(2025, 6, 1).ok_or("not a date")?;
/// assert_eq!(FilterValue::from(date).to_json(), Some(serde_json::json!("2025-06-01")));
/// assert_eq!(FilterValue::from(12.5).to_json(), Some(serde_json::json!(12.5)));
/// // NaN has no JSON form: the request that uses it is refused before it is sent.
/// assert_eq!(FilterValue::from(f64::NAN).to_json(), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FilterValue(Result<Value, String>);

impl FilterValue {
    /// The value as it is sent, or `None` when it cannot be (a NaN or infinite decimal).
    pub fn to_json(&self) -> Option<Value> {
        self.0.as_ref().ok().cloned()
    }

    /// The value as it is sent, or why it cannot be.
    pub(super) fn checked(&self) -> Result<&Value, &str> {
        self.0.as_ref().map_err(String::as_str)
    }

    fn text(text: String) -> Self {
        Self(Ok(Value::String(text)))
    }

    fn decimal(number: f64) -> Self {
        Self(
            Number::from_f64(number)
                .map(Value::Number)
                .ok_or_else(|| format!("{number} is not a number JSON can carry")),
        )
    }
}

impl From<&str> for FilterValue {
    fn from(text: &str) -> Self {
        Self::text(text.to_owned())
    }
}

impl From<String> for FilterValue {
    fn from(text: String) -> Self {
        Self::text(text)
    }
}

impl From<&String> for FilterValue {
    fn from(text: &String) -> Self {
        Self::text(text.clone())
    }
}

impl From<bool> for FilterValue {
    fn from(flag: bool) -> Self {
        Self(Ok(Value::Bool(flag)))
    }
}

macro_rules! integer_values {
    ($($integer:ty),*) => {$(
        impl From<$integer> for FilterValue {
            fn from(number: $integer) -> Self {
                Self(Ok(Value::Number(Number::from(number))))
            }
        }
    )*};
}

integer_values!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl From<f64> for FilterValue {
    fn from(number: f64) -> Self {
        Self::decimal(number)
    }
}

impl From<f32> for FilterValue {
    fn from(number: f32) -> Self {
        Self::decimal(f64::from(number))
    }
}

impl From<NaiveDate> for FilterValue {
    fn from(date: NaiveDate) -> Self {
        Self::text(date.format("%Y-%m-%d").to_string())
    }
}

impl From<NaiveDateTime> for FilterValue {
    fn from(at: NaiveDateTime) -> Self {
        Self::text(at.format("%Y-%m-%dT%H:%M:%S%.f").to_string())
    }
}

impl From<DateTime<Utc>> for FilterValue {
    fn from(at: DateTime<Utc>) -> Self {
        Self::text(at.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

impl From<DateTime<FixedOffset>> for FilterValue {
    fn from(at: DateTime<FixedOffset>) -> Self {
        Self::text(at.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

impl From<uuid::Uuid> for FilterValue {
    fn from(id: uuid::Uuid) -> Self {
        Self::text(id.hyphenated().to_string())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn sent(value: impl Into<FilterValue>) -> Value {
        value.into().to_json().unwrap()
    }

    #[test]
    fn every_kind_of_value_is_written_the_way_reporter_reads_it() {
        assert_eq!(sent("active"), json!("active"));
        assert_eq!(sent(String::from("a")), json!("a"));
        assert_eq!(sent(-7_i64), json!(-7));
        assert_eq!(sent(u64::MAX), json!(u64::MAX));
        assert_eq!(sent(0.25_f32), json!(0.25));
        assert_eq!(sent(true), json!(true));
        let date = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
        assert_eq!(sent(date), json!("2025-06-30"));
        assert_eq!(sent(date.and_hms_opt(8, 5, 0).unwrap()), json!("2025-06-30T08:05:00"));
        let at = DateTime::parse_from_rfc3339("2025-06-30T08:05:00.5-03:00").unwrap();
        assert_eq!(sent(at), json!("2025-06-30T08:05:00.500-03:00"));
        assert_eq!(sent(at.to_utc()), json!("2025-06-30T11:05:00.500Z"));
        let id = uuid::Uuid::from_u128(0x0196_a5b2_0c8f_7d4e_9a41_4f3c_2b1a_0e9d);
        assert_eq!(sent(id), json!("0196a5b2-0c8f-7d4e-9a41-4f3c2b1a0e9d"));
    }

    #[test]
    fn a_decimal_without_a_json_form_is_refused_with_a_reason() {
        for number in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let value = FilterValue::from(number);
            assert_eq!(value.to_json(), None);
            assert!(value.checked().unwrap_err().contains("not a number JSON can carry"));
        }
    }
}
