//! [`QualtricsSandbox`], the public handle on the simulator's state: seed events, read
//! them back, switch the `nextPage` form, count the OAuth tokens issued.

use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{
    config::NextPageMode,
    events::generate,
    ids::{EVENT_SALT, spread, uuid_like},
    state::{Key, State, Stored},
};
use crate::testkit::{LateEvents, lock::lock};

/// A handle on the Qualtrics simulator's state, from
/// [`Sandbox::qualtrics`](crate::testkit::Sandbox::qualtrics): seed events, read them back,
/// choose the `nextPage` form and count the OAuth tokens issued.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use auditkit::{qualtrics::Logins, testkit::Sandbox};
/// use chrono::{Duration, Utc};
/// use futures::TryStreamExt;
///
/// let sandbox = Sandbox::start().await?;
/// let qualtrics = sandbox.qualtrics();
/// qualtrics.clear_events();
/// let (from, to) = (Utc::now() - Duration::days(1), Utc::now());
/// let ids = qualtrics.seed_events("logins", 250, from, to);
///
/// let events: Vec<_> = sandbox
///     .client()
///     .qualtrics()
///     .list_events::<Logins>()
///     .start_date(from)
///     .end_date(to)
///     .page_size(100)
///     .items()
///     .try_collect()
///     .await?;
/// assert_eq!(events.iter().map(|event| event.id.clone()).collect::<Vec<_>>(), ids);
/// # Ok(()) }
/// ```
///
/// The API is at [`Sandbox::qualtrics_url`](crate::testkit::Sandbox::qualtrics_url)
/// (`http://127.0.0.1:PORT/qualtrics/API/v3/`). Every API request needs either the header
/// `X-API-TOKEN: sandbox-qualtrics-token`, or `Authorization: Bearer <token>` with a token
/// from `POST /qualtrics/oauth2/token` that has not expired; the token endpoint takes HTTP
/// Basic `sandbox-qualtrics-client:sandbox-qualtrics-secret` and the form
/// `grant_type=client_credentials&scope=read:activity_logs`. Tokens live an hour unless
/// [`SandboxBuilder::qualtrics_token_lifetime`] says otherwise.
///
/// `GET logs` follows the published reference: `activityType` is required; `startDate`
/// (inclusive) and `endDate` (exclusive) are RFC 3339, each defaulting to seven days from
/// the other, or to the last seven days when both are missing; `pageSize` is 1 to 1000
/// (default 100); `order` is `asc` (default) or `dsc`; `organizationId` and `userId` match
/// the descriptor's `brandId` and `userId`; `directoryId`, `groupId` and `contactId` match
/// the descriptor field of that name where an event has one and are ignored where it does
/// not. Events are ordered by timestamp, then id. A `skipToken` names the last event
/// served, so paging neither skips nor repeats events while the data stays the same. Errors
/// carry Qualtrics' `meta` body: 401 `AUTH_6.0` (API token), `AUTH_6.1` (unknown bearer
/// token), `AUTH_6.2` (expired one); 400 `QVAL_5` for an empty or invalid `skipToken`,
/// `QVAL_1` for any other bad parameter.
///
/// The bulk API is there too: `GET audit-events` lists the activity types as event names;
/// `POST audit-exports` (`eventName`, `startDate`, `endDate`) copies that window's events
/// into an export, which `GET audit-exports/{id}` shows `queued`, then `in_progress`, then
/// `complete` with a `fileId`; `GET audit-exports/{id}/files/{fileId}` sends them as NDJSON.
/// Those endpoints take 30 requests a minute together, then answer 429 with `Retry-After`.
///
/// The sandbox starts with 32 events spread over the three weeks before it started:
/// `logins` (four failed, two by proxy), `session_creations`, `session_terminations`,
/// `password_resets` and `brands`. Events are kept as the JSON the API answers with, so a
/// test can add any shape, including odd ones.
///
/// [`SandboxBuilder::qualtrics_token_lifetime`]:
///     crate::testkit::SandboxBuilder::qualtrics_token_lifetime
#[derive(Debug, Clone)]
pub struct QualtricsSandbox {
    pub(super) state: Arc<Mutex<State>>,
}

