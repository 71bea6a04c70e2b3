//! One Qualtrics audit event, and how it keeps a timestamp no reader here knows.
//!
//! An event whose only problem is its timestamp's spelling is still an event: it decodes
//! with `timestamp: None` and the value as sent in `timestamp_unreadable`, in the typed
//! listings and the raw one alike, so a vendor's new spelling neither stalls an export nor
//! loses what the server sent.

use std::{borrow::Cow, fmt};

use chrono::{DateTime, Utc};
use serde::{
    Deserialize, Deserializer, Serialize, Serializer,
    de::{self, MapAccess, SeqAccess, Visitor, value},
    ser::SerializeMap,
};
use serde_json::Value;
use serde_with::ser::SerializeAsWrap;

use super::ActivityType;
use crate::datetime::{Tolerant, parse};

/// One audit event of activity type `A` ([`Logins`](super::Logins), …, or
/// [`Raw`](super::Raw)); its descriptor is `A`'s ([`ActivityType::Descriptor`]). The
/// element itself does not name its type: the listing that read it does.
///
/// ```no_run
/// use auditkit::qualtrics::Logins;
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// let page = client.qualtrics().list_events::<Logins>().send().await?;
/// for event in page.items() {
///     match (event.timestamp, &event.timestamp_unreadable) {
///         (Some(at), _) => println!("{} at {at}", event.id),
///         (None, Some(as_sent)) => println!("{} at {as_sent} (as sent)", event.id),
///         (None, None) => println!("{} at an unknown time", event.id),
///     }
/// }
/// # Ok(()) }
/// ```
///
/// Serializing an event writes the wire shape back (`id`, `timestamp`, `datacenter`,
/// `source`, `descriptor`), so an archive of events reads back as the same events.
#[non_exhaustive]
pub struct Event<A: ActivityType> {
    /// The event's identifier.
    pub id: String,
    /// When it happened, read with the tolerant format (RFC 3339 at any precision and
    /// offset, `+0000`, no seconds, no offset, a bare date).
    ///
    /// `None` when the server sent no timestamp, or one in a spelling this crate cannot
    /// read: then the event still decodes, and
    /// [`timestamp_unreadable`](Self::timestamp_unreadable) keeps what the server sent.
    pub timestamp: Option<DateTime<Utc>>,
    /// The `timestamp` the server sent, verbatim, when it is not a date-time this crate can
    /// read (`"16/09/2020 03:55"`, a number, …); `None` when `timestamp` was read or absent.
    ///
    /// It is not a wire field of its own: serializing the event writes it back under
    /// `timestamp` (unless `timestamp` has been set since), so an archive keeps the
    /// vendor's text.
    pub timestamp_unreadable: Option<Value>,
    /// The Qualtrics datacenter that recorded it (`ST3`, …).
    pub datacenter: Option<String>,
    /// The host or service that recorded it.
    pub source: Option<String>,
    /// What happened, shaped by the activity type. A missing or `null` descriptor is the
    /// type's default (every field `None`).
    pub descriptor: A::Descriptor,
    /// Top-level fields this SDK does not know yet, exactly as the vendor sent them (and
    /// written back when the event is serialized), so an archive loses nothing.
    pub other: serde_json::Map<String, Value>,
}

// By hand, not derived: a derive would ask `A` itself (a marker) for the trait.
impl<A: ActivityType> fmt::Debug for Event<A>
where
    A::Descriptor: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("id", &self.id)
            .field("timestamp", &self.timestamp)
            .field("timestamp_unreadable", &self.timestamp_unreadable)
            .field("datacenter", &self.datacenter)
            .field("source", &self.source)
            .field("descriptor", &self.descriptor)
            .field("other", &self.other)
            .finish()
    }
}

impl<A: ActivityType> Clone for Event<A>
where
    A::Descriptor: Clone,
{
    fn clone(&self) -> Self {
        Self {
            id: self.id.clone(),
            timestamp: self.timestamp,
            timestamp_unreadable: self.timestamp_unreadable.clone(),
            datacenter: self.datacenter.clone(),
            source: self.source.clone(),
            descriptor: self.descriptor.clone(),
            other: self.other.clone(),
        }
    }
}

