//! A tamper-evident archive: hash-chained JSON Lines, manifests of closed files
//! (optionally signed with Ed25519) and their verification, so that an auditor can prove
//! offline that nothing was edited, deleted, inserted or reordered.
//!
//! `auditkit collect --archive` writes such files and `auditkit verify` checks them; this
//! module is the same code, for Rust programs. The format is small enough to
//! re-implement:
//!
//! **A line** is a JSON object followed by `\n`. Its *chain member* is
//! `,"auditkit_chain":{"id":"<chain id>","seq":<n>,"prev":"<64 hex>","hash":"<64 hex>"}`,
//! written exactly so (no spaces, fields in this order, lowercase hex), just before the
//! closing brace of the object that hosts it: the line itself in raw lines, `unmapped`
//! (the last member of the line) in OCSF lines. Its **canonical bytes** are the line
//! without the member and without the newline: cut from the last occurrence of
//! `,"auditkit_chain":{` through the member's closing brace; only closing braces may
//! follow it. (Inside a JSON string `"` is always escaped, so an event cannot fake it.)
//!
//! **The chain**: `hash = SHA-256(prev ‖ canonical bytes)`, with `prev` as 32 raw bytes;
//! `seq` counts from 1; the first line's `prev` is `SHA-256("auditkit chain " + id)`
//! ([`genesis`]); every other line's `prev` is the `hash` of the line before it, in the
//! same file or at the end of the file before (each file thus names the hash it starts
//! from). The chain goes on across batches, restarts and rotated files.
//!
//! **A manifest** ([`Manifest`]) is written beside each file the writer closes, as
//! `<file>.manifest.json`: the file's name, length and SHA-256 as stored (gzip:
//! compressed), its lines, its first and last links, its first and last event times, its
//! lines per tenant and source, the sources configured and the writer's version. With a
//! key, `<file>.manifest.json.sig` holds the 64-byte Ed25519 signature of the manifest
//! file's exact bytes (`openssl pkeyutl -verify -rawin` checks it too).
//!
//! **Why `unmapped` in OCSF.** OCSF 1.8.0 classes allow no attribute of ours at the top
//! level (a validator reports it unknown); `unmapped` is the schema's place for what a
//! producer adds, and consumers ignore what is in it. OCSF 1.9's draft `record_integrity`
//! profile will give a fingerprint, the previous event's and a chain id their own
//! attributes: mapping to it then means writing the same three values there.
//!
//! ```no_run
//! use auditkit::archive::Verifier;
//!
//! let report = Verifier::new(["archive/"]).run()?;
//! assert!(report.verified(), "{:?}", report.finding);
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! One concept per file: the hash type (`hash`), writing a chain (`chain`), reading a
//! line (`line`), reading a file (`reader`), what a file holds (`summary`), manifests
//! (`manifest`), keys (`signing`), the checks (`verify`, `order`, `manifest_check`) and their
//! outcome (`report`).

mod chain;
mod hash;
mod line;
mod manifest;
mod manifest_check;
mod order;
mod reader;
mod report;
mod signing;
mod summary;
mod verify;

pub use chain::{Head, MEMBER, SealError, genesis};
pub use hash::Hash256;
pub use line::{ChainedLine, LineError};
pub use manifest::{MANIFEST_FORMAT, Manifest, manifest_path, signature_path};
pub use report::{FileReport, Finding, ManifestCheck, Reason, Report};
pub use signing::{KeyError, PublicKey, Signer};
pub use summary::{Count, LinkRecord};
pub use verify::Verifier;
