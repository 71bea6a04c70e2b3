//! Qualtrics' [`Service`]: the calls, one builder each.

use chrono::{DateTime, Utc};

use super::{
    ActivityType, AuditExport, CreateAuditExport, DownloadAuditExport, EventSource, ExportSource,
    GetAuditExport, ListActivityTypes, ListAuditEventNames, ListEvents, Raw, WaitForAuditExport,
    wait_for_audit_export::wait_for_audit_export,
};
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

    /// Events of `A` as a [`Collector`](crate::collect::Collector)'s source read through
    /// bulk audit exports, one per window, its event name `A`'s activity type (see
    /// [`ExportSource`]).
    ///
    /// ```no_run
    /// use auditkit::collect::{Collector, Source};
    /// use auditkit::qualtrics::Logins;
    /// # fn demo(client: auditkit::Client) {
    /// let logins = client.qualtrics().export_source::<Logins>();
    /// assert_eq!(logins.id(), "qualtrics/exports/logins");
    /// let collector = Collector::new(logins);
    /// # }
    /// ```
    pub fn export_source<A: ActivityType>(&self) -> ExportSource<A> {
        ExportSource::new(self.clone(), A::NAME.into())
    }

    /// Events of any exportable event name (see
    /// [`list_audit_event_names`](Self::list_audit_event_names)) as a collector's source
    /// read through bulk audit exports, the descriptor as JSON.
    ///
    /// ```no_run
    /// use auditkit::collect::Source;
    /// # fn demo(client: auditkit::Client) {
    /// let brands = client.qualtrics().export_source_raw("brands");
    /// assert_eq!(brands.id(), "qualtrics/exports/brands");
    /// # }
    /// ```
    pub fn export_source_raw(&self, event_name: impl Into<String>) -> ExportSource<Raw> {
        ExportSource::new(self.clone(), event_name.into().into())
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

    /// The event names a bulk audit export can be made of (`GET /audit-events`).
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let names = client.qualtrics().list_audit_event_names().send().await?;
    /// # Ok(()) }
    /// ```
    pub fn list_audit_event_names(&self) -> ListAuditEventNames {
        ListAuditEventNames::new(self.slot.clone())
    }

    /// Starts a bulk audit export of `event_name` from `start` (inclusive) to `end`
    /// (`POST /audit-exports`); see [`CreateAuditExport`].
    ///
    /// ```no_run
    /// use chrono::{Duration, Utc};
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let (start, end) = (Utc::now() - Duration::days(30), Utc::now());
    /// let export = client.qualtrics().create_audit_export("logins", start, end).send().await?;
    /// println!("export {:?} started", export.id);
    /// # Ok(()) }
    /// ```
    pub fn create_audit_export(
        &self,
        event_name: impl Into<String>,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> CreateAuditExport {
        CreateAuditExport::new(self.clone(), event_name.into(), start, end)
    }

    /// One bulk audit export, where it stands (`GET /audit-exports/{id}`).
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let export = client.qualtrics().get_audit_export("AE_1").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn get_audit_export(&self, id: impl Into<String>) -> GetAuditExport {
        GetAuditExport::new(self.slot.clone(), id.into())
    }

    /// Waits until a bulk audit export is complete, polling at most every 2 s (see
    /// [`WaitForAuditExport`]).
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let export = client.qualtrics().wait_for_audit_export("AE_1").await?;
    /// # Ok(()) }
    /// ```
    pub fn wait_for_audit_export(&self, id: impl Into<String>) -> WaitForAuditExport {
        wait_for_audit_export(self, id.into())
    }

    /// The file of a complete bulk audit export (`GET /audit-exports/{id}/files/{fileId}`,
    /// the file being [`AuditExport::file`]); see [`DownloadAuditExport`]. With only an
    /// export's id, read it first with [`get_audit_export`](Self::get_audit_export).
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let q = client.qualtrics();
    /// let export = q.get_audit_export("AE_1").send().await?;
    /// let events: Vec<serde_json::Value> =
    ///     q.download_audit_export(&export).events().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn download_audit_export(&self, export: &AuditExport) -> DownloadAuditExport {
        DownloadAuditExport::new(self.slot.clone(), export)
    }
}
