//! OCSF mappings: every event has what its class requires in the real schema (a copy of
//! its definitions in tests/fixtures/ocsf), the seeds map field by field as documented,
//! and nothing the vendor sent is lost.
#![cfg(feature = "ocsf")]

mod common;

use auditkit::{
    everbridge::AuditLogEntry,
    ocsf::{self, OcsfEvent, ToOcsf},
    qualtrics::{Event, Logins, PasswordResets, SessionCreations, SessionTerminations},
};
use common::fixture;
use serde_json::{Map, Value, json};

/// The OCSF schema 1.8.0 definitions copied into tests/fixtures/ocsf.
mod schema {
    use super::*;

    fn definition(path: &str) -> Value {
        serde_json::from_str(&fixture(&format!("ocsf/{path}.json"))).unwrap()
    }

    /// An object's or a class's attributes and constraints, its parents' merged under it.
    fn flattened(path: &str) -> (Map<String, Value>, Option<Value>) {
        let own = definition(path);
        let parent = match own["extends"].as_str() {
            None | Some("object") => None,
            Some("base_event") => Some("events/base_event".to_owned()),
            Some("iam") => Some("events/iam/iam".to_owned()),
            Some(object) => Some(format!("objects/{object}")),
        };
        let (mut attributes, mut constraints) = parent.map(|p| flattened(&p)).unwrap_or_default();
        for (name, attribute) in own["attributes"].as_object().unwrap() {
            let merged = attributes.entry(name.clone()).or_insert_with(|| json!({}));
            for (key, value) in attribute.as_object().into_iter().flatten() {
                merged[key] = value.clone();
            }
        }
        if own.get("constraints").is_some() {
            constraints = Some(own["constraints"].clone());
        }
        (attributes, constraints)
    }

    /// What `value` lacks of what the definition at `path` requires: required attributes,
    /// `at_least_one` constraints, and the same inside every object attribute present
    /// whose definition is in the fixtures.
    pub fn missing(path: &str, value: &Value, at: &str) -> Vec<String> {
        missing_in(path, value, at)
    }

    fn missing_in(path: &str, value: &Value, at: &str) -> Vec<String> {
        let types = definition("dictionary");
        let (attributes, constraints) = flattened(path);
        let present = |name: &str| value.get(name).is_some_and(|v| !v.is_null());
        let mut missing = Vec::new();
        for (name, attribute) in &attributes {
            if attribute["requirement"] == "required" && !present(name) {
                missing.push(format!("{at}{name}"));
            }
            if let (true, Some(object)) =
                (present(name), types["attributes"][name]["type"].as_str())
            {
                missing.extend(missing_in(
                    &format!("objects/{object}"),
                    &value[name],
                    &format!("{at}{name}."),
                ));
            }
        }
        let one_of = constraints.as_ref().and_then(|c| c["at_least_one"].as_array());
        if let Some(one_of) =
            one_of.filter(|names| !names.iter().any(|n| present(n.as_str().unwrap())))
        {
            missing.push(format!("{at}one of {one_of:?}"));
        }
        missing
    }
}

fn seed_login() -> Event<Logins> {
    let page: Value = serde_json::from_str(&fixture("qualtrics/list_events_logins.json")).unwrap();
    serde_json::from_value(page["result"]["elements"][0].clone()).unwrap()
}

fn seed_entry() -> AuditLogEntry {
    let page: Value = serde_json::from_str(&fixture("everbridge/audit_log_page.json")).unwrap();
    serde_json::from_value(page["data"][0].clone()).unwrap()
}

fn termination() -> Event<SessionTerminations> {
    serde_json::from_value(json!({
        "id": "e-2", "timestamp": "2020-11-13T20:00:00Z", "datacenter": "ST3", "source": "session-app",
        "descriptor": {"userId": "UR_1", "brandId": "apidocs", "sessionId": "s-1",
                       "terminationTimestamp": "2020-11-13T19:59:59Z", "ipAddress": "10.0.0.1",
                       "location": {"countryCode": "US", "city": "Hoboken", "metroCode": 501}}
    }))
    .unwrap()
}

fn creation() -> Event<SessionCreations> {
    serde_json::from_value(json!({
        "id": "e-4", "timestamp": "2020-11-13T19:00:00Z", "datacenter": "ST3", "source": "session-app",
        "descriptor": {"userId": "UR_1", "brandId": "apidocs", "sessionId": "s-1",
                       "startTime": "2020-11-13T19:00:00Z", "ipAddress": "10.0.0.1",
                       "location": {"countryCode": "US", "city": "Hoboken", "metroCode": 501}}
    }))
    .unwrap()
}

