//! The file sink's archive (`--archive`): each line sealed into the hash chain, the
//! chain's head recorded with every commit, and a manifest (signed with a key) written
//! beside each file the sink rotates. The format is `auditkit::archive`'s.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use auditkit::{
    archive::{Head, Manifest, Signer},
    collect::Checkpoint,
};
use serde_json::{Value, json};

use crate::{failure::Failure, lines::Line, lock::Held};

/// `archive = true`: with a key, manifests are signed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ArchiveSpec {
    pub(crate) signer: Option<Arc<Signer>>,
}

/// The chain being written.
pub(crate) struct Archive {
    spec: ArchiveSpec,
    head: Head,
    /// The config's sources (checkpoint ids), recorded in manifests.
    sources: Vec<String>,
}

/// The annotation that records the head after a commit.
const HEAD: &str = "archive_chain";

impl Archive {
    /// Continues the chain from the latest head the sources' checkpoints record (the
    /// highest seq: commits only move it forward), or starts one.
    pub(crate) fn resume<'a>(
        spec: ArchiveSpec,
        checkpoints: impl IntoIterator<Item = &'a Checkpoint>,
        sources: Vec<String>,
    ) -> Self {
        let head = checkpoints
            .into_iter()
            .filter_map(|checkpoint| checkpoint.annotation(HEAD))
            .filter_map(|head| serde_json::from_value::<Head>(head.clone()).ok())
            .max_by_key(|head| head.seq);
        let resumed = head.is_some();
        let head = head.unwrap_or_else(Head::new_chain);
        tracing::debug!(chain = %head.id, seq = head.seq, resumed, "archive chain");
        Self { spec, head, sources }
    }

    /// At start, on the output at `path` continued at `length`: refuses a file with bytes
    /// but no chain head (not chained by us), and writes a manifest a crash left pending.
    pub(crate) fn start(&self, path: &Path, length: u64, lock: &mut Held) -> Result<(), Failure> {
        if self.head.seq == 0 && length > 0 {
            return Err(Failure::Usage(format!(
                "{} holds {length} bytes that no checkpoint of these sources records: an archive \
                 cannot continue a file it did not chain; give --archive a new output file",
                path.display(),
            )));
        }
        self.finish_pending(lock).map_err(Failure::Io)
    }

    /// Appends `lines` sealed into the chain to `bytes`; on failure the head is as before.
    pub(crate) fn seal(&mut self, lines: &[Line], bytes: &mut Vec<u8>) -> Result<(), String> {
        let before = self.head.clone();
        for line in lines {
            if let Err(error) = self.head.seal(&line.json, line.chain_at, bytes) {
                self.head = before;
                return Err(format!("event {}: {error}", line.key));
            }
            bytes.push(b'\n');
        }
        Ok(())
    }

    /// Back to `head` (the batch was not written).
    pub(crate) fn rewind(&mut self, head: Head) {
        self.head = head;
    }

    pub(crate) fn head(&self) -> &Head {
        &self.head
    }

    /// What a commit records: the head after the batch.
    pub(crate) fn annotation(&self) -> (&'static str, Value) {
        (HEAD, json!(self.head))
    }

    /// Before renaming the output to `rotated`: remembered in the lock, so that a crash
    /// between the rename and the manifest leaves a manifest to write at the next start.
    pub(crate) fn will_close(lock: &mut Held, rotated: &Path) -> std::io::Result<()> {
        let mut state = lock.state();
        state["manifest_pending"] = json!(rotated);
        lock.save(&state)
    }

    /// Writes the manifest of `rotated` (and its signature), then forgets it in the lock.
    pub(crate) fn close(&self, lock: &mut Held, rotated: &Path) -> Result<(), String> {
        let manifest = Manifest::of_file(rotated, self.sources.clone())
            .map_err(|error| format!("cannot describe {}: {error}", rotated.display()))?;
        manifest.write(rotated, self.spec.signer.as_deref()).map_err(|error| {
            format!("cannot write the manifest of {}: {error}", rotated.display())
        })?;
        tracing::info!(file = %rotated.display(), lines = manifest.lines, signed = self.spec.signer.is_some(), "manifest written");
        let mut state = lock.state();
        if let Some(object) = state.as_object_mut() {
            object.remove("manifest_pending");
        }
        lock.save(&state).map_err(|error| format!("cannot update the lock: {error}"))
    }

    /// The manifest a crashed run did not write after rotating.
    fn finish_pending(&self, lock: &mut Held) -> Result<(), String> {
        let Some(pending) = lock.state()["manifest_pending"].as_str().map(PathBuf::from) else {
            return Ok(());
        };
        if pending.exists() {
            tracing::warn!(file = %pending.display(), "a previous run rotated this file but did not write its manifest: writing it now");
            self.close(lock, &pending)
        } else {
            tracing::warn!(file = %pending.display(), "a previous run was rotating to this file, which is not there: no manifest");
            let mut state = lock.state();
            if let Some(object) = state.as_object_mut() {
                object.remove("manifest_pending");
            }
            lock.save(&state).map_err(|error| format!("cannot update the lock: {error}"))
        }
    }
}
