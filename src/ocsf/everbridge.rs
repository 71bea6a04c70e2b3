//! Everbridge audit log entries as OCSF events: a login or logout as Authentication (3002)
//! Logon or Logoff ([`authentication`]), any other entry as Entity Management (3004,
//! [`entity_management`]). [`ToOcsf`] picks the class by the entry's `operationType`:
//! `Login`, `Log In`, `Logon`, `Sign In` (any case) is a logon; `Logout`, `Log Out`,
//! `Logoff`, `Sign Out` a logoff.
//!
//! | Everbridge field | OCSF attribute |
//! |---|---|
//! | `operationType` | Entity Management: `activity_id` by the schema's captions (`Create` 1, `Read` 2, `Update` 3, `Delete` 4, … `Resume` 13); another word (`Export`) is Other (99) with the word as `activity_name`; none is Unknown (0). Authentication: Logon (1) or Logoff (2) |
//! | `eventTime` | `time` (epoch ms) |
//! | `eventResult` | `status_id` 1 Success / 2 Failure; another word is Other (99) with the word as `status`; none is Unknown (0) |
//! | `entityId` (when not 0), `entityInfo` | Entity Management: `entity.uid`, `entity.name` (`"Unknown"` when neither). Authentication: `unmapped` |
//! | `userId`, `userName` | `actor.user.uid`, `actor.user.name`; Authentication: `user.uid`, `user.name` (no actor) |
//! | `accountId`, `accountName` | the user's `org.uid`, `.name`; `accountId` also `metadata.tenant_uid` |
//! | `organizationId`, `organizationName` | the user's `org.ou_uid`, `.ou_name` (the organization is a unit of the account) |
//! | `ipAddress` | `src_endpoint.ip` |
//! | `activityType` (`Security`, `Contact`) | `metadata.log_name` |
//! | `eventType` (`Organization Management`, …) | `metadata.event_code` |
//! | `source` (`EB Admin`) | `metadata.product.feature.name`; Authentication also `service.name` (`Everbridge Suite` when absent) |
//!
//! Everything else (`type`, an `entityId` of 0, unknown fields) stays in `unmapped`
//! under its wire name. Entries have no id of their own, so `metadata.uid` is empty.

use super::{
    Actor, Authentication, AuthenticationActivity, EntityManagement, EntityManagementActivity,
    Feature, ManagedEntity, Metadata, NetworkEndpoint, OcsfEvent, Organization, Service, ToOcsf,
    User, objects::UNKNOWN,
};
use crate::everbridge::AuditLogEntry;

/// The fields both mappings place (Entity Management places the entity too).
const PLACED: &[&[&str]] = &[
    &["accountId"],
    &["accountName"],
    &["activityType"],
    &["eventResult"],
    &["eventTime"],
    &["eventType"],
    &["ipAddress"],
    &["operationType"],
    &["organizationId"],
    &["organizationName"],
    &["source"],
    &["userId"],
    &["userName"],
];

/// An audit log entry as Entity Management; see the module's table.
///
/// ```
/// use auditkit::{everbridge::AuditLogEntry, ocsf};
///
/// let entry: AuditLogEntry = serde_json::from_str(r#"{
///     "eventTime": "2020-09-16T03:55:47", "operationType": "Update", "eventResult": "Success",
///     "userId": 295910361792522, "accountId": 295910361792516, "ipAddress": "3.209.162.21"
/// }"#)?;
/// let event = ocsf::everbridge::entity_management(&entry);
/// assert_eq!((event.base.activity_id, event.base.status_id), (3, 1));
/// let actor = event.base.actor.and_then(|actor| actor.user);
/// assert_eq!(actor.as_ref().and_then(|user| user.uid.as_deref()), Some("295910361792522"));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn entity_management(entry: &AuditLogEntry) -> EntityManagement {
    let activity = entry
        .operation_type
        .as_deref()
        .map_or(EntityManagementActivity::Unknown, EntityManagementActivity::from_caption);
    let mut placed: Vec<&[&str]> = PLACED.to_vec();
    placed.push(&["entityInfo"]);
    // Everbridge writes 0 when there is no entity: 0 is not an id, so it stays unmapped.
    let entity_id = entry.entity_id.filter(|id| *id != 0);
    if entity_id.is_some() {
        placed.push(&["entityId"]);
    }
    let entity =
        ManagedEntity { uid: entity_id.map(|id| id.to_string()), name: entry.entity_info.clone() };
    let entity = if entity == ManagedEntity::default() {
        ManagedEntity { name: Some(UNKNOWN.to_owned()), ..entity }
    } else {
        entity
    };
    let mut event = EntityManagement::new(&activity, entry.event_time, metadata(entry), entity);
    event.base.outcome(entry.event_result.as_deref());
    event.base.actor = actor(entry);
    event.base.src_endpoint =
        NetworkEndpoint { ip: entry.ip_address.clone(), ..NetworkEndpoint::default() }.known();
    event.base.keep_unmapped(entry, &placed);
    event
}

