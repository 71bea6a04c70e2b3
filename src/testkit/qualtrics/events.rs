//! Generated events, shaped like the published examples of each activity type, cycling
//! through a few users, brands, places and outcomes.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::ids::{format_time, mix};

pub(super) const DATACENTER: &str = "IAD1";

/// (userId, username, brandId).
pub(super) const USERS: [(&str, &str, &str); 5] = [
    ("UR_cVcNH0elQesua8J", "example@gmail.com", "apidocs"),
    ("UR_3kF9aQ1bXy7LmN2", "ana.lima@acme.example", "acme"),
    ("UR_8Hd2pQ7rTzW4sV1", "ben.okafor@acme.example", "acme"),
    ("UR_5Jx1mR8cVb2NqK6", "chloe.martin@globex.example", "globex"),
    ("UR_9Tn4wE6yUi3OpA7", "admin@globex.example", "globex"),
];

/// The brand administrator who acts for others (proxy logins, resets by an agent).
pub(super) const ADMIN: usize = 4;

pub(super) fn pick<T: Clone>(items: &[T], n: u64) -> T {
    items[(n % items.len() as u64) as usize].clone()
}

/// An IP address and where geolocation puts it. Outside the US the Nielsen codes are
/// null, as in real answers.
pub(super) fn network(n: u64) -> (&'static str, Value) {
    match n % 4 {
        0 => (
            "165.225.38.31",
            json!({ "countryCode": "US", "region": "NJ", "city": "Hoboken", "postalCode": "07030",
                    "latitude": 40.742401123046875, "longitude": -74.03250122070312,
                    "dmaCode": 501, "areaCode": 201, "metroCode": 501 }),
        ),
        1 => (
            "198.51.100.24",
            json!({ "countryCode": "US", "region": "UT", "city": "Provo", "postalCode": "84604",
                    "latitude": 40.2338, "longitude": -111.6585,
                    "dmaCode": 770, "areaCode": 801, "metroCode": 770 }),
        ),
        2 => (
            "203.0.113.77",
            json!({ "countryCode": "IE", "region": "L", "city": "Dublin", "postalCode": "D02",
                    "latitude": 53.3498, "longitude": -6.2603,
                    "dmaCode": null, "areaCode": null, "metroCode": null }),
        ),
        _ => (
            "192.0.2.140",
            json!({ "countryCode": "AU", "region": "NSW", "city": "Sydney", "postalCode": "2000",
                    "latitude": -33.8688, "longitude": 151.2093,
                    "dmaCode": 0, "areaCode": 0, "metroCode": 0 }),
        ),
    }
}

pub(super) fn platform(n: u64) -> Value {
    match n % 3 {
        0 => json!({ "userAgent": "Chrome", "userAgentVersion": "124.0.6367.91",
                     "operatingSystem": "Windows", "operatingSystemVersion": "10",
                     "deviceFamily": "Other" }),
        1 => json!({ "userAgent": "Firefox", "userAgentVersion": "125.0",
                     "operatingSystem": "Ubuntu", "operatingSystemVersion": null,
                     "deviceFamily": "Other" }),
        _ => json!({ "userAgent": "Mobile Safari", "userAgentVersion": "17.4",
                     "operatingSystem": "iOS", "operatingSystemVersion": "17.4.1",
                     "deviceFamily": "iPhone" }),
    }
}

pub(super) fn session_id(n: u64) -> String {
    format!("SE_{:016x}", mix(n ^ 0x5345))
}

