//! Point 1 of "vendors-2026", the rest: data sources (and filters checked against them
//! before sending), `health()` over `/ready` and `version()` over `/version`.

use super::*;

#[tokio::test]
async fn data_sources_list_and_read_with_their_tables_and_fields() {
    let (_sandbox, client, _) = sandbox().await;

    let sources = client.reporter().list_data_sources().send().await.unwrap();
    let onboarding = client.reporter().get_data_source("midaz_onboarding").send().await.unwrap();

    let ids: Vec<_> = sources.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["midaz_onboarding", "midaz_transaction"]);
    assert!(sources.iter().all(|s| s.tables.is_empty()), "a listing has no tables");
    let account = onboarding.table("account").unwrap();
    assert!(account.fields.iter().any(|f| f == "parent_account_id"));
    assert_eq!(onboarding.kind.as_deref(), Some("postgresql"));
}

#[tokio::test]
async fn a_filter_naming_an_unknown_table_or_field_is_refused_before_the_create() {
    let (sandbox, client, _) = sandbox().await;
    let create = |filter| {
        client
            .reporter()
            .generate_report(ReporterSandbox::CSV_TEMPLATE)
            .filter(filter)
            .check_names()
    };
    let cases = [
        (Filter::field("midaz_onboarding", "account", "iban").eq(["x"]), "has no field `iban`"),
        (Filter::field("midaz_onboarding", "acount", "id").eq(["x"]), "has no table `acount`"),
        (Filter::field("midaz_ledger", "account", "id").eq(["x"]), "no data source `midaz_ledger`"),
    ];
    for (filter, why) in cases {
        let error = create(filter).send().await.unwrap_err();
        assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
        assert!(error.to_string().contains(why), "{why}: {error}");
    }
    assert!(posts(&sandbox).is_empty(), "no key was burnt");

    let known = Filter::field("midaz_transaction", "operation", "amount").gt(100);
    let created = create(known).send().await.unwrap();
    assert_eq!(created.value.status, Some(ReportStatus::Processing));
}

#[tokio::test]
async fn health_names_the_dependency_that_is_down_and_a_503_is_an_answer() {
    let (sandbox, client, timer) = sandbox().await;
    assert!(client.reporter().health().send().await.unwrap().is_ready());

    sandbox.reporter().set_dependency_down("redis", Some("ping failed"));
    sandbox.clear_requests();
    let readiness = client.reporter().health().send().await.unwrap();

    assert!(!readiness.is_ready());
    assert_eq!(readiness.down(), [("redis", Some("ping failed"))]);
    assert_eq!(sandbox.requests().len(), 1, "a 503 readiness is not retried");
    assert!(timer.sleeps().is_empty());
}

#[tokio::test]
async fn a_gateways_503_on_ready_is_still_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_string("<html>upstream down</html>"))
        .mount(&server)
        .await;
    let client = Client::builder()
        .reporter(reporter::Config::new(server.uri(), reporter::Credentials::none()))
        .timer(Arc::new(VirtualTimer::new()))
        .build()
        .unwrap();

    let error = client.reporter().health().send().await.unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.received_requests().await.unwrap()[0].url.path(), "/ready");
}

#[tokio::test]
async fn version_reads_the_servers_version_without_a_token() {
    let (sandbox, _client, _) = sandbox().await;
    let anonymous = Client::builder()
        .reporter(reporter::Config::new(
            sandbox.reporter_url().as_str(),
            reporter::Credentials::none(),
        ))
        .build()
        .unwrap();

    let version = anonymous.reporter().version().send().await.unwrap();

    assert_eq!(version.version, "1.2.0-beta.1");
    assert!(version.request_date.is_some());
}
