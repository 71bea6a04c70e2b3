//! `GET /ready` and `GET /version` — whether Reporter and each of its dependencies are up,
//! and which version runs.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_with::serde_as;

use super::{operation, protocol::advise};
use crate::{Error, Operation, datetime::Tolerant, transport::EndpointSlot};

const READY: Operation = operation("health");
const VERSION: Operation = operation("version");

/// Reporter's readiness (`GET /ready`): its own verdict and each dependency's. Reporter
/// answers 503 when a dependency is down; that is this answer, not an error.
///
/// ```
/// use auditkit::reporter::Readiness;
///
/// let readiness: Readiness = serde_json::from_value(serde_json::json!({
///     "status": "not_ready",
///     "dependencies": {
///         "mongodb": {"status": "ready"},
///         "redis": {"status": "not_ready", "message": "ping failed"},
///     },
/// }))?;
/// assert!(!readiness.is_ready());
/// assert_eq!(readiness.down(), [("redis", Some("ping failed"))]);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Readiness {
    /// `ready` or `not_ready`.
    pub status: String,
    /// Each dependency by name (`mongodb`, `rabbitmq`, `redis`, `storage`).
    #[serde(default)]
    pub dependencies: BTreeMap<String, Dependency>,
}

/// One dependency's state in a [`Readiness`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Dependency {
    /// `ready` or `not_ready`.
    pub status: String,
    /// Why it is not ready (`ping failed`, `connection is closed`).
    #[serde(default)]
    pub message: Option<String>,
}

impl Readiness {
    /// Whether Reporter and every dependency are ready.
    pub fn is_ready(&self) -> bool {
        self.status.eq_ignore_ascii_case("ready") && self.down().is_empty()
    }

    /// The dependencies that are down, with Reporter's reason.
    pub fn down(&self) -> Vec<(&str, Option<&str>)> {
        self.dependencies
            .iter()
            .filter(|(_, dependency)| !dependency.status.eq_ignore_ascii_case("ready"))
            .map(|(name, dependency)| (name.as_str(), dependency.message.as_deref()))
            .collect()
    }
}

/// Which Reporter runs (`GET /version`).
#[serde_as]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Version {
    /// The server's version (`1.2.0-beta.1`).
    pub version: String,
    /// When the server answered.
    #[serde_as(as = "Option<Tolerant>")]
    #[serde(default)]
    pub request_date: Option<DateTime<Utc>>,
}

/// Reads Reporter's readiness. Created by [`Service::health`](super::Service::health).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send()` is awaited"]
pub struct Health {
    slot: EndpointSlot,
}

impl Health {
    pub(super) fn new(slot: EndpointSlot) -> Self {
        Self { slot }
    }

    /// Sends the request: the readiness, whether Reporter answered 200 or 503.
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// let readiness = client.reporter().health().send().await?;
    /// for (dependency, why) in readiness.down() {
    ///     eprintln!("{dependency} is down: {}", why.unwrap_or("no reason given"));
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// The transport's errors, for answers that are not a readiness (a gateway's 503 page
    /// is retried like any 503).
    pub async fn send(self) -> Result<Readiness, Error> {
        let endpoint = self.slot.get()?;
        let request = endpoint.request(READY, Method::GET, &["ready"]);
        endpoint.send_json(request).await.map_err(advise)
    }
}

/// Reads Reporter's version. Created by [`Service::version`](super::Service::version).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send()` is awaited"]
pub struct GetVersion {
    slot: EndpointSlot,
}

impl GetVersion {
    pub(super) fn new(slot: EndpointSlot) -> Self {
        Self { slot }
    }

    /// Sends the request.
    ///
    /// ```no_run
    /// # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
    /// println!("Reporter {}", client.reporter().version().send().await?.version);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// The transport's errors.
    pub async fn send(self) -> Result<Version, Error> {
        let endpoint = self.slot.get()?;
        let request = endpoint.request(VERSION, Method::GET, &["version"]);
        endpoint.send_json(request).await.map_err(advise)
    }
}
