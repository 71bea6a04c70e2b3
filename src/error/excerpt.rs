//! The start of a body an error keeps, so that whatever a server sends, an error quoting it
//! stays short.

/// How much of a body an error keeps: enough to recognise an HTML error page or a
/// truncated answer, too little to flood a log.
const EXCERPT_BYTES: usize = 300;

/// The start of a body as text, cut at a character boundary.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(EXCERPT_BYTES)]);
    let mut text = text.into_owned();
    if body.len() > EXCERPT_BYTES {
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_cuts_long_bodies_on_a_char_boundary() {
        let body = "é".repeat(400);
        let text = excerpt(body.as_bytes());
        assert!(text.ends_with('…'));
        assert!(text.len() <= EXCERPT_BYTES + '…'.len_utf8());
    }
}
