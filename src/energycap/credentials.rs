//! How the SDK authenticates to EnergyCAP: an API key.

use reqwest::header::HeaderName;

use crate::{Error, Secret, transport::StaticHeader};

/// How the SDK authenticates to EnergyCAP.
///
/// EnergyCAP's legacy `Authorization: bearer` token is deprecated by EnergyCAP and not
/// offered here; an API key does everything it did and never expires.
///
/// ```
/// use auditkit::energycap::{Config, Credentials, Host};
///
/// let credentials = Credentials::api_key("k-5e9a");
/// assert!(!format!("{credentials:?}").contains("k-5e9a"));
/// let config = Config::new(Host::UsEast, credentials);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// An API key, sent as `ECI-ApiKey` on every request.
    ApiKey(Secret),
}

impl Credentials {
    /// An API key from EnergyCAP's user settings (EnergyCAP keys do not expire).
    ///
    /// ```
    /// let credentials = auditkit::energycap::Credentials::api_key("k-5e9a");
    /// ```
    pub fn api_key(key: impl Into<Secret>) -> Self {
        Credentials::ApiKey(key.into())
    }

    /// The header every request carries.
    pub(super) fn header(&self) -> Result<StaticHeader, Error> {
        match self {
            Credentials::ApiKey(key) => {
                if key.is_blank() {
                    return Err(Error::config(
                        "the EnergyCAP API key is empty; pass the key from EnergyCAP's user settings",
                    ));
                }
                let value = key.header_value("", "EnergyCAP API key")?;
                Ok(StaticHeader::new(HeaderName::from_static("eci-apikey"), value))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Credentials;

    #[test]
    fn debug_never_shows_the_api_key() {
        let printed = format!("{:?}", Credentials::api_key("k-5e9a-secret"));
        assert!(!printed.contains("k-5e9a-secret"), "{printed}");
        assert!(printed.contains("ApiKey"), "{printed}");
    }
}
