//! Running one operation the way a careful caller would, and what it delivered.

use std::time::Duration;

use auditkit::{
    Error,
    everbridge::ReportType,
    pagination::{Continuation, Pages},
    qualtrics::Logins,
    testkit::ReporterSandbox,
};
use futures::StreamExt;

use crate::{
    environment::*,
    table::*,
    table::{Kind::*, Op::*},
};

/// What one run of a cell delivered.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub(crate) first_error: Option<Error>,
    /// Every error seen, the first included.
    pub(crate) errors: Vec<String>,
    pub(crate) ids: Vec<String>,
    pub(crate) finished: bool,
}

impl Outcome {
    fn fail(&mut self, error: Error) {
        self.errors.push(error.to_string());
        self.first_error.get_or_insert(error);
    }
}

/// Reads a listing page by page. On an error, when `recover`, resumes from the error's
/// continuation or else the last page's (at most three times).
pub(crate) async fn read<T>(
    make: impl Fn(Option<Continuation>) -> Pages<T>,
    id: impl Fn(&T) -> String,
    mut after_first_page: Option<Box<dyn FnOnce() + Send + '_>>,
    recover: bool,
) -> Outcome {
    let mut outcome = Outcome::default();
    let mut resume: Option<Continuation> = None;
    for _ in 0..4 {
        let mut pages = make(resume.clone());
        loop {
            match pages.next().await {
                None => {
                    outcome.finished = true;
                    return outcome;
                }
                Some(Ok(page)) => {
                    outcome.ids.extend(page.items().iter().map(&id));
                    resume = page.continuation().cloned();
                    if let Some(hook) = after_first_page.take() {
                        hook();
                    }
                }
                Some(Err(error)) => {
                    if let Error::Pagination(paging) = &error
                        && let Some(continuation) = paging.continuation()
                    {
                        resume = Some(continuation.clone());
                    }
                    outcome.fail(error);
                    if !recover {
                        return outcome;
                    }
                    break;
                }
            }
        }
    }
    outcome
}

/// Calls a one-shot operation; on an error, when `recover`, calls it once more.
pub(crate) async fn call<F, Fut>(once: F, recover: bool) -> Outcome
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Vec<String>, Error>>,
{
    let mut outcome = Outcome::default();
    for _ in 0..2 {
        match once().await {
            Ok(ids) => {
                outcome.ids = ids;
                outcome.finished = true;
                return outcome;
            }
            Err(error) => {
                outcome.fail(error);
                if !recover {
                    return outcome;
                }
            }
        }
    }
    outcome
}

