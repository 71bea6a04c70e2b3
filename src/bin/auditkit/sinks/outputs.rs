//! Where each output file's committed length is remembered: in every source's checkpoint,
//! per file, kept across holders.
//!
//! `output_file` and `output_bytes` record the file of the source's last commit only. When
//! replicas share sources, a source moves from one replica's file to another's, and the
//! first replica's committed length would vanish with it: restarted, it would cut back
//! batches it had committed. So each commit also keeps `output_files`, the committed
//! length of every file that ever received the source (most recent first), carried
//! forward by whoever commits next; a file's committed length is the largest any
//! checkpoint records for it.

use auditkit::collect::Checkpoint;
use serde_json::{Value, json};

/// The annotation's name.
pub(crate) const OUTPUT_FILES: &str = "output_files";

/// At most this many files per source: one per replica and rotation still written to.
const KEPT: usize = 64;

/// `previous` (a checkpoint's `output_files`) with `file` at `bytes` first; `None` when the
/// annotations of the batch name no file (stdout, HTTP).
pub(crate) fn merged(
    previous: Option<&Value>,
    annotations: &[(&'static str, Value)],
) -> Option<(&'static str, Value)> {
    let find = |name| annotations.iter().find(|(n, _)| *n == name).map(|(_, value)| value);
    let (file, bytes) = (find("output_file")?.as_str()?, find("output_bytes")?.as_u64()?);
    let mut files: Vec<Value> = previous
        .and_then(Value::as_array)
        .map(|files| {
            files
                .iter()
                .filter(|entry| entry.get(0).and_then(Value::as_str) != Some(file))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    files.insert(0, json!([file, bytes]));
    if files.len() > KEPT {
        // Rotated files no longer written: their lengths matter to no restart.
        tracing::warn!(
            dropped = files.len() - KEPT,
            "a source was written to more than {KEPT} files: the oldest lengths are forgotten"
        );
        files.truncate(KEPT);
    }
    Some((OUTPUT_FILES, Value::Array(files)))
}

/// The committed length `checkpoint` records for `file`.
pub(crate) fn committed(checkpoint: &Checkpoint, file: &str) -> Option<u64> {
    let last = (checkpoint.annotation("output_file") == Some(&json!(file)))
        .then(|| checkpoint.annotation("output_bytes")?.as_u64())
        .flatten();
    let kept = checkpoint.annotation(OUTPUT_FILES).and_then(Value::as_array).and_then(|files| {
        files
            .iter()
            .find(|entry| entry.get(0).and_then(Value::as_str) == Some(file))
            .and_then(|entry| entry.get(1)?.as_u64())
    });
    last.max(kept)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::merged;

    #[test]
    fn each_file_keeps_its_length_when_another_file_commits_the_source() {
        let first = merged(None, &[("output_file", json!("a")), ("output_bytes", json!(10))]);
        let (_, first) = first.unwrap();
        assert_eq!(first, json!([["a", 10]]));
        let annotations = [("output_file", json!("b")), ("output_bytes", json!(7))];
        let (_, second) = merged(Some(&first), &annotations).unwrap();
        assert_eq!(second, json!([["b", 7], ["a", 10]]));
        let annotations = [("output_file", json!("a")), ("output_bytes", json!(30))];
        let (_, third) = merged(Some(&second), &annotations).unwrap();
        assert_eq!(third, json!([["a", 30], ["b", 7]]));
        assert!(merged(Some(&third), &[("http", json!(1))]).is_none());
    }
}
