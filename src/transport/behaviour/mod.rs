//! The transport end to end against local servers, one concern per file: a vendor
//! [protocol] that fails 2xx answers, exact [retries] and keyed writes, where a streamed
//! answer stops retrying and how large it may grow ([streams]), the [limits] on error texts
//! and connections, and the request [slots] that unread downloads must not hold. The made-up vendor and endpoint they share are here.

mod limits;
mod protocol;
mod retries;
mod slots;
mod streams;

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use futures::StreamExt;
use reqwest::{Method, StatusCode, header::HeaderMap};
use serde_json::json;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};
use wiremock::{Mock, MockServer, ResponseTemplate, matchers::method};

use super::{
    Endpoint, ErrorBody, ErrorDetails, Protocol, StaticHeader, Transport, TransportSettings,
    Verdict,
};
use crate::{
    Error, IdempotencyKey, Jitter, Operation, RetryPolicy, TransportErrorKind, Vendor,
    retry::RetryHint, timer::VirtualTimer,
};

const OP: Operation = Operation::new(Vendor::Everbridge, "made_up_operation");

/// A made-up vendor that answers HTTP 200 `{"success": false, "message": …}` for failures,
/// and asks for another attempt when the message is `busy`.
#[derive(Debug)]
struct SuccessFlag;

impl Protocol for SuccessFlag {
    fn classify(&self, status: StatusCode, _: &HeaderMap, body: &[u8]) -> Verdict {
        let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        if status.is_success() && value["success"] != false {
            return Verdict::Success;
        }
        let message = value["message"].as_str().map(str::to_owned);
        let hint =
            if message.as_deref() == Some("busy") { RetryHint::Retry } else { RetryHint::Stop };
        let details = ErrorDetails { code: Some("business".into()), message, request_id: None };
        Verdict::Failure { details, hint }
    }
}

fn endpoint(url: &str, protocol: impl Protocol, jitter: Jitter) -> (Endpoint, Arc<VirtualTimer>) {
    timed_endpoint(url, protocol, jitter, Duration::from_secs(5))
}

/// An endpoint whose client times out after `timeout`, with 4 requests in flight at most.
fn timed_endpoint(
    url: &str,
    protocol: impl Protocol,
    jitter: Jitter,
    timeout: Duration,
) -> (Endpoint, Arc<VirtualTimer>) {
    let timer = Arc::new(VirtualTimer::new());
    let transport = Transport::new(TransportSettings {
        retry: RetryPolicy::default(),
        timeout,
        connect_timeout: Duration::from_secs(5),
        allow_insecure_http: false,
        timer: timer.clone(),
        jitter,
        max_answer_size: 1 << 20,
        max_in_flight: 4,
        rate_limits: Vec::new(),
    })
    .unwrap();
    let endpoint = Endpoint::new(
        Arc::new(transport),
        Vendor::Everbridge,
        url,
        StaticHeader::default(),
        protocol,
    )
    .unwrap();
    (endpoint, timer)
}

fn json_answer(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}
