//! A zip export file's records, from its bytes as they arrive (feature `zip`). Each entry
//! is unpacked as it streams, stored or deflated, with its sizes in its header or in a data
//! descriptor after its data (as a zip written to a pipe has them), zip64 included, and its
//! bytes are split into records as a plain file's are. Each entry's CRC-32 and size are
//! checked; the central directory at the end is not needed and not read.
//!
//! Memory holds one input chunk, 64 KiB of unpacked bytes and one record, whatever the
//! archive's size or its compression ratio.

use bytes::{Buf, Bytes, BytesMut};
use flate2::{Crc, Decompress, FlushDecompress, Status};

use super::export_records::Splitter;

const LOCAL_HEADER: u32 = 0x0403_4b50;
const DATA_DESCRIPTOR: u32 = 0x0807_4b50;
/// What may follow the last entry: the central directory, the end records, archive extra
/// data, a digital signature.
const AFTER_ENTRIES: [u32; 5] = [0x0201_4b50, 0x0605_4b50, 0x0606_4b50, 0x0806_4b50, 0x0505_4b50];
/// Unpacked bytes handed to the splitter at a time.
const UNPACKED_AT_ONCE: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Header,
    Data,
    Descriptor,
    Done,
}

#[derive(Debug)]
struct Entry {
    name: String,
    deflated: bool,
    /// Sizes and CRC come after the data.
    described_after: bool,
    zip64: bool,
    crc: u32,
    size: u64,
    /// Packed bytes still to read, when the header says.
    packed_left: Option<u64>,
    unpacked_crc: Crc,
    unpacked: u64,
}

/// Splits a zip export file into its entries' records: [`push`](Self::push) its bytes,
/// take each complete record with [`next_record`](Self::next_record).
#[derive(Debug)]
pub(crate) struct Unzip {
    input: BytesMut,
    max: usize,
    step: Step,
    entry: Option<Entry>,
    inflate: Decompress,
    unpacked: Vec<u8>,
    splitter: Splitter,
    /// The current entry's bytes are all in the splitter: read its last records.
    entry_over: bool,
}

impl Unzip {
    /// Records of at most `max` bytes, from a file that starts with `start`.
    pub(crate) fn new(max: usize, start: BytesMut) -> Self {
        Self {
            input: start,
            max,
            step: Step::Header,
            entry: None,
            inflate: Decompress::new(false),
            unpacked: vec![0; UNPACKED_AT_ONCE],
            splitter: Splitter::new(max),
            entry_over: false,
        }
    }

    pub(crate) fn push(&mut self, chunk: &[u8]) {
        if self.step != Step::Done {
            self.input.extend_from_slice(chunk);
        }
    }

    /// The next complete record, `None` when more bytes are needed (or, `at_end`, when
    /// the archive is over), or why the archive cannot be read on.
    pub(crate) fn next_record(&mut self, at_end: bool) -> Result<Option<Bytes>, String> {
        loop {
            let split = self.splitter.next_record(self.entry_over);
            if let Some(record) = split.map_err(|error| self.in_entry(&error))? {
                return Ok(Some(record));
            }
            if self.entry_over {
                self.entry_over = false;
                self.splitter = Splitter::new(self.max);
            }
            let moved = match self.step {
                Step::Header => self.header(at_end)?,
                Step::Data => self.data(at_end)?,
                Step::Descriptor => self.descriptor(at_end)?,
                Step::Done => return Ok(None),
            };
            if !moved {
                return Ok(None);
            }
        }
    }

