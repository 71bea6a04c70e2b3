//! Entity Management (`class_uid` 3004): create, read, update, delete… a managed entity.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{BaseEvent, ManagedEntity, Metadata, base::Class};

const CLASS: Class = Class { uid: 3004, caption: "Entity Management" };

/// The schema's activities of the class, by id and caption.
const ACTIVITIES: [(i32, &str); 13] = [
    (1, "Create"),
    (2, "Read"),
    (3, "Update"),
    (4, "Delete"),
    (5, "Move"),
    (6, "Enroll"),
    (7, "Unenroll"),
    (8, "Enable"),
    (9, "Disable"),
    (10, "Activate"),
    (11, "Deactivate"),
    (12, "Suspend"),
    (13, "Resume"),
];

/// What an [`EntityManagement`] event reports (`activity_id`): one of the schema's
/// activities by id, Unknown (0), or Other (99) with the vendor's word.
///
/// ```
/// use auditkit::ocsf::EntityManagementActivity;
///
/// assert_eq!(EntityManagementActivity::from_caption("update").id(), 3);
/// assert_eq!(EntityManagementActivity::from_caption("Login").id(), 99);
/// assert_eq!(EntityManagementActivity::from_caption("Login").caption(), "Login");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EntityManagementActivity {
    /// 0: the source says nothing about the activity.
    Unknown,
    /// One of the schema's activities, 1 (Create) to 13 (Resume).
    Known {
        /// The `activity_id`.
        id: i32,
        /// The schema's caption.
        caption: &'static str,
    },
    /// 99: an activity the schema does not name, in the source's words.
    Other(String),
}

impl EntityManagementActivity {
    /// The activity whose schema caption is `caption` (any case), else Other; see the
    /// type's example.
    pub fn from_caption(caption: &str) -> Self {
        let word = caption.trim();
        ACTIVITIES.iter().find(|(_, known)| known.eq_ignore_ascii_case(word)).map_or_else(
            || Self::Other(caption.to_owned()),
            |&(id, caption)| Self::Known { id, caption },
        )
    }

    /// The `activity_id`; see the type's example.
    pub fn id(&self) -> i32 {
        match self {
            Self::Unknown => 0,
            Self::Known { id, .. } => *id,
            Self::Other(_) => 99,
        }
    }

    /// The caption (`activity_name`): the schema's, or the source's word for Other; see
    /// the type's example.
    pub fn caption(&self) -> &str {
        match self {
            Self::Unknown => "Unknown",
            Self::Known { caption, .. } => caption,
            Self::Other(word) => word,
        }
    }
}

/// An OCSF Entity Management event (3004): an action on a managed entity at a console.
///
/// ```
/// use auditkit::ocsf::{EntityManagement, EntityManagementActivity, ManagedEntity, Metadata};
///
/// let event = EntityManagement::new(
///     &EntityManagementActivity::from_caption("Create"),
///     None,
///     Metadata::new("Everbridge Suite", "Everbridge"),
///     ManagedEntity::default(),
/// );
/// assert_eq!(event.base.type_uid, 300_401);
/// ```
///
/// Who acted is `base.actor`, from where `base.src_endpoint`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EntityManagement {
    /// The attributes every event carries.
    #[serde(flatten)]
    pub base: BaseEvent,
    /// What was acted on (required).
    pub entity: ManagedEntity,
}

impl EntityManagement {
    /// An event of `activity` on `entity` at `at` (see [`BaseEvent`] for a missing time).
    ///
    /// See [`EntityManagement`] for an example.
    pub fn new(
        activity: &EntityManagementActivity,
        at: Option<DateTime<Utc>>,
        metadata: Metadata,
        entity: ManagedEntity,
    ) -> Self {
        Self {
            base: BaseEvent::new(CLASS, (activity.id(), activity.caption()), at, metadata),
            entity,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_activity_is_found_by_its_caption_in_any_case() {
        for (id, caption) in ACTIVITIES {
            let found = EntityManagementActivity::from_caption(&caption.to_uppercase());
            assert_eq!((found.id(), found.caption()), (id, caption));
        }
        assert_eq!(EntityManagementActivity::Unknown.id(), 0);
    }

    #[test]
    fn the_type_follows_the_activity() {
        let event = EntityManagement::new(
            &EntityManagementActivity::Other("Login".into()),
            None,
            Metadata::default(),
            ManagedEntity::default(),
        );
        assert_eq!(
            (event.base.type_uid, event.base.type_name.as_str()),
            (300_499, "Entity Management: Other")
        );
        assert_eq!(event.base.activity_name, "Login");
    }
}
