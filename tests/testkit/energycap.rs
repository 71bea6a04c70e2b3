//! The EnergyCAP simulator, driven over HTTP with plain reqwest.

use std::time::Duration;

use crate::http::{LOGS, get, json, post, statuses};
use auditkit::testkit::Sandbox;
use serde_json::json;

#[tokio::test]
async fn seeded_list_hides_in_progress_runs_by_default() {
    let sandbox = Sandbox::start().await.unwrap();
    let response = get(&sandbox, LOGS).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json; charset=utf-8");
    let logs = json(response).await;
    assert_eq!(
        statuses(&logs),
        ["Complete", "Complete", "Some reports not sent", "Not sent", "Complete"]
    );
    // The first log is the published example's shape: date-only dates, empty user.
    assert_eq!(
        logs[0],
        json!({
            "beginDate": "2026-03-30", "endDate": "2026-03-30", "numberOfRecipients": 1,
            "reportDistribution": { "createdByUser": {}, "reportCode": "COST-MONTHLY",
                "reportDistributionId": 1, "reportDistributionName": "Monthly Cost Summary" },
            "reportDistributionLogId": 101, "status": "Complete",
        })
    );
    assert_eq!(logs[1]["beginDate"], "2026-03-30T08:15:00");
    assert_eq!(logs[2]["beginDate"], "2026-03-23T08:15:00.1234567-04:00");
    assert_eq!(
        logs[1]["reportDistribution"]["createdByUser"],
        json!({ "fullName": "Dana Whitfield", "userCode": "dwhitfield", "userId": 12 })
    );
}

#[tokio::test]
async fn include_in_progress_is_case_insensitive_and_lists_running_logs() {
    let sandbox = Sandbox::start().await.unwrap();
    for value in ["true", "TRUE", "True"] {
        let logs = json(get(&sandbox, &format!("{LOGS}?includeInProgress={value}")).await).await;
        assert_eq!(logs.as_array().map(Vec::len), Some(6), "includeInProgress={value}");
        let running = &logs[5];
        assert_eq!(running["status"], "In Progress");
        assert_eq!(running.get("endDate"), Some(&serde_json::Value::Null));
    }
    let logs = json(get(&sandbox, &format!("{LOGS}?includeInProgress=false")).await).await;
    assert_eq!(logs.as_array().map(Vec::len), Some(5));
}

#[tokio::test]
async fn include_in_progress_that_is_not_a_bool_is_a_400() {
    let sandbox = Sandbox::start().await.unwrap();
    let response = get(&sandbox, &format!("{LOGS}?includeInProgress=1")).await;
    assert_eq!(response.status(), 400);
    assert!(json(response).await["message"].as_str().unwrap().contains("includeInProgress"));
}

#[tokio::test]
async fn detail_adds_email_settings_and_errors() {
    let sandbox = Sandbox::start().await.unwrap();
    let detail = json(get(&sandbox, &format!("{LOGS}/103/detail")).await).await;
    assert_eq!(detail["reportDistributionLogId"], 103);
    assert_eq!(detail["status"], "Some reports not sent");
    assert_eq!(detail["errors"], "1 of 4 recipients has no email address");
    assert_eq!(detail["emailSettings"]["subject"], "Weekly Usage by Building");
    assert!(detail["emailSettings"]["fromAddress"].is_string());

    let complete = json(get(&sandbox, &format!("{LOGS}/101/detail")).await).await;
    assert_eq!(complete.get("errors"), Some(&serde_json::Value::Null));
}

#[tokio::test]
async fn detail_of_an_unknown_log_is_a_json_404() {
    let sandbox = Sandbox::start().await.unwrap();
    for id in ["999", "abc"] {
        let response = get(&sandbox, &format!("{LOGS}/{id}/detail")).await;
        assert_eq!(response.status(), 404);
        let message = json(response).await["message"].as_str().unwrap().to_owned();
        assert!(message.contains(id), "{message}");
    }
}

