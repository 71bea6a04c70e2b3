//! `POST /v1/reports` — ask for a report from a template, idempotently.

use reqwest::{Method, header::HeaderName};
use serde::Serialize;
use serde_json::Value;

use super::{Filter, Report, Service, filter::filters_json, operation, protocol::advise};
use crate::{Error, IdempotencyKey, Idempotent, Operation};

const OPERATION: Operation = operation("generate_report");

/// The header that carries the idempotency key.
pub(super) const KEY_HEADER: HeaderName = HeaderName::from_static("x-idempotency");
/// The answer header that says the report comes from an earlier request with the key.
const REPLAYED_HEADER: &str = "x-idempotency-replayed";

/// Asks Reporter to generate a report from a template. Created by
/// [`Service::generate_report`](super::Service::generate_report).
///
/// Reporter answers at once with the report in `Processing`; wait for it with
/// [`wait_for_report`](super::Service::wait_for_report), or use
/// [`send_and_wait`](Self::send_and_wait) for both steps.
///
/// # Idempotency
///
/// Every request carries an idempotency key (`X-Idempotency`): yours from
/// [`idempotency_key`](Self::idempotency_key), or one the SDK makes (a UUID v4) once per
/// call, before the first attempt, so every retry of the call carries the same key and a
/// retry after a lost answer creates nothing twice. Each call therefore makes a report,
/// unless you reuse a key on purpose. Without a key Reporter would key on a hash of the
/// body, so two identical requests within 24 hours would silently return the first
/// report.
///
/// - A key Reporter has seen answers with the first report, marked
///   [`replayed`](crate::Idempotent::replayed) (`X-Idempotency-Replayed: true`).
/// - While the first request with a key is still being processed, Reporter answers 409
///   `TPL-0039`: the SDK waits it out with the retry backoff, same key, within the
///   [`RetryPolicy`](crate::RetryPolicy)'s attempts and time.
/// - Reporter marks a key as processing before it validates the request and never clears
///   the mark when the request then fails, so the key of a failed request answers 409 for
///   up to 24 hours. The SDK checks what it can before sending (the template id, the
///   filters) so a mistake does not burn a key; when the 409s outlast the retries, the
///   error says to look for the report with
///   [`list_reports`](super::Service::list_reports), then call again with a new key.
/// - Reporter does not compare bodies: a key reused with another body would silently
///   answer with the first report. The [`Client`](crate::Client) remembers the body sent
///   with each key (its last 4096 keys) and refuses, before sending, the same key with
///   another body.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send()` is awaited"]
pub struct GenerateReport {
    service: Service,
    template_id: String,
    filters: Vec<Filter>,
    idempotency_key: Option<IdempotencyKey>,
    check_names: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateReportInput<'a> {
    template_id: &'a str,
    filters: Value,
}

impl GenerateReport {
    pub(super) fn new(service: Service, template_id: String) -> Self {
        Self {
            service,
            template_id,
            filters: Vec::new(),
            idempotency_key: None,
            check_names: false,
        }
    }

    /// Adds a filter; filters on the same field merge (see [`Filter`]). Without any,
    /// the report covers everything the template reads (`"filters": {}`).
    pub fn filter(mut self, filter: Filter) -> Self {
        self.filters.push(filter);
        self
    }

