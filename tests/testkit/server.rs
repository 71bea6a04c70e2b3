//! The sandbox server itself: URLs, request recording, routing and shutdown.

use std::{future::Future as _, time::Duration};

use crate::http::{LOGS, get, json, post};
use auditkit::testkit::Sandbox;
use serde_json::json;

#[tokio::test]
async fn urls_point_at_loopback_with_the_vendor_prefix() {
    let sandbox = Sandbox::start().await.unwrap();
    let root = sandbox.url();
    assert_eq!(root.host_str(), Some("127.0.0.1"));
    assert_eq!(root.path(), "/");
    assert_eq!(sandbox.energycap_url().as_str(), format!("{root}energycap/"));
    assert_eq!(sandbox.energycap_api_key(), "sandbox-energycap-key");
    let debug = format!("{sandbox:?}");
    assert!(debug.contains("127.0.0.1"), "{debug}");
}

#[tokio::test]
async fn every_request_is_recorded_in_order() {
    let sandbox = Sandbox::start().await.unwrap();
    get(&sandbox, &format!("{LOGS}?includeInProgress=true&x=a%20b")).await;
    post(&sandbox, "api/v202106/reportdistribution/1/exec", r#"{"overrideUserIds":[5]}"#).await;
    crate::http::client().get(sandbox.url().join("nowhere").unwrap()).send().await.unwrap();

    let requests = sandbox.requests();
    assert_eq!(requests.len(), 3);
    let list = &requests[0];
    assert_eq!(
        (list.method.as_str(), list.path.as_str()),
        ("GET", "/energycap/api/v202106/reportdistribution/log")
    );
    assert_eq!(list.query.as_deref(), Some("includeInProgress=true&x=a%20b"));
    assert_eq!(list.query_param("x").as_deref(), Some("a b"));
    assert_eq!(list.header("ECI-APIKEY"), Some("sandbox-energycap-key"));
    assert!(list.body.is_empty());

    let exec = &requests[1];
    assert_eq!(exec.method, "POST");
    assert_eq!(exec.query, None);
    assert_eq!(exec.header("content-type"), Some("application/json"));
    assert_eq!(exec.body_json(), Some(json!({ "overrideUserIds": [5] })));
    assert!(exec.received_at >= list.received_at);

    assert_eq!(requests[2].path, "/nowhere");
    sandbox.clear_requests();
    assert!(sandbox.requests().is_empty());
}

#[tokio::test]
async fn unknown_paths_are_a_json_404_naming_the_path() {
    let sandbox = Sandbox::start().await.unwrap();
    for path in ["nowhere", "energycapx/api", ""] {
        let response =
            crate::http::client().get(sandbox.url().join(path).unwrap()).send().await.unwrap();
        assert_eq!(response.status(), 404);
        assert_eq!(json(response).await["path"], format!("/{path}"));
    }
}

#[tokio::test]
async fn sandboxes_are_independent() {
    let first = Sandbox::start().await.unwrap();
    let second = Sandbox::start().await.unwrap();
    assert_ne!(first.url(), second.url());
    first.energycap().clear_logs();
    assert_eq!(json(get(&first, LOGS).await).await, json!([]));
    assert_eq!(json(get(&second, LOGS).await).await.as_array().map(Vec::len), Some(5));
    assert_eq!(second.requests().len(), 1);
}

#[tokio::test]
async fn concurrent_requests_are_all_answered() {
    let sandbox = Sandbox::start().await.unwrap();
    let calls = (0..20).map(|_| get(&sandbox, LOGS));
    let responses = futures::future::join_all(calls).await;
    assert!(responses.iter().all(|r| r.status() == 200));
    assert_eq!(sandbox.requests().len(), 20);
}

#[tokio::test]
async fn server_stops_when_the_sandbox_is_dropped() {
    let sandbox = Sandbox::start().await.unwrap();
    let url = sandbox.energycap_url().join(LOGS).unwrap();
    // A pooled keep-alive connection must not keep the server reachable either.
    let client = crate::http::client();
    let key = sandbox.energycap_api_key().to_owned();
    let ok = client.get(url.clone()).header("ECI-ApiKey", &key).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    drop(sandbox);

    let mut closed = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if client.get(url.clone()).header("ECI-ApiKey", &key).send().await.is_err()
            && tokio::net::TcpStream::connect(url.socket_addrs(|| None).unwrap()[0]).await.is_err()
        {
            closed = true;
            break;
        }
    }
    assert!(closed, "the server still answers after the sandbox was dropped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_during_a_slow_answer_still_stops_the_server() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(auditkit::testkit::Fault::latency(Duration::from_secs(30)));
    let url = sandbox.energycap_url().join(LOGS).unwrap();
    let key = sandbox.energycap_api_key().to_owned();
    let slow = tokio::spawn(async move {
        crate::http::client().get(url).header("ECI-ApiKey", key).send().await
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let addr = sandbox.url().socket_addrs(|| None).unwrap()[0];
    drop(sandbox);
    // The grace period is one second; the stuck answer is then aborted.
    let result = tokio::time::timeout(Duration::from_secs(3), slow).await;
    let answer = result.expect("the slow request ends with the server").unwrap();
    assert!(answer.is_err(), "{answer:?}");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[test]
fn start_outside_a_runtime_is_an_error_not_a_panic() {
    let mut start = std::pin::pin!(Sandbox::start());
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    let std::task::Poll::Ready(result) = start.as_mut().poll(&mut context) else {
        panic!("without a runtime, start fails at once");
    };
    assert!(result.is_err());
}
