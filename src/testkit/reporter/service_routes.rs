//! The data sources (`GET v1/data-sources`, `GET v1/data-sources/{id}`: the names filters
//! use) and the service routes without a token: `GET /health`, `GET /ready` (each
//! dependency, 503 when one is down) and `GET /version`.

use hyper::StatusCode;
use serde_json::{Map, Value, json};

use super::{filters::SCHEMA, state::{State, not_found}};
use crate::testkit::sim::SimResponse;

/// The version the sandbox says it runs.
pub(super) const VERSION: &str = "1.2.0-beta.1";
const DEPENDENCIES: [&str; 4] = ["mongodb", "rabbitmq", "redis", "storage"];

fn source(id: &str, with_tables: bool) -> Value {
    let mut source = json!({ "id": id, "externalName": id.trim_start_matches("midaz_"), "type": "postgresql" });
    if with_tables {
        let tables: Vec<Value> = SCHEMA
            .iter()
            .filter(|(datasource, _, _)| *datasource == id)
            .map(|(_, table, fields)| json!({ "name": table, "fields": fields }))
            .collect();
        source["tables"] = Value::Array(tables);
    }
    source
}

fn ids() -> Vec<&'static str> {
    let mut ids: Vec<&str> = SCHEMA.iter().map(|(id, _, _)| *id).collect();
    ids.dedup();
    ids
}

impl State {
    pub(super) fn list_data_sources(&self) -> SimResponse {
        let sources: Vec<Value> = ids().into_iter().map(|id| source(id, false)).collect();
        SimResponse::json(StatusCode::OK, &Value::Array(sources))
    }

    pub(super) fn get_data_source(&self, id: &str) -> SimResponse {
        if !ids().contains(&id) {
            return not_found("data source", id);
        }
        SimResponse::json(StatusCode::OK, &source(id, true))
    }

    pub(super) fn ready(&self) -> SimResponse {
        let dependencies: Map<String, Value> = DEPENDENCIES
            .iter()
            .map(|name| {
                let state = match self.down.get(*name) {
                    Some(why) => json!({ "status": "not_ready", "message": why }),
                    None => json!({ "status": "ready" }),
                };
                ((*name).to_owned(), state)
            })
            .collect();
        let up = self.down.is_empty();
        let status = if up { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
        let body = json!({ "status": if up { "ready" } else { "not_ready" }, "dependencies": dependencies });
        SimResponse::json(status, &body)
    }

    pub(super) fn version(now: chrono::DateTime<chrono::Utc>) -> SimResponse {
        SimResponse::json(StatusCode::OK, &json!({ "version": VERSION, "requestDate": now.to_rfc3339() }))
    }
}
