//! A batch as lines (raw, or OCSF where the source has a mapping), each carrying tenant,
//! vendor, source and key, with the batch's commit.

use auditkit::{
    Error,
    collect::{Batch, Collected},
};
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde::Serialize;

use super::{args::Format, sinks::outputs};

/// Who wrote a line: on every line, and in the sinks' metadata.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub(crate) tenant: String,
    pub(crate) vendor: &'static str,
    /// The vendor's source id (`qualtrics/logins`).
    pub(crate) source: String,
    /// The checkpoint's id (the source id, with the tenant in front in a config).
    pub(crate) checkpoint: String,
}

/// One event, serialized.
pub(crate) struct Line {
    pub(crate) key: String,
    pub(crate) time: Option<DateTime<Utc>>,
    pub(crate) json: Vec<u8>,
    /// The closing brace before which an archive adds the chain member: the line's own
    /// (raw), or `unmapped`'s, written last (OCSF: the schema's place for our fields).
    pub(crate) chain_at: usize,
}

/// What a commit records besides the checkpoint: the sink's own annotations.
pub(crate) type Commit = Box<
    dyn FnOnce(Vec<(&'static str, serde_json::Value)>) -> BoxFuture<'static, Result<(), Error>>
        + Send,
>;

/// A batch as lines, with its commit and its progress figures.
pub(crate) struct Prepared {
    pub(crate) origin: Origin,
    pub(crate) lines: Vec<Line>,
    pub(crate) events: usize,
    pub(crate) undecodable: usize,
    /// Events that may have been delivered before (listed again after a clock rewind).
    pub(crate) possibly_repeated: usize,
    pub(crate) high_water_mark: Option<DateTime<Utc>>,
    pub(crate) commit: Commit,
}

#[derive(Serialize)]
struct RawLine<'a, E> {
    tenant: &'a str,
    vendor: &'a str,
    source: &'a str,
    key: &'a str,
    time: DateTime<Utc>,
    event: &'a E,
}

#[derive(Serialize)]
struct UndecodableLine<'a> {
    tenant: &'a str,
    vendor: &'a str,
    source: &'a str,
    key: &'a str,
    undecodable: &'a str,
    error: String,
}

/// An event's OCSF mapping as JSON (`None`: the source has none).
pub(crate) type ToOcsf<E> = fn(&E) -> Option<serde_json::Result<serde_json::Value>>;

impl Prepared {
    pub(crate) fn new<E: Serialize + Send + 'static>(
        origin: &Origin,
        mut batch: Batch<E>,
        format: Format,
        to_ocsf: ToOcsf<E>,
    ) -> Self {
        let (events, undecodable) = (batch.events().len(), batch.undecodable().len());
        let mut lines = Vec::with_capacity(events.saturating_add(undecodable));
        let (tenant, vendor, source) =
            (origin.tenant.as_str(), origin.vendor, origin.source.as_str());
        // Each line's buffer is sized after the one before: one allocation per line, not a
        // regrowth every time it doubles.
        let mut size = 256;
        // The events are taken, not borrowed: their keys move into the lines.
        for Collected { key, time, event, .. } in batch.take_events() {
            // The mapping is built only for OCSF output: it costs more than the raw line.
            let ocsf = if format == Format::Ocsf { to_ocsf(&event) } else { None };
            let (written, in_unmapped) = match ocsf {
                Some(ocsf) => (
                    ocsf.and_then(|mut ocsf| {
                        // The collector's key: what a SIEM deduplicates on.
                        ocsf["metadata"]["uid"] = key.as_str().into();
                        ocsf["metadata"]["tenant_uid"] = tenant.into();
                        // Beside the mapping's own notes (`time` when the event has none).
                        let ours = &mut ocsf["unmapped"]["auditkit"];
                        if !ours.is_object() {
                            *ours = serde_json::json!({});
                        }
                        ours["tenant"] = tenant.into();
                        ours["vendor"] = vendor.into();
                        ours["source"] = source.into();
                        ours["key"] = key.as_str().into();
                        unmapped_last(ocsf)
                    }),
                    true,
                ),
                // A source without a mapping is written raw: nothing is dropped.
                None => {
                    let mut json = Vec::with_capacity(size);
                    let key = key.as_str();
                    let written = serde_json::to_writer(
                        &mut json,
                        &RawLine { tenant, vendor, source, key, time, event: &event },
                    );
                    (written.map(|()| json), false)
                }
            };
            if let Ok(json) = &written {
                size = json.len().saturating_add(json.len() / 8).max(64);
            }
            lines.push(line(origin, key, Some(time), written, in_unmapped));
        }
        for rejected in batch.take_undecodable() {
            let json = serde_json::to_vec(&UndecodableLine {
                tenant,
                vendor,
                source,
                key: &rejected.key,
                undecodable: rejected.item.raw_json(),
                error: rejected.item.error().to_string(),
            });
            lines.push(line(origin, rejected.key, None, json, false));
        }
        let high_water_mark = batch.checkpoint().high_water_mark();
        let output_files = batch.checkpoint().annotation(outputs::OUTPUT_FILES).cloned();
        let possibly_repeated = batch.possibly_repeated();
        Self {
            origin: origin.clone(),
            lines,
            events,
            undecodable,
            possibly_repeated,
            high_water_mark,
            commit: Box::new(move |mut annotations| {
                Box::pin(async move {
                    annotations.extend(outputs::merged(output_files.as_ref(), &annotations));
                    for (name, value) in annotations {
                        batch.annotate(name, value);
                    }
                    batch.commit().await
                })
            }),
        }
    }
}

