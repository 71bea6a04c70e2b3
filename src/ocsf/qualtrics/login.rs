//! Logins as Authentication Logon.

use super::parts::{always_placed, destination, metadata, service, source, user};
use crate::{
    ocsf::{Authentication, AuthenticationActivity, OcsfEvent, Session, ToOcsf},
    qualtrics::{Event, Logins},
};

/// A login as Authentication Logon; see the module's table.
///
/// ```
/// use auditkit::{ocsf, qualtrics};
///
/// let login: qualtrics::Event<qualtrics::Logins> = serde_json::from_str(
///     r#"{"id": "e-1", "descriptor": {"userId": "UR_1", "isSuccessful": true, "newField": 1}}"#,
/// )?;
/// let logon = ocsf::qualtrics::logon(&login);
/// assert_eq!(logon.user.uid.as_deref(), Some("UR_1"));
/// assert_eq!(logon.base.status_id, 1);
/// assert_eq!(logon.base.unmapped.as_ref().map(|rest| &rest["descriptor"]["newField"]), Some(&1.into()));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn logon(event: &Event<Logins>) -> Authentication {
    let login = &event.descriptor;
    let brand = login.brand_id.as_ref();
    let mut logon = Authentication::new(
        AuthenticationActivity::Logon,
        event.timestamp,
        metadata(event, brand),
        user(login.user_id.clone(), login.username.clone(), brand),
    );
    logon.base.succeeded(login.is_successful);
    logon.base.status_detail.clone_from(&login.failure_reason);
    logon.session = login.session_id.clone().map(Session::new);
    logon.service = Some(service(login.product.clone()));
    logon.dst_endpoint = destination(event);
    let mut placed = always_placed(event);
    placed.extend::<[&[&str]; 8]>([
        &["source"],
        &["descriptor", "userId"],
        &["descriptor", "username"],
        &["descriptor", "sessionId"],
        &["descriptor", "isSuccessful"],
        &["descriptor", "failureReason"],
        &["descriptor", "product"],
        &["descriptor", "ipAddress"],
    ]);
    if let Some(authentication) = &login.authentication {
        let version = authentication.method_version.as_deref();
        if let Some(method) = &authentication.method
            && logon.protocol(method, version)
        {
            placed.push(&["descriptor", "authentication", "method"]);
        }
        logon.is_mfa = Some(authentication.second_factor.is_some());
    }
    logon.base.src_endpoint =
        source(login.ip_address.clone(), login.location.as_ref(), &mut placed);
    logon.base.keep_unmapped(event, &placed);
    logon
}

impl ToOcsf for Event<Logins> {
    /// [`logon`].
    fn to_ocsf(&self) -> OcsfEvent {
        logon(self).into()
    }
}
