//! The `GET logs` query: activity type, time window, descriptor filters, page size, order
//! and skip token, validated into a [`LogsQuery`] or refused with a 400.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;

use super::{answer::Refusal, skip_token::decode_token, state::Key};
use crate::testkit::sim::SimRequest;

pub(super) const DEFAULT_PAGE_SIZE: usize = 100;
pub(super) const MAX_PAGE_SIZE: usize = 1000;
/// How far a missing `startDate` or `endDate` lies from the other one (or from now).
pub(super) const DEFAULT_WINDOW: TimeDelta = TimeDelta::days(7);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Order {
    Asc,
    Desc,
}

/// A descriptor filter from the query.
#[derive(Debug)]
pub(super) struct Filter<'a> {
    /// JSON pointer into the event (`/descriptor/brandId`).
    pub(super) pointer: &'static str,
    pub(super) value: &'a str,
    /// Whether an event without the field fails the filter (else it passes).
    pub(super) required: bool,
}

impl Filter<'_> {
    pub(super) fn accepts(&self, event: &Value) -> bool {
        match event.pointer(self.pointer) {
            Some(Value::String(value)) => value == self.value,
            None | Some(Value::Null) => !self.required,
            Some(_) => false,
        }
    }
}

/// A validated `GET logs` query.
#[derive(Debug)]
pub(super) struct LogsQuery<'a> {
    pub(super) activity_type: &'a str,
    pub(super) filters: Vec<Filter<'a>>,
    pub(super) page_size: usize,
    pub(super) order: Order,
    pub(super) start: DateTime<Utc>,
    pub(super) end: DateTime<Utc>,
    /// The last event of the previous page.
    pub(super) after: Option<Key>,
    /// When the request arrived: events published later are not listed yet.
    pub(super) now: DateTime<Utc>,
}

impl<'a> LogsQuery<'a> {
    pub(super) fn parse(request: &'a SimRequest, now: DateTime<Utc>) -> Result<Self, Refusal> {
        let activity_type = match request.query_param("activityType") {
            Some(name) if !name.trim().is_empty() => name,
            _ => return Err(Refusal::bad_request("QVAL_1", "activityType is required")),
        };
        let mut filters = Vec::new();
        for (param, pointer, required) in [
            ("organizationId", "/descriptor/brandId", true),
            ("userId", "/descriptor/userId", true),
            ("directoryId", "/descriptor/directoryId", false),
            ("groupId", "/descriptor/groupId", false),
            ("contactId", "/descriptor/contactId", false),
        ] {
            if let Some(value) = request.query_param(param) {
                filters.push(Filter { pointer, value, required });
            }
        }
        let page_size = match request.query_param("pageSize") {
            None => DEFAULT_PAGE_SIZE,
            Some(text) => match text.parse::<usize>() {
                Ok(size) if (1..=MAX_PAGE_SIZE).contains(&size) => size,
                _ => {
                    return Err(Refusal::bad_request(
                        "QVAL_1",
                        format!(
                            "pageSize must be a number from 1 to {MAX_PAGE_SIZE}, not `{text}`"
                        ),
                    ));
                }
            },
        };
        let order = match request.query_param("order") {
            None | Some("asc") => Order::Asc,
            Some("dsc") => Order::Desc,
            Some(other) => {
                return Err(Refusal::bad_request(
                    "QVAL_1",
                    format!("order must be `asc` or `dsc`, not `{other}`"),
                ));
            }
        };
        let (start, end) = match (date(request, "startDate")?, date(request, "endDate")?) {
            (Some(start), Some(end)) => (start, end),
            (Some(start), None) => (start, start + DEFAULT_WINDOW),
            (None, Some(end)) => (end - DEFAULT_WINDOW, end),
            (None, None) => (now - DEFAULT_WINDOW, now),
        };
        if start >= end {
            return Err(Refusal::bad_request("QVAL_1", "startDate must be before endDate"));
        }
        let after = match request.query_param("skipToken") {
            None => None,
            Some("") => return Err(Refusal::bad_request("QVAL_5", "skipToken must not be empty")),
            Some(token) => Some(decode_token(token).ok_or_else(|| {
                Refusal::bad_request("QVAL_5", format!("skipToken `{token}` is not valid"))
            })?),
        };
        Ok(Self { activity_type, filters, page_size, order, start, end, after, now })
    }

