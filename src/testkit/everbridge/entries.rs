//! The audit log entries the simulator keeps: compact, ordered by time, and turned into
//! JSON only when a page is answered, so a test can seed tens of thousands cheaply.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

/// The ordering key of an entry: its second, then the order it was added in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Key {
    pub(super) at: DateTime<Utc>,
    pub(super) n: u64,
}

/// What an entry's JSON is made of.
#[derive(Debug, Clone)]
pub(super) enum Body {
    /// Generated from the entry's number, the way the published example looks.
    Generated,
    /// Given by a test, sent verbatim.
    Raw(Value),
}

#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub(super) key: Key,
    pub(super) body: Body,
    /// When the entry may first be listed (see [`LateEvents`](crate::testkit::LateEvents));
    /// `None`: always.
    pub(super) published: Option<DateTime<Utc>>,
}

const ACCOUNT_ID: i64 = 295_910_361_792_516;
const ORGANIZATION_ID: i64 = 295_910_361_792_520;
const FIRST_USER_ID: i64 = 295_910_361_792_522;
const EVENT_TYPES: [&str; 4] =
    ["Organization Management", "User Management", "Login", "Contact Management"];
const OPERATIONS: [&str; 4] = ["Update", "Create", "Delete", "Login"];
/// Contacts are changed, never logged in: the Contact report has no logins.
const CONTACT_OPERATIONS: [&str; 3] = ["Update", "Create", "Delete"];
const USERS: [&str; 5] = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov"];

impl Entry {
    /// The entry as `GET reports/auditLog` sends it.
    pub(super) fn to_json(&self, report_type: &str) -> Value {
        serde_json::to_value(self.view(report_type)).unwrap_or_default()
    }

    /// The entry, ready to serialize straight into an answer.
    pub(super) fn view<'a>(&'a self, report_type: &'a str) -> View<'a> {
        match &self.body {
            Body::Raw(value) => View::Raw(value),
            Body::Generated => View::Generated(Box::new(Generated::new(self.key, report_type))),
        }
    }
}

/// An entry as it goes on the wire.
#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum View<'a> {
    Raw(&'a Value),
    Generated(Box<Generated<'a>>),
}

/// A generated entry, in the published example's shape.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Generated<'a> {
    account_id: i64,
    account_name: &'static str,
    activity_type: &'a str,
    /// Unique per entry, so tests can tell entries apart (the vendor's is often 0).
    entity_id: u64,
    entity_info: String,
    event_result: &'static str,
    event_time: String,
    event_type: &'static str,
    ip_address: String,
    operation_type: &'static str,
    organization_id: i64,
    organization_name: &'static str,
    source: &'static str,
    #[serde(rename = "type")]
    record_type: &'static str,
    user_id: i64,
    user_name: &'static str,
}

impl<'a> Generated<'a> {
    fn new(key: Key, activity_type: &'a str) -> Self {
        let n = key.n;
        let pick = |list: &[&'static str]| list[(n % list.len() as u64) as usize];
        let operations: &[&'static str] =
            if activity_type == "Contact" { &CONTACT_OPERATIONS } else { &OPERATIONS };
        let (user_name, operation_type) = (pick(&USERS), pick(operations));
        Self {
            account_id: ACCOUNT_ID,
            account_name: "ApiAutoAccount_sandbox",
            activity_type,
            entity_id: n,
            entity_info: format!("{user_name} {}", operation_type.to_ascii_lowercase()),
            event_result: if n % 7 == 3 { "Failure" } else { "Success" },
            event_time: key.at.format("%Y-%m-%dT%H:%M:%S").to_string(),
            event_type: pick(&EVENT_TYPES),
            ip_address: format!("10.{}.{}.{}", (n >> 16) % 256, (n >> 8) % 256, n % 256),
            operation_type,
            organization_id: ORGANIZATION_ID,
            organization_name: "ApiAutoOrg_sandbox",
            source: if n.is_multiple_of(3) { "Manager" } else { "EB Admin" },
            record_type: "audit-logs",
            user_id: FIRST_USER_ID.saturating_add((n % USERS.len() as u64) as i64),
            user_name,
        }
    }
}

/// `count` whole seconds spread evenly over `[from, to)`, ascending (repeating seconds
/// when the window has fewer than `count`).
pub(super) fn spread(count: usize, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let (first, end) = (from.timestamp(), to.timestamp());
    let first = if from.timestamp_subsec_nanos() > 0 { first.saturating_add(1) } else { first };
    let seconds = i128::from(end.saturating_sub(first));
    if count == 0 || seconds <= 0 {
        return Vec::new();
    }
    (0..count as i128)
        .filter_map(|i| {
            let offset = i64::try_from(i * seconds / count as i128).ok()?;
            DateTime::from_timestamp(first.saturating_add(offset), 0)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        crate::datetime::parse(text).unwrap_or_else(|| panic!("{text}"))
    }

    #[test]
    fn entries_spread_on_whole_seconds_inside_the_window() {
        let times = spread(4, at("2026-04-01T00:00:00.5"), at("2026-04-01T00:00:09"));
        let text: Vec<String> = times.iter().map(|t| t.format("%H:%M:%S").to_string()).collect();
        assert_eq!(text, ["00:00:01", "00:00:03", "00:00:05", "00:00:07"]);
        assert_eq!(spread(3, at("2026-04-01"), at("2026-04-01T00:00:01")).len(), 3);
        assert!(spread(3, at("2026-04-02"), at("2026-04-01")).is_empty());
    }

    #[test]
    fn a_generated_entry_looks_like_the_published_example() {
        let entry = Entry { key: Key { at: at("2020-09-16T03:55:47"), n: 7 }, body: Body::Generated, published: None };
        let json = entry.to_json("Security");
        assert_eq!(json["eventTime"], "2020-09-16T03:55:47");
        assert_eq!(json["accountId"], 295_910_361_792_516_i64);
        assert_eq!(json["entityId"], 7);
        assert_eq!(json["activityType"], "Security");
        assert_eq!(json.as_object().map(|o| o.len()), Some(16));
    }
}
