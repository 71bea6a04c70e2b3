//! Where an Everbridge organisation lives, and how its dates are spelled and read.

use std::{str::FromStr, sync::Arc};

use chrono::FixedOffset;

use super::{Credentials, RateTier};
use crate::{
    Error,
    transport::{Endpoint, Transport},
};

/// Everbridge's API regions.
///
/// ```
/// use auditkit::everbridge::Region;
/// assert_eq!(Region::Eu.url(), "https://api.everbridge.eu/rest");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Region {
    /// `api.everbridge.net`
    Us,
    /// `api.everbridge.eu`
    Eu,
}

impl Region {
    /// The region's API base URL.
    pub fn url(self) -> &'static str {
        match self {
            Region::Us => "https://api.everbridge.net/rest",
            Region::Eu => "https://api.everbridge.eu/rest",
        }
    }
}

impl FromStr for Region {
    type Err = Error;

    /// `us` or `eu`, in any case.
    fn from_str(name: &str) -> Result<Self, Error> {
        match name.trim().to_ascii_lowercase().as_str() {
            "us" => Ok(Region::Us),
            "eu" => Ok(Region::Eu),
            _ => Err(Error::config(format!(
                "`{name}` is not an Everbridge region; expected us or eu"
            ))),
        }
    }
}

/// Everbridge settings for [`ClientBuilder::everbridge`](crate::ClientBuilder::everbridge).
///
/// ```
/// use auditkit::everbridge::{Config, Credentials, Region};
/// use chrono::FixedOffset;
///
/// let config = Config::new(Region::Us, Credentials::basic("api-user", "password"));
/// // An account whose audit log times are Pacific Standard Time, on an old deployment that
/// // takes dates without a time of day.
/// let pacific = FixedOffset::west_opt(8 * 3600).expect("a valid offset");
/// let legacy = Config::new(Region::Us, Credentials::basic("api-user", "password"))
///     .event_time_offset(pacific)
///     .date_only(true);
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Config {
    region: Region,
    base_url: Option<String>,
    credentials: Credentials,
    settings: Settings,
    rate_tier: RateTier,
}

/// What the audit log requests need from the config besides the endpoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Settings {
    /// Send `from` and `to` as `yyyy-MM-dd` instead of `yyyy-MM-ddTHH:mm:ss`.
    pub(crate) date_only: bool,
    /// The offset `eventTime` values without one are read in; `None` is UTC.
    pub(crate) event_time_offset: Option<FixedOffset>,
}

impl Config {
    /// A region and credentials.
    pub fn new(region: Region, credentials: Credentials) -> Self {
        Self {
            region,
            base_url: None,
            credentials,
            settings: Settings::default(),
            rate_tier: RateTier::default(),
        }
    }

    /// Sends requests to this URL (the equivalent of `https://api.everbridge.net/rest`)
    /// instead of the region's.
    ///
    /// With [`Credentials::password_grant`] or [`Credentials::client_credentials`], tokens
    /// are asked for at
    /// `authorization/v1/tokens` beside the URL's last `rest` segment:
    /// `https://gw.example.com/eb/rest` gets its tokens from
    /// `https://gw.example.com/eb/authorization/v1/tokens`. A URL that does not end in
    /// `rest` gets them under itself (`…/authorization/v1/tokens`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sends `from` and `to` as dates (`yyyy-MM-dd`) instead of date-times
    /// (`yyyy-MM-ddTHH:mm:ss`, the default), for deployments that take only dates (sources
    /// disagree). Ranges must then start and end at midnight UTC, or the listing refuses
    /// them before any request. Default `false`.
    pub fn date_only(mut self, yes: bool) -> Self {
        self.settings.date_only = yes;
        self
    }

