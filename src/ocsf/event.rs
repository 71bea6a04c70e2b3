//! [`OcsfEvent`], any event of the classes here, and [`ToOcsf`], the mapping to one.

use serde::{Deserialize, Deserializer, Serialize, de::Error as _};
use serde_json::Value;

use super::{AccountChange, Authentication, BaseEvent, EntityManagement};

/// An OCSF event of one of the classes this crate maps. It serializes as the class's
/// event itself (no wrapper), and reads back by its `class_uid`.
///
/// ```
/// use auditkit::ocsf::{OcsfEvent, ToOcsf};
///
/// let entry: auditkit::everbridge::AuditLogEntry =
///     serde_json::from_str(r#"{"eventTime": "2020-09-16T03:55:47", "operationType": "Create"}"#)?;
/// let line = serde_json::to_string(&entry.to_ocsf())?;
/// assert!(line.contains(r#""class_uid":3004"#));
/// let back: OcsfEvent = serde_json::from_str(&line)?;
/// assert_eq!(back, entry.to_ocsf());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
#[expect(
    clippy::large_enum_variant,
    reason = "every class is about a kilobyte; boxing the largest would save a fifth and cost an allocation per event"
)]
pub enum OcsfEvent {
    /// Authentication (3002).
    Authentication(Authentication),
    /// Account Change (3001).
    AccountChange(AccountChange),
    /// Entity Management (3004).
    EntityManagement(EntityManagement),
}

impl OcsfEvent {
    /// The attributes every event carries.
    ///
    /// ```
    /// # use auditkit::ocsf::ToOcsf;
    /// # let entry = auditkit::everbridge::AuditLogEntry::default();
    /// assert_eq!(entry.to_ocsf().base().class_uid, 3004);
    /// ```
    pub fn base(&self) -> &BaseEvent {
        match self {
            Self::Authentication(event) => &event.base,
            Self::AccountChange(event) => &event.base,
            Self::EntityManagement(event) => &event.base,
        }
    }

    /// The attributes every event carries, to change (say, to set `raw_data`).
    ///
    /// ```
    /// # use auditkit::ocsf::ToOcsf;
    /// # let entry = auditkit::everbridge::AuditLogEntry::default();
    /// let mut event = entry.to_ocsf();
    /// event.base_mut().raw_data = Some(serde_json::to_string(&entry)?);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn base_mut(&mut self) -> &mut BaseEvent {
        match self {
            Self::Authentication(event) => &mut event.base,
            Self::AccountChange(event) => &mut event.base,
            Self::EntityManagement(event) => &mut event.base,
        }
    }
}

impl<'de> Deserialize<'de> for OcsfEvent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let event = match value.get("class_uid").and_then(Value::as_i64) {
            Some(3002) => serde_json::from_value(value).map(Self::Authentication),
            Some(3001) => serde_json::from_value(value).map(Self::AccountChange),
            Some(3004) => serde_json::from_value(value).map(Self::EntityManagement),
            other => {
                return Err(D::Error::custom(format_args!(
                    "class_uid {other:?} is not one of the classes auditkit maps (3001, 3002, 3004)"
                )));
            }
        };
        event.map_err(D::Error::custom)
    }
}

impl From<Authentication> for OcsfEvent {
    fn from(event: Authentication) -> Self {
        Self::Authentication(event)
    }
}

impl From<AccountChange> for OcsfEvent {
    fn from(event: AccountChange) -> Self {
        Self::AccountChange(event)
    }
}

impl From<EntityManagement> for OcsfEvent {
    fn from(event: EntityManagement) -> Self {
        Self::EntityManagement(event)
    }
}

/// A vendor event that maps to one OCSF event.
///
/// ```
/// use auditkit::{ocsf::ToOcsf, qualtrics};
///
/// let login: qualtrics::Event<qualtrics::Logins> = serde_json::from_str(
///     r#"{"id": "e-1", "timestamp": "2020-11-13T19:13:40Z", "descriptor": {"isSuccessful": true}}"#,
/// )?;
/// let event = login.to_ocsf();
/// assert_eq!((event.base().class_uid, event.base().status.as_str()), (3002, "Success"));
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// Implemented for the events of every Qualtrics activity type this crate describes
/// (logins, session creations and terminations, password resets; not
/// [`Raw`](crate::qualtrics::Raw) ones, whose type is known only at run time) and for
/// Everbridge audit log entries.
pub trait ToOcsf {
    /// The OCSF event this event maps to.
    fn to_ocsf(&self) -> OcsfEvent;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_class_is_an_error_naming_it() {
        let error = serde_json::from_str::<OcsfEvent>(r#"{"class_uid": 4001}"#).unwrap_err();
        assert!(error.to_string().contains("class_uid Some(4001)"), "{error}");
    }
}