/// An OCSF event as JSON with `unmapped` (an object) as its last member, so that an archive
/// can add its chain there at a known place.
fn unmapped_last(mut ocsf: serde_json::Value) -> serde_json::Result<Vec<u8>> {
    let unmapped = ocsf.as_object_mut().and_then(|object| object.remove("unmapped"));
    let mut json = serde_json::to_vec(&ocsf)?;
    if let Some(unmapped) = unmapped.filter(|u| u.as_object().is_some_and(|u| !u.is_empty())) {
        json.pop();
        if json.len() > 1 {
            json.push(b',');
        }
        json.extend_from_slice(b"\"unmapped\":");
        serde_json::to_writer(&mut json, &unmapped)?;
        json.push(b'}');
    }
    Ok(json)
}

/// One line; an event that cannot be written as JSON still leaves a line with its origin,
/// key and the reason. `in_unmapped`: the line ends with a non-empty `unmapped`.
fn line(
    origin: &Origin,
    key: String,
    time: Option<DateTime<Utc>>,
    json: serde_json::Result<Vec<u8>>,
    in_unmapped: bool,
) -> Line {
    let in_unmapped = in_unmapped && json.is_ok();
    let json = json.unwrap_or_else(|error| {
        let fallback = serde_json::json!({
            "tenant": origin.tenant, "vendor": origin.vendor, "source": origin.source,
            "key": key, "unserializable": error.to_string(),
        });
        // A `Value` of strings always serializes.
        serde_json::to_vec(&fallback).unwrap_or_default()
    });
    let chain_at = json.len().saturating_sub(if in_unmapped { 2 } else { 1 });
    Line { key, time, json, chain_at }
}

/// The OCSF mapping of each source's events, as JSON (`None`: the source has none).
pub(crate) mod ocsf {
    use auditkit::{everbridge, ocsf::ToOcsf, qualtrics};
    use serde::Serialize;

    type Mapped = Option<serde_json::Result<serde_json::Value>>;

    fn json(event: impl Serialize) -> Mapped {
        Some(serde_json::to_value(event))
    }

    pub(crate) fn none<E>(_: &E) -> Mapped {
        None
    }

    /// A Qualtrics event of any activity type with a mapping (every one the SDK describes).
    pub(crate) fn qualtrics<A: qualtrics::ActivityType>(event: &qualtrics::Event<A>) -> Mapped
    where
        qualtrics::Event<A>: ToOcsf,
    {
        json(event.to_ocsf())
    }

    pub(crate) fn audit_log_entry(entry: &everbridge::AuditLogEntry) -> Mapped {
        json(entry.to_ocsf())
    }
}
