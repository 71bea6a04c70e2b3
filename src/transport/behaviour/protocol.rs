//! A vendor protocol that turns 2xx answers into failures, or asks for another attempt.

use super::*;

#[tokio::test]
async fn a_2xx_answer_becomes_an_error_through_the_vendors_protocol() {
    let server = MockServer::start().await;
    let refusal = json!({"success": false, "message": "Account not enabled", "type": "business"});
    Mock::given(method("GET")).respond_with(json_answer(refusal)).mount(&server).await;
    let (endpoint, _) = endpoint(&server.uri(), SuccessFlag, Jitter::random());

    let request = endpoint.request(OP, Method::GET, &["reports"]);
    let error = endpoint.send(request).await.unwrap_err();

    assert_eq!(error.status(), Some(StatusCode::OK));
    assert_eq!(error.code(), Some("business"));
    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert_eq!(api.message(), Some("Account not enabled"));
    assert!(error.to_string().contains("made_up_operation"), "{error}");
    assert_eq!(server.received_requests().await.unwrap_or_default().len(), 1, "Stop: no retry");
}

/// Regression (issue "hardening" point 15): "failed with HTTP 200 OK [business]" read as a
/// failed status; it is the vendor refusing the request in the body of a 200.
#[tokio::test]
async fn a_refusal_in_a_2xx_answer_reads_as_the_vendor_refusing_not_as_a_failed_status() {
    let server = MockServer::start().await;
    let refusal = json!({"success": false, "message": "Logging policy not enabled."});
    Mock::given(method("GET")).respond_with(json_answer(refusal)).mount(&server).await;
    let (endpoint, _) = endpoint(&server.uri(), SuccessFlag, Jitter::random());

    let error = endpoint.send(endpoint.request(OP, Method::GET, &["reports"])).await.unwrap_err();

    let text = error.to_string();
    assert!(!text.contains("failed with HTTP 200"), "{text}");
    assert!(
        text.starts_with(
            "Everbridge made_up_operation was refused by the vendor at /reports [business]: \
             Logging policy not enabled (in an HTTP 200 OK answer); the vendor received the \
             request and refused it"
        ),
        "{text}"
    );
}

/// Regression (issue "hardening" point 15): a 404 did not say where the request went, so a
/// wrong base URL looked like a wrong id.
#[tokio::test]
async fn a_404_names_the_url_path_it_was_sent_to() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Not found"})))
        .mount(&server)
        .await;
    let url = format!("{}/gateway/v2/", server.uri());
    let (endpoint, _) = endpoint(&url, ErrorBody::GENERIC, Jitter::random());

    let error = endpoint.send(endpoint.request(OP, Method::GET, &["logs", "7"])).await.unwrap_err();

    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert_eq!(api.path(), Some("/gateway/v2/logs/7"));
    let text = error.to_string();
    assert!(text.contains("HTTP 404 Not Found at /gateway/v2/logs/7: Not found;"), "{text}");
}

#[tokio::test]
async fn a_protocol_can_ask_for_another_attempt_of_an_answer_it_fails() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json_answer(json!({"success": false, "message": "busy"})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(json_answer(json!({"success": true})))
        .mount(&server)
        .await;
    let (endpoint, _) = endpoint(&server.uri(), SuccessFlag, Jitter::random());

    let answer = endpoint.send(endpoint.request(OP, Method::GET, &["x"])).await.unwrap();

    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(server.received_requests().await.unwrap_or_default().len(), 2);
}
