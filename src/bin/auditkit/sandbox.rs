//! `auditkit sandbox`: the simulator of the four APIs, seeded, with the variables that
//! point at it; and the seeded sandbox of `--sandbox`.

use auditkit::{everbridge::ReportType, testkit::Sandbox};
use chrono::Utc;
use tokio::sync::watch;

use super::{args::SandboxArgs, failure::Failure};

/// A sandbox seeded with `events` per stream over the last three days.
pub(crate) async fn seeded(events: usize) -> Result<Sandbox, Failure> {
    let sandbox = Sandbox::start()
        .await
        .map_err(|error| Failure::Io(format!("cannot start the sandbox: {error}")))?;
    let now = Utc::now();
    let days_ago = |days| now - chrono::Duration::days(days);
    for activity in ["logins", "session_terminations", "password_resets", "session_creations"] {
        sandbox.qualtrics().seed_events(activity, events, days_ago(3), days_ago(1));
    }
    for report_type in [ReportType::Security, ReportType::Contact] {
        sandbox.everbridge().seed_entries(report_type, events, days_ago(3), days_ago(1));
    }
    Ok(sandbox)
}

/// Serves until `shutdown`, after printing the variables, publishing new events at the
/// rate asked.
pub(crate) async fn serve(
    args: SandboxArgs,
    mut shutdown: watch::Receiver<bool>,
) -> Result<(), Failure> {
    let sandbox = seeded(args.events).await?;
    for (name, value) in sandbox.environment() {
        println!("export {name}={value}");
    }
    let publisher = (args.publish_rate > 0.0).then(|| sandbox.publish(args.publish_rate));
    match &publisher {
        Some(publisher) => println!("# publishing an event every {:?}", publisher.every()),
        None => println!("# publishing nothing new (--publish-rate 0)"),
    }
    println!("# the sandbox runs until SIGTERM or Ctrl-C");
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = shutdown.changed().await;
    drop(publisher);
    Ok(())
}
