//! Everbridge audit log entries as OCSF Entity Management events.
//!
//! | Everbridge field | OCSF attribute |
//! |---|---|
//! | `operationType` | `activity_id` by the schema's captions (`Create` 1, `Read` 2, `Update` 3, `Delete` 4, … `Resume` 13); another word (`Login`) is Other (99) with the word as `activity_name`; none is Unknown (0) |
//! | `eventTime` | `time` (epoch ms) |
//! | `eventResult` | `status_id` 1 Success / 2 Failure; another word is Other (99) with the word as `status`; none is Unknown (0) |
//! | `entityId` (when not 0), `entityInfo` | `entity.uid`, `entity.name` (`"Unknown"` when neither) |
//! | `userId`, `userName` | `actor.user.uid`, `actor.user.name` |
//! | `accountId`, `accountName` | `actor.user.org.uid`, `.name`; `accountId` also `metadata.tenant_uid` |
//! | `organizationId`, `organizationName` | `actor.user.org.ou_uid`, `.ou_name` (the organization is a unit of the account) |
//! | `ipAddress` | `src_endpoint.ip` |
//! | `activityType` (`Security`, `Contact`) | `metadata.log_name` |
//! | `eventType` (`Organization Management`, …) | `metadata.event_code` |
//! | `source` (`EB Admin`) | `metadata.product.feature.name` |
//!
//! Everything else (`type`, an `entityId` of 0, unknown fields) stays in `unmapped`
//! under its wire name. Entries have no id of their own, so `metadata.uid` is empty.

use super::{
    Actor, EntityManagement, EntityManagementActivity, Feature, ManagedEntity, Metadata,
    NetworkEndpoint, OcsfEvent, Organization, ToOcsf, User, objects::UNKNOWN,
};
use crate::everbridge::AuditLogEntry;

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
    let mut placed: Vec<&[&str]> = vec![
        &["accountId"],
        &["accountName"],
        &["activityType"],
        &["entityInfo"],
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

impl ToOcsf for AuditLogEntry {
    /// [`entity_management`].
    fn to_ocsf(&self) -> OcsfEvent {
        entity_management(self).into()
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
