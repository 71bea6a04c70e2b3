//! [`EverbridgeSandbox`], the public handle on the simulator's state: seed entries, read
//! them back, flip the account's switches, expire scrolls, count tokens.

use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{
    entries::{Body, spread},
    state::{State, report_type},
};
use crate::{
    everbridge::ReportType,
    testkit::{LateEvents, lock::lock},
};

/// A handle on the Everbridge simulator's state, from
/// [`Sandbox::everbridge`](crate::testkit::Sandbox::everbridge).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use auditkit::{everbridge::ReportType, testkit::Sandbox};
/// use chrono::{Duration, Utc};
/// use futures::TryStreamExt;
///
/// let sandbox = Sandbox::start().await?;
/// let everbridge = sandbox.everbridge();
/// everbridge.clear_entries();
/// let (from, to) = (Utc::now() - Duration::days(40), Utc::now());
/// let ids = everbridge.seed_entries(ReportType::Contact, 250, from, to);
///
/// let entries: Vec<_> = sandbox
///     .client()
///     .everbridge()
///     .list_audit_log(ReportType::Contact, from, to)
///     .items()
///     .try_collect()
///     .await?;
/// assert_eq!(entries.iter().map(|e| e.entity_id.unwrap_or(0)).collect::<Vec<_>>(), ids);
/// # Ok(()) }
/// ```
///
/// The API is at [`Sandbox::everbridge_url`](crate::testkit::Sandbox::everbridge_url)
/// (`http://127.0.0.1:PORT/everbridge/rest/`), `GET reports/auditLog`, and follows the
/// published reference:
///
/// - **Auth:** HTTP Basic `sandbox-everbridge-user:sandbox-everbridge-password`, the bearer
///   token `sandbox-everbridge-token`, or the `id_token` of a live token from `POST
///   /everbridge/authorization/v1/tokens` (form: `grant_type=password`, `client_id=
///   sandbox-everbridge-client`, `client_secret=sandbox-everbridge-secret`, the user and
///   password, and a `scope` with `openid`; an optional numeric `roleId` header), or the
///   `access_token` of a service account's token (form: `grant_type=client_credentials`,
///   `client_id=sandbox-everbridge-service-account`,
///   `client_secret=sandbox-everbridge-service-secret`, scope `openid user-profile role
///   service-profile`). Each grant's other token is refused. Tokens live 8 hours unless
///   [`everbridge_token_lifetime`](crate::testkit::SandboxBuilder::everbridge_token_lifetime)
///   says otherwise. Refusals are 401 `{"message", "status"}`.
/// - **Query:** `reportType` (`Security`, `Contact`), `from` and `to` as
///   `yyyy-MM-ddTHH:mm:ss` or `yyyy-MM-dd`, both inclusive (a `to` date means its whole
///   day); `queryType` `pageQuery` (the default, with `pageNo` 1 to 100) or `scroll`
///   (`pageNo=0` opens one; `scrollId` continues it). Pages hold 100 entries, oldest first.
/// - **Business errors** (HTTP 200, `{"success": false, "type": "business", "message"}`):
///   the documented messages for a range across months, a `from` more than 6 months before
///   "today", `pageNo=0` with pageQuery, `pageNo × 100 > 10000`, an account without the
///   logging policy ([`set_logging_policy`](Self::set_logging_policy)), and, undocumented,
///   an unknown or expired scroll id.
/// - **Scrolls** expire after 3 minutes without a request (on Tokio's clock;
///   [`everbridge_scroll_idle`](crate::testkit::SandboxBuilder::everbridge_scroll_idle)),
///   or at once with [`expire_scrolls`](Self::expire_scrolls). A scroll keeps its id from
///   batch to batch and ends with a batch of no entries.
/// - **Rate tier** (off unless
///   [`everbridge_rate_tier`](crate::testkit::SandboxBuilder::everbridge_rate_tier)):
///   reads beyond the tier's burst and rate get 429 `{"message": "Too Many Requests"}`,
///   beyond its daily quota 429 `{"message": "Limit Exceeded"}`, both without
///   `Retry-After` or rate-limit headers.
/// - **Gateway timeouts** (off unless
///   [`set_gateway_timeout_over`](Self::set_gateway_timeout_over)): 504
///   `{"message": "Endpoint request timed out"}` for queries over long ranges.
/// - **Answers** are bare, or wrapped in `{"data": …, "success": true, "type": …}` after
///   [`set_wrapped`](Self::set_wrapped).
///
/// The sandbox starts with entries in the current calendar month (up to "today") and the
/// six before it, the fourth of these seven months empty: 30 Security and 10 Contact
/// entries in each other month, shaped like the published example, each with its own
/// `entityId`. "Today" is the system's unless
/// [`everbridge_today`](crate::testkit::SandboxBuilder::everbridge_today) pins it.
#[derive(Debug, Clone)]
pub struct EverbridgeSandbox {
    pub(super) state: Arc<Mutex<State>>,
}

