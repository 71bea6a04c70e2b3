//! Qualtrics audit events: by activity type, in a time window, paged with `skipToken`.
//!
//! The activity type is a type ([`Logins`], [`SessionCreations`], …), and an event is an
//! event of its type ([`Event<Logins>`](Event)), with a typed descriptor and its own OCSF
//! mapping; [`Service::list_events_raw`] takes any other type by name ([`Raw`]).
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
mod service;
pub(crate) mod skip_token;

pub use activity::{
    ActivityType, Logins, PasswordResets, Raw, SessionCreations, SessionTerminations,
};
pub use config::Config;
pub use credentials::Credentials;
pub use event::Event;
pub use event_source::EventSource;
pub use list_activity_types::ListActivityTypes;
pub use list_events::{EventsQuery, ListEvents};
pub use models::{
    ActivityTypeInfo, Authentication, Location, LoginDescriptor, PasswordResetDescriptor, Platform,
    SessionDescriptor, ValidationRules,
};
pub use service::Service;

use crate::{Operation, Vendor};

const fn operation(name: &'static str) -> Operation {
    Operation::new(Vendor::Qualtrics, name)
}