impl<A: ActivityType> PartialEq for Event<A>
where
    A::Descriptor: PartialEq,
{
    fn eq(&self, other: &Self) -> bool {
        (self.id == other.id)
            && (self.timestamp, &self.timestamp_unreadable)
                == (other.timestamp, &other.timestamp_unreadable)
            && (&self.datacenter, &self.source) == (&other.datacenter, &other.source)
            && self.descriptor == other.descriptor
            && self.other == other.other
    }
}

impl<'de, A: ActivityType> Deserialize<'de> for Event<A> {
    fn deserialize<De: Deserializer<'de>>(deserializer: De) -> Result<Self, De::Error> {
        deserializer.deserialize_map(EventVisitor(std::marker::PhantomData))
    }
}

/// Reads the known fields in place and keeps the others, without serde's `flatten` (which
/// would buffer every event).
struct EventVisitor<A>(std::marker::PhantomData<fn() -> A>);

impl<'de, A: ActivityType> Visitor<'de> for EventVisitor<A> {
    type Value = Event<A>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Qualtrics event object")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Event<A>, M::Error> {
        let (mut id, mut timestamp) = (None, WireTimestamp::Absent);
        let (mut datacenter, mut source, mut descriptor) = (None, None, None);
        let mut other = serde_json::Map::new();
        while let Some(crate::model::FieldName(key)) = map.next_key()? {
            match key.as_ref() {
                "id" => id = Some(map.next_value::<String>()?),
                "timestamp" => timestamp = map.next_value()?,
                "datacenter" => datacenter = map.next_value()?,
                "source" => source = map.next_value()?,
                "descriptor" => descriptor = map.next_value::<Option<A::Descriptor>>()?,
                _ => {
                    let value = map.next_value()?;
                    other.insert(key.into_owned(), value);
                }
            }
        }
        let id = id.ok_or_else(|| de::Error::missing_field("id"))?;
        let (timestamp, timestamp_unreadable) = match timestamp {
            WireTimestamp::Absent => (None, None),
            WireTimestamp::Read(at) => (Some(at), None),
            WireTimestamp::Unreadable(as_sent) => (None, Some(as_sent)),
        };
        Ok(Event {
            id,
            timestamp,
            timestamp_unreadable,
            datacenter,
            source,
            descriptor: descriptor.unwrap_or_default(),
            other,
        })
    }
}

impl<A: ActivityType> Serialize for Event<A>
where
    A::Descriptor: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut event = serializer.serialize_map(Some(self.other.len().saturating_add(5)))?;
        event.serialize_entry("id", &self.id)?;
        match (&self.timestamp, &self.timestamp_unreadable) {
            (None, Some(as_sent)) => event.serialize_entry("timestamp", as_sent)?,
            (read, _) => event.serialize_entry(
                "timestamp",
                &SerializeAsWrap::<Option<DateTime<Utc>>, Option<Tolerant>>::new(read),
            )?,
        }
        event.serialize_entry("datacenter", &self.datacenter)?;
        event.serialize_entry("source", &self.source)?;
        event.serialize_entry("descriptor", &self.descriptor)?;
        for (name, value) in &self.other {
            event.serialize_entry(name, value)?;
        }
        event.end()
    }
}

/// A timestamp field that never fails: read, or kept as sent.
#[derive(Default)]
enum WireTimestamp {
    #[default]
    Absent,
    Read(DateTime<Utc>),
    Unreadable(Value),
}

impl WireTimestamp {
    fn of_text(text: Cow<'_, str>) -> Self {
        match parse(&text) {
            Some(at) => Self::Read(at),
            None => Self::Unreadable(Value::String(text.into_owned())),
        }
    }
}

impl<'de> Deserialize<'de> for WireTimestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TimestampVisitor)
    }
}

/// Reads a string in place (no copy unless it is unreadable); anything else is kept as JSON.
struct TimestampVisitor;

