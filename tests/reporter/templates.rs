//! Point 1 of "vendors-2026", templates: upload by multipart (field `template`) from a
//! path, bytes or a reader, idempotent like report generation; read, list, update (an
//! output format without a file refused before sending) and delete.

use auditkit::reporter::{Template, TemplateFile};

use super::*;

const CSV: &str =
    "account_id,balance\n{% for a in accounts %}{{ a.id }},{{ a.balance }}\n{% endfor %}\n";
const TEMPLATES: &str = "/reporter/manager/v1/templates";

fn csv_file() -> TemplateFile {
    TemplateFile::bytes("balances.tpl", CSV)
}

async fn upload(client: &Client, file: TemplateFile) -> auditkit::Idempotent<Template> {
    client
        .reporter()
        .create_template(file, OutputFormat::Csv, "Monthly balances")
        .send()
        .await
        .unwrap()
}

mod wire {
    use wiremock::Request;

    use super::*;

    fn template_json() -> Value {
        json!({"id": "01970000-0000-7000-8000-000000000001", "outputFormat": "csv",
               "description": "Monthly balances", "fileName": "x_1.tpl"})
    }

    /// The parts of a multipart body: (name, file name, content).
    fn parts(request: &Request) -> Vec<(String, Option<String>, String)> {
        let content_type = request.headers["content-type"].to_str().unwrap().to_owned();
        let boundary = content_type.split("boundary=").nth(1).unwrap().to_owned();
        let body = String::from_utf8(request.body.clone()).unwrap();
        body.split(&format!("--{boundary}"))
            .filter(|part| part.contains("Content-Disposition"))
            .map(|part| {
                let (head, content) = part.split_once("\r\n\r\n").unwrap();
                let param = |key: &str| {
                    head.split(';').map(str::trim).find_map(|item| {
                        item.strip_prefix(&format!("{key}=\""))
                            .map(|v| v.split('"').next().unwrap().to_owned())
                    })
                };
                (
                    param("name").unwrap(),
                    param("filename"),
                    content.trim_end_matches("\r\n").to_owned(),
                )
            })
            .collect()
    }

    #[tokio::test]
    async fn the_file_goes_in_field_template_with_the_format_in_lower_case_and_a_key() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(201).set_body_json(template_json()))
            .mount(&server)
            .await;
        let client = Client::builder()
            .reporter(reporter::Config::new(server.uri(), reporter::Credentials::bearer("t")))
            .build()
            .unwrap();

        let created = upload(&client, csv_file()).await;

        assert!(!created.replayed);
        let requests = server.received_requests().await.unwrap();
        let sent = &requests[0];
        assert_eq!(sent.url.path(), "/v1/templates");
        assert!(sent.headers["content-type"].to_str().unwrap().starts_with("multipart/form-data"));
        assert_eq!(sent.headers["x-idempotency"].to_str().unwrap(), created.key.as_str());
        let mut parts = parts(sent);
        parts.sort();
        assert_eq!(
            parts,
            [
                ("description".into(), None, "Monthly balances".into()),
                ("outputFormat".into(), None, "csv".into()),
                ("template".into(), Some("balances.tpl".into()), CSV.into()),
            ]
        );
    }

    #[tokio::test]
    async fn an_update_sends_only_what_changes_and_a_format_without_a_file_is_refused() {
        let server = MockServer::start().await;
        Mock::given(method("PATCH"))
            .respond_with(ResponseTemplate::new(200).set_body_json(template_json()))
            .mount(&server)
            .await;
        let client = mock_client(&server);
        let id = "01970000-0000-7000-8000-000000000001";

        let refused =
            client.reporter().update_template(id).output_format(OutputFormat::Pdf).send().await;
        let Err(Error::InvalidInput(why)) = &refused else { panic!("{refused:?}") };
        assert!(why.to_string().contains("TPL-0010"), "{why}");
        assert!(server.received_requests().await.unwrap().is_empty());

        client.reporter().update_template(id).description("Renamed").send().await.unwrap();
        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests[0].url.path(), format!("/v1/templates/{id}"));
        assert_eq!(parts(&requests[0]), [("description".into(), None, "Renamed".into())]);
    }
}