    /// Reads an entry's header, or the end of the entries.
    fn header(&mut self, at_end: bool) -> Result<bool, String> {
        let Some(signature) = u32_at(&self.input, 0) else {
            return need(at_end, "before its central directory");
        };
        if AFTER_ENTRIES.contains(&signature) {
            self.step = Step::Done;
            self.input.clear();
            return Ok(true);
        }
        if signature != LOCAL_HEADER {
            return Err(format!(
                "the zip has {signature:#010x} where an entry should start: it is damaged"
            ));
        }
        let (Some(flags), Some(method), Some(crc), Some(packed), Some(size)) = (
            u16_at(&self.input, 6),
            u16_at(&self.input, 8),
            u32_at(&self.input, 14),
            u32_at(&self.input, 18),
            u32_at(&self.input, 22),
        ) else {
            return need(at_end, "in an entry's header");
        };
        let (Some(name_len), Some(extra_len)) = (u16_at(&self.input, 26), u16_at(&self.input, 28))
        else {
            return need(at_end, "in an entry's header");
        };
        let (name_end, header_end) =
            (30 + usize::from(name_len), 30 + usize::from(name_len) + usize::from(extra_len));
        if self.input.len() < header_end {
            return need(at_end, "in an entry's header");
        }
        let name = entry_name(&self.input[30..name_end]);
        let zip64 = zip64_sizes(&self.input[name_end..header_end], packed, size);
        let (packed, size) = zip64.unwrap_or((u64::from(packed), u64::from(size)));
        let refuse = |why: &str| Err(format!("entry {name} {why}"));
        if flags & 1 != 0 {
            return refuse("is encrypted, which this SDK cannot read");
        }
        let deflated = match method {
            0 => false,
            8 => true,
            other => {
                return refuse(&format!(
                    "is packed with method {other}, which this SDK cannot unpack (it reads \
                     stored and deflated entries): save the file with `send()` and unzip it"
                ));
            }
        };
        let described_after = flags & 8 != 0;
        if described_after && !deflated {
            return refuse(
                "is stored with its size after its data, which cannot be read as it \
                 streams: save the file with `send()` and unzip it",
            );
        }
        self.input.advance(header_end);
        self.inflate.reset(false);
        self.entry = Some(Entry {
            name,
            deflated,
            described_after,
            zip64: zip64.is_some(),
            crc,
            size,
            packed_left: (!described_after).then_some(packed),
            unpacked_crc: Crc::new(),
            unpacked: 0,
        });
        self.step = Step::Data;
        Ok(true)
    }

    /// Unpacks up to 64 KiB of the entry's data into the splitter.
    fn data(&mut self, at_end: bool) -> Result<bool, String> {
        let Some(entry) = self.entry.as_mut() else { return Err(lost()) };
        let available = entry.packed_left.map_or(self.input.len(), |left| {
            usize::try_from(left).map_or(self.input.len(), |left| left.min(self.input.len()))
        });
        let (consumed, produced, ended) = if entry.deflated {
            let (before_in, before_out) = (self.inflate.total_in(), self.inflate.total_out());
            let status = self
                .inflate
                .decompress(&self.input[..available], &mut self.unpacked, FlushDecompress::None)
                .map_err(|error| {
                    format!("entry {} does not inflate ({error}): the zip is damaged", entry.name)
                })?;
            let consumed = (self.inflate.total_in() - before_in) as usize;
            let produced = (self.inflate.total_out() - before_out) as usize;
            (consumed, produced, status == Status::StreamEnd)
        } else {
            let n = available.min(UNPACKED_AT_ONCE);
            self.unpacked[..n].copy_from_slice(&self.input[..n]);
            (n, n, entry.packed_left == Some(n as u64))
        };
        self.input.advance(consumed);
        entry.packed_left = entry.packed_left.map(|left| left.saturating_sub(consumed as u64));
        entry.unpacked_crc.update(&self.unpacked[..produced]);
        entry.unpacked = entry.unpacked.saturating_add(produced as u64);
        self.splitter.push(&self.unpacked[..produced]);
        if ended {
            if entry.packed_left.is_some_and(|left| left > 0) {
                return Err(format!(
                    "entry {}'s data ends before the size its header gives: the zip is damaged",
                    entry.name
                ));
            }
            return self.end_of_data();
        }
        if consumed == 0 && produced == 0 {
            if entry.packed_left == Some(0) {
                return Err(format!(
                    "entry {}'s data goes on past the size its header gives: the zip is damaged",
                    entry.name
                ));
            }
            let name = entry.name.clone();
            return need(at_end, &format!("in the middle of entry {name}"));
        }
        Ok(true)
    }

    fn end_of_data(&mut self) -> Result<bool, String> {
        let Some(entry) = &self.entry else { return Err(lost()) };
        if entry.described_after {
            self.step = Step::Descriptor;
            return Ok(true);
        }
        let (crc, size) = (entry.crc, entry.size);
        self.entry_checked(crc, size)
    }

