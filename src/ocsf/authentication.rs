//! Authentication (`class_uid` 3002): logons and logoffs.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{BaseEvent, Metadata, NetworkEndpoint, Service, Session, User, base::Class};

const CLASS: Class = Class { uid: 3002, caption: "Authentication" };

/// What an [`Authentication`] event reports (`activity_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthenticationActivity {
    /// 1: a new logon session was requested.
    Logon,
    /// 2: a logon session was terminated.
    Logoff,
}

impl AuthenticationActivity {
    /// The `activity_id`.
    ///
    /// ```
    /// assert_eq!(auditkit::ocsf::AuthenticationActivity::Logoff.id(), 2);
    /// ```
    pub const fn id(self) -> i32 {
        match self {
            Self::Logon => 1,
            Self::Logoff => 2,
        }
    }

    /// The schema's caption (`activity_name`).
    ///
    /// ```
    /// assert_eq!(auditkit::ocsf::AuthenticationActivity::Logon.caption(), "Logon");
    /// ```
    pub const fn caption(self) -> &'static str {
        match self {
            Self::Logon => "Logon",
            Self::Logoff => "Logoff",
        }
    }
}

/// An OCSF Authentication event (3002): a user's attempt to log on or off.
///
/// ```
/// use auditkit::ocsf::{Authentication, AuthenticationActivity, Metadata, User};
///
/// let event = Authentication::new(
///     AuthenticationActivity::Logon,
///     None,
///     Metadata::new("Qualtrics", "Qualtrics"),
///     User::identified(Some("UR_1".into()), None),
/// );
/// assert_eq!(event.base.type_uid, 300_201);
/// ```
///
/// OCSF asks for `service` or `dst_endpoint`: the mappings always set `service`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Authentication {
    /// The attributes every event carries.
    #[serde(flatten)]
    pub base: BaseEvent,
    /// The user who authenticates (required).
    pub user: User,
    /// The service authenticated to.
    pub service: Option<Service>,
    /// The host that took the request.
    pub dst_endpoint: Option<NetworkEndpoint>,
    /// The session the logon opened or the logoff closed.
    pub session: Option<Session>,
    /// The protocol: `0` Unknown, `4` OpenID, `5` SAML, `6` OAUTH 2.0, `99` Other, ….
    pub auth_protocol_id: Option<i32>,
    /// The protocol's caption, or the vendor's word for an Other protocol.
    pub auth_protocol: Option<String>,
    /// Whether a second factor was used.
    pub is_mfa: Option<bool>,
}

impl Authentication {
    /// An event of `activity` by `user` at `at` (see [`BaseEvent`] for a missing time).
    ///
    /// See [`Authentication`] for an example.
    pub fn new(
        activity: AuthenticationActivity,
        at: Option<DateTime<Utc>>,
        metadata: Metadata,
        user: User,
    ) -> Self {
        Self {
            base: BaseEvent::new(CLASS, (activity.id(), activity.caption()), at, metadata),
            user,
            service: None,
            dst_endpoint: None,
            session: None,
            auth_protocol_id: None,
            auth_protocol: None,
            is_mfa: None,
        }
    }

    /// Sets `auth_protocol_id` and `auth_protocol` from the vendor's word for the method
    /// and its version: the protocols OCSF 1.8.0 names, by their usual spellings, in the
    /// method (`BASIC`, `SAML`, `OIDC`) or, for a method that only says single sign-on
    /// (`SSO`), in its version (`SAML2`); any other word is Other (99) with the word kept
    /// as `auth_protocol`. Returns whether `auth_protocol` holds the method word itself or
    /// its protocol (so the method is placed); `false` when the protocol came from the
    /// version, and the method (`SSO`) is the mapping's to keep in `unmapped`.
    pub(crate) fn protocol(&mut self, method: &str, version: Option<&str>) -> bool {
        let from_version = || {
            let sso =
                ["sso", "single sign-on"].iter().any(|w| w.eq_ignore_ascii_case(method.trim()));
            sso.then(|| version.and_then(known_protocol)).flatten()
        };
        let (id, caption, placed) = match known_protocol(method) {
            Some((id, caption)) => (id, caption, true),
            None => match from_version() {
                Some((id, caption)) => (id, caption, false),
                None => (99, method, true),
            },
        };
        self.auth_protocol_id = Some(id);
        self.auth_protocol = Some(caption.to_owned());
        placed
    }
}

/// The OCSF 1.8.0 `auth_protocol_id` and caption a vendor word names, if any.
fn known_protocol(word: &str) -> Option<(i32, &'static str)> {
    const KNOWN: [(i32, &str, &[&str]); 6] = [
        (2, "Kerberos", &["kerberos"]),
        (4, "OpenID", &["oidc", "openid", "openid connect"]),
        (5, "SAML", &["saml", "saml2", "saml 2.0"]),
        (6, "OAUTH 2.0", &["oauth", "oauth2", "oauth 2.0"]),
        // A user name and password checked by the service (Qualtrics' `BASIC`).
        (11, "Basic Authentication", &["basic", "basic authentication"]),
        (12, "LDAP", &["ldap"]),
    ];
    let word = word.trim();
    KNOWN
        .iter()
        .find(|(_, _, words)| words.iter().any(|known| known.eq_ignore_ascii_case(word)))
        .map(|(id, caption, _)| (*id, *caption))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn protocol(method: &str, version: Option<&str>) -> (Option<i32>, Option<String>, bool) {
        let mut event = Authentication::new(
            AuthenticationActivity::Logon,
            None,
            Metadata::default(),
            User::default(),
        );
        let placed = event.protocol(method, version);
        (event.auth_protocol_id, event.auth_protocol, placed)
    }

    #[test]
    fn a_named_protocol_gets_its_id_and_another_word_is_other() {
        assert_eq!(protocol("SAML", None), (Some(5), Some("SAML".into()), true));
        assert_eq!(protocol(" oidc ", None), (Some(4), Some("OpenID".into()), true));
        assert_eq!(protocol("Magic", Some("SAML2")), (Some(99), Some("Magic".into()), true));
    }

    #[test]
    fn basic_is_basic_authentication_11_in_ocsf_1_8_0() {
        assert_eq!(protocol("BASIC", None), (Some(11), Some("Basic Authentication".into()), true));
    }

    #[test]
    fn single_sign_on_takes_its_protocol_from_the_version_and_leaves_the_method_unplaced() {
        assert_eq!(protocol("SSO", Some("SAML2")), (Some(5), Some("SAML".into()), false));
        assert_eq!(protocol("sso", Some("OIDC")), (Some(4), Some("OpenID".into()), false));
        // A version that names no protocol says nothing more than the method: Other, `SSO`.
        assert_eq!(protocol("SSO", Some("v7")), (Some(99), Some("SSO".into()), true));
        assert_eq!(protocol("SSO", None), (Some(99), Some("SSO".into()), true));
    }
}
