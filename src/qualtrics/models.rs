//! Qualtrics audit events and their descriptors, as the API sends them.
//!
//! Every descriptor field may be null or missing, so every field is an `Option`; fields
//! this SDK does not know yet are kept in `other`, so an archive loses nothing.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use serde_with::serde_as;

use crate::datetime::Tolerant;

/// One audit event. `D` is the descriptor type of the activity type asked for (see
/// [`ActivityType`](super::ActivityType)); the element itself does not name its type.
#[serde_as]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "D: Deserialize<'de> + Default"))]
#[non_exhaustive]
pub struct Event<D> {
    /// The event's identifier.
    pub id: String,
    /// When it happened.
    #[serde_as(as = "Option<Tolerant>")]
    #[serde(default)]
    pub timestamp: Option<DateTime<Utc>>,
    /// The Qualtrics datacenter that recorded it (`ST3`, …).
    #[serde(default)]
    pub datacenter: Option<String>,
    /// The host or service that recorded it.
    #[serde(default)]
    pub source: Option<String>,
    /// What happened, shaped by the activity type.
    #[serde(default)]
    pub descriptor: D,
}

/// Where a request came from, by IP geolocation.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Location {
    /// ISO country code.
    pub country_code: Option<String>,
    /// Region or state.
    pub region: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Latitude in degrees.
    pub latitude: Option<f64>,
    /// Longitude in degrees.
    pub longitude: Option<f64>,
    /// Nielsen DMA code.
    pub dma_code: Option<i64>,
    /// Telephone area code.
    pub area_code: Option<i64>,
    /// Metro code.
    pub metro_code: Option<i64>,
    /// Fields this SDK does not know yet.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// How a user authenticated.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Authentication {
    /// `BASIC`, `SSO`, …
    pub method: Option<String>,
    /// The method's version.
    pub method_version: Option<String>,
    /// The second factor, if any; its shape is undocumented, so it is kept as JSON.
    pub second_factor: Option<Value>,
    /// Fields this SDK does not know yet.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// The browser and device of a login.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Platform {
    /// Browser name.
    pub user_agent: Option<String>,
    /// Browser version.
    pub user_agent_version: Option<String>,
    /// Operating system.
    pub operating_system: Option<String>,
    /// Operating system version.
    pub operating_system_version: Option<String>,
    /// Device family.
    pub device_family: Option<String>,
    /// Fields this SDK does not know yet.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// A login attempt (activity type `logins`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LoginDescriptor {
    /// The user's id (`UR_…`).
    pub user_id: Option<String>,
    /// The user name.
    pub username: Option<String>,
    /// The brand (organization) id.
    pub brand_id: Option<String>,
    /// The session the login opened.
    pub session_id: Option<String>,
    /// Whether the login succeeded.
    pub is_successful: Option<bool>,
    /// Why it failed.
    pub failure_reason: Option<String>,
    /// Whether an administrator logged in as this user.
    pub is_proxy_login: Option<bool>,
    /// Details of a proxy login; undocumented shape, kept as JSON.
    pub proxy_details: Option<Value>,
    /// The product logged into (`ControlPanel`, …).
    pub product: Option<String>,
    /// The login URL.
    pub url: Option<String>,
    /// The client's IP address.
    pub ip_address: Option<String>,
    /// The client's location.
    pub location: Option<Location>,
    /// How the user authenticated.
    pub authentication: Option<Authentication>,
    /// Browser and device.
    pub platform: Option<Platform>,
    /// Fields this SDK does not know yet.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// A session opened or closed (activity types `session_creations` and
/// `session_terminations`).
#[serde_as]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SessionDescriptor {
    /// The user's id.
    pub user_id: Option<String>,
    /// The brand (organization) id.
    pub brand_id: Option<String>,
    /// The session id.
    pub session_id: Option<String>,
    /// When the session ended (terminations).
    #[serde_as(as = "Option<Tolerant>")]
    #[serde(default)]
    pub termination_timestamp: Option<DateTime<Utc>>,
    /// The client's IP address.
    pub ip_address: Option<String>,
    /// The client's location.
    pub location: Option<Location>,
    /// Fields this SDK does not know yet.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// A password reset (activity type `password_resets`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PasswordResetDescriptor {
    /// The user whose password was reset.
    pub user_id: Option<String>,
    /// The brand (organization) id.
    pub brand_id: Option<String>,
    /// The administrator who reset it, if not the user.
    pub agent_user_id: Option<String>,
    /// The administrator's session.
    pub agent_session_id: Option<String>,
    /// Why it was reset.
    pub reason: Option<String>,
    /// The client's IP address.
    pub ip_address: Option<String>,
    /// The client's location.
    pub location: Option<Location>,
    /// The password rules in force.
    pub validation_rules: Option<ValidationRules>,
    /// Fields this SDK does not know yet.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// Password rules in force at a reset.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ValidationRules {
    /// Days before a password must change.
    pub max_password_age_days: Option<i64>,
    /// Minimum length.
    pub min_password_length: Option<i64>,
    /// The other rules, as Qualtrics sends them.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// An activity type and the filters it accepts (`GET /logs/activitytypes`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ActivityTypeInfo {
    /// The wire name to pass to [`list_events_raw`](super::Service::list_events_raw).
    pub name: String,
    /// Query filters beyond the time window that this type accepts (`userId`, …).
    #[serde(default)]
    pub additional_filters: Vec<String>,
}
