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
