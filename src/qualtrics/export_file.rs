//! An export file as records, whatever it turned out to be: NDJSON or a JSON array
//! (`export_records`), or a zip of those (`export_zip`, feature `zip`), told apart by its
//! first bytes.

use bytes::{Bytes, BytesMut};

use super::export_records::Splitter;

/// A zip archive's first bytes: its first entry's header, or for an archive without
/// entries its end record.
const ZIP: [&[u8]; 2] = [b"PK\x03\x04", b"PK\x05\x06"];

#[derive(Debug)]
enum Kind {
    /// Not enough bytes yet to tell.
    Unknown(BytesMut),
    Plain(Splitter),
    #[cfg(feature = "zip")]
    Zip(Box<super::export_zip::Unzip>),
}

/// Splits an export file into its records: [`push`](Self::push) its bytes as they arrive,
/// take each complete record with [`next_record`](Self::next_record). A record longer than
/// `max` bytes is refused instead of buffered.
#[derive(Debug)]
pub(crate) struct ExportFile {
    max: usize,
    kind: Kind,
}

impl ExportFile {
    pub(crate) fn new(max: usize) -> Self {
        Self { max, kind: Kind::Unknown(BytesMut::new()) }
    }

    pub(crate) fn push(&mut self, chunk: &[u8]) {
        match &mut self.kind {
            Kind::Unknown(start) => start.extend_from_slice(chunk),
            Kind::Plain(splitter) => splitter.push(chunk),
            #[cfg(feature = "zip")]
            Kind::Zip(unzip) => unzip.push(chunk),
        }
    }

    /// The next complete record, `None` when more bytes are needed (or, `at_end`, when
    /// the file is over), or why the file cannot be read on.
    pub(crate) fn next_record(&mut self, at_end: bool) -> Result<Option<Bytes>, String> {
        if let Kind::Unknown(start) = &mut self.kind {
            let partial = |zip: &&[u8]| start.len() < zip.len() && zip.starts_with(start);
            if ZIP.iter().any(partial) && !at_end {
                return Ok(None);
            }
            let start = std::mem::take(start);
            self.kind = if ZIP.iter().any(|zip| start.starts_with(zip)) {
                zip(self.max, start)?
            } else {
                let mut splitter = Splitter::new(self.max);
                splitter.push(&start);
                Kind::Plain(splitter)
            };
        }
        match &mut self.kind {
            Kind::Unknown(_) => Ok(None),
            Kind::Plain(splitter) => splitter.next_record(at_end),
            #[cfg(feature = "zip")]
            Kind::Zip(unzip) => unzip.next_record(at_end),
        }
    }
}

#[cfg(feature = "zip")]
fn zip(max: usize, start: BytesMut) -> Result<Kind, String> {
    Ok(Kind::Zip(Box::new(super::export_zip::Unzip::new(max, start))))
}

#[cfg(not(feature = "zip"))]
fn zip(_: usize, _: BytesMut) -> Result<Kind, String> {
    Err("the export file is a zip archive: build auditkit with its `zip` feature to read it \
         as events, or save it with `send()` and unzip it"
        .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(file: &[u8], size: usize) -> Result<Vec<Bytes>, String> {
        let mut export = ExportFile::new(1024);
        let mut records = Vec::new();
        let chunks: Vec<&[u8]> = file.chunks(size).collect();
        for (index, chunk) in chunks.iter().enumerate() {
            export.push(chunk);
            while let Some(record) = export.next_record(index + 1 == chunks.len())? {
                records.push(record);
            }
        }
        Ok(records)
    }

    #[test]
    fn a_zip_is_told_from_a_plain_file_by_its_first_bytes_even_one_at_a_time() {
        let zip = include_bytes!("../../tests/fixtures/qualtrics/exports/stored.zip");
        for size in [1, 3, 1000] {
            match records(zip, size) {
                Ok(records) => assert!(cfg!(feature = "zip") && records.len() == 7, "{records:?}"),
                Err(error) => assert!(!cfg!(feature = "zip") && error.contains("`zip` feature")),
            }
            // "PK" alone, or a line that starts like a zip, is a plain file's.
            assert_eq!(records(b"PK", size).unwrap(), [Bytes::from_static(b"PK")]);
            assert_eq!(records(b"PK\x03\n{}\n", size).unwrap().len(), 2);
            // A zip without entries is its end record alone: no records.
            let empty = records(b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", size);
            match empty {
                Ok(records) => assert!(cfg!(feature = "zip") && records.is_empty(), "{records:?}"),
                Err(error) => assert!(!cfg!(feature = "zip") && error.contains("`zip` feature")),
            }
        }
    }
}
