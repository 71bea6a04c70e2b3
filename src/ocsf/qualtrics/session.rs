//! Session creations as Authentication Logon, terminations as Logoff.

use chrono::{DateTime, Utc};

use super::parts::{always_placed, destination, metadata, service, source, user};
use crate::{
    ocsf::{Authentication, AuthenticationActivity, OcsfEvent, Session, ToOcsf},
    qualtrics::{ActivityType, Event, SessionCreations, SessionDescriptor, SessionTerminations},
};

/// A session creation as Authentication Logon, successful (the session exists); see the
/// module's table.
///
/// ```
/// use auditkit::{ocsf, qualtrics};
///
/// let opened: qualtrics::Event<qualtrics::SessionCreations> = serde_json::from_str(
///     r#"{"id": "e-4", "timestamp": "2020-11-13T19:00:00Z", "descriptor": {"userId": "UR_1", "sessionId": "s-1"}}"#,
/// )?;
/// let logon = ocsf::qualtrics::session_logon(&opened);
/// assert_eq!((logon.base.activity_id, logon.base.status_id), (1, 1));
/// assert_eq!(logon.base.metadata.log_name.as_deref(), Some("session_creations"));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn session_logon(event: &Event<SessionCreations>) -> Authentication {
    let mut placed = always_placed(event);
    let mut logon = session(event, AuthenticationActivity::Logon, event.timestamp, &mut placed);
    logon.base.succeeded(Some(true));
    logon.base.keep_unmapped(event, &placed);
    logon
}

/// A session termination as Authentication Logoff; see the module's table.
///
/// ```
/// use auditkit::{ocsf, qualtrics};
///
/// let ended: qualtrics::Event<qualtrics::SessionTerminations> = serde_json::from_str(
///     r#"{"id": "e-2", "timestamp": "2020-11-13T20:00:00Z", "descriptor": {"userId": "UR_1", "sessionId": "s-1"}}"#,
/// )?;
/// let logoff = ocsf::qualtrics::logoff(&ended);
/// assert_eq!(logoff.base.activity_id, 2);
/// assert_eq!(logoff.session.and_then(|session| session.uid).as_deref(), Some("s-1"));
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// When the event has no `timestamp`, `terminationTimestamp` is its time.
pub fn logoff(event: &Event<SessionTerminations>) -> Authentication {
    let mut placed = always_placed(event);
    let at = match (event.timestamp, event.descriptor.termination_timestamp) {
        (None, Some(ended)) => {
            placed.push(&["descriptor", "terminationTimestamp"]);
            Some(ended)
        }
        (at, _) => at,
    };
    let mut logoff = session(event, AuthenticationActivity::Logoff, at, &mut placed);
    logoff.base.keep_unmapped(event, &placed);
    logoff
}

/// A session event of `A` as `activity` at `at`: what session creations and terminations
/// share (the user, the session, the endpoints).
fn session<A: ActivityType<Descriptor = SessionDescriptor>>(
    event: &Event<A>,
    activity: AuthenticationActivity,
    at: Option<DateTime<Utc>>,
    placed: &mut Vec<&'static [&'static str]>,
) -> Authentication {
    let session = &event.descriptor;
    let brand = session.brand_id.as_ref();
    let mut mapped = Authentication::new(
        activity,
        at,
        metadata(event, brand),
        user(session.user_id.clone(), None, brand),
    );
    mapped.session = session.session_id.clone().map(Session::new);
    mapped.service = Some(service(None));
    mapped.dst_endpoint = destination(event);
    placed.extend::<[&[&str]; 4]>([
        &["source"],
        &["descriptor", "userId"],
        &["descriptor", "sessionId"],
        &["descriptor", "ipAddress"],
    ]);
    mapped.base.src_endpoint =
        source(session.ip_address.clone(), session.location.as_ref(), placed);
    mapped
}

impl ToOcsf for Event<SessionCreations> {
    /// [`session_logon`].
    fn to_ocsf(&self) -> OcsfEvent {
        session_logon(self).into()
    }
}

impl ToOcsf for Event<SessionTerminations> {
    /// [`logoff`].
    fn to_ocsf(&self) -> OcsfEvent {
        logoff(self).into()
    }
}