impl EverbridgeSandbox {
    /// Adds `count` generated entries of `report_type` on whole seconds spread evenly over
    /// `[from, to)`, and returns their `entityId`s in the order the API lists them.
    ///
    /// Entries are generated when a page is answered, so a hundred thousand cost little.
    /// An empty or reversed window, or an unknown report type, adds nothing.
    pub fn seed_entries(
        &self,
        report_type: ReportType,
        count: usize,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<i64> {
        let Some(name) = self::report_type(report_type.as_str()) else { return Vec::new() };
        let keys = self.lock().add(name, spread(count, from, to), || Body::Generated);
        keys.iter().map(|key| i64::try_from(key.n).unwrap_or(i64::MAX)).collect()
    }

    /// Adds one entry of `report_type`, sent exactly as given, listed at its `eventTime`
    /// (read as UTC; now when it has none that reads as a date-time).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use auditkit::everbridge::ReportType;
    ///
    /// let sandbox = auditkit::testkit::Sandbox::start().await?;
    /// let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string();
    /// sandbox.everbridge().add_entry(ReportType::Security, serde_json::json!({
    ///     "eventTime": now, "entityId": 0, "riskScore": 7,
    /// }));
    /// # Ok(()) }
    /// ```
    pub fn add_entry(&self, report_type: ReportType, entry: Value) {
        let Some(name) = self::report_type(report_type.as_str()) else { return };
        let at = entry
            .get("eventTime")
            .and_then(Value::as_str)
            .and_then(crate::datetime::parse)
            .unwrap_or_else(Utc::now);
        self.lock().add(name, vec![at], || Body::Raw(entry.clone()));
    }

    /// Every entry of `report_type`, oldest first, as the API sends them.
    pub fn entries(&self, report_type: ReportType) -> Vec<Value> {
        let state = self.lock();
        let Some(name) = self::report_type(report_type.as_str()) else { return Vec::new() };
        let entries = state.entries.get(name).map(Vec::as_slice).unwrap_or_default();
        entries.iter().map(|entry| entry.to_json(name)).collect()
    }

    /// Removes every entry of both report types.
    pub fn clear_entries(&self) {
        let mut state = self.lock();
        state.entries.values_mut().for_each(Vec::clear);
        state.late_entries = 0;
    }

    /// Whether the account has the "Event Logging, Reporting & Alerting Policy" enabled
    /// (the default); without it every audit log request is a business error.
    pub fn set_logging_policy(&self, enabled: bool) {
        self.lock().logging_policy = enabled;
    }

    /// Whether answers are wrapped in `{"data": …, "success": true, "type": …}`.
    pub fn set_wrapped(&self, wrapped: bool) {
        self.lock().wrapped = wrapped;
    }

    /// Publishes the entries added from now on late, as [`LateEvents`] says (`None`: each
    /// is listed as soon as it is added, whatever its `eventTime`). The builder's
    /// [`everbridge_late_events`](crate::testkit::SandboxBuilder::everbridge_late_events)
    /// also covers the seed.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::time::Duration;
    /// use auditkit::{everbridge::ReportType, testkit::{LateEvents, Sandbox}};
    /// use chrono::Duration as Span;
    ///
    /// let sandbox = Sandbox::start().await?;
    /// let everbridge = sandbox.everbridge();
    /// everbridge.set_late_events(Some(LateEvents::new(0.5, Duration::from_secs(600))));
    /// // The next hour's entries, each listed once the sandbox's clock passes its publication.
    /// everbridge.seed_entries(ReportType::Security, 60, sandbox.now(), sandbox.now() + Span::hours(1));
    /// # Ok(()) }
    /// ```
    pub fn set_late_events(&self, late: Option<LateEvents>) {
        self.lock().late = late;
    }

    /// "Today" for the 6-month rule, from now on.
    pub fn set_today(&self, today: DateTime<Utc>) {
        self.lock().today = Some(today);
    }

    /// Drops every open scroll, as if each had been idle too long, and returns how many
    /// there were. Their next request is refused as an expired scroll.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use auditkit::{Error, everbridge::ReportType, testkit::Sandbox};
    /// use chrono::{Duration, Utc};
    /// use futures::TryStreamExt;
    ///
    /// let sandbox = Sandbox::start().await?;
    /// let (from, to) = (Utc::now() - Duration::days(20), Utc::now());
    /// sandbox.everbridge().seed_entries(ReportType::Security, 150, from, to);
    /// let log = || sandbox.client().everbridge().list_audit_log(ReportType::Security, from, to);
    /// let mut pages = log().pages();
    /// pages.try_next().await?;
    /// assert!(sandbox.everbridge().expire_scrolls() >= 1);
    /// let Err(Error::Pagination(expired)) = pages.try_collect::<Vec<_>>().await else { panic!() };
    /// // Resuming from the error's continuation restarts the month past what was read.
    /// let continuation = expired.continuation().cloned().ok_or("no continuation")?;
    /// let rest: Vec<_> = log().resume(continuation).items().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn expire_scrolls(&self) -> usize {
        let mut state = self.lock();
        let open = state.scrolls.len();
        state.scrolls.clear();
        open
    }

