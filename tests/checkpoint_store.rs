//! The file store: checkpoints survive a restart, a torn write leaves the previous one
//! readable, and a damaged file is an error that says what to do, never a silent restart.

use std::path::PathBuf;

use auditkit::{
    Error,
    collect::{Checkpoint, CheckpointStore, FileStore},
};

/// A directory of its own for each test, removed when the test ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("auditkit-store-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn checkpoint(source: &str, hwm: &str, key_hash: &str) -> Checkpoint {
    serde_json::from_value(serde_json::json!({
        "source": source,
        "high_water_mark": hwm,
        "seen": { hwm: [key_hash] },
        "annotations": { "output_bytes": 1234 }
    }))
    .unwrap()
}

#[tokio::test]
async fn a_checkpoint_round_trips_through_the_file_store_across_processes() {
    let scratch = Scratch::new();
    let path = scratch.path("checkpoints.json");
    let logins =
        checkpoint("qualtrics/logins", "2026-11-22T10:00:00Z", "0123456789abcdef0123456789abcdef");
    let security = checkpoint(
        "everbridge/security",
        "2026-11-22T09:00:00Z",
        "ffffffffffffffffffffffffffffffff",
    );
    let store = FileStore::new(&path);
    store.save(&logins).await.unwrap();
    store.save(&security).await.unwrap();

    let reopened = FileStore::new(&path);
    assert_eq!(reopened.load("qualtrics/logins").await.unwrap(), Some(logins));
    assert_eq!(reopened.load("everbridge/security").await.unwrap(), Some(security));
    assert_eq!(reopened.load("reporter/reports").await.unwrap(), None);
    let sources: Vec<_> =
        reopened.checkpoints().await.unwrap().iter().map(|c| c.source().to_owned()).collect();
    assert_eq!(sources, ["everbridge/security", "qualtrics/logins"]);
    assert!(!path.with_file_name("checkpoints.json.tmp").exists(), "no temporary file left");
}

#[tokio::test]
async fn a_torn_write_leaves_the_previous_checkpoint_readable() {
    let scratch = Scratch::new();
    let path = scratch.path("checkpoints.json");
    let before =
        checkpoint("qualtrics/logins", "2026-11-22T10:00:00Z", "0123456789abcdef0123456789abcdef");
    FileStore::new(&path).save(&before).await.unwrap();
    // A crash in the middle of the next save leaves half a temporary file beside it.
    let after =
        checkpoint("qualtrics/logins", "2026-11-22T11:00:00Z", "0123456789abcdef0123456789abcdee");
    let full = serde_json::to_vec(&after).unwrap();
    std::fs::write(path.with_file_name("checkpoints.json.tmp"), &full[..full.len() / 2]).unwrap();

    let reopened = FileStore::new(&path);
    assert_eq!(reopened.load("qualtrics/logins").await.unwrap(), Some(before));
    reopened.save(&after).await.unwrap();
    assert_eq!(FileStore::new(&path).load("qualtrics/logins").await.unwrap(), Some(after));
}

#[tokio::test]
async fn a_damaged_file_is_an_error_naming_the_file_and_the_way_out() {
    let scratch = Scratch::new();
    let path = scratch.path("checkpoints.json");
    std::fs::write(&path, br#"{"format":1,"checkpoints":{"qualtrics/logins":{"sour"#).unwrap();
    let error = FileStore::new(&path).load("qualtrics/logins").await.unwrap_err();
    let Error::Checkpoint(detail) = &error else { panic!("{error:?}") };
    assert_eq!(detail.path(), Some(path.as_path()));
    let text = error.to_string();
    assert!(text.contains("checkpoints.json") && text.contains("backup"), "{text}");
}

#[tokio::test]
async fn a_file_from_a_newer_auditkit_is_refused_not_overwritten() {
    let scratch = Scratch::new();
    let path = scratch.path("checkpoints.json");
    std::fs::write(&path, br#"{"format":99,"checkpoints":{}}"#).unwrap();
    let store = FileStore::new(&path);
    let error = store.save(&checkpoint("a/b", "2026-11-22T10:00:00Z", "00")).await.unwrap_err();
    assert!(error.to_string().contains("upgrade auditkit"), "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), br#"{"format":99,"checkpoints":{}}"#);
}

#[tokio::test]
async fn a_save_that_cannot_be_written_is_an_error_and_the_store_keeps_the_old_one() {
    let scratch = Scratch::new();
    let path = scratch.path("missing-directory").join("checkpoints.json");
    let store = FileStore::new(&path);
    let error = store.save(&checkpoint("a/b", "2026-11-22T10:00:00Z", "00")).await.unwrap_err();
    assert!(matches!(error, Error::Checkpoint(_)), "{error:?}");
    assert!(error.to_string().contains("missing-directory"), "{error}");
    assert_eq!(store.load("a/b").await.unwrap(), None);
}
