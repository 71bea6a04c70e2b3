//! Qualtrics events as OCSF, one mapping per activity type, each a [`ToOcsf`] impl (and a
//! function returning the class itself): logins and session creations as Authentication
//! Logon, session terminations as Authentication Logoff, password resets as Account
//! Change Password Reset. [`Raw`](crate::qualtrics::Raw) events have no mapping: their
//! activity type is known only at run time.
//!
//! | Qualtrics field | OCSF attribute |
//! |---|---|
//! | `id` | `metadata.uid` |
//! | `timestamp` | `time` (epoch ms) |
//! | activity type (`logins`, …) | `metadata.log_name` |
//! | `source` | `dst_endpoint.hostname` (Authentication) |
//! | `descriptor.userId`, `.username` | `user.uid`, `user.name` |
//! | `descriptor.brandId` | `user.org.uid` and `metadata.tenant_uid` |
//! | `descriptor.sessionId` | `session.uid` |
//! | `descriptor.terminationTimestamp` (terminations) | `time`, when `timestamp` is missing |
//! | `descriptor.isSuccessful` (logins) | `status_id` 1 Success / 2 Failure (0 Unknown when absent); a session creation is a Success |
//! | `descriptor.failureReason` | `status_detail` |
//! | `descriptor.product` | `service.name` (`"Qualtrics"` when absent) |
//! | `descriptor.authentication.method` | `auth_protocol_id`, `auth_protocol` (SAML, OIDC, … by name; `BASIC`, a password, is Other) |
//! | `descriptor.authentication` present | `is_mfa`: whether `secondFactor` is non-null |
//! | `descriptor.ipAddress` | `src_endpoint.ip` |
//! | `descriptor.location.countryCode`, `.region`, `.city`, `.postalCode`, `.latitude`, `.longitude` | `src_endpoint.location.country`, `.region`, `.city`, `.postal_code`, `.lat`, `.long` |
//! | `descriptor.agentUserId`, `.agentSessionId` (resets) | `actor.user.uid`, `actor.session.uid` |
//!
//! Everything else (`datacenter`, `isProxyLogin`, `url`, `platform`, `reason`,
//! `validationRules`, the location's `dmaCode`, …, and unknown fields) stays in
//! `unmapped` at its place in the event, e.g. `unmapped.descriptor.platform.userAgent`.

use super::{
    AccountChange, AccountChangeActivity, Actor, Authentication, AuthenticationActivity, Location,
    Metadata, NetworkEndpoint, OcsfEvent, Organization, Service, Session, ToOcsf, User,
};
use crate::qualtrics::{
    self as vendor, ActivityType, Event, Logins, PasswordResets, SessionCreations,
    SessionDescriptor, SessionTerminations,
};

const PRODUCT: &str = "Qualtrics";

/// The fields every Qualtrics mapping places.
const EVENT: [&[&str]; 2] = [&["id"], &["descriptor", "brandId"]];

/// The location's fields, placed when the location is.
const LOCATION: [&[&str]; 6] = [
    &["descriptor", "location", "countryCode"],
    &["descriptor", "location", "region"],
    &["descriptor", "location", "city"],
    &["descriptor", "location", "postalCode"],
    &["descriptor", "location", "latitude"],
    &["descriptor", "location", "longitude"],
];

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
    placed.extend::<[&[&str]; 9]>([
        &["source"],
        &["descriptor", "userId"],
        &["descriptor", "username"],
        &["descriptor", "sessionId"],
        &["descriptor", "isSuccessful"],
        &["descriptor", "failureReason"],
        &["descriptor", "product"],
        &["descriptor", "authentication", "method"],
        &["descriptor", "ipAddress"],
    ]);
    if let Some(authentication) = &login.authentication {
        if let Some(method) = &authentication.method {
            logon.protocol(method);
        }
        logon.is_mfa = Some(authentication.second_factor.is_some());
    }
    logon.base.src_endpoint =
        source(login.ip_address.clone(), login.location.as_ref(), &mut placed);
    logon.base.keep_unmapped(event, &placed);
    logon
}

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
    at: Option<chrono::DateTime<chrono::Utc>>,
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

impl ToOcsf for Event<Logins> {
    /// [`logon`].
    fn to_ocsf(&self) -> OcsfEvent {
        logon(self).into()
    }
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

impl ToOcsf for Event<PasswordResets> {
    /// [`password_reset`].
    fn to_ocsf(&self) -> OcsfEvent {
        password_reset(self).into()
    }
}

/// The fields every mapping places: the timestamp only when it was read, so a
/// timestamp kept as the vendor sent it stays in `unmapped`.
fn always_placed<A: ActivityType>(event: &Event<A>) -> Vec<&'static [&'static str]> {
    let mut placed = EVENT.to_vec();
    if event.timestamp.is_some() {
        placed.push(&["timestamp"]);
    }
    placed
}

fn metadata<A: ActivityType>(event: &Event<A>, brand: Option<&String>) -> Metadata {
    let mut metadata = Metadata::new(PRODUCT, PRODUCT);
    metadata.uid = Some(event.id.clone());
    metadata.log_name = Some(A::NAME.to_owned());
    metadata.tenant_uid = brand.cloned();
    metadata
}

fn user(uid: Option<String>, name: Option<String>, brand: Option<&String>) -> User {
    let mut user = User::identified(uid, name);
    user.org =
        brand.map(|brand| Organization { uid: Some(brand.clone()), ..Organization::default() });
    user
}

fn service(product: Option<String>) -> Service {
    Service { name: Some(product.unwrap_or_else(|| PRODUCT.to_owned())) }
}

fn destination<A: ActivityType>(event: &Event<A>) -> Option<NetworkEndpoint> {
    let hostname = event.source.clone();
    NetworkEndpoint { hostname, ..NetworkEndpoint::default() }.known()
}

/// The client's endpoint. OCSF's location needs a city, country, region or postal code:
/// coordinates alone stay in `unmapped`.
fn source(
    ip: Option<String>,
    location: Option<&vendor::Location>,
    placed: &mut Vec<&[&str]>,
) -> Option<NetworkEndpoint> {
    let location = location
        .filter(|at| {
            at.city.is_some()
                || at.country_code.is_some()
                || at.region.is_some()
                || at.postal_code.is_some()
        })
        .map(|at| {
            placed.extend(LOCATION);
            Location {
                city: at.city.clone(),
                country: at.country_code.clone(),
                region: at.region.clone(),
                postal_code: at.postal_code.clone(),
                lat: at.latitude,
                long: at.longitude,
            }
        });
    NetworkEndpoint { ip, hostname: None, location }.known()
}
