//! The simulator's state: report distributions, their logs, and the runs `exec` started
//! ([`EnergyCapRun`]), which finish after a few reads or a while.

use chrono::Utc;
use hyper::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use tokio::time::Instant;

use super::{
    config::Config,
    refusal::{not_found_distribution, not_found_log},
};
use crate::testkit::sim::SimResponse;

pub(super) const IN_PROGRESS: &str = "In Progress";

#[derive(Debug)]
pub(super) struct State {
    pub(super) config: Config,
    pub(super) distributions: Vec<Value>,
    pub(super) logs: Vec<Log>,
    pub(super) runs: Vec<EnergyCapRun>,
    pub(super) outcome: Outcome,
    /// Whether the key's user has `DistributedReportsSettings (Manage)`, which the log
    /// routes need.
    pub(super) logs_permitted: bool,
}

#[derive(Debug, Clone)]
pub(super) struct Outcome {
    pub(super) status: String,
    pub(super) errors: Option<String>,
}

#[derive(Debug)]
pub(super) struct Log {
    pub(super) id: i64,
    /// The list answer's object; detail adds the two fields below.
    pub(super) listed: Value,
    pub(super) email_settings: Value,
    pub(super) errors: Value,
    /// Present while a run started by `exec` has not finished.
    pub(super) run: Option<Run>,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Run {
    pub(super) reads: u32,
    pub(super) started: Instant,
}

/// One run the simulator started for `POST reportdistribution/{id}/exec`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnergyCapRun {
    /// The distribution that was run.
    pub distribution_id: i64,
    /// The body's `overrideUserIds`, when it had any.
    pub override_user_ids: Option<Vec<i64>>,
    /// The id of the log the run created.
    pub log_id: i64,
}

impl Log {
    pub(super) fn is_in_progress(&self) -> bool {
        self.listed.get("status").and_then(Value::as_str) == Some(IN_PROGRESS)
    }

    /// Advances a run: counts a read when `read`, and finishes it when it is due.
    pub(super) fn observe(&mut self, read: bool, config: &Config, outcome: &Outcome) {
        let Some(run) = &mut self.run else {
            return;
        };
        if read {
            run.reads = run.reads.saturating_add(1);
        }
        if !config.is_due(run.reads, run.started.elapsed()) {
            return;
        }
        self.run = None;
        if let Value::Object(fields) = &mut self.listed {
            fields.insert("status".into(), outcome.status.clone().into());
            fields.insert("endDate".into(), now().into());
        }
        self.errors = outcome.errors.clone().map_or(Value::Null, Value::String);
    }
}

impl State {
    pub(super) fn find(&self, id: i64) -> Option<&Log> {
        self.logs.iter().find(|log| log.id == id)
    }

    pub(super) fn find_mut(&mut self, id: i64) -> Option<&mut Log> {
        self.logs.iter_mut().find(|log| log.id == id)
    }

    pub(super) fn list(&mut self, include_in_progress: bool) -> SimResponse {
        let mut listed = Vec::new();
        for log in &mut self.logs {
            // Runs are only read when they are shown, which needs includeInProgress.
            log.observe(include_in_progress, &self.config, &self.outcome);
            if include_in_progress || !log.is_in_progress() {
                listed.push(log.listed.clone());
            }
        }
        SimResponse::json(StatusCode::OK, &Value::Array(listed))
    }

    pub(super) fn detail(&mut self, id: i64) -> SimResponse {
        let (config, outcome) = (self.config, self.outcome.clone());
        let Some(log) = self.find_mut(id).filter(|log| log.listed.is_object()) else {
            return not_found_log(&id.to_string());
        };
        log.observe(true, &config, &outcome);
        let mut detail = log.listed.clone();
        if let Value::Object(fields) = &mut detail {
            fields.insert("emailSettings".into(), log.email_settings.clone());
            fields.insert("errors".into(), log.errors.clone());
        }
        SimResponse::json(StatusCode::OK, &detail)
    }

