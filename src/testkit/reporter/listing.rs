//! `GET v1/reports` and `GET v1/templates`: filters, `sort_order`, and pages numbered from 1
//! of at most 100 items, answered as `{items, page, limit, total}` where `total` counts
//! only the page (as Reporter does). Parameters are snake_case, with the camelCase names as
//! deprecated aliases (snake_case wins); a `template_id` or `created_at` that does not
//! parse is silently ignored, and reports are always newest first, as in Reporter 1.1.

use chrono::NaiveDate;
use hyper::StatusCode;
use serde_json::{Value, json};

use super::{
    reports::Stamp,
    refusal::{Refusal, error},
    state::State,
};
use crate::testkit::sim::{SimRequest, SimResponse};

const DEFAULT_LIMIT: usize = 10;
const MAX_LIMIT: usize = 100;

/// Query parameter `snake`, else its deprecated camelCase alias `camel`.
fn param<'a>(request: &'a SimRequest, snake: &str, camel: &str) -> Option<&'a str> {
    request.query_param(snake).or_else(|| request.query_param(camel))
}

/// A list request's paging, as Reporter validates it.
struct Paging {
    limit: usize,
    page: usize,
    newest_first: bool,
}

impl Paging {
    fn read(request: &SimRequest) -> Result<Self, Refusal> {
        let number = |name: &str, default: usize| match request.query_param(name) {
            None => Ok(default),
            Some(text) => text.trim().parse::<usize>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                Refusal::bad_request(
                    "TPL-0019",
                    "Invalid Query Parameter",
                    format!("The query parameter {name} must be a positive integer, not `{text}`."),
                )
            }),
        };
        let (limit, page) = (number("limit", DEFAULT_LIMIT)?, number("page", 1)?);
        if limit > MAX_LIMIT {
            return Err(Refusal::bad_request(
                "TPL-0024",
                "Pagination Limit Exceeded",
                format!("The pagination limit exceeds the maximum allowed of {MAX_LIMIT} items per page."),
            ));
        }
        let newest_first = match param(request, "sort_order", "sortOrder").map(str::to_ascii_lowercase).as_deref() {
            None | Some("desc") => true,
            Some("asc") => false,
            Some(_) => {
                return Err(Refusal::bad_request(
                    "TPL-0025",
                    "Invalid Sort Order",
                    "The sort_order must be asc or desc.".into(),
                ));
            }
        };
        Ok(Self { limit, page, newest_first })
    }

    /// The page of `items` (oldest first) this request asks for.
    fn answer(&self, mut items: Vec<Value>) -> SimResponse {
        if self.newest_first {
            items.reverse();
        }
        let skip = self.page.saturating_sub(1).saturating_mul(self.limit);
        let page: Vec<Value> = items.into_iter().skip(skip).take(self.limit).collect();
        let body = json!({ "items": page, "page": self.page, "limit": self.limit, "total": page.len() });
        SimResponse::json(StatusCode::OK, &body)
    }
}

impl State {
    pub(super) fn list_reports(&mut self, request: &SimRequest) -> SimResponse {
        let mut paging = match Paging::read(request) {
            Ok(paging) => paging,
            Err(refusal) => return refusal.into(),
        };
        // Reporter 1.1 lists reports by `created_at` descending, whatever `sort_order` says.
        paging.newest_first = true;
        // A day or a template id that does not parse is dropped, and the list comes back
        // unfiltered, as Reporter does.
        let created_on = param(request, "created_at", "createdAt")
            .and_then(|day| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok());
        let template_id = param(request, "template_id", "templateId")
            .filter(|id| uuid::Uuid::parse_str(id).is_ok());
        let config = self.config;
        for report in &mut self.reports {
            report.observe(false, &config);
        }
        // The status is matched exactly against the stored spelling, as Reporter does.
        let status = request.query_param("status");
        let mut matching: Vec<_> = self
            .reports
            .iter()
            .filter(|r| status.is_none_or(|s| s == r.status.stored()))
            .filter(|r| template_id.is_none_or(|id| id == r.template.id))
            .filter(|r| created_on.is_none_or(|day| r.created_at.date_naive() == day))
            .collect();
        matching.sort_by(|a, b| a.created_at.cmp(&b.created_at).then_with(|| a.id.cmp(&b.id)));
        let items = matching.into_iter().map(|report| self.render(report, Stamp::Read)).collect();
        paging.answer(items)
    }

    pub(super) fn list_templates(&self, request: &SimRequest) -> SimResponse {
        let paging = match Paging::read(request) {
            Ok(paging) => paging,
            Err(refusal) => return refusal.into(),
        };
        let format = param(request, "output_format", "outputFormat");
        let known = ["CSV", "HTML", "XML", "TXT", "PDF"];
        if format.is_some_and(|f| !known.iter().any(|k| k.eq_ignore_ascii_case(f))) {
            return error(StatusCode::BAD_REQUEST, "TPL-0003", "Invalid Output Format", "The output_format must be XML, HTML, TXT, CSV or PDF.");
        }
        let description = request.query_param("description").map(str::to_lowercase);
        let items = self
            .templates
            .iter()
            .filter(|t| format.is_none_or(|f| t.output_format.to_ascii_lowercase() == f))
            .filter(|t| description.as_deref().is_none_or(|d| t.description.to_lowercase().contains(d)))
            .map(|t| t.json())
            .collect();
        paging.answer(items)
    }
}
