//! An archive file read line by line, plain or gzip (any number of members), with the
//! SHA-256 of its bytes as stored; memory bounded by the longest line, capped.

use std::{
    fs::File,
    io::{self, BufRead, BufReader, Read},
    path::Path,
};

use sha2::{Digest, Sha256};

use super::Hash256;

/// The longest line read: beyond it, a file is refused rather than read into memory.
pub(crate) const MAX_LINE: usize = 64 << 20;

const BUFFER: usize = 256 << 10;

/// A reader that hashes and counts what passes through it.
pub(crate) struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.hasher.update(&buf[..read]);
        self.bytes = self.bytes.saturating_add(read as u64);
        Ok(read)
    }
}

enum Source {
    Plain(BufReader<Hashing<File>>),
    Gzip(BufReader<flate2::read::MultiGzDecoder<Hashing<File>>>),
}

/// What reading a line found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// A whole line (in the buffer, without its newline).
    Line,
    /// The last bytes of the file with no newline after them (in the buffer).
    Partial,
    /// A line longer than [`MAX_LINE`].
    TooLong,
    End,
}

/// An archive file, line by line.
pub(crate) struct LineReader {
    source: Source,
    /// The current line.
    pub(crate) line: Vec<u8>,
    pub(crate) gzip: bool,
}

impl LineReader {
    /// Opens `path`; gzip is recognised by its magic bytes, not by the name.
    pub(crate) fn open(path: &Path) -> io::Result<Self> {
        let mut head = [0u8; 2];
        let gzip = File::open(path)?.read_exact(&mut head).is_ok() && head == [0x1f, 0x8b];
        let hashing = Hashing { inner: File::open(path)?, hasher: Sha256::new(), bytes: 0 };
        let source = if gzip {
            let decoder = flate2::read::MultiGzDecoder::new(hashing);
            Source::Gzip(BufReader::with_capacity(BUFFER, decoder))
        } else {
            Source::Plain(BufReader::with_capacity(BUFFER, hashing))
        };
        Ok(Self { source, line: Vec::with_capacity(4096), gzip })
    }

    /// Reads the next line into [`line`](Self::line).
    ///
    /// # Errors
    ///
    /// The file's, or gzip data that is not gzip (a cut member among them).
    pub(crate) fn next(&mut self) -> io::Result<Next> {
        self.line.clear();
        let limit = MAX_LINE as u64 + 1;
        let read = match &mut self.source {
            Source::Plain(reader) => reader.take(limit).read_until(b'\n', &mut self.line)?,
            Source::Gzip(reader) => reader.take(limit).read_until(b'\n', &mut self.line)?,
        };
        Ok(match read {
            0 => Next::End,
            _ if self.line.last() == Some(&b'\n') => {
                self.line.pop();
                Next::Line
            }
            _ if self.line.len() > MAX_LINE => Next::TooLong,
            _ => Next::Partial,
        })
    }

    /// The file's SHA-256 and length as stored, after reading what is left of it.
    pub(crate) fn finish(self) -> io::Result<(Hash256, u64)> {
        let mut hashing = match self.source {
            Source::Plain(reader) => reader.into_inner(),
            Source::Gzip(reader) => reader.into_inner().into_inner(),
        };
        io::copy(&mut hashing, &mut io::sink())?;
        Ok((Hash256(hashing.hasher.finalize().into()), hashing.bytes))
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn plain_and_gzip_read_the_same_lines_and_hash_the_stored_bytes() {
        let dir = std::env::temp_dir().join(format!("auditkit-reader-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let text = b"one\ntwo\nthree";
        let mut gz = Vec::new();
        for part in [&text[..4], &text[4..]] {
            let mut encoder = flate2::write::GzEncoder::new(Vec::new(), Default::default());
            encoder.write_all(part).unwrap();
            gz.extend(encoder.finish().unwrap());
        }
        for (name, bytes) in [("plain", &text[..]), ("gz", &gz[..])] {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            let mut reader = LineReader::open(&path).unwrap();
            assert_eq!(reader.gzip, name == "gz");
            let mut seen = Vec::new();
            loop {
                let next = reader.next().unwrap();
                if next == Next::End {
                    break;
                }
                seen.push((next, String::from_utf8(reader.line.clone()).unwrap()));
            }
            assert_eq!(
                seen,
                [
                    (Next::Line, "one".into()),
                    (Next::Line, "two".into()),
                    (Next::Partial, "three".into())
                ]
            );
            assert_eq!(reader.finish().unwrap(), (Hash256::of(bytes), bytes.len() as u64));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
