//! Qualtrics events of one event name as a collector [`Source`] read through bulk audit
//! exports: one export per window.

use std::{borrow::Cow, fmt, marker::PhantomData, sync::Arc, time::Duration};

use futures::StreamExt;

use super::{ActivityType, Event, Service};
use crate::{
    Timer, Vendor,
    collect::{Collected, ListedStream, Settings, Source, Window, listed},
};

/// The events of one Qualtrics event name, read through bulk audit exports, for a
/// [`Collector`](crate::collect::Collector): the path Qualtrics recommends for large pulls.
/// Created by [`Service::export_source`](super::Service::export_source) (events of `A`)
/// or [`Service::export_source_raw`](super::Service::export_source_raw) (any event name).
///
/// ```no_run
/// use std::time::Duration;
/// use auditkit::collect::{Collector, FileStore};
/// use auditkit::qualtrics::Logins;
/// use futures::TryStreamExt;
///
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// let source = client.qualtrics().export_source::<Logins>().max_wait(Duration::from_secs(1800));
/// let mut batches = Collector::new(source).store(FileStore::new("logins.json")).run();
/// while let Some(batch) = batches.try_next().await? {
///     println!("{} logins", batch.events().len());
///     batch.commit().await?;
/// }
/// # Ok(()) }
/// ```
///
/// A window is one export of the event name from the window's start to its end
/// ([`create_audit_export`](super::Service::create_audit_export)), waited for (polls 2 s
/// apart at least, up to [`max_wait`](Self::max_wait)), then its file read as it streams
/// ([`download_audit_export`](super::Service::download_audit_export): NDJSON, a JSON
/// array, or with the `zip` feature a zip). Its id is `qualtrics/exports/<event name>`, a
/// checkpoint of its own beside the listing's [`EventSource`](super::EventSource). Keys and
/// times are the listing's: an event's `id`, and its `timestamp` (the window's last instant
/// when it has none). A record that does not decode is delivered in
/// [`Batch::undecodable`](crate::collect::Batch::undecodable); a file that breaks off or
/// is damaged fails the run, which starts that window again next time.
///
/// The defaults: a lag of 5 minutes, an overlap of an hour, 1-day steps (one export a day
/// of events) and a first run 7 days back, as for the listing.
pub struct ExportSource<A> {
    service: Service,
    event_name: Cow<'static, str>,
    max_wait: Duration,
    activity: PhantomData<fn() -> A>,
}

impl<A> ExportSource<A> {
    pub(super) fn new(service: Service, event_name: Cow<'static, str>) -> Self {
        Self { service, event_name, max_wait: Duration::from_secs(10 * 60), activity: PhantomData }
    }

    /// How long a window's export may take to complete before the run fails with
    /// [`Error::WaitTimeout`](crate::Error::WaitTimeout) (and starts that window again
    /// next time). Default 10 minutes.
    #[must_use]
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }
}

impl<A: ActivityType> Source for ExportSource<A> {
    type Event = Event<A>;

    fn id(&self) -> String {
        format!("qualtrics/exports/{}", self.event_name)
    }

    fn vendor(&self) -> Vendor {
        Vendor::Qualtrics
    }

    fn settings(&self) -> Settings {
        super::event_source::settings()
    }

    fn timer(&self) -> Arc<dyn Timer> {
        self.service.slot.timer()
    }

    fn list(&self, window: &Window) -> ListedStream<Event<A>> {
        let (service, max_wait) = (self.service.clone(), self.max_wait);
        let export = service.create_audit_export(
            self.event_name.clone().into_owned(),
            window.range.start,
            window.range.end,
        );
        let records = async_stream::stream! {
            let created = match export.send().await {
                Ok(created) => created,
                Err(error) => {
                    yield Err(error);
                    return;
                }
            };
            let waited = service.wait_for_audit_export(created.id.unwrap_or_default());
            let complete = match waited.max_wait(max_wait).await {
                Ok(complete) => complete,
                Err(error) => {
                    yield Err(error);
                    return;
                }
            };
            let mut events =
                service.download_audit_export(&complete).events_or_undecodable::<Event<A>>();
            while let Some(event) = events.next().await {
                yield event;
            }
        };
        let fallback = window.fallback_time();
        listed(Box::pin(records), move |event: Event<A>| {
            let time = event.timestamp.unwrap_or(fallback);
            Collected::new(event.id.clone(), time, event)
        })
    }
}

impl<A> Clone for ExportSource<A> {
    fn clone(&self) -> Self {
        Self { max_wait: self.max_wait, ..Self::new(self.service.clone(), self.event_name.clone()) }
    }
}

impl<A> fmt::Debug for ExportSource<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExportSource")
            .field("event_name", &self.event_name)
            .field("max_wait", &self.max_wait)
            .finish()
    }
}