fn reset() -> Event<PasswordResets> {
    serde_json::from_value(json!({
        "id": "e-3", "timestamp": "2020-11-13T21:00:00Z",
        "descriptor": {"userId": "UR_1", "brandId": "apidocs", "agentUserId": "UR_admin",
                       "agentSessionId": "s-admin", "reason": "expired", "ipAddress": "10.0.0.2",
                       "validationRules": {"maxPasswordAgeDays": 90, "minPasswordLength": 12}}
    }))
    .unwrap()
}

/// Each mapping's output, for a full event and for an event with nothing but its id.
fn every_mapping() -> Vec<(&'static str, Value)> {
    let bare = |id: &str| json!({"id": id});
    let empty_login: Event<Logins> = serde_json::from_value(bare("l")).unwrap();
    let empty_creation: Event<SessionCreations> = serde_json::from_value(bare("c")).unwrap();
    let empty_session: Event<SessionTerminations> = serde_json::from_value(bare("s")).unwrap();
    let empty_reset: Event<PasswordResets> = serde_json::from_value(bare("r")).unwrap();
    let bare_everbridge_login: AuditLogEntry =
        serde_json::from_value(json!({"operationType": "signin"})).unwrap();
    let to_json = |event: OcsfEvent| serde_json::to_value(event).unwrap();
    vec![
        ("events/iam/authentication", to_json(seed_login().to_ocsf())),
        ("events/iam/authentication", to_json(empty_login.to_ocsf())),
        ("events/iam/authentication", to_json(creation().to_ocsf())),
        ("events/iam/authentication", to_json(empty_creation.to_ocsf())),
        ("events/iam/authentication", to_json(termination().to_ocsf())),
        ("events/iam/authentication", to_json(empty_session.to_ocsf())),
        ("events/iam/account_change", to_json(reset().to_ocsf())),
        ("events/iam/account_change", to_json(empty_reset.to_ocsf())),
        ("events/iam/entity_management", to_json(seed_entry().to_ocsf())),
        ("events/iam/entity_management", to_json(AuditLogEntry::default().to_ocsf())),
        ("events/iam/authentication", to_json(everbridge_login("Login").to_ocsf())),
        ("events/iam/authentication", to_json(everbridge_login("Log Out").to_ocsf())),
        ("events/iam/authentication", to_json(bare_everbridge_login.to_ocsf())),
    ]
}

/// The seed entry, made a login or logout by its `operationType`.
fn everbridge_login(operation: &str) -> AuditLogEntry {
    let mut entry = seed_entry();
    entry.operation_type = Some(operation.to_owned());
    entry.entity_info = Some("Ann Admin login".to_owned());
    entry
}

#[test]
fn every_mapping_has_every_attribute_its_class_and_its_objects_require() {
    for (class, event) in every_mapping() {
        assert_eq!(schema::missing(class, &event, ""), Vec::<String>::new(), "{class}: {event:#}");
    }
}

#[test]
fn the_schema_check_catches_a_missing_required_attribute_or_constraint() {
    let (class, mut event) = every_mapping().remove(0);
    event["metadata"]["product"] = json!({"vendor_name": "Qualtrics"});
    event.as_object_mut().unwrap().remove("severity_id");
    event.as_object_mut().unwrap().remove("service");
    event.as_object_mut().unwrap().remove("dst_endpoint");
    let missing = schema::missing(class, &event, "");
    assert!(missing.contains(&"severity_id".to_owned()), "{missing:?}");
    assert!(missing.iter().any(|m| m.starts_with("metadata.product.one of")), "{missing:?}");
    assert!(missing.iter().any(|m| m.contains("dst_endpoint")), "{missing:?}");
}

#[test]
fn the_type_is_the_class_times_a_hundred_plus_the_activity_and_the_version_is_pinned() {
    for (_, event) in every_mapping() {
        let (class, activity) =
            (event["class_uid"].as_i64().unwrap(), event["activity_id"].as_i64().unwrap());
        assert_eq!(event["type_uid"], class * 100 + activity);
        assert_eq!(
            (event["category_uid"].as_i64(), event["severity_id"].as_i64()),
            (Some(3), Some(1))
        );
        assert_eq!(event["metadata"]["version"], "1.8.0");
    }
}