impl QualtricsSandbox {
    /// Adds `count` generated events of `activity_type`, with distinct ids and timestamps
    /// spread evenly over `[from, to)`, and returns their ids oldest first.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use chrono::{Duration, Utc};
    ///
    /// let sandbox = auditkit::testkit::Sandbox::start().await?;
    /// let to = Utc::now();
    /// let from = to - Duration::hours(1);
    /// let ids = sandbox.qualtrics().seed_events("password_resets", 10, from, to);
    /// assert_eq!(ids.len(), 10);
    /// # Ok(()) }
    /// ```
    ///
    /// The descriptors have the shape of the activity type's real events (logins,
    /// sessions, password resets; other types get `userId`, `brandId` and `ipAddress`),
    /// cycling through a few users, brands and locations. Timestamps are whole
    /// milliseconds when the window has room for that many, else finer. Given the same
    /// calls on a fresh sandbox, ids and descriptors are the same every run. An empty or
    /// reversed window adds nothing.
    pub fn seed_events(
        &self,
        activity_type: &str,
        count: usize,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<String> {
        let mut state = self.lock();
        let mut batch: Vec<Stored> = spread(count, from, to)
            .into_iter()
            .map(|at| {
                let n = state.next_event_number();
                let id = uuid_like(EVENT_SALT, n);
                let event = generate(activity_type, n, &id, at);
                Stored { key: Key { at, id }, event, published: None }
            })
            .collect();
        // Timestamps only tie in windows too short for `count`; ids then decide.
        batch.sort_by(|a, b| a.key.cmp(&b.key));
        let ids = batch.iter().map(|stored| stored.key.id.clone()).collect();
        state.insert_batch(activity_type, batch);
        ids
    }

    /// Adds one event of `activity_type`, or replaces the one with the same id, and returns
    /// its id.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use serde_json::json;
    ///
    /// let sandbox = auditkit::testkit::Sandbox::start().await?;
    /// // A timestamp without milliseconds and a descriptor field the SDK does not know.
    /// let id = sandbox.qualtrics().add_event("logins", json!({
    ///     "timestamp": "2026-03-30T08:15:00Z",
    ///     "descriptor": { "userId": "UR_1", "riskScore": 0.7 },
    /// }));
    /// assert!(sandbox.qualtrics().events("logins").iter().any(|event| event["id"] == id));
    /// # Ok(()) }
    /// ```
    ///
    /// `event` is kept as given, except that a missing `id` is assigned and a missing
    /// `timestamp` is set to now. The event is listed at its `timestamp` when that reads as
    /// a date-time (RFC 3339, or without offset, taken as UTC); a timestamp that does not
    /// (null, a number, `"yesterday"`) is sent verbatim and listed as if it happened when
    /// it was added. A value that is not an object is listed verbatim, as of now.
    pub fn add_event(&self, activity_type: &str, event: Value) -> String {
        let mut state = self.lock();
        let n = state.next_event_number();
        let stored = Stored::from_value(event, uuid_like(EVENT_SALT, n), Utc::now());
        let id = stored.key.id.clone();
        state.insert(activity_type, stored);
        id
    }

    /// Every event of `activity_type`, oldest first, as `GET logs` would send them.
    pub fn events(&self, activity_type: &str) -> Vec<Value> {
        let state = self.lock();
        let stored = state.events.get(activity_type).map(Vec::as_slice).unwrap_or_default();
        stored.iter().map(|stored| stored.event.clone()).collect()
    }

    /// Removes every event of every activity type. `logs/activitytypes` still lists the
    /// types, as an account keeps its types when nothing happened lately.
    pub fn clear_events(&self) {
        self.lock().events.values_mut().for_each(Vec::clear);
    }

    /// Publishes the events added from now on late, as [`LateEvents`] says (`None`: each
    /// is listed as soon as it is added, whatever its timestamp). The builder's
    /// [`qualtrics_late_events`](crate::testkit::SandboxBuilder::qualtrics_late_events)
    /// also covers the seed.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::time::Duration;
    /// use auditkit::testkit::{LateEvents, Sandbox};
    /// use chrono::Duration as Span;
    ///
    /// let sandbox = Sandbox::start().await?;
    /// let qualtrics = sandbox.qualtrics();
    /// qualtrics.set_late_events(Some(LateEvents::new(0.5, Duration::from_secs(600))));
    /// // The next hour's logins, each listed once the sandbox's clock passes its publication.
    /// qualtrics.seed_events("logins", 60, sandbox.now(), sandbox.now() + Span::hours(1));
    /// # Ok(()) }
    /// ```
    pub fn set_late_events(&self, late: Option<LateEvents>) {
        self.lock().late = late;
    }

    /// What `result.nextPage` holds from now on; see [`NextPageMode`].
    pub fn set_next_page(&self, mode: NextPageMode) {
        self.lock().next_page = mode;
    }

    /// How many OAuth tokens `oauth2/token` has issued, to check that a client reuses
    /// its token instead of asking for one per request.
    pub fn tokens_issued(&self) -> usize {
        self.lock().tokens_issued
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::qualtrics::testing::*;
    use chrono::TimeDelta;
    use serde_json::json;

    use crate::testkit::qualtrics::config::Config;

    #[test]
    fn seed_events_spreads_distinct_millisecond_timestamps_over_the_window() {
        let sandbox = sandbox(Config::default());
        let from = at("2026-01-01T00:00:00.000250Z");
        let to = at("2026-01-01T01:00:00Z");
        let ids = sandbox.seed_events("logins", 1000, from, to);
        let events = sandbox.events("logins");
        assert_eq!(events.iter().map(|e| e["id"].as_str().unwrap_or("")).collect::<Vec<_>>(), ids);
        let times: Vec<DateTime<Utc>> =
            events.iter().filter_map(|e| e["timestamp"].as_str()).map(at).collect();
        assert_eq!(times.len(), 1000);
        assert!(times.windows(2).all(|pair| pair[0] < pair[1]));
        assert_eq!(millis(times[0]), "2026-01-01T00:00:00.001Z", "rounded up into the window");
        assert!(times[999] < to);
        assert!(events.iter().all(|e| e["timestamp"].as_str().is_some_and(|t| t.len() == 24)));
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 1000);

        // Same calls, same ids.
        let again = self::sandbox(Config::default()).seed_events("logins", 1000, from, to);
        assert_eq!(again, ids);
    }

    #[test]
    fn seed_events_in_a_narrow_window_uses_finer_timestamps_and_a_reversed_one_adds_nothing() {
        let sandbox = sandbox(Config::default());
        let from = at("2026-01-01T00:00:00Z");
        let to = from + TimeDelta::milliseconds(2);
        sandbox.seed_events("logins", 5, from, to);
        let times: Vec<DateTime<Utc>> = sandbox
            .events("logins")
            .iter()
            .filter_map(|e| e["timestamp"].as_str())
            .map(at)
            .collect();
        assert_eq!(times.len(), 5);
        assert!(times.windows(2).all(|pair| pair[0] < pair[1]) && times[4] < to);
        assert!(sandbox.seed_events("logins", 5, to, from).is_empty());
        assert!(sandbox.seed_events("logins", 0, from, to).is_empty());
        assert_eq!(sandbox.events("logins").len(), 5);
    }

    #[test]
    fn add_event_fills_in_id_and_timestamp_and_replaces_an_event_with_the_same_id() {
        let sandbox = sandbox(Config::default());
        let id = sandbox.add_event("brands", json!({ "descriptor": { "brandId": "acme" } }));
        let event = &sandbox.events("brands")[0];
        assert_eq!(event["id"], id.as_str());
        assert!(event["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')));

        sandbox.add_event("brands", json!({ "id": id, "timestamp": "2026-01-01T00:00:00Z" }));
        let events = sandbox.events("brands");
        assert_eq!(events.len(), 1);
        assert_eq!(events[0]["timestamp"], "2026-01-01T00:00:00Z");

        // Odd timestamps are kept verbatim and listed as of when they were added.
        sandbox.add_event("brands", json!({ "id": "null-time", "timestamp": null }));
        sandbox.add_event("brands", json!({ "id": "word-time", "timestamp": "yesterday" }));
        let recent = ids(&logs(&sandbox, "activityType=brands"));
        // The first event moved to 2026, out of the default window.
        assert_eq!(recent.len(), 2, "{recent:?}");
        assert!(
            recent.contains(&"null-time".to_owned()) && recent.contains(&"word-time".to_owned())
        );
    }
}
