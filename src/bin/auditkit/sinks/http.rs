//! Batched NDJSON POSTs with retries and backoff; presets for Splunk HEC and the
//! Elasticsearch/OpenSearch `_bulk` API (`_id` = the event key, so a batch delivered again
//! overwrites instead of duplicating).

use std::time::Duration;

use crate::{
    args::HttpPreset,
    failure::Failure,
    lines::{Line, Origin},
};

/// An HTTP sink as configured.
#[derive(Clone, PartialEq)]
pub(crate) struct HttpSpec {
    pub(crate) url: url::Url,
    pub(crate) preset: HttpPreset,
    /// The Splunk HEC token, or the whole `Authorization` value otherwise.
    pub(crate) token: Option<String>,
    pub(crate) attempts: u32,
    pub(crate) backoff: Duration,
    /// The longest wait a `Retry-After` gets: a longer one is cut to it, with a warning.
    pub(crate) max_retry_after: Duration,
}

impl std::fmt::Debug for HttpSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpSpec")
            .field("url", &self.url.as_str())
            .field("preset", &self.preset)
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("attempts", &self.attempts)
            .field("backoff", &self.backoff)
            .field("max_retry_after", &self.max_retry_after)
            .finish()
    }
}

pub(crate) struct HttpSink {
    spec: HttpSpec,
    client: reqwest::Client,
}

impl HttpSink {
    pub(crate) fn new(spec: &HttpSpec) -> Result<Self, Failure> {
        let client = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().map_err(
            |error| Failure::Usage(format!("cannot build the HTTP sink's client: {error}")),
        )?;
        Ok(Self { spec: spec.clone(), client })
    }

    /// POSTs the batch, retrying connection failures, 408, 429 and 5xx with backoff, or
    /// after the answer's `Retry-After` (capped at `max_retry_after`) when it has one.
    pub(crate) async fn post(
        &mut self,
        origin: &Origin,
        lines: &[Line],
    ) -> Result<Vec<(&'static str, serde_json::Value)>, String> {
        if lines.is_empty() {
            return Ok(Vec::new());
        }
        let body = body(self.spec.preset, origin, lines);
        let mut delay = self.spec.backoff;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome = self.send(body.clone()).await;
            match outcome {
                Ok(()) => return Ok(Vec::new()),
                Err(Refused { message, retryable: true, retry_after })
                    if attempt < self.spec.attempts =>
                {
                    let wait = match retry_after {
                        Some(asked) if asked > self.spec.max_retry_after => {
                            tracing::warn!(url = %self.spec.url, attempt, ?asked,
                                "HTTP sink: {message}; its Retry-After asks for longer than \
                                 {:?} (max_retry_after): retrying after that instead",
                                self.spec.max_retry_after);
                            self.spec.max_retry_after
                        }
                        Some(asked) => {
                            tracing::warn!(url = %self.spec.url, attempt, "HTTP sink: {message}; retrying in {asked:?} as its Retry-After asks");
                            asked
                        }
                        None => {
                            tracing::warn!(url = %self.spec.url, attempt, "HTTP sink: {message}; retrying in {delay:?}");
                            delay
                        }
                    };
                    tokio::time::sleep(wait).await;
                    delay = (delay * 2).min(Duration::from_secs(30));
                }
                Err(Refused { message, .. }) => {
                    return Err(format!(
                        "HTTP sink {}: {message} (after {attempt} attempts)",
                        self.spec.url
                    ));
                }
            }
        }
    }

    /// One POST; the error says whether to retry, and when the server asks.
    async fn send(&self, body: Vec<u8>) -> Result<(), Refused> {
        let mut request = self
            .client
            .post(self.spec.url.clone())
            .header("content-type", "application/x-ndjson")
            .body(body);
        if let Some(token) = &self.spec.token {
            let value = match self.spec.preset {
                HttpPreset::Splunk => format!("Splunk {token}"),
                _ => token.clone(),
            };
            request = request.header("authorization", value);
        }
        let response = request.send().await.map_err(|error| Refused::again(error.to_string()))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| retry_after(value, chrono::Utc::now()));
        let text = read_capped(response).await.map_err(Refused::again)?;
        if !status.is_success() {
            let retryable =
                status.is_server_error() || status.as_u16() == 429 || status.as_u16() == 408;
            let excerpt: String = text.chars().take(300).collect();
            return Err(Refused {
                message: format!("{status}: {excerpt}"),
                retryable,
                retry_after,
            });
        }
        if self.spec.preset == HttpPreset::Elastic {
            // `_bulk` answers 200 even when items failed: each one says.
            // An answer that cannot be read confirms nothing: the batch goes again (its
            // `_id`s make that an overwrite, never a duplicate).
            let answer: serde_json::Value = serde_json::from_str(&text).map_err(|error| {
                let excerpt: String = text.chars().take(300).collect();
                Refused::again(format!(
                    "_bulk answered 200 with a body that is not JSON ({error}): {excerpt}"
                ))
            })?;
            if answer["errors"].as_bool() == Some(true) {
                let first = answer["items"]
                    .as_array()
                    .and_then(|items| {
                        items.iter().find_map(|item| item["index"]["error"].as_object().cloned())
                    })
                    .map(|error| serde_json::Value::Object(error).to_string())
                    .unwrap_or_default();
                return Err(Refused::again(format!("_bulk reported item errors: {first}")));
            }
        }
        Ok(())
    }
}