#[test]
fn the_qualtrics_seed_login_maps_field_by_field_and_the_rest_is_unmapped() {
    let event = serde_json::to_value(seed_login().to_ocsf()).unwrap();
    let expected = json!({
        "activity_id": 1, "activity_name": "Logon",
        "category_uid": 3, "category_name": "Identity & Access Management",
        "class_uid": 3002, "class_name": "Authentication",
        "type_uid": 300201, "type_name": "Authentication: Logon",
        "severity_id": 1, "severity": "Informational",
        "time": 1_605_294_820_793_i64,
        "metadata": {
            "product": {"name": "Qualtrics", "vendor_name": "Qualtrics"},
            "version": "1.8.0", "uid": "0ce7eda1-f815-4320-8fa7-fe0e3fd49412",
            "log_name": "logins", "tenant_uid": "apidocs"
        },
        "status_id": 1, "status": "Success",
        "src_endpoint": {
            "ip": "165.225.38.31",
            "location": {"city": "Hoboken", "country": "US", "region": "NJ", "postal_code": "07030",
                         "lat": 40.742401123046875, "long": -74.03250122070312}
        },
        "user": {"uid": "UR_cVcNH0elQesua8J", "name": "example@gmail.com", "org": {"uid": "apidocs"}},
        "service": {"name": "ControlPanel"},
        "dst_endpoint": {"hostname": "login5-app.g1-iad.qops.net"},
        "auth_protocol_id": 11, "auth_protocol": "Basic Authentication", "is_mfa": false,
        "unmapped": {
            "datacenter": "ST3",
            "descriptor": {
                "isProxyLogin": false,
                "url": "https://apidocs.st3.qualtrics.com/login?path=%2FControlPanel%2F&product=ControlPanel",
                "location": {"dmaCode": 501, "areaCode": 201, "metroCode": 501},
                "platform": {"userAgent": "Chrome", "userAgentVersion": "86.0.4240.198", "operatingSystem": "OS X",
                             "operatingSystemVersion": "10.15.6", "deviceFamily": "Chrome"}
            }
        }
    });
    assert_eq!(event, expected, "{event:#}");
}

/// A SIEM rule on SAML logons saw Other: Qualtrics says `SSO` and names SAML in the version.
#[test]
fn an_sso_login_with_saml2_is_saml_and_keeps_the_method_and_version_in_unmapped() {
    let login: Event<Logins> = serde_json::from_value(json!({
        "id": "e-5", "timestamp": "2026-11-13T19:13:40Z",
        "descriptor": {"userId": "UR_1", "isSuccessful": true,
                       "authentication": {"method": "SSO", "methodVersion": "SAML2",
                                          "secondFactor": {"type": "totp"}}}
    }))
    .unwrap();
    let event = serde_json::to_value(login.to_ocsf()).unwrap();
    assert_eq!(
        (event["auth_protocol_id"].as_i64(), event["auth_protocol"].as_str()),
        (Some(5), Some("SAML"))
    );
    assert_eq!(event["is_mfa"], true);
    assert_eq!(
        event["unmapped"]["descriptor"]["authentication"],
        json!({"method": "SSO", "methodVersion": "SAML2", "secondFactor": {"type": "totp"}})
    );
    assert_eq!(schema::missing("events/iam/authentication", &event, ""), Vec::<String>::new());
}

#[test]
fn the_everbridge_seed_entry_maps_field_by_field_and_the_rest_is_unmapped() {
    let event = serde_json::to_value(seed_entry().to_ocsf()).unwrap();
    let expected = json!({
        "activity_id": 3, "activity_name": "Update",
        "category_uid": 3, "category_name": "Identity & Access Management",
        "class_uid": 3004, "class_name": "Entity Management",
        "type_uid": 300403, "type_name": "Entity Management: Update",
        "severity_id": 1, "severity": "Informational",
        "time": 1_600_228_547_000_i64,
        "metadata": {
            "product": {"name": "Everbridge Suite", "vendor_name": "Everbridge", "feature": {"name": "EB Admin"}},
            "version": "1.8.0", "log_name": "Security", "event_code": "Organization Management",
            "tenant_uid": "295910361792516"
        },
        "status_id": 1, "status": "Success",
        "actor": {"user": {
            "uid": "295910361792522", "name": "ApiEbadminFn_01589279468104 ApiEbadminLn_01589279468104",
            "org": {"uid": "295910361792516", "name": "ApiAutoAccount_1589279133967master",
                    "ou_uid": "295910361792520", "ou_name": "ApiAutoOrg_master1589279135888"}
        }},
        "src_endpoint": {"ip": "3.209.162.21"},
        "entity": {"name": "ApiEbadminFn_01589279468104 ApiEbadminLn_01589279468104 update"},
        "unmapped": {"entityId": 0, "type": "audit-logs"}
    });
    assert_eq!(event, expected, "{event:#}");
}