/// A whole event of `activity_type`; `variant` picks the user, place and outcome.
pub(super) fn generate(activity_type: &str, variant: u64, id: &str, at: DateTime<Utc>) -> Value {
    let (user_id, username, brand_id) = pick(&USERS, variant);
    let (admin_id, _, _) = USERS[ADMIN];
    let (ip_address, location) = network(variant / 2);
    let (source, descriptor) = match activity_type {
        "logins" => {
            let failure = match variant % 5 {
                3 => Some("Invalid username or password"),
                _ if variant % 11 == 7 => Some("Account locked after too many failed attempts"),
                _ => None,
            };
            let proxy = variant % 7 == 5 && failure.is_none();
            let product = pick(&["ControlPanel", "XM", "EX"], variant);
            let sso = brand_id == "globex";
            let second_factor = (variant % 6 == 1).then(|| json!({ "type": "TOTP" }));
            // The published example has no session on a successful login either.
            let session =
                (failure.is_none() && variant.is_multiple_of(2)).then(|| session_id(variant));
            let proxy_details =
                proxy.then(|| json!({ "proxyUserId": admin_id, "proxyBrandId": brand_id }));
            let url = format!("https://{brand_id}.iad1.qualtrics.com/login?path=%2F{product}%2F");
            let descriptor = json!({
                "userId": user_id,
                "username": username,
                "brandId": brand_id,
                "sessionId": session,
                "isSuccessful": failure.is_none(),
                "failureReason": failure,
                "isProxyLogin": proxy,
                "proxyDetails": proxy_details,
                "product": product,
                "url": format!("{url}&product={product}"),
                "ipAddress": ip_address,
                "location": location,
                "authentication": {
                    "method": if sso { "SSO" } else { "BASIC" },
                    "methodVersion": sso.then_some("SAML2"),
                    "secondFactor": second_factor,
                },
                "platform": platform(variant),
            });
            ("login5-app.g1-iad.qops.net", descriptor)
        }
        "session_creations" | "session_terminations" => {
            let terminated = activity_type == "session_terminations";
            let descriptor = json!({
                "userId": user_id,
                "brandId": brand_id,
                "sessionId": session_id(variant),
                "terminationTimestamp": terminated.then(|| format_time(at)),
                "ipAddress": ip_address,
                // Geolocation sometimes finds nothing.
                "location": if variant % 5 == 4 { Value::Null } else { location },
            });
            ("session2-app.g1-iad.qops.net", descriptor)
        }
        "password_resets" => {
            let by_admin = variant % 2 == 1;
            let reason = if by_admin {
                "ADMIN_RESET"
            } else {
                pick(&["FORGOT_PASSWORD", "PASSWORD_EXPIRED"], variant / 2)
            };
            let descriptor = json!({
                "userId": user_id,
                "brandId": brand_id,
                "agentUserId": by_admin.then_some(admin_id),
                "agentSessionId": by_admin.then(|| session_id(variant ^ 0xad)),
                "reason": reason,
                "ipAddress": ip_address,
                "location": location,
                "validationRules": {
                    // Some brands never make passwords expire.
                    "maxPasswordAgeDays": (brand_id != "acme").then_some(90),
                    "minPasswordLength": 12,
                    "requireUppercase": true,
                    "requireLowercase": true,
                    "requireNumber": true,
                    "requireSpecialCharacter": brand_id == "globex",
                    "passwordHistoryCount": 5,
                },
            });
            ("accounts1-app.g1-iad.qops.net", descriptor)
        }
        "brands" => {
            let (setting, old, new) = pick(
                &[
                    ("sessionTimeoutMinutes", json!(60), json!(30)),
                    ("ssoEnabled", json!(false), json!(true)),
                    ("defaultLanguage", json!("EN"), json!("EN-GB")),
                ],
                variant,
            );
            let descriptor = json!({
                "brandId": brand_id,
                "userId": admin_id,
                "action": "UPDATE_BRAND_SETTING",
                "setting": setting,
                "oldValue": old,
                "newValue": new,
                "ipAddress": ip_address,
            });
            ("admin3-app.g1-iad.qops.net", descriptor)
        }
        _ => {
            let descriptor =
                json!({ "userId": user_id, "brandId": brand_id, "ipAddress": ip_address });
            ("audit1-app.g1-iad.qops.net", descriptor)
        }
    };
    let mut event = Map::new();
    event.insert("id".into(), id.into());
    event.insert("timestamp".into(), format_time(at).into());
    event.insert("datacenter".into(), DATACENTER.into());
    event.insert("source".into(), source.into());
    event.insert("descriptor".into(), descriptor);
    Value::Object(event)
}
