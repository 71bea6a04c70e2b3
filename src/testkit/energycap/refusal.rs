//! The error answers of the EnergyCAP simulator, shaped `{"message": …}` as the API sends
//! them, used by its routes and its state alike.

use hyper::StatusCode;

use crate::testkit::sim::SimResponse;

pub(super) fn not_found_log(id: &str) -> SimResponse {
    SimResponse::message(StatusCode::NOT_FOUND, &format!("Report distribution log {id} not found"))
}

pub(super) fn not_found_distribution(id: &str) -> SimResponse {
    SimResponse::message(StatusCode::NOT_FOUND, &format!("Report distribution {id} not found"))
}
