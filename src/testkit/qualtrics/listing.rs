//! The answers of `GET logs` and `GET logs/activitytypes`: one page of events from the
//! sorted state, and the `nextPage` that leads to the next one.

use serde::Serialize;
use serde_json::{Value, json};

use super::{
    config::NextPageMode,
    query::{LogsQuery, Order},
    routes::PREFIX,
    skip_token::encode_token,
    state::{Key, State, Stored},
};
use crate::testkit::sim::SimRequest;

impl State {
    pub(super) fn activity_types(&self) -> Value {
        let elements: Vec<Value> = self
            .events
            .keys()
            .map(|name| json!({ "name": name, "additionalFilters": additional_filters(name) }))
            .collect();
        // No `nextPage` key: the real answer leaves it out too.
        json!({ "elements": elements })
    }

    pub(super) fn logs<'s>(&'s self, request: &SimRequest, query: &LogsQuery<'_>) -> EventPage<'s> {
        let events = self.events.get(query.activity_type).map(Vec::as_slice).unwrap_or_default();
        let mut lower = events.partition_point(|stored| stored.key.at < query.start);
        let mut upper = events.partition_point(|stored| stored.key.at < query.end);
        match (&query.after, query.order) {
            (Some(after), Order::Asc) => {
                lower = lower.max(events.partition_point(|stored| stored.key <= *after));
            }
            (Some(after), Order::Desc) => {
                upper = upper.min(events.partition_point(|stored| stored.key < *after));
            }
            (None, _) => {}
        }
        let window = events.get(lower..upper).unwrap_or_default();
        let (page, more) = match query.order {
            Order::Asc => take_page(window.iter(), query),
            Order::Desc => take_page(window.iter().rev(), query),
        };
        let next_page = match page.last() {
            Some(last) if more => Some(self.next_page(request, &last.key)),
            _ => None,
        };
        EventPage { elements: page.into_iter().map(|stored| &stored.event).collect(), next_page }
    }

    pub(super) fn next_page(&self, request: &SimRequest, last: &Key) -> String {
        let token = encode_token(last);
        if self.next_page == NextPageMode::BareToken {
            return token;
        }
        let path = format!("{}/API/v3/logs", PREFIX.trim_start_matches('/'));
        let Ok(mut url) = request.base_url.join(&path) else {
            // The root is a valid http URL and the path is fixed: cannot happen.
            return token;
        };
        url.query_pairs_mut()
            .extend_pairs(request.query.iter().filter(|(name, _)| name != "skipToken"))
            .append_pair("skipToken", &token);
        url.into()
    }
}

/// One page of `GET logs`, borrowing the events so a page of 1000 is not copied first.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct EventPage<'s> {
    pub(super) elements: Vec<&'s Value>,
    /// Serialized as null on the last page, as the published example shows.
    pub(super) next_page: Option<String>,
}

/// Up to `page_size` events that pass the filters, and whether another one follows.
pub(super) fn take_page<'e>(
    events: impl Iterator<Item = &'e Stored>,
    query: &LogsQuery<'_>,
) -> (Vec<&'e Stored>, bool) {
    let mut matching =
        events.filter(|stored| stored.is_published(query.now) && query.accepts(&stored.event));
    let page: Vec<&Stored> = matching.by_ref().take(query.page_size).collect();
    let more = matching.next().is_some();
    (page, more)
}

