//! What a file holds, gathered line by line: counts per tenant and source, the first and
//! last event time and chain link. A writer's manifest and a verifier's check are both
//! this, so they cannot disagree on how to count.

use std::{borrow::Cow, collections::BTreeMap, fmt};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, de};

use super::{ChainedLine, Hash256};

/// A line of the chain as a manifest records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkRecord {
    /// Its sequence number.
    pub seq: u64,
    /// The hash it continues from.
    pub prev: Hash256,
    /// Its own hash.
    pub hash: Hash256,
}

/// Lines of one tenant and source in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Count {
    /// The `tenant` of the lines (empty when a line has none).
    pub tenant: String,
    /// The `source` of the lines (`qualtrics/logins`; empty when a line has none).
    pub source: String,
    /// How many lines.
    pub lines: u64,
}

/// A file's lines, summed up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    pub(crate) lines: u64,
    pub(crate) chain: Option<String>,
    pub(crate) first: Option<LinkRecord>,
    pub(crate) last: Option<LinkRecord>,
    pub(crate) first_event_time: Option<DateTime<Utc>>,
    pub(crate) last_event_time: Option<DateTime<Utc>>,
    counts: BTreeMap<(String, String), u64>,
}

/// The fields of a line that a summary counts, raw or OCSF.
#[derive(Deserialize)]
struct Probe<'a> {
    #[serde(borrow, default)]
    tenant: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    source: Option<Cow<'a, str>>,
    #[serde(default)]
    time: Option<EventTime>,
    #[serde(borrow, default)]
    unmapped: Option<Unmapped<'a>>,
}

#[derive(Deserialize)]
struct Unmapped<'a> {
    #[serde(borrow, default)]
    auditkit: Option<Origin<'a>>,
}

#[derive(Deserialize)]
struct Origin<'a> {
    #[serde(borrow, default)]
    tenant: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    source: Option<Cow<'a, str>>,
}

/// RFC 3339 (raw lines) or milliseconds since the epoch (OCSF `time`).
struct EventTime(Option<DateTime<Utc>>);

impl<'de> Deserialize<'de> for EventTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = EventTime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a time")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<EventTime, E> {
                Ok(EventTime(DateTime::parse_from_rfc3339(text).ok().map(|t| t.to_utc())))
            }
            fn visit_u64<E: de::Error>(self, ms: u64) -> Result<EventTime, E> {
                Ok(EventTime(i64::try_from(ms).ok().and_then(DateTime::from_timestamp_millis)))
            }
            fn visit_i64<E: de::Error>(self, ms: i64) -> Result<EventTime, E> {
                Ok(EventTime(DateTime::from_timestamp_millis(ms)))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<EventTime, E> {
                Ok(EventTime(None))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A raw line's fields as the writer puts them first (`{"tenant":"…","vendor":"…",
/// "source":"…","key":"…","time":"…",`), read without parsing the event after them; `None`
/// for any other line (the full parse then reads it, to the same values).
fn raw_prefix(line: &[u8]) -> Option<Probe<'_>> {
    let mut rest = line.strip_prefix(b"{")?;
    let tenant = field(&mut rest, b"tenant")?;
    field(&mut rest, b"vendor")?;
    let source = field(&mut rest, b"source")?;
    field(&mut rest, b"key")?;
    let time = field(&mut rest, b"time")?;
    let time = EventTime(DateTime::parse_from_rfc3339(time).ok().map(|t| t.to_utc()));
    Some(Probe {
        tenant: Some(Cow::Borrowed(tenant)),
        source: Some(Cow::Borrowed(source)),
        time: Some(time),
        unmapped: None,
    })
}

/// `"name":"value",` at the start of `rest`, a value without escapes; `rest` moves past it.
fn field<'a>(rest: &mut &'a [u8], name: &[u8]) -> Option<&'a str> {
    let tail = rest.strip_prefix(b"\"")?.strip_prefix(name)?.strip_prefix(b"\":\"")?;
    let end = tail.iter().position(|&b| b == b'"' || b == b'\\')?;
    let (value, tail) = tail.split_at(end);
    *rest = tail.strip_prefix(b"\",")?;
    std::str::from_utf8(value).ok()
}

impl Summary {
    /// Counts `line`, whose chain member is `link`.
    pub(crate) fn add(&mut self, line: &[u8], link: &ChainedLine<'_>) {
        self.lines = self.lines.saturating_add(1);
        let record = LinkRecord { seq: link.seq, prev: link.prev, hash: link.hash };
        if self.first.is_none() {
            self.first = Some(record.clone());
            self.chain = Some(link.id.to_owned());
        }
        self.last = Some(record);
        // A line that is not an object of these fields still counts, under empty names.
        let probe = raw_prefix(line).or_else(|| serde_json::from_slice::<Probe<'_>>(line).ok());
        let (tenant, source, time) = match probe {
            Some(Probe { tenant: Some(tenant), source, time, .. }) => (tenant, source, time),
            Some(Probe { unmapped: Some(Unmapped { auditkit: Some(origin) }), time, .. }) => {
                (origin.tenant.unwrap_or_default(), origin.source, time)
            }
            Some(Probe { source, time, .. }) => (Cow::Borrowed(""), source, time),
            None => (Cow::Borrowed(""), None, None),
        };
        let key = (tenant.into_owned(), source.unwrap_or_default().into_owned());
        *self.counts.entry(key).or_insert(0) += 1;
        if let Some(at) = time.and_then(|time| time.0) {
            self.first_event_time = Some(self.first_event_time.map_or(at, |t| t.min(at)));
            self.last_event_time = Some(self.last_event_time.map_or(at, |t| t.max(at)));
        }
    }

    /// The counts, sorted by tenant then source.
    pub(crate) fn counts(&self) -> Vec<Count> {
        self.counts
            .iter()
            .map(|((tenant, source), lines)| Count {
                tenant: tenant.clone(),
                source: source.clone(),
                lines: *lines,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{super::Head, *};

    #[test]
    fn raw_and_ocsf_lines_count_under_their_tenant_and_source_with_their_times() {
        let mut summary = Summary::default();
        let mut head = Head::start("c");
        for line in [
            &br#"{"tenant":"a","source":"q/logins","time":"2026-01-02T00:00:00Z","event":{}}"#[..],
            br#"{"tenant":"a","source":"q/logins","undecodable":"{","error":"x"}"#,
            br#"{"time":1767225600000,"unmapped":{"auditkit":{"source":"e/security","tenant":"b"}}}"#,
            b"[1,2]",
        ] {
            let mut out = Vec::new();
            let at = if line.ends_with(b"}}}") { line.len() - 2 } else { line.len() - 1 };
            head.seal(line, at, &mut out).or_else(|_| head.seal(b"{\"x\":1}", 6, &mut out)).unwrap();
            summary.add(&out, &ChainedLine::parse(&out).unwrap());
        }
        let counts: Vec<_> =
            summary.counts().into_iter().map(|c| (c.tenant, c.source, c.lines)).collect();
        assert_eq!(
            counts,
            [
                (String::new(), String::new(), 1),
                ("a".into(), "q/logins".into(), 2),
                ("b".into(), "e/security".into(), 1)
            ]
        );
        assert_eq!(summary.first_event_time.unwrap().to_rfc3339(), "2026-01-01T00:00:00+00:00");
        assert_eq!(summary.last_event_time.unwrap().to_rfc3339(), "2026-01-02T00:00:00+00:00");
        assert_eq!(
            (summary.lines, summary.first.unwrap().seq, summary.last.unwrap().seq),
            (4, 1, 4)
        );
    }
}