    /// The fixed offset of the account's time zone, in which `eventTime` values (sent without
    /// an offset) are read. Everbridge does not say which zone they are in; by default they
    /// are read as UTC. Values that do carry an offset keep theirs.
    ///
    /// With an offset, the requests' `from` and `to` are sent in the account's zone too, and
    /// a range is split into the account's calendar months (unless
    /// [`date_only`](Self::date_only), whose dates stay UTC), so that no entry listed falls
    /// outside the range asked for.
    pub fn event_time_offset(mut self, offset: FixedOffset) -> Self {
        self.settings.event_time_offset = Some(offset);
        self
    }

    /// The organisation's rate tier, which the client paces itself to (default
    /// [`RateTier::bronze`]); see [`RateTier`] for the limits and how they are kept.
    pub fn rate_tier(mut self, tier: RateTier) -> Self {
        self.rate_tier = tier;
        self
    }

    pub(crate) fn endpoint(
        self,
        transport: &Arc<Transport>,
    ) -> Result<(Endpoint, Settings), Error> {
        let api_url = self.base_url.as_deref().unwrap_or(self.region.url());
        let endpoint = self.credentials.endpoint(transport, api_url, &token_root(api_url))?;
        Ok((endpoint.paced_by_client(self.rate_tier.pacing()), self.settings))
    }

