//! `auditkit collect --store postgres://…` replicas against a real PostgreSQL: sharing
//! and SIGTERM (`basics`), a minute of SIGKILLs and a SIGSTOP (`kill`), and a database
//! restart in the middle of a run (`restart`, on a private server).
//!
//! Its own `main` (`harness = false`): it runs the `auditkit` binary in child processes,
//! which it kills. The three run at once (each in a schema or a server of its own), so the
//! whole takes about as long as the kill test: `AUDITKIT_KILL_SECONDS` (default 60).

mod basics;
mod events;
mod fleet;
mod kill;
mod processes;
mod restart;

use std::process::ExitCode;

fn main() -> ExitCode {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        // AUDITKIT_REPLICAS_ONLY=kill (or basics, restart) runs one alone.
        let only = std::env::var("AUDITKIT_REPLICAS_ONLY").unwrap_or_default();
        let wanted = |name: &str| only.is_empty() || only == name;
        let spawn =
            |name: &str, test: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>| {
                wanted(name).then(|| tokio::spawn(test))
            };
        let basics =
            spawn("basics", Box::pin(basics::replicas_share_sources_and_release_them_on_sigterm()));
        let kill = spawn(
            "kill",
            Box::pin(kill::killed_paused_and_restarted_replicas_deliver_every_event_once()),
        );
        let restart =
            spawn("restart", Box::pin(restart::a_replica_carries_on_across_a_database_restart()));
        let mut failed = false;
        for (name, task) in [
            ("replicas_share_sources_and_release_them_on_sigterm", basics),
            ("killed_paused_and_restarted_replicas_deliver_every_event_once", kill),
            ("a_replica_carries_on_across_a_database_restart", restart),
        ] {
            let Some(task) = task else { continue };
            match task.await {
                Ok(()) => println!("test {name} ... ok"),
                Err(error) => {
                    println!("test {name} ... FAILED: {error}");
                    failed = true;
                }
            }
        }
        if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
    })
}
