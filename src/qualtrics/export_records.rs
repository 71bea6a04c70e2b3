//! An export file's records, one at a time, from its bytes as they arrive: NDJSON (one
//! JSON document a line), or one JSON array of them. Memory holds at most one record (up to
//! the cap) and one chunk, whatever the file's size.

use bytes::{Buf, Bytes, BytesMut};

/// What the file turned out to be, from its first byte that is not blank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Unknown,
    Lines,
    Array,
    Done,
}

/// Splits an export file into its records. Fed chunk by chunk ([`push`](Self::push)), it
/// hands back each complete record ([`next_record`](Self::next_record)), and refuses a
/// record longer than `max` bytes instead of buffering it.
#[derive(Debug)]
pub(crate) struct Splitter {
    buf: BytesMut,
    max: usize,
    format: Format,
    /// How far `buf` has been scanned without finding the record's end.
    scanned: usize,
    depth: u32,
    in_string: bool,
    escape: bool,
}

impl Splitter {
    pub(crate) fn new(max: usize) -> Self {
        let (depth, in_string, escape) = (0, false, false);
        Self {
            buf: BytesMut::new(),
            max,
            format: Format::Unknown,
            scanned: 0,
            depth,
            in_string,
            escape,
        }
    }

    pub(crate) fn push(&mut self, chunk: &[u8]) {
        if self.format != Format::Done {
            self.buf.extend_from_slice(chunk);
        }
    }

    /// The next complete record, `None` when more bytes are needed (or, `at_end`, when
    /// the file is over), or why the file cannot be read on.
    pub(crate) fn next_record(&mut self, at_end: bool) -> Result<Option<Bytes>, String> {
        if self.format == Format::Unknown {
            const BOM: &[u8] = b"\xEF\xBB\xBF";
            const ZIP: &[u8] = b"PK\x03\x04";
            // A mark or a magic number may arrive split over chunks: wait for the rest.
            if !at_end && self.buf.len() < BOM.len() && BOM.starts_with(&self.buf) {
                return Ok(None);
            }
            let body = self.buf.strip_prefix(BOM).unwrap_or(&self.buf);
            let skipped = self.buf.len() - body.len();
            let blank = body.iter().take_while(|b| b.is_ascii_whitespace()).count();
            self.buf.advance(skipped + blank);
            if self.buf.is_empty()
                || (!at_end && self.buf.len() < ZIP.len() && ZIP.starts_with(&self.buf))
            {
                return Ok(None);
            }
            if self.buf.starts_with(ZIP) {
                return Err("a zip archive inside the export file (or after blanks), which \
                            this SDK does not unpack: save the file with `send()` and unzip it"
                    .into());
            }
            self.format = if self.buf.first() == Some(&b'[') {
                self.buf.advance(1);
                Format::Array
            } else {
                Format::Lines
            };
        }
        match self.format {
            Format::Lines => self.next_line(at_end),
            Format::Array => self.next_element(at_end),
            Format::Unknown | Format::Done => Ok(None),
        }
    }

    fn next_line(&mut self, at_end: bool) -> Result<Option<Bytes>, String> {
        loop {
            let newline = self.buf[self.scanned..].iter().position(|b| *b == b'\n');
            let line = match newline {
                Some(at) => self.buf.split_to(self.scanned + at + 1),
                None if at_end && !self.buf.is_empty() => self.buf.split(),
                None => return self.need_more(),
            };
            self.scanned = 0;
            match self.record(line.freeze())? {
                Some(record) => return Ok(Some(record)),
                None if self.buf.is_empty() && at_end => return Ok(None),
                None => {}
            }
        }
    }

    fn next_element(&mut self, at_end: bool) -> Result<Option<Bytes>, String> {
        loop {
            let Some((at, last)) = self.element_end() else {
                if at_end && !self.buf.trim_ascii().is_empty() {
                    return Err("the export file's JSON array ends before its `]`".into());
                }
                return self.need_more();
            };
            let element = self.buf.split_to(at + 1);
            self.scanned = 0;
            if last {
                self.format = Format::Done;
                self.buf.clear();
            }
            match self.record(element.freeze().slice(..at))? {
                Some(record) => return Ok(Some(record)),
                None if last => return Ok(None),
                None => {}
            }
        }
    }

