//! The sandbox on its own: all four simulated vendors on one local port, seeded, with new
//! events published as it runs, until Ctrl-C.
//!
//! ```sh
//! cargo run --example sandbox                  # one new event a second
//! cargo run --example sandbox -- --publish-rate 20
//! AUDITKIT_SANDBOX_PUBLISH_RATE=0 cargo run --example sandbox   # nothing new
//! ```
//!
//! It prints the `AUDITKIT_*` variables that point a client (`Client::from_env`) or the
//! `auditkit` command at it: paste them into another shell, then run
//! `auditkit collect --interval 10s -o events.jsonl` there and watch new events arrive.

use auditkit::{everbridge::ReportType, testkit::Sandbox};
use chrono::{Duration, Utc};

/// `--publish-rate N` (events a second across every stream), else
/// `AUDITKIT_SANDBOX_PUBLISH_RATE`, else 1.
fn publish_rate() -> Result<f64, String> {
    let mut args = std::env::args().skip(1);
    let text = match (args.next().as_deref(), args.next()) {
        (Some("--publish-rate"), Some(rate)) => rate,
        (Some(other), _) => {
            return Err(format!("unknown argument `{other}`; use --publish-rate N"));
        }
        (None, _) => std::env::var("AUDITKIT_SANDBOX_PUBLISH_RATE").unwrap_or_else(|_| "1".into()),
    };
    let rate: f64 =
        text.parse().map_err(|_| format!("the publish rate `{text}` is not a number"))?;
    if rate.is_finite() && rate >= 0.0 {
        Ok(rate)
    } else {
        Err(format!("the publish rate is {rate}; give 0 or more events a second"))
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rate = publish_rate()?;
    let sandbox = Sandbox::start().await?;
    let (from, to) = (Utc::now() - Duration::days(3), Utc::now() - Duration::days(1));
    for activity in ["logins", "session_creations", "session_terminations", "password_resets"] {
        sandbox.qualtrics().seed_events(activity, 200, from, to);
    }
    for report_type in [ReportType::Security, ReportType::Contact] {
        sandbox.everbridge().seed_entries(report_type, 200, from, to);
    }
    for (name, value) in sandbox.environment() {
        println!("export {name}={value}");
    }
    let publisher = (rate > 0.0).then(|| sandbox.publish(rate));
    match &publisher {
        Some(publisher) => println!("# publishing an event every {:?}", publisher.every()),
        None => println!("# publishing nothing new"),
    }
    println!("# serving until Ctrl-C");
    tokio::signal::ctrl_c().await?;
    let published = publisher.map_or(0, |publisher| publisher.published());
    println!("# stopped after publishing {published} events");
    Ok(())
}
