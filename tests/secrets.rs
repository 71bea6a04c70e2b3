//! The secret scan: the main scenarios of all four vendors, with every credential scheme
//! the sandbox supports and a failing call of each, under a TRACE subscriber that keeps
//! everything; no credential value may appear in the logs, in the `Debug` of the client,
//! its configs and its errors, or in the `Display` of the errors.

use std::{
    io,
    sync::{Arc, Mutex},
};

use auditkit::{
    Client, ClientBuilder, Error, Jitter, energycap,
    everbridge::{self, ReportType},
    qualtrics::{self, Logins},
    reporter,
    testkit::{Fault, RecordedRequest, ReporterSandbox, Sandbox, VirtualTimer},
};
use chrono::{Duration, Utc};
use futures::TryStreamExt;
use tracing_subscriber::{EnvFilter, fmt::format::FmtSpan};

/// Credentials of our own, so a leak of a refused one shows too.
const WRONG_ENERGYCAP_KEY: &str = "ec-key-WRONG-5f1e9c2a";
const WRONG_QUALTRICS_TOKEN: &str = "qx-token-WRONG-77ab41d0";
const WRONG_QUALTRICS_SECRET: &str = "qx-secret-WRONG-31cd8e55";
const WRONG_REPORTER_TOKEN: &str = "rp-token-WRONG-9d0f6b12";
const WRONG_EVERBRIDGE_PASSWORD: &str = "eb-password-WRONG-c4e2a9f7";
const WRONG_EVERBRIDGE_TOKEN: &str = "eb-token-WRONG-0b7a3c64";
const WRONG_EVERBRIDGE_SECRET: &str = "eb-secret-WRONG-6e13f0b8";

/// Everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// What the scan looks at besides the logs.
#[derive(Default)]
struct Seen {
    /// `Debug` of clients, configs and credentials.
    debug: Vec<String>,
    errors: Vec<Error>,
}

impl Seen {
    fn build(&mut self, builder: ClientBuilder) -> Client {
        let client = builder
            .timer(Arc::new(VirtualTimer::new()))
            .jitter(Jitter::fixed(0.0))
            .build()
            .unwrap();
        self.debug.push(format!("{client:?}"));
        client
    }

    fn config(&mut self, config: &impl std::fmt::Debug) {
        self.debug.push(format!("{config:?}"));
    }

    /// A call that must fail: its error is kept for the scan.
    fn failed<T: std::fmt::Debug>(&mut self, result: Result<T, Error>) {
        match result {
            Ok(value) => panic!("expected a failure, got {value:?}"),
            Err(error) => self.errors.push(error),
        }
    }
}

async fn energycap(sandbox: &Sandbox, seen: &mut Seen) {
    let url = sandbox.energycap_url();
    let config = energycap::Config::new(
        energycap::Host::UsEast,
        energycap::Credentials::api_key(sandbox.energycap_api_key()),
    )
    .base_url(url.as_str());
    seen.config(&config);
    let client = seen.build(Client::builder().energycap(config));
    sandbox.inject(Fault::status(503).path("/energycap/").times(1));
    let logs = client
        .energycap()
        .list_report_distribution_logs()
        .include_in_progress(true)
        .send()
        .await
        .unwrap();
    assert!(!logs.is_empty());
    client.energycap().get_report_distribution_log(101).send().await.unwrap();
    let run = client.energycap().run_report_distribution(1).send().await.unwrap();
    client.energycap().wait_for_distribution(run.report_distribution_log_id).await.unwrap();
    seen.failed(client.energycap().get_report_distribution_log(999_999).send().await);

    let wrong = energycap::Config::new(
        energycap::Host::UsEast,
        energycap::Credentials::api_key(WRONG_ENERGYCAP_KEY),
    )
    .base_url(url.as_str());
    seen.config(&wrong);
    let refused = seen.build(Client::builder().energycap(wrong));
    seen.failed(refused.energycap().list_report_distribution_logs().send().await);
}

async fn qualtrics(sandbox: &Sandbox, seen: &mut Seen) {
    let url = sandbox.qualtrics_url();
    let schemes = [
        qualtrics::Credentials::api_token(sandbox.qualtrics_api_token()),
        qualtrics::Credentials::client_credentials(
            sandbox.qualtrics_client_id(),
            sandbox.qualtrics_client_secret(),
        ),
    ];
    for credentials in schemes {
        seen.config(&credentials);
        let config = qualtrics::Config::new("sandbox", credentials).base_url(url.as_str());
        seen.config(&config);
        let client = seen.build(Client::builder().qualtrics(config));
        sandbox.inject(Fault::status(429).path("/qualtrics/API/v3/logs").retry_after("1"));
        let (from, to) = (Utc::now() - Duration::days(21), Utc::now());
        let events: Vec<_> = client
            .qualtrics()
            .list_events::<Logins>()
            .start_date(from)
            .end_date(to)
            .page_size(5)
            .items()
            .try_collect()
            .await
            .unwrap();
        assert!(!events.is_empty());
        client.qualtrics().list_activity_types().send().await.unwrap();
        // A page size the API refuses: an error from the server, with the credential in use.
        sandbox.inject(Fault::status(400).path("/qualtrics/API/v3/logs").body(serde_json::json!({
            "meta": {"httpStatus": "400 - Bad Request", "error": {"errorCode": "QVAL_1", "errorMessage": "bad"}}
        })));
        seen.failed(client.qualtrics().list_events_raw("logins").send().await);
    }

    let wrong_token = qualtrics::Credentials::api_token(WRONG_QUALTRICS_TOKEN);
    let wrong_secret = qualtrics::Credentials::client_credentials(
        sandbox.qualtrics_client_id(),
        WRONG_QUALTRICS_SECRET,
    );
    for credentials in [wrong_token, wrong_secret] {
        let config = qualtrics::Config::new("sandbox", credentials).base_url(url.as_str());
        seen.config(&config);
        let refused = seen.build(Client::builder().qualtrics(config));
        seen.failed(refused.qualtrics().list_activity_types().send().await);
    }
}

