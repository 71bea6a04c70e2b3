//! `metadata`, `product` and `feature`: where an event comes from.

use serde::{Deserialize, Serialize};

use super::SCHEMA_VERSION;

/// The `metadata` object: the product that logged the event and the schema version.
///
/// ```
/// use auditkit::ocsf::{Metadata, SCHEMA_VERSION};
///
/// let metadata = Metadata::new("Qualtrics", "Qualtrics");
/// assert_eq!(metadata.version, SCHEMA_VERSION);
/// assert_eq!(metadata.product.name.as_deref(), Some("Qualtrics"));
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Metadata {
    /// The product that logged the event.
    pub product: Product,
    /// The OCSF schema version the event follows: [`SCHEMA_VERSION`].
    pub version: String,
    /// The vendor's id of the event (Qualtrics' event `id`; Everbridge entries have none).
    pub uid: Option<String>,
    /// The log the event was read from: the Qualtrics activity type (`logins`, …) or the
    /// Everbridge report type (`Security`, `Contact`).
    pub log_name: Option<String>,
    /// The vendor's name for the kind of event (Everbridge's `eventType`).
    pub event_code: Option<String>,
    /// The tenant: the Qualtrics brand, the Everbridge account.
    pub tenant_uid: Option<String>,
}

impl Metadata {
    /// Metadata for an event logged by `product` of `vendor`, at [`SCHEMA_VERSION`].
    ///
    /// ```
    /// let metadata = auditkit::ocsf::Metadata::new("Everbridge Suite", "Everbridge");
    /// assert_eq!(metadata.product.vendor_name.as_deref(), Some("Everbridge"));
    /// ```
    pub fn new(product: &str, vendor: &str) -> Self {
        Self {
            product: Product {
                name: Some(product.to_owned()),
                vendor_name: Some(vendor.to_owned()),
                feature: None,
            },
            version: SCHEMA_VERSION.to_owned(),
            ..Self::default()
        }
    }
}

/// The `product` object: the software that logged the event.
///
/// ```
/// let product = auditkit::ocsf::Metadata::new("Qualtrics", "Qualtrics").product;
/// assert_eq!(serde_json::to_value(&product)?, serde_json::json!({"name": "Qualtrics", "vendor_name": "Qualtrics"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Product {
    /// The product's name (`Qualtrics`, `Everbridge Suite`).
    pub name: Option<String>,
    /// The vendor's name.
    pub vendor_name: Option<String>,
    /// The part of the product that logged it (Everbridge's `source`, `EB Admin`).
    pub feature: Option<Feature>,
}

/// The `feature` object: the part of a product that logged the event.
///
/// ```
/// let feature = auditkit::ocsf::Feature::named("EB Admin");
/// assert_eq!(serde_json::to_value(&feature)?, serde_json::json!({"name": "EB Admin"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Feature {
    /// The feature's name.
    pub name: Option<String>,
}

impl Feature {
    /// The feature called `name`.
    ///
    /// ```
    /// assert_eq!(auditkit::ocsf::Feature::named("EB Admin").name.as_deref(), Some("EB Admin"));
    /// ```
    pub fn named(name: impl Into<String>) -> Self {
        Self { name: Some(name.into()) }
    }
}