impl<'de> Visitor<'de> for TimestampVisitor {
    type Value = WireTimestamp;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a timestamp")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(WireTimestamp::of_text(Cow::Borrowed(text)))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
        Ok(WireTimestamp::of_text(Cow::Owned(text)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(WireTimestamp::Absent)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(WireTimestamp::Absent)
    }

    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Self::Value, D::Error> {
        WireTimestamp::deserialize(inner)
    }

    fn visit_bool<E: de::Error>(self, flag: bool) -> Result<Self::Value, E> {
        Ok(WireTimestamp::Unreadable(Value::Bool(flag)))
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<Self::Value, E> {
        Ok(WireTimestamp::Unreadable(Value::from(number)))
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<Self::Value, E> {
        Ok(WireTimestamp::Unreadable(Value::from(number)))
    }

    fn visit_f64<E: de::Error>(self, number: f64) -> Result<Self::Value, E> {
        Ok(WireTimestamp::Unreadable(Value::from(number)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(value::SeqAccessDeserializer::new(seq)).map(WireTimestamp::Unreadable)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(value::MapAccessDeserializer::new(map)).map(WireTimestamp::Unreadable)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::qualtrics::Raw;

    fn event(timestamp: Value) -> Value {
        json!({"id": "e-1", "timestamp": timestamp, "datacenter": "ST3", "source": "s",
            "descriptor": {"userId": "UR_1"}})
    }

    #[test]
    fn an_unreadable_timestamp_is_kept_as_sent_and_written_back_under_timestamp() {
        for as_sent in [json!("16/09/2020 03:55"), json!(1_600_228_500_000_u64), json!({"at": 1})] {
            let wire = event(as_sent.clone());
            let decoded: Event<Raw> = serde_json::from_value(wire.clone()).unwrap();
            assert_eq!(decoded.timestamp, None);
            assert_eq!(decoded.timestamp_unreadable.as_ref(), Some(&as_sent));
            assert_eq!(decoded.descriptor["userId"], "UR_1");

            let written = serde_json::to_value(&decoded).unwrap();
            assert_eq!(written, wire, "the vendor's value, under `timestamp`, and no new key");
            let again: Event<Raw> = serde_json::from_value(written).unwrap();
            assert_eq!(again, decoded);
        }
    }

    #[test]
    fn a_readable_timestamp_is_read_and_written_as_rfc_3339() {
        let decoded: Event<Raw> =
            serde_json::from_value(event(json!("2020-09-16T03:55:00+0000"))).unwrap();
        assert_eq!(
            decoded.timestamp.map(|at| at.to_rfc3339()).as_deref(),
            Some("2020-09-16T03:55:00+00:00")
        );
        assert_eq!(decoded.timestamp_unreadable, None);
        let written = serde_json::to_value(&decoded).unwrap();
        assert_eq!(written["timestamp"], "2020-09-16T03:55:00Z");
    }

    #[test]
    fn a_missing_or_null_timestamp_is_neither_read_nor_unreadable() {
        for wire in [json!({"id": "e-1"}), json!({"id": "e-1", "timestamp": null})] {
            let decoded: Event<Raw> = serde_json::from_value(wire).unwrap();
            assert_eq!((decoded.timestamp, &decoded.timestamp_unreadable), (None, &None));
            assert_eq!(serde_json::to_value(&decoded).unwrap()["timestamp"], Value::Null);
        }
    }

    #[test]
    fn a_timestamp_set_by_the_caller_wins_over_the_one_kept_as_sent() {
        let mut decoded: Event<Raw> =
            serde_json::from_value(event(json!("16/09/2020 03:55"))).unwrap();
        decoded.timestamp = parse("2020-09-16T03:55:00Z");
        assert_eq!(serde_json::to_value(&decoded).unwrap()["timestamp"], "2020-09-16T03:55:00Z");
    }

    #[test]
    fn an_event_without_an_id_still_fails_and_names_the_field() {
        let error = serde_json::from_value::<Event<Raw>>(json!({"timestamp": "x"})).unwrap_err();
        assert!(error.to_string().contains("`id`"), "{error}");
    }

    #[test]
    fn a_top_level_field_the_sdk_does_not_know_is_kept_and_written_back() {
        let wire = json!({
            "id": "e-1", "timestamp": "2026-11-22T10:00:00Z", "descriptor": {"userId": "UR_1"},
            "riskScore": 7, "actor": {"kind": "api"}
        });
        let event: Event<Raw> = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(event.other["riskScore"], 7);
        assert_eq!(event.other["actor"], json!({"kind": "api"}));
        let written = serde_json::to_value(&event).unwrap();
        assert_eq!(written["riskScore"], 7);
        assert_eq!(written["actor"], json!({"kind": "api"}));
        assert_eq!(written["descriptor"], json!({"userId": "UR_1"}));
    }
}
