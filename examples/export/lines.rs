//! A batch as JSON Lines (raw, or OCSF where the source has a mapping), with its commit.

use auditkit::{
    Error,
    collect::{Batch, Collected},
};
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde::Serialize;

use super::args::Format;

/// A batch as JSON Lines, with its commit.
pub(crate) struct Prepared {
    pub(crate) source: String,
    pub(crate) lines: Vec<u8>,
    pub(crate) events: usize,
    pub(crate) undecodable: usize,
    pub(crate) commit: Box<dyn FnOnce(u64) -> BoxFuture<'static, Result<(), Error>> + Send>,
}

#[derive(Serialize)]
struct RawLine<'a, E> {
    source: &'a str,
    key: &'a str,
    time: DateTime<Utc>,
    event: &'a E,
}

#[derive(Serialize)]
struct UndecodableLine<'a> {
    source: &'a str,
    key: &'a str,
    undecodable: &'a str,
    error: String,
}

impl Prepared {
    pub(crate) fn new<E: Serialize + Send + 'static>(
        source: &str,
        mut batch: Batch<E>,
        format: Format,
        to_ocsf: fn(&E) -> Option<serde_json::Result<serde_json::Value>>,
    ) -> Self {
        let mut lines = Vec::new();
        for Collected { key, time, event, .. } in batch.events() {
            let line = match (format, to_ocsf(event)) {
                (Format::Ocsf, Some(ocsf)) => ocsf.map(|mut ocsf| {
                    // The collector's key: what a SIEM deduplicates on.
                    ocsf["metadata"]["uid"] = key.as_str().into();
                    ocsf
                }),
                // A source without a mapping is written raw: nothing is dropped.
                _ => serde_json::to_value(RawLine { source, key, time: *time, event }),
            };
            push_line(&mut lines, source, key, line);
        }
        for rejected in batch.undecodable() {
            let line = UndecodableLine {
                source,
                key: &rejected.key,
                undecodable: rejected.item.raw_json(),
                error: rejected.item.error().to_string(),
            };
            push_line(&mut lines, source, &rejected.key, serde_json::to_value(line));
        }
        let (events, undecodable) = (batch.events().len(), batch.undecodable().len());
        Self {
            source: source.to_owned(),
            lines,
            events,
            undecodable,
            commit: Box::new(move |length| {
                Box::pin(async move {
                    batch.annotate("output_bytes", length);
                    batch.commit().await
                })
            }),
        }
    }
}

/// Appends one JSON line; an event that cannot be written as JSON still leaves a line
/// with its source, key and the reason.
fn push_line(
    lines: &mut Vec<u8>,
    source: &str,
    key: &str,
    line: serde_json::Result<serde_json::Value>,
) {
    let line = line.unwrap_or_else(|error| {
        serde_json::json!({ "source": source, "key": key, "unserializable": error.to_string() })
    });
    // Writing a `Value` into a `Vec` cannot fail.
    let _ = serde_json::to_writer(&mut *lines, &line);
    lines.push(b'\n');
}

/// The OCSF mapping of each source's events, as JSON (`None`: the source has none).
pub(crate) mod ocsf {
    use auditkit::{everbridge, ocsf::ToOcsf, qualtrics};
    use serde::Serialize;

    type Line = Option<serde_json::Result<serde_json::Value>>;

    fn json(event: impl Serialize) -> Line {
        Some(serde_json::to_value(event))
    }

    pub(crate) fn none<E>(_: &E) -> Line {
        None
    }

    /// A Qualtrics event of any activity type with a mapping (every one the SDK describes).
    pub(crate) fn qualtrics<A: qualtrics::ActivityType>(event: &qualtrics::Event<A>) -> Line
    where
        qualtrics::Event<A>: ToOcsf,
    {
        json(event.to_ocsf())
    }

    pub(crate) fn audit_log_entry(entry: &everbridge::AuditLogEntry) -> Line {
        json(entry.to_ocsf())
    }
}
