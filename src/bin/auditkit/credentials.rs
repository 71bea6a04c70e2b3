//! A config source's credentials: names of environment variables or files, never required
//! inline; resolved into the vendor's config, with errors naming the key.

use std::path::Path;

use auditkit::{ClientBuilder, energycap, everbridge, qualtrics, reporter};
use serde::Deserialize;

use super::args::VendorArg;

/// A secret's place: `{ env = "NAME" }` or `{ file = "/run/secrets/name" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SecretRef {
    env: Option<String>,
    file: Option<std::path::PathBuf>,
}

/// `[source.credentials]`: the vendor's fields; secrets by reference.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Credentials {
    base_url: Option<String>,
    /// Qualtrics.
    datacenter: Option<String>,
    /// Everbridge (`us`, `eu`).
    region: Option<String>,
    /// Everbridge: the password grant's optional role.
    role_id: Option<String>,
    /// Everbridge: the organisation's rate tier (`bronze`, the default, `silver`, `gold`).
    rate_tier: Option<String>,
    /// EnergyCAP (`us-east`, `us-west`, `eu`, …).
    host: Option<String>,
    /// Lerian Reporter.
    organization_id: Option<String>,
    username: Option<String>,
    client_id: Option<String>,
    password: Option<SecretRef>,
    client_secret: Option<SecretRef>,
    api_token: Option<SecretRef>,
    api_key: Option<SecretRef>,
    token: Option<SecretRef>,
}

/// `(key, reason)`: the key under `credentials`, and what is wrong.
pub(crate) type Problem = (String, String);

impl SecretRef {
    pub(crate) fn read(&self, key: &str, dir: &Path) -> Result<String, Problem> {
        let problem = |reason: String| (key.to_owned(), reason);
        match (&self.env, &self.file) {
            (Some(name), None) => std::env::var(name)
                .ok()
                .filter(|value| !value.is_empty())
                .ok_or_else(|| problem(format!("the environment variable {name} is not set"))),
            (None, Some(file)) => {
                let path = dir.join(file);
                let text = std::fs::read_to_string(&path)
                    .map_err(|error| problem(format!("cannot read {}: {error}", path.display())))?;
                let value = text.trim().to_owned();
                if value.is_empty() {
                    return Err(problem(format!("{} is empty", path.display())));
                }
                Ok(value)
            }
            _ => Err(problem("give exactly one of `env = \"NAME\"` or `file = \"path\"`".into())),
        }
    }
}

fn read(secret: &Option<SecretRef>, key: &str, dir: &Path) -> Result<Option<String>, Problem> {
    secret.as_ref().map(|secret| secret.read(key, dir)).transpose()
}

fn needs(key: &str, what: &str) -> Problem {
    (key.to_owned(), format!("missing: {what}"))
}

