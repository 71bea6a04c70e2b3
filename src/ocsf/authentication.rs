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

    /// Sets `auth_protocol_id` and `auth_protocol` from the vendor's word for the method:
    /// the protocols OCSF names by their usual spellings, any other word as Other (99).
    pub(crate) fn protocol(&mut self, method: &str) {
        const KNOWN: [(i32, &str, &[&str]); 5] = [
            (2, "Kerberos", &["kerberos"]),
            (4, "OpenID", &["oidc", "openid", "openid connect"]),
            (5, "SAML", &["saml", "saml2"]),
            (6, "OAUTH 2.0", &["oauth", "oauth2", "oauth 2.0"]),
            (12, "LDAP", &["ldap"]),
        ];
        let known = KNOWN.iter().find(|(_, _, words)| {
            words.iter().any(|word| word.eq_ignore_ascii_case(method.trim()))
        });
        let (id, caption) = known.map_or((99, method), |(id, caption, _)| (*id, *caption));
        self.auth_protocol_id = Some(id);
        self.auth_protocol = Some(caption.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_protocol_gets_its_id_and_another_word_is_other() {
        let mut event = Authentication::new(
            AuthenticationActivity::Logon,
            None,
            Metadata::default(),
            User::default(),
        );
        event.protocol("SAML");
        assert_eq!(
            (event.auth_protocol_id, event.auth_protocol.as_deref()),
            (Some(5), Some("SAML"))
        );
        event.protocol("BASIC");
        assert_eq!(
            (event.auth_protocol_id, event.auth_protocol.as_deref()),
            (Some(99), Some("BASIC"))
        );
    }
}
