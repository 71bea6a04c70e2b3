//! Fault injection, seen from a plain HTTP client.

use std::time::{Duration, Instant};

use crate::http::{LOGS, get, json, post};
use auditkit::testkit::{Fault, Sandbox};
use serde_json::json;

const LOG_PATH: &str = "/energycap/api/v202106/reportdistribution/log";

#[tokio::test]
async fn status_fault_applies_n_times_with_retry_after_then_expires() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(Fault::status(503).path(LOG_PATH).retry_after("120").times(2));
    assert_eq!(sandbox.pending_faults(), 1);
    for _ in 0..2 {
        let response = get(&sandbox, LOGS).await;
        assert_eq!(response.status(), 503);
        assert_eq!(response.headers()["retry-after"], "120");
        let body = json(response).await;
        assert!(body["message"].as_str().unwrap().contains("503"), "{body}");
    }
    let response = get(&sandbox, LOGS).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("retry-after").is_none());
    assert_eq!(sandbox.pending_faults(), 0);
}

#[tokio::test]
async fn status_fault_bodies_can_be_json_or_text_and_retry_after_a_date() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(Fault::status(429).body(json!({ "code": "TPL-0429" })));
    sandbox.inject(
        Fault::status(502)
            .body("<html>Bad Gateway</html>")
            .retry_after("Wed, 21 Oct 2026 07:28:00 GMT"),
    );
    let first = get(&sandbox, LOGS).await;
    assert_eq!(first.status(), 429);
    assert_eq!(json(first).await, json!({ "code": "TPL-0429" }));
    let second = get(&sandbox, LOGS).await;
    assert_eq!(second.status(), 502);
    assert_eq!(second.headers()["retry-after"], "Wed, 21 Oct 2026 07:28:00 GMT");
    assert_eq!(second.headers()["content-type"], "text/plain; charset=utf-8");
    assert_eq!(second.text().await.unwrap(), "<html>Bad Gateway</html>");
}

#[tokio::test]
async fn after_lets_the_first_pages_through_then_fails() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(Fault::status(503).path(LOG_PATH).after(2));
    let codes: Vec<u16> = futures_codes(&sandbox, 4).await;
    assert_eq!(codes, [200, 200, 503, 200]);
}

async fn futures_codes(sandbox: &Sandbox, n: usize) -> Vec<u16> {
    let mut codes = Vec::new();
    for _ in 0..n {
        codes.push(get(sandbox, LOGS).await.status().as_u16());
    }
    codes
}

#[tokio::test]
async fn path_and_method_narrow_a_fault() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(
        Fault::status(500).path("/energycap/api/v202106/reportdistribution/").method("post"),
    );
    assert_eq!(get(&sandbox, LOGS).await.status(), 200);
    assert_eq!(get(&sandbox, "api/v202106/reportdistribution").await.status(), 200);
    let exec = post(&sandbox, "api/v202106/reportdistribution/1/exec", "").await;
    assert_eq!(exec.status(), 500);
    // The fault answered instead of the simulator: no run was started.
    assert!(sandbox.energycap().runs().is_empty());
    assert_eq!(sandbox.pending_faults(), 0);
}

#[tokio::test]
async fn latency_delays_then_answers_normally() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(Fault::latency(Duration::from_millis(300)));
    let started = Instant::now();
    let response = get(&sandbox, LOGS).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(response.status(), 200);

    sandbox.inject(Fault::latency(Duration::from_secs(5)));
    let url = sandbox.energycap_url().join(LOGS).unwrap();
    let error = crate::http::client()
        .get(url)
        .header("ECI-ApiKey", sandbox.energycap_api_key())
        .timeout(Duration::from_millis(200))
        .send()
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
}

#[tokio::test]
async fn cut_body_is_an_incomplete_body_error_not_a_short_body() {
    let sandbox = Sandbox::start().await.unwrap();
    let full_len = get(&sandbox, LOGS).await.bytes().await.unwrap().len();
    sandbox.inject(Fault::cut_body().path(LOG_PATH));
    let response = get(&sandbox, LOGS).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.content_length(), Some(full_len as u64));
    let error = response.bytes().await.unwrap_err();
    // reqwest files it under decode; underneath, hyper saw the body end short.
    assert!(format!("{error:?}").contains("IncompleteBody"), "{error:?}");
    // The next request is served normally on a new connection.
    assert_eq!(get(&sandbox, LOGS).await.bytes().await.unwrap().len(), full_len);
}

#[tokio::test]
async fn cut_body_can_be_read_in_chunks_until_the_abort() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(Fault::cut_body());
    let mut response = get(&sandbox, LOGS).await;
    let mut received = 0;
    let error = loop {
        match response.chunk().await {
            Ok(Some(chunk)) => received += chunk.len(),
            Ok(None) => panic!("a cut body must not end cleanly"),
            Err(error) => break error,
        }
    };
    assert!(received > 0, "the first half arrives before the abort");
    assert!(format!("{error:?}").contains("IncompleteBody"), "{error:?}");
}

#[tokio::test]
async fn malformed_body_is_a_complete_200_that_is_not_json() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(Fault::malformed_body());
    let response = get(&sandbox, &format!("{LOGS}/101/detail")).await;
    assert_eq!(response.status(), 200);
    let declared = response.content_length();
    let body = response.bytes().await.unwrap();
    assert_eq!(declared, Some(body.len() as u64));
    assert!(serde_json::from_slice::<serde_json::Value>(&body).is_err());
    assert!(body.starts_with(b"{\"beginDate\":\"2026-03-30\""), "{body:?}");
}

#[tokio::test]
async fn malformed_body_turns_an_error_status_into_200() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(Fault::malformed_body());
    let response = get(&sandbox, &format!("{LOGS}/999/detail")).await;
    assert_eq!(response.status(), 200);
    assert!(serde_json::from_slice::<serde_json::Value>(&response.bytes().await.unwrap()).is_err());
}

#[tokio::test]
async fn redirect_answers_with_a_location() {
    let sandbox = Sandbox::start().await.unwrap();
    let other = Sandbox::start().await.unwrap();
    let target = other.energycap_url().join(LOGS).unwrap();
    sandbox.inject(Fault::redirect(target.as_str(), 307));
    let response = get(&sandbox, LOGS).await;
    assert_eq!(response.status(), 307);
    assert_eq!(response.headers()["location"], target.as_str());
    assert!(other.requests().is_empty());
}

#[tokio::test]
async fn disconnect_closes_without_an_answer() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(Fault::disconnect());
    let url = sandbox.energycap_url().join(LOGS).unwrap();
    let error = crate::http::client()
        .get(url)
        .header("ECI-ApiKey", sandbox.energycap_api_key())
        .send()
        .await
        .unwrap_err();
    assert!(!error.is_timeout(), "{error:?}");
    assert_eq!(sandbox.requests().len(), 1);
    assert_eq!(get(&sandbox, LOGS).await.status(), 200);
}

#[tokio::test]
async fn faults_can_be_cleared() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(Fault::status(503).times(u32::MAX));
    sandbox.inject(Fault::status(500).times(0));
    assert_eq!(sandbox.pending_faults(), 1);
    assert_eq!(get(&sandbox, LOGS).await.status(), 503);
    assert_eq!(get(&sandbox, LOGS).await.status(), 503);
    sandbox.clear_faults();
    assert_eq!(get(&sandbox, LOGS).await.status(), 200);
}
