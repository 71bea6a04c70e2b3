//! Helpers shared by the sandbox tests: plain reqwest calls with the sandbox key.
#![allow(dead_code, unreachable_pub)]

use auditkit::testkit::Sandbox;
use serde_json::Value;

pub const LOGS: &str = "api/v202106/reportdistribution/log";

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a plain client builds")
}

/// GET `path` (relative to the EnergyCAP base URL) with the sandbox key.
pub async fn get(sandbox: &Sandbox, path: &str) -> reqwest::Response {
    let url = sandbox.energycap_url().join(path).expect("a relative path joins");
    client()
        .get(url)
        .header("ECI-ApiKey", sandbox.energycap_api_key())
        .send()
        .await
        .expect("the sandbox answers")
}

/// POST `body` to `path` (relative to the EnergyCAP base URL) with the sandbox key.
pub async fn post(sandbox: &Sandbox, path: &str, body: &'static str) -> reqwest::Response {
    let url = sandbox.energycap_url().join(path).expect("a relative path joins");
    client()
        .post(url)
        .header("ECI-ApiKey", sandbox.energycap_api_key())
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .expect("the sandbox answers")
}

pub async fn json(response: reqwest::Response) -> Value {
    let bytes = response.bytes().await.expect("a complete body");
    serde_json::from_slice(&bytes).expect("a JSON body")
}

pub fn statuses(logs: &Value) -> Vec<String> {
    logs.as_array()
        .expect("an array")
        .iter()
        .map(|log| log["status"].as_str().expect("a status").to_owned())
        .collect()
}