pub(super) fn additional_filters(activity_type: &str) -> &'static [&'static str] {
    match activity_type {
        "brands" => &["organizationId"],
        "directory" | "directory_setting" => &["organizationId", "directoryId"],
        "contact" | "contact_list" => &["organizationId", "directoryId", "contactId"],
        _ => &["organizationId", "userId"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::qualtrics::testing::*;
    use std::sync::{Arc, Mutex};

    use chrono::Utc;
    use hyper::{Method, StatusCode};
    use serde_json::json;
    use url::Url;

    use crate::testkit::qualtrics::{auth::API_TOKEN, config::Config, handle::QualtricsSandbox};

    #[test]
    fn paging_either_way_serves_every_event_once_even_with_equal_timestamps() {
        let sandbox = sandbox(Config { next_page: NextPageMode::BareToken, ..Config::default() });
        let (from, to) = (at("2026-01-01T00:00:00Z"), at("2026-01-02T00:00:00Z"));
        let seeded = sandbox.seed_events("logins", 50, from, to);
        // Seven more at one instant (which one seeded event shares), added out of order.
        for id in ["t6", "t2", "t0", "t4", "t1", "t5", "t3"] {
            sandbox.add_event("logins", json!({ "id": id, "timestamp": "2026-01-01T12:00:00Z" }));
        }
        let expected: Vec<String> = sandbox
            .events("logins")
            .iter()
            .map(|event| event["id"].as_str().unwrap_or_default().to_owned())
            .collect();
        let (ties, rest): (Vec<&String>, Vec<&String>) =
            expected.iter().partition(|id| id.starts_with('t'));
        assert_eq!(ties, ["t0", "t1", "t2", "t3", "t4", "t5", "t6"]);
        assert_eq!(rest, seeded.iter().collect::<Vec<_>>());

        let window = "activityType=logins&startDate=2026-01-01T00:00:00Z";
        let mut reversed = expected.clone();
        reversed.reverse();
        for size in [1, 3, 7, 57, 100] {
            let asc = drain(&sandbox, &format!("{window}&pageSize={size}"));
            assert_eq!(asc, expected, "asc, pageSize={size}");
            let dsc = drain(&sandbox, &format!("{window}&pageSize={size}&order=dsc"));
            assert_eq!(dsc, reversed, "dsc, pageSize={size}");
        }
    }

    #[test]
    fn next_page_is_the_request_url_with_a_new_token_or_the_bare_token_and_null_at_the_end() {
        let sandbox = sandbox(Config::default());
        let (from, to) = (at("2026-01-01T00:00:00Z"), at("2026-01-02T00:00:00Z"));
        let seeded = sandbox.seed_events("logins", 5, from, to);
        // `groupId` does not apply to logins, so it filters nothing but must survive paging.
        let query = "activityType=logins&startDate=2026-01-01T00:00:00Z&pageSize=2&groupId=G_x%2By";
        let mut answer = logs(&sandbox, query);
        let mut served = ids(&answer);
        let mut tokens = Vec::new();
        while let Some(next) = next_page(&answer) {
            let url = Url::parse(&next).unwrap_or_else(|e| panic!("{next}: {e}"));
            assert_eq!(
                url.as_str().split('?').next(),
                Some("http://127.0.0.1:9/qualtrics/API/v3/logs")
            );
            let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
            let names: Vec<&str> = pairs.iter().map(|(name, _)| name.as_str()).collect();
            assert_eq!(names, ["activityType", "startDate", "pageSize", "groupId", "skipToken"]);
            assert_eq!(pairs[3].1, "G_x+y");
            tokens.push(pairs[4].1.clone());
            // Follow the whole URL, as a client that does not rebuild the query would.
            answer = logs(&sandbox, url.query().unwrap_or_default());
            served.extend(ids(&answer));
        }
        assert_eq!(served, seeded);
        assert_eq!(tokens.len(), 2);
        assert_ne!(tokens[0], tokens[1]);

        sandbox.set_next_page(NextPageMode::BareToken);
        let first = logs(&sandbox, query);
        let token = next_page(&first).unwrap_or_default();
        assert_eq!(token, tokens[0]);
        let encoded: String = url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
        let window = "activityType=logins&startDate=2026-01-01T00:00:00Z";
        let rest = logs(&sandbox, &format!("{window}&pageSize=3&skipToken={encoded}"));
        assert_eq!(ids(&rest), seeded[2..]);
        assert_eq!(next_page(&rest), None);
        assert_eq!(rest.body["result"]["nextPage"], Value::Null);
    }

    #[test]
    fn activity_types_lists_the_seeded_types_without_next_page() {
        let state = State::seeded(Config::default(), Utc::now());
        let sandbox = QualtricsSandbox { state: Arc::new(Mutex::new(state)) };
        sandbox.clear_events();
        let answer = call(
            &sandbox,
            Method::GET,
            "/API/v3/logs/activitytypes",
            &[("x-api-token", API_TOKEN)],
            "",
            Utc::now(),
        );
        assert_eq!(answer.status, StatusCode::OK);
        let result = &answer.body["result"];
        assert_eq!(result.get("nextPage"), None);
        let names: Vec<&str> = result["elements"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t["name"].as_str())
            .collect();
        assert_eq!(
            names,
            ["brands", "logins", "password_resets", "session_creations", "session_terminations"]
        );
        assert_eq!(result["elements"][1]["additionalFilters"], json!(["organizationId", "userId"]));
    }
}
