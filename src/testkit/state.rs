//! What every connection of a running sandbox shares — the vendor simulators, the fault
//! queue and the request log — and the path one request takes through them.

use std::{fmt, sync::Arc};

use bytes::Bytes;
use chrono::{DateTime, Utc};
use hyper::{HeaderMap, Method};
use url::Url;

use super::{
    fault_queue::{Effect, FaultQueue, Fired},
    recorder::{RecordedRequest, Recorder},
    sim::{Disconnect, SimRequest, SimResponse, Simulator},
};
use crate::Timer;

/// Everything the connections of one sandbox share.
pub(crate) struct Shared {
    pub(crate) base_url: Url,
    pub(crate) simulators: Vec<Arc<dyn Simulator>>,
    pub(crate) faults: FaultQueue,
    pub(crate) recorder: Recorder,
    /// The clock the simulators read "now" from; the system's when `None`.
    pub(crate) clock: Option<Arc<dyn Timer>>,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefixes: Vec<_> = self.simulators.iter().map(|sim| sim.prefix()).collect();
        f.debug_struct("Shared")
            .field("base_url", &self.base_url.as_str())
            .field("simulators", &prefixes)
            .field("faults", &self.faults)
            .finish_non_exhaustive()
    }
}

impl Shared {
    /// "Now" by the sandbox's clock.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.as_ref().map_or_else(Utc::now, |clock| clock.wall_clock())
    }

    /// Records the request, applies the first matching fault, and lets the simulator that
    /// owns the path answer.
    pub(crate) async fn respond(
        &self,
        method: Method,
        path: &str,
        query: Option<&str>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<SimResponse, Disconnect> {
        self.recorder.record(RecordedRequest {
            method: method.as_str().to_owned(),
            path: path.to_owned(),
            query: query.map(str::to_owned),
            headers: headers
                .iter()
                .map(|(name, value)| {
                    (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into())
                })
                .collect(),
            body: body.clone(),
            received_at: tokio::time::Instant::now(),
        });
        let request = SimRequest {
            method,
            path: path.to_owned(),
            query: url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
                .into_owned()
                .collect(),
            headers,
            body,
            base_url: self.base_url.clone(),
            now: self.now(),
        };
        let Some(Fired { effect, extras }) = self.faults.fire(request.method.as_str(), path) else {
            return Ok(self.route(request));
        };
        let response = match effect {
            Effect::Respond(response) => response,
            Effect::Delay(delay) => {
                tokio::time::sleep(delay).await;
                self.route(request)
            }
            Effect::Spoil(spoil) => spoil(self.route(request)),
            Effect::Disconnect => return Err(Disconnect),
        };
        Ok(extras.apply(response))
    }

    fn route(&self, mut request: SimRequest) -> SimResponse {
        for simulator in &self.simulators {
            if let Some(rest) = strip_prefix(&request.path, simulator.prefix()) {
                request.path = rest.to_owned();
                return simulator.handle(&request);
            }
        }
        SimResponse::not_found(&request.path)
    }
}

/// `path` after `prefix`, when `prefix` ends at a segment boundary (`/energycap` matches
/// `/energycap/api` but not `/energycapx`).
fn strip_prefix<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = path.strip_prefix(prefix)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::strip_prefix;

    #[test]
    fn prefix_must_end_at_a_segment_boundary() {
        assert_eq!(strip_prefix("/energycap/api", "/energycap"), Some("/api"));
        assert_eq!(strip_prefix("/energycap", "/energycap"), Some(""));
        assert_eq!(strip_prefix("/energycapx/api", "/energycap"), None);
        assert_eq!(strip_prefix("/reporter/v1", "/energycap"), None);
    }
}