/// Why a POST did not deliver the batch.
#[derive(Debug)]
struct Refused {
    message: String,
    retryable: bool,
    /// The server's `Retry-After`, as a wait from now.
    retry_after: Option<Duration>,
}

impl Refused {
    /// A failure worth another attempt, with no wait asked for.
    fn again(message: String) -> Self {
        Self { message, retryable: true, retry_after: None }
    }
}

/// A `Retry-After` value: seconds, or an HTTP date (a date past is "now").
fn retry_after(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    Some((at.with_timezone(&chrono::Utc) - now).to_std().unwrap_or(Duration::ZERO))
}

/// The most of a sink's answer that is read: a `_bulk` answer lists every item of a batch
/// (a few hundred bytes each), far below this; a body past it is an error, not memory.
const MAX_ANSWER: usize = 64 << 20;

/// The answer's body as text, at most [`MAX_ANSWER`] bytes.
async fn read_capped(mut response: reqwest::Response) -> Result<String, String> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|error| error.to_string())? {
        if body.len().saturating_add(chunk.len()) > MAX_ANSWER {
            return Err(format!(
                "the sink's answer is larger than {} MiB; the batch is not taken as delivered",
                MAX_ANSWER >> 20
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// The request body of `prepared` for `preset`.
fn body(preset: HttpPreset, origin: &Origin, lines: &[Line]) -> Vec<u8> {
    let mut body = Vec::with_capacity(lines.iter().map(|line| line.json.len() + 64).sum());
    for line in lines {
        match preset {
            HttpPreset::Ndjson => {}
            HttpPreset::Splunk => {
                let mut meta = serde_json::json!({
                    "source": format!("auditkit:{}", origin.source),
                    "sourcetype": format!("auditkit:{}", origin.vendor),
                    "fields": { "tenant": origin.tenant, "key": line.key },
                });
                if let Some(time) = line.time {
                    meta["time"] = (time.timestamp_millis() as f64 / 1000.0).into();
                }
                let mut head = meta.to_string();
                head.pop(); // the closing brace: the event follows
                body.extend_from_slice(head.as_bytes());
                body.extend_from_slice(b",\"event\":");
                body.extend_from_slice(&line.json);
                body.extend_from_slice(b"}\n");
                continue;
            }
            HttpPreset::Elastic => {
                let action = serde_json::json!({ "index": { "_id": line.key } });
                body.extend_from_slice(action.to_string().as_bytes());
                body.push(b'\n');
            }
        }
        body.extend_from_slice(&line.json);
        body.push(b'\n');
    }
    body
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = chrono::Utc.with_ymd_and_hms(2026, 11, 6, 8, 49, 0).unwrap();
        assert_eq!(retry_after(" 120 ", now), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after("Fri, 06 Nov 2026 08:49:37 GMT", now),
            Some(Duration::from_secs(37))
        );
        assert_eq!(retry_after("Fri, 06 Nov 2026 08:00:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(retry_after("soon", now), None);
    }
}
