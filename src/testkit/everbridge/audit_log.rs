//! `GET rest/reports/auditLog`: the query's rules (answered the way Everbridge does, most
//! as HTTP-200 business errors), then a pageQuery page or a scroll batch.

use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use serde::Serialize;
use serde_json::json;
use tokio::time::Instant;

use super::{
    entries::View,
    refusal::Refusal,
    state::{Scroll, State, report_type},
};
use crate::testkit::sim::SimRequest;

/// Entries per page, for pageQuery and scroll alike.
pub(super) const PAGE_SIZE: usize = 100;
/// pageQuery's limit: `pageNo × 100` may not pass it.
const WINDOW_LIMIT: usize = 10_000;

pub(super) const PAGE_TOO_LARGE: &str = "Page number is too large, from * size must be less than or equal to: [10000]. The pagination API of pageQuery type only returns a subset of records, you can set queryType to scroll to get all records in batch.";
pub(super) const POLICY_NOT_ENABLED: &str =
    "The current account does not enable 'Event Logging, Reporting & Alerting Policy'.";
pub(super) const NOT_ONE_MONTH: &str = "The date range must be within a single calendar month.";
pub(super) const OLDER_THAN_SIX_MONTHS: &str = "The date range must be within the past 6 months.";
pub(super) const PAGE_NUMBER_TOO_SMALL: &str = "The page number should be greater than 1.";
pub(super) const SCROLL_GONE: &str = "The scroll id is invalid or has expired: open a new scroll with pageNo=0&queryType=scroll.";

/// A checked `GET reports/auditLog` query.
struct Query {
    report_type: &'static str,
    from: DateTime<Utc>,
    /// Inclusive: the last second (or, for a date, the last second of that day).
    to: DateTime<Utc>,
}

/// The batch an answer carries: `PAGE_SIZE` entries of `query` from position `start`.
struct Batch {
    query: Query,
    start: usize,
    number: usize,
    scroll_id: Option<String>,
}

impl State {
    /// The answer's body, or the refusal.
    pub(super) fn audit_log(&mut self, request: &SimRequest) -> Result<Vec<u8>, Refusal> {
        if !self.logging_policy {
            return Err(Refusal::Business(POLICY_NOT_ENABLED));
        }
        let query = self.query(request)?;
        // A scroll continued is cheap; a query opened over a long range is what the
        // gateway's 29 s cut off.
        let opens = request.query_param("scrollId").is_none();
        if opens && self.timeout_over.is_some_and(|over| query.to - query.from > over) {
            self.timeouts += 1;
            return Err(super::limits::gateway_timeout());
        }
        let batch = match request.query_param("queryType").unwrap_or("pageQuery") {
            "pageQuery" => page_query(query, request)?,
            "scroll" => self.scroll(query, request)?,
            other => {
                return Err(Refusal::bad_request(format!(
                    "queryType must be pageQuery or scroll, not `{other}`"
                )));
            }
        };
        Ok(self.render(&batch, request.now))
    }

    fn render(&self, batch: &Batch, now: DateTime<Utc>) -> Vec<u8> {
        let Query { report_type, from, to } = batch.query;
        let all = self.between(report_type, from, to, now);
        let rest = all.get(batch.start..).unwrap_or_default();
        let page = Page {
            current_page_no: batch.number,
            data: rest.iter().take(PAGE_SIZE).map(|entry| entry.view(report_type)).collect(),
            page_size: PAGE_SIZE,
            scroll_id: batch.scroll_id.as_deref(),
            start: batch.start,
            total_count: all.len(),
            total_page_count: all.len().div_ceil(PAGE_SIZE),
        };
        // Borrowed strings and `Value`s always serialize.
        let body = if self.wrapped {
            serde_json::to_vec(&json!({ "data": page, "success": true, "type": report_type }))
        } else {
            serde_json::to_vec(&page)
        };
        body.unwrap_or_default()
    }