    /// Reads the CRC and sizes that follow an entry's data.
    fn descriptor(&mut self, at_end: bool) -> Result<bool, String> {
        let Some(entry) = &self.entry else { return Err(lost()) };
        let Some(first) = u32_at(&self.input, 0) else {
            return need(at_end, &format!("after entry {}", entry.name));
        };
        let at = if first == DATA_DESCRIPTOR { 4 } else { 0 };
        let length = at + if entry.zip64 { 20 } else { 12 };
        let (Some(crc), true) = (u32_at(&self.input, at), self.input.len() >= length) else {
            return need(at_end, &format!("after entry {}", entry.name));
        };
        let size = if entry.zip64 {
            u64_at(&self.input, at + 12)
        } else {
            u32_at(&self.input, at + 8).map(u64::from)
        };
        let size = size.unwrap_or_default();
        self.input.advance(length);
        self.entry_checked(crc, size)
    }

    /// Checks the entry's CRC-32 and size, then reads its last records.
    fn entry_checked(&mut self, crc: u32, size: u64) -> Result<bool, String> {
        let Some(entry) = self.entry.take() else { return Err(lost()) };
        let (unpacked_crc, unpacked) = (entry.unpacked_crc.sum(), entry.unpacked);
        if unpacked_crc != crc || unpacked != size {
            return Err(format!(
                "entry {} is damaged: {unpacked} bytes with CRC-32 {unpacked_crc:08x}, where the \
                 zip says {size} bytes with {crc:08x}",
                entry.name
            ));
        }
        self.entry = Some(entry);
        self.entry_over = true;
        self.step = Step::Header;
        Ok(true)
    }

    fn in_entry(&self, error: &str) -> String {
        match &self.entry {
            Some(entry) => format!("entry {}: {error}", entry.name),
            None => error.to_owned(),
        }
    }
}

/// An entry's name as errors quote it: at most 80 bytes, control characters as `?`
/// (a damaged header can make anything of it).
fn entry_name(raw: &[u8]) -> String {
    let name: String = String::from_utf8_lossy(raw)
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    crate::error::bounded::shorten_middle(&name, 80).into_owned()
}

/// `at_end`: the zip is cut short `where`; otherwise more bytes are needed.
fn need(at_end: bool, place: &str) -> Result<bool, String> {
    if at_end { Err(format!("the zip ends {place}: the file is cut short")) } else { Ok(false) }
}

fn lost() -> String {
    "the zip reader lost its entry".to_owned()
}