#[test]
fn an_everbridge_login_or_logout_is_authentication_not_entity_management() {
    let login = serde_json::to_value(everbridge_login("Login").to_ocsf()).unwrap();
    let expected = json!({
        "activity_id": 1, "activity_name": "Logon",
        "category_uid": 3, "category_name": "Identity & Access Management",
        "class_uid": 3002, "class_name": "Authentication",
        "type_uid": 300201, "type_name": "Authentication: Logon",
        "severity_id": 1, "severity": "Informational",
        "time": 1_600_228_547_000_i64,
        "metadata": {
            "product": {"name": "Everbridge Suite", "vendor_name": "Everbridge", "feature": {"name": "EB Admin"}},
            "version": "1.8.0", "log_name": "Security", "event_code": "Organization Management",
            "tenant_uid": "295910361792516"
        },
        "status_id": 1, "status": "Success",
        "user": {
            "uid": "295910361792522", "name": "ApiEbadminFn_01589279468104 ApiEbadminLn_01589279468104",
            "org": {"uid": "295910361792516", "name": "ApiAutoAccount_1589279133967master",
                    "ou_uid": "295910361792520", "ou_name": "ApiAutoOrg_master1589279135888"}
        },
        "service": {"name": "EB Admin"},
        "src_endpoint": {"ip": "3.209.162.21"},
        "unmapped": {"entityId": 0, "entityInfo": "Ann Admin login", "type": "audit-logs"}
    });
    assert_eq!(login, expected, "{login:#}");
    for (word, activity) in
        [("LOGOUT", 2), ("Log Off", 2), ("sign-out", 2), ("log in", 1), ("Logon", 1)]
    {
        let event = serde_json::to_value(everbridge_login(word).to_ocsf()).unwrap();
        assert_eq!(
            (event["class_uid"].as_i64(), event["activity_id"].as_i64()),
            (Some(3002), Some(activity)),
            "{word}"
        );
    }
    let update = serde_json::to_value(everbridge_login("Update").to_ocsf()).unwrap();
    assert_eq!(update["class_uid"], 3004);
}

#[test]
fn a_session_creation_is_a_successful_logon_of_its_session() {
    let event = serde_json::to_value(creation().to_ocsf()).unwrap();
    assert_eq!(
        (event["type_uid"].as_i64(), event["time"].as_i64(), event["status_id"].as_i64()),
        (Some(300_201), Some(1_605_294_000_000), Some(1))
    );
    assert_eq!(event["metadata"]["log_name"], "session_creations");
    assert_eq!(event["user"], json!({"uid": "UR_1", "org": {"uid": "apidocs"}}));
    assert_eq!(event["session"], json!({"uid": "s-1"}));
    assert_eq!(event["dst_endpoint"], json!({"hostname": "session-app"}));
    assert_eq!(
        event["src_endpoint"],
        json!({"ip": "10.0.0.1", "location": {"city": "Hoboken", "country": "US"}})
    );
    assert_eq!(
        event["unmapped"],
        json!({"datacenter": "ST3", "descriptor": {"startTime": "2020-11-13T19:00:00Z", "location": {"metroCode": 501}}})
    );
    let typed = ocsf::qualtrics::session_logon(&creation());
    assert_eq!(serde_json::to_value(OcsfEvent::from(typed)).unwrap(), event);
}

#[test]
fn a_session_termination_is_a_logoff_of_its_session() {
    let event = serde_json::to_value(termination().to_ocsf()).unwrap();
    assert_eq!(
        (event["type_uid"].as_i64(), event["time"].as_i64()),
        (Some(300_202), Some(1_605_297_600_000))
    );
    assert_eq!(event["metadata"]["log_name"], "session_terminations");
    assert_eq!(event["user"], json!({"uid": "UR_1", "org": {"uid": "apidocs"}}));
    assert_eq!(event["session"], json!({"uid": "s-1"}));
    assert_eq!(
        event["src_endpoint"],
        json!({"ip": "10.0.0.1", "location": {"city": "Hoboken", "country": "US"}})
    );
    assert_eq!(
        event["unmapped"],
        json!({"datacenter": "ST3", "descriptor": {"terminationTimestamp": "2020-11-13T19:59:59Z", "location": {"metroCode": 501}}})
    );
}

