//! The descriptors of Qualtrics audit events, and the activity types, as the API sends them.
//!
//! Every descriptor field may be null or missing, so every field is an `Option`; fields
//! this SDK does not know yet are kept in `other`, so an archive loses nothing.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

open_model! {
    /// Where a request came from, by IP geolocation.
    pub struct Location {
        /// ISO country code.
        pub country_code: Option<String> = "countryCode",
        /// Region or state.
        pub region: Option<String> = "region",
        /// City.
        pub city: Option<String> = "city",
        /// Postal code.
        pub postal_code: Option<String> = "postalCode",
        /// Latitude in degrees.
        pub latitude: Option<f64> = "latitude",
        /// Longitude in degrees.
        pub longitude: Option<f64> = "longitude",
        /// Nielsen DMA code.
        pub dma_code: Option<i64> = "dmaCode",
        /// Telephone area code.
        pub area_code: Option<i64> = "areaCode",
        /// Metro code.
        pub metro_code: Option<i64> = "metroCode",
    }
}

open_model! {
    /// How a user authenticated.
    pub struct Authentication {
        /// `BASIC`, `SSO`, …
        pub method: Option<String> = "method",
        /// The method's version.
        pub method_version: Option<String> = "methodVersion",
        /// The second factor, if any; its shape is undocumented, so it is kept as JSON.
        pub second_factor: Option<Value> = "secondFactor",
    }
}

open_model! {
    /// The browser and device of a login.
    pub struct Platform {
        /// Browser name.
        pub user_agent: Option<String> = "userAgent",
        /// Browser version.
        pub user_agent_version: Option<String> = "userAgentVersion",
        /// Operating system.
        pub operating_system: Option<String> = "operatingSystem",
        /// Operating system version.
        pub operating_system_version: Option<String> = "operatingSystemVersion",
        /// Device family.
        pub device_family: Option<String> = "deviceFamily",
    }
}

open_model! {
    /// A login attempt (activity type `logins`).
    pub struct LoginDescriptor {
        /// The user's id (`UR_…`).
        pub user_id: Option<String> = "userId",
        /// The user name.
        pub username: Option<String> = "username",
        /// The brand (organization) id.
        pub brand_id: Option<String> = "brandId",
        /// The session the login opened.
        pub session_id: Option<String> = "sessionId",
        /// Whether the login succeeded.
        pub is_successful: Option<bool> = "isSuccessful",
        /// Why it failed.
        pub failure_reason: Option<String> = "failureReason",
        /// Whether an administrator logged in as this user.
        pub is_proxy_login: Option<bool> = "isProxyLogin",
        /// Details of a proxy login; undocumented shape, kept as JSON.
        pub proxy_details: Option<Value> = "proxyDetails",
        /// The product logged into (`ControlPanel`, …).
        pub product: Option<String> = "product",
        /// The login URL.
        pub url: Option<String> = "url",
        /// The client's IP address.
        pub ip_address: Option<String> = "ipAddress",
        /// The client's location.
        pub location: Option<Location> = "location",
        /// How the user authenticated.
        pub authentication: Option<Authentication> = "authentication",
        /// Browser and device.
        pub platform: Option<Platform> = "platform",
    }
}

open_model! {
    /// A session opened or closed (activity types `session_creations` and
    /// `session_terminations`).
    pub struct SessionDescriptor {
        /// The user's id.
        pub user_id: Option<String> = "userId",
        /// The brand (organization) id.
        pub brand_id: Option<String> = "brandId",
        /// The session id.
        pub session_id: Option<String> = "sessionId",
        /// When the session ended (terminations).
        pub termination_timestamp: Option<DateTime<Utc>> = "terminationTimestamp" [tolerant],
        /// The client's IP address.
        pub ip_address: Option<String> = "ipAddress",
        /// The client's location.
        pub location: Option<Location> = "location",
    }
}

open_model! {
    /// A password reset (activity type `password_resets`).
    pub struct PasswordResetDescriptor {
        /// The user whose password was reset.
        pub user_id: Option<String> = "userId",
        /// The brand (organization) id.
        pub brand_id: Option<String> = "brandId",
        /// The administrator who reset it, if not the user.
        pub agent_user_id: Option<String> = "agentUserId",
        /// The administrator's session.
        pub agent_session_id: Option<String> = "agentSessionId",
        /// Why it was reset.
        pub reason: Option<String> = "reason",
        /// The client's IP address.
        pub ip_address: Option<String> = "ipAddress",
        /// The client's location.
        pub location: Option<Location> = "location",
        /// The password rules in force.
        pub validation_rules: Option<ValidationRules> = "validationRules",
    }
}

open_model! {
    /// Password rules in force at a reset.
    pub struct ValidationRules {
        /// Days before a password must change.
        pub max_password_age_days: Option<i64> = "maxPasswordAgeDays",
        /// Minimum length.
        pub min_password_length: Option<i64> = "minPasswordLength",
    }
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
