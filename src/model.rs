//! Models that keep the fields this SDK does not know, without serde's `flatten`.
//!
//! A `#[serde(flatten)]` catch-all map makes serde buffer every field of an object before
//! decoding it, which cost about a seventh of the time to decode a Qualtrics page. A model
//! declared with `open_model!` decodes each known field straight from the wire and puts
//! only the unknown ones, as JSON, into its `other` map, so an archive still loses nothing.

use std::{borrow::Cow, fmt};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serializer, de::Visitor};
use serde_with::{DeserializeAs, SerializeAs};

use crate::datetime::Tolerant;

/// A field name, borrowed from the input when it has no escapes.
pub(crate) struct FieldName<'de>(pub(crate) Cow<'de, str>);

impl<'de> Deserialize<'de> for FieldName<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Name;
        impl<'de> Visitor<'de> for Name {
            type Value = FieldName<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                v: &'de str,
            ) -> Result<Self::Value, E> {
                Ok(FieldName(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(FieldName(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(FieldName(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(Name)
    }
}

/// An optional timestamp read with the [`Tolerant`] format.
pub(crate) struct TolerantTime(pub(crate) Option<DateTime<Utc>>);

impl<'de> Deserialize<'de> for TolerantTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <Option<Tolerant> as DeserializeAs<'de, Option<DateTime<Utc>>>>::deserialize_as(
            deserializer,
        )
        .map(TolerantTime)
    }
}

/// An optional timestamp written as RFC 3339, as [`Tolerant`] does.
pub(crate) struct AsTolerant<'a>(pub(crate) &'a Option<DateTime<Utc>>);

impl serde::Serialize for AsTolerant<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        <Option<Tolerant> as SerializeAs<Option<DateTime<Utc>>>>::serialize_as(self.0, serializer)
    }
}