pub(crate) async fn run_op(case: &Case, env: &Env) -> Outcome {
    let recover =
        matches!(case.expect, Expect::Fails(_, Then::Recover) | Expect::ExactAfterResumes);
    let client = &env.client;
    let skip = matches!(case.expect, Expect::SkipsOne);
    let (from, to) = env.window;
    match case.op {
        EnergyCapLogs => {
            call(
                || async {
                    let logs = client
                        .energycap()
                        .list_report_distribution_logs()
                        .include_in_progress(true)
                        .send()
                        .await?;
                    Ok(logs.iter().map(|log| log.report_distribution_log_id.to_string()).collect())
                },
                recover,
            )
            .await
        }
        EnergyCapLogDetail | EnergyCapWait => {
            let id: i32 = env.subject.parse().unwrap();
            call(
                || async move {
                    let detail = if case.op == EnergyCapWait {
                        client
                            .energycap()
                            .wait_for_distribution(id)
                            .max_wait(Duration::from_secs(60))
                            .await?
                    } else {
                        client.energycap().get_report_distribution_log(id).send().await?
                    };
                    Ok(vec![detail.log.report_distribution_log_id.to_string()])
                },
                recover,
            )
            .await
        }
        EnergyCapRun => {
            call(
                || async {
                    let log = client.energycap().run_report_distribution(1).send().await?;
                    Ok(vec![log.report_distribution_log_id.to_string()])
                },
                recover,
            )
            .await
        }
        QualtricsLogins => {
            let make = |resume| {
                let listing = client
                    .qualtrics()
                    .list_events::<Logins>()
                    .start_date(from)
                    .end_date(to)
                    .page_size(50);
                paged(listing, skip.then_some(env), resume)
            };
            read(make, |event| event.id.clone(), None, recover).await
        }
        QualtricsRaw => {
            let make = |resume| {
                let listing = client
                    .qualtrics()
                    .list_events_raw("logins")
                    .start_date(from)
                    .end_date(to)
                    .page_size(50);
                paged(listing, skip.then_some(env), resume)
            };
            read(make, |event| event.id.clone(), None, recover).await
        }
        QualtricsActivityTypes => {
            call(
                || async {
                    let kinds = client.qualtrics().list_activity_types().send().await?;
                    Ok(kinds.into_iter().map(|kind| kind.name).collect())
                },
                recover,
            )
            .await
        }
        ReporterGenerate => {
            call(
                || async {
                    let created = keyed(client).send().await?;
                    Ok(vec![created.value.id])
                },
                recover,
            )
            .await
        }
        ReporterGet | ReporterWait => {
            let id = env.subject.clone();
            call(
                || {
                    let id = id.clone();
                    async move {
                        let report = if case.op == ReporterWait {
                            client
                                .reporter()
                                .wait_for_report(id)
                                .max_wait(Duration::from_secs(60))
                                .await?
                        } else {
                            client.reporter().get_report(id).send().await?
                        };
                        Ok(vec![report.id])
                    }
                },
                recover,
            )
            .await
        }
        ReporterDownload => {
            let id = env.subject.clone();
            let limit = if case.kind == OversizedBody { TINY_ANSWER } else { 1 << 20 };
            call(
                || {
                    let id = id.clone();
                    async move {
                        let file = client
                            .reporter()
                            .download_report(id)
                            .send()
                            .await?
                            .bytes(limit)
                            .await?;
                        Ok(vec![String::from_utf8_lossy(&file).into_owned()])
                    }
                },
                recover,
            )
            .await
        }
        ReporterList => {
            let make = |resume| {
                let listing = client.reporter().list_reports().limit(10);
                paged(listing, skip.then_some(env), resume)
            };
            read(make, |report| report.id.clone(), None, recover).await
        }
        ReporterTemplates => {
            let make = |resume| {
                let listing = client.reporter().list_templates().limit(3);
                paged(listing, skip.then_some(env), resume)
            };
            read(make, |template| template.id.clone(), None, recover).await
        }
        ReporterTemplate => {
            call(
                || async {
                    let template = client
                        .reporter()
                        .get_template(ReporterSandbox::CSV_TEMPLATE)
                        .send()
                        .await?;
                    Ok(vec![template.id])
                },
                recover,
            )
            .await
        }
        EverbridgeMonths | EverbridgeOneMonth | EverbridgePageQueryPages => {
            let (from, to) = everbridge_range(case.op);
            let make = |resume: Option<Continuation>| {
                let mut log = client.everbridge().list_audit_log(ReportType::Security, from, to);
                if let Some(continuation) = resume {
                    log = log.resume(continuation);
                }
                match case.op {
                    EverbridgeMonths => log.pages(),
                    EverbridgeOneMonth => log.pages(),
                    _ => log.page_query_pages(),
                }
            };
            let everbridge = env.sandbox.everbridge();
            let hook: Option<Box<dyn FnOnce() + Send>> = (case.kind == ScrollExpiry).then(|| {
                Box::new(move || assert!(everbridge.expire_scrolls() >= 1))
                    as Box<dyn FnOnce() + Send>
            });
            read(make, |entry| entry.entity_id.unwrap_or(-1).to_string(), hook, recover).await
        }
        EverbridgePageQuery => {
            let (from, to) = everbridge_range(case.op);
            call(
                || async move {
                    let page = client
                        .everbridge()
                        .list_audit_log(ReportType::Security, from, to)
                        .page_query(1)
                        .send()
                        .await?;
                    Ok(page
                        .data
                        .iter()
                        .map(|entry| entry.entity_id.unwrap_or(-1).to_string())
                        .collect())
                },
                recover,
            )
            .await
        }
    }
}
