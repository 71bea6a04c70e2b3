//! A download can always be saved under the longest name a file system takes: the
//! temporary file written first never pushes that name over the limit.

use auditkit::{
    Error,
    testkit::{ReporterSandbox, Sandbox},
};

/// Regression (issue "hardening" point 3): the temporary `.{name}.{uuid}.part` file made a
/// legal 255-byte name 294 bytes long, and saving failed with "File name too long".
#[tokio::test]
async fn a_download_saves_under_a_255_byte_name() -> Result<(), Error> {
    let sandbox = Sandbox::start().await?;
    let client = sandbox.client();
    let created = client.reporter().generate_report(ReporterSandbox::CSV_TEMPLATE).send().await?;
    let report = client.reporter().wait_for_report(&created.value.id).await?;
    let dir = std::env::temp_dir().join(format!("auditkit-names-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}.csv", "n".repeat(251)));

    let download = client.reporter().download_report(&report.id).send().await?;
    let written = download.write_to_path(&path).await;

    let saved = std::fs::read(&path).map(|bytes| bytes.len() as u64);
    std::fs::remove_dir_all(&dir).ok();
    let written = written.unwrap_or_else(|e| panic!("a 255-byte name could not be saved: {e}"));
    assert_eq!(saved.ok(), Some(written));
    assert!(written > 0);
    Ok(())
}
