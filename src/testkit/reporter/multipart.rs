//! Just enough of `multipart/form-data` for template uploads: the parts' names, file
//! names and bodies.

use bytes::Bytes;

/// One part of a form.
#[derive(Debug, Clone)]
pub(super) struct FormPart {
    pub(super) name: String,
    pub(super) file_name: Option<String>,
    pub(super) body: Bytes,
}

/// The parts of `body`, sent with `content_type` (`multipart/form-data; boundary=…`), or
/// `None` when it is not a form.
pub(super) fn parse(content_type: Option<&str>, body: &Bytes) -> Option<Vec<FormPart>> {
    let boundary = content_type?
        .split(';')
        .map(str::trim)
        .find_map(|param| param.strip_prefix("boundary="))?
        .trim_matches('"');
    let delimiter = format!("--{boundary}");
    let text = body.as_ref();
    let mut parts = Vec::new();
    let mut rest = after(text, delimiter.as_bytes())?;
    loop {
        if rest.starts_with(b"--") {
            return Some(parts);
        }
        rest = rest.strip_prefix(b"\r\n")?;
        let end = find(rest, format!("\r\n{delimiter}").as_bytes())?;
        let (part, tail) = rest.split_at(end);
        let head_end = find(part, b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&part[..head_end]);
        let content = &part[head_end + 4..];
        let disposition = head.lines().find(|line| line.to_ascii_lowercase().starts_with("content-disposition"))?;
        let name = param(disposition, "name")?;
        let file_name = param(disposition, "filename");
        let offset = body.len() - rest.len() + head_end + 4;
        parts.push(FormPart { name, file_name, body: body.slice(offset..offset + content.len()) });
        rest = &tail[2 + delimiter.len()..];
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

fn after<'a>(haystack: &'a [u8], needle: &[u8]) -> Option<&'a [u8]> {
    find(haystack, needle).map(|at| &haystack[at + needle.len()..])
}

/// `key="value"` of a `Content-Disposition` line.
fn param(line: &str, key: &str) -> Option<String> {
    line.split(';').map(str::trim).find_map(|item| {
        let (name, value) = item.split_once('=')?;
        (name.trim() == key).then(|| value.trim().trim_matches('"').to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_a_file_are_read_from_a_form() {
        let body = Bytes::from_static(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"outputFormat\"\r\n\r\ncsv\r\n\
              --XyZ\r\nContent-Disposition: form-data; name=\"template\"; filename=\"a.tpl\"\r\n\
              Content-Type: application/octet-stream\r\n\r\nid,name\r\n{{x}}\r\n--XyZ--\r\n",
        );
        let parts = parse(Some("multipart/form-data; boundary=XyZ"), &body).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!((parts[0].name.as_str(), &parts[0].body[..]), ("outputFormat", &b"csv"[..]));
        assert_eq!(parts[1].file_name.as_deref(), Some("a.tpl"));
        assert_eq!(&parts[1].body[..], b"id,name\r\n{{x}}");
        assert!(parse(Some("application/json"), &body).is_none());
    }
}
