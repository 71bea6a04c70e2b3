//! The `auditkit` command against a hand-written loop: `auditkit export` and a loop of
//! reqwest, serde_json into plain structs and one line written per event, both reading
//! Qualtrics login events from the same server in another process (pages copied from a
//! pre-rendered template with ids and times patched, no latency); then the peak RSS of
//! `auditkit collect` over 1,000,000 events from one source, and from 100 sources.
//!
//! ```sh
//! cargo bench --bench export --features cli
//! ```
//!
//! It prints `EXPORT` lines (events/s of each, CPU per event of each: the command's from
//! `wait4` of its process, the loop's from `getrusage` of this one; their ratio; the
//! command's peak RSS), `RSS` lines, then criterion's timing of both over 96,000 events.
//! `AUDITKIT_BENCH_EVENTS` (default 400,000, a multiple of 4,000) sets the comparison's
//! size, `AUDITKIT_BENCH_ROUNDS` (default 3) its rounds, `AUDITKIT_BENCH_RSS=0` skips the
//! memory runs and `AUDITKIT_BENCH_CRITERION=0` criterion's; `AUDITKIT_BENCH_COMMAND` runs
//! another build of the command instead of this one's.
//!
//! Both sides read 4 sources at once (4 tenants' logins in the command's config, 4 tasks
//! in the loop) on a 2-thread runtime. The command also does what the loop does not: it
//! checks each key against those delivered, flushes the output to disk (`fdatasync`) and
//! commits a checkpoint (another `fdatasync`) after every batch of 500.

#[cfg(unix)]
mod baseline;
#[cfg(unix)]
mod command;
#[path = "../common/mod.rs"]
mod common;
#[cfg(unix)]
mod measure;
#[cfg(unix)]
mod server;
#[cfg(unix)]
mod shape;

#[cfg(unix)]
fn main() {
    measure::main();
}

#[cfg(not(unix))]
fn main() {
    println!("benches/export measures child processes with wait4: Unix only");
}
