//! `POST v1/reports` in the order Reporter's server handles it: the body's shape (no key
//! claimed yet), the idempotency key (claimed before validation, never released), the
//! template id and the filters, then the report.

use chrono::Utc;
use hyper::StatusCode;
use serde_json::{Map, Value, json};

use super::{
    filters,
    idempotency::{Store, Verdict},
    reports::Stamp,
    refusal::error,
    state::{State, not_found},
};
use crate::testkit::sim::{SimRequest, SimResponse};

const REPLAYED: hyper::header::HeaderName = hyper::header::HeaderName::from_static("x-idempotency-replayed");

impl State {
    pub(super) fn create(&mut self, request: &SimRequest) -> SimResponse {
        let body = match body_fields(&request.body) {
            Ok(body) => body,
            Err(refusal) => return *refusal,
        };
        let key = Store::key_of(request.header("x-idempotency"), &request.body);
        match self.keys.claim(&key) {
            Verdict::Proceed => {}
            Verdict::InFlight => {
                return error(
                    StatusCode::CONFLICT,
                    "TPL-0039",
                    "Duplicate Request In Flight",
                    "A request with the same idempotency key is still being processed. Try again later.",
                );
            }
            Verdict::Replay(answer) => {
                return SimResponse::json(StatusCode::CREATED, &answer).with_header(REPLAYED, "true");
            }
        }
        // From here on a refusal leaves the key marked processing, as Reporter does.
        let template_id = body.get("templateId").and_then(Value::as_str).unwrap_or_default();
        if uuid::Uuid::parse_str(template_id).is_err() {
            return error(StatusCode::BAD_REQUEST, "TPL-0012", "Invalid Template ID", "The templateId must be a valid UUID.");
        }
        let Some(template) = self.find_template(template_id) else {
            return not_found("template", template_id);
        };
        let filters = body.get("filters").cloned().unwrap_or_else(|| json!({}));
        if let Err(refusal) = filters::check(&filters) {
            return refusal.into();
        }
        let report = self.next_report(template, filters, Utc::now());
        let answer = self.render(&report, Stamp::Created);
        self.reports.push(report);
        self.keys.complete(&key, answer.clone(), self.config.in_flight_requests);
        SimResponse::json(StatusCode::CREATED, &answer).with_header(REPLAYED, "false")
    }
}

/// The body as an object with exactly `templateId` and `filters`, or the 400 Reporter
/// answers before it looks at the key (boxed: an answer is large next to a map).
fn body_fields(body: &[u8]) -> Result<Map<String, Value>, Box<SimResponse>> {
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(body) else {
        return Err(Box::new(error(StatusCode::BAD_REQUEST, "TPL-0017", "Bad Request", "The request body must be a JSON object.")));
    };
    let unexpected: Map<String, Value> = fields
        .keys()
        .filter(|name| !matches!(name.as_str(), "templateId" | "filters"))
        .map(|name| (name.clone(), json!("unexpected field")))
        .collect();
    if !unexpected.is_empty() {
        let refusal = json!({
            "code": "TPL-0015",
            "title": "Unexpected Fields in the Request",
            "message": "The request body contains more fields than expected. Remove them and try again.",
            "fields": unexpected,
        });
        return Err(Box::new(SimResponse::json(StatusCode::BAD_REQUEST, &refusal)));
    }
    let missing: Vec<&str> =
        ["templateId", "filters"].into_iter().filter(|name| !fields.contains_key(*name)).collect();
    if !missing.is_empty() {
        return Err(Box::new(error(
            StatusCode::BAD_REQUEST,
            "TPL-0016",
            "Missing Fields in Request",
            &format!("The request body is missing required fields: {}.", missing.join(", ")),
        )));
    }
    Ok(fields)
}
