//! What the EnergyCAP simulator starts with: three distributions and six logs, one of
//! them stuck `In Progress`, their dates in every form the API is seen to send.

use serde_json::{Value, json};

use super::{
    config::Config,
    state::{IN_PROGRESS, Outcome, State, child_of, id_of},
};

impl State {
    pub(super) fn seeded(config: Config) -> Self {
        let mut state = Self {
            config,
            distributions: Vec::new(),
            logs: Vec::new(),
            runs: Vec::new(),
            outcome: Outcome { status: "Complete".into(), errors: None },
            logs_permitted: true,
        };
        for distribution in seed_distributions() {
            state.add_distribution(distribution);
        }
        for (id, distribution_id, begin, end, recipients, status, errors) in SEED_LOGS {
            let child = state
                .distributions
                .iter()
                .find(|d| id_of(d) == Some(distribution_id))
                .map(child_of)
                .unwrap_or_default();
            let mut log = json!({
                "beginDate": begin,
                "numberOfRecipients": recipients,
                "reportDistribution": child,
                "reportDistributionLogId": id,
                "status": status,
                "errors": errors,
            });
            // Absent, not null, is how an unfinished run leaves `endDate` out.
            if let (Some(end), Value::Object(fields)) = (end, &mut log) {
                fields.insert("endDate".into(), end.map_or(Value::Null, Into::into));
            }
            state.add_log(log);
        }
        state
    }
}


/// Seeded logs: (id, distribution, beginDate, endDate, recipients, status, errors). The
/// dates mix the forms the API is seen to send: date-only like the published example, no
/// offset, and RFC 3339 with offsets and fractions. `Some(None)` is an explicit null.
#[allow(clippy::type_complexity)]
pub(super) const SEED_LOGS: [(i64, i64, &str, Option<Option<&str>>, i64, &str, Option<&str>); 6] = [
    (101, 1, "2026-03-30", Some(Some("2026-03-30")), 1, "Complete", None),
    (102, 2, "2026-03-30T08:15:00", Some(Some("2026-03-30T08:16:42")), 4, "Complete", None),
    (
        103,
        2,
        "2026-03-23T08:15:00.1234567-04:00",
        Some(Some("2026-03-23T08:17:30-04:00")),
        4,
        "Some reports not sent",
        Some("1 of 4 recipients has no email address"),
    ),
    (
        104,
        3,
        "2026-03-01T06:00:00Z",
        Some(Some("2026-03-01T06:00:03Z")),
        2,
        "Not sent",
        Some("No recipient has a valid email address"),
    ),
    (
        105,
        3,
        "2026-02-01T06:00:00+00:00",
        Some(Some("2026-02-01T06:02:10.5+00:00")),
        2,
        "Complete",
        None,
    ),
    (106, 1, "2026-03-31T09:00:00", Some(None), 1, IN_PROGRESS, None),
];

pub(super) fn seed_distributions() -> [Value; 3] {
    [
        json!({
            "reportDistributionId": 1,
            "reportDistributionName": "Monthly Cost Summary",
            "reportCode": "COST-MONTHLY",
            "createdByUser": {},
            "numberOfRecipients": 1,
            "enabled": true,
        }),
        json!({
            "reportDistributionId": 2,
            "reportDistributionName": "Weekly Usage by Building",
            "reportCode": "USE-WEEKLY",
            "createdByUser": { "fullName": "Dana Whitfield", "userCode": "dwhitfield", "userId": 12 },
            "numberOfRecipients": 4,
            "enabled": true,
        }),
        json!({
            "reportDistributionId": 3,
            "reportDistributionName": "Budget Variance",
            "reportCode": "BUDGET-VAR",
            "createdByUser": { "fullName": "System Administrator", "userCode": "admin", "userId": 1 },
            "numberOfRecipients": 2,
            "enabled": false,
        }),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_has_six_logs_with_one_explicit_null_end_date() {
        let state = State::seeded(Config::default());
        assert_eq!(state.logs.len(), 6);
        let in_progress: Vec<_> = state.logs.iter().filter(|log| log.is_in_progress()).collect();
        assert_eq!(in_progress.len(), 1);
        assert_eq!(in_progress[0].listed.get("endDate"), Some(&Value::Null));
        assert_eq!(state.logs[0].listed["reportDistribution"]["createdByUser"], json!({}));
    }
}
