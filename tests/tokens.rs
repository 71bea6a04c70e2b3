//! Token endpoints that answer oddly: an `expires_in` of any shape is tolerated (clamped,
//! with a warning), and a token a header cannot carry is the endpoint's fault, named.

mod common;

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use auditkit::{Client, Error, qualtrics, qualtrics::Logins};
use serde_json::{Value, json};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path},
};

/// A Qualtrics token endpoint answering `token` and `expires_in`, counting its calls, in
/// front of an empty audit log.
async fn token_server(token: &str, expires_in: Value) -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let issued = Arc::new(AtomicUsize::new(0));
    let counter = issued.clone();
    let body = json!({"access_token": token, "token_type": "Bearer", "expires_in": expires_in});
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(move |_: &wiremock::Request| {
            counter.fetch_add(1, Ordering::SeqCst);
            ResponseTemplate::new(200).set_body_json(body.clone())
        })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/API/v3/logs"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(common::qualtrics_page(json!([]), None)),
        )
        .mount(&server)
        .await;
    (server, issued)
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .qualtrics(
            qualtrics::Config::new(
                "iad1",
                qualtrics::Credentials::oauth_client_credentials("id", "secret"),
            )
            .base_url(format!("{}/API/v3", server.uri())),
        )
        .build()
        .unwrap()
}

/// Regression (issue "hardening" point 10): `"expires_in": "3600"` was a decode error on
/// every call, and so were 7200.5 and 1e300; 0 and -5 asked for a token on every call.
#[tokio::test]
async fn an_expires_in_of_any_shape_is_tolerated_and_the_token_kept() -> Result<(), Error> {
    for expires_in in
        [json!("3600"), json!(" 60 "), json!(7200.5), json!(1e300), json!(0), json!(-5), json!("x")]
    {
        let (server, issued) = token_server("t-1", expires_in.clone()).await;
        let client = client(&server);

        client.qualtrics().list_events::<Logins>().send().await?;
        client.qualtrics().list_events::<Logins>().send().await?;

        assert_eq!(issued.load(Ordering::SeqCst), 1, "{expires_in}: one token for both calls");
    }
    Ok(())
}

/// Regression (issue "hardening" point 10): a token holding a line break was reported as
/// the client's configuration being wrong; it is the token endpoint's answer.
#[tokio::test]
async fn a_token_a_header_cannot_carry_is_an_error_naming_the_token_endpoint() {
    let (server, _) = token_server("line\nbreak", json!(3600)).await;

    let error = client(&server).qualtrics().list_events::<Logins>().send().await.unwrap_err();

    assert!(matches!(error, Error::Decode(_)), "not a configuration error: {error:?}");
    let text = error.to_string();
    assert!(text.contains(&format!("{}/oauth2/token", server.uri())), "{text}");
    assert!(text.contains("oauth_token") && text.contains("access_token"), "{text}");
    assert!(!text.contains("line\nbreak") && !format!("{error:?}").contains("break"), "{text}");
}