impl Credentials {
    /// A client builder with `vendor` configured from these credentials.
    pub(crate) fn builder(&self, vendor: VendorArg, dir: &Path) -> Result<ClientBuilder, Problem> {
        let builder = auditkit::Client::builder();
        Ok(match vendor {
            VendorArg::Qualtrics => {
                let credentials = match (read(&self.api_token, "api_token", dir)?, &self.client_id)
                {
                    (Some(token), None) => qualtrics::Credentials::api_token(token),
                    (None, Some(id)) => {
                        let secret =
                            read(&self.client_secret, "client_secret", dir)?.ok_or_else(|| {
                                needs("client_secret", "client_id needs a client_secret")
                            })?;
                        qualtrics::Credentials::client_credentials(id.clone(), secret)
                    }
                    _ => {
                        return Err(needs(
                            "api_token",
                            "an api_token, or client_id and client_secret",
                        ));
                    }
                };
                if self.datacenter.is_none() && self.base_url.is_none() {
                    return Err(needs("datacenter", "a datacenter (e.g. iad1) or a base_url"));
                }
                let mut config = qualtrics::Config::new(
                    self.datacenter.clone().unwrap_or_default(),
                    credentials,
                );
                if let Some(url) = &self.base_url {
                    config = config.base_url(url.clone());
                }
                builder.qualtrics(config)
            }
            VendorArg::Everbridge => {
                let token = read(&self.token, "token", dir)?;
                let client = (&self.client_id, read(&self.client_secret, "client_secret", dir)?);
                let credentials = match (&self.username, token, client) {
                    (Some(_), Some(_), _) => {
                        return Err((
                            "token".into(),
                            "give a username and password, or a token, not both".into(),
                        ));
                    }
                    (None, Some(token), (None, None)) => everbridge::Credentials::bearer(token),
                    (None, Some(_), _) => {
                        return Err((
                            "token".into(),
                            "give a token alone, or a service account's client_id and \
                             client_secret, not both"
                                .into(),
                        ));
                    }
                    (None, None, (Some(id), Some(secret))) => {
                        if self.role_id.is_some() {
                            return Err((
                                "role_id".into(),
                                "a role is for the password grant (with a username); a service \
                                 account has none"
                                    .into(),
                            ));
                        }
                        everbridge::Credentials::client_credentials(id.clone(), secret)
                    }
                    (Some(username), None, client) => {
                        let password = read(&self.password, "password", dir)?
                            .ok_or_else(|| needs("password", "username needs a password"))?;
                        match (client, &self.role_id) {
                            ((None, None), None) => {
                                everbridge::Credentials::basic(username.clone(), password)
                            }
                            ((None, None), Some(_)) => {
                                return Err(needs(
                                    "client_id",
                                    "role_id is for the password grant: client_id and \
                                     client_secret too",
                                ));
                            }
                            ((Some(id), Some(secret)), role) => {
                                let (id, user) = (id.clone(), username.clone());
                                match role {
                                    Some(role) => everbridge::Credentials::password_grant_for_role(
                                        id,
                                        secret,
                                        user,
                                        password,
                                        role.clone(),
                                    ),
                                    None => everbridge::Credentials::password_grant(
                                        id, secret, user, password,
                                    ),
                                }
                            }
                            _ => {
                                return Err(needs(
                                    "client_secret",
                                    "both client_id and client_secret, or neither",
                                ));
                            }
                        }
                    }
                    (None, _, (Some(_), None) | (None, Some(_))) => {
                        return Err(needs("client_secret", "both client_id and client_secret"));
                    }
                    (None, _, _) => {
                        return Err(needs(
                            "client_id",
                            "a service account's client_id and client_secret, a username and \
                             password, or a token",
                        ));
                    }
                };
                let region = match &self.region {
                    Some(name) => {
                        name.parse().map_err(|error| ("region".to_owned(), format!("{error}")))?
                    }
                    None => everbridge::Region::Us,
                };
                let mut config = everbridge::Config::new(region, credentials);
                if let Some(url) = &self.base_url {
                    config = config.base_url(url.clone());
                }
                if let Some(tier) = &self.rate_tier {
                    let tier = match tier.trim().to_ascii_lowercase().as_str() {
                        "bronze" => everbridge::RateTier::bronze(),
                        "silver" => everbridge::RateTier::silver(),
                        "gold" => everbridge::RateTier::gold(),
                        _ => {
                            return Err((
                                "rate_tier".into(),
                                format!("`{tier}` is not a tier; expected bronze, silver or gold"),
                            ));
                        }
                    };
                    config = config.rate_tier(tier);
                }
                builder.everbridge(config)
            }
            VendorArg::Energycap => {
                let key = read(&self.api_key, "api_key", dir)?
                    .ok_or_else(|| needs("api_key", "an api_key"))?;
                let host = match &self.host {
                    Some(name) => {
                        name.parse().map_err(|error| ("host".to_owned(), format!("{error}")))?
                    }
                    None => energycap::Host::UsEast,
                };
                let mut config = energycap::Config::new(host, energycap::Credentials::api_key(key));
                if let Some(url) = &self.base_url {
                    config = config.base_url(url.clone());
                }
                builder.energycap(config)
            }
            VendorArg::Reporter => {
                let url = self
                    .base_url
                    .clone()
                    .ok_or_else(|| needs("base_url", "the Reporter's base_url"))?;
                let credentials = match read(&self.token, "token", dir)? {
                    Some(token) => reporter::Credentials::bearer(token),
                    None => reporter::Credentials::none(),
                };
                let mut config = reporter::Config::new(url, credentials);
                if let Some(id) = &self.organization_id {
                    config = config.organization_id(id.clone());
                }
                builder.reporter(config)
            }
        })
    }
}