async fn reporter(sandbox: &Sandbox, seen: &mut Seen) {
    let config = reporter::Config::new(
        sandbox.reporter_url().as_str(),
        reporter::Credentials::bearer(sandbox.reporter_token()),
    );
    seen.config(&config);
    let client = seen.build(Client::builder().reporter(config));
    sandbox.inject(Fault::status(503).path("/reporter/").times(1));
    let created = client
        .reporter()
        .generate_report(ReporterSandbox::CSV_TEMPLATE)
        .send_and_wait()
        .await
        .unwrap();
    let file = client.reporter().download_report(created.value.id.clone()).send().await.unwrap();
    file.bytes(1 << 20).await.unwrap();
    let reports: Vec<_> = client.reporter().list_reports().items().try_collect().await.unwrap();
    assert_eq!(reports.len(), 1);
    client.reporter().get_template(ReporterSandbox::CSV_TEMPLATE).send().await.unwrap();
    seen.failed(client.reporter().get_report("01960000-0000-7000-8000-00000000dead").send().await);
    seen.failed(
        client.reporter().generate_report(ReporterSandbox::FAILING_TEMPLATE).send_and_wait().await,
    );

    let wrong = reporter::Config::new(
        sandbox.reporter_url().as_str(),
        reporter::Credentials::bearer(WRONG_REPORTER_TOKEN),
    );
    seen.config(&wrong);
    let refused = seen.build(Client::builder().reporter(wrong));
    seen.failed(refused.reporter().list_templates().send().await);
}

async fn everbridge(sandbox: &Sandbox, seen: &mut Seen) {
    let url = sandbox.everbridge_url();
    let schemes = [
        everbridge::Credentials::basic(
            sandbox.everbridge_username(),
            sandbox.everbridge_password(),
        ),
        everbridge::Credentials::bearer(sandbox.everbridge_token()),
        everbridge::Credentials::password_grant(
            sandbox.everbridge_client_id(),
            sandbox.everbridge_client_secret(),
            sandbox.everbridge_username(),
            sandbox.everbridge_password(),
        ),
    ];
    let (from, to) = (Utc::now() - Duration::days(40), Utc::now());
    for credentials in schemes {
        seen.config(&credentials);
        let config =
            everbridge::Config::new(everbridge::Region::Us, credentials).base_url(url.clone());
        seen.config(&config);
        let client = seen.build(Client::builder().everbridge(config));
        sandbox.inject(Fault::cut_body().path("/everbridge/rest/").times(1));
        let log = || client.everbridge().list_audit_log(ReportType::Security, from, to);
        let entries: Vec<_> = log().items().try_collect().await.unwrap();
        assert!(!entries.is_empty());
        // A range across months is an input error for one page; six months back, a refusal.
        seen.failed(log().page_query(1).send().await);
        let old = Utc::now() - Duration::days(400);
        seen.failed(
            client
                .everbridge()
                .list_audit_log(ReportType::Contact, old, old + Duration::days(1))
                .page_query(1)
                .send()
                .await,
        );
    }

    let wrong = [
        everbridge::Credentials::basic(sandbox.everbridge_username(), WRONG_EVERBRIDGE_PASSWORD),
        everbridge::Credentials::bearer(WRONG_EVERBRIDGE_TOKEN),
        everbridge::Credentials::password_grant(
            sandbox.everbridge_client_id(),
            WRONG_EVERBRIDGE_SECRET,
            sandbox.everbridge_username(),
            sandbox.everbridge_password(),
        ),
        everbridge::Credentials::password_grant(
            sandbox.everbridge_client_id(),
            sandbox.everbridge_client_secret(),
            sandbox.everbridge_username(),
            WRONG_EVERBRIDGE_PASSWORD,
        ),
    ];
    for credentials in wrong {
        let config =
            everbridge::Config::new(everbridge::Region::Us, credentials).base_url(url.clone());
        seen.config(&config);
        let refused = seen.build(Client::builder().everbridge(config));
        seen.failed(
            refused
                .everbridge()
                .list_audit_log(ReportType::Security, from, to)
                .items()
                .try_collect::<Vec<_>>()
                .await,
        );
    }
}

