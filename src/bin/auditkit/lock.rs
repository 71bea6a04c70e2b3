//! OS file locks held for a run: one per output file and one per source, so a second
//! auditkit on the same output or source is refused instead of corrupting it.

use std::{
    fs::{File, OpenOptions},
    io::{Read, Seek, SeekFrom, Write},
    path::{Path, PathBuf},
};

use super::failure::Failure;

/// A lock held until dropped (the OS releases it when the process dies, too). The file
/// holds the holder's pid and what the holder wants to remember across crashes.
#[derive(Debug)]
pub(crate) struct Held {
    file: File,
}

impl Held {
    /// Takes the lock at `path`, or says who holds `what`.
    pub(crate) fn take(path: &Path, what: &str) -> Result<Self, Failure> {
        let io = |error: std::io::Error| {
            Failure::Io(format!("cannot lock {what} with {}: {error}", path.display()))
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(path)
            .map_err(io)?;
        if !fs4::fs_std::FileExt::try_lock_exclusive(&file).map_err(io)? {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            let pid = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|state| state["pid"].as_u64())
                .map_or_else(String::new, |pid| format!(" (pid {pid})"));
            return Err(Failure::Busy(format!(
                "another auditkit{pid} is already writing {what}: refused, so that the two do \
                 not corrupt it or deliver twice (lock: {})",
                path.display()
            )));
        }
        let mut held = Self { file };
        let mut state = held.state();
        state["pid"] = std::process::id().into();
        held.save(&state).map_err(io)?;
        Ok(held)
    }

    /// What the holder saved (`{}` when nothing).
    pub(crate) fn state(&mut self) -> serde_json::Value {
        let mut text = String::new();
        let _ = self.file.seek(SeekFrom::Start(0));
        let _ = self.file.read_to_string(&mut text);
        // The first JSON value: a run killed inside `save` may leave the end of the longer
        // state it replaced after it.
        serde_json::Deserializer::from_str(&text)
            .into_iter::<serde_json::Value>()
            .next()
            .and_then(Result::ok)
            .filter(serde_json::Value::is_object)
            .unwrap_or_else(|| serde_json::json!({}))
    }

    /// Saves `state` in the lock file, durably. The new state is written over the old one
    /// before the file is cut to its length, so that no kill leaves it empty: a pending
    /// manifest (see `sinks::archive`) is never forgotten.
    pub(crate) fn save(&mut self, state: &serde_json::Value) -> std::io::Result<()> {
        let text = state.to_string();
        self.file.seek(SeekFrom::Start(0))?;
        self.file.write_all(text.as_bytes())?;
        self.file.set_len(text.len() as u64)?;
        self.file.sync_data()
    }
}

/// `<file>.lock`.
pub(crate) fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(|name| name.to_os_string()).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// The lock of a source's checkpoint: `<checkpoint file>.locks/<source id>.lock`.
pub(crate) fn source_lock(checkpoint: &Path, id: &str) -> PathBuf {
    let name: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '_' })
        .collect();
    beside(checkpoint, ".locks").join(format!("{name}.lock"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_save_cut_short_by_a_kill_keeps_the_state_it_wrote() {
        let dir = std::env::temp_dir().join(format!("auditkit-lock-{}", uuid::Uuid::new_v4()));
        let path = dir.join("out.jsonl.lock");
        let mut held = Held::take(&path, "out.jsonl").expect("lock");
        let mut state = held.state();
        state["manifest_pending"] = "out.20261206T000000.000Z.jsonl".into();
        state["note"] = "x".repeat(200).into();
        held.save(&state).expect("save");
        // A kill between writing a shorter state and cutting the file to its length.
        let shorter = serde_json::json!({ "pid": 7, "manifest_pending": "b.jsonl" });
        held.file.seek(SeekFrom::Start(0)).expect("seek");
        held.file.write_all(shorter.to_string().as_bytes()).expect("write");
        assert_eq!(held.state(), shorter);

        held.save(&serde_json::json!({ "pid": 8 })).expect("save");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), r#"{"pid":8}"#);
        drop(held);
        let _ = std::fs::remove_dir_all(dir);
    }
}
