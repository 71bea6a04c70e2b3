//! The TOML config of many sources: `[defaults]` and one `[[source]]` per tenant and vendor,
//! each with its streams, credentials, settings and sink. Every problem is reported with
//! the file, the key and the reason, before anything runs.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    time::Duration,
};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};

use super::{
    args::{Format, HttpPreset, VendorArg, Via, parse_size},
    credentials::{Credentials, SecretRef},
    durations::{parse_duration, parse_positive_duration},
    failure::Failure,
    job::{Job, Stream},
    sinks::{ArchiveSpec, HttpSpec, SinkSpec},
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    /// `postgres://…`: checkpoints and leases in PostgreSQL, shared by replicas.
    store: Option<String>,
    store_schema: Option<String>,
    /// The Prometheus endpoint's address (read by [`metrics_address`]).
    #[allow(dead_code, reason = "read by `metrics_address`; here so the key is known")]
    metrics: Option<String>,
    /// How many sources list at once (checked here, read by [`top`]).
    sources_at_once: Option<u16>,
    #[serde(default)]
    defaults: Settings,
    #[serde(default)]
    source: Vec<SourceEntry>,
}

/// What `[defaults]` and each `[[source]]` may set.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    checkpoint: Option<PathBuf>,
    #[serde(default, deserialize_with = "duration")]
    lookback: Option<Duration>,
    #[serde(default, deserialize_with = "duration")]
    lag: Option<Duration>,
    #[serde(default, deserialize_with = "duration")]
    overlap: Option<Duration>,
    #[serde(default, deserialize_with = "positive_duration")]
    interval: Option<Duration>,
    format: Option<Format>,
    batch_size: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceEntry {
    tenant: String,
    vendor: VendorArg,
    /// Default: every stream of the vendor.
    streams: Option<Vec<String>>,
    #[serde(default)]
    credentials: Credentials,
    sink: SinkEntry,
    checkpoint: Option<PathBuf>,
    #[serde(default, deserialize_with = "duration")]
    lookback: Option<Duration>,
    #[serde(default, deserialize_with = "duration")]
    lag: Option<Duration>,
    #[serde(default, deserialize_with = "duration")]
    overlap: Option<Duration>,
    #[serde(default, deserialize_with = "positive_duration")]
    interval: Option<Duration>,
    format: Option<Format>,
    batch_size: Option<usize>,
    /// Qualtrics: its listing (default) or bulk audit exports.
    via: Option<Via>,
}

impl SourceEntry {
    /// Its own settings (serde's `flatten` would lose `deny_unknown_fields`).
    fn settings(&self) -> Settings {
        Settings {
            checkpoint: self.checkpoint.clone(),
            lookback: self.lookback,
            lag: self.lag,
            overlap: self.overlap,
            interval: self.interval,
            format: self.format,
            batch_size: self.batch_size,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SinkEntry {
    file: Option<PathBuf>,
    #[serde(default)]
    stdout: bool,
    http: Option<String>,
    #[serde(default)]
    gzip: bool,
    #[serde(default, deserialize_with = "size")]
    rotate_size: Option<u64>,
    #[serde(default, deserialize_with = "duration")]
    rotate_every: Option<Duration>,
    /// File: a tamper-evident archive (hash-chained lines, manifests).
    #[serde(default)]
    archive: bool,
    /// File, with `archive`: the Ed25519 private key that signs manifests.
    archive_key: Option<SecretRef>,
    preset: Option<HttpPreset>,
    token: Option<SecretRef>,
    /// HTTP: attempts per batch (default 6).
    attempts: Option<u32>,
    /// HTTP: the first wait between attempts, doubled each time (default 250ms).
    #[serde(default, deserialize_with = "duration")]
    backoff: Option<Duration>,
    /// HTTP: the longest wait a Retry-After gets (default 5m).
    #[serde(default, deserialize_with = "duration")]
    max_retry_after: Option<Duration>,
}

fn duration<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Duration>, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_duration(&text).map(Some).map_err(serde::de::Error::custom)
}

fn positive_duration<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Duration>, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_positive_duration(&text).map(Some).map_err(serde::de::Error::custom)
}

fn size<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_size(&text).map(Some).map_err(serde::de::Error::custom)
}

