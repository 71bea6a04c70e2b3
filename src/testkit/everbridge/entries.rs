//! The audit log entries the simulator keeps: compact, ordered by time, and turned into
//! JSON only when a page is answered, so a test can seed tens of thousands cheaply.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

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
}

const ACCOUNT_ID: i64 = 295_910_361_792_516;
const ORGANIZATION_ID: i64 = 295_910_361_792_520;
const FIRST_USER_ID: i64 = 295_910_361_792_522;
const EVENT_TYPES: [&str; 4] =
    ["Organization Management", "User Management", "Login", "Contact Management"];
const OPERATIONS: [&str; 4] = ["Update", "Create", "Delete", "Login"];
const USERS: [&str; 5] = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov"];

impl Entry {
    /// The entry as `GET reports/auditLog` sends it.
    pub(super) fn to_json(&self, report_type: &str) -> Value {
        let n = self.key.n;
        match &self.body {
            Body::Raw(value) => value.clone(),
            Body::Generated => {
                let pick = |list: &[&'static str]| list[(n % list.len() as u64) as usize];
                let user = pick(&USERS);
                let operation = pick(&OPERATIONS);
                json!({
                    "accountId": ACCOUNT_ID,
                    "accountName": "ApiAutoAccount_sandbox",
                    "activityType": report_type,
                    // Unique per entry, so tests can tell entries apart (the vendor's is often 0).
                    "entityId": n,
                    "entityInfo": format!("{user} {}", operation.to_ascii_lowercase()),
                    "eventResult": if n % 7 == 3 { "Failure" } else { "Success" },
                    "eventTime": self.key.at.format("%Y-%m-%dT%H:%M:%S").to_string(),
                    "eventType": pick(&EVENT_TYPES),
                    "ipAddress": format!("10.{}.{}.{}", (n >> 16) % 256, (n >> 8) % 256, n % 256),
                    "operationType": operation,
                    "organizationId": ORGANIZATION_ID,
                    "organizationName": "ApiAutoOrg_sandbox",
                    "source": if n.is_multiple_of(3) { "Manager" } else { "EB Admin" },
                    "type": "audit-logs",
                    "userId": FIRST_USER_ID + (n % USERS.len() as u64) as i64,
                    "userName": user,
                })
            }
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
        let entry = Entry { key: Key { at: at("2020-09-16T03:55:47"), n: 7 }, body: Body::Generated };
        let json = entry.to_json("Security");
        assert_eq!(json["eventTime"], "2020-09-16T03:55:47");
        assert_eq!(json["accountId"], 295_910_361_792_516_i64);
        assert_eq!(json["entityId"], 7);
        assert_eq!(json["activityType"], "Security");
        assert_eq!(json.as_object().map(|o| o.len()), Some(16));
    }
}
