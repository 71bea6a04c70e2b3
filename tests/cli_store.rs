//! Several `FileStore`s on one file, as several `auditkit` processes (or the README's
//! one-store-per-collector pattern) use it: each save reads the file again under an OS
//! lock, so none drops another's checkpoints.

use auditkit::collect::{Checkpoint, CheckpointStore, FileStore};

fn checkpoint(source: &str, hour: u32) -> Checkpoint {
    serde_json::from_value(serde_json::json!({
        "source": source,
        "high_water_mark": format!("2026-11-22T{hour:02}:00:00Z"),
    }))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_stores_on_one_file_saving_at_once_keep_every_source() {
    let dir = std::env::temp_dir().join(format!("auditkit-stores-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("checkpoints.json");
    let (first, second) = (FileStore::new(&path), FileStore::new(&path));
    // Each store reads the file before the other writes: with a cache of its own, its next
    // save would write back the file without the other's sources.
    assert!(first.load("warm").await.unwrap().is_none());
    assert!(second.load("warm").await.unwrap().is_none());
    let mut tasks = Vec::new();
    for i in 0..20 {
        for (name, store) in [("a", first.clone()), ("b", second.clone())] {
            tasks.push(tokio::spawn(async move {
                let source = format!("{name}/source-{i}");
                store.save(&checkpoint(&source, i % 24)).await.unwrap();
                // And a second commit of the same source, as a collector does.
                store.save(&checkpoint(&source, (i + 1) % 24)).await.unwrap();
            }));
        }
    }
    for task in tasks {
        task.await.unwrap();
    }
    let saved = FileStore::new(&path).checkpoints().await.unwrap();
    assert_eq!(saved.len(), 40, "{:?}", saved.iter().map(Checkpoint::source).collect::<Vec<_>>());
    for i in 0..20 {
        let hour = format!("2026-11-22T{:02}:00:00Z", (i + 1) % 24);
        for name in ["a", "b"] {
            let loaded = second.load(&format!("{name}/source-{i}")).await.unwrap().unwrap();
            assert_eq!(loaded.high_water_mark().unwrap().to_rfc3339().replace("+00:00", "Z"), hour);
        }
    }
    // Removing one source keeps the others.
    assert!(first.remove("a/source-3").await.unwrap().is_some());
    assert_eq!(second.checkpoints().await.unwrap().len(), 39);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Two collectors on one store read by one task (as `auditkit` does with `select_all`):
/// one's commit never waits on the other's load, which that task is not polling.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collectors_sharing_a_store_in_one_task_never_wait_on_each_other() {
    use auditkit::{
        collect::Collector,
        qualtrics::{Logins, PasswordResets},
        testkit::Sandbox,
    };
    use futures::{StreamExt, TryStreamExt, stream};

    let sandbox = Sandbox::start().await.unwrap();
    let dir = std::env::temp_dir().join(format!("auditkit-shared-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = FileStore::new(dir.join("checkpoints.json"));
    let client = sandbox.client();
    for _ in 0..3 {
        let logins = Collector::new(client.qualtrics().event_source::<Logins>())
            .store(store.clone())
            .batch_size(5)
            .run()
            .map_ok(|batch| batch.map(|_| ()))
            .boxed();
        let resets = Collector::new(client.qualtrics().event_source::<PasswordResets>())
            .store(store.clone())
            .batch_size(5)
            .run()
            .map_ok(|batch| batch.map(|_| ()))
            .boxed();
        let mut both = stream::select_all([logins, resets]);
        let drained = tokio::time::timeout(std::time::Duration::from_secs(30), async {
            while let Some(batch) = both.try_next().await.unwrap() {
                batch.commit().await.unwrap();
            }
        })
        .await;
        assert!(drained.is_ok(), "a commit waited on a load no one polled");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