/// What the top of a config sets for the whole process (checked with the rest by
/// [`load`]).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Top {
    /// `postgres://…` and its schema.
    pub(crate) store: Option<String>,
    pub(crate) store_schema: Option<String>,
    /// The Prometheus endpoint's address, as written.
    metrics: Option<String>,
    /// How many sources list at once (`--sources-at-once` wins).
    pub(crate) sources_at_once: Option<u16>,
}

/// The top of the config at `path`.
pub(crate) fn top(path: &Path) -> Result<Top, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Usage(format!("cannot read the config {}: {e}", path.display())))?;
    let top: Top = toml::from_str(&text)
        .map_err(|e| Failure::Usage(format!("{}: {}", path.display(), e.to_string().trim())))?;
    Ok(top)
}

/// The jobs of the config at `path`, with --from and --to.
pub(crate) fn load(
    path: &Path,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> Result<Vec<Job>, Failure> {
    let error =
        |key: &str, reason: &str| Failure::Usage(format!("{}: `{key}`: {reason}", path.display()));
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Usage(format!("cannot read the config {}: {e}", path.display())))?;
    let deserializer = toml::Deserializer::parse(&text)
        .map_err(|e| Failure::Usage(format!("{}: {}", path.display(), e.to_string().trim())))?;
    let file: File = serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let key = e.path().to_string();
        let reason = e.inner().message().to_owned();
        error(&key, &reason)
    })?;
    if let Some(url) = &file.store
        && !(url.starts_with("postgres://") || url.starts_with("postgresql://"))
    {
        return Err(error("store", "give a PostgreSQL URL (postgres://user@host:port/database)"));
    }
    if let Some(schema) = &file.store_schema
        && (schema.is_empty()
            || !schema.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'))
    {
        return Err(error("store_schema", "give lowercase letters, digits and `_`"));
    }
    if file.sources_at_once == Some(0) {
        return Err(error("sources_at_once", "0: give at least 1 (4 unless set)"));
    }
    if file.source.is_empty() {
        return Err(error("source", "no [[source]]: nothing to collect"));
    }
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut jobs = Vec::new();
    let mut outputs: BTreeMap<String, usize> = BTreeMap::new();
    let mut ids: BTreeMap<(PathBuf, String), usize> = BTreeMap::new();
    for (index, entry) in file.source.into_iter().enumerate() {
        let at = |key: &str| format!("source[{index}].{key}");
        let s = merge(&file.defaults, &entry.settings());
        if entry.tenant.is_empty() || entry.tenant.contains(['/', ' ']) {
            return Err(error(&at("tenant"), "give a tenant name without `/` or spaces"));
        }
        let names = entry.streams.clone().unwrap_or_else(|| {
            Stream::all(entry.vendor).iter().map(|s| s.name().to_owned()).collect()
        });
        let mut streams = Vec::new();
        for name in &names {
            let stream = Stream::parse(entry.vendor, name).ok_or_else(|| {
                let known: Vec<_> = Stream::all(entry.vendor).iter().map(|s| s.name()).collect();
                error(
                    &at("streams"),
                    &format!(
                        "`{name}` is not a {} stream (one of {})",
                        entry.vendor.name(),
                        known.join(", ")
                    ),
                )
            })?;
            streams.push((entry.vendor, stream));
        }
        let format = s.format.unwrap_or(Format::Raw);
        if format == Format::Ocsf
            && let Some((_, stream)) = streams.iter().find(|(_, s)| !s.has_ocsf())
        {
            return Err(error(
                &at("format"),
                &format!("OCSF has no mapping for {}: use raw", stream.name()),
            ));
        }
        let via = entry.via.unwrap_or_default();
        if via == Via::Exports && entry.vendor != VendorArg::Qualtrics {
            return Err(error(&at("via"), "`exports`: only Qualtrics is read through exports"));
        }
        let builder = entry
            .credentials
            .builder(entry.vendor, &dir)
            .map_err(|(key, reason)| error(&at(&format!("credentials.{key}")), &reason))?;
        let client = builder.build().map_err(|e| error(&at("credentials"), &e.to_string()))?;
        let sink = sink(&entry.sink, &dir)
            .map_err(|(key, reason)| error(&at(&format!("sink.{key}")), &reason))?;
        let described = sink.describe();
        if matches!(sink, SinkSpec::File { .. })
            && let Some(other) = outputs.insert(described.clone(), index)
        {
            return Err(error(
                &at("sink.file"),
                &format!(
                    "{described} is also the output of source[{other}]: give each source its own file"
                ),
            ));
        }
        let checkpoint =
            s.checkpoint.map(|c| dir.join(c)).unwrap_or_else(|| super::default_checkpoint(&sink));
        for &(vendor, stream) in &streams {
            let id = format!("{}/{}/{}", entry.tenant, vendor.name(), stream.name());
            if let Some(other) = ids.insert((checkpoint.clone(), id.clone()), index) {
                return Err(error(
                    &at("streams"),
                    &format!("{id} is also collected by source[{other}]"),
                ));
            }
        }
        let batch_size = s.batch_size.unwrap_or(500);
        if batch_size == 0 {
            return Err(error(&at("batch_size"), "0: give at least 1"));
        }
        jobs.push(Job {
            name: format!("{} source[{index}]", path.display()),
            tenant: entry.tenant.clone(),
            tenant_in_ids: true,
            client,
            streams,
            lookback: s.lookback,
            lag: s.lag,
            overlap: s.overlap,
            interval: s.interval.unwrap_or(Duration::from_secs(60)),
            from,
            to,
            format,
            batch_size,
            sink,
            checkpoint,
            via,
            turns: None,
        });
    }
    Ok(jobs)
}

