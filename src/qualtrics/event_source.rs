//! Qualtrics events of one activity type as a collector [`Source`], keyed by event id.

use std::{borrow::Cow, fmt, marker::PhantomData, sync::Arc, time::Duration};

use super::{ActivityType, Event, ListEvents};
use crate::{
    Timer, Vendor,
    collect::{Collected, ListedStream, Settings, Source, Window, listed},
    transport::EndpointSlot,
};

/// The largest page Qualtrics serves: one request per thousand events.
const PAGE_SIZE: u32 = 1000;

/// The events of one Qualtrics activity type, for a [`Collector`](crate::collect::Collector).
/// Created by [`Service::event_source`](super::Service::event_source) (events of `A`) or
/// [`Service::event_source_raw`](super::Service::event_source_raw) (events of
/// [`Raw`](super::Raw), any activity type named at run time).
///
/// ```no_run
/// use auditkit::collect::{Collector, FileStore};
/// use auditkit::qualtrics::Logins;
/// use futures::TryStreamExt;
///
/// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
/// let source = client.qualtrics().event_source::<Logins>();
/// let mut batches = Collector::new(source).store(FileStore::new("logins.json")).run();
/// while let Some(batch) = batches.try_next().await? {
///     for login in batch.events() {
///         println!("{} {:?}", login.key, login.event.descriptor.username);
///     }
///     batch.commit().await?;
/// }
/// # Ok(()) }
/// ```
///
/// A window is one [`ListEvents`] listing, `startDate` = the window's start (inclusive),
/// `endDate` = its end (exclusive), 1,000 events a page. Its id is `qualtrics/<activity
/// type>`. An event's key is its `id`; its time is its `timestamp`, or the window's last
/// instant ([`Window::fallback_time`]) when the timestamp is missing or unreadable
/// (Qualtrics filters on it, so such an event is not expected; it is still delivered once,
/// in the window that listed it). An event that does not decode (a descriptor that is not
/// an object, say) is delivered in
/// [`Batch::undecodable`](crate::collect::Batch::undecodable).
///
/// The defaults ([`Source::settings`]): a lag of 5 minutes and an overlap of an hour
/// (Qualtrics indexes audit events within seconds to minutes of when they happen; the
/// overlap catches the rare straggler), 1-day steps (a day of logins is a few thousand
/// events: a few requests, bounded memory), and a first run 7 days back (the window
/// Qualtrics itself uses when none is given).
pub struct EventSource<A> {
    slot: EndpointSlot,
    activity_type: Cow<'static, str>,
    activity: PhantomData<fn() -> A>,
}

impl<A> EventSource<A> {
    pub(super) fn new(slot: EndpointSlot, activity_type: Cow<'static, str>) -> Self {
        Self { slot, activity_type, activity: PhantomData }
    }
}

impl<A: ActivityType> Source for EventSource<A> {
    type Event = Event<A>;

    fn id(&self) -> String {
        format!("qualtrics/{}", self.activity_type)
    }

    fn vendor(&self) -> Vendor {
        Vendor::Qualtrics
    }

    fn settings(&self) -> Settings {
        settings()
    }

    fn timer(&self) -> Arc<dyn Timer> {
        self.slot.timer()
    }

    fn list(&self, window: &Window) -> ListedStream<Event<A>> {
        let events = ListEvents::<A>::new(self.slot.clone(), self.activity_type.clone())
            .start_date(window.range.start)
            .end_date(window.range.end)
            .page_size(PAGE_SIZE);
        let fallback = window.fallback_time();
        listed(events.items_or_undecodable(), move |event: Event<A>| {
            let time = event.timestamp.unwrap_or(fallback);
            Collected::new(event.id.clone(), time, event)
        })
    }
}

/// The defaults of Qualtrics' sources, listing or exports (see [`EventSource`]).
pub(super) fn settings() -> Settings {
    Settings::default()
        .lag(Duration::from_secs(5 * 60))
        .overlap(Duration::from_secs(60 * 60))
        .step(Some(Duration::from_secs(24 * 60 * 60)))
        .lookback(Duration::from_secs(7 * 24 * 60 * 60))
}

impl<A> Clone for EventSource<A> {
    fn clone(&self) -> Self {
        Self::new(self.slot.clone(), self.activity_type.clone())
    }
}

impl<A> fmt::Debug for EventSource<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventSource").field("activity_type", &self.activity_type).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{qualtrics::Logins, testkit::VirtualTimer};

    #[test]
    fn the_source_is_named_after_its_activity_type_and_reads_the_clients_clock() {
        let timer: Arc<dyn Timer> = Arc::new(VirtualTimer::new());
        let slot = EndpointSlot::for_tests(Arc::clone(&timer), crate::Jitter::fixed(0.5));
        let source = EventSource::<Logins>::new(slot, "logins".into());
        assert_eq!(source.id(), "qualtrics/logins");
        assert!(Arc::ptr_eq(&source.timer(), &timer));
        assert_eq!(source.settings().lag, Duration::from_secs(300));
        assert!(format!("{source:?}").contains("logins"));
    }
}
