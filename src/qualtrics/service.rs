//! Qualtrics' [`Service`]: the calls, one builder each.

use super::{ActivityType, EventSource, ListActivityTypes, ListEvents, Raw};
use crate::Vendor;

vendor_service!(Vendor::Qualtrics, "Qualtrics", qualtrics);

impl Service {
    /// Events of activity type `A` ([`Event<A>`](super::Event)), with its typed descriptor.
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
    pub fn list_events<A: ActivityType>(&self) -> ListEvents<A> {
        ListEvents::new(self.slot.clone(), A::NAME.into())
    }

    /// Events of any activity type, by its wire name, with the descriptor as JSON
    /// ([`Event<Raw>`](super::Event)).
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let brands: Vec<_> = client.qualtrics().list_events_raw("brands").items().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn list_events_raw(&self, activity_type: impl Into<String>) -> ListEvents<Raw> {
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
    pub fn event_source<A: ActivityType>(&self) -> EventSource<A> {
        EventSource::new(self.slot.clone(), A::NAME.into())
    }

    /// Events of any activity type, by its wire name, as a collector's source with the
    /// descriptor as JSON ([`Event<Raw>`](super::Event)); the source of
    /// [`list_events_raw`](Self::list_events_raw)'s events.
    ///
    /// ```no_run
    /// use auditkit::collect::{Collector, Source};
    /// # fn demo(client: auditkit::Client) {
    /// let brands = client.qualtrics().event_source_raw("brands");
    /// assert_eq!(brands.id(), "qualtrics/brands");
    /// let collector = Collector::new(brands);
    /// # }
    /// ```
    pub fn event_source_raw(&self, activity_type: impl Into<String>) -> EventSource<Raw> {
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