#[tokio::test]
async fn exec_starts_a_run_that_completes_on_the_second_poll() {
    let sandbox = Sandbox::start().await.unwrap();
    let response =
        post(&sandbox, "api/v202106/reportdistribution/2/exec", r#"{"overrideUserIds":[1,2,2]}"#)
            .await;
    assert_eq!(response.status(), 200);
    let run = json(response).await;
    assert_eq!(run["status"], "In Progress");
    assert_eq!(run.get("endDate"), None);
    assert_eq!(run["reportDistributionLogId"], 107);
    assert_eq!(run["numberOfRecipients"], 2);
    assert_eq!(run["reportDistribution"]["reportDistributionId"], 2);
    let runs = sandbox.energycap().runs();
    assert_eq!(runs.len(), 1);
    assert_eq!(
        (runs[0].distribution_id, runs[0].override_user_ids.clone(), runs[0].log_id),
        (2, Some(vec![1, 2, 2]), 107)
    );

    // Hidden without includeInProgress, and that does not count as a poll.
    let listed = json(get(&sandbox, LOGS).await).await;
    assert!(listed.as_array().unwrap().iter().all(|log| log["reportDistributionLogId"] != 107));

    let first = json(get(&sandbox, &format!("{LOGS}?includeInProgress=true")).await).await;
    assert_eq!(first[6]["status"], "In Progress");
    let second = json(get(&sandbox, &format!("{LOGS}/107/detail")).await).await;
    assert_eq!(second["status"], "Complete");
    assert!(second["endDate"].is_string());
    assert_eq!(second["errors"], serde_json::Value::Null);
    let listed = json(get(&sandbox, LOGS).await).await;
    assert_eq!(listed.as_array().unwrap().last().unwrap()["reportDistributionLogId"], 107);
}

#[tokio::test]
async fn exec_accepts_an_empty_body_and_uses_the_distribution_recipients() {
    let sandbox = Sandbox::builder().energycap_polls_to_complete(1).start().await.unwrap();
    let run = json(post(&sandbox, "api/v202106/reportdistribution/3/exec", "").await).await;
    assert_eq!(run["numberOfRecipients"], 2);
    let id = run["reportDistributionLogId"].as_i64().unwrap();
    assert_eq!(sandbox.energycap().runs()[0].override_user_ids, None);
    let detail = json(get(&sandbox, &format!("{LOGS}/{id}/detail")).await).await;
    assert_eq!(detail["status"], "Complete");
}

#[tokio::test]
async fn run_outcome_can_be_a_failure() {
    let sandbox = Sandbox::builder().energycap_polls_to_complete(1).start().await.unwrap();
    sandbox.energycap().set_run_outcome("Not sent", Some("mail server down"));
    let run = json(post(&sandbox, "api/v202106/reportdistribution/1/exec", "{}").await).await;
    let id = run["reportDistributionLogId"].as_i64().unwrap();
    let detail = json(get(&sandbox, &format!("{LOGS}/{id}/detail")).await).await;
    assert_eq!(
        (&detail["status"], &detail["errors"]),
        (&json!("Not sent"), &json!("mail server down"))
    );
}

#[tokio::test]
async fn exec_of_an_unknown_distribution_is_a_404_and_starts_nothing() {
    let sandbox = Sandbox::start().await.unwrap();
    let response = post(&sandbox, "api/v202106/reportdistribution/99/exec", "").await;
    assert_eq!(response.status(), 404);
    assert!(json(response).await["message"].as_str().unwrap().contains("99"));
    assert!(sandbox.energycap().runs().is_empty());
    assert_eq!(sandbox.energycap().logs().len(), 6);
}

#[tokio::test]
async fn exec_with_a_body_that_is_not_json_is_a_400() {
    let sandbox = Sandbox::start().await.unwrap();
    let response = post(&sandbox, "api/v202106/reportdistribution/1/exec", "{oops").await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn completion_after_a_duration_ignores_polls() {
    let sandbox = Sandbox::builder()
        .energycap_completion_after(Duration::from_secs(1))
        .start()
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let run = json(post(&sandbox, "api/v202106/reportdistribution/1/exec", "").await).await;
    let id = run["reportDistributionLogId"].as_i64().unwrap();
    for _ in 0..4 {
        let detail = json(get(&sandbox, &format!("{LOGS}/{id}/detail")).await).await;
        // A loaded machine may be slow to poll; only reads well before the deadline count.
        if started.elapsed() < Duration::from_millis(800) {
            assert_eq!(detail["status"], "In Progress");
        }
    }
    tokio::time::sleep(Duration::from_millis(1100)).await;
    // Time alone completes it, so it shows up even without includeInProgress.
    let listed = json(get(&sandbox, LOGS).await).await;
    assert_eq!(listed.as_array().unwrap().last().unwrap()["status"], "Complete");
}

#[tokio::test]
async fn distributions_are_listed() {
    let sandbox = Sandbox::start().await.unwrap();
    let distributions = json(get(&sandbox, "api/v202106/reportdistribution").await).await;
    let ids: Vec<_> = distributions
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["reportDistributionId"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [1, 2, 3]);
}

#[tokio::test]
async fn a_wrong_or_missing_key_is_a_401_with_a_message() {
    let sandbox = Sandbox::start().await.unwrap();
    let url = sandbox.energycap_url().join(LOGS).unwrap();
    for key in [Some("wrong"), None] {
        let mut request = crate::http::client().get(url.clone());
        if let Some(key) = key {
            request = request.header("ECI-ApiKey", key);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401);
        assert_eq!(json(response).await, json!({ "message": "Invalid or missing ECI-ApiKey" }));
    }
    // The legacy bearer scheme is not simulated: the SDK must send ECI-ApiKey.
    let response = crate::http::client()
        .get(url)
        .bearer_auth(sandbox.energycap_api_key())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn wrong_method_is_a_405_and_unknown_paths_404_naming_the_path() {
    let sandbox = Sandbox::start().await.unwrap();
    let response = post(&sandbox, LOGS, "").await;
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "GET");

    for path in ["api/v202106/reportdistribution/log/", "api/v202001/reportdistribution/log"] {
        let response = get(&sandbox, path).await;
        assert_eq!(response.status(), 404, "{path}");
        let body = json(response).await;
        assert_eq!(body["path"], format!("/energycap/{path}"));
    }
}

#[tokio::test]
async fn seeded_logs_can_be_added_edited_and_cleared() {
    let sandbox = Sandbox::start().await.unwrap();
    let energycap = sandbox.energycap();
    let id =
        energycap.add_log(json!({ "status": "Queued", "beginDate": "2026-04-01T00:00:00+02:00" }));
    assert_eq!(id, 107);
    assert!(energycap.edit_log(id, |log| log["numberOfRecipients"] = json!(9)));
    assert!(!energycap.edit_log(12345, |_| {}));
    let listed = json(get(&sandbox, LOGS).await).await;
    assert_eq!(
        listed[5],
        json!({ "status": "Queued", "beginDate": "2026-04-01T00:00:00+02:00",
                "reportDistributionLogId": 107, "numberOfRecipients": 9 })
    );
    energycap.clear_logs();
    assert_eq!(json(get(&sandbox, LOGS).await).await, json!([]));
    let new = energycap.add_distribution(json!({ "reportDistributionName": "New" }));
    assert_eq!(new, 4);
    let run = json(post(&sandbox, "api/v202106/reportdistribution/4/exec", "").await).await;
    assert_eq!(run["reportDistributionLogId"], 101);
    assert_eq!(run["numberOfRecipients"], 1);
}
