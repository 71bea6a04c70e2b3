//! Point 5 of "vendors-2026": the errors Reporter, its shared idempotency middleware and
//! its multi-tenant middleware answer with, against wiremock: which are waited out, and
//! the advice each error carries.

use wiremock::matchers::path;

use super::*;

const TEMPLATE: &str = "00000000-0000-4000-8000-000000000007";
const REPORT: &str = "01960000-0000-7000-8000-000000000001";

fn created() -> Value {
    json!({"id": REPORT, "templateId": TEMPLATE, "status": "Processing", "filters": {}})
}

/// A client of `server` on a virtual clock.
fn client_of(server: &MockServer) -> (Client, Arc<VirtualTimer>) {
    let timer = Arc::new(VirtualTimer::new());
    let client = Client::builder()
        .reporter(reporter::Config::new(server.uri(), reporter::Credentials::bearer("jwt")))
        .timer(timer.clone())
        .jitter(Jitter::fixed(0.5))
        .build()
        .unwrap();
    (client, timer)
}

fn body(status: u16, code: &str, title: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(json!({"code": code, "title": title, "message": message}))
}

#[tokio::test]
async fn the_shared_middlewares_key_in_flight_is_waited_out_after_its_retry_after() {
    let server = MockServer::start().await;
    let conflict = body(409, "IDEMPOTENCY_CONFLICT", "Conflict", "request in progress")
        .insert_header("retry-after", "1");
    Mock::given(method("POST")).respond_with(conflict).up_to_n_times(2).mount(&server).await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(created()))
        .mount(&server)
        .await;
    let (client, timer) = client_of(&server);

    let report = client.reporter().generate_report(TEMPLATE).send().await.unwrap();

    assert_eq!(report.value.id, REPORT);
    assert_eq!(timer.sleeps(), [Duration::from_secs(1); 2], "the server's Retry-After");
    let keys: Vec<_> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.headers["x-idempotency"].to_str().unwrap().to_owned())
        .collect();
    assert!(keys.windows(2).all(|pair| pair[0] == pair[1]), "one key: {keys:?}");
}

#[tokio::test]
async fn a_key_in_flight_through_every_retry_says_to_look_for_the_result() {
    let server = MockServer::start().await;
    let conflict = body(409, "IDEMPOTENCY_CONFLICT", "Conflict", "request in progress")
        .insert_header("retry-after", "1");
    Mock::given(method("POST")).respond_with(conflict).mount(&server).await;
    let (client, _) = client_of(&server);

    let error = client.reporter().generate_report(TEMPLATE).send().await.unwrap_err();

    let text = error.to_string();
    assert!(text.contains("IDEMPOTENCY_CONFLICT"), "{text}");
    assert!(text.contains("still running through every retry"), "{text}");
    assert!(server.received_requests().await.unwrap().len() > 1);
}

#[tokio::test]
async fn a_key_reused_for_another_request_is_explained_and_not_retried() {
    let server = MockServer::start().await;
    let reuse = body(422, "IDEMPOTENCY_KEY_REUSE", "Unprocessable", "key reused");
    Mock::given(method("POST")).respond_with(reuse).mount(&server).await;
    let (client, _) = client_of(&server);

    let error = client
        .reporter()
        .generate_report(TEMPLATE)
        .idempotency_key(key("shared-key"))
        .send()
        .await
        .unwrap_err();

    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert_eq!((api.status().as_u16(), api.code()), (422, Some("IDEMPOTENCY_KEY_REUSE")));
    // The message is the vendor's own; the SDK's advice follows it in the error's text.
    assert_eq!(api.message(), Some("key reused"));
    let text = error.to_string();
    assert!(text.contains("already used for a different request"), "{text}");
    assert!(text.contains("use a new key"), "{text}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn multi_tenant_refusals_each_name_what_to_fix() {
    let cases = [
        (
            401,
            "MISSING_TOKEN",
            "Authorization token is required",
            "`reporter::Credentials::bearer`",
        ),
        (401, "INVALID_TOKEN", "Failed to parse authorization token", "not an API key"),
        (401, "MISSING_TENANT", "tenantId is required in JWT token", "no `tenantId` claim"),
        (403, "0131", "tenant service is suspended", "administrator must reactivate"),
        (500, "TENANT_DB_ERROR", "Internal server error", "your tenant's database"),
    ];
    for (status, code, message, advice) in cases {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(body(status, code, "Refused", message))
            .mount(&server)
            .await;
        let (client, _) = client_of(&server);

        let error = client.reporter().get_report(REPORT).send().await.unwrap_err();

        let Error::Api(api) = &error else { panic!("{error:?}") };
        assert_eq!(api.code(), Some(code));
        assert_eq!(api.message(), Some(message), "{code}: the vendor's own words");
        let text = error.to_string();
        assert!(text.contains(advice), "{code}: {advice:?} missing from {text}");
        if code == "0131" {
            let sent = server.received_requests().await.unwrap().len();
            assert_eq!(sent, 1, "a suspended tenant is not retried");
        }
    }
}

#[tokio::test]
async fn reporter_codes_carry_their_advice_in_every_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/reports"))
        .respond_with(body(400, "TPL-0019", "Invalid Query Parameter", "limit is invalid"))
        .mount(&server)
        .await;
    Mock::given(path(format!("/v1/templates/{TEMPLATE}")))
        .respond_with(body(400, "TPL-0009", "Invalid Path Parameter", "id is invalid"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(body(400, "TPL-0015", "Unexpected Fields", "unexpected fields"))
        .mount(&server)
        .await;
    let (client, _) = client_of(&server);

    let listed = client.reporter().list_reports().send().await.unwrap_err().to_string();
    assert!(listed.contains("`page` starts at 1"), "{listed}");
    let read = client.reporter().get_template(TEMPLATE).send().await.unwrap_err().to_string();
    assert!(read.contains("not a UUID; take ids from"), "{read}");
    let created = client.reporter().generate_report(TEMPLATE).send().await.unwrap_err();
    assert!(created.to_string().contains("operator with no values"), "{created}");
}