/// The 64-bit sizes of a zip64 extra field (`0x0001`), which holds those of the header's
/// two that are `0xFFFFFFFF`: the unpacked size first, then the packed one.
fn zip64_sizes(extra: &[u8], packed: u32, size: u32) -> Option<(u64, u64)> {
    let mut at = 0;
    while let (Some(id), Some(length)) = (u16_at(extra, at), u16_at(extra, at + 2)) {
        let data = extra.get(at + 4..at + 4 + usize::from(length))?;
        if id == 1 {
            let mut values = data.chunks_exact(8).map(|v| u64_at(v, 0).unwrap_or_default());
            let size = if size == u32::MAX { values.next()? } else { u64::from(size) };
            let packed = if packed == u32::MAX { values.next()? } else { u64::from(packed) };
            return Some((packed, size));
        }
        at += 4 + usize::from(length);
    }
    None
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFLATED: &[u8] = include_bytes!("../../tests/fixtures/qualtrics/exports/deflated.zip");
    const STORED: &[u8] = include_bytes!("../../tests/fixtures/qualtrics/exports/stored.zip");
    const STREAMED: &[u8] = include_bytes!("../../tests/fixtures/qualtrics/exports/streamed.zip");
    const INFOZIP: &[u8] =
        include_bytes!("../../tests/fixtures/qualtrics/exports/infozip-pipe.zip");
    const LONG_LINE: &[u8] =
        include_bytes!("../../tests/fixtures/qualtrics/exports/one-long-line.zip");

    /// The `id` of every record of `zip` fed in chunks of `size` bytes (a record that is
    /// not JSON, from a damaged entry, as `?`).
    fn ids(zip: &[u8], size: usize, max: usize) -> Result<Vec<String>, String> {
        let mut unzip = Unzip::new(max, BytesMut::new());
        let mut ids = Vec::new();
        let mut chunks: Vec<&[u8]> = zip.chunks(size.max(1)).collect();
        if chunks.is_empty() {
            chunks.push(&[]);
        }
        for (index, chunk) in chunks.iter().enumerate() {
            unzip.push(chunk);
            let at_end = index + 1 == chunks.len();
            while let Some(record) = unzip.next_record(at_end)? {
                let value: serde_json::Value =
                    serde_json::from_slice(&record).unwrap_or_else(|_| "?".into());
                ids.push(value["id"].as_str().unwrap_or("?").to_owned());
            }
        }
        Ok(ids)
    }

    fn numbered(n: usize) -> Vec<String> {
        (1..=n).map(|n| format!("e-{n}")).collect()
    }

    #[test]
    fn every_entry_is_read_whatever_the_packing_and_the_chunks() {
        for (name, zip, events) in [
            ("deflated", DEFLATED, 7),
            ("stored", STORED, 7),
            ("streamed", STREAMED, 7),
            ("infozip", INFOZIP, 2),
        ] {
            for size in [1, 2, 5, 64, 100_000] {
                assert_eq!(ids(zip, size, 1024), Ok(numbered(events)), "{name}, chunks of {size}");
            }
        }
    }

    #[test]
    fn a_zip_cut_before_its_central_directory_is_an_error_never_fewer_events() {
        for zip in [DEFLATED, STORED, STREAMED, INFOZIP] {
            let directory = zip.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
            for cut in 0..directory {
                let error = ids(&zip[..cut], 64, 1024).unwrap_err();
                assert!(error.contains("cut short"), "cut at {cut}: {error}");
            }
            assert_eq!(
                ids(&zip[..directory + 4], 64, 1024).map(|ids| ids.len()).ok(),
                Some(if zip == INFOZIP { 2 } else { 7 })
            );
        }
    }

    #[test]
    fn a_changed_byte_in_an_entry_is_found() {
        // Every byte of the first entry's packed data, flipped in turn, but the last: its
        // high bits may be padding after the deflate stream's end.
        let data = 30 + "audit/".len();
        let start = DEFLATED[data..].windows(4).position(|w| w == b"PK\x03\x04").unwrap() + data;
        let name_len = usize::from(u16_at(DEFLATED, start + 26).unwrap());
        let packed = u32_at(DEFLATED, start + 18).unwrap() as usize;
        let first = start + 30 + name_len;
        for at in first..first + packed - 1 {
            let mut zip = DEFLATED.to_vec();
            zip[at] ^= 0x20;
            let error = ids(&zip, 64, 1024).unwrap_err();
            assert!(error.contains("damaged") || error.contains("entry"), "byte {at}: {error}");
        }
    }

    #[test]
    fn what_cannot_be_read_as_it_streams_is_refused_with_advice() {
        let patched = |at: usize, value: u16| {
            let mut zip = STORED.to_vec();
            zip[at..at + 2].copy_from_slice(&value.to_le_bytes());
            ids(&zip, 64, 1024).unwrap_err()
        };
        assert!(patched(6, 1).contains("encrypted"));
        assert!(patched(8, 12).contains("method 12"));
        assert!(patched(6, 8).contains("stored with its size after its data"));
        let mut zip = STORED.to_vec();
        zip[0] = b'X';
        assert!(ids(&zip, 64, 1024).unwrap_err().contains("where an entry should start"));
        // A name made long and binary by damage is quoted short and printable.
        let mut zip = STORED.to_vec();
        zip[26..28].copy_from_slice(&u16::MAX.to_le_bytes());
        zip[30] = 0x07;
        zip.extend(std::iter::repeat_n(0u8, 70_000));
        let error = ids(&zip, 4096, 1024).unwrap_err();
        assert!(error.len() < 300 && !error.contains('\u{7}'), "{error}");
    }

    #[test]
    fn a_record_over_the_cap_in_a_deflated_entry_is_refused_without_unpacking_it_all() {
        let mut unzip = Unzip::new(1024 * 1024, BytesMut::new());
        unzip.push(LONG_LINE);
        assert_eq!(unzip.next_record(true).unwrap().as_deref(), Some(&br#"{"id":"e-1"}"#[..]));
        let error = unzip.next_record(true).unwrap_err();
        assert!(
            error.contains("entry logins.ndjson") && error.contains("longer than 1048576"),
            "{error}"
        );
        // Refused once the cap was passed: the 20 MiB line was not unpacked to its end.
        let entry = unzip.entry.as_ref().unwrap();
        assert!(entry.unpacked < 2 * 1024 * 1024, "{} bytes unpacked", entry.unpacked);
    }
}