/// Every credential value: the sandbox's own and ours, the OAuth tokens it issued, and
/// whatever credential went over the wire (headers and token forms, Basic decoded).
fn credentials(sandbox: &Sandbox) -> Vec<String> {
    let mut secrets: Vec<String> = [
        sandbox.energycap_api_key(),
        sandbox.qualtrics_api_token(),
        sandbox.qualtrics_client_secret(),
        sandbox.reporter_token(),
        sandbox.everbridge_password(),
        sandbox.everbridge_token(),
        sandbox.everbridge_client_secret(),
        WRONG_ENERGYCAP_KEY,
        WRONG_QUALTRICS_TOKEN,
        WRONG_QUALTRICS_SECRET,
        WRONG_REPORTER_TOKEN,
        WRONG_EVERBRIDGE_PASSWORD,
        WRONG_EVERBRIDGE_TOKEN,
        WRONG_EVERBRIDGE_SECRET,
    ]
    .map(str::to_owned)
    .into();
    let qualtrics_tokens = sandbox.qualtrics().tokens_issued();
    let everbridge_tokens = sandbox.everbridge().tokens_issued();
    assert!(qualtrics_tokens >= 1 && everbridge_tokens >= 1, "the OAuth scenarios ran");
    secrets.extend((1..=qualtrics_tokens).map(|n| format!("sbx-token-{n}")));
    secrets.extend(
        (1..=everbridge_tokens).flat_map(|n| [format!("sbx-id-{n}"), format!("sbx-access-{n}")]),
    );
    for request in sandbox.requests() {
        secrets.extend(sent_credentials(&request));
    }
    secrets.sort();
    secrets.dedup();
    secrets
}

fn sent_credentials(request: &RecordedRequest) -> Vec<String> {
    let mut sent = Vec::new();
    for name in ["eci-apikey", "x-api-token"] {
        sent.extend(request.header(name).map(str::to_owned));
    }
    if let Some(authorization) = request.header("authorization") {
        let (scheme, value) = authorization.split_once(' ').unwrap_or(("", authorization));
        sent.push(value.to_owned());
        if scheme.eq_ignore_ascii_case("basic") {
            let decoded = decode_base64(value);
            let (_user, password) = decoded.split_once(':').unwrap_or(("", &decoded));
            sent.push(password.to_owned());
        }
    }
    for (key, value) in url::form_urlencoded::parse(&request.body) {
        if key == "client_secret" || key == "password" {
            sent.push(value.into_owned());
        }
    }
    sent.retain(|value| value.len() >= 8);
    sent
}

fn decode_base64(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for byte in text.bytes().filter(|b| *b != b'=') {
        let Some(value) = ALPHABET.iter().position(|a| *a == byte) else { continue };
        bits = (bits << 6) | value as u32;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test(flavor = "current_thread")]
async fn no_credential_appears_in_trace_logs_debug_or_error_texts_of_any_vendor_or_scheme() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new("trace"))
        .with_span_events(FmtSpan::FULL)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .try_init()
        .unwrap();

    let sandbox = Sandbox::start().await.unwrap();
    let mut seen = Seen::default();
    energycap(&sandbox, &mut seen).await;
    qualtrics(&sandbox, &mut seen).await;
    reporter(&sandbox, &mut seen).await;
    everbridge(&sandbox, &mut seen).await;

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let secrets = credentials(&sandbox);
    let texts: Vec<(&str, String)> = std::iter::once(("logs", logs.clone()))
        .chain(seen.debug.iter().map(|debug| ("Debug", debug.clone())))
        .chain(seen.errors.iter().map(|error| ("error Debug", format!("{error:?}"))))
        .chain(seen.errors.iter().map(|error| ("error Display", error.to_string())))
        .collect();
    let leaks: Vec<String> = secrets
        .iter()
        .flat_map(|secret| {
            texts.iter().flat_map(move |(place, text)| {
                text.lines().filter(|line| line.contains(secret.as_str())).map(move |line| {
                    let excerpt: String = line.chars().take(300).collect();
                    format!("{secret:?} in {place}: {excerpt}")
                })
            })
        })
        .collect();

    // The scan saw what it should: every scheme's traffic was logged, and each failure.
    assert!(logs.lines().count() > 100, "the TRACE log is nearly empty:\n{logs}");
    for vendor in ["EnergyCAP", "Qualtrics", "Lerian Reporter", "Everbridge"] {
        assert!(logs.contains(vendor), "no {vendor} call in the logs");
        assert!(seen.errors.iter().any(|e| e.to_string().contains(vendor)), "no {vendor} failure");
    }
    assert!(seen.errors.iter().any(|e| e.status().is_some_and(|s| s.as_u16() == 401)));
    assert!(seen.errors.iter().any(|e| e.status().is_some_and(|s| s.as_u16() == 404)));
    println!(
        "secret scan: {} credential values, {} log lines, {} Debug texts, {} errors: {} leaks",
        secrets.len(),
        logs.lines().count(),
        seen.debug.len(),
        seen.errors.len(),
        leaks.len()
    );
    assert!(leaks.is_empty(), "{} leaks:\n{}", leaks.len(), leaks.join("\n"));
}