/// Declares a `#[non_exhaustive]` model struct of optional fields, each with its wire name
/// (and `[tolerant]` for a timestamp read with the tolerant format), plus an `other` map
/// that keeps every field it does not know. It derives `Debug`, `Clone`, `PartialEq`,
/// `Default` and `Serialize`, and decodes without serde's `flatten`.
/// A field marked `[Reader]` with another type name is read by that type (in scope where
/// the model is declared), whose `.0` is `Ok(value)` or `Err(raw JSON)` for a value it
/// cannot read: the field is then `None` and the raw JSON kept in `other` under the
/// field's wire name (Everbridge's `eventTime`).
macro_rules! open_model {
    (@out $value:expr) => { &$value };
    (@out $value:expr, $tolerant:ident) => { $crate::model::AsTolerant(&$value) };
    (@store $model:ident $map:ident $field:ident $wire:literal $ty:ty) => {
        $model.$field = $map.next_value::<Option<$ty>>()?
    };
    (@store $model:ident $map:ident $field:ident $wire:literal $ty:ty, tolerant) => {
        $model.$field = $map.next_value::<$crate::model::TolerantTime>()?.0
    };
    (@store $model:ident $map:ident $field:ident $wire:literal $ty:ty, $reader:ident) => {
        match $map.next_value::<$reader>()?.0 {
            Ok(value) => $model.$field = value,
            Err(raw) => {
                $model.$field = None;
                $model.other.insert($wire.to_owned(), raw);
            }
        }
    };
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                pub $field:ident : Option<$ty:ty> = $wire:literal $([$tolerant:ident])?,
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default)]
        #[non_exhaustive]
        pub struct $name {
            $(
                $(#[doc = $doc])*
                pub $field: Option<$ty>,
            )*
            /// Fields this SDK does not know yet, exactly as the vendor sent them.
            pub other: serde_json::Map<String, serde_json::Value>,
        }

        // Written by hand rather than derived with `flatten`: a field whose value could not
        // be read is `None` with the raw value kept in `other` under its wire name, and the
        // raw value is what goes back out, once (a derive would write the name twice).
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(None)?;
                $(
                    if !self.other.contains_key($wire) {
                        map.serialize_entry($wire, &open_model!(@out self.$field $(, $tolerant)?))?;
                    }
                )*
                for (name, value) in &self.other {
                    map.serialize_entry(name, value)?;
                }
                map.end()
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Fields;
                impl<'de> serde::de::Visitor<'de> for Fields {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " object"))
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<$name, A::Error> {
                        let mut model = $name::default();
                        while let Some($crate::model::FieldName(key)) = map.next_key()? {
                            match key.as_ref() {
                                $( $wire => open_model!(@store model map $field $wire $ty $(, $tolerant)?), )*
                                _ => {
                                    let value = map.next_value()?;
                                    model.other.insert(key.into_owned(), value);
                                }
                            }
                        }
                        Ok(model)
                    }
                }
                deserializer.deserialize_map(Fields)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    // The macro declares public models; this test one is only reachable here.
    #![allow(unreachable_pub)]

    use serde_json::json;

    open_model! {
        /// A test model.
        pub struct Sample {
            /// A plain field.
            pub user_id: Option<String> = "userId",
            /// A nested number.
            pub count: Option<i64> = "count",
            /// A tolerant timestamp.
            pub at: Option<chrono::DateTime<chrono::Utc>> = "at" [tolerant],
        }
    }

    #[test]
    fn known_fields_decode_and_unknown_ones_are_kept_as_sent() {
        // The last key is spelled with a JSON escape, so it cannot be borrowed.
        let text = r#"{"userId": "UR_1", "count": null, "at": "2026-03-30T08:15:00",
                       "newField": {"deep": [1, 2]}, "esc\u0061ped": true}"#;
        let sample: Sample = serde_json::from_str(text).unwrap();
        assert_eq!(sample.user_id.as_deref(), Some("UR_1"));
        assert_eq!(sample.count, None);
        assert_eq!(
            sample.at.map(|at| at.to_rfc3339()).as_deref(),
            Some("2026-03-30T08:15:00+00:00")
        );
        assert_eq!(sample.other.get("newField"), Some(&json!({"deep": [1, 2]})));
        assert_eq!(sample.other.get("escaped"), Some(&json!(true)));
    }

    #[test]
    fn a_model_serializes_back_to_its_wire_names_with_the_unknown_fields() {
        let text = r#"{"userId":"UR_1","count":3,"at":"2026-03-30T08:15:00Z","extra":"kept"}"#;
        let sample: Sample = serde_json::from_str(text).unwrap();
        let back = serde_json::to_value(&sample).unwrap();
        assert_eq!(
            back,
            json!({"userId": "UR_1", "count": 3, "at": "2026-03-30T08:15:00Z", "extra": "kept"})
        );
    }

    #[test]
    fn a_value_kept_raw_in_other_is_written_back_once_under_its_name() {
        // Regression: an Everbridge entry whose `eventTime` could not be read was written
        // with `"eventTime"` twice, `null` first, then the raw text.
        let mut sample: Sample = serde_json::from_str(r#"{"userId":"UR_1"}"#).unwrap();
        sample.other.insert("at".into(), json!("yesterday-ish"));
        let text = serde_json::to_string(&sample).unwrap();
        assert_eq!(text.matches("\"at\"").count(), 1, "{text}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            json!({"userId": "UR_1", "count": null, "at": "yesterday-ish"})
        );
    }

    #[test]
    fn a_wrong_type_or_a_bad_timestamp_is_an_error_naming_the_problem() {
        let error = serde_json::from_str::<Sample>(r#"{"count":"three"}"#).unwrap_err();
        assert!(error.to_string().contains("invalid type"), "{error}");
        let error = serde_json::from_str::<Sample>(r#"{"at":"yesterday"}"#).unwrap_err();
        assert!(error.to_string().contains("`yesterday`"), "{error}");
        let error = serde_json::from_str::<Sample>("[1]").unwrap_err();
        assert!(error.to_string().contains("Sample object"), "{error}");
    }
}