    pub(super) fn accepts(&self, event: &Value) -> bool {
        self.filters.iter().all(|filter| filter.accepts(event))
    }
}

/// An RFC 3339 query date, or the 400 naming it.
pub(super) fn date(request: &SimRequest, name: &str) -> Result<Option<DateTime<Utc>>, Refusal> {
    let Some(text) = request.query_param(name) else {
        return Ok(None);
    };
    match DateTime::parse_from_rfc3339(text) {
        Ok(at) => Ok(Some(at.to_utc())),
        Err(_) => Err(Refusal::bad_request(
            "QVAL_1",
            format!(
                "{name} must be an RFC 3339 date-time (2026-03-30T08:15:00.000Z), not `{text}`"
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::qualtrics::testing::*;
    use hyper::StatusCode;
    use serde_json::json;

    use crate::testkit::qualtrics::config::Config;

    #[test]
    fn without_dates_the_window_is_the_seven_days_before_now() {
        let sandbox = sandbox(Config::default());
        let now = at("2026-03-10T12:00:00.000Z");
        add(
            &sandbox,
            &[
                ("too-old", "2026-03-03T11:59:59.999Z"),
                ("first", "2026-03-03T12:00:00.000Z"),
                ("last", "2026-03-10T11:59:59.999Z"),
                ("now", "2026-03-10T12:00:00.000Z"),
            ],
        );
        assert_eq!(ids(&logs_at(&sandbox, "activityType=logins", now)), ["first", "last"]);
    }

    #[test]
    fn a_missing_end_is_seven_days_after_the_start_and_a_missing_start_before_the_end() {
        let sandbox = sandbox(Config::default());
        add(
            &sandbox,
            &[
                ("a", "2026-01-01T00:00:00.000Z"),
                ("b", "2026-01-07T23:59:59.999Z"),
                ("c", "2026-01-08T00:00:00.000Z"),
            ],
        );
        let start = logs(&sandbox, "activityType=logins&startDate=2026-01-01T00:00:00Z");
        assert_eq!(ids(&start), ["a", "b"]);
        let end = logs(&sandbox, "activityType=logins&endDate=2026-01-08T00:00:00.001Z");
        assert_eq!(ids(&end), ["b", "c"]);
    }

    #[test]
    fn start_is_inclusive_end_exclusive_and_offsets_are_honoured() {
        let sandbox = sandbox(Config::default());
        add(&sandbox, &[("a", "2026-02-01T10:00:00.000Z"), ("b", "2026-02-01T11:00:00.000Z")]);
        let query =
            "activityType=logins&startDate=2026-02-01T10:00:00Z&endDate=2026-02-01T11:00:00Z";
        assert_eq!(ids(&logs(&sandbox, query)), ["a"]);
        // The same window written at UTC−05:00.
        let query = "activityType=logins&startDate=2026-02-01T05:00:00.000-05:00\
                     &endDate=2026-02-01T06:00:00.001-05:00";
        assert_eq!(ids(&logs(&sandbox, query)), ["a", "b"]);
    }

    #[test]
    fn bad_dates_and_empty_windows_are_400s() {
        let sandbox = sandbox(Config::default());
        for query in [
            "startDate=2026-02-01",
            "endDate=yesterday",
            "startDate=2026-02-01T10:00:00Z&endDate=2026-02-01T10:00:00Z",
            "startDate=2026-02-02T00:00:00Z&endDate=2026-02-01T00:00:00Z",
        ] {
            let answer = logs(&sandbox, &format!("activityType=logins&{query}"));
            assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
            assert_eq!(answer.body["meta"]["httpStatus"], "400 - Bad Request");
            assert_eq!(error_code(&answer), "QVAL_1");
        }
    }

    #[test]
    fn dsc_lists_newest_first_and_other_orders_are_400s() {
        let sandbox = sandbox(Config::default());
        // The same instant twice: the id breaks the tie, both ways round.
        add(
            &sandbox,
            &[
                ("b", "2026-02-01T10:00:00.000Z"),
                ("a", "2026-02-01T10:00:00.000Z"),
                ("c", "2026-02-01T09:00:00.000Z"),
            ],
        );
        let window = "activityType=logins&startDate=2026-02-01T00:00:00Z";
        assert_eq!(ids(&logs(&sandbox, window)), ["c", "a", "b"]);
        assert_eq!(ids(&logs(&sandbox, &format!("{window}&order=asc"))), ["c", "a", "b"]);
        assert_eq!(ids(&logs(&sandbox, &format!("{window}&order=dsc"))), ["b", "a", "c"]);
        for order in ["desc", "ASC", ""] {
            let answer = logs(&sandbox, &format!("{window}&order={order}"));
            assert_eq!(answer.status, StatusCode::BAD_REQUEST, "order={order}");
            assert!(answer.body["meta"]["error"]["errorMessage"].as_str().is_some());
        }
    }

    #[test]
    fn page_size_defaults_to_100_and_must_be_1_to_1000() {
        let sandbox = sandbox(Config::default());
        let (from, to) = (at("2026-01-01T00:00:00Z"), at("2026-01-02T00:00:00Z"));
        sandbox.seed_events("logins", 1001, from, to);
        let window = "activityType=logins&startDate=2026-01-01T00:00:00Z";
        assert_eq!(ids(&logs(&sandbox, window)).len(), 100);
        let max = logs(&sandbox, &format!("{window}&pageSize=1000"));
        assert_eq!(ids(&max).len(), 1000);
        assert!(max.body["result"]["nextPage"].is_string());
        assert_eq!(ids(&logs(&sandbox, &format!("{window}&pageSize=1"))).len(), 1);
        for size in ["0", "1001", "-1", "ten", ""] {
            let answer = logs(&sandbox, &format!("{window}&pageSize={size}"));
            assert_eq!(answer.status, StatusCode::BAD_REQUEST, "pageSize={size}");
            assert_eq!(error_code(&answer), "QVAL_1");
        }
    }

    #[test]
    fn filters_match_brand_and_user_and_pass_events_without_the_optional_fields() {
        let sandbox = sandbox(Config::default());
        for (id, brand, user, directory) in [
            ("a", "acme", "UR_1", Some("POOL_1")),
            ("b", "acme", "UR_2", None),
            ("c", "globex", "UR_1", Some("POOL_2")),
        ] {
            let descriptor = json!({ "brandId": brand, "userId": user, "directoryId": directory });
            let event =
                json!({ "id": id, "timestamp": "2026-01-01T10:00:00Z", "descriptor": descriptor });
            sandbox.add_event("contact", event);
        }
        let window = "activityType=contact&startDate=2026-01-01T00:00:00Z";
        let list = |filter: &str| ids(&logs(&sandbox, &format!("{window}&{filter}")));
        assert_eq!(list("organizationId=acme"), ["a", "b"]);
        assert_eq!(list("userId=UR_1"), ["a", "c"]);
        assert_eq!(list("organizationId=acme&userId=UR_1"), ["a"]);
        assert_eq!(list("organizationId=initech"), Vec::<String>::new());
        // `b` has a null directoryId and no groupId or contactId: they do not apply to it.
        assert_eq!(list("directoryId=POOL_1"), ["a", "b"]);
        assert_eq!(list("groupId=G_1&contactId=CID_1"), ["a", "b", "c"]);
    }

    #[test]
    fn activity_type_is_required_and_an_unknown_one_lists_nothing() {
        let sandbox = sandbox(Config::default());
        for query in ["", "activityType=", "pageSize=5"] {
            let answer = logs(&sandbox, query);
            assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
            let message = answer.body["meta"]["error"]["errorMessage"].as_str().unwrap_or("");
            assert!(message.contains("activityType"), "{message}");
        }
        let answer = logs(&sandbox, "activityType=no_such_type");
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.body["result"], json!({ "elements": [], "nextPage": null }));
        assert_eq!(answer.body["meta"]["httpStatus"], "200 - OK");
    }
}
