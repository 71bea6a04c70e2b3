//! What the Qualtrics simulator starts with: three weeks of logins, sessions, password
//! resets and brand changes.

use chrono::{DateTime, TimeDelta, Utc};

use super::{
    config::Config,
    events::generate,
    ids::{EVENT_SALT, truncate_to_millis, uuid_like},
    state::{Key, State, Stored},
};

impl State {
    pub(super) fn seeded(config: Config, started: DateTime<Utc>) -> Self {
        let mut state = Self::new(config);
        let started = truncate_to_millis(started);
        for (activity_type, hours_ago) in SEED {
            let mut batch = Vec::new();
            for (variant, hours) in (0u64..).zip(hours_ago.iter().copied()) {
                // Minutes, seconds and milliseconds off the hour, so no two look alike.
                let jitter_ms = (variant * 1_234_567 + hours * 7_919) % 3_600_000;
                let ago =
                    TimeDelta::hours(hours as i64) + TimeDelta::milliseconds(jitter_ms as i64);
                let at = started - ago;
                let n = state.next_event_number();
                let id = uuid_like(EVENT_SALT, n);
                let event = generate(activity_type, variant, &id, at);
                batch.push(Stored { key: Key { at, id }, event, published: None });
            }
            batch.sort_by(|a, b| a.key.cmp(&b.key));
            state.insert_batch(activity_type, batch);
        }
        state
    }
}

/// The events the sandbox starts with: per activity type, how many hours before the start
/// each happened. Seven days before the start splits them for the default window.
pub(super) const SEED: [(&str, &[u64]); 5] = [
    ("logins", &[2, 9, 27, 50, 75, 100, 130, 170, 200, 260, 320, 380, 430, 490]),
    ("session_creations", &[3, 51, 101, 171, 261, 381]),
    ("session_terminations", &[1, 48, 98, 165, 258]),
    ("password_resets", &[30, 140, 310, 470]),
    ("brands", &[20, 220, 400]),
];


#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::qualtrics::testing::*;

    use crate::testkit::qualtrics::{events::DATACENTER, query::DEFAULT_WINDOW};

    #[test]
    fn the_seed_spans_three_weeks_with_failed_logins_and_nulls() {
        let started = at("2026-03-30T12:00:00.000Z");
        let state = State::seeded(Config::default(), started);
        let count = |name: &str| state.events.get(name).map_or(0, Vec::len);
        assert_eq!(
            [
                count("logins"),
                count("session_creations"),
                count("session_terminations"),
                count("password_resets"),
                count("brands")
            ],
            [14, 6, 5, 4, 3]
        );
        let all: Vec<&Stored> = state.events.values().flatten().collect();
        for stored in &all {
            let timestamp = stored.event["timestamp"].as_str().unwrap_or_default();
            assert_eq!(timestamp.len(), "2026-03-30T12:00:00.000Z".len(), "{timestamp}");
            assert!(timestamp.ends_with('Z'));
            assert!(stored.key.at < started && stored.key.at > started - TimeDelta::days(21));
            assert_eq!(stored.event["datacenter"], DATACENTER);
        }
        let logins = &state.events["logins"];
        let failed: Vec<_> =
            logins.iter().filter(|s| s.event["descriptor"]["isSuccessful"] == false).collect();
        assert!(failed.len() >= 2, "{}", failed.len());
        assert!(failed.iter().all(|s| s.event["descriptor"]["failureReason"].is_string()));
        assert!(logins.iter().any(|s| s.event["descriptor"]["isProxyLogin"] == true));
        assert!(logins.iter().any(|s| s.event["descriptor"]["sessionId"].is_null()));
        let in_last_week = logins.iter().filter(|s| s.key.at >= started - DEFAULT_WINDOW).count();
        assert!((3..14).contains(&in_last_week), "{in_last_week}");
        let resets = &state.events["password_resets"];
        assert!(resets.iter().any(|s| s.event["descriptor"]["agentUserId"].is_string()));
        assert!(
            resets
                .iter()
                .any(|s| s.event["descriptor"]["validationRules"]["maxPasswordAgeDays"].is_null())
        );
        let login = &logins[0].event["descriptor"];
        for field in [
            "userId",
            "username",
            "brandId",
            "sessionId",
            "isSuccessful",
            "failureReason",
            "isProxyLogin",
            "proxyDetails",
            "product",
            "url",
            "ipAddress",
        ] {
            assert!(login.get(field).is_some(), "{field}");
        }
        for field in [
            "countryCode",
            "region",
            "city",
            "postalCode",
            "latitude",
            "longitude",
            "dmaCode",
            "areaCode",
            "metroCode",
        ] {
            assert!(login["location"].get(field).is_some(), "{field}");
        }
    }
}
