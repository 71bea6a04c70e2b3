//! Account Change (`class_uid` 3001): changes to a user account.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{BaseEvent, Metadata, User, base::Class};

const CLASS: Class = Class { uid: 3001, caption: "Account Change" };

/// What an [`AccountChange`] event reports (`activity_id`); the activities this crate maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AccountChangeActivity {
    /// 3: an attempt to change a user account's password.
    PasswordChange,
    /// 4: an attempt to reset a user account's password.
    PasswordReset,
}

impl AccountChangeActivity {
    /// The `activity_id`.
    ///
    /// ```
    /// assert_eq!(auditkit::ocsf::AccountChangeActivity::PasswordReset.id(), 4);
    /// ```
    pub const fn id(self) -> i32 {
        match self {
            Self::PasswordChange => 3,
            Self::PasswordReset => 4,
        }
    }

    /// The schema's caption (`activity_name`).
    ///
    /// ```
    /// assert_eq!(auditkit::ocsf::AccountChangeActivity::PasswordReset.caption(), "Password Reset");
    /// ```
    pub const fn caption(self) -> &'static str {
        match self {
            Self::PasswordChange => "Password Change",
            Self::PasswordReset => "Password Reset",
        }
    }
}

/// An OCSF Account Change event (3001): a user account was changed.
///
/// ```
/// use auditkit::ocsf::{AccountChange, AccountChangeActivity, Metadata, User};
///
/// let event = AccountChange::new(
///     AccountChangeActivity::PasswordReset,
///     None,
///     Metadata::new("Qualtrics", "Qualtrics"),
///     User::identified(Some("UR_1".into()), None),
/// );
/// assert_eq!(event.base.type_uid, 300_104);
/// ```
///
/// The user whose account changed is `user`; whoever changed it is `base.actor`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AccountChange {
    /// The attributes every event carries.
    #[serde(flatten)]
    pub base: BaseEvent,
    /// The user whose account changed (required).
    pub user: User,
}

impl AccountChange {
    /// An event of `activity` on `user`'s account at `at` (see [`BaseEvent`] for a
    /// missing time).
    ///
    /// See [`AccountChange`] for an example.
    pub fn new(
        activity: AccountChangeActivity,
        at: Option<DateTime<Utc>>,
        metadata: Metadata,
        user: User,
    ) -> Self {
        Self {
            base: BaseEvent::new(CLASS, (activity.id(), activity.caption()), at, metadata),
            user,
        }
    }
}
