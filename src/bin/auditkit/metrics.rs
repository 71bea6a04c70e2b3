//! The Prometheus endpoint (`--metrics ADDR`, `metrics = "ADDR"`): `GET /metrics` in the
//! text exposition format, read at each scrape from the progress and the clients' traffic.
//!
//! Written by hand over the hyper server the sandbox already uses, not with a metrics
//! crate: every value already lives in `Progress` or `Client::traffic`, so a scrape only
//! formats a snapshot (no registry to keep in step), and the format is a few stable lines.

use std::{convert::Infallible, fmt::Write as _, net::SocketAddr, sync::Arc};

use auditkit::Client;
use bytes::Bytes;
use chrono::Utc;
use http_body_util::Full;
use hyper::{Method, Request, Response, StatusCode, body::Incoming, service::service_fn};
use hyper_util::rt::TokioIo;
use tokio::{net::TcpListener, sync::watch, task::JoinHandle};

use super::{args::VendorArg, failure::Failure, job::Job, progress::Progress};

/// What a scrape reads.
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
        let per_source: [(&str, &str, &str, fn(&super::progress::SourceProgress) -> Option<f64>);
            7] = [
            ("auditkit_events_total", "counter", "Events delivered and committed.", |p| {
                Some(p.events as f64)
            }),
            (
                "auditkit_undecodable_total",
                "counter",
                "Items the vendor sent that could not be decoded (delivered as such).",
                |p| Some(p.undecodable as f64),
            ),
            ("auditkit_batches_total", "counter", "Batches delivered and committed.", |p| {
                Some(p.batches as f64)
            }),
            (
                "auditkit_possibly_repeated_total",
                "counter",
                "Events delivered again after a clock rewind, that no key could recognise.",
                |p| Some(p.possibly_repeated as f64),
            ),
            (
                "auditkit_source_failing",
                "gauge",
                "1 while the source's last attempt failed.",
                |p| Some(f64::from(u8::from(p.failed.is_some()))),
            ),
            (
                "auditkit_source_high_water_mark_timestamp_seconds",
                "gauge",
                "The source's high-water mark: every event before it is delivered.",
                |p| p.high_water_mark.map(|t| t.timestamp_millis() as f64 / 1000.0),
            ),
            (
                "auditkit_source_last_success_timestamp_seconds",
                "gauge",
                "When the source's last batch was committed (each run ends with one).",
                |p| p.last_success.map(|t| t.timestamp_millis() as f64 / 1000.0),
            ),
        ];
        for (name, kind, help, value) in per_source {
            header(&mut out, name, kind, help);
            for (source, p) in &sources {
                if let Some(value) = value(p) {
                    let _ = writeln!(out, "{name}{{source=\"{}\"}} {value}", escape(source));
                }
            }
        }
        header(
            &mut out,
            "auditkit_source_lag_seconds",
            "gauge",
            "Now minus the source's high-water mark.",
        );
        for (source, p) in &sources {
            if let Some(hwm) = p.high_water_mark {
                let lag = (now - hwm).num_milliseconds() as f64 / 1000.0;
                let _ = writeln!(
                    out,
                    "auditkit_source_lag_seconds{{source=\"{}\"}} {lag}",
                    escape(source)
                );
            }
        }
        let per_vendor: [(&str, &str, &str, fn(&auditkit::Traffic) -> Option<f64>); 4] = [
            (
                "auditkit_requests_total",
                "counter",
                "HTTP requests sent to the vendor (attempts, redirects and tokens included).",
                |t| Some(t.requests as f64),
            ),
            (
                "auditkit_retries_total",
                "counter",
                "Requests repeated after a failure worth retrying.",
                |t| Some(t.retries as f64),
            ),
            (
                "auditkit_rate_limited_total",
                "counter",
                "Answers with status 429 Too Many Requests.",
                |t| Some(t.rate_limited as f64),
            ),
            (
                "auditkit_server_clock_offset_seconds",
                "gauge",
                "The vendor's clock (its Date header) minus the local clock.",
                |t| t.server_clock_offset.map(|o| o.num_milliseconds() as f64 / 1000.0),
            ),
        ];
        for (name, kind, help, value) in per_vendor {
            header(&mut out, name, kind, help);
            for (tenant, vendors, client) in &self.clients {
                for vendor in vendors {
                    if let Some(value) = value(&client.traffic(vendor.vendor())) {
                        let _ = writeln!(
                            out,
                            "{name}{{tenant=\"{}\",vendor=\"{}\"}} {value}",
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

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

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