    /// How many scrolls are open and not yet idle too long.
    pub fn open_scrolls(&self) -> usize {
        let mut state = self.lock();
        state.drop_idle_scrolls(tokio::time::Instant::now());
        state.scrolls.len()
    }

    /// How many OAuth tokens the token endpoint has issued.
    pub fn tokens_issued(&self) -> usize {
        self.lock().tokens_issued
    }

    /// Makes the API gateway answer 504 `{"message": "Endpoint request timed out"}`, as
    /// Everbridge's does after 29 s, to every query it opens (pageQuery, or a scroll's
    /// first request; a scroll continued is cheap) over a range longer than `longer_than`;
    /// `None` turns it off. With 10 days, a month and its halves time out and days do not.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use auditkit::{everbridge::ReportType, testkit::Sandbox};
    /// use futures::TryStreamExt;
    ///
    /// let sandbox = Sandbox::start().await?;
    /// sandbox.everbridge().set_gateway_timeout_over(Some(std::time::Duration::from_secs(20 * 86_400)));
    /// let (from, to) = (chrono::Utc::now() - chrono::Duration::days(40), chrono::Utc::now());
    /// // Months that keep timing out are read in halves.
    /// let listed: Vec<_> =
    ///     sandbox.client().everbridge().list_audit_log(ReportType::Contact, from, to).items().try_collect().await?;
    /// assert!(sandbox.everbridge().gateway_timeouts() > 0);
    /// # Ok(()) }
    /// ```
    pub fn set_gateway_timeout_over(&self, longer_than: Option<std::time::Duration>) {
        self.lock().timeout_over = longer_than.and_then(|d| chrono::TimeDelta::from_std(d).ok());
    }

    /// How many queries the gateway answered with a 504.
    pub fn gateway_timeouts(&self) -> u64 {
        self.lock().timeouts
    }

    /// How many requests the rate tier refused with a 429 (see
    /// [`everbridge_rate_tier`](crate::testkit::SandboxBuilder::everbridge_rate_tier)).
    pub fn requests_refused_by_tier(&self) -> u64 {
        self.lock().counts.refused
    }

    /// The `roleId` header of the last password grant that sent one.
    pub fn last_role_id(&self) -> Option<String> {
        self.lock().last_role_id.clone()
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }
}
