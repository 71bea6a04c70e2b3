//! What errors say to a person reading them, against the sandbox: the advice a vendor code
//! earns is given once, the path a request went to is named, and the sandbox starts with `?`
//! in a function returning `auditkit::Error`.

use auditkit::{
    Error,
    testkit::{ReporterSandbox, Sandbox},
};

/// Regression (issue "hardening" point 15): Reporter's TPL-0029 said "only a Finished report
/// can be downloaded" twice, then gave a second, generic next step.
#[tokio::test]
async fn tpl_0029_gives_its_advice_once_and_no_generic_next_step() -> Result<(), Error> {
    let sandbox = Sandbox::start().await?;
    let client = sandbox.client();
    let created = client.reporter().generate_report(ReporterSandbox::CSV_TEMPLATE).send().await?;

    let error = client.reporter().download_report(&created.value.id).send().await.unwrap_err();

    let text = error.to_string();
    assert_eq!(error.code(), Some("TPL-0029"));
    assert_eq!(text.matches("only a Finished report can be downloaded").count(), 1, "{text}");
    assert_eq!(text.matches("`wait_for_report`").count(), 1, "{text}");
    assert!(!text.contains("rejected the request's parameters"), "{text}");
    assert!(
        text.contains(&format!("at /reporter/manager/v1/reports/{}/download", created.value.id)),
        "{text}"
    );
    Ok(())
}

#[tokio::test]
async fn a_404_names_the_path_it_was_sent_to() -> Result<(), Error> {
    let sandbox = Sandbox::start().await?;

    let error = sandbox.client().reporter().get_report("no-such-report").send().await.unwrap_err();

    let text = error.to_string();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert!(
        text.contains("404 Not Found at /reporter/manager/v1/reports/no-such-report"),
        "{text}"
    );
    Ok(())
}

/// Issue "hardening" point 13: `Sandbox::start()` returned `std::io::Error`, so `?` did not
/// compile in a function returning `auditkit::Error`; `?` into `std::io::Result` still works.
#[tokio::test]
async fn sandbox_start_works_with_question_mark_in_a_function_returning_auditkit_error()
-> Result<(), Error> {
    async fn io_flavoured() -> std::io::Result<Sandbox> {
        Ok(Sandbox::builder().start().await?)
    }
    let sandbox = Sandbox::start().await?;
    let other = io_flavoured().await.expect("`?` took the error into std::io::Result");
    assert_ne!(sandbox.url(), other.url());
    Ok(())
}
