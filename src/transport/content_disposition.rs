//! The file name a download's `Content-Disposition` header suggests (RFC 6266), made safe to
//! use as a local file name.

use reqwest::header::{CONTENT_DISPOSITION, HeaderMap};

use super::file_name::{is_forbidden, safe_file_name};

/// The `filename*` (RFC 8187, UTF-8 or ISO-8859-1) or else the `filename` parameter of
/// `Content-Disposition`, quoted or not, reduced to its last path component: a server's
/// `../../etc/passwd` or `C:\reports\x.csv` becomes `passwd` or `x.csv`; control,
/// bidirectional and look-alike separator characters are replaced and the name cut to 200
/// bytes, its extension kept. `None` when there is no usable name (no header, no
/// parameter, or only `.`, `..` or characters that had to be replaced).
pub(crate) fn attachment_filename(headers: &HeaderMap) -> Option<String> {
    let value = String::from_utf8_lossy(headers.get(CONTENT_DISPOSITION)?.as_bytes()).into_owned();
    let params = parameters(&value);
    let extended = params
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("filename*"))
        .and_then(|(_, value)| decode_extended(value));
    let plain = || {
        params
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("filename"))
            .map(|(_, value)| value.clone())
    };
    extended.or_else(plain).and_then(|name| last_component(&name))
}

/// The `name=value` parameters after the disposition type; quoted values are unescaped.
fn parameters(header: &str) -> Vec<(String, String)> {
    let mut params = Vec::new();
    let mut rest = header.split_once(';').map_or("", |(_, rest)| rest);
    while let Some((name, after)) = rest.split_once('=') {
        let after = after.trim_start();
        let (value, remainder) = match after.strip_prefix('"') {
            Some(quoted) => unquote(quoted),
            None => {
                let end = after.find(';').unwrap_or(after.len());
                (after[..end].trim().to_owned(), &after[end..])
            }
        };
        // A parameter without a value (`attachment; inline-only; filename=…`) is skipped.
        let name = name.rsplit(';').next().unwrap_or(name).trim();
        params.push((name.to_owned(), value));
        rest = remainder.split_once(';').map_or("", |(_, rest)| rest);
    }
    params
}

/// A quoted string's content (after its opening quote) and what follows its closing quote.
fn unquote(quoted: &str) -> (String, &str) {
    let mut value = String::new();
    let mut chars = quoted.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => value.extend(chars.next().map(|(_, escaped)| escaped)),
            '"' => return (value, &quoted[at + 1..]),
            other => value.push(other),
        }
    }
    (value, "")
}

/// `charset'language'percent-encoded` (RFC 8187); other charsets are not guessed at.
fn decode_extended(value: &str) -> Option<String> {
    let mut parts = value.splitn(3, '\'');
    let (charset, _language, encoded) = (parts.next()?, parts.next()?, parts.next()?);
    let bytes = percent_decode(encoded)?;
    if charset.eq_ignore_ascii_case("utf-8") {
        String::from_utf8(bytes).ok()
    } else if charset.eq_ignore_ascii_case("iso-8859-1") {
        Some(bytes.into_iter().map(char::from).collect())
    } else {
        None
    }
}

fn percent_decode(encoded: &str) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(encoded.len());
    let mut input = encoded.bytes();
    while let Some(byte) = input.next() {
        if byte == b'%' {
            let hex = [input.next()?, input.next()?];
            bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
        } else {
            bytes.push(byte);
        }
    }
    Some(bytes)
}

/// The part after the last `/` or `\\`, made safe to save ([`safe_file_name`]: no control,
/// bidirectional or look-alike separator character, at most 200 bytes), unless nothing
/// usable is left.
fn last_component(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    let usable = last.chars().any(|c| !c.is_whitespace() && !is_forbidden(c));
    (usable && !matches!(last, "." | "..")).then(|| safe_file_name(last))
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn filename(value: &'static str) -> Option<String> {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_DISPOSITION, HeaderValue::from_static(value));
        attachment_filename(&headers)
    }

    #[test]
    fn quoted_and_bare_names_are_read() {
        assert_eq!(filename(r#"attachment; filename="r-1.csv""#).as_deref(), Some("r-1.csv"));
        assert_eq!(filename("attachment; filename=r-1.csv").as_deref(), Some("r-1.csv"));
        assert_eq!(filename("attachment;filename=r-1.csv; size=9").as_deref(), Some("r-1.csv"));
        assert_eq!(
            filename(r#"attachment; name="x; y"; filename="a \"b\".txt""#).as_deref(),
            Some(r#"a "b".txt"#)
        );
        assert_eq!(filename("attachment; flag; filename=x.csv").as_deref(), Some("x.csv"));
        assert_eq!(filename("attachment"), None);
        assert_eq!(HeaderMap::new().get(CONTENT_DISPOSITION), None);
    }

    #[test]
    fn the_extended_name_wins_and_is_percent_decoded() {
        let value = r#"attachment; filename="plain.csv"; filename*=UTF-8''rel%C3%A1t%C3%B3rio.csv"#;
        assert_eq!(filename(value).as_deref(), Some("relátório.csv"));
        let latin = "attachment; filename*=iso-8859-1'pt'r%E9sum%E9.txt";
        assert_eq!(filename(latin).as_deref(), Some("résumé.txt"));
        let broken = r#"attachment; filename*=UTF-8''%ZZ; filename="fallback.csv""#;
        assert_eq!(filename(broken).as_deref(), Some("fallback.csv"));
    }

    #[test]
    fn a_name_is_never_a_path() {
        assert_eq!(
            filename(r#"attachment; filename="../../etc/passwd""#).as_deref(),
            Some("passwd")
        );
        assert_eq!(
            filename(r#"attachment; filename="C:\\reports\\x.csv""#).as_deref(),
            Some("x.csv")
        );
        assert_eq!(filename("attachment; filename=/tmp/"), None);
        assert_eq!(filename(r#"attachment; filename="..""#), None);
        assert_eq!(
            filename("attachment; filename*=UTF-8''a%0Ab%2F..%2Fc.csv").as_deref(),
            Some("c.csv")
        );
        assert_eq!(filename("attachment; filename*=UTF-8''%0A%E2%80%AE"), None);
    }

    /// Regression (issue "hardening" point 3): a 1,000-byte name could not be saved, and a
    /// right-to-left override made `invoice<U+202E>vsc.exe` display as `invoiceexe.csv`.
    #[test]
    fn an_offered_name_is_short_and_free_of_hidden_or_fake_separators() {
        let long = format!("attachment; filename*=UTF-8''{}.csv", "%C3%A9".repeat(500));
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_DISPOSITION, HeaderValue::from_str(&long).unwrap());
        let name = attachment_filename(&headers).unwrap();
        assert!(name.len() <= 200 && name.ends_with(".csv"), "{} bytes: {name}", name.len());
        let bidi = "attachment; filename*=UTF-8''invoice%E2%80%AEvsc.exe";
        assert_eq!(filename(bidi).as_deref(), Some("invoice_vsc.exe"));
        let slash = "attachment; filename*=UTF-8''..%E2%88%95..%E2%88%95etc%E2%88%95passwd";
        assert_eq!(filename(slash).as_deref(), Some(".._.._etc_passwd"));
    }
}
