//! What every Qualtrics mapping shares: the product, the fields always placed, the
//! metadata, the user, the endpoints.

use crate::{
    ocsf::{Location, Metadata, NetworkEndpoint, Organization, Service, User},
    qualtrics::{self as vendor, ActivityType, Event},
};

pub(super) const PRODUCT: &str = "Qualtrics";

/// The fields every Qualtrics mapping places.
pub(super) const EVENT: [&[&str]; 2] = [&["id"], &["descriptor", "brandId"]];

/// The location's fields, placed when the location is.
pub(super) const LOCATION: [&[&str]; 6] = [
    &["descriptor", "location", "countryCode"],
    &["descriptor", "location", "region"],
    &["descriptor", "location", "city"],
    &["descriptor", "location", "postalCode"],
    &["descriptor", "location", "latitude"],
    &["descriptor", "location", "longitude"],
];

/// The fields every mapping places: the timestamp only when it was read, so a
/// timestamp kept as the vendor sent it stays in `unmapped`.
pub(super) fn always_placed<A: ActivityType>(event: &Event<A>) -> Vec<&'static [&'static str]> {
    let mut placed = EVENT.to_vec();
    if event.timestamp.is_some() {
        placed.push(&["timestamp"]);
    }
    placed
}

pub(super) fn metadata<A: ActivityType>(event: &Event<A>, brand: Option<&String>) -> Metadata {
    let mut metadata = Metadata::new(PRODUCT, PRODUCT);
    metadata.uid = Some(event.id.clone());
    metadata.log_name = Some(A::NAME.to_owned());
    metadata.tenant_uid = brand.cloned();
    metadata
}

pub(super) fn user(uid: Option<String>, name: Option<String>, brand: Option<&String>) -> User {
    let mut user = User::identified(uid, name);
    user.org =
        brand.map(|brand| Organization { uid: Some(brand.clone()), ..Organization::default() });
    user
}

pub(super) fn service(product: Option<String>) -> Service {
    Service { name: Some(product.unwrap_or_else(|| PRODUCT.to_owned())) }
}

pub(super) fn destination<A: ActivityType>(event: &Event<A>) -> Option<NetworkEndpoint> {
    let hostname = event.source.clone();
    NetworkEndpoint { hostname, ..NetworkEndpoint::default() }.known()
}

/// The client's endpoint. OCSF's location needs a city, country, region or postal code:
/// coordinates alone stay in `unmapped`.
pub(super) fn source(
    ip: Option<String>,
    location: Option<&vendor::Location>,
    placed: &mut Vec<&[&str]>,
) -> Option<NetworkEndpoint> {
    let location = location
        .filter(|at| {
            at.city.is_some()
                || at.country_code.is_some()
                || at.region.is_some()
                || at.postal_code.is_some()
        })
        .map(|at| {
            placed.extend(LOCATION);
            Location {
                city: at.city.clone(),
                country: at.country_code.clone(),
                region: at.region.clone(),
                postal_code: at.postal_code.clone(),
                lat: at.latitude,
                long: at.longitude,
            }
        });
    NetworkEndpoint { ip, hostname: None, location }.known()
}
