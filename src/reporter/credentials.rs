//! How the SDK authenticates to Reporter: a bearer token where the auth plugin is on, or
//! nothing.

use reqwest::header::AUTHORIZATION;

use crate::{Error, Secret, transport::StaticHeader};

/// How the SDK authenticates to a Reporter deployment.
///
/// ```
/// use auditkit::reporter::{Config, Credentials};
///
/// let credentials = Credentials::bearer("eyJ-secret-token");
/// assert!(!format!("{credentials:?}").contains("eyJ-secret-token"));
/// let config = Config::new("https://reporter.example.com", credentials);
/// // A deployment without the auth plugin:
/// let open = Config::new("http://localhost:4005", Credentials::none());
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// No `Authorization` header, for deployments without the auth plugin.
    None,
    /// A bearer token, sent as `Authorization: Bearer <token>`. It is not renewed: when it
    /// expires, requests fail with HTTP 401.
    Bearer(Secret),
}

impl Credentials {
    /// No credentials: for a deployment whose auth plugin is off.
    ///
    /// ```
    /// let credentials = auditkit::reporter::Credentials::none();
    /// ```
    pub fn none() -> Self {
        Credentials::None
    }

    /// A bearer token, for a deployment whose auth plugin is on.
    ///
    /// ```
    /// let credentials = auditkit::reporter::Credentials::bearer("eyJ-token");
    /// ```
    pub fn bearer(token: impl Into<Secret>) -> Self {
        Credentials::Bearer(token.into())
    }

    /// `headers` plus the `Authorization` header these credentials send, if any.
    pub(super) fn add_to(&self, headers: StaticHeader) -> Result<StaticHeader, Error> {
        match self {
            Credentials::None => Ok(headers),
            Credentials::Bearer(token) => {
                if token.is_blank() {
                    return Err(Error::config(
                        "the Reporter bearer token is empty; use Credentials::none() if the auth plugin is off",
                    ));
                }
                Ok(headers
                    .with(AUTHORIZATION, token.header_value("Bearer ", "Reporter bearer token")?))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Credentials;

    #[test]
    fn debug_never_shows_the_bearer_token() {
        let printed =
            format!("{:?} {:?}", Credentials::bearer("eyJ-5f0c-secret"), Credentials::none());
        assert!(!printed.contains("eyJ-5f0c-secret"), "{printed}");
        assert!(printed.contains("Bearer") && printed.contains("None"), "{printed}");
    }
}
