//! The attributes every event here carries: OCSF's `base_event` and the IAM category's.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Actor, Metadata, NetworkEndpoint, unmapped};

/// The Identity & Access Management category (`category_uid` 3).
const IAM: (i32, &str) = (3, "Identity & Access Management");

/// What the key `unmapped.auditkit.time` says when the event has no timestamp.
pub(crate) const NO_TIME: &str = "the vendor sent no timestamp this crate can read, so `time` is 0";

/// An event class of the IAM category: its `class_uid` and caption.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Class {
    pub(crate) uid: i32,
    pub(crate) caption: &'static str,
}

/// The attributes of OCSF's `base_event` and of the IAM category (`actor`, `src_endpoint`),
/// shared by [`Authentication`](super::Authentication),
/// [`AccountChange`](super::AccountChange) and
/// [`EntityManagement`](super::EntityManagement).
///
/// ```
/// use auditkit::ocsf::{self, ToOcsf};
///
/// let entry: auditkit::everbridge::AuditLogEntry =
///     serde_json::from_str(r#"{"eventTime": "2020-09-16T03:55:47", "operationType": "Delete"}"#)?;
/// let event = entry.to_ocsf();
/// let base = event.base();
/// assert_eq!((base.class_uid, base.activity_id, base.type_uid), (3004, 4, 300404));
/// assert_eq!(base.time, 1_600_228_547_000);
/// assert_eq!(base.metadata.version, ocsf::SCHEMA_VERSION);
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// The classification (`class_uid`, `category_uid`, `activity_id`, `type_uid`) is set by
/// the class's constructor, with `type_uid = class_uid * 100 + activity_id`. `severity_id`
/// is 1 (Informational): these are records of routine activity, and neither vendor rates
/// them. `time` is the vendor's timestamp in epoch milliseconds; when the vendor sent
/// none, or one the crate cannot read (kept as sent in `unmapped`), `time` is 0 and
/// `unmapped.auditkit.time` says so (the library does not read the clock, and a time of
/// its own would pass for the vendor's).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BaseEvent {
    /// The activity within the class (`1` Logon, …; `0` Unknown, `99` Other).
    pub activity_id: i32,
    /// The activity's caption, or the vendor's word for an Other activity.
    pub activity_name: String,
    /// The category: 3, Identity & Access Management.
    pub category_uid: i32,
    /// The category's caption.
    pub category_name: String,
    /// The event class (`3002` Authentication, …).
    pub class_uid: i32,
    /// The class's caption.
    pub class_name: String,
    /// `class_uid * 100 + activity_id`.
    pub type_uid: i64,
    /// `"<class>: <activity>"`, with `Other` for an Other activity.
    pub type_name: String,
    /// The severity: 1, Informational.
    pub severity_id: i32,
    /// The severity's caption.
    pub severity: String,
    /// When it happened, in milliseconds since the Unix epoch (0 when unknown, see above).
    pub time: i64,
    /// Where the event comes from, and the schema version.
    pub metadata: Metadata,
    /// The outcome: `0` Unknown, `1` Success, `2` Failure, `99` Other.
    pub status_id: i32,
    /// The outcome's caption, or the vendor's word for an Other outcome.
    pub status: String,
    /// Why it failed, in the vendor's words.
    pub status_detail: Option<String>,
    /// Who acted.
    pub actor: Option<Actor>,
    /// Where the request came from.
    pub src_endpoint: Option<NetworkEndpoint>,
    /// Every source field no attribute holds, under its wire name and at its place in the
    /// source (nulls dropped), so nothing the vendor sent is lost.
    pub unmapped: Option<Map<String, Value>>,
    /// The source event as text. The mappings leave it empty (everything is already in the
    /// attributes and `unmapped`); set it when a consumer wants the original too.
    pub raw_data: Option<String>,
}

