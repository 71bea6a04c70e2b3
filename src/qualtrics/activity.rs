//! Activity types as types, so each one's descriptor is typed.

use serde::de::DeserializeOwned;

use super::{LoginDescriptor, PasswordResetDescriptor, SessionDescriptor};

/// A Qualtrics activity type: its wire name and the shape of its events' descriptor.
///
/// Pass one to [`Service::list_events`](super::Service::list_events). For a type this SDK
/// does not describe, use [`list_events_raw`](super::Service::list_events_raw), or
/// implement this trait with your own descriptor type:
///
/// ```
/// use auditkit::qualtrics::ActivityType;
///
/// #[derive(Debug, Default, serde::Deserialize)]
/// #[serde(rename_all = "camelCase")]
/// struct BrandChange {
///     brand_id: Option<String>,
/// }
///
/// struct Brands;
/// impl ActivityType for Brands {
///     const NAME: &'static str = "brands";
///     type Descriptor = BrandChange;
/// }
/// ```
pub trait ActivityType {
    /// The `activityType` query value.
    const NAME: &'static str;
    /// The descriptor of its events. `Default` stands in for a null descriptor.
    type Descriptor: DeserializeOwned + Default + Send + 'static;
}

/// Logins (`logins`).
#[derive(Debug, Clone, Copy)]
pub struct Logins;

impl ActivityType for Logins {
    const NAME: &'static str = "logins";
    type Descriptor = LoginDescriptor;
}

/// Sessions opened (`session_creations`).
#[derive(Debug, Clone, Copy)]
pub struct SessionCreations;

impl ActivityType for SessionCreations {
    const NAME: &'static str = "session_creations";
    type Descriptor = SessionDescriptor;
}

/// Sessions closed (`session_terminations`).
#[derive(Debug, Clone, Copy)]
pub struct SessionTerminations;

impl ActivityType for SessionTerminations {
    const NAME: &'static str = "session_terminations";
    type Descriptor = SessionDescriptor;
}

/// Password resets (`password_resets`).
#[derive(Debug, Clone, Copy)]
pub struct PasswordResets;

impl ActivityType for PasswordResets {
    const NAME: &'static str = "password_resets";
    type Descriptor = PasswordResetDescriptor;
}
