//! Reading a chained line: its chain member, and its canonical bytes (the line without it).

use super::{Hash256, chain::link_hash};

const MARKER: &[u8] = b",\"auditkit_chain\":{\"id\":\"";

/// A line of an archive, split into its chain member and its canonical bytes.
///
/// ```
/// use auditkit::archive::{ChainedLine, Head};
///
/// let mut head = Head::start("chain-1");
/// let mut out = Vec::new();
/// head.seal(br#"{"a":1}"#, 6, &mut out)?;
/// let line = ChainedLine::parse(&out)?;
/// assert_eq!((line.id, line.seq), ("chain-1", 1));
/// assert_eq!(line.hash, line.computed_hash());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ChainedLine<'a> {
    /// The chain's id.
    pub id: &'a str,
    /// The line's number in its chain, from 1.
    pub seq: u64,
    /// The hash of the line before it (the genesis hash for seq 1).
    pub prev: Hash256,
    /// The hash the writer recorded: `SHA-256(prev ‖ canonical bytes)`.
    pub hash: Hash256,
    before: &'a [u8],
    after: &'a [u8],
}

/// Why a line is not a chained line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LineError {
    /// The line has no `auditkit_chain` member: an archive writer did not write it.
    #[error("the line has no auditkit_chain member")]
    Unchained,
    /// The member is there but not as a writer writes it (a changed byte, a cut).
    #[error("the line's auditkit_chain member is damaged")]
    Damaged,
}

impl<'a> ChainedLine<'a> {
    /// Splits `line` (without its newline).
    ///
    /// The member is the last `,"auditkit_chain":{` in the line, exactly as
    /// [`Head::seal`](super::Head::seal) writes it, followed only by closing braces.
    ///
    /// # Errors
    ///
    /// [`LineError::Unchained`] without a member, [`LineError::Damaged`] when it is not
    /// exactly as written.
    pub fn parse(line: &'a [u8]) -> Result<Self, LineError> {
        let start = rfind(line, MARKER).ok_or(LineError::Unchained)?;
        let mut rest = &line[start + MARKER.len()..];
        let take = |rest: &mut &'a [u8], end: u8| -> Result<&'a [u8], LineError> {
            let at = rest.iter().position(|&b| b == end).ok_or(LineError::Damaged)?;
            let (value, tail) = rest.split_at(at);
            *rest = &tail[1..];
            Ok(value)
        };
        let expect = |rest: &mut &'a [u8], text: &[u8]| -> Result<(), LineError> {
            *rest = rest.strip_prefix(text).ok_or(LineError::Damaged)?;
            Ok(())
        };
        let id = take(&mut rest, b'"')?;
        let id_ok = !id.is_empty()
            && id.len() <= 128
            && id.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !id_ok {
            return Err(LineError::Damaged);
        }
        expect(&mut rest, b",\"seq\":")?;
        let digits = take(&mut rest, b',')?;
        let seq = std::str::from_utf8(digits)
            .ok()
            .filter(|d| !d.starts_with('0') && d.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|d| d.parse::<u64>().ok())
            .ok_or(LineError::Damaged)?;
        expect(&mut rest, b"\"prev\":\"")?;
        let prev = Hash256::from_hex(take(&mut rest, b'"')?).ok_or(LineError::Damaged)?;
        expect(&mut rest, b",\"hash\":\"")?;
        let hash = Hash256::from_hex(take(&mut rest, b'"')?).ok_or(LineError::Damaged)?;
        expect(&mut rest, b"}")?;
        if rest.is_empty() || rest.iter().any(|&b| b != b'}') {
            return Err(LineError::Damaged);
        }
        let after = &line[line.len() - rest.len()..];
        let id = std::str::from_utf8(id).map_err(|_| LineError::Damaged)?;
        Ok(Self { id, seq, prev, hash, before: &line[..start], after })
    }

    /// The canonical bytes: the line without its member, as it was before sealing.
    pub fn canonical(&self) -> Vec<u8> {
        [self.before, self.after].concat()
    }

    /// `SHA-256(prev ‖ canonical bytes)`: equal to [`hash`](Self::hash) when the line is
    /// as written.
    pub fn computed_hash(&self) -> Hash256 {
        link_hash(&self.prev, &[self.before, self.after])
    }
}

/// The last occurrence of `needle` in `haystack`.
fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let first = needle[0];
    let mut end = haystack.len();
    while end >= needle.len() {
        let at = haystack[..=end - needle.len()].iter().rposition(|&b| b == first)?;
        if haystack[at..].starts_with(needle) {
            return Some(at);
        }
        end = at + needle.len() - 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{super::Head, *};

    fn sealed(line: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        Head::start("c").seal(line, line.len() - 1, &mut out).unwrap();
        out
    }

    #[test]
    fn the_last_member_counts_and_a_member_inside_a_string_does_not() {
        let event =
            br#"{"event":{"note":",\"auditkit_chain\":{\"id\":\"x"},"auditkit_chain":{"id":"y"}}"#;
        let out = sealed(event);
        let line = ChainedLine::parse(&out).unwrap();
        assert_eq!(line.canonical(), event);
        assert_eq!(line.computed_hash(), line.hash);
    }

    #[test]
    fn a_line_without_a_member_or_with_a_damaged_one_is_refused() {
        assert_eq!(ChainedLine::parse(br#"{"a":1}"#).unwrap_err(), LineError::Unchained);
        let good = sealed(br#"{"a":1}"#);
        let text = String::from_utf8(good.clone()).unwrap();
        for broken in [
            text.replace("\"seq\":1", "\"seq\":01"),
            text.replace("\"seq\":1", "\"seq\":x"),
            text.replace("\"hash\":\"", "\"hash\":\"0"),
            format!("{text} "),
            text[..text.len() - 1].to_owned(),
        ] {
            let parsed = ChainedLine::parse(broken.as_bytes());
            assert_eq!(parsed.unwrap_err(), LineError::Damaged, "{broken}");
        }
        assert!(ChainedLine::parse(&good).is_ok());
    }

    #[test]
    fn rfind_finds_the_last_occurrence() {
        assert_eq!(rfind(b"abcabc", b"bc"), Some(4));
        assert_eq!(rfind(b"abc", b"abcd"), None);
        assert_eq!(rfind(b"aaa", b"aa"), Some(1));
        assert_eq!(rfind(b"xyz", b"a"), None);
    }
}
