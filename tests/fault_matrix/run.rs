//! Running one cell and judging it: the error it must name, or nothing lost or duplicated.

use std::{collections::HashSet, fmt};

use auditkit::Error;

use crate::{environment::*, operation::*, table::Op::*, table::*};

/// What a cell counted, for the summary.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub(crate) lost: usize,
    pub(crate) duplicated: usize,
    pub(crate) duplicate_reports: usize,
}

pub(crate) struct Verdict {
    pub(crate) case: Case,
    pub(crate) tally: Tally,
    pub(crate) problems: Vec<String>,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} x {:?}: {}", self.case.kind, self.case.op, self.problems.join("; "))
    }
}

pub(crate) fn check_error(want: Want, op: Op, error: &Error, problems: &mut Vec<String>) {
    let text = error.to_string();
    let (vendor, operations) = op.names();
    if !text.contains(vendor) || !operations.iter().any(|name| text.contains(name)) {
        problems.push(format!("the error does not name {vendor} and {operations:?}: {text}"));
    }
    let right = match want {
        Want::Status(code) => error.status().map(|status| status.as_u16()) == Some(code),
        Want::Transport(kind) => matches!(error, Error::Transport(e) if e.kind() == kind),
        Want::Decode(needle) => matches!(error, Error::Decode(_)) && text.contains(needle),
        Want::CursorExpired => matches!(
            error,
            Error::Pagination(e) if e.is_cursor_expired() && e.continuation().is_some()
        ),
        Want::RepeatedToken => matches!(
            error,
            Error::Pagination(e) if !e.is_cursor_expired() && text.to_lowercase().contains("token")
        ),
        Want::ScrollRepeat => matches!(
            error,
            Error::Pagination(e) if !e.is_cursor_expired() && text.contains("same batch")
        ),
        Want::WaitTimeout => {
            matches!(error, Error::WaitTimeout(e) if e.last_status() == Some("Queued"))
        }
    };
    if !right {
        problems.push(format!("expected {want:?}, got {error:?} ({text})"));
    }
}

pub(crate) async fn run(case: Case) -> Verdict {
    let mut env = env(&case).await;
    inject(&case, &mut env).await;
    let outcome = run_op(&case, &env).await;
    if std::env::var("FAULT_MATRIX_DEBUG").is_ok() {
        for request in env.sandbox.requests() {
            eprintln!("{:?} {:?}", request.path, request.query);
        }
        eprintln!("{} ids, errors {:?}", outcome.ids.len(), outcome.errors);
    }
    let mut problems = Vec::new();
    if case.op == ReporterGenerate && env.expected.is_empty() {
        env.expected = ids_of(&env.sandbox.reporter().reports(), "id");
    }

    let unique: HashSet<&String> = outcome.ids.iter().collect();
    let expected: HashSet<&String> = env.expected.iter().collect();
    let mut tally = Tally { duplicated: outcome.ids.len() - unique.len(), ..Tally::default() };
    let strangers = unique.difference(&expected).count();
    if strangers > 0 {
        problems.push(format!("{strangers} items that were never seeded"));
    }
    let complete = |tally: &mut Tally, problems: &mut Vec<String>| {
        tally.lost = expected.difference(&unique).count();
        if !outcome.finished || tally.lost > 0 {
            problems.push(format!(
                "finished: {}, {} of {} lost, errors: {:?}",
                outcome.finished,
                tally.lost,
                expected.len(),
                outcome.errors
            ));
        }
    };
    match case.expect {
        Expect::Exact | Expect::Waits(_) => {
            if let Some(error) = &outcome.first_error {
                problems.push(format!("expected success, got {error}"));
            }
            complete(&mut tally, &mut problems);
        }
        Expect::ExactAfterResumes => {
            for error in &outcome.errors {
                if !error.contains("scroll") {
                    problems.push(format!("expected only expired scrolls, got {error}"));
                }
            }
            complete(&mut tally, &mut problems);
        }
        Expect::SkipsOne => {
            if let Some(error) = &outcome.first_error {
                problems.push(format!("expected success, got {error}"));
            }
            complete(&mut tally, &mut problems);
            let set_aside = env.set_aside.lock().unwrap();
            if set_aside.len() != 1 || !set_aside[0].contains(BAD_DATE) {
                problems.push(format!("expected the bad item set aside once, got {set_aside:?}"));
            }
        }
        Expect::Fails(want, then) => {
            match &outcome.first_error {
                Some(error) => check_error(want, case.op, error, &mut problems),
                None => problems.push(format!("expected {want:?}, got success")),
            }
            if then == Then::Recover {
                complete(&mut tally, &mut problems);
            }
        }
    }
    if let Expect::Waits(wait) = case.expect {
        let sleeps = env.timer.sleeps();
        if !sleeps.contains(&wait) {
            problems.push(format!("expected a wait of {wait:?}, the client slept {sleeps:?}"));
        }
    }
    if case.op == ReporterGenerate {
        let reports = env.sandbox.reporter().reports().len();
        tally.duplicate_reports = reports.saturating_sub(1);
        if reports != 1 {
            problems.push(format!("{reports} reports made"));
        }
    }
    if case.op == EnergyCapRun {
        // Never a second run, whatever happened to the first.
        tally.duplicate_reports = env.sandbox.energycap().runs().len().saturating_sub(1);
    }
    if tally.duplicated > 0 || tally.duplicate_reports > 0 {
        problems.push(format!("{tally:?}"));
    }
    Verdict { case, tally, problems }
}
