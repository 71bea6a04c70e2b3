//! Qualtrics audit events: by activity type, in a time window, paged with `skipToken`.
//!
//! The activity type is a type ([`Logins`], [`SessionCreations`], …), so each event's
//! descriptor is typed; [`Service::list_events_raw`] takes any other type by name.
//!
//! ```no_run
//! use auditkit::{Client, qualtrics};
//! use futures::TryStreamExt;
//!
//! # async fn demo() -> Result<(), auditkit::Error> {
//! let client = Client::builder()
//!     .qualtrics(qualtrics::Config::new("iad1", qualtrics::Credentials::api_token("token")))
//!     .build()?;
//! let logins: Vec<_> = client.qualtrics().list_events::<qualtrics::Logins>().items().try_collect().await?;
//! # Ok(()) }
//! ```
//!
//! For continuous collection, [`Service::event_source`] is a
//! [`collect::Source`](crate::collect::Source) over one activity type ([`EventSource`]).
//!
//! API reference: `https://{datacenter}.qualtrics.com/API/v3/logs`, authenticated with
//! `X-API-TOKEN` or an OAuth bearer token (scope `read:activity_logs`).

mod activity;
mod config;
mod credentials;
pub(crate) mod error_body;
mod event;
mod event_source;
mod list_activity_types;
mod list_events;
mod models;
pub(crate) mod oauth;
pub(crate) mod paging;

pub use activity::{ActivityType, Logins, PasswordResets, SessionCreations, SessionTerminations};
pub use config::Config;
pub use credentials::Credentials;
pub use event::Event;
pub use event_source::EventSource;
pub use list_activity_types::ListActivityTypes;
pub use list_events::{EventsQuery, ListEvents, Order};
pub use models::{
    ActivityTypeInfo, Authentication, Location, LoginDescriptor, PasswordResetDescriptor, Platform,
    SessionDescriptor, ValidationRules,
};

use crate::{Operation, Vendor};

const fn operation(name: &'static str) -> Operation {
    Operation::new(Vendor::Qualtrics, name)
}

vendor_service!(Vendor::Qualtrics, "Qualtrics", qualtrics);

impl Service {
    /// Events of activity type `A`, with its typed descriptor.
    ///
    /// ```no_run
    /// use auditkit::qualtrics::PasswordResets;
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let page = client.qualtrics().list_events::<PasswordResets>().page_size(100).send().await?;
    /// for event in page.items() {
    ///     println!("{:?} reset by {:?}", event.descriptor.user_id, event.descriptor.agent_user_id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_events<A: ActivityType>(&self) -> ListEvents<A::Descriptor> {
        ListEvents::new(self.slot.clone(), A::NAME.into())
    }

    /// Events of any activity type, by its wire name, with the descriptor as JSON.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let brands: Vec<_> = client.qualtrics().list_events_raw("brands").items().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn list_events_raw(
        &self,
        activity_type: impl Into<String>,
    ) -> ListEvents<serde_json::Value> {
        ListEvents::new(self.slot.clone(), activity_type.into().into())
    }

    /// Events of activity type `A` as a [`Collector`](crate::collect::Collector)'s source,
    /// keyed by event id (see [`EventSource`]).
    ///
    /// ```no_run
    /// use auditkit::{collect::Collector, qualtrics::PasswordResets};
    /// use futures::TryStreamExt;
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let mut batches = Collector::new(client.qualtrics().event_source::<PasswordResets>()).run();
    /// while let Some(batch) = batches.try_next().await? {
    ///     batch.commit().await?;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn event_source<A: ActivityType>(&self) -> EventSource<A::Descriptor> {
        EventSource::new(self.slot.clone(), A::NAME.into())
    }

    /// Events of any activity type, by its wire name, as a collector's source with the
    /// descriptor as JSON.
    ///
    /// ```no_run
    /// use auditkit::collect::{Collector, Source};
    /// # fn demo(client: auditkit::Client) {
    /// let brands = client.qualtrics().raw_event_source("brands");
    /// assert_eq!(brands.id(), "qualtrics/brands");
    /// let collector = Collector::new(brands);
    /// # }
    /// ```
    pub fn raw_event_source(
        &self,
        activity_type: impl Into<String>,
    ) -> EventSource<serde_json::Value> {
        EventSource::new(self.slot.clone(), activity_type.into().into())
    }

    /// The activity types this account can query, with their extra filters.
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let kinds = client.qualtrics().list_activity_types().send().await?;
    /// # Ok(()) }
    /// ```
    pub fn list_activity_types(&self) -> ListActivityTypes {
        ListActivityTypes::new(self.slot.clone())
    }
}
