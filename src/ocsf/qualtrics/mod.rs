//! Qualtrics events as OCSF, one mapping per activity type, each a [`ToOcsf`](super::ToOcsf) impl (and a
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
//! | `descriptor.authentication.method`, `.methodVersion` | `auth_protocol_id`, `auth_protocol`: the method by name (`BASIC` is Basic Authentication, 11; `SAML`, `OIDC`, …), or for `SSO` the protocol its version names (`SAML2` is SAML, 5; the method and version then stay in `unmapped`); any other word is Other (99) with the word kept |
//! | `descriptor.authentication` present | `is_mfa`: whether `secondFactor` is non-null |
//! | `descriptor.ipAddress` | `src_endpoint.ip` |
//! | `descriptor.location.countryCode`, `.region`, `.city`, `.postalCode`, `.latitude`, `.longitude` | `src_endpoint.location.country`, `.region`, `.city`, `.postal_code`, `.lat`, `.long` |
//! | `descriptor.agentUserId`, `.agentSessionId` (resets) | `actor.user.uid`, `actor.session.uid` |
//!
//! Everything else (`datacenter`, `isProxyLogin`, `url`, `platform`, `reason`,
//! `validationRules`, the location's `dmaCode`, …, and unknown fields) stays in
//! `unmapped` at its place in the event, e.g. `unmapped.descriptor.platform.userAgent`.

mod login;
mod parts;
mod password_reset;
mod session;

pub use login::logon;
pub use password_reset::password_reset;
pub use session::{logoff, session_logon};