/// A login or logout entry as Authentication Logon or Logoff; `None` for any other entry
/// (see the module's docs for the words). See the module's table.
///
/// ```
/// use auditkit::{everbridge::AuditLogEntry, ocsf};
///
/// let entry: AuditLogEntry = serde_json::from_str(r#"{
///     "eventTime": "2020-09-16T03:55:47", "operationType": "Login", "eventResult": "Failure",
///     "userId": 295910361792522, "userName": "Ann Admin", "ipAddress": "3.209.162.21"
/// }"#)?;
/// let logon = ocsf::everbridge::authentication(&entry).expect("a login");
/// assert_eq!((logon.base.type_uid, logon.base.status_id), (300_201, 2));
/// assert_eq!(logon.user.name.as_deref(), Some("Ann Admin"));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn authentication(entry: &AuditLogEntry) -> Option<Authentication> {
    let activity = logon_or_logoff(entry.operation_type.as_deref()?)?;
    let user =
        actor(entry).and_then(|actor| actor.user).unwrap_or_else(|| User::identified(None, None));
    let mut event = Authentication::new(activity, entry.event_time, metadata(entry), user);
    event.base.outcome(entry.event_result.as_deref());
    event.service = Some(Service {
        name: Some(entry.source.clone().unwrap_or_else(|| "Everbridge Suite".to_owned())),
    });
    event.base.src_endpoint =
        NetworkEndpoint { ip: entry.ip_address.clone(), ..NetworkEndpoint::default() }.known();
    event.base.keep_unmapped(entry, PLACED);
    Some(event)
}

/// Logon or logoff, when `operation` is one of the words for them.
fn logon_or_logoff(operation: &str) -> Option<AuthenticationActivity> {
    let word: String =
        operation.chars().filter(|c| !c.is_whitespace() && *c != '-' && *c != '_').collect();
    let is = |words: &[&str]| words.iter().any(|w| w.eq_ignore_ascii_case(&word));
    if is(&["login", "logon", "signin"]) {
        Some(AuthenticationActivity::Logon)
    } else if is(&["logout", "logoff", "signout"]) {
        Some(AuthenticationActivity::Logoff)
    } else {
        None
    }
}

impl ToOcsf for AuditLogEntry {
    /// [`authentication`] for a login or logout, [`entity_management`] otherwise.
    fn to_ocsf(&self) -> OcsfEvent {
        match authentication(self) {
            Some(event) => event.into(),
            None => entity_management(self).into(),
        }
    }
}

fn metadata(entry: &AuditLogEntry) -> Metadata {
    let mut metadata = Metadata::new("Everbridge Suite", "Everbridge");
    metadata.product.feature = entry.source.clone().map(Feature::named);
    metadata.log_name.clone_from(&entry.activity_type);
    metadata.event_code.clone_from(&entry.event_type);
    metadata.tenant_uid = entry.account_id.map(|id| id.to_string());
    metadata
}

/// The acting user with their account and organization, when the entry names any.
fn actor(entry: &AuditLogEntry) -> Option<Actor> {
    let org = Organization {
        uid: entry.account_id.map(|id| id.to_string()),
        name: entry.account_name.clone(),
        ou_uid: entry.organization_id.map(|id| id.to_string()),
        ou_name: entry.organization_name.clone(),
    }
    .known();
    let (uid, name) = (entry.user_id.map(|id| id.to_string()), entry.user_name.clone());
    if uid.is_none() && name.is_none() && org.is_none() {
        return None;
    }
    let mut user = User::identified(uid, name);
    user.org = org;
    Some(Actor { user: Some(user), session: None })
}