    fn query(&self, request: &SimRequest) -> Result<Query, Refusal> {
        let name = request.query_param("reportType").unwrap_or_default();
        let report_type = report_type(name).ok_or_else(|| {
            Refusal::bad_request(format!("reportType must be Security or Contact, not `{name}`"))
        })?;
        let from = date(request, "from", false)?;
        let to = date(request, "to", true)?;
        if from > to {
            return Err(Refusal::bad_request("from must not be after to"));
        }
        if (from.year(), from.month()) != (to.year(), to.month()) {
            return Err(Refusal::Business(NOT_ONE_MONTH));
        }
        // "Today" by the sandbox's clock, unless pinned.
        let today = self.today.unwrap_or(request.now);
        let oldest = today.checked_sub_months(Months::new(6)).unwrap_or(DateTime::<Utc>::MIN_UTC);
        if from < oldest {
            return Err(Refusal::Business(OLDER_THAN_SIX_MONTHS));
        }
        Ok(Query { report_type, from, to })
    }

    fn scroll(&mut self, query: Query, request: &SimRequest) -> Result<Batch, Refusal> {
        let now = Instant::now();
        self.drop_idle_scrolls(now);
        let id = match request.query_param("scrollId").filter(|id| !id.is_empty()) {
            Some(id) => id.to_owned(),
            None => {
                if request.query_param("pageNo") != Some("0") {
                    return Err(Refusal::bad_request("open a scroll with pageNo=0"));
                }
                self.scrolls_opened += 1;
                let id = format!("sbx-scroll-{}", self.scrolls_opened);
                let Query { report_type, from, to } = query;
                let scroll = Scroll { report_type, from, to, after: None, last_used: now };
                self.scrolls.insert(id.clone(), scroll);
                id
            }
        };
        let Some(scroll) = self.scrolls.get(&id).cloned() else {
            return Err(Refusal::Business(SCROLL_GONE));
        };
        let all = self.between(scroll.report_type, scroll.from, scroll.to, request.now);
        let start = scroll.after.map_or(0, |after| all.partition_point(|entry| entry.key <= after));
        let rest = all.get(start..).unwrap_or_default();
        let last = rest[..rest.len().min(PAGE_SIZE)].last();
        let after = last.map(|entry| entry.key).or(scroll.after);
        if let Some(open) = self.scrolls.get_mut(&id) {
            (open.after, open.last_used) = (after, now);
        }
        let query = Query { report_type: scroll.report_type, from: scroll.from, to: scroll.to };
        Ok(Batch { query, start, number: 0, scroll_id: Some(id) })
    }
}

fn page_query(query: Query, request: &SimRequest) -> Result<Batch, Refusal> {
    let number = request
        .query_param("pageNo")
        .ok_or_else(|| Refusal::bad_request("pageNo is required"))?
        .trim()
        .parse::<usize>()
        .map_err(|_| Refusal::bad_request("pageNo must be a number"))?;
    if number == 0 {
        return Err(Refusal::Business(PAGE_NUMBER_TOO_SMALL));
    }
    if number.saturating_mul(PAGE_SIZE) > WINDOW_LIMIT {
        return Err(Refusal::Business(PAGE_TOO_LARGE));
    }
    Ok(Batch { query, start: (number - 1) * PAGE_SIZE, number, scroll_id: None })
}

/// The bare page, as the seed documents it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Page<'a> {
    current_page_no: usize,
    data: Vec<View<'a>>,
    page_size: usize,
    scroll_id: Option<&'a str>,
    start: usize,
    total_count: usize,
    total_page_count: usize,
}

/// `from` or `to`: `yyyy-MM-ddTHH:mm:ss` or `yyyy-MM-dd` (a `to` date means its whole day).
fn date(request: &SimRequest, name: &str, end_of_day: bool) -> Result<DateTime<Utc>, Refusal> {
    let text = request
        .query_param(name)
        .ok_or_else(|| Refusal::bad_request(format!("{name} is required")))?
        .trim();
    if let Ok(at) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S") {
        return Ok(at.and_utc());
    }
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        Refusal::bad_request(format!("{name} must be yyyy-MM-ddTHH:mm:ss or yyyy-MM-dd, not `{text}`"))
    })?;
    let midnight = day.and_hms_opt(0, 0, 0).map(|at| at.and_utc()).unwrap_or_default();
    let last_second = midnight.checked_add_signed(TimeDelta::seconds(86_399)).unwrap_or(midnight);
    Ok(if end_of_day { last_second } else { midnight })
}
