//! Point 3 of "vendors-2026": list parameters in the snake_case Reporter 1.1 prefers,
//! `output_format` in lower case, and what the server would ignore or reject refused
//! before sending.

use super::*;

const TEMPLATE: &str = "00000000-0000-4000-8000-000000000007";

async fn answering_empty_pages() -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"items": [], "page": 1, "limit": 10, "total": 0})),
        )
        .mount(&server)
        .await;
    let client = mock_client(&server);
    (server, client)
}

async fn sent_queries(server: &MockServer) -> Vec<String> {
    let requests = server.received_requests().await.unwrap();
    requests.iter().map(|r| r.url.query().unwrap_or_default().to_owned()).collect()
}

#[tokio::test]
async fn report_filters_travel_in_snake_case() {
    let (server, client) = answering_empty_pages().await;

    client
        .reporter()
        .list_reports()
        .status(ReportStatus::Finished)
        .template_id(TEMPLATE)
        .created_at(NaiveDate::from_ymd_opt(2026, 4, 1).unwrap())
        .sort_order(reporter::SortOrder::Desc)
        .limit(50)
        .send()
        .await
        .unwrap();

    assert_eq!(
        sent_queries(&server).await,
        [format!(
            "status=Finished&template_id={TEMPLATE}&created_at=2026-04-01&sort_order=desc&limit=50&page=1"
        )]
    );
}

#[tokio::test]
async fn the_template_format_is_sent_in_lower_case_as_reporter_stores_it() {
    let (server, client) = answering_empty_pages().await;
    client.reporter().list_templates().output_format(OutputFormat::Pdf).send().await.unwrap();

    assert_eq!(sent_queries(&server).await, ["output_format=pdf&page=1"]);
}

#[tokio::test]
async fn a_template_id_that_is_not_a_uuid_is_refused_instead_of_silently_ignored() {
    let (server, client) = answering_empty_pages().await;

    let error = client.reporter().list_reports().template_id("csv-template").send().await;

    let Err(Error::InvalidInput(refused)) = &error else { panic!("{error:?}") };
    let text = refused.to_string();
    assert!(text.contains("`csv-template` is not a UUID"), "{text}");
    assert!(text.contains("ignore it"), "{text}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_continuation_edited_to_page_zero_is_refused_before_sending() {
    let server = MockServer::start().await;
    let full = json!({"items": [{"id": "r-1"}], "page": 1, "limit": 1, "total": 1});
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(full))
        .expect(1)
        .mount(&server)
        .await;
    let client = mock_client(&server);
    let listing = || client.reporter().list_reports().limit(1);
    let saved = listing().send().await.unwrap().continuation().cloned().unwrap();
    let mut edited = serde_json::to_value(&saved).unwrap();
    let text = edited.to_string().replace(r#""page":2"#, r#""page":0"#);
    assert_ne!(text, edited.to_string(), "the continuation holds page 2: {edited}");
    edited = serde_json::from_str(&text).unwrap();

    let error = listing().resume(serde_json::from_value(edited).unwrap()).send().await;

    let Err(Error::InvalidInput(refused)) = &error else { panic!("{error:?}") };
    assert!(refused.to_string().contains("numbers pages from 1"), "{refused}");
}

#[tokio::test]
async fn an_operator_with_no_values_is_never_sent() {
    let (server, client) = answering_empty_pages().await;
    let field = || Filter::field("midaz_onboarding", "account", "id");

    for filter in [field().eq(Vec::<&str>::new()), field().is_in(Vec::<&str>::new())] {
        let error = client.reporter().generate_report(TEMPLATE).filter(filter).send().await;
        let Err(Error::InvalidInput(refused)) = &error else { panic!("{error:?}") };
        assert!(refused.to_string().contains("at least one value"), "{refused}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}