#[tokio::test]
async fn an_uploaded_template_is_read_listed_updated_used_and_deleted() {
    let (sandbox, client, _) = sandbox().await;
    let dir = std::env::temp_dir().join(format!("auditkit-templates-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("balances.tpl");
    std::fs::write(&path, CSV).unwrap();

    let created = upload(&client, TemplateFile::path(&path)).await.value;
    let id = created.id.clone();
    assert_eq!(created.output_format, Some(OutputFormat::Csv));
    let read = client.reporter().get_template(&id).send().await.unwrap();
    assert_eq!(read.description.as_deref(), Some("Monthly balances"));
    let csv: Vec<_> = client
        .reporter()
        .list_templates()
        .output_format(OutputFormat::Csv)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(csv.iter().any(|t| t.id == id));

    let html = TemplateFile::bytes("balances.html.tpl", "<!DOCTYPE html><html>{{ x }}</html>");
    let updated = client
        .reporter()
        .update_template(&id)
        .file(html)
        .output_format(OutputFormat::Html)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.output_format, Some(OutputFormat::Html));
    assert_eq!(updated.description.as_deref(), Some("Monthly balances"));
    let report = generated(&client, &id).await;
    assert_eq!(report.template_id.as_deref(), Some(id.as_str()));

    client.reporter().delete_template(&id).send().await.unwrap();
    let gone = client.reporter().get_template(&id).send().await.unwrap_err();
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(404));
    assert!(
        posts(&sandbox).iter().all(|r| r.path != TEMPLATES || r.header("x-idempotency").is_some())
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_template_streams_from_a_reader() {
    let (_sandbox, client, _) = sandbox().await;
    let reader = std::io::Cursor::new(CSV.as_bytes().repeat(200));

    let created = upload(&client, TemplateFile::reader("big.tpl", reader)).await.value;

    assert_eq!(created.output_format, Some(OutputFormat::Csv));
}

#[tokio::test]
async fn a_key_sent_again_replays_the_first_template_and_another_file_with_it_is_refused() {
    let (sandbox, client, _) = sandbox().await;
    let create = |file| {
        client
            .reporter()
            .create_template(file, OutputFormat::Csv, "Monthly balances")
            .idempotency_key(key("tpl-1"))
    };

    let first = create(csv_file()).send().await.unwrap();
    let again = create(csv_file()).send().await.unwrap();

    assert_eq!(again.value.id, first.value.id);
    assert!(again.replayed && !first.replayed);
    let other = create(TemplateFile::bytes("other.tpl", "a,b\n1,2\n")).send().await;
    let Err(Error::InvalidInput(refused)) = &other else { panic!("{other:?}") };
    assert!(refused.to_string().contains("different request body"), "{refused}");
    assert_eq!(posts(&sandbox).len(), 2);
    assert_eq!(sandbox.reporter().templates().len(), 8);
}

#[tokio::test]
async fn a_key_in_flight_is_waited_out_and_the_file_is_sent_again() {
    let (sandbox, client, timer) =
        sandbox_with(Sandbox::builder().reporter_in_flight_requests(2)).await;
    let key_text = "tpl-in-flight";
    let create = || {
        client
            .reporter()
            .create_template(csv_file(), OutputFormat::Csv, "Monthly balances")
            .idempotency_key(key(key_text))
    };
    let first = create().send().await.unwrap();
    sandbox.clear_requests();

    // A second process with the same key while the first is still "in flight".
    let second =
        sandbox.client_builder().timer(timer.clone()).jitter(Jitter::fixed(0.5)).build().unwrap();
    let replay = second
        .reporter()
        .create_template(csv_file(), OutputFormat::Csv, "Monthly balances")
        .idempotency_key(key(key_text))
        .send()
        .await
        .unwrap();

    assert_eq!((replay.value.id, replay.replayed), (first.value.id, true));
    let sent = posts(&sandbox);
    assert_eq!(sent.len(), 3, "two 409s, then the replay");
    assert!(sent.iter().all(|r| String::from_utf8_lossy(&r.body).contains("{{ a.id }}")));
}

#[tokio::test]
async fn what_reporter_refuses_is_refused_before_sending() {
    let (sandbox, client, _) = sandbox().await;
    let cases = [
        (TemplateFile::bytes("balances.csv", CSV), "`.tpl`"),
        (TemplateFile::bytes("empty.tpl", ""), "TPL-0006"),
        (TemplateFile::path("/nonexistent/balances.tpl"), "cannot be read"),
    ];
    for (file, why) in cases {
        let error = client
            .reporter()
            .create_template(file, OutputFormat::Csv, "x")
            .send()
            .await
            .unwrap_err();
        assert!(error.to_string().contains(why), "{why}: {error}");
    }
    let blank = client.reporter().create_template(csv_file(), OutputFormat::Csv, " ").send().await;
    assert!(matches!(blank, Err(Error::InvalidInput(_))));
    let nothing = client.reporter().update_template(ReporterSandbox::CSV_TEMPLATE).send().await;
    assert!(matches!(nothing, Err(Error::InvalidInput(_))));
    assert!(sandbox.requests().is_empty());
}

#[tokio::test]
async fn the_servers_content_check_comes_back_as_its_error() {
    let (_sandbox, client, _) = sandbox().await;

    let error = client
        .reporter()
        .create_template(TemplateFile::bytes("page.tpl", "no markup"), OutputFormat::Html, "Page")
        .send()
        .await
        .unwrap_err();

    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert_eq!((api.status().as_u16(), api.code()), (400, Some("TPL-0007")));
}

#[tokio::test]
async fn a_file_from_a_reader_is_not_sent_twice_and_the_error_says_what_to_give_instead() {
    let server = MockServer::start().await;
    let conflict = ResponseTemplate::new(409)
        .set_body_json(
            json!({"code": "IDEMPOTENCY_CONFLICT", "title": "Conflict", "message": "in flight"}),
        )
        .insert_header("retry-after", "1");
    Mock::given(method("POST")).respond_with(conflict).mount(&server).await;
    let client = Client::builder()
        .reporter(reporter::Config::new(server.uri(), reporter::Credentials::none()))
        .timer(Arc::new(VirtualTimer::new()))
        .build()
        .unwrap();
    let reader = std::io::Cursor::new(CSV.as_bytes().to_vec());

    let error = client
        .reporter()
        .create_template(TemplateFile::reader("balances.tpl", reader), OutputFormat::Csv, "x")
        .send()
        .await
        .unwrap_err();

    assert!(error.to_string().contains("give a path or bytes"), "{error}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}
