//! The Prometheus endpoint (`--metrics ADDR`, `metrics = "ADDR"`): `GET /metrics` in the
//! text exposition format, read at each scrape from the progress and the clients' traffic.
//!
//! Written by hand over the hyper server the sandbox already uses, not with a metrics
//! crate: every value already lives in `Progress` or `Client::traffic`, so a scrape only
//! formats a snapshot (no registry to keep in step), and the format is a few stable lines.

use std::{convert::Infallible, fmt::Write as _, net::SocketAddr, sync::Arc};

use auditkit::{Client, Traffic};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use http_body_util::Full;
use hyper::{Method, Request, Response, StatusCode, body::Incoming, service::service_fn};
use hyper_util::rt::TokioIo;
use tokio::{net::TcpListener, sync::watch, task::JoinHandle};

use super::{
    args::VendorArg,
    failure::Failure,
    job::Job,
    progress::{Progress, SourceProgress},
};

/// What a scrape reads.
#[derive(Debug)]
pub(crate) struct Metrics {
    progress: Arc<Progress>,
    /// Each job's client, with its tenant and vendors.
    clients: Vec<(String, Vec<VendorArg>, Client)>,
}

impl Metrics {
    pub(crate) fn new(progress: Arc<Progress>, jobs: &[Job]) -> Self {
        let clients = jobs
            .iter()
            .map(|job| {
                let mut vendors: Vec<VendorArg> = job.streams.iter().map(|(v, _)| *v).collect();
                vendors.dedup();
                (job.tenant.clone(), vendors, job.client.clone())
            })
            .collect();
        Self { progress, clients }
    }

    /// The text exposition of every metric.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        let sources = self.progress.snapshot();
        let now = Utc::now();
        for family in PER_SOURCE {
            family.header(&mut out);
            for (source, progress) in &sources {
                if let Some(value) = (family.value)(progress, now) {
                    let _ =
                        writeln!(out, "{}{{source=\"{}\"}} {value}", family.name, escape(source));
                }
            }
        }
        for family in PER_VENDOR {
            family.header(&mut out);
            for (tenant, vendors, client) in &self.clients {
                for vendor in vendors {
                    if let Some(value) = (family.value)(&client.traffic(vendor.vendor()), now) {
                        let _ = writeln!(
                            out,
                            "{}{{tenant=\"{}\",vendor=\"{}\"}} {value}",
                            family.name,
                            escape(tenant),
                            vendor.name()
                        );
                    }
                }
            }
        }
        out
    }
}

/// A metric: its name, type, help, and its value for one source or vendor (`None`: none
/// yet, the series is left out).
#[derive(Debug)]
struct Family<T> {
    name: &'static str,
    kind: &'static str,
    help: &'static str,
    value: fn(&T, DateTime<Utc>) -> Option<f64>,
}

impl<T> Family<T> {
    fn header(&self, out: &mut String) {
        let _ =
            writeln!(out, "# HELP {} {}\n# TYPE {} {}", self.name, self.help, self.name, self.kind);
    }
}

fn seconds(at: DateTime<Utc>) -> f64 {
    at.timestamp_millis() as f64 / 1000.0
}

const PER_SOURCE: [Family<SourceProgress>; 8] = [
    Family {
        name: "auditkit_events_total",
        kind: "counter",
        help: "Events delivered and committed.",
        value: |p, _| Some(p.events as f64),
    },
    Family {
        name: "auditkit_undecodable_total",
        kind: "counter",
        help: "Items the vendor sent that could not be decoded (delivered as such).",
        value: |p, _| Some(p.undecodable as f64),
    },
    Family {
        name: "auditkit_batches_total",
        kind: "counter",
        help: "Batches delivered and committed.",
        value: |p, _| Some(p.batches as f64),
    },
    Family {
        name: "auditkit_possibly_repeated_total",
        kind: "counter",
        help: "Events delivered again after a clock rewind, that no key could recognise.",
        value: |p, _| Some(p.possibly_repeated as f64),
    },
    Family {
        name: "auditkit_source_failing",
        kind: "gauge",
        help: "1 while the source's last attempt failed.",
        value: |p, _| Some(f64::from(u8::from(p.failed.is_some()))),
    },
    Family {
        name: "auditkit_source_lag_seconds",
        kind: "gauge",
        help: "Now minus the source's high-water mark.",
        value: |p, now| p.high_water_mark.map(|hwm| (now - hwm).num_milliseconds() as f64 / 1000.0),
    },
    Family {
        name: "auditkit_source_high_water_mark_timestamp_seconds",
        kind: "gauge",
        help: "The source's high-water mark: every event before it is delivered.",
        value: |p, _| p.high_water_mark.map(seconds),
    },
    Family {
        name: "auditkit_source_last_success_timestamp_seconds",
        kind: "gauge",
        help: "When the source's last batch was committed (each run ends with one).",
        value: |p, _| p.last_success.map(seconds),
    },
];

const PER_VENDOR: [Family<Traffic>; 4] = [
    Family {
        name: "auditkit_requests_total",
        kind: "counter",
        help: "HTTP requests sent to the vendor (attempts, redirects, tokens, clock probes).",
        value: |t, _| Some(t.requests as f64),
    },
    Family {
        name: "auditkit_retries_total",
        kind: "counter",
        help: "Requests repeated after a failure worth retrying.",
        value: |t, _| Some(t.retries as f64),
    },
    Family {
        name: "auditkit_rate_limited_total",
        kind: "counter",
        help: "Answers with status 429 Too Many Requests.",
        value: |t, _| Some(t.rate_limited as f64),
    },
    Family {
        name: "auditkit_server_clock_offset_seconds",
        kind: "gauge",
        help: "The vendor's clock (its Date header) minus the local clock.",
        value: |t, _| t.server_clock_offset.map(|o| o.num_milliseconds() as f64 / 1000.0),
    },
];

/// A label value: backslash, double quote and line feed escaped.
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Listens on `address` (refused before anything runs when it cannot) and serves
/// `/metrics` until `shutdown`.
pub(crate) async fn serve(
    address: SocketAddr,
    metrics: Metrics,
    mut shutdown: watch::Receiver<bool>,
) -> Result<JoinHandle<()>, Failure> {
    let listener = TcpListener::bind(address).await.map_err(|error| {
        Failure::Usage(format!(
            "--metrics: cannot listen on {address}: {error}; give a free address, e.g. 127.0.0.1:9464"
        ))
    })?;
    let bound = listener.local_addr().unwrap_or(address);
    tracing::info!("metrics at http://{bound}/metrics");
    let metrics = Arc::new(metrics);
    Ok(tokio::spawn(async move {
        loop {
            let (stream, _) = tokio::select! {
                _ = shutdown.changed() => return,
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        tracing::warn!("metrics endpoint: {error}");
                        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                        continue;
                    }
                },
            };
            let metrics = Arc::clone(&metrics);
            tokio::spawn(async move {
                let service = service_fn(move |request| answer(Arc::clone(&metrics), request));
                let connection = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service);
                let _ = connection.await;
            });
        }
    }))
}

async fn answer(
    metrics: Arc<Metrics>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (status, content_type, body) = match (request.method(), request.uri().path()) {
        (&Method::GET, "/metrics") => {
            (StatusCode::OK, "text/plain; version=0.0.4; charset=utf-8", metrics.render())
        }
        _ => (StatusCode::NOT_FOUND, "text/plain", "auditkit serves GET /metrics only\n".into()),
    };
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    if let Ok(value) = hyper::header::HeaderValue::from_str(content_type) {
        response.headers_mut().insert(hyper::header::CONTENT_TYPE, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
