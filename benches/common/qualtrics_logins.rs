//! Qualtrics login events: one as the API sends it, and the plain structs a hand-written
//! loop decodes a page of them into (the SDK's model's fields, no more).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A login event with this id and timestamp.
pub fn login(id: &str, timestamp: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "timestamp": timestamp,
        "datacenter": "ST3",
        "source": "login5-app.g1-iad.qops.net",
        "descriptor": {
            "userId": "UR_cVcNH0elQesua8J", "username": "example@gmail.com", "brandId": "apidocs",
            "sessionId": null, "isSuccessful": true, "failureReason": null, "isProxyLogin": false,
            "proxyDetails": null, "product": "ControlPanel",
            "url": "https://apidocs.st3.qualtrics.com/login?path=%2FControlPanel%2F&product=ControlPanel",
            "ipAddress": "165.225.38.31",
            "location": {"countryCode": "US", "region": "NJ", "city": "Hoboken", "postalCode": "07030",
                         "latitude": 40.742401123046875, "longitude": -74.03250122070312,
                         "dmaCode": 501, "areaCode": 201, "metroCode": 501},
            "authentication": {"method": "BASIC", "methodVersion": null, "secondFactor": null},
            "platform": {"userAgent": "Chrome", "userAgentVersion": "86.0.4240.198",
                         "operatingSystem": "OS X", "operatingSystemVersion": "10.15.6",
                         "deviceFamily": "Chrome"}
        }
    })
}

#[derive(Deserialize)]
pub struct Envelope {
    pub result: ResultPart,
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultPart {
    pub elements: Vec<Event>,
    pub next_page: Option<String>,
}
#[derive(Deserialize, Serialize)]
pub struct Event {
    pub id: String,
    pub timestamp: Option<DateTime<Utc>>,
    pub datacenter: Option<String>,
    pub source: Option<String>,
    pub descriptor: Login,
}
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Login {
    pub user_id: Option<String>,
    pub username: Option<String>,
    pub brand_id: Option<String>,
    pub session_id: Option<String>,
    pub is_successful: Option<bool>,
    pub failure_reason: Option<String>,
    pub is_proxy_login: Option<bool>,
    pub proxy_details: Option<serde_json::Value>,
    pub product: Option<String>,
    pub url: Option<String>,
    pub ip_address: Option<String>,
    pub location: Option<Location>,
    pub authentication: Option<Authentication>,
    pub platform: Option<Platform>,
}
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub country_code: Option<String>,
    pub region: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub dma_code: Option<i64>,
    pub area_code: Option<i64>,
    pub metro_code: Option<i64>,
}
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Authentication {
    pub method: Option<String>,
    pub method_version: Option<String>,
    pub second_factor: Option<serde_json::Value>,
}
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Platform {
    pub user_agent: Option<String>,
    pub user_agent_version: Option<String>,
    pub operating_system: Option<String>,
    pub operating_system_version: Option<String>,
    pub device_family: Option<String>,
}