fn merge(defaults: &Settings, own: &Settings) -> Settings {
    Settings {
        checkpoint: own.checkpoint.clone().or_else(|| defaults.checkpoint.clone()),
        lookback: own.lookback.or(defaults.lookback),
        lag: own.lag.or(defaults.lag),
        overlap: own.overlap.or(defaults.overlap),
        interval: own.interval.or(defaults.interval),
        format: own.format.or(defaults.format),
        batch_size: own.batch_size.or(defaults.batch_size),
    }
}

fn sink(entry: &SinkEntry, dir: &Path) -> Result<SinkSpec, (String, String)> {
    let problem = |key: &str, reason: &str| (key.to_owned(), reason.to_owned());
    if !matches!((&entry.file, entry.archive), (Some(_), true) | (_, false)) {
        return Err(problem("archive", "an archive is a file: give `file = \"path\"` with it"));
    }
    if entry.archive_key.is_some() && !entry.archive {
        return Err(problem("archive_key", "signs an archive's manifests: add `archive = true`"));
    }
    match (&entry.file, entry.stdout, &entry.http) {
        (Some(file), false, None) => Ok(SinkSpec::File {
            path: dir.join(file),
            gzip: entry.gzip,
            rotate_size: entry.rotate_size,
            rotate_every: entry.rotate_every,
            archive: if entry.archive {
                let signer = match &entry.archive_key {
                    Some(key) => {
                        let text = key.read("archive_key", dir)?;
                        let signer = auditkit::archive::Signer::from_text(&text)
                            .map_err(|error| problem("archive_key", &error.to_string()))?;
                        Some(std::sync::Arc::new(signer))
                    }
                    None => None,
                };
                Some(ArchiveSpec { signer })
            } else {
                None
            },
        }),
        (None, true, None) => Ok(SinkSpec::Stdout),
        (None, false, Some(url)) => {
            let url = url::Url::parse(url)
                .map_err(|error| problem("http", &format!("`{url}` is not a URL: {error}")))?;
            let token = match &entry.token {
                Some(token) => Some(token.read("token", dir)?),
                None => None,
            };
            Ok(SinkSpec::Http(HttpSpec {
                url,
                preset: entry.preset.unwrap_or(HttpPreset::Ndjson),
                token,
                attempts: entry.attempts.unwrap_or(6).max(1),
                backoff: entry.backoff.unwrap_or(Duration::from_millis(250)),
                max_retry_after: entry.max_retry_after.unwrap_or(Duration::from_secs(300)),
            }))
        }
        _ => Err(problem(
            "file",
            "give exactly one of `file = \"path\"`, `stdout = true` or `http = \"url\"`",
        )),
    }
}

/// The config's top-level `metrics = "ADDR"`, if any (the config was loaded already, so it
/// reads and parses).
pub(crate) fn metrics_address(path: &Path) -> Result<Option<std::net::SocketAddr>, Failure> {
    top(path)?
        .metrics
        .map(|address| {
            address.parse().map_err(|_| {
                Failure::Usage(format!(
                    "{}: `metrics`: `{address}` is not an address and port (e.g. 127.0.0.1:9464)",
                    path.display()
                ))
            })
        })
        .transpose()
}
