//! The HTTP/1.1 plumbing of a running sandbox: it carries requests from a socket to the
//! shared state and answers back, including the bodies that faults spoil on purpose.

use std::{convert::Infallible, sync::Arc, time::Duration};

use bytes::Bytes;
use futures::StreamExt as _;
use http_body_util::{BodyExt as _, Full, StreamBody, combinators::UnsyncBoxBody};
use hyper::{
    Request, Response,
    body::{Frame, Incoming},
    header::{CONTENT_LENGTH, HeaderValue},
    server::conn::http1,
    service::service_fn,
};
use hyper_util::rt::TokioIo;
use tokio::{
    net::{TcpListener, TcpStream},
    sync::watch,
    task::JoinSet,
};

use super::{
    sim::{Disconnect, SimBody, SimResponse},
    state::Shared,
};

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Body = UnsyncBoxBody<Bytes, BoxError>;

/// How long a cut body waits after its first half, so the half is flushed before the abort.
const CUT_FLUSH_GRACE: Duration = Duration::from_millis(20);
/// How long a stopping server lets in-flight answers finish before dropping them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

/// Accepts connections until the shutdown signal, then winds the open ones down.
pub(super) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<()>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            // Ends on the sender's drop (an error) as well as on a send.
            _ = stop.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(connection(stream, Arc::clone(&shared), stop.clone()));
                }
                // Out of file descriptors and the like: wait instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            // Reap finished connections so the set does not grow with every test request.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let drained = async { while connections.join_next().await.is_some() {} };
    // Whatever is still running after the grace period is aborted when the set drops.
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, drained).await;
}

/// Serves one keep-alive connection; on shutdown, finishes the answer in flight and closes.
async fn connection(stream: TcpStream, shared: Arc<Shared>, mut stop: watch::Receiver<()>) {
    let service = service_fn(move |request| answer(Arc::clone(&shared), request));
    let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    let mut connection = std::pin::pin!(connection);
    tokio::select! {
        // Connection errors (a client hanging up, an injected cut) end only this connection.
        _ = connection.as_mut() => return,
        _ = stop.changed() => connection.as_mut().graceful_shutdown(),
    }
    let _ = connection.await;
}

async fn answer(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Body>, BoxError> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await?.to_bytes();
    let response = shared
        .respond(parts.method, parts.uri.path(), parts.uri.query(), parts.headers, body)
        .await
        .map_err(|Disconnect| Box::new(Disconnect) as BoxError)?;
    let mut response = into_hyper(response);
    // A sandbox on its own clock says so, as a server's `Date` does (hyper would write the
    // system's): a client can then tell a local clock that is off.
    if shared.clock.is_some() && !response.headers().contains_key(hyper::header::DATE) {
        let date = shared.now().format("%a, %d %b %Y %H:%M:%S GMT").to_string();
        if let Ok(value) = HeaderValue::from_str(&date) {
            response.headers_mut().insert(hyper::header::DATE, value);
        }
    }
    Ok(response)
}