impl BaseEvent {
    /// The attributes of an event of `class`, with an Unknown status.
    pub(crate) fn new(
        class: Class,
        activity: (i32, &str),
        at: Option<DateTime<Utc>>,
        metadata: Metadata,
    ) -> Self {
        let (activity_id, activity_name) = activity;
        // The type is the schema's: an Other activity's own word stays in `activity_name`.
        let type_activity = if activity_id == 99 { "Other" } else { activity_name };
        let type_uid =
            i64::from(class.uid).saturating_mul(100).saturating_add(i64::from(activity_id));
        let unmapped = at.is_none().then(|| {
            let note = Map::from_iter([("time".to_owned(), Value::from(NO_TIME))]);
            Map::from_iter([("auditkit".to_owned(), Value::Object(note))])
        });
        Self {
            activity_id,
            activity_name: activity_name.to_owned(),
            category_uid: IAM.0,
            category_name: IAM.1.to_owned(),
            class_uid: class.uid,
            class_name: class.caption.to_owned(),
            type_uid,
            type_name: format!("{}: {type_activity}", class.caption),
            severity_id: 1,
            severity: "Informational".to_owned(),
            time: at.map_or(0, |at| at.timestamp_millis()),
            metadata,
            status_id: 0,
            status: "Unknown".to_owned(),
            status_detail: None,
            actor: None,
            src_endpoint: None,
            unmapped,
            raw_data: None,
        }
    }

    /// Sets the outcome: `Some(true)` Success, `Some(false)` Failure, `None` Unknown.
    pub(crate) fn succeeded(&mut self, success: Option<bool>) {
        (self.status_id, self.status) = match success {
            Some(true) => (1, "Success".to_owned()),
            Some(false) => (2, "Failure".to_owned()),
            None => (0, "Unknown".to_owned()),
        };
    }

    /// Sets the outcome from the vendor's word: `Success` and `Failure` (any case) are
    /// themselves, another word is Other (99) with the word as `status`.
    pub(crate) fn outcome(&mut self, word: Option<&str>) {
        match word {
            Some(word) if word.eq_ignore_ascii_case("success") => self.succeeded(Some(true)),
            Some(word) if word.eq_ignore_ascii_case("failure") => self.succeeded(Some(false)),
            Some(word) => (self.status_id, self.status) = (99, word.to_owned()),
            None => self.succeeded(None),
        }
    }

    /// Puts every field of `source` except the `placed` paths into `unmapped`.
    pub(crate) fn keep_unmapped(&mut self, source: &impl Serialize, placed: &[&[&str]]) {
        let mut rest = unmapped::rest(source, placed);
        if let Some(notes) = self.unmapped.take() {
            rest.extend(notes);
        }
        self.unmapped = (!rest.is_empty()).then_some(rest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLASS: Class = Class { uid: 3002, caption: "Authentication" };

    #[test]
    fn the_type_is_the_class_times_a_hundred_plus_the_activity() {
        let base = BaseEvent::new(CLASS, (2, "Logoff"), None, Metadata::default());
        assert_eq!(base.type_uid, 300_202);
        assert_eq!(base.type_name, "Authentication: Logoff");
        assert_eq!(base.category_uid, 3);
    }

    #[test]
    fn an_event_without_a_timestamp_has_time_0_and_says_why() {
        let mut base = BaseEvent::new(CLASS, (1, "Logon"), None, Metadata::default());
        base.keep_unmapped(&serde_json::json!({"kept": 1}), &[]);
        assert_eq!(base.time, 0);
        let unmapped = base.unmapped.unwrap_or_default();
        assert_eq!(unmapped["auditkit"]["time"], NO_TIME);
        assert_eq!(unmapped["kept"], 1);
    }

    #[test]
    fn a_vendor_outcome_other_than_success_or_failure_is_other_with_its_word() {
        let mut base = BaseEvent::new(CLASS, (1, "Logon"), None, Metadata::default());
        base.outcome(Some("FAILURE"));
        assert_eq!((base.status_id, base.status.as_str()), (2, "Failure"));
        base.outcome(Some("Partial"));
        assert_eq!((base.status_id, base.status.as_str()), (99, "Partial"));
        base.outcome(None);
        assert_eq!((base.status_id, base.status.as_str()), (0, "Unknown"));
    }
}
