//! A [`Client`] from `AUDITKIT_*` environment variables.

use super::{Client, ClientBuilder};
use crate::{Error, energycap, everbridge, qualtrics, reporter};

impl Client {
    /// A client for every vendor whose environment variables are set. See
    /// [`ClientBuilder::from_env`] for the variable names.
    ///
    /// ```no_run
    /// # fn demo() -> Result<(), auditkit::Error> {
    /// let client = auditkit::Client::from_env()?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] when no vendor is configured, when a vendor's variables are
    /// incomplete, or when a value is invalid.
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env()?.build()
    }
}

impl ClientBuilder {
    /// A builder with every vendor whose environment variables are set; adjust it further
    /// before [`build`](Self::build).
    ///
    /// | vendor | variables |
    /// |---|---|
    /// | EnergyCAP | `AUDITKIT_ENERGYCAP_API_KEY` (enables it), `AUDITKIT_ENERGYCAP_HOST` (`us-east` (default), `us-west`, `eu`, `fedramp`, `implementation`), `AUDITKIT_ENERGYCAP_BASE_URL` |
    /// | Lerian Reporter | `AUDITKIT_REPORTER_BASE_URL` (enables it), `AUDITKIT_REPORTER_TOKEN`, `AUDITKIT_REPORTER_ORGANIZATION_ID` |
    /// | Qualtrics | `AUDITKIT_QUALTRICS_DATACENTER` or `AUDITKIT_QUALTRICS_BASE_URL` (either enables it), with `AUDITKIT_QUALTRICS_API_TOKEN` |
    /// | Everbridge | `AUDITKIT_EVERBRIDGE_CLIENT_ID` and `AUDITKIT_EVERBRIDGE_CLIENT_SECRET` alone (a service account: the client-credentials grant), or `AUDITKIT_EVERBRIDGE_USERNAME` and `AUDITKIT_EVERBRIDGE_PASSWORD` (HTTP Basic; with the client id and secret the OAuth password grant, and `AUDITKIT_EVERBRIDGE_ROLE_ID` its optional role), or `AUDITKIT_EVERBRIDGE_TOKEN` (a bearer token); any enables it. `AUDITKIT_EVERBRIDGE_REGION` (`us` (default) or `eu`), `AUDITKIT_EVERBRIDGE_BASE_URL`, `AUDITKIT_EVERBRIDGE_RATE_TIER` (`bronze` (default), `silver`, `gold`) |
    ///
    /// ```no_run
    /// # fn demo() -> Result<(), auditkit::Error> {
    /// let client = auditkit::ClientBuilder::from_env()?
    ///     .timeout(std::time::Duration::from_secs(90))
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] when no vendor is configured or a vendor's variables are
    /// incomplete.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(&|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    pub(crate) fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let energycap = energycap::Config::from_env(lookup)?;
        let reporter = reporter::Config::from_env(lookup)?;
        let qualtrics = qualtrics::Config::from_env(lookup)?;
        let everbridge = everbridge::Config::from_env(lookup)?;
        if energycap.is_none() && reporter.is_none() && qualtrics.is_none() && everbridge.is_none()
        {
            return Err(Error::config(
                "no vendor is configured in the environment: set AUDITKIT_ENERGYCAP_API_KEY, \
                 AUDITKIT_REPORTER_BASE_URL, AUDITKIT_QUALTRICS_DATACENTER (or _BASE_URL), \
                 AUDITKIT_EVERBRIDGE_CLIENT_ID, AUDITKIT_EVERBRIDGE_USERNAME or \
                 AUDITKIT_EVERBRIDGE_TOKEN \
                 (see `ClientBuilder::from_env`)",
            ));
        }
        let mut builder = Self::default();
        if let Some(config) = energycap {
            builder = builder.energycap(config);
        }
        if let Some(config) = reporter {
            builder = builder.reporter(config);
        }
        if let Some(config) = qualtrics {
            builder = builder.qualtrics(config);
        }
        if let Some(config) = everbridge {
            builder = builder.everbridge(config);
        }
        Ok(builder)
    }
}

#[cfg(test)]
mod tests {
    use super::ClientBuilder;

    fn lookup(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn from_env_with_nothing_set_names_the_variables() {
        let error = ClientBuilder::from_lookup(&lookup(&[])).unwrap_err();
        for variable in [
            "AUDITKIT_ENERGYCAP_API_KEY",
            "AUDITKIT_REPORTER_BASE_URL",
            "AUDITKIT_QUALTRICS_DATACENTER",
            "AUDITKIT_EVERBRIDGE_USERNAME",
            "AUDITKIT_EVERBRIDGE_TOKEN",
        ] {
            assert!(error.to_string().contains(variable), "{variable} missing from {error}");
        }
    }

    #[test]
    fn from_env_configures_only_the_vendors_it_finds() {
        let client = ClientBuilder::from_lookup(&lookup(&[
            ("AUDITKIT_ENERGYCAP_API_KEY", "k"),
            ("AUDITKIT_ENERGYCAP_HOST", "eu"),
        ]))
        .unwrap()
        .build()
        .unwrap();
        assert!(client.energycap().is_configured());
        assert!(!client.qualtrics().is_configured());
        assert!(!format!("{client:?}").contains("\"k\""));
    }

    #[test]
    fn from_env_rejects_an_unknown_host_naming_the_variable() {
        let error = ClientBuilder::from_lookup(&lookup(&[
            ("AUDITKIT_ENERGYCAP_API_KEY", "k"),
            ("AUDITKIT_ENERGYCAP_HOST", "mars"),
        ]))
        .unwrap_err();
        assert!(error.to_string().contains("AUDITKIT_ENERGYCAP_HOST"), "{error}");
    }

    #[test]
    fn from_env_builds_every_vendors_credentials_and_never_shows_them() {
        let client = ClientBuilder::from_lookup(&lookup(&[
            ("AUDITKIT_ENERGYCAP_API_KEY", "ec-key-1f2e"),
            ("AUDITKIT_REPORTER_BASE_URL", "https://reporter.example.com"),
            ("AUDITKIT_REPORTER_TOKEN", "rp-token-3d4c"),
            ("AUDITKIT_QUALTRICS_DATACENTER", "iad1"),
            ("AUDITKIT_QUALTRICS_CLIENT_ID", "q-client"),
            ("AUDITKIT_QUALTRICS_CLIENT_SECRET", "q-secret-5b6a"),
            ("AUDITKIT_EVERBRIDGE_TOKEN", "eb-token-7f8e"),
        ]))
        .unwrap();
        let printed = format!("{client:?}");
        let client = client.build().unwrap();
        assert!(client.energycap().is_configured() && client.reporter().is_configured());
        assert!(client.qualtrics().is_configured() && client.everbridge().is_configured());
        let printed = format!("{printed} {client:?}");
        for secret in ["ec-key-1f2e", "rp-token-3d4c", "q-secret-5b6a", "eb-token-7f8e"] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
    }
}
