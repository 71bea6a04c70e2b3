//! Reporter's envelope on the generic core, against wiremock: a bad item keeps the server's
//! bytes, the three views read one stream, and a continuation of another kind of cursor is
//! refused before any request.

use futures::TryStreamExt;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, query_param},
};

use reqwest::Method;

use crate::{
    Client, Error,
    pagination::{Continuation, identity_of},
    reporter::{Config, Credentials},
    transport::Request,
};

/// The bad item as the server writes it: odd spacing, its keys in an odd order.
const ODD: &str = r#"{  "status" : "Finished",	"createdAt":"not a date" ,"id":"r-1" }"#;

/// Two pages of `limit` 3: three reports (the second one bad), then one.
async fn server() -> MockServer {
    let server = MockServer::start().await;
    let first = format!(
        r#"{{"items":[ {{"id":"r-0","status":"Finished"}},
            {ODD} , {{"id":"r-2","status":"Finished"}}],"page":1,"limit":3,"total":3}}"#
    );
    let second = r#"{"items":[{"id":"r-3","status":"Finished"}],"page":2,"limit":3,"total":1}"#;
    for (page, body) in [("1", first.as_str()), ("2", second)] {
        Mock::given(method("GET"))
            .and(query_param("page", page))
            .respond_with(ResponseTemplate::new(200).set_body_string(body))
            .mount(&server)
            .await;
    }
    server
}

fn client(server: &MockServer) -> Client {
    Client::builder().reporter(Config::new(server.uri(), Credentials::none())).build().unwrap()
}

#[tokio::test]
async fn an_undecodable_item_keeps_the_servers_bytes_and_the_three_views_read_one_stream() {
    let server = server().await;
    let client = client(&server);
    let reports = || client.reporter().list_reports().limit(3);

    // items(): by default the bad item fails its page, naming its path.
    let error = reports().items().try_collect::<Vec<_>>().await.unwrap_err();
    let Error::Decode(decode) = &error else { panic!("{error:?}") };
    assert_eq!(decode.path(), "[1].createdAt");

    // skip_undecodable(handler): the handler gets the item byte for byte, the rest goes on.
    let skipped = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = skipped.clone();
    let ids: Vec<String> = reports()
        .skip_undecodable(move |item| seen.lock().unwrap().push(item.raw_json().to_owned()))
        .items()
        .map_ok(|report| report.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["r-0", "r-2", "r-3"]);
    assert_eq!(*skipped.lock().unwrap(), [ODD]);

    // items_or_undecodable(): the same stream, the bad item in place, before its page's items.
    let both: Vec<Result<String, String>> = reports()
        .items_or_undecodable()
        .map_ok(|item| item.map(|report| report.id).map_err(|bad| bad.raw_json().to_owned()))
        .try_collect()
        .await
        .unwrap();
    let expected = [Err(ODD.to_owned()), Ok("r-0".into()), Ok("r-2".into()), Ok("r-3".into())];
    assert_eq!(both, expected);
}

#[tokio::test]
async fn a_continuation_holding_another_kind_of_cursor_is_refused_before_any_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let client = client(&server);
    for saved in [r#"{"cursor":{"token":"abc"}}"#, r#"{"cursor":{"scroll":"s-1"}}"#] {
        let continuation: Continuation = serde_json::from_str(saved).unwrap();
        let error = client.reporter().list_reports().resume(continuation).send().await.unwrap_err();
        assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
        assert!(error.to_string().contains("pages by a page number"), "{error}");
    }
    // Of this very listing (its identity matches), but with a scroll id: refused as well.
    let url = url::Url::parse(&format!("{}/v1/reports", server.uri())).unwrap();
    let operation = crate::Operation::new(crate::Vendor::Reporter, "list_reports");
    let identity = identity_of(&Request::new(operation, Method::GET, url), &["page"]);
    let forged = format!(r#"{{"cursor":{{"scroll":"s-1"}},"listing":"{identity}"}}"#);
    let continuation: Continuation = serde_json::from_str(&forged).unwrap();
    let error = client.reporter().list_reports().resume(continuation).send().await.unwrap_err();
    assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
    assert!(error.to_string().contains("holds a scroll id"), "{error}");
    server.verify().await;
}