#[test]
fn a_password_reset_changes_the_users_account_and_the_agent_is_the_actor() {
    let event = serde_json::to_value(reset().to_ocsf()).unwrap();
    assert_eq!(
        (event["type_uid"].as_i64(), event["activity_name"].as_str()),
        (Some(300_104), Some("Password Reset"))
    );
    assert_eq!(event["user"], json!({"uid": "UR_1", "org": {"uid": "apidocs"}}));
    assert_eq!(
        event["actor"],
        json!({"user": {"uid": "UR_admin", "org": {"uid": "apidocs"}}, "session": {"uid": "s-admin"}})
    );
    assert_eq!(event["src_endpoint"], json!({"ip": "10.0.0.2"}));
    assert_eq!((event["status_id"].as_i64(), event["status"].as_str()), (Some(0), Some("Unknown")));
    assert_eq!(
        event["unmapped"],
        json!({"descriptor": {"reason": "expired", "validationRules": {"maxPasswordAgeDays": 90, "minPasswordLength": 12}}})
    );
}

#[test]
fn fields_the_sdk_does_not_know_end_up_in_unmapped_under_their_wire_names() {
    let mut login = seed_login();
    login.descriptor.other.insert("riskLevel".into(), json!("high"));
    let mut location = login.descriptor.location.clone().unwrap_or_default();
    location.other.insert("timezone".into(), json!("America/New_York"));
    login.descriptor.location = Some(location);
    login.other.insert("region".into(), json!("us-east"));
    let logon = ocsf::qualtrics::logon(&login);
    let unmapped = logon.base.unmapped.unwrap();
    assert_eq!(unmapped["region"], "us-east");
    assert_eq!(unmapped["descriptor"]["riskLevel"], "high");
    assert_eq!(unmapped["descriptor"]["location"]["timezone"], "America/New_York");

    let mut entry = seed_entry();
    entry.other.insert("riskScore".into(), json!(7));
    let unmapped = ocsf::everbridge::entity_management(&entry).base.unmapped.unwrap();
    assert_eq!(unmapped["riskScore"], 7);
}

#[test]
fn an_operation_the_schema_does_not_name_is_other_with_the_vendors_word() {
    let entry: AuditLogEntry = serde_json::from_value(
        json!({"operationType": "Export", "eventResult": "Failure", "entityId": 42}),
    )
    .unwrap();
    assert!(ocsf::everbridge::authentication(&entry).is_none());
    let event = ocsf::everbridge::entity_management(&entry);
    assert_eq!((event.base.activity_id, event.base.activity_name.as_str()), (99, "Export"));
    assert_eq!((event.base.type_uid, event.base.status_id), (300_499, 2));
    assert_eq!(event.entity.uid.as_deref(), Some("42"));
    assert_eq!(event.base.time, 0);
    assert_eq!(
        event.base.unmapped.unwrap()["auditkit"]["time"],
        "the vendor sent no timestamp this crate can read, so `time` is 0"
    );
}

#[test]
fn an_event_reads_back_as_the_class_it_was() {
    for (_, event) in every_mapping() {
        let back: OcsfEvent = serde_json::from_value(event.clone()).unwrap();
        assert_eq!(serde_json::to_value(&back).unwrap(), event);
        assert_eq!(i64::from(back.base().class_uid), event["class_uid"].as_i64().unwrap());
    }
}

#[test]
fn a_qualtrics_timestamp_the_crate_cannot_read_stays_in_unmapped_as_sent() {
    let login: Event<Logins> = serde_json::from_value(
        json!({"id": "e-9", "timestamp": "16/09/2020 03:55", "descriptor": {"userId": "UR_1"}}),
    )
    .unwrap();
    let event = ocsf::qualtrics::logon(&login);
    assert_eq!(event.base.time, 0);
    let unmapped = event.base.unmapped.unwrap();
    assert_eq!(unmapped["timestamp"], "16/09/2020 03:55");
    assert_eq!(
        unmapped["auditkit"]["time"],
        "the vendor sent no timestamp this crate can read, so `time` is 0"
    );
}