    /// Where the current array element ends (a `,` or the array's `]` outside any string
    /// or nested value), and whether it is the last; the scan resumes where it stopped.
    fn element_end(&mut self) -> Option<(usize, bool)> {
        while self.scanned < self.buf.len() {
            let (at, byte) = (self.scanned, self.buf[self.scanned]);
            self.scanned += 1;
            if self.in_string {
                match byte {
                    _ if self.escape => self.escape = false,
                    b'\\' => self.escape = true,
                    b'"' => self.in_string = false,
                    _ => {}
                }
                continue;
            }
            match byte {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth = self.depth.saturating_add(1),
                b'}' | b']' if self.depth > 0 => self.depth -= 1,
                b']' => return Some((at, true)),
                b',' if self.depth == 0 => return Some((at, false)),
                _ => {}
            }
        }
        None
    }

    /// More bytes are needed, unless the record so far is already over the cap.
    fn need_more(&mut self) -> Result<Option<Bytes>, String> {
        self.scanned = self.buf.len();
        if self.buf.len() > self.max {
            return Err(too_long(self.max));
        }
        Ok(None)
    }

    /// `raw` without its blanks, not copied: `None` when blank, an error when over the cap.
    fn record(&self, raw: Bytes) -> Result<Option<Bytes>, String> {
        let start = raw.iter().take_while(|byte| byte.is_ascii_whitespace()).count();
        let end =
            raw.len() - raw[start..].iter().rev().take_while(|b| b.is_ascii_whitespace()).count();
        if end - start > self.max {
            return Err(too_long(self.max));
        }
        Ok((end > start).then(|| raw.slice(start..end)))
    }
}

fn too_long(max: usize) -> String {
    format!(
        "a record of the export file is longer than {max} bytes; raise the cap with \
         `max_record_size` if it is expected"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of `file` fed in chunks of `size` bytes.
    fn split(file: &str, size: usize, max: usize) -> Result<Vec<String>, String> {
        let mut splitter = Splitter::new(max);
        let mut records = Vec::new();
        let chunks: Vec<&[u8]> = file.as_bytes().chunks(size.max(1)).collect();
        for (index, chunk) in chunks.iter().enumerate() {
            splitter.push(chunk);
            let at_end = index + 1 == chunks.len();
            while let Some(record) = splitter.next_record(at_end)? {
                records.push(String::from_utf8(record.to_vec()).unwrap());
            }
        }
        Ok(records)
    }

    #[test]
    fn ndjson_splits_on_newlines_whatever_the_chunks_and_skips_blank_lines() {
        let file = "{\"id\":\"a\"}\r\n\n  {\"id\":\"b\",\"t\":\"x\\ny\"}\n{\"id\":\"c\"}";
        for size in [1, 2, 3, 7, 100] {
            let records = split(file, size, 64).unwrap();
            assert_eq!(records, [r#"{"id":"a"}"#, r#"{"id":"b","t":"x\ny"}"#, r#"{"id":"c"}"#]);
        }
    }

    #[test]
    fn a_json_array_splits_into_its_elements_even_with_commas_and_brackets_in_strings() {
        let file = "\u{feff} [ {\"id\":\"a,]\\\"\",\"n\":[1,{\"x\":2}]} ,\n\"s\" , 3 ] trailing";
        for size in [1, 4, 100] {
            let records = split(file, size, 64).unwrap();
            assert_eq!(records, [r#"{"id":"a,]\"","n":[1,{"x":2}]}"#, "\"s\"", "3"], "{size}");
        }
        assert_eq!(split("[]", 1, 64).unwrap(), Vec::<String>::new());
        assert!(split("[{\"id\":1}", 3, 64).unwrap_err().contains("before its `]`"));
    }

    #[test]
    fn a_record_over_the_cap_is_an_error_without_buffering_the_rest() {
        let long = format!("{{\"id\":\"{}\"}}\n", "a".repeat(100));
        for size in [1, 10, 1000] {
            let error = split(&format!("{{}}\n{long}{{}}\n"), size, 50).unwrap_err();
            assert!(error.contains("longer than 50 bytes"), "{error}");
        }
        let mut splitter = Splitter::new(50);
        splitter.push(b"{}\n");
        assert!(splitter.next_record(false).unwrap().is_some());
        splitter.push("x".repeat(51).as_bytes());
        assert!(splitter.next_record(false).is_err(), "no newline yet, already over the cap");
        assert!(split(&format!("[{}]", long.trim()), 7, 50).is_err());
    }

    #[test]
    fn a_zip_is_refused_by_name_and_an_empty_file_has_no_records() {
        assert!(split("PK\u{3}\u{4}rest", 2, 64).unwrap_err().contains("zip"));
        assert_eq!(split(" \n ", 1, 64).unwrap(), Vec::<String>::new());
    }
}