    pub(super) fn exec(&mut self, distribution_id: i64, body: &[u8]) -> SimResponse {
        #[derive(Debug, Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct ExecBody {
            override_user_ids: Option<Vec<i64>>,
        }
        let body = if body.trim_ascii().is_empty() {
            None
        } else {
            match serde_json::from_slice::<Option<ExecBody>>(body) {
                Ok(body) => body,
                Err(e) => {
                    return SimResponse::message(StatusCode::BAD_REQUEST, &format!("{e}"));
                }
            }
        };
        let Some(distribution) =
            self.distributions.iter().find(|d| id_of(d) == Some(distribution_id))
        else {
            return not_found_distribution(&distribution_id.to_string());
        };
        let override_user_ids = body.and_then(|body| body.override_user_ids);
        let recipients = match &override_user_ids {
            Some(ids) => {
                let mut unique = ids.clone();
                unique.sort_unstable();
                unique.dedup();
                json!(unique.len())
            }
            None => distribution.get("numberOfRecipients").cloned().unwrap_or(json!(1)),
        };
        let log_id = self.next_log_id();
        let listed = json!({
            "beginDate": now(),
            "numberOfRecipients": recipients,
            "reportDistribution": child_of(distribution),
            "reportDistributionLogId": log_id,
            "status": IN_PROGRESS,
        });
        self.logs.push(Log {
            id: log_id,
            email_settings: email_settings(&listed),
            listed: listed.clone(),
            errors: Value::Null,
            run: Some(Run { reads: 0, started: Instant::now() }),
        });
        self.runs.push(EnergyCapRun { distribution_id, override_user_ids, log_id });
        SimResponse::json(StatusCode::OK, &listed)
    }

    pub(super) fn add_log(&mut self, mut listed: Value) -> i64 {
        let id = listed
            .get("reportDistributionLogId")
            .and_then(Value::as_i64)
            .unwrap_or_else(|| self.next_log_id());
        let (mut email, mut errors) = (Value::Null, Value::Null);
        if let Value::Object(fields) = &mut listed {
            fields.entry("reportDistributionLogId").or_insert(id.into());
            errors = fields.remove("errors").unwrap_or_default();
            email = fields.remove("emailSettings").unwrap_or_default();
        }
        if email.is_null() {
            email = email_settings(&listed);
        }
        self.logs.retain(|log| log.id != id);
        self.logs.push(Log { id, listed, email_settings: email, errors, run: None });
        id
    }

    pub(super) fn add_distribution(&mut self, mut distribution: Value) -> i64 {
        let next = self.distributions.iter().filter_map(id_of).max().unwrap_or(0) + 1;
        let id = id_of(&distribution).unwrap_or(next);
        if let Value::Object(fields) = &mut distribution {
            fields.insert("reportDistributionId".into(), id.into());
        }
        self.distributions.retain(|d| id_of(d) != Some(id));
        self.distributions.push(distribution);
        id
    }

    pub(super) fn next_log_id(&self) -> i64 {
        self.logs.iter().map(|log| log.id).max().unwrap_or(100) + 1
    }
}

pub(super) fn id_of(distribution: &Value) -> Option<i64> {
    distribution.get("reportDistributionId").and_then(Value::as_i64)
}

/// The ReportDistributionChild a log carries for its distribution.
pub(super) fn child_of(distribution: &Value) -> Value {
    let keys = ["createdByUser", "reportCode", "reportDistributionId", "reportDistributionName"];
    let child: Map<String, Value> = keys
        .into_iter()
        .filter_map(|key| Some((key.to_owned(), distribution.get(key)?.clone())))
        .collect();
    Value::Object(child)
}

/// The API does not document `emailSettings`; this small shape stands in for it.
pub(super) fn email_settings(listed: &Value) -> Value {
    let name = listed
        .pointer("/reportDistribution/reportDistributionName")
        .and_then(Value::as_str)
        .unwrap_or("Report distribution");
    json!({
        "subject": name,
        "body": format!("Attached is the latest \"{name}\" report."),
        "fromAddress": "reports@energycap.example",
    })
}

/// Now, the way the API writes run times: no offset, whole seconds.
pub(super) fn now() -> String {
    Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::energycap::config::Config;

    #[test]
    fn add_log_moves_detail_only_fields_out_of_the_listing() {
        let mut state = State::seeded(Config::default());
        let id = state.add_log(json!({ "status": "Complete", "errors": "boom" }));
        assert_eq!(id, 107);
        let log = state.find(id).map(|log| (log.listed.clone(), log.errors.clone()));
        assert_eq!(
            log,
            Some((json!({ "status": "Complete", "reportDistributionLogId": 107 }), json!("boom")))
        );
    }
}
