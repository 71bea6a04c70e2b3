//! Password resets as Account Change Password Reset.

use super::parts::{always_placed, metadata, source, user};
use crate::{
    ocsf::{AccountChange, AccountChangeActivity, Actor, OcsfEvent, Session, ToOcsf},
    qualtrics::{Event, PasswordResets},
};

/// A password reset as Account Change Password Reset; see the module's table.
///
/// ```
/// use auditkit::{ocsf, qualtrics};
///
/// let reset: qualtrics::Event<qualtrics::PasswordResets> = serde_json::from_str(
///     r#"{"id": "e-3", "descriptor": {"userId": "UR_1", "agentUserId": "UR_admin", "reason": "expired"}}"#,
/// )?;
/// let change = ocsf::qualtrics::password_reset(&reset);
/// assert_eq!(change.user.uid.as_deref(), Some("UR_1"));
/// let agent = change.base.actor.and_then(|actor| actor.user).and_then(|user| user.uid);
/// assert_eq!(agent.as_deref(), Some("UR_admin"));
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// The user whose password was reset is `user`; the administrator who reset it, when
/// Qualtrics names one, is `actor`. Qualtrics does not say whether the reset succeeded:
/// the status is Unknown.
pub fn password_reset(event: &Event<PasswordResets>) -> AccountChange {
    let reset = &event.descriptor;
    let brand = reset.brand_id.as_ref();
    let mut change = AccountChange::new(
        AccountChangeActivity::PasswordReset,
        event.timestamp,
        metadata(event, brand),
        user(reset.user_id.clone(), None, brand),
    );
    let agent = Actor {
        user: reset.agent_user_id.clone().map(|agent| user(Some(agent), None, brand)),
        session: reset.agent_session_id.clone().map(Session::new),
    };
    change.base.actor = (agent != Actor::default()).then_some(agent);
    let mut placed = always_placed(event);
    placed.extend::<[&[&str]; 4]>([
        &["descriptor", "userId"],
        &["descriptor", "agentUserId"],
        &["descriptor", "agentSessionId"],
        &["descriptor", "ipAddress"],
    ]);
    change.base.src_endpoint =
        source(reset.ip_address.clone(), reset.location.as_ref(), &mut placed);
    change.base.keep_unmapped(event, &placed);
    change
}

impl ToOcsf for Event<PasswordResets> {
    /// [`password_reset`].
    fn to_ocsf(&self) -> OcsfEvent {
        password_reset(self).into()
    }
}
