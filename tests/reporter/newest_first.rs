//! Point 4 of "vendors-2026": reports are listed newest first by page number, so reports
//! created during a listing shift older ones onto the next page; `items()` still delivers
//! each report once.

use std::collections::HashSet;

use super::*;

#[tokio::test]
async fn reports_created_during_a_listing_shift_pages_yet_each_report_comes_once() {
    let (sandbox, client, _) = sandbox().await;
    let seeded = sandbox.reporter().seed_reports(ReporterSandbox::CSV_TEMPLATE, 25);
    let mut items = client.reporter().list_reports().limit(10).items();

    let mut ids = Vec::new();
    for _ in 0..10 {
        ids.push(items.try_next().await.unwrap().unwrap().id);
    }
    // Three newer reports push every older one down three places before page 2 is read.
    for _ in 0..3 {
        generated(&client, ReporterSandbox::XML_TEMPLATE).await;
    }
    while let Some(report) = items.try_next().await.unwrap() {
        ids.push(report.id);
    }

    let newest_first: Vec<String> = seeded.into_iter().rev().collect();
    assert_eq!(ids, newest_first, "every seeded report once, in order, none of the new ones");
}

#[tokio::test]
async fn pages_still_show_the_shift_the_server_made() {
    let (sandbox, client, _) = sandbox().await;
    sandbox.reporter().seed_reports(ReporterSandbox::CSV_TEMPLATE, 6);
    let mut pages = client.reporter().list_reports().limit(3).pages();
    let first = pages.try_next().await.unwrap().unwrap();
    generated(&client, ReporterSandbox::XML_TEMPLATE).await;

    let second = pages.try_next().await.unwrap().unwrap();
    let third = pages.try_next().await.unwrap().unwrap();

    let first: HashSet<_> = first.items().iter().map(|r| r.id.clone()).collect();
    assert_eq!(second.len(), 2, "the repeat of page 1's last report is dropped");
    assert!(second.items().iter().all(|r| !first.contains(&r.id)));
    assert_eq!(third.len(), 1, "the page the shift made");
    assert_eq!(pages.try_next().await.unwrap().map(|p| p.len()), None);
}

#[tokio::test]
async fn a_deleted_report_pulls_the_next_one_onto_the_page_already_read() {
    let (sandbox, client, _) = sandbox().await;
    let seeded = sandbox.reporter().seed_reports(ReporterSandbox::CSV_TEMPLATE, 6);
    let mut items = client.reporter().list_reports().limit(3).items();
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(items.try_next().await.unwrap().unwrap().id);
    }
    // As the docs say: one report is skipped per deletion during a listing.
    sandbox.reporter().delete_report(&seeded[5]);
    while let Some(report) = items.try_next().await.unwrap() {
        ids.push(report.id);
    }

    let expected: Vec<&String> = [5, 4, 3, 1, 0].iter().map(|n| &seeded[*n]).collect();
    assert_eq!(ids.iter().collect::<Vec<_>>(), expected, "seeded[2] was pulled onto page 1");
}