    /// The idempotency key to send instead of a fresh one: reuse a key to make sure a
    /// request repeated later (after a crash, by another process) creates no second
    /// report.
    ///
    /// Reporter does not scope keys per organisation or tenant: the same key sent for two
    /// organisations of one deployment is the same key, so make keys unique across them
    /// (a UUID, or a prefix naming the organisation).
    pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }

    /// Checks, before sending, that every filter names a data source Reporter has, one of
    /// its tables and one of that table's fields: one
    /// [`get_data_source`](super::Service::get_data_source) per data source the filters
    /// name. Reporter itself refuses an unknown field only after marking the idempotency
    /// key as used (TPL-0014), so a typo would cost the key; this costs a read instead.
    ///
    /// ```no_run
    /// use auditkit::reporter::Filter;
    ///
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let created = client
    ///     .reporter()
    ///     .generate_report("00000000-0000-4000-8000-000000000001")
    ///     .filter(Filter::field("midaz_onboarding", "account", "id").eq(["a-1"]))
    ///     .check_names()
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn check_names(mut self) -> Self {
        self.check_names = true;
        self
    }

    /// Sends the request: the report as created (`Processing`), or as first created when
    /// the key was seen before ([`replayed`](crate::Idempotent::replayed)).
    ///
    /// ```no_run
    /// use auditkit::{IdempotencyKey, reporter::Filter};
    ///
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let created = client
    ///     .reporter()
    ///     .generate_report("00000000-0000-4000-8000-000000000001")
    ///     .filter(Filter::field("midaz_onboarding", "account", "id").is_in(["a-1", "a-2"]))
    ///     .idempotency_key(IdempotencyKey::new("balances-2026-03")?)
    ///     .send()
    ///     .await?;
    /// if created.replayed {
    ///     println!("report {} was asked for earlier with key {}", created.value.id, created.key);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`], before any request, when the template id is not a UUID,
    /// when a filter is refused (see [`Filter`]), when a filter names a data source, table
    /// or field Reporter does not have (with [`check_names`](Self::check_names)), or when
    /// this client already sent the key with another body; [`Error::Api`] with status 409 and code `TPL-0039` when the key
    /// stayed in flight through every retry; otherwise the transport's errors (404
    /// `TPL-0011` for an unknown template).
    pub async fn send(self) -> Result<Idempotent<Report>, Error> {
        let endpoint = self.service.slot.get()?;
        if uuid::Uuid::parse_str(self.template_id.trim()).is_err() {
            return Err(Error::invalid_input(
                OPERATION,
                format!(
                    "the template id `{}` is not a UUID; see `list_templates` for the ids",
                    self.template_id
                ),
            ));
        }
        let filters = filters_json(&self.filters)
            .map_err(|message| Error::invalid_input(OPERATION, message))?;
        if self.check_names {
            check_names(&self.service, &self.filters).await?;
        }
        let key = self.idempotency_key.unwrap_or_else(IdempotencyKey::generate);
        let body = CreateReportInput { template_id: self.template_id.trim(), filters };
        let request = endpoint
            .request(OPERATION, Method::POST, &["v1", "reports"])
            .json_body(&body)?
            .idempotency_key(KEY_HEADER, &key);
        let answer = endpoint.send(request).await.map_err(advise)?;
        Ok(Idempotent::new(answer.json(OPERATION)?, replayed(&answer), key))
    }

    /// Sends the request, then waits for the report with
    /// [`wait_for_report`](super::Service::wait_for_report)'s defaults (10 minutes at
    /// most); the answer is the `Finished` report, with the key and whether the request
    /// was a replay. For another deadline, call [`send`](Self::send), then
    /// `wait_for_report(id).max_wait(..)`.
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let report = client
    ///     .reporter()
    ///     .generate_report("00000000-0000-4000-8000-000000000001")
    ///     .send_and_wait()
    ///     .await?;
    /// let file = client.reporter().download_report(&report.value.id).send().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Those of [`send`](Self::send), then those of the wait:
    /// [`Error::JobFailed`] when the report ends in `Error`, [`Error::WaitTimeout`] at the
    /// deadline.
    pub async fn send_and_wait(self) -> Result<Idempotent<Report>, Error> {
        let service = self.service.clone();
        let created = self.send().await?;
        let finished = service.wait_for_report(&created.value.id).await?;
        Ok(Idempotent::new(finished, created.replayed, created.key))
    }
}

/// Whether `answer` replays an earlier request with its key (`X-Idempotency-Replayed`).
pub(super) fn replayed(answer: &crate::transport::Answer) -> bool {
    crate::idempotency::replayed(&answer.headers, REPLAYED_HEADER)
}

/// Refuses the first filter that names a data source, table or field Reporter does not
/// describe, reading each data source the filters name once.
async fn check_names(service: &Service, filters: &[Filter]) -> Result<(), Error> {
    let mut read: Vec<super::DataSource> = Vec::new();
    for filter in filters {
        let (name, _, _) = filter.names();
        if !read.iter().any(|source| source.id == name) {
            match service.get_data_source(name).send().await {
                Ok(source) => read.push(source),
                Err(Error::Api(api)) if api.status() == reqwest::StatusCode::NOT_FOUND => {
                    return Err(Error::invalid_input(
                        OPERATION,
                        format!("Reporter has no data source `{name}`; see `list_data_sources`"),
                    ));
                }
                Err(other) => return Err(other),
            }
        }
        if let Some(source) = read.iter().find(|source| source.id == name) {
            source.check(filter).map_err(|why| Error::invalid_input(OPERATION, why))?;
        }
    }
    Ok(())
}
