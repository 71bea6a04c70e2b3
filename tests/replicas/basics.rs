//! Two replicas started at the same instant share 8 sources 4 and 4; SIGTERM releases a
//! replica's leases at once (the other takes over long before they would expire); and
//! `auditkit checkpoints list/show/reset --store` read and reset the store.

use std::time::{Duration, Instant};

use auditkit::testkit::Sandbox;

use crate::{
    fleet::{self, Db, Feed, Replica, auditkit},
    kill::{tail, tempdir},
};

const TENANTS: usize = 8;
const STREAMS: [&str; 1] = ["logins"];

pub async fn replicas_share_sources_and_release_them_on_sigterm() {
    let db = Db::connect(&fleet::url(), "basics").await;
    let dir = tempdir("basics");
    db.init(&dir).await;
    let sandbox = Sandbox::start().await.expect("sandbox");
    let config = fleet::config(&dir, &sandbox, &db.url, &db.schema, TENANTS, &STREAMS);
    let feed = Feed::start(sandbox.qualtrics(), &STREAMS, 30, 0);
    // A lease far longer than the test: only a release moves a source.
    let mut a = Replica::new("a", &dir, &config, &sandbox, "120s");
    let mut b = Replica::new("b", &dir, &config, &sandbox, "120s");
    a.start();
    b.start();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (held_a, held_b) = (db.held_by("a").await.len(), db.held_by("b").await.len());
        if held_a == 4 && held_b == 4 {
            break;
        }
        assert!(held_a <= 8 && held_b <= 8);
        assert!(
            Instant::now() < deadline,
            "not shared 4 and 4 within 15 s: a {held_a}, b {held_b}\n{}\n{}",
            tail(&a.log()),
            tail(&b.log())
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let status = b.terminate(Duration::from_secs(10));
    assert!(status.success(), "b exited with {status}: {}", tail(&b.log()));
    let stopped = Instant::now();
    assert!(db.held_by("b").await.is_empty(), "b kept leases after SIGTERM");
    loop {
        if db.held_by("a").await.len() == TENANTS {
            break;
        }
        assert!(stopped.elapsed() < Duration::from_secs(10), "a did not take b's sources over");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let taken = stopped.elapsed();
    let expected = feed.stop().await;
    let wanted = fleet::wanted(&expected, TENANTS);
    fleet::wait_for(&dir, &wanted, Duration::from_secs(30)).await;

    let store = ["--store", db.url.as_str(), "--store-schema", db.schema.as_str()];
    let list = auditkit(&dir).args(["checkpoints", "list"]).args(store).output().expect("list");
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(list.status.success(), "list: {}", String::from_utf8_lossy(&list.stderr));
    assert_eq!(listed.lines().count(), TENANTS, "{listed}");
    assert!(
        listed.contains("t03/qualtrics/logins\t") && listed.contains("leased to a"),
        "{listed}"
    );
    let show = auditkit(&dir)
        .args(["checkpoints", "show", "t03/qualtrics/logins"])
        .args(store)
        .output()
        .expect("show");
    let shown: serde_json::Value = serde_json::from_slice(&show.stdout).expect("show prints JSON");
    assert_eq!(shown["source"], "t03/qualtrics/logins");
    let reset = ["checkpoints", "reset", "t03/qualtrics/logins", "--yes"];
    let refused = auditkit(&dir).args(reset).args(store).output().expect("reset");
    assert!(!refused.status.success(), "a reset of a leased source must be refused");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("leased to `a`"));
    let status = a.terminate(Duration::from_secs(10));
    assert!(status.success(), "a exited with {status}: {}", tail(&a.log()));
    fleet::check_exactly_once(&dir, &wanted);
    let done = auditkit(&dir).args(reset).args(store).output().expect("reset");
    assert!(done.status.success(), "reset: {}", String::from_utf8_lossy(&done.stderr));
    let gone = auditkit(&dir)
        .args(["checkpoints", "show", "t03/qualtrics/logins"])
        .args(store)
        .output()
        .expect("show");
    assert_eq!(gone.status.code(), Some(2), "a reset checkpoint is gone");
    println!(
        "replicas basics: shared 4 and 4; after SIGTERM the other held all 8 in {taken:.1?} (lease 120 s)"
    );
    db.drop_schema().await;
    let _ = std::fs::remove_dir_all(&dir);
}
