//! Continuous collection: fetch what is new at a source since the last run, never miss an
//! event the vendor publishes late, never deliver one twice.
//!
//! A [`Collector`] reads a [`Source`] (each vendor module provides its own) in windows from
//! the [`Checkpoint`]'s high-water mark minus an overlap up to now minus a lag, drops the
//! events it already delivered, and yields the rest in [`Batch`]es. The checkpoint moves
//! when the caller [commits](Batch::commit) a batch after its sink has it, into a
//! [`CheckpointStore`] ([`FileStore`] writes one JSON file atomically).
//!
//! ```no_run
//! use auditkit::collect::{Collector, FileStore};
//! use auditkit::qualtrics::Logins;
//! use futures::TryStreamExt;
//!
//! # async fn demo(client: auditkit::Client) -> Result<(), auditkit::Error> {
//! let collector = Collector::new(client.qualtrics().event_source::<Logins>())
//!     .store(FileStore::new("checkpoints.json"));
//! let mut batches = collector.run();
//! while let Some(batch) = batches.try_next().await? {
//!     for event in batch.events() {
//!         println!("{}", event.key);
//!     }
//!     batch.commit().await?;
//! }
//! # Ok(()) }
//! ```
//!
//! One concept per file: the source trait (`source`), what it yields (`collected`), the collector and
//! its settings (`collector`), what a run needs, checked once (`plan`), a run's
//! windows (`windows`), its deduplication and batching (`run`),
//! batches (`batch`), the checkpoint (`checkpoint`) and its keys
//! (`seen_keys`) as written (`key_wire`) and looked up (`key_hasher`), stores (`store`,
//! `file_store`, which loads one source's checkpoint with `one_source`), leases and
//! fenced commits (`lease`, `leasing`, `file_lease`; PostgreSQL's in `postgres_store`,
//! `postgres_lease`, `postgres_sql`, `postgres_admin`),
//! canonical JSON (`canonical_json`) and the keys made from it for what has no id (`keys`),
//! and the turns that many collectors in one process share (`turns`).

mod batch;
mod canonical_json;
mod checkpoint;
mod collected;
mod collector;
mod file_lease;
mod file_store;
mod key_hasher;
mod key_wire;
mod keys;
mod lease;
mod leasing;
mod one_source;
mod plan;
#[cfg(feature = "postgres")]
mod postgres_admin;
#[cfg(feature = "postgres")]
mod postgres_lease;
#[cfg(feature = "postgres")]
mod postgres_sql;
#[cfg(feature = "postgres")]
mod postgres_store;
mod run;
mod seen_keys;
mod source;
mod store;
mod turns;
mod windows;

pub use batch::{Batch, Rejected};
pub use canonical_json::canonical_json;
pub use checkpoint::Checkpoint;
pub use collected::{Collected, Listed, Subject};
pub use collector::{Batches, Collector};
pub use file_store::FileStore;
pub use keys::ContentKeys;
pub use lease::{Acquired, FencingToken, Lease, LeasedStore};
#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub use postgres_store::PostgresStore;
pub(crate) use source::listed;
pub use source::{ListedStream, Settings, Source, Window};
pub use store::{CheckpointStore, MemoryStore};
pub use turns::Turns;

#[cfg(test)]
mod tests;
