//! Activity types as types, so each one's descriptor is typed.

use serde::de::DeserializeOwned;

use serde_json::Value;

use super::{LoginDescriptor, PasswordResetDescriptor, SessionDescriptor};

/// A Qualtrics activity type: its wire name and the shape of its events' descriptor.
///
/// Pass one to [`Service::list_events`](super::Service::list_events): the listing yields
/// [`Event<A>`](super::Event), so each activity type is its own event type (and has its
/// own OCSF mapping). For a type this SDK does not describe, use
/// [`list_events_raw`](super::Service::list_events_raw) (events of [`Raw`]), or implement
/// this trait with your own descriptor type:
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
///
/// # fn demo(client: auditkit::Client) {
/// let brands = client.qualtrics().list_events::<Brands>();
/// # }
/// ```
pub trait ActivityType: 'static {
    /// The `activityType` query value ([`Raw`]'s is empty: its name is given at run time).
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

/// Any activity type, named at run time, with its descriptor as JSON: what
/// [`list_events_raw`](super::Service::list_events_raw) and
/// [`event_source_raw`](super::Service::event_source_raw) yield.
///
/// ```no_run
/// use auditkit::qualtrics::{Event, Raw};
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// let page = client.qualtrics().list_events_raw("brands").send().await?;
/// let first: Option<&Event<Raw>> = page.items().first();
/// println!("{:?}", first.map(|event| &event.descriptor["brandId"]));
/// # Ok(()) }
/// ```
///
/// Its [`NAME`](ActivityType::NAME) is empty: `list_events::<Raw>()` has no activity type
/// and is refused with [`Error::InvalidInput`](crate::Error::InvalidInput) when read.
#[derive(Debug, Clone, Copy)]
pub struct Raw;

impl ActivityType for Raw {
    const NAME: &'static str = "";
    type Descriptor = Value;
}