    pub(crate) fn from_env(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Option<Self>, Error> {
        let username = lookup("AUDITKIT_EVERBRIDGE_USERNAME");
        let token = lookup("AUDITKIT_EVERBRIDGE_TOKEN");
        let client =
            (lookup("AUDITKIT_EVERBRIDGE_CLIENT_ID"), lookup("AUDITKIT_EVERBRIDGE_CLIENT_SECRET"));
        let credentials = match (username, token, client) {
            (None, None, (None, None)) => return Ok(None),
            (None, Some(token), (None, None)) => Credentials::bearer(token),
            (Some(_), Some(_), _) => {
                return Err(Error::config(
                    "both AUDITKIT_EVERBRIDGE_USERNAME and AUDITKIT_EVERBRIDGE_TOKEN are set; \
                     keep the one you mean to use",
                ));
            }
            (Some(username), None, client) => {
                let password = lookup("AUDITKIT_EVERBRIDGE_PASSWORD").ok_or_else(|| {
                    Error::config(
                        "AUDITKIT_EVERBRIDGE_USERNAME is set but AUDITKIT_EVERBRIDGE_PASSWORD is not",
                    )
                })?;
                match (client, lookup("AUDITKIT_EVERBRIDGE_ROLE_ID")) {
                    ((None, None), None) => Credentials::basic(username, password),
                    ((None, None), Some(_)) => {
                        return Err(Error::config(
                            "AUDITKIT_EVERBRIDGE_ROLE_ID is for the OAuth password grant: set \
                             AUDITKIT_EVERBRIDGE_CLIENT_ID and AUDITKIT_EVERBRIDGE_CLIENT_SECRET \
                             too, or unset it for HTTP Basic",
                        ));
                    }
                    ((Some(id), Some(secret)), None) => {
                        Credentials::password_grant(id, secret, username, password)
                    }
                    ((Some(id), Some(secret)), Some(role)) => {
                        Credentials::password_grant_for_role(id, secret, username, password, role)
                    }
                    _ => return Err(half_client()),
                }
            }
            (None, None, (Some(id), Some(secret))) => {
                if lookup("AUDITKIT_EVERBRIDGE_PASSWORD").is_some()
                    || lookup("AUDITKIT_EVERBRIDGE_ROLE_ID").is_some()
                {
                    return Err(Error::config(
                        "AUDITKIT_EVERBRIDGE_PASSWORD or AUDITKIT_EVERBRIDGE_ROLE_ID is set without \
                         AUDITKIT_EVERBRIDGE_USERNAME: set the user for the OAuth password grant, \
                         or unset them for a service account (client id and secret alone)",
                    ));
                }
                Credentials::client_credentials(id, secret)
            }
            (None, _, _) => {
                return Err(Error::config(
                    "set both AUDITKIT_EVERBRIDGE_CLIENT_ID and AUDITKIT_EVERBRIDGE_CLIENT_SECRET \
                     for a service account (add AUDITKIT_EVERBRIDGE_USERNAME and \
                     AUDITKIT_EVERBRIDGE_PASSWORD for the password grant); for a token you \
                     already have, set only AUDITKIT_EVERBRIDGE_TOKEN",
                ));
            }
        };
        let region = match lookup("AUDITKIT_EVERBRIDGE_REGION") {
            Some(name) => name
                .parse()
                .map_err(|e| Error::config(format!("AUDITKIT_EVERBRIDGE_REGION: {e}")))?,
            None => Region::Us,
        };
        let mut config = Config::new(region, credentials);
        config.base_url = lookup("AUDITKIT_EVERBRIDGE_BASE_URL");
        if let Some(name) = lookup("AUDITKIT_EVERBRIDGE_RATE_TIER") {
            config.rate_tier = match name.trim().to_ascii_lowercase().as_str() {
                "bronze" => RateTier::bronze(),
                "silver" => RateTier::silver(),
                "gold" => RateTier::gold(),
                _ => {
                    return Err(Error::config(format!(
                        "AUDITKIT_EVERBRIDGE_RATE_TIER: `{name}` is not an Everbridge rate tier; \
                         expected bronze, silver or gold"
                    )));
                }
            };
        }
        Ok(Some(config))
    }
}

fn half_client() -> Error {
    Error::config(
        "set both AUDITKIT_EVERBRIDGE_CLIENT_ID and AUDITKIT_EVERBRIDGE_CLIENT_SECRET for OAuth, \
         or neither for HTTP Basic",
    )
}

/// Where `authorization/v1/tokens` lives for an API URL: beside its last `rest` segment
/// (any case), else under the URL itself.
fn token_root(api_url: &str) -> String {
    let trimmed = api_url.trim().trim_end_matches('/');
    let root = match trimmed.rsplit_once('/') {
        Some((root, last)) if last.eq_ignore_ascii_case("rest") && root.contains("://") => root,
        _ => trimmed,
    };
    format!("{root}/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn the_token_endpoint_sits_beside_rest() {
        assert_eq!(token_root("https://api.everbridge.net/rest"), "https://api.everbridge.net/");
        assert_eq!(
            token_root("http://127.0.0.1:9/everbridge/REST/"),
            "http://127.0.0.1:9/everbridge/"
        );
        assert_eq!(token_root("https://gw.example/eb/api"), "https://gw.example/eb/api/");
        assert_eq!(token_root("https://rest"), "https://rest/");
    }

    #[test]
    fn from_env_picks_a_service_account_from_a_client_id_and_secret_alone() {
        let config = |pairs| Config::from_env(&lookup(pairs));
        let service = config(&[
            ("AUDITKIT_EVERBRIDGE_CLIENT_ID", "c"),
            ("AUDITKIT_EVERBRIDGE_CLIENT_SECRET", "s"),
        ])
        .unwrap()
        .unwrap();
        assert!(matches!(service.credentials, Credentials::ClientCredentials { .. }));
        assert_eq!(service.rate_tier, RateTier::bronze());
        let gold = config(&[
            ("AUDITKIT_EVERBRIDGE_TOKEN", "t"),
            ("AUDITKIT_EVERBRIDGE_RATE_TIER", "Gold"),
        ]);
        assert_eq!(gold.unwrap().unwrap().rate_tier, RateTier::gold());
        let tin =
            config(&[("AUDITKIT_EVERBRIDGE_TOKEN", "t"), ("AUDITKIT_EVERBRIDGE_RATE_TIER", "tin")]);
        assert!(tin.unwrap_err().to_string().contains("bronze, silver or gold"));
        let role = config(&[
            ("AUDITKIT_EVERBRIDGE_USERNAME", "u"),
            ("AUDITKIT_EVERBRIDGE_PASSWORD", "p"),
            ("AUDITKIT_EVERBRIDGE_CLIENT_ID", "c"),
            ("AUDITKIT_EVERBRIDGE_CLIENT_SECRET", "s"),
            ("AUDITKIT_EVERBRIDGE_ROLE_ID", "42"),
        ])
        .unwrap()
        .unwrap();
        assert!(matches!(
            role.credentials,
            Credentials::PasswordGrant { role_id: Some(ref r), .. } if r == "42"
        ));
        for (pairs, names) in [
            (
                &[
                    ("AUDITKIT_EVERBRIDGE_USERNAME", "u"),
                    ("AUDITKIT_EVERBRIDGE_PASSWORD", "p"),
                    ("AUDITKIT_EVERBRIDGE_ROLE_ID", "42"),
                ][..],
                "AUDITKIT_EVERBRIDGE_CLIENT_ID",
            ),
            (
                &[
                    ("AUDITKIT_EVERBRIDGE_CLIENT_ID", "c"),
                    ("AUDITKIT_EVERBRIDGE_CLIENT_SECRET", "s"),
                    ("AUDITKIT_EVERBRIDGE_PASSWORD", "p"),
                ][..],
                "AUDITKIT_EVERBRIDGE_USERNAME",
            ),
        ] {
            let error = config(pairs).unwrap_err().to_string();
            assert!(error.contains(names), "{pairs:?}: {error}");
        }
    }

    #[test]
    fn from_env_picks_basic_oauth_or_bearer_and_names_what_is_missing() {
        let config = |pairs| Config::from_env(&lookup(pairs));
        assert!(config(&[]).unwrap().is_none());
        let basic =
            config(&[("AUDITKIT_EVERBRIDGE_USERNAME", "u"), ("AUDITKIT_EVERBRIDGE_PASSWORD", "p")]);
        assert!(matches!(basic.unwrap().unwrap().credentials, Credentials::Basic { .. }));
        let oauth = config(&[
            ("AUDITKIT_EVERBRIDGE_USERNAME", "u"),
            ("AUDITKIT_EVERBRIDGE_PASSWORD", "p"),
            ("AUDITKIT_EVERBRIDGE_CLIENT_ID", "c"),
            ("AUDITKIT_EVERBRIDGE_CLIENT_SECRET", "s"),
            ("AUDITKIT_EVERBRIDGE_REGION", "EU"),
        ])
        .unwrap()
        .unwrap();
        assert!(matches!(oauth.credentials, Credentials::PasswordGrant { .. }));
        assert_eq!(oauth.region, Region::Eu);
        let bearer = config(&[("AUDITKIT_EVERBRIDGE_TOKEN", "t")]).unwrap().unwrap();
        assert!(matches!(bearer.credentials, Credentials::Bearer(_)));
        for (pairs, names) in [
            (&[("AUDITKIT_EVERBRIDGE_USERNAME", "u")][..], "AUDITKIT_EVERBRIDGE_PASSWORD"),
            (
                &[
                    ("AUDITKIT_EVERBRIDGE_USERNAME", "u"),
                    ("AUDITKIT_EVERBRIDGE_PASSWORD", "p"),
                    ("AUDITKIT_EVERBRIDGE_CLIENT_ID", "c"),
                ][..],
                "AUDITKIT_EVERBRIDGE_CLIENT_SECRET",
            ),
            (&[("AUDITKIT_EVERBRIDGE_CLIENT_ID", "c")][..], "AUDITKIT_EVERBRIDGE_CLIENT_SECRET"),
            (
                &[("AUDITKIT_EVERBRIDGE_TOKEN", "t"), ("AUDITKIT_EVERBRIDGE_USERNAME", "u")][..],
                "AUDITKIT_EVERBRIDGE_TOKEN",
            ),
        ] {
            let error = config(pairs).unwrap_err().to_string();
            assert!(error.contains(names), "{pairs:?}: {error}");
        }
    }
}
