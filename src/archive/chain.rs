//! Writing a chain: the head a writer continues from, and a line sealed with its chain
//! member.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Hash256;

/// The member's name, in raw lines at the top level and in OCSF lines under `unmapped`.
pub const MEMBER: &str = "auditkit_chain";

/// Where a chain stands: what the next line continues from.
///
/// A writer keeps it between batches and in its checkpoint, so that the chain continues
/// across batches, restarts and files.
///
/// ```
/// use auditkit::archive::{ChainedLine, Head};
///
/// let mut head = Head::start("8c0d6a4e-4b1e-4a57-9d7c-2f3b1c0e9a11");
/// let mut out = Vec::new();
/// let event = br#"{"tenant":"acme","event":{"id":"1"}}"#;
/// head.seal(event, event.len() - 1, &mut out)?;
/// let line = ChainedLine::parse(&out)?;
/// assert_eq!(line.seq, 1);
/// assert_eq!(line.canonical(), event);
/// assert_eq!(line.computed_hash(), head.hash);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    /// The chain's id (a UUID when auditkit starts one).
    pub id: String,
    /// The last line's sequence number (0: no line yet).
    pub seq: u64,
    /// The last line's hash (the genesis hash before the first line).
    pub hash: Hash256,
}

/// A line that cannot carry a chain member where the writer asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "cannot add the chain to a line at byte {at}: it must be the closing brace of a non-empty \
     JSON object followed only by closing braces (the line is {len} bytes)"
)]
pub struct SealError {
    at: usize,
    len: usize,
}

/// The hash a chain's first line continues from: `SHA-256("auditkit chain " + id)`.
///
/// ```
/// use auditkit::archive::{Hash256, genesis};
///
/// assert_eq!(genesis("x"), Hash256::of(b"auditkit chain x"));
/// ```
pub fn genesis(id: &str) -> Hash256 {
    let mut hasher = Sha256::new();
    hasher.update(b"auditkit chain ");
    hasher.update(id.as_bytes());
    Hash256(hasher.finalize().into())
}

/// `SHA-256(prev ‖ canonical)`, the canonical bytes given in pieces.
pub(crate) fn link_hash(prev: &Hash256, pieces: &[&[u8]]) -> Hash256 {
    let mut hasher = Sha256::new();
    hasher.update(prev.0);
    for piece in pieces {
        hasher.update(piece);
    }
    Hash256(hasher.finalize().into())
}

impl Head {
    /// A chain with this id and no line yet.
    pub fn start(id: impl Into<String>) -> Self {
        let id = id.into();
        let hash = genesis(&id);
        Self { id, seq: 0, hash }
    }

    /// A new chain with a random id.
    pub fn new_chain() -> Self {
        Self::start(uuid::Uuid::new_v4().to_string())
    }

    /// Appends `line` (canonical bytes, no newline) to `out` with its chain member inserted
    /// before the brace at byte `at`, and moves the head to it.
    ///
    /// `at` is the closing brace of the object that hosts the member: the line's last byte
    /// for raw lines, the one before it for OCSF lines whose last member is `unmapped`.
    ///
    /// # Errors
    ///
    /// [`SealError`] when `at` is not the closing brace of a non-empty object followed
    /// only by closing braces; the head does not move.
    pub fn seal(&mut self, line: &[u8], at: usize, out: &mut Vec<u8>) -> Result<(), SealError> {
        let fits = at > 1
            && line.get(at) == Some(&b'}')
            && line[at + 1..].iter().all(|&b| b == b'}')
            && !line[..at].ends_with(b"{");
        if !fits {
            return Err(SealError { at, len: line.len() });
        }
        let hash = link_hash(&self.hash, &[line]);
        let seq = self.seq.saturating_add(1);
        out.reserve(line.len() + 200);
        out.extend_from_slice(&line[..at]);
        out.extend_from_slice(b",\"");
        out.extend_from_slice(MEMBER.as_bytes());
        out.extend_from_slice(b"\":{\"id\":\"");
        out.extend_from_slice(self.id.as_bytes());
        out.extend_from_slice(b"\",\"seq\":");
        out.extend_from_slice(seq.to_string().as_bytes());
        out.extend_from_slice(b",\"prev\":\"");
        out.extend_from_slice(&self.hash.hex());
        out.extend_from_slice(b"\",\"hash\":\"");
        out.extend_from_slice(&hash.hex());
        out.extend_from_slice(b"\"}");
        out.extend_from_slice(&line[at..]);
        self.seq = seq;
        self.hash = hash;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_line_is_json_with_the_member_where_asked() {
        let mut head = Head::start("c");
        let mut out = Vec::new();
        let ocsf = br#"{"class_uid":3002,"unmapped":{"auditkit":{"tenant":"t"}}}"#;
        head.seal(ocsf, ocsf.len() - 2, &mut out).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value["unmapped"][MEMBER]["seq"], 1);
        assert_eq!(value["unmapped"][MEMBER]["prev"], genesis("c").to_string());
        assert_eq!(value["unmapped"][MEMBER]["hash"], head.hash.to_string());
        assert_eq!(value["unmapped"]["auditkit"]["tenant"], "t");
    }

    #[test]
    fn a_place_that_is_not_a_closing_brace_of_a_non_empty_object_is_refused() {
        let mut head = Head::start("c");
        let mut out = Vec::new();
        for (line, at) in
            [(&b"{}"[..], 1), (b"{\"a\":1}", 3), (b"{\"a\":{}}", 6), (b"{\"a\":1}x", 6)]
        {
            assert!(head.seal(line, at, &mut out).is_err(), "{}", String::from_utf8_lossy(line));
        }
        assert!(out.is_empty());
        assert_eq!(head, Head::start("c"));
    }
}
