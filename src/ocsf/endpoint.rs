//! `network_endpoint` and `location`: where a request came from or went to.

use serde::{Deserialize, Serialize};

/// The `network_endpoint` object: a host by IP address or name.
///
/// ```
/// let mut endpoint = auditkit::ocsf::NetworkEndpoint::default();
/// endpoint.ip = Some("3.209.162.21".into());
/// assert_eq!(serde_json::to_value(&endpoint)?, serde_json::json!({"ip": "3.209.162.21"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NetworkEndpoint {
    /// The IP address (v4 or v6), as the vendor sent it.
    pub ip: Option<String>,
    /// The host name.
    pub hostname: Option<String>,
    /// Where the address is, by geolocation.
    pub location: Option<Location>,
}

impl NetworkEndpoint {
    /// `Some` endpoint when any of its fields is known.
    pub(crate) fn known(self) -> Option<Self> {
        (self != Self::default()).then_some(self)
    }
}

/// The `location` object: a place, by IP geolocation.
///
/// ```
/// let mut location = auditkit::ocsf::Location::default();
/// location.country = Some("US".into());
/// assert_eq!(serde_json::to_value(&location)?, serde_json::json!({"country": "US"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Location {
    /// The city.
    pub city: Option<String>,
    /// The ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// The region or state.
    pub region: Option<String>,
    /// The postal code.
    pub postal_code: Option<String>,
    /// The latitude in decimal degrees.
    pub lat: Option<f64>,
    /// The longitude in decimal degrees.
    pub long: Option<f64>,
}
