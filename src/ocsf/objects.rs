//! The objects the events point at: `user`, `organization`, `actor`, `session`,
//! `service` and `managed_entity`.

use serde::{Deserialize, Serialize};

/// The name OCSF objects get when the vendor names nothing: several of them must carry a
/// name or an id.
pub(crate) const UNKNOWN: &str = "Unknown";

/// The `user` object: a user by id and name, and their organization.
///
/// ```
/// let user = auditkit::ocsf::User::identified(Some("UR_1".into()), None);
/// assert_eq!(user.uid.as_deref(), Some("UR_1"));
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct User {
    /// The vendor's id of the user.
    pub uid: Option<String>,
    /// The user's name.
    pub name: Option<String>,
    /// The user's organization.
    pub org: Option<Organization>,
}

impl User {
    /// The user with this id and name. OCSF wants at least one of the two: when both are
    /// `None`, the name is `"Unknown"`.
    ///
    /// ```
    /// let user = auditkit::ocsf::User::identified(None, None);
    /// assert_eq!(user.name.as_deref(), Some("Unknown"));
    /// ```
    pub fn identified(uid: Option<String>, name: Option<String>) -> Self {
        let name = match (&uid, name) {
            (None, None) => Some(UNKNOWN.to_owned()),
            (_, name) => name,
        };
        Self { uid, name, org: None }
    }
}

/// The `organization` object: a tenant and, within it, an organizational unit.
///
/// ```
/// use auditkit::ocsf::Organization;
///
/// let mut org = Organization::default();
/// org.uid = Some("295910361792516".into());
/// org.ou_name = Some("Operations".into());
/// assert_eq!(serde_json::to_value(&org)?, serde_json::json!({"uid": "295910361792516", "ou_name": "Operations"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Organization {
    /// The organization's id (the Qualtrics brand, the Everbridge account).
    pub uid: Option<String>,
    /// The organization's name.
    pub name: Option<String>,
    /// The organizational unit's id (the Everbridge organization).
    pub ou_uid: Option<String>,
    /// The organizational unit's name.
    pub ou_name: Option<String>,
}

impl Organization {
    /// `Some` organization when any of its fields is known.
    pub(crate) fn known(self) -> Option<Self> {
        (self != Self::default()).then_some(self)
    }
}

/// The `actor` object: who performed the activity.
///
/// ```
/// use auditkit::ocsf::{Actor, User};
///
/// let mut actor = Actor::default();
/// actor.user = Some(User::identified(None, Some("Ada".into())));
/// assert_eq!(serde_json::to_value(&actor)?, serde_json::json!({"user": {"name": "Ada"}}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Actor {
    /// The acting user.
    pub user: Option<User>,
    /// The acting user's session.
    pub session: Option<Session>,
}

/// The `session` object: a logon session.
///
/// ```
/// let session = auditkit::ocsf::Session::new("s-1");
/// assert_eq!(serde_json::to_value(&session)?, serde_json::json!({"uid": "s-1"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Session {
    /// The vendor's id of the session.
    pub uid: Option<String>,
}

impl Session {
    /// The session with this id.
    ///
    /// ```
    /// assert_eq!(auditkit::ocsf::Session::new("s-1").uid.as_deref(), Some("s-1"));
    /// ```
    pub fn new(uid: impl Into<String>) -> Self {
        Self { uid: Some(uid.into()) }
    }
}

/// The `service` object: the service a user authenticates to.
///
/// ```
/// let mut service = auditkit::ocsf::Service::default();
/// service.name = Some("ControlPanel".into());
/// assert_eq!(serde_json::to_value(&service)?, serde_json::json!({"name": "ControlPanel"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Service {
    /// The service's name (the Qualtrics product, `ControlPanel`, …).
    pub name: Option<String>,
}

/// The `managed_entity` object: what a management activity acted on.
///
/// ```
/// let mut entity = auditkit::ocsf::ManagedEntity::default();
/// entity.uid = Some("42".into());
/// assert_eq!(serde_json::to_value(&entity)?, serde_json::json!({"uid": "42"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ManagedEntity {
    /// The vendor's id of the entity.
    pub uid: Option<String>,
    /// The entity's name or description, in the vendor's words.
    pub name: Option<String>,
}
