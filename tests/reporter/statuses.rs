//! Point 2 of "vendors-2026": `PendingExtraction` is a known status that runs, in the wait
//! and in the collector, and a wait that gives up says which status it sat in and how long.

use auditkit::{
    Timer,
    collect::{Collector, MemoryStore},
};

use super::*;

#[tokio::test]
async fn statuses_yield_pending_extraction_then_processing_then_finished() {
    let (_sandbox, client, _) =
        sandbox_with(Sandbox::builder().reporter_pending_extraction(2)).await;
    let created = generated(&client, ReporterSandbox::CSV_TEMPLATE).await;
    assert_eq!(created.status, Some(ReportStatus::PendingExtraction));

    let seen: Vec<_> = client
        .reporter()
        .wait_for_report(&created.id)
        .statuses()
        .map_ok(|report| report.status)
        .try_collect()
        .await
        .unwrap();

    use ReportStatus::*;
    assert_eq!(
        seen,
        [Some(PendingExtraction), Some(PendingExtraction), Some(Processing), Some(Finished)]
    );
}

#[tokio::test]
async fn a_report_stuck_in_pending_extraction_times_out_naming_the_status_and_how_long() {
    let (_sandbox, client, timer) =
        sandbox_with(Sandbox::builder().reporter_pending_extraction(1000)).await;
    let created = generated(&client, ReporterSandbox::CSV_TEMPLATE).await;

    let error = client
        .reporter()
        .wait_for_report(&created.id)
        .max_wait(Duration::from_secs(120))
        .await
        .unwrap_err();

    let Error::WaitTimeout(timeout) = &error else { panic!("{error:?}") };
    assert_eq!(timeout.last_status(), Some("PendingExtraction"));
    assert_eq!(timeout.last_status_for(), Duration::from_secs(120), "seen from the first poll");
    assert_eq!(timer.elapsed(), Duration::from_secs(120));
    let text = error.to_string();
    assert!(text.contains("PendingExtraction, seen for the last 120s"), "{text}");
}

#[tokio::test]
async fn the_time_in_the_last_status_counts_from_when_it_changed() {
    // Two reads in PendingExtraction, then Processing for good.
    let (_sandbox, client, timer) = sandbox_with(
        Sandbox::builder().reporter_pending_extraction(2).reporter_polls_to_finish(1000),
    )
    .await;
    let created = generated(&client, ReporterSandbox::CSV_TEMPLATE).await;

    let error =
        client.reporter().wait_for_report(&created.id).max_wait(Duration::from_secs(60)).await;

    let Err(Error::WaitTimeout(timeout)) = &error else { panic!("{error:?}") };
    assert_eq!(timeout.last_status(), Some("Processing"));
    // Pauses at half their ceiling: 0.5 s then 0.75 s before the third poll saw Processing.
    let pending_for = timer.sleeps()[..2].iter().sum::<Duration>();
    assert_eq!(timeout.last_status_for(), Duration::from_secs(60) - pending_for);
}

#[tokio::test]
async fn the_collector_delivers_pending_extraction_as_a_running_state_and_reads_it_again() {
    let timer = Arc::new(VirtualTimer::new());
    let sandbox = Sandbox::builder()
        .timer(timer.clone())
        .reporter_pending_extraction(1)
        .start()
        .await
        .unwrap();
    let client = sandbox.client();
    let id = generated(&client, ReporterSandbox::CSV_TEMPLATE).await.id;
    let store = MemoryStore::new();
    let collector = Collector::new(client.reporter().report_source()).store(store.clone());

    let mut keys = Vec::new();
    for _ in 0..6 {
        timer.sleep(Duration::from_secs(120)).await;
        let mut batches = collector.run();
        while let Some(mut batch) = batches.try_next().await.unwrap() {
            keys.extend(batch.take_events().into_iter().map(|event| event.key));
            batch.commit().await.unwrap();
        }
    }

    assert_eq!(
        keys,
        [format!("{id}:PendingExtraction"), format!("{id}:Processing"), format!("{id}:Finished")]
    );
    assert_eq!(store.get("reporter/reports").unwrap().pending_subjects().count(), 0);
}
