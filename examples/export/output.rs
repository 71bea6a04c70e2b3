//! The output file: appended batch by batch, flushed, and cut back to its committed length
//! when a run starts after a crash.

use std::{
    fs::{File, OpenOptions},
    io::{self, Seek, SeekFrom, Write},
    path::Path,
};

use auditkit::collect::FileStore;

use super::args::Failure;

/// The output file, cut back to its committed length when opened.
pub(crate) struct Output {
    file: File,
    gzip: bool,
    length: u64,
}

impl Output {
    pub(crate) async fn open(path: &Path, gzip: bool, store: &FileStore) -> Result<Self, Failure> {
        let committed = store
            .checkpoints()
            .await?
            .iter()
            .filter_map(|checkpoint| checkpoint.annotation("output_bytes")?.as_u64())
            .max()
            .unwrap_or(0);
        let io =
            |error: io::Error| Failure::Output(format!("cannot open {}: {error}", path.display()));
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(path)
            .map_err(io)?;
        let length = file.metadata().map_err(io)?.len();
        if length < committed {
            return Err(Failure::Output(format!(
                "{} has {length} bytes but its checkpoint {} recorded {committed} committed: \
                 the output was cut or replaced. Restore it, or remove the checkpoint to export \
                 again from the start",
                path.display(),
                store.path().display()
            )));
        }
        if length > committed {
            file.set_len(committed).map_err(io)?;
            file.sync_all().map_err(io)?;
            eprintln!(
                "export: dropped the {} bytes a previous run wrote after its last commit; they \
                 are exported again",
                length - committed
            );
        }
        file.seek(SeekFrom::End(0)).map_err(io)?;
        Ok(Self { file, gzip, length: committed })
    }

    /// Appends `lines` (one gzip member with --gzip), flushed to disk; the new length.
    pub(crate) fn append(&mut self, lines: &[u8]) -> io::Result<u64> {
        if lines.is_empty() {
            return Ok(self.length);
        }
        let bytes = if self.gzip {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            encoder.write_all(lines)?;
            encoder.finish()?
        } else {
            lines.to_vec()
        };
        self.file.write_all(&bytes)?;
        self.file.sync_data()?;
        self.length = self.length.saturating_add(bytes.len() as u64);
        Ok(self.length)
    }
}
