//! A page costs memory in proportion to what was asked: a Reporter page holding more items
//! than its `limit` is refused (issue "hostile servers, round two", point 2).

use super::*;

/// A template as `GET /v1/templates` lists it.
fn template(n: usize) -> Value {
    json!({"id": format!("00000000-0000-4000-8000-{n:012}"), "outputFormat": "csv",
           "description": "t", "fileName": "t.tpl", "createdAt": "2026-11-01T10:00:00Z"})
}

/// A server answering every request with one page of `count` templates.
async fn one_page_of(count: usize) -> (MockServer, Client) {
    let server = MockServer::start().await;
    let items: Vec<Value> = (0..count).map(template).collect();
    let body = json!({"items": items, "page": 1, "limit": 10, "total": count});
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let client = mock_client(&server);
    (server, client)
}

#[tokio::test]
async fn a_page_with_more_templates_than_its_limit_is_refused_not_decoded() {
    let (_server, client) = one_page_of(11).await;
    let error = client.reporter().list_templates().limit(10).send().await.unwrap_err();
    assert!(matches!(error, Error::Pagination(_)), "{error:?}");
    assert!(error.to_string().contains("11 items on one page when 10 were asked"), "{error}");

    let (_server, client) = one_page_of(10).await;
    let page = client.reporter().list_templates().limit(10).send().await.unwrap();
    assert_eq!(page.len(), 10);
}

#[tokio::test]
async fn without_a_limit_a_page_may_hold_reporters_largest_page_and_no_more() {
    let (_server, client) = one_page_of(100).await;
    assert_eq!(client.reporter().list_templates().send().await.unwrap().len(), 100);

    let (_server, client) = one_page_of(101).await;
    let error = client.reporter().list_templates().send().await.unwrap_err();
    assert!(error.to_string().contains("101 items on one page when 100 were asked"), "{error}");
}