fn into_hyper(response: SimResponse) -> Response<Body> {
    let SimResponse { status, mut headers, body } = response;
    let body = match body {
        SimBody::Full(bytes) => {
            Full::new(bytes).map_err(|never: Infallible| match never {}).boxed_unsync()
        }
        SimBody::Chunks(chunks) => {
            let frames = futures::stream::iter(chunks).map(|chunk| Ok(Frame::data(chunk)));
            StreamBody::new(frames).boxed_unsync()
        }
        SimBody::Cut { sent, declared_len } => {
            // hyper frames the body by this header and treats the stream's error as an
            // abort, so the client sees a connection closed short of the announced length.
            headers.insert(CONTENT_LENGTH, HeaderValue::from(declared_len));
            let abort = async {
                tokio::time::sleep(CUT_FLUSH_GRACE).await;
                Err(BoxError::from("body cut by an injected fault"))
            };
            let frames = futures::stream::once(async { Ok(Frame::data(sent)) })
                .chain(futures::stream::once(abort));
            StreamBody::new(frames).boxed_unsync()
        }
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

#[cfg(test)]
mod tests {
    use hyper::StatusCode;
    use serde_json::{Value, json};

    use url::Url;

    use super::*;
    use crate::testkit::{
        Fault, Sandbox,
        sim::{SimRequest, Simulator},
    };

    /// Echoes what a mounted simulator is given, and streams a CSV download.
    struct Echo;

    impl Simulator for Echo {
        fn prefix(&self) -> &'static str {
            "/echo"
        }

        fn handle(&self, request: &SimRequest) -> SimResponse {
            if request.path == "/download" {
                let chunks = vec![Bytes::from("id,name\n"), Bytes::from("1,a\n")];
                return SimResponse::chunks(StatusCode::OK, "text/csv", chunks);
            }
            SimResponse::json(
                StatusCode::OK,
                &json!({
                    "method": request.method.as_str(),
                    "path": request.path,
                    "query": request.query,
                    "next": request.base_url.join("echo/next").map(String::from).ok(),
                }),
            )
        }
    }

    async fn sandbox_with_echo() -> Sandbox {
        let sandbox = Sandbox::builder().simulator(Arc::new(Echo)).start().await;
        sandbox.unwrap_or_else(|e| panic!("the sandbox starts: {e}"))
    }

    async fn get(url: Url) -> reqwest::Response {
        let response = reqwest::Client::new().get(url).send().await;
        response.unwrap_or_else(|e| panic!("the sandbox answers: {e}"))
    }

    #[tokio::test]
    async fn a_mounted_simulator_sees_the_path_after_its_prefix_and_decoded_query() {
        let sandbox = sandbox_with_echo().await;
        let url = sandbox.url().join("echo/v1/items?a=1&b=x%20y").unwrap_or_else(|e| panic!("{e}"));
        let body: Value = serde_json::from_slice(&get(url).await.bytes().await.unwrap_or_default())
            .unwrap_or_default();
        let next = format!("{}echo/next", sandbox.url());
        assert_eq!(
            body,
            json!({ "method": "GET", "path": "/v1/items", "query": [["a", "1"], ["b", "x y"]],
                    "next": next })
        );
    }

    #[tokio::test]
    async fn a_sandbox_on_its_own_clock_dates_its_answers_by_it() {
        let two_days_ago = chrono::Utc::now() - chrono::TimeDelta::days(2);
        let timer = Arc::new(crate::testkit::VirtualTimer::starting_at(two_days_ago));
        let sandbox = Sandbox::builder().simulator(Arc::new(Echo)).timer(timer).start().await;
        let sandbox = sandbox.unwrap_or_else(|e| panic!("the sandbox starts: {e}"));
        let url = sandbox.url().join("echo/v1").unwrap_or_else(|e| panic!("{e}"));
        let response = get(url).await;
        let date = response.headers().get("date").and_then(|v| v.to_str().ok()).unwrap_or("");
        let date = crate::retry::http_date(date).unwrap_or_else(|| panic!("a Date: {date}"));
        assert!((date - two_days_ago).num_seconds().abs() <= 1, "{date} vs {two_days_ago}");
    }

    #[tokio::test]
    async fn chunked_bodies_stream_and_can_be_cut() {
        let sandbox = sandbox_with_echo().await;
        let url = sandbox.url().join("echo/download").unwrap_or_else(|e| panic!("{e}"));
        let response = get(url.clone()).await;
        assert_eq!(response.content_length(), None);
        assert_eq!(response.text().await.ok().as_deref(), Some("id,name\n1,a\n"));

        sandbox.inject(Fault::cut_body());
        let response = get(url).await;
        assert_eq!(response.content_length(), Some(12));
        assert!(response.bytes().await.is_err());
    }
}
